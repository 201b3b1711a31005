"""Retrieval and answering with the deterministic fake encoder on the fixture corpus."""

import re

import pytest

from service.answering import _names, abstain_message, proper_nouns, render
from service.assistant import Assistant


def test_role_synonyms_rank_identically(fake_assistant: Assistant) -> None:
    rankings = {tuple(p.chunk.id for p in fake_assistant.search(q, k=5)[1]) for q in (
        "vice president of sales earnings", "VP Sales earnings", "VP of Sales earnings", "sales VP earnings")}
    assert len(rankings) == 1


def test_salary_words_find_the_pay_passage(fake_assistant: Assistant) -> None:
    for q in ("How much does a VP of Sales earn?", "vice president of sales salary"):
        assert fake_assistant.search(q, k=1)[1][0].chunk.text.startswith("How much does a VP of Sales earn?")


def test_modes_rank_differently_but_all_return_k(fake_assistant: Assistant) -> None:
    for mode in ("hybrid", "dense", "bm25"):
        _, passages = fake_assistant.search("who does the chief revenue officer report to", k=3, mode=mode)
        assert 1 <= len(passages) <= 3
        assert [p.rank for p in passages] == list(range(len(passages)))


def test_answer_is_cited_and_concise(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("How much does a VP of Sales earn?")
    assert not answer.abstained
    assert "$100,000" in answer.answer
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers and markers == {c.n for c in answer.citations}
    for c in answer.citations:
        assert c.quote in c.text
    assert len(answer.answer.split()) <= 80
    assert not answer.answer.startswith("How much")  # a FAQ question is never the answer


def test_table_row_renders_with_its_header(fake_assistant: Assistant) -> None:
    question = "Who does the Chief Revenue Officer report to?"
    prepared = fake_assistant.retriever.prepare(question)
    passages = fake_assistant.retriever.search(prepared, k=5)
    rows = [c for c in fake_assistant.answerer.candidates(question, prepared, passages) if c.sentence.kind == "row"]
    assert rows, "the reporting table should be retrieved"
    rendered = {render(c) for c in rows}
    assert "Chief Revenue Officer: Reports to: CEO or Board; Manages: Sales, marketing, customer success." in rendered
    # a question about one role keeps only that role's column when the columns are roles
    assert render(rows[0], ["cro"]) == render(rows[0])


def test_unknown_names_and_uncovered_roles_abstain(fake_assistant: Assistant) -> None:
    for question in ("What is the capital of France?", "What does a CTO do?", "How much does a CFO earn?"):
        answer = fake_assistant.ask(question)
        assert answer.abstained, question
        assert answer.answer == abstain_message() and answer.citations == ()


def test_roles_coordinated_after_report_to_are_all_reported_to() -> None:
    from service.answering import _direction_match, _report_objects

    assert _report_objects("VPs of Sales commonly report directly to the CSO or CRO.") == {"cso", "cro"}
    assert _report_objects("The CSO would report to the CRO, and the VP of Sales leads reps.") == {"cro"}
    # "who reports to whom?" between two roles: the line between them, not both reporting upward
    line = "Typically, the CSO would report to the CRO."
    both_up = "VPs of Sales commonly report directly to the CSO or CRO."
    assert _direction_match("who reports to who? (the CRO and the CSO)", line, {"cro", "cso"}) == 1.0
    assert _direction_match("who reports to who? (the CRO and the CSO)", both_up, {"cro", "cso"}) == 0.0
    # "the same people": whom each reports to
    assert _direction_match("do the CSO and CRO report to the same people?", line, {"cro", "cso"}) == 0.0


def test_who_reports_to_a_role_wants_the_role_reported_to_or_managing() -> None:
    from service.answering import _direction_match, _report_objects

    # "to a", "into their": the role after them is reported to
    assert _report_objects("Who reports to a VP of Sales?") == {"vpsales"}
    assert _report_objects("who reports into their CSO?") == {"cso"}
    assert _report_objects("who reports straight into the CSO?") == {"cso"}
    up = "VPs of Sales commonly report directly to the CSO or CRO."
    assert _direction_match("Who reports to a VP of Sales?", up, {"vpsales"}) == -1.0
    assert _direction_match("Who does a VP of Sales report to?", up, {"vpsales"}) == 1.0
    assert _direction_match("who's the VP of Sales accountable to?", up, {"vpsales"}) == 1.0
    # the role leading people is the other way of saying they report to it; not for the boss question
    manages = "They manage regional sales managers, account executives, and team leaders."
    assert _direction_match("Who reports to a VP of Sales?", manages, {"vpsales"}, "vpsales") == 1.0
    assert _direction_match("Who reports to a VP of Sales?", manages, {"vpsales"}, "cso") == 0.0
    assert _direction_match("Who does a VP of Sales report to?", manages, {"vpsales"}, "vpsales") == 0.0
    assert _direction_match("which teams sit under the CRO?", "The CRO leads sales and marketing.", {"cro"},
                            "cro") == 1.0
    assert _direction_match("what areas fall under a CRO?", "Marketing usually reports to the CRO.", {"cro"}) == 1.0
    # "who manages the VP of Sales?" asks the VP's boss
    assert _direction_match("who manages the VP of Sales?", up, {"vpsales"}) == 1.0
    assert _direction_match("who manages the VP of Sales?", manages, {"vpsales"}, "vpsales") == 0.0


@pytest.mark.slow
def test_coverage_joins_word_families_the_stemmer_leaves_apart(real_assistant: Assistant) -> None:
    answerer = real_assistant.answerer
    # "incentivized" stems to "incentiv", "incentive" to "incent": one family
    assert answerer.coverage(("incentiv",), frozenset({"incent", "margin"})) == 1.0
    assert answerer.coverage(("incentiv",), frozenset({"margin"})) == 0.0
    assert answerer.family("sal") == frozenset()  # too short to be a family


def test_names_are_capitalized_words_but_not_acronyms_or_their_plurals() -> None:
    from service.answering import _names

    assert _names("what data does the CRO collect from those VPs?") == []
    assert _names("do AEs and SDRs report to the VP of Sales?") == []
    assert _names("How much does HubSpot pay its VP of Sales?") == ["HubSpot"]
    # a question in capitals names nothing, also once an abbreviation in it is spelled out
    assert _names("WHO RUNS DEMAND generation AND SOLUTION ENGINEERING") == []
    # short words with two capitals are acronyms written in mixed case
    assert _names("Which exec should a SaaS company hire?") == []
    # the pronoun "I" and its contractions name no one
    assert _names("anything specific if I'm aiming for the CSO seat? I think so") == []


def test_working_with_a_role_includes_coaching_and_supporting_it() -> None:
    from service.answering import _relation_match

    question = "how does the CRO work with the VP of Sales?"
    assert _relation_match(question, "Coaching and supporting the VP of Sales, Marketing, and Success.") == 1.0
    assert _relation_match(question, "The VP of Sales leads the sales team.") == 0.0


def test_roles_spoken_of_as_hired() -> None:
    from service.lexicon import hired_roles

    assert hired_roles("Consider hiring a CRO if your revenue depends on aligning teams.") == {"cro"}
    assert hired_roles("when should we bring in a new VP of Sales?") == {"vpsales"}
    assert hired_roles("does the CRO recruit senior leaders?") == set()


def test_a_role_that_hires_is_not_answered_by_when_to_hire_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("does the CRO recruit people?").answer
    assert "Consider hiring a CRO" not in answer and "Recruiting and retaining" in answer, answer


def test_a_sentence_that_sets_roles_against_each_other_says_the_aspect_of_one_clause_only() -> None:
    from service.composition import _clause_has

    text = "A CRO is someone with an investing mentality, while a VP of sales is focused on bookings."
    assert _clause_has(text, "vpsales", ("focus",)) and not _clause_has(text, "cro", ("focus",))
    # one clause: the sentence has it or not as a whole, the caller's test
    assert _clause_has("The CRO focuses on revenue.", "cro", ("pay",))


def test_a_long_list_item_is_cut_at_a_comma_of_its_first_sentence() -> None:
    from service.composition import _clip
    long = ("Working with the marketing team, account managers, and customers to ensure that the pipeline is filled "
            "with qualified sales opportunities, that the customer is onboarded correctly, and that customers "
            "receive the correct products")
    assert _clip(long) == ("Working with the marketing team, account managers, and customers to ensure that the "
                           "pipeline is filled with qualified sales opportunities …")
    # a short item stays whole, and a cut never falls in a second sentence ("... strategies. Then, reporting ...")
    assert _clip("Coaching of sales leaders and individual contributors") == (
        "Coaching of sales leaders and individual contributors")
    two = ("Working with the CEO to determine the company’s primary goals and strategies. Then, reporting on the "
           "company’s progress towards those targets and all of the other things that are asked")
    assert _clip(two) == two


def test_a_thing_reported_to_someone_is_no_reporting_line() -> None:
    from service.answering import _reporting_question
    assert _reporting_question("who does the VP of Sales report the forecast to?") == ""
    assert _reporting_question("who does the VP of Sales report to?")
    assert _reporting_question("who do they report directly to?")


def test_proper_nouns_are_the_words_written_capitalized_only_inside_sentences() -> None:
    texts = ["Veterans scoff at Sandler or Challenger selling. Salesforce is a vendor.",
             "## Average Salary Range\n\nThe salary range is wide; a challenger rarely wins.",
             "They rehearse Sandler every week."]
    # a sentence's first word, a heading's words and a word also written in lower case are no names
    assert proper_nouns(texts) == frozenset({"sandler"})


def test_a_name_the_articles_use_is_a_name_in_lower_case_too() -> None:
    proper = frozenset({"sandler"})
    assert _names("what is the sandler method?", proper) == ["Sandler"]
    assert _names("what is the Sandler method?", proper) == ["Sandler"]
    assert _names("what is the sales method?", proper) == []
