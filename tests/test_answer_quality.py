"""Answer composition and answerability with the real model, one test per failure class of issue 13.

The questions are written for these tests (never copied from a suite); each asserts what an
employee must see: the right list, the role named, both sides of a comparison, an honest abstention.
"""

import re

import pytest
from fastapi.testclient import TestClient

from service.answering import acted_on
from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from service.conversation import Turn
from service.retrieval import line_between

pytestmark = pytest.mark.slow


def test_lists_come_back_as_lists_under_their_lead_in(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("List the benefits of a CRO.")
    assert answer.answer.startswith("Benefits of a CRO:")
    assert answer.answer.count(";") >= 2 and "Holistic view" in answer.answer
    # the quote is the items' exact span, so the page highlights exactly what was quoted
    assert answer.citations[0].quote in answer.citations[0].text and "Unified strategy" in answer.citations[0].quote


def test_a_lead_in_sentence_is_answered_with_the_items_it_introduces(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What does a CRO focus on from day to day?").answer
    assert "focused around:" in answer and answer.count(";") >= 1 and "CEO" in answer


def test_a_comparison_never_quotes_a_lead_in_without_its_list(real_assistant: Assistant) -> None:
    # the CRO's clause must say something: "... are primarily focused around." alone says nothing
    answer = real_assistant.ask("CRO vs VP of Sales: what does each mostly focus on?").answer
    assert "focused around." not in answer and "CRO" in answer and "vp of sales" in answer.lower()


@pytest.mark.parametrize("question", ["so the CRO role, what is it in a nutshell", "CRO: what's the role, tl;dr?"])
def test_a_definition_reads_the_passage_that_defines_the_role(real_assistant: Assistant, question: str) -> None:
    # the defining sentence sits in a passage the question's words rank low
    assert "oversees the entire revenue process" in real_assistant.ask(question).answer


@pytest.mark.parametrize("question", ["does the CRO do any recruiting themselves?",
                                      "what role does a CRO play in recruiting?"])
def test_the_hiring_a_role_does_is_not_advice_on_hiring_it(real_assistant: Assistant, question: str) -> None:
    # the one duty that says it sits deep in a long list; the advice on hiring execs matches the words better
    answer = real_assistant.ask(question).answer
    assert "Recruiting and retaining senior-level leadership" in answer and "CRO" in answer
    assert "Consider hiring" not in answer and "Right-Size" not in answer


def test_who_earns_more_gives_both_figures(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Does a CSO or a CRO take home a bigger salary?").answer
    assert "$284,126" in answer and "$232,294" in answer


@pytest.mark.parametrize("top_k", [5, 10, 20])
def test_how_many_passages_are_returned_does_not_change_a_comparison(real_assistant: Assistant, top_k: int) -> None:
    # per-role passages come from outside what the answerer reads, not outside what is returned
    answer = real_assistant.ask("Could a CRO or a VP of Sales end up with more total pay?", top_k=top_k).answer
    assert "$410,064" in answer and "$600,000" in answer


def test_paragraphs_announced_by_a_sentence_are_its_items(real_assistant: Assistant) -> None:
    items = [u for u in real_assistant.index.units if u.context == "Here are some key benefits of hiring a CSO."]
    assert len(items) >= 4 and len({u.list_id for u in items}) == 1
    assert all(u.span == (u.sentence.start, u.sentence.end) for u in items)  # a paragraph's opening sentence
    answer = real_assistant.ask("What are the advantages of hiring a chief sales officer?").answer
    assert answer.startswith("Here are some key benefits of hiring a CSO:") and "strategic direction" in answer


def test_a_drawbacks_question_never_gets_a_benefits_list(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What are the downsides of bringing in a CSO?").answer
    assert "key benefits" not in answer and "Benefits of" not in answer


def test_an_item_of_a_list_headed_by_the_aspect_fits_a_list_question_best(real_assistant: Assistant) -> None:
    from service.answering import _type_fit
    from service.question import analyze

    q = analyze("what are the upsides of bringing on a CRO?")
    units = real_assistant.index.units
    benefit = next(u for u in units if u.text.startswith("Holistic view of the whole customer journey"))
    other = next(u for u in units if u.text.startswith("Role is newer"))
    assert _type_fit(q, benefit) == 1.0 and _type_fit(q, other) == 0.5


def test_drawbacks_get_the_drawbacks_list_not_the_benefits(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What are the cons of a chief revenue officer?").answer
    assert "resistance" in answer and "newer" in answer
    assert "Holistic view" not in answer


def test_who_questions_name_the_role_from_the_heading(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Who creates the comp plan structure for revenue roles?").answer
    assert answer.startswith("CRO: He or she must create the comp plan")


def test_who_is_managed_is_answered_with_the_job_titles(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Who is managed by the VP of Sales?").answer
    assert answer.startswith("VP of Sales: They manage regional sales managers")


def test_an_item_without_a_subject_belongs_to_its_sections_role(real_assistant: Assistant) -> None:
    unit = next(u for u in real_assistant.index.units if u.text.startswith("Coaching and supporting the VP of Sales"))
    assert unit.subject == "cro" and "vpsales" in unit.roles
    answer = real_assistant.ask("Whom does the CRO coach?").answer
    assert "Coaching and supporting the VP of Sales" in answer


def test_who_reports_to_whom_between_two_roles_is_the_line_between_them(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("When a company has a CRO and a CSO, which of them reports to the other?").answer
    assert answer.startswith("Typically, the CSO would report to the CRO")
    answer = real_assistant.ask("with a CRO and a CSO in the org, who works for who?").answer
    assert "the CSO would report to the CRO" in answer.split("[1]")[0], answer


@pytest.mark.parametrize(("question", "opening"), [
    ("who works for the CRO?", "VPs of Sales commonly report directly to the CSO or CRO"),
    ("who does a CSO work under?", "CSOs typically occupy senior executive positions, often reporting directly to"),
])
def test_working_for_someone_is_reporting_to_them(real_assistant: Assistant, question: str, opening: str) -> None:
    assert real_assistant.ask(question).answer.startswith(opening)


def test_a_passage_filed_under_other_roles_still_counts_when_it_names_the_asked_one(
        real_assistant: Assistant) -> None:
    # "Common Career Transitions" sits under "Moving from Sales Rep to CSO or CRO" but names the VP of Sales
    _, passages = real_assistant.search("Which jobs come before VP of Sales on the career path?", k=5)
    assert any((p.chunk.section or "").endswith("Common Career Transitions") for p in passages)


def test_a_condition_question_reads_the_passage_that_states_when(real_assistant: Assistant) -> None:
    prepared = real_assistant.retriever.prepare("When would a business bring on a CSO?")
    read = {p.index for p in real_assistant.retriever.search(prepared, 5)}
    extra = real_assistant.retriever.role_passages(prepared, read)
    assert len(extra) == 2 and not {p.index for p in extra} & read  # n new ones, not n minus the ones read
    assert any("benefit from a CSO when" in p.chunk.text for p in extra)


def test_choosing_the_role_is_the_frame_of_a_condition_not_its_aspect(real_assistant: Assistant) -> None:
    # "the right hire" matches "the right tools" and "hiring a CSO" in a benefits list; the answer is
    # the list that says when
    answer = real_assistant.ask("When is a CSO the right choice to hire?")
    assert "complex sales cycles" in answer.answer or "main driver of revenue" in answer.answer, answer.answer


def test_a_question_stating_a_case_gets_the_role_that_case_calls_for(real_assistant: Assistant) -> None:
    # the advice item that says which role a business model calls for, not a sentence naming more roles
    answer = real_assistant.ask("if we mostly close one-off sales transactions, who should lead sales?")
    assert answer.answer.startswith("If your revenue flows mainly from sales transactions, a CSO"), answer.answer
    answer = real_assistant.ask("Our deals are mostly one-off sales transactions: which leader fits us?")
    assert "a CSO may be best" in answer.answer, answer.answer
    # ... found by what the item says, though the chunk ranks low as a whole
    answer = real_assistant.ask("Which leader suits us if our growth hinges on renewals and upsells?")
    assert "lean toward a CRO" in answer.answer, answer.answer


def test_a_kind_said_of_other_roles_too_is_answered_for_the_asked_one(real_assistant: Assistant) -> None:
    # "qualities" is said of the CSO and the CRO only, but the VP of Sales' own unit answers it
    answer = real_assistant.ask("What qualities should a great VP of Sales have?")
    assert not answer.abstained and "leadership skills" in answer.answer, answer.answer


def test_comparisons_give_both_figures(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("How does CRO pay compare with CSO pay?").answer
    assert "$232,294" in answer and "$284,126" in answer


@pytest.mark.parametrize("question", [
    "How long is the notice period of a VP of Sales?",
    "Who is the current CRO at Salesforce?",
    "What does a chief marketing officer do all day?",
    "What does a Chief Data Officer do?",
    "who does the VP of Marketing report to?",
    # no top unit has a word of it, and none means it
    "Does a VP of Sales typically get a gym membership?",
    # two options offered, neither of which any article uses
    "Should a VP of Sales work remote or in the office?",
    # the kind asked for is said of another role only, whose unit would be quoted
    "what kind of degree does a CRO usually hold?",
    # ... whatever the question's other words meet ("become": "This role is becoming increasingly popular")
    "What degree do you need to become a CRO?",
    # a company the articles name, written in lower case, whose CRO no article names
    "who is the cro at salesforce right now",
])
def test_a_core_role_does_not_make_a_question_answerable(real_assistant: Assistant, question: str) -> None:
    answer = real_assistant.ask(question)
    assert answer.abstained and answer.citations == ()
    assert answer.reason  # says why


@pytest.mark.parametrize("question", [
    "How many sales reps does a CSO usually manage?",
    "What percentage of CRO pay is stock?",
    "In which year did the VP of Sales title first appear?",
    "How old are most CSOs when they get the job?",
    "What is the average tenure of a chief revenue officer?",
    "What is a VP of Sales paid in euros?",
    "What is the typical number of managers under a CSO?",
    "At what time does a VP of Sales usually start the day?",
    # years of experience before the role are no time in it
    "what's the avg tenure of a CSO before they leave the company?",
])
def test_a_quantity_the_articles_never_state_is_not_answered(real_assistant: Assistant, question: str) -> None:
    answer = real_assistant.ask(question)
    assert answer.abstained and answer.reason.startswith("no ")


@pytest.mark.parametrize(("question", "fact"), [
    ("How many years in sales does a CSO have before the promotion?", "10 years"),
    ("how long do you need to work in sales before becoming a CSO?", "10 years"),
    ("How much does a CSO make a year?", "$500,000"),
])
def test_a_quantity_the_articles_state_is_answered(real_assistant: Assistant, question: str, fact: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained and fact in answer.answer


def test_a_follow_up_in_its_own_words_keeps_the_question_it_carries(real_assistant: Assistant) -> None:
    first = real_assistant.ask("Who does the CSO report to?")
    history = [Turn("user", "Who does the CSO report to?"), Turn("assistant", first.answer)]
    answer = real_assistant.ask("and where is the VP of Sales slotted in that setup?", history)
    assert not answer.abstained and "report" in answer.answer, answer.reason


def test_referent_named_only_by_the_previous_answer(real_assistant: Assistant) -> None:
    first = real_assistant.ask("Which role coaches the VP of Sales, Marketing, and Success?")
    assert "CRO" in first.answer
    history = [Turn("user", "Which role coaches the VP of Sales, Marketing, and Success?"),
               Turn("assistant", first.answer)]
    follow = real_assistant.ask("who do they report to?", history)
    assert "CRO" in follow.standalone_question and "CEO" in follow.answer


def test_a_follow_up_about_that_keeps_what_was_asked(real_assistant: Assistant) -> None:
    first = real_assistant.ask("What does a CSO earn?")
    history = [Turn("user", "What does a CSO earn?"), Turn("assistant", first.answer)]
    follow = real_assistant.ask("and how does that compare for a CRO?", history)
    assert "$232,294" in follow.answer and "$284,126" in follow.answer


@pytest.mark.parametrize(("first", "follow_up"), [
    ("what does the CRO gather on customers?", "how do they use all that information?"),
    ("why must a CRO know the biggest deals?", "ok and what do they do w/ this info?"),
])
def test_what_is_done_with_a_thing_just_said_goes_on_to_the_sentence_that_points_back_at_it(
        real_assistant: Assistant, first: str, follow_up: str) -> None:
    # "Their job is to combine all that information ..." opens the next paragraph, in a passage of its own
    history = [Turn("user", first), Turn("assistant", real_assistant.ask(first).answer)]
    assert real_assistant.ask(follow_up, history).answer.startswith("Their job is to combine all that information")


def test_turning_to_the_other_role_goes_on_to_the_sentence_that_contrasts_it(real_assistant: Assistant) -> None:
    first = "who's more about managing the pipeline and closing deals, the CSO or the CRO?"
    history = [Turn("user", first), Turn("assistant", real_assistant.ask(first).answer)]
    answer = real_assistant.ask("and the CRO, what does it focus on instead?", history).answer
    assert answer.startswith("In contrast, a CRO takes a broader view of revenue management"), answer


@pytest.mark.parametrize("follow_up", ["what about with bonuses on top?", "and with bonuses?", "what about all-in?"])
def test_a_pay_follow_up_is_answered_with_amounts_first(real_assistant: Assistant, follow_up: str) -> None:
    first = real_assistant.ask("how much is a VP of Sales' base salary?")
    history = [Turn("user", "how much is a VP of Sales' base salary?"), Turn("assistant", first.answer)]
    follow = real_assistant.ask(follow_up, history)
    assert "$250,000" in follow.answer, follow.answer
    assert "$" in follow.answer.split("[1]")[0], follow.answer  # an amount opens the answer


def test_a_duty_about_pay_is_answered_with_what_the_role_does_not_what_it_earns(real_assistant: Assistant) -> None:
    for question in ("when it comes to pay, what is the CRO in charge of?",
                     "what comp-related duties does a CRO have?"):
        answer = real_assistant.ask(question).answer
        assert "create the comp plan structure" in answer.split("[1]")[0], answer


def test_how_pay_should_be_set_up_is_answered_with_the_advice_on_designing_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how should incentives be set up for a CRO?").answer
    assert answer.startswith("Incentive Structures: Align compensation with desired outcomes"), answer


def test_a_role_acted_on_is_no_answer_to_what_it_does(real_assistant: Assistant) -> None:
    # "To help support your CSO, they need the right sales technology": the CSO is supported, not supporting
    answer = real_assistant.ask("in what ways does a CSO support the sales team?").answer
    assert "support your CSO" not in answer, answer
    assert acted_on("To help support your CSO, they need the right tools", {"cso"}, {"support"})
    assert not acted_on("A great VP of sales will possess great leadership skills", {"vpsales"}, {"great"})
    assert acted_on("how does the cro support the vps under them?", {"cro", "vpsales"}, {"support"})


def test_abstention_reason_reaches_the_api_and_the_store(real_settings: Settings,
                                                          real_assistant: Assistant) -> None:
    with TestClient(create_app(real_settings, real_assistant)) as client:
        body = client.post("/api/answer", json={"question": "How long is the notice period of a VP of Sales?"}).json()
        assert body["abstained"] and body["reason"].startswith("aspect not covered")
        answered = client.post("/api/answer", json={"question": "Who does the CRO report to?"}).json()
        assert not answered["abstained"] and answered["reason"] is None
        store = client.app.state.store
        assert store.for_owner("api").turns(body["conversation_id"])[0].reason == body["reason"]


def test_working_with_a_role_finds_what_is_done_with_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What is the CRO supposed to do with the CEO?").answer
    assert "Working with the CEO" in answer


def test_a_bare_yes_answers_only_its_own_faq_question(real_assistant: Assistant) -> None:
    # "Yes, especially in large organizations." answers whether a CSO can report to a CRO, not this
    answer = real_assistant.ask("is the CSO on the hook for the P&L?")
    assert not answer.answer.startswith("Yes"), answer.answer


def test_a_question_the_text_asks_itself_carries_its_match_to_the_sentence_that_answers_it(
        real_assistant: Assistant) -> None:
    question = "CRO vs VP of Sales - what's the real difference?"
    prepared = real_assistant.retriever.prepare(question)
    passages = real_assistant.retriever.search(prepared, 6, "hybrid")
    units = real_assistant.index.units
    asked = next(row for row, u in enumerate(units) if "Chief Revenue Officer vs VP of sales" in u.text
                 and u.text.endswith("roles?"))
    asked_sim = float(real_assistant.index.sentence_vectors[asked] @ prepared.vector)
    cands = real_assistant.answerer.candidates(question, prepared, passages)
    answer = next(c for c in cands if c.unit.row == asked + 1)
    assert answer.text.startswith("The Chief Revenue Officer is responsible for overall revenue generation")
    own_sim = float(real_assistant.index.sentence_vectors[asked + 1] @ prepared.vector)
    assert answer.similarity == pytest.approx(asked_sim - 0.03, abs=1e-5) and answer.similarity > own_sim
    assert all(c.unit.row != asked for c in cands)  # the question itself is never quoted


def test_a_definition_quotes_the_articles_own_answer_to_what_the_role_does(real_assistant: Assistant) -> None:
    # "What Does a Chief Revenue Officer Do?" heads the passage that defines the role
    answer = real_assistant.ask("What's a chief revenue officer?")
    assert "entire revenue process" in answer.answer and "customer success" in answer.answer, answer.answer


def test_which_pays_more_after_a_comparison_gives_both_figures(real_assistant: Assistant) -> None:
    history = [Turn("user", "How is a CRO different from a CSO?"), Turn("assistant", "…")]
    answer = real_assistant.ask("ok which of them is paid better?", history)
    assert "$232,294" in answer.answer and "$284,126" in answer.answer, answer.answer


def test_a_yes_no_question_the_quote_states_is_answered_yes(real_assistant: Assistant) -> None:
    assert real_assistant.ask("is net revenue retention a metric the CRO is measured by?").answer.startswith("Yes.")
    # a quote that only shares a word ("becoming") with the question is no yes
    assert not real_assistant.ask("Do you need a PhD to become a CSO?").answer.startswith("Yes")


def test_a_comparison_gives_the_other_side_however_well_the_first_matched(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("How does a VP of Sales' base salary compare with a CRO's salary?").answer
    assert "$100,000" in answer and "$232,294" in answer, answer


def _follow(assistant: Assistant, first: str, second: str):
    answer = assistant.ask(first)
    return assistant.ask(second, [Turn("user", first), Turn("assistant", answer.answer)])


def test_a_mistyped_question_word_does_not_make_a_topic(real_assistant: Assistant) -> None:
    # "dose" is an English word no article uses; read as "does", the question asks what a CRO does
    answer = real_assistant.ask("so what dose a CRO acutally do")
    assert not answer.abstained and "revenue" in answer.answer, answer.reason


@pytest.mark.parametrize("question", ["VP of Sales = ?? define it", "explain the CSO in simple terms pls"])
def test_asking_for_a_definition_in_chat_words_gets_one(real_assistant: Assistant, question: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained, answer.reason
    assert answer.answer.split(":")[0] in ("Vice President of Sales", "Chief Sales Officer") or "sales" in answer.answer


def test_a_letter_grade_level_is_no_company_name(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what is the typical career path from sales rep up to the C-level?")
    assert not answer.abstained and "account executive" in answer.answer, answer.reason


def test_a_role_the_articles_never_describe_set_beside_a_core_one_is_not_covered(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how is a chief customer officer different from a CSO?")
    assert answer.abstained and answer.reason.startswith("role not covered"), answer.answer


def test_that_after_a_pay_question_is_the_pay(real_assistant: Assistant) -> None:
    follow = _follow(real_assistant, "What is the most a CRO's total comp can reach?", "what's it based on?")
    assert "(pay)" in follow.standalone_question and not follow.abstained
    assert "incentiv" in follow.answer or "revenue" in follow.answer, follow.answer


def test_a_subject_it_is_the_role_not_the_previous_topic(real_assistant: Assistant) -> None:
    # "does it come with ..." asks its own thing: the earlier topic (titles) is not carried
    follow = _follow(real_assistant, "what other titles did the CRO go by?", "and does it include P&L ownership?")
    assert "title" not in follow.standalone_question.split("?")[-1], follow.standalone_question
    assert follow.answer.startswith("Yes.") and "P&L" in follow.answer, follow.answer


def test_a_table_row_covers_the_asked_roles_cell_only(real_assistant: Assistant) -> None:
    # "Day-to-day" is in the VP of Sales' cell of the "Primary focus" row: not the CSO's day
    answer = real_assistant.ask("what does a CSO actually do all day?").answer
    assert not answer.startswith("Primary focus"), answer


def test_one_role_instead_of_another_is_answered_for_the_first(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("in what situations should we go for a CSO rather than a CRO?").answer
    assert any(item in answer for item in ("complex sales cycles", "main driver of revenue", "tactical sales")), answer
    assert "Consider hiring a CRO" not in answer, answer
    # picking one over the other is the frame, not a topic the articles lack
    assert not real_assistant.ask("why would a company pick a CRO over a CSO?").abstained


def test_both_sides_of_a_pay_comparison_give_amounts(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("which has the bigger base pay, a CRO or a CSO?").answer
    assert "$232,294" in answer and "$284,126" in answer, answer


def test_a_capital_after_a_full_stop_is_no_name(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("How do people move up from sales rep to VP of Sales? Give me the steps.")
    assert not answer.abstained, answer.reason  # "Give" was taken for a name the articles don't use


def test_making_more_sense_is_no_pay_question(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("when would it make more sense to bring in a CSO than a CRO?").answer
    assert "$" not in answer, answer


def test_the_role_a_choice_picked_is_the_referent_of_that_person(real_assistant: Assistant) -> None:
    history: list[Turn] = []
    for question in ("CSO vs VP of Sales: what's the main difference?", "which of them suits a mid-sized company?"):
        answer = real_assistant.ask(question, history)
        history += [Turn("user", question), Turn("assistant", answer.answer)]
    follow = real_assistant.ask("who does that person report to?", history)
    assert "VP of Sales" in follow.standalone_question, follow.standalone_question


def test_a_who_question_after_its_setting_names_the_role_of_an_unnamed_quote(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("At a company that has a CRO, who supports and coaches the VP of Sales?").answer
    assert answer.startswith("CRO:"), answer


def test_a_list_question_answered_by_prose_goes_on_to_the_sentence_that_lists(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("so what does a chief revenue officer oversee?").answer
    assert "marketing" in answer and "customer success" in answer, answer


def test_the_drawbacks_of_one_role_over_another_are_that_roles(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what are the cons of going with a CSO rather than a CRO?").answer
    assert answer.startswith("Challenges with a CSO"), answer


def test_so_then_who_reports_to_whom_keeps_both_roles(real_assistant: Assistant) -> None:
    follow = _follow(real_assistant, "Can a business have both a CSO and a CRO?", "ok so then who is whose boss?")
    assert "CSO" in follow.standalone_question and "CRO" in follow.standalone_question, follow.standalone_question
    assert not follow.standalone_question.startswith(("What about", "ok")), follow.standalone_question


def test_what_else_asks_for_more_of_what_was_asked(real_assistant: Assistant) -> None:
    follow = _follow(real_assistant, "is churn something a CRO tracks?", "what else do they track?")
    assert "churn" in follow.standalone_question and not follow.abstained, follow.standalone_question
    assert "ARR" in follow.answer or "retention" in follow.answer, follow.answer


def test_why_after_a_question_about_two_roles_gives_the_reason_for_the_pair(real_assistant: Assistant) -> None:
    follow = _follow(real_assistant, "Is it possible to have a CRO and a CSO at the same time?",
                     "why would a company do it that way?")
    assert "CRO" in follow.standalone_question and "CSO" in follow.standalone_question, follow.standalone_question
    assert "ensuring" in follow.answer or "aligned" in follow.answer, follow.answer


def test_a_table_cell_under_the_asked_role_is_read_though_its_row_ranks_low(real_assistant: Assistant) -> None:
    # the "Company stage" row's cell for the VP of Sales; the row as a whole reads as the CSO's "Ideal for ..."
    answer = real_assistant.ask("Which company stage is the VP of Sales role suited to?").answer
    assert "mid-sized" in answer, answer


@pytest.mark.parametrize("question", ["What is VP of Sales short for?", "CRO: what's the acronym stand for?"])
def test_asking_what_an_abbreviation_stands_for_gives_the_full_name(real_assistant: Assistant, question: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained
    full = "Vice President (VP) of Sales" if "VP" in question else "Chief Revenue Officer"
    assert answer.answer.startswith(full)


def test_and_who_after_a_role_question_names_the_role(real_assistant: Assistant) -> None:
    history = [Turn("user", "What is a VP of Sales busy with each week?"),
               Turn("assistant", real_assistant.ask("What is a VP of Sales busy with each week?").answer)]
    answer = real_assistant.ask("and who supports and coaches that person?", history).answer
    assert answer.startswith("CRO:")


def test_a_remit_question_with_just_is_answered_by_the_sentence_that_bounds_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("is the CSO over customer success as well, or only the sales org?").answer
    assert "exclusively" in answer or "Sales only" in answer
    # "a bonus, or just base?" asks what the pay is made of, not how far a remit reaches
    pay = real_assistant.ask("are CSOs paid a bonus or only a base salary?").answer
    assert "bonuses" in pay and "exclusively" not in pay


def test_which_role_fits_a_stage_quotes_the_column_whose_cell_says_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what leader should a mid-sized company that is still growing bring in?").answer
    assert "VP of Sales: Suited for mid-sized" in answer
    assert "Ideal for large" not in answer  # the other column of the same row answers another question


def test_who_ranks_higher_is_answered_by_who_reports_to_whom(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("between a VP of Sales and a CSO, who is higher up?").answer
    assert "report directly to the CSO" in answer or "report to the CSO" in answer


def test_an_unknown_perk_next_to_known_words_nothing_near_the_top_has_is_not_covered(real_assistant: Assistant) -> None:
    # "allowance" and "usually" are article words; "housing" is not, and no top passage has any of them
    answer = real_assistant.ask("do CROs usually get a housing allowance?")
    assert answer.abstained and "aspect not covered: housing allowance" in answer.reason
    # the same shape, asked of something the articles cover, is answered
    assert not real_assistant.ask("do CROs usually get profit-sharing?").abstained


def test_should_we_get_one_role_after_a_situation_is_answered_by_when_it_fits(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Almost all of our revenue is closed by the sales team. Should we get a CSO?").answer
    assert "Organizations benefit from a CSO when:" in answer  # a condition item comes with its lead-in


def test_sitting_under_a_role_is_reporting_to_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what departments sit below the CRO?").answer
    assert "report directly to the CRO" in answer


def test_when_to_hire_with_no_role_named_reads_units_that_state_when(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("at what stage should a startup hire its first exec?").answer
    assert "Only hire at an executive level when" in answer


def test_a_remit_question_gets_yes_or_no_from_the_clause_about_the_asked_role(real_assistant: Assistant) -> None:
    no = real_assistant.ask("is the CSO in charge of marketing as well, or just sales?").answer
    assert no.startswith("No.") and "exclusively" in no
    yes = real_assistant.ask("does a CRO oversee customer success too, or only sales?").answer
    assert yes.startswith("Yes.")
    # no plain yes or no when the quote bounds something else than what was asked
    neither = real_assistant.ask("does a CSO meet clients in person, or just manage the team?").answer
    assert not neither.startswith(("Yes.", "No."))
    # "exclusively ... managing sales operations" bounds the remit to sales, not to managing people
    assert not real_assistant.ask("does the CSO deal with clients, or just manage people?").answer.startswith("No.")
    # a clause that names part of the first option and means it ("retention, renewal" for churn and renewals)
    remit = real_assistant.ask("does the VP of Sales deal with churn and renewals too, or just new logos?").answer
    assert remit.startswith("Yes.")


def test_is_one_role_like_another_is_answered_from_both_cells_of_a_row(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("does the VP of Sales sit in the C-suite like a CSO does?").answer
    assert answer.startswith("No.") and "Member of the C-suite" in answer
    # a row without a column for one of the roles says nothing of it: no verdict
    assert not real_assistant.ask("is the CRO a C-suite member like the CSO?").answer.startswith(("Yes.", "No."))


def test_a_name_the_articles_only_mention_in_passing_is_not_covered(real_assistant: Assistant) -> None:
    # "Sandler" appears once, in a sentence about a VP of Sales' habits; its stages are never described
    answer = real_assistant.ask("can you walk me through the Sandler stages?")
    assert answer.abstained and answer.reason.startswith("only mentioned in passing")
    # what that one sentence does say is answered
    assert not real_assistant.ask("what is Salesforce Sales Cloud designed to predict?").abstained


def test_a_follow_up_nothing_answers_alone_is_asked_again_in_the_previous_topic(real_assistant: Assistant) -> None:
    first = "How do people usually climb the sales career ladder up to the executive team?"
    history = [Turn("user", first), Turn("assistant", real_assistant.ask(first).answer)]
    answer = real_assistant.ask("and what is the rung after the AE step?", history)
    assert not answer.abstained and "sales manager" in answer.answer
    assert answer.standalone_question.endswith(")")  # the topic it was asked in is shown
    # an out-of-scope follow-up stays out of scope
    assert real_assistant.ask("and what dental plan comes with it?", history).abstained


def test_who_a_role_works_with_is_answered_with_roles_named(real_assistant: Assistant) -> None:
    # the closest sentence says "other C-suite executives"; the table row names them
    answer = real_assistant.ask("in the c-suite, who does a chief sales officer team up with?").answer
    assert "CEO" in answer and "CFO" in answer


def test_who_reports_to_a_role_names_its_reports_not_its_boss(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("who reports up to a VP of Sales?").answer
    assert answer.index("regional sales managers") < answer.index("report directly to the CSO or CRO") \
        if "report directly to the CSO or CRO" in answer else "regional sales managers" in answer
    boss = real_assistant.ask("who manages the VP of Sales?").answer
    assert "CSO" in boss and "They manage regional" not in boss
    # "report in to" is "report into": the departments under the CRO, not the CRO's boss
    teams = real_assistant.ask("which departments report in to the CRO?").answer
    assert "marketing" in teams and "report directly to the CEO" not in teams


def test_how_long_hiring_takes_is_not_answered_without_a_time(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how long does the hiring process for a CRO usually take?")
    assert answer.abstained and "time" in answer.reason


def test_a_pay_gap_in_dollar_signs_gives_both_figures(real_assistant: Assistant) -> None:
    # "$$" says pay; the second role's salary sentence has no "base" in it and still answers for it
    answer = real_assistant.ask("CSO base vs VP sales base, what's the gap in $$?").answer
    assert "$284,126" in answer and "$100,000" in answer


def test_what_a_role_does_is_not_another_roles_list_that_names_it(real_assistant: Assistant) -> None:
    # "The CRO's day-to-day responsibilities ...: Coaching and supporting the VP of Sales, ..." is the CRO's
    answer = real_assistant.ask("what does the VP of sales do all day?").answer
    assert "CRO’s day-to-day" not in answer and "day-to-day life of a VP for sales" in answer
    # the CRO's own list is the CRO's, items that name the VPs included
    assert "forecast and pipeline data" in real_assistant.ask("what is a CRO busy with day to day?").answer
    # ... and it answers who coaches the VP of Sales
    assert "Coaching and supporting the VP of Sales" in real_assistant.ask("who coaches the VP of Sales?").answer


def test_a_weakly_answered_follow_up_is_asked_again_in_the_previous_topic(real_assistant: Assistant) -> None:
    history = [Turn("user", "how does a sales rep climb all the way up to the c-suite?")]
    history.append(Turn("assistant", real_assistant.ask(history[0].content).answer))
    answer = real_assistant.ask("and what's the rung right before the exec level?", history)
    assert "(" in answer.standalone_question and "VP of Sales" in answer.answer


def test_a_reporting_line_is_read_from_the_repaired_question(real_assistant: Assistant) -> None:
    # "cheif revenue oficer" is repaired before the line's direction is read: marketing reports to the CRO
    answer = real_assistant.ask("does mktg roll up under the cheif revenue oficer?").answer
    assert answer.startswith("Yes.") and "report directly to the CRO" in answer


def test_a_why_answered_by_a_sentence_with_no_reason_goes_on_to_the_next(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how come a CRO has to know the top deals?").answer
    assert "forecasting" in answer and "customer journey" in answer


def test_which_company_did_something_first_abstains_without_a_company_named(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("which company invented the chief revenue officer role?")
    assert answer.abstained and answer.reason.startswith("no name stated")


def test_a_comparison_of_two_lists_quotes_each_roles_list(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("pros of a CSO vs a CRO?").answer
    assert "Benefits of a CSO:" in answer and "Benefits of a CRO:" in answer


def test_a_comparison_reads_each_roles_unit_in_the_asked_words_family(real_assistant: Assistant) -> None:
    # "incentivized" and the VP's "Their incentive is usually based on margins" are one word family
    answer = real_assistant.ask("how are CROs and VPs of Sales incentivised differently?").answer
    assert "margins" in answer and "grow overall organizational revenue" in answer


def test_is_that_more_than_another_role_is_answered_from_both_amounts(real_assistant: Assistant) -> None:
    from service.composition import _top_amount

    assert _top_amount("from $232,294 to $346,180, ... can reach $410,064") == 410064.0
    assert _top_amount("around $500k a year") == 500000.0 and _top_amount("no figure") == 0.0
    history = [Turn("user", "how high can total comp go for a chief revenue officer?")]
    history.append(Turn("assistant", real_assistant.ask(history[0].content).answer))
    answer = real_assistant.ask("and is that lower than what a CSO can make?", history).answer
    assert answer.startswith("Yes.") and "$410,064" in answer and ("$451,889" in answer or "$500,000" in answer)
    answer = real_assistant.ask("is that higher than what a CSO can earn?", history).answer
    assert answer.startswith("No.")


def test_an_overview_of_all_three_roles_quotes_the_faq_that_asks_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("CSO vs CRO vs VP of Sales, how do they differ?").answer
    assert "within the sales department" in answer and "all revenue-generating departments" in answer
    assert "tactical execution" in answer


def test_a_short_remark_after_the_quoted_sentence_completes_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("is it normal that a new VP of sales tears up our CRM?").answer
    assert "rip apart your CRM" in answer and "This is the reason you hired them!" in answer


def test_a_yes_no_on_one_role_in_words_said_only_of_another_abstains(real_assistant: Assistant) -> None:
    # only the CSO's background mentions an MBA: whether a CRO needs one, the articles don't say
    answer = real_assistant.ask("does a chief revenue officer have to have an MBA?")
    assert answer.abstained and answer.reason == "said only of another role: mba (the CSO)"
    assert not real_assistant.ask("do CSOs usually have an MBA?").abstained


def test_a_comparative_with_nothing_after_than_is_no_error(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("is the CSO paid more than?")
    assert answer.answer and not answer.answer.startswith(("More.", "Less."))


def test_what_a_role_does_with_a_team_is_the_unit_working_with_that_team(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what does a VP of Sales do with the marketing team?").answer
    assert answer.startswith("VP of Sales: Working with the marketing team"), answer  # (the duty, named as its role's)


def test_what_a_company_should_do_is_answered_from_the_articles_advice(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how do we set the CRO up so it actually works?")
    assert "authority across departments" in answer.answer, answer.answer
    assert any("Practical Tips" in (c.section or "") for c in answer.citations)
    # the advice written for the asked role, not advice for any reader
    answer = real_assistant.ask("how do we set a CRO up to succeed?").answer
    assert answer.startswith(("Technology that integrates", "Give a CRO authority")), answer


def test_a_line_stated_between_two_asked_roles_answers_who_reports_to_whom() -> None:
    assert line_between("Typically, the CSO would report to the CRO, ensuring ...", {"cso", "cro"})
    # a third role's line to either of them is not the line between them
    assert not line_between("VPs of Sales commonly report directly to the CSO or CRO.", {"cso", "cro"})


def test_who_is_more_senior_of_two_roles_is_the_line_between_them(real_assistant: Assistant) -> None:
    history = [Turn("user", "Can a company have both a CRO and a CSO?"),
               Turn("assistant", real_assistant.ask("Can a company have both a CRO and a CSO?").answer)]
    answer = real_assistant.ask("ok so who reports to who in that setup?", history).answer
    assert answer.startswith("Typically, the CSO would report to the CRO"), answer
    # whom each reports to is still answered with each one's boss
    answer = real_assistant.ask("How do the reporting lines of a CSO and a CRO differ?").answer
    assert "CEO" in answer, answer


def test_pay_of_a_job_the_articles_do_not_cover_is_not_answered_with_a_leaders_pay(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What does a sales engineer earn per year?")
    assert answer.abstained and "pay of a job" in answer.reason, answer.answer
    # a pay question that names the covered roles in general words is still answered
    answer = real_assistant.ask("how much do sales execs make?")
    assert not answer.abstained and "$" in answer.answer, answer.reason


def test_what_a_vp_of_sales_does_is_answered_with_their_responsibilities(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What does a VP of Sales do?").answer
    assert "responsibilities" in answer.lower() or "leading and managing the sales team" in answer, answer


def test_which_role_to_hire_first_names_the_role_though_the_question_names_none(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("which role should a startup hire first?")
    assert not answer.abstained and "VP of Sales first" in answer.answer, answer.reason


def test_a_table_cell_with_the_asked_words_is_read_for_its_role(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what size of company suits a VP of Sales?").answer
    assert "mid-sized" in answer, answer


def test_who_the_asked_role_coaches_is_not_who_coaches_it(real_assistant: Assistant) -> None:
    # "Coaching and supporting the VP of Sales" is the CRO's doing: who coaches the VP, not whom the VP coaches
    answer = real_assistant.ask("whom does a VP of Sales coach?").answer
    assert "Coaching and supporting the VP of Sales" not in answer, answer
    answer = real_assistant.ask("who coaches the VP of Sales?").answer
    assert "Coaching and supporting the VP of Sales" in answer, answer


def test_a_unit_for_the_case_without_a_role_answers_a_question_without_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("we have no CRO. who should our CSO partner with?").answer
    assert "CMO" in answer, answer


def test_what_a_role_is_measured_on_is_its_metrics_not_a_sentence_pointing_back_at_them(
        real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what is the CRO measured on?").answer
    assert "YoY revenue growth" in answer, answer
    assert not answer.startswith("They must think beyond the VP of Sales to maximize these metrics"), answer


def test_the_step_before_a_role_is_answered_by_the_steps_in_order(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("which job usually comes right before VP of Sales?").answer
    assert "regional sales manager" in answer, answer


def test_a_side_of_pros_and_cons_asked_in_few_words_reads_the_list_under_that_heading(
        real_assistant: Assistant) -> None:
    answer = real_assistant.ask("cons of going with a CSO?").answer
    assert answer.startswith("Challenges with a CSO"), answer


def test_who_holds_a_role_at_a_named_company_is_a_person_the_articles_do_not_name(
        real_assistant: Assistant) -> None:
    answer = real_assistant.ask("who is salesforce's CRO these days?")
    assert answer.abstained and "person" in answer.reason, answer.answer
    assert not real_assistant.ask("who is the CRO's boss?").abstained
    # a person asked of a named company with a pronoun; without a company, "who is it?" asks for a role
    answer = real_assistant.ask("does Salesforce have a CSO, and who is it?")
    assert answer.abstained and "person" in answer.reason, answer.answer
    answer = real_assistant.ask("one exec oversees sales, marketing and customer success - who is it?")
    assert not answer.abstained and "CRO" in answer.answer, answer.reason


def test_a_company_named_in_lower_case_as_the_owner_of_an_org_is_unknown(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("is globex's sales org run by a CRO or a VP of Sales?")
    assert answer.abstained and "unknown name: globex" in answer.reason, answer.answer
    assert not real_assistant.ask("is the company's sales org run by a CRO or a VP of Sales?").abstained


def test_chat_shorthand_is_read_as_words(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what makes a gr8 vp of sales?")
    assert not answer.abstained and "leadership" in answer.answer, answer.reason


def test_pros_or_cons_of_two_roles_are_each_roles_list_under_that_side(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What are the risks of hiring a CSO versus a CRO?").answer
    assert "Challenges with a CSO:" in answer and "Challenges with a CRO:" in answer, answer
    # "benefit from" asks when a role fits, not for the list of its benefits
    answer = real_assistant.ask("In what situations does a company benefit from having a CSO?").answer
    assert not answer.startswith("Benefits of a CSO"), answer


@pytest.mark.parametrize("question, reason", [
    ("how generous is the relocation package for a new CSO?", "relocation package (a kind of pay"),
    ("do VPs of Sales usually get a signing bonus?", "signing bonus (a kind of pay"),
    ("does acme have a CRO or just a VP of Sales?", "unknown name"),
    ("how much does an account executive earn?", "pay of a job"),
])
def test_what_the_articles_never_say_about_pay_or_a_company_is_not_answered(
        real_assistant: Assistant, question: str, reason: str) -> None:
    answer = real_assistant.ask(question)
    assert answer.abstained and reason in answer.reason, (answer.reason, answer.answer)


@pytest.mark.parametrize("question", [
    "what's the most a CRO can make incl bonuses?",
    "what does a VP of Sales take home pay wise?",
    "how high does a CSO's pay go once you add bonuses and commissions?",
])
def test_pay_asked_in_chat_words_is_still_answered(real_assistant: Assistant, question: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained and "$" in answer.answer, (answer.reason, answer.answer)


def test_who_a_role_works_with_goes_on_to_the_unit_that_names_them(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("which c-suite folks does a CSO work with?").answer
    assert "CEO" in answer and "CFO" in answer, answer


def test_search_ranks_passages_by_their_best_answer_unit(real_assistant: Assistant) -> None:
    question = "Who earns more, a CSO or a CRO?"
    fused = real_assistant.retriever.search(question, 10, "hybrid")
    _, ranked = real_assistant.search(question, k=10)
    # the passage whose one table row sets both salaries side by side comes first, though the fused
    # ranking (whole chunks) put it lower
    assert "Salary" in ranked[0].chunk.text and "$" in ranked[0].chunk.text, ranked[0].chunk.text
    assert fused[0].chunk.id != ranked[0].chunk.id
    # the passages are the fused ones and those the answerer reads beyond them (here per-role passages)
    beyond = real_assistant._extras(real_assistant.retriever.prepare(question), fused, "hybrid")
    assert {p.chunk.id for p in ranked} <= {p.chunk.id for p in [*fused, *beyond]}
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)
    assert [p.rank for p in ranked] == list(range(10))
    # a short list is cut from the reranked ten, not reranked from the fused five
    _, five = real_assistant.search(question, k=5)
    assert [p.chunk.id for p in five] == [p.chunk.id for p in ranked[:5]]
    # the single retrievers keep their own order
    _, dense = real_assistant.search(question, k=5, mode="dense")
    assert [p.chunk.id for p in dense] == [p.chunk.id for p in real_assistant.retriever.search(question, 5, "dense")]


def test_what_is_hard_about_a_role_is_its_challenges(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what is tough about a CRO?")
    assert not answer.abstained and answer.answer.startswith("Challenges with a CRO"), answer.answer


def test_a_case_alone_is_answered_in_that_case(real_assistant: Assistant) -> None:
    question = "What should a company do to support a CRO's cross-functional work?"
    history = [Turn("user", question), Turn("assistant", real_assistant.ask(question).answer)]
    follow = real_assistant.ask("and if we don't have one?", history)
    assert "CMO" in follow.answer, follow.answer


def test_a_mixed_case_acronym_is_no_company_name(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Which exec should a SaaS company hire to get sales, marketing and CS aligned?")
    assert not answer.abstained and "CRO" in answer.answer, answer.reason


def test_options_the_articles_use_keep_the_question_answerable(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how does the CSO do forecasting, gut feel or data?")
    assert not answer.abstained, answer.reason


def test_big_accounts_are_top_customers(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what does a CSO do for our key accounts?")
    assert "top customers" in answer.answer, answer.answer


def test_without_a_role_the_advice_for_that_case_comes_first(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("no CRO in our company: how do we keep sales and marketing working as one?")
    assert answer.answer.startswith("Encourage the CSO and CMO"), answer.answer
    # what a CRO does is no answer when there is none
    assert "report directly to the CRO" not in answer.answer


def test_what_to_do_without_a_role_is_no_answer_about_having_one(real_assistant: Assistant) -> None:
    question = "how do we set the CRO up to succeed?"
    prepared = real_assistant.retriever.prepare(question, {})
    passages = real_assistant.retriever.search(prepared, 5, "hybrid", {})
    tips = [i for i, c in enumerate(real_assistant.index.chunks) if (c.section or "").endswith("Cross-Functional Work")]
    extra = real_assistant.retriever._extras(tips, prepared, {p.index for p in passages})
    cands = real_assistant.answerer.candidates(question, prepared, passages, extra)
    scores = {c.unit.text[:20]: c.score for c in cands}
    # "Give a CRO authority across departments" over "... to collaborate if you don't have a CRO"
    assert scores["Give a CRO authority"] > scores["Encourage the CSO an"]


def test_a_name_the_articles_use_finds_its_sentence(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("which product does Salesforce suggest for a CSO?")
    assert "Sales Cloud" in answer.answer, answer.answer
    # a named company's pay is still not covered
    assert real_assistant.ask("What does Salesforce pay a VP of Sales?").abstained


def test_or_someone_else_still_gets_a_plain_yes(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("does the VP of Sales own renewals too, or is that someone else's job?")
    assert answer.answer.startswith("Yes."), answer.answer


def test_a_sentence_that_hands_the_matter_to_the_role_goes_on_to_the_means(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("How does a CSO help sales operations scale as the company grows?")
    assert answer.answer.startswith("As businesses grow"), answer.answer
    assert "A CSO will make expansion plans" in answer.answer


def test_what_a_product_does_is_not_what_the_role_does(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how does a CSO help sales scale?")
    assert not answer.answer.startswith("It’s made to scale"), answer.answer


def test_what_else_does_not_repeat_what_was_said(real_assistant: Assistant) -> None:
    first = real_assistant.ask("Which role owns the go-to-market strategy?")
    history = [Turn("user", "Which role owns the go-to-market strategy?"), Turn("assistant", first.answer)]
    follow = real_assistant.ask("what else are they responsible for?", history)
    assert not follow.abstained and first.answer.split(" [1]")[0] not in follow.answer, follow.answer


def test_a_reporting_line_asked_the_wrong_way_round_gets_a_no(real_assistant: Assistant) -> None:
    assert real_assistant.ask("does the CRO report to the CSO?").answer.startswith("No. Typically, the CSO would")
    # (the yes is the FAQ answer's own "Yes, especially in large organizations.")
    answer = real_assistant.ask("does the CSO report to the CRO?").answer
    assert answer.startswith("Yes") and "[1] Typically, the CSO would" in answer


def test_a_quote_that_depends_on_the_case_gets_no_plain_yes(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("should a startup hire a CRO?").answer
    assert not answer.startswith("Yes"), answer


def test_an_articles_opening_frames_it_and_is_no_answer(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("is a CSO going to use AI for anything?").answer
    assert not answer.startswith(("Yes. Whether you", "Whether you")), answer
    # a definition in an opening paragraph still answers what a role is
    assert "executive leader responsible" in real_assistant.ask("what is a chief sales officer?").answer


def test_a_rare_word_of_the_question_brings_its_chunk(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what gets audited by a CSO?").answer
    assert "routine audits of sales tools" in answer, answer


def test_a_how_question_about_a_paragraphs_topic_gets_the_paragraph_not_the_list(real_assistant: Assistant) -> None:
    # "As businesses grow, ... a CSO can take on that responsibility." opens a paragraph of the CSO's benefits
    answer = real_assistant.ask("in what way does a CSO help us scale as we get bigger?").answer
    assert "expansion plans" in answer and "Here are some key benefits" not in answer, answer
    # asked for what the list's lead-in announces, even in the singular, the list is the answer
    upside = real_assistant.ask("what's the advantage of hiring a CSO?").answer
    assert upside.startswith("Here are some key benefits of hiring a CSO:"), upside
    # asked for the benefits, the list is still the answer
    benefits = real_assistant.ask("what are the benefits of hiring a CSO?").answer
    assert benefits.startswith(("Here are some key benefits of hiring a CSO:", "Benefits of a CSO:")), benefits
    assert benefits.split(". [1]")[0].count(";") >= 2, benefits


def test_the_answerer_reads_past_the_passages_it_returns(real_assistant: Assistant) -> None:
    assert real_assistant.answerer.settings.passages_considered > real_assistant.settings.top_k == 5
    answer = real_assistant.ask("who does the VP of Sales report to?")
    assert len(answer.passages) == 5
    assert len(real_assistant.ask("who does the VP of Sales report to?", top_k=2).passages) == 2


def test_what_a_term_means_comes_with_the_sentence_that_explains_it(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("the CRO has an 'investing mentality'? what does that mean?").answer
    assert "This means taking into account your partners" in answer, answer


def test_what_pay_is_based_on_is_answered_by_the_unit_that_ties_it_to_something(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what does a VP of Sales get bonused on?").answer
    assert "based on margins" in answer, answer


def test_chatter_around_a_question_does_not_change_its_answer(real_assistant: Assistant) -> None:
    plain = real_assistant.ask("Who does the VP of Sales report to?")
    chatty = real_assistant.ask("Trying to settle a debate with a coworker over lunch. Who does the VP of Sales report "
                                "to? Thanks in advance!")
    assert not plain.abstained and chatty.answer == plain.answer
    # a name in the asker's story is not a company the question asks about
    story = real_assistant.ask("We just closed our Series B and the founders are thinking about the next leadership "
                               "hire. When is a CRO the better choice?")
    assert not story.abstained and "CRO" in story.answer


@pytest.mark.parametrize("question", ["is the CSO just an overpaid VP of sales", "isn't a CRO basically a fancy CSO?"])
def test_whether_one_role_is_another_is_answered_by_how_they_differ(real_assistant: Assistant, question: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained, answer.reason
    assert re.search(r"\bwhile\b|\bunlike\b|\bwhereas\b|broader|tactical", answer.answer), answer.answer


def test_a_list_item_deep_in_a_long_chunk_is_read_when_it_says_what_was_asked(real_assistant: Assistant) -> None:
    # the item sits at the end of a long list whose chunk, about much else, retrieval ranks below the six read
    answer = real_assistant.ask("what's the CRO's part in improving revenue operations and technology?")
    assert "revenue operations and technology" in answer.answer, answer.answer


def test_two_roles_pay_compared_on_what_it_is_tied_to_gets_the_basis_not_the_amounts(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("How do a CSO's and a CRO's pay incentives differ in what they're tied to?").answer
    assert "tied to sales and revenue targets" in answer and "incentivized heavily" in answer, answer
    assert "$" not in answer, answer


@pytest.mark.parametrize("question", ["what's a whitespace exercise exactly?", "what does P&L stand for?"])
def test_a_term_the_articles_name_but_never_explain_is_not_covered(real_assistant: Assistant, question: str) -> None:
    answer = real_assistant.ask(question)
    assert answer.abstained and "no article says what it is" in answer.reason, answer.answer


def test_pay_of_a_role_the_articles_give_no_figure_for_is_not_covered(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how much does a CMO make compared to a CSO?")
    assert answer.abstained and answer.reason.startswith("pay of a role"), answer.answer
    # a role the paid one reports to is no pay asked
    assert not real_assistant.ask("what does a CRO who reports to the COO make?").abstained


def test_no_yes_for_a_carried_follow_up_about_a_thing_no_article_names(real_assistant: Assistant) -> None:
    history = [Turn("user", "how much can a CRO make in total comp?")]
    history.append(Turn("assistant", real_assistant.ask(history[0].content).answer))
    answer = real_assistant.ask("does that usually include a company car?", history)
    assert not answer.answer.startswith("Yes"), answer.answer


@pytest.mark.parametrize("question, says, not_says", [
    # a term an article glosses ("LTV (lifetime value)") is explained
    ("what does LTV mean?", ["lifetime value"], []),
    # a yes/no question quotes the sentence that says it, not an item under it: the items under "Their domain
    # blends sales, ... and sometimes product development" don't say "product"
    ("does the CRO ever own product too?", ["sometimes product development"], []),
    # how a role's pay is structured: the units naming its parts, not the pay the role designs for others
    ("How is a CRO's comp structured?", ["commissions"], ["comp plan structure for revenue roles"]),
    # each side of a comparison is a unit that says it of that role, not a paragraph about both
    ("VP of Sales vs CRO - what are their incentives/main metrics based on?",
     ["based on margins", "primary metrics of the CRO"], []),
])
def test_the_answer_quotes_the_unit_that_says_what_was_asked(real_assistant: Assistant, question: str,
                                                             says: list[str], not_says: list[str]) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained, answer.reason
    assert all(s in answer.answer for s in says) and not any(s in answer.answer for s in not_says), answer.answer


def test_search_ranks_a_passage_the_answerer_finds_beyond_the_fused_ones(real_assistant: Assistant) -> None:
    # "Organizations benefit from a CSO when: ..." is found as the articles' conditions, not by its fused rank
    question = "When does it make sense to hire a CSO?"
    fused = [p.chunk.id for p in real_assistant.retriever.search(question, 10, "hybrid")]
    _, ranked = real_assistant.search(question, k=5)
    assert "Organizations benefit from a CSO when" in ranked[0].chunk.text and ranked[0].chunk.id not in fused
    # as the answer quotes it, and lists it first among its sources
    answer = real_assistant.ask(question)
    assert "Organizations benefit from a CSO when" in answer.answer
    assert answer.passages[0].chunk.id == ranked[0].chunk.id and len(answer.passages) == 5
    assert [p.rank for p in answer.passages] == list(range(5))


@pytest.mark.parametrize("question", ["Can a VP of Sales and a CRO coexist or is that redundant?",
                                      "can a CSO and a VP of Sales co-exist?"])
def test_a_word_the_articles_use_under_a_prefix_is_no_unknown_aspect(real_assistant: Assistant,
                                                                     question: str) -> None:
    # "coexist" is "exist" ("When both positions exist at a company") with a prefix no article puts on it
    answer = real_assistant.ask(question)
    assert not answer.abstained, answer.reason


def test_a_line_is_quoted_once_however_many_sentences_it_has(real_assistant: Assistant) -> None:
    # "Working with the CEO to determine ... Then, reporting on ..." is one list item of two sentences
    answer = real_assistant.ask("how does the CRO work w/ the CEO?").answer
    assert answer.count("Working with the CEO") == 1, answer


def test_a_light_verb_asks_nothing_the_quote_must_say(real_assistant: Assistant) -> None:
    # "does the CRO set pricing?" is said by "CROs create holistic plans involving ... and even pricing"
    assert real_assistant.ask("does the CRO set pricing?").answer.startswith("Yes."), "yes"
    # and not of a role no quote says it of
    assert not real_assistant.ask("does the CSO set pricing?").answer.startswith("Yes.")


def test_a_duty_asked_in_other_verbs_is_affirmed(real_assistant: Assistant) -> None:
    # "touch", "deal with ... directly": the object is what is asked, and the VP's duties name it
    for question in ("does the vp of sales touch retention at all?",
                     "does the VP of Sales deal with customers directly?"):
        assert real_assistant.ask(question).answer.startswith("Yes."), question


def test_does_another_role_do_something_similar_is_a_yes_no_question(real_assistant: Assistant) -> None:
    first = "which KPIs does a CSO use to keep an eye on the team?"
    history = [Turn("user", first), Turn("assistant", real_assistant.ask(first).answer)]
    answer = real_assistant.ask("does the CRO do something similar?", history)
    assert answer.answer.startswith("Yes.") and "CRO" in answer.answer, answer.answer


def test_pushback_a_role_meets_is_among_its_challenges(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("Why do new CROs often run into pushback inside the company?").answer
    assert "resistance from established leaders" in answer, answer


def test_a_roles_mindset_is_its_mentality(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("how's a CRO's mindset different from a VP of Sales'?")
    assert not answer.abstained and "investing mentality" in answer.answer, answer.answer


def test_a_list_that_runs_on_into_the_next_chunk_is_read_whole(real_assistant: Assistant) -> None:
    # seven items over two chunks; the first, 38 words long, is cut short so that more of the list fits,
    # "Coaching of sales leaders" (in the chunk retrieval did not rank) among them
    answer = real_assistant.ask("What does a VP of Sales do day-to-day at a high-growth company?").answer
    assert answer.startswith("This is how the day-to-day life of a VP for sales looks")
    assert "Coaching of sales leaders and individual contributors" in answer
    assert "qualified sales opportunities …" in answer


def test_a_weekly_routine_is_answered_with_the_day_to_day(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("What is a VP of Sales busy with each week?")
    assert not answer.abstained and "day-to-day life of a VP for sales" in answer.answer


@pytest.mark.parametrize("question", ["how much PTO do CSOs usually get per year?",
                                      "max # of direct reports a VP of sales should have?"])
def test_a_yearly_allowance_or_a_count_the_articles_never_give_is_not_answered(real_assistant: Assistant,
                                                                               question: str) -> None:
    assert real_assistant.ask(question).abstained


def test_dealing_with_customers_or_just_managing_is_answered_by_what_the_role_does_with_customers(
        real_assistant: Assistant) -> None:
    answer = real_assistant.ask("does a CSO deal w/ customers directly or just manage the team?").answer
    assert "top customers" in answer or "major clients" in answer
    assert "Sales only" not in answer


def test_several_items_of_one_list_near_the_top_come_as_that_list(real_assistant: Assistant) -> None:
    # the best unit is a FAQ sentence; four items of "Organizations benefit from a CSO when:" match about as well
    answer = real_assistant.ask("In what situations does it make more sense to go with a Chief Sales Officer rather "
                                "than a CRO?").answer
    assert "Organizations benefit from a CSO when: They have complex sales cycles" in answer
    assert "Sales is the main driver of revenue" in answer and "tactical sales leadership" in answer


def test_an_abbreviation_no_article_uses_weighs_as_its_long_form(real_assistant: Assistant) -> None:
    prepared = real_assistant.retriever.prepare("is the CRO involved in M&A type stuff?")
    weighed = real_assistant.answerer.unglossed(prepared.question)
    assert "m&a" in prepared.question.aspect and "m&a" not in weighed and "acquisit" in weighed
    # an abbreviation the articles use stays ("P&L responsibilities")
    pnl = real_assistant.retriever.prepare("does the CRO own the P&L?").question
    assert "p&l" in real_assistant.answerer.unglossed(pnl)
    # (and of its long form, "profit and loss", the word no article uses is not weighed)
    assert "loss" in pnl.aspect and real_assistant.answerer.unglossed(pnl) == ("p&l", "profit")


def test_a_word_a_follow_up_only_carries_over_weighs_less_than_its_own(real_assistant: Assistant) -> None:
    answerer = real_assistant.answerer
    aspect, carried = ("data", "lifecycl"), frozenset({"lifecycl"})
    own = answerer.coverage(aspect, frozenset({"data"}), carried)
    old = answerer.coverage(aspect, frozenset({"lifecycl"}), carried)
    assert own > old and own + old == pytest.approx(1.0)
    # without carried words the weights are the words' rarity alone
    assert answerer.coverage(aspect, frozenset({"data"})) < own


def test_what_is_said_of_sales_leaders_is_said_of_each_role(real_assistant: Assistant) -> None:
    # the FAQ "How can leveraging AI tools benefit sales leaders?" names no role: it answers for each of them
    answer = real_assistant.ask("can AI tooling make a VP of Sales better at the job?")
    assert "predictive insights" in answer.answer
    rows = [p.index for p in real_assistant.search("in what ways can AI tools help a CSO?")[1]]
    assert rows
    assert any("AI tools provide" in real_assistant.index.chunks[r].text for r in rows[:5])


def test_what_is_good_about_a_role_is_its_benefits_list(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("what's so good about hiring a Chief Revenue Officer?").answer
    assert answer.startswith("Benefits of a CRO:") and answer.count(";") >= 2


def test_two_things_asked_at_once_get_a_quote_each(real_assistant: Assistant) -> None:
    # the experience sentence matches best; the degree is asked too, and said in the sentence before it
    answer = real_assistant.ask("what do CSOs usually bring, degree + yrs of experience?").answer
    assert "bachelor" in answer and "10 years" in answer
    # two roles joined by "and" are no two things asked
    answer = real_assistant.ask("how does the CRO's pay compare with the VP of Sales's?").answer
    assert answer.count("[") <= 4


def test_a_pay_part_joined_by_plus_is_no_unknown_kind_of_pay(real_assistant: Assistant) -> None:
    assert not real_assistant.ask("what's a CRO's base salary plus bonus?").abstained
    assert real_assistant.ask("does a CRO get a signing bonus?").abstained


def test_an_age_no_article_states_is_not_answered_with_years_of_experience(real_assistant: Assistant) -> None:
    assert real_assistant.ask("at what age do people usually land their first CSO job?").abstained


def test_a_yes_no_question_met_by_a_quote_that_says_it_in_meaning_leads_with_yes(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("does a CSO deal with the customers directly?").answer
    assert answer.startswith("Yes.") and "top customers" in answer


def test_an_faq_reply_before_the_quoted_sentence_leads_a_yes_no_answer(real_assistant: Assistant) -> None:
    # the FAQ answer opens "Yes, especially in large organizations." and goes on with the reporting line
    answer = real_assistant.ask("is it possible to run with both a CSO and a CRO, and who'd report to who?")
    assert answer.answer.startswith("Yes, especially in large organizations. [1] Typically, the CSO would report")
    assert answer.citations[0].quote.startswith("Yes, especially")
    # a question that wants no yes or no gets no bare reply
    answer = real_assistant.ask("who does the CSO report to when there is a CRO?").answer
    assert not answer.startswith("Yes")


def test_a_question_for_a_product_goes_on_to_the_sentence_that_names_it(real_assistant: Assistant) -> None:
    # "they need the right sales technology" names no product; the next sentence does
    answer = real_assistant.ask("any specific sales platform you'd recommend for a CSO?").answer
    assert "Salesforce Sales Cloud" in answer
    # (no product asked: the sentence after stays out)
    assert "Salesforce" not in real_assistant.ask("how does a CSO grow revenue?").answer


def test_an_amount_of_a_thing_no_article_counts_is_not_answered_with_pay(real_assistant: Assistant) -> None:
    # the articles give salaries and totals, never an amount of equity or a revenue mark for hiring
    for question in ("how much equity would a CSO typically get?", "at what ARR do you bring in a CRO?"):
        answer = real_assistant.ask(question)
        assert answer.abstained and "no amount stated" in answer.reason, answer.answer
    assert not real_assistant.ask("how much bonus can a CSO get?").abstained


def test_a_definition_opens_with_a_sentence_that_says_what_the_role_is(real_assistant: Assistant) -> None:
    # no FAQ defines the VP of Sales; the sentence with the role as subject that says what it does comes first
    answer = real_assistant.ask("so what's a VP of Sales exactly?").answer
    assert answer.split("[1]")[0].count("operates within the sales department") == 1, answer


def test_what_comes_of_what_was_just_said_is_the_sentence_after_the_quote(real_assistant: Assistant) -> None:
    history = [Turn("user", "how does a CSO get its sales projections right?")]
    first = real_assistant.ask(history[0].content)
    assert "accurate sales projections" in first.answer
    history.append(Turn("assistant", first.answer))
    answer = real_assistant.ask("and the benefit of that for us?", history).answer
    # (the sentence after the quoted one, or the one after that: both say what the company gets)
    assert "predictable growth" in answer or "anticipate revenue fluctuations" in answer, answer
    assert "sales metrics and market trends" not in answer


def test_two_roles_compared_on_an_aspect_read_the_table_row_with_that_label(real_assistant: Assistant) -> None:
    retriever = real_assistant.retriever
    found = retriever.label_passages(retriever.prepare("how do a CSO's and a CRO's goals differ?", {}), set())
    assert [p.chunk.text.count("Objectives |") for p in found] == [1]
    # (one role asked: no side-by-side row is read for it)
    assert not retriever.label_passages(retriever.prepare("what are a CSO's goals?", {}), set())


def test_why_a_listed_drawback_is_answered_with_its_list(real_assistant: Assistant) -> None:
    # one item of "Challenges with a CSO" matches; the reason people say it is the list it belongs to
    answer = real_assistant.ask("why might a CSO become siloed?").answer
    assert answer.startswith("Challenges with a CSO:") and "Limited influence" in answer, answer


def test_a_choice_by_degree_quotes_the_unit_that_gives_one_role_that_degree(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("CRO or CSO, which of the two has the broader influence in a company?").answer
    assert "The CRO’s role is broader" in answer, answer


def test_a_stated_reporting_line_is_no_case_for_a_hire(real_assistant: Assistant) -> None:
    # "When both positions exist at a company, a VP of Sales will typically report to the CSO" opens with "when"
    answer = real_assistant.ask("in what situation should we go for a VP of Sales rather than a CSO?").answer
    assert not answer.startswith("When both positions exist"), answer
    assert "hire a VP of Sales first" in answer or "growth stage" in answer, answer


def test_a_yes_no_answer_opens_with_the_unit_that_answers_it(real_assistant: Assistant) -> None:
    # the article's sentence before "The CRO also has P&L responsibilities." comes second, after the yes
    answer = real_assistant.ask("is the revenue chief on the hook for P&L?").answer
    assert answer.startswith("Yes. The CRO also has P&L responsibilities. [1]"), answer


def test_an_item_scoring_as_well_as_the_best_comes_with_it_under_its_lead_in(real_assistant: Assistant) -> None:
    # "Working with the marketing team, account managers, and customers ..." says whom, the best item does not
    answer = real_assistant.ask("who helps the VP of Sales keep the pipeline stocked?").answer
    assert "marketing team" in answer and "mid-level leaders" in answer, answer


def test_a_function_run_is_one_managed(real_assistant: Assistant) -> None:
    # "Teams Managed | Sales only | Sales, Marketing, Customer Success": the row that says who runs what
    answer = real_assistant.ask("does our CSO also run customer success or just the sales org?").answer
    assert "Sales only" in answer and not answer.startswith("Yes"), answer


def test_just_as_sets_two_alike_and_hedges_nothing(real_assistant: Assistant) -> None:
    history = [Turn("user", "how does a CRO use analytics?"),
               Turn("assistant", "Data Analysis: Using analytics, they assess lead sources, conversion rates, and "
                                 "customer value to optimize revenue streams. [1]")]
    answer = real_assistant.ask("is the CSO just as data driven?", history).answer
    assert answer.startswith("Yes."), answer


def test_a_long_form_word_no_article_uses_does_not_hide_the_one_they_use(real_assistant: Assistant) -> None:
    # "M&A (mergers and acquisitions)": no article says "mergers"; "strategic acquisitions" answers it
    answer = real_assistant.ask("is M&A part of the CRO's job?")
    assert not answer.abstained and "strategic acquisitions" in answer.answer, (answer.reason, answer.answer)


def test_a_passing_role_is_spelled_out_only_where_an_article_spells_it(real_assistant: Assistant) -> None:
    # "CMO (Chief Marketing Officer)" is in an article; no article spells out the CFO
    cmo = real_assistant.ask("CMO is short for what?")
    assert not cmo.abstained and "Chief Marketing Officer" in cmo.answer.split("[1]")[0], cmo.answer
    assert real_assistant.ask("what does CFO stand for?").abstained


def test_whether_one_role_does_a_thing_to_another_is_answered_yes_when_its_list_says_so(
        real_assistant: Assistant) -> None:
    answer = real_assistant.ask("does the CRO coach the VP of Sales?").answer
    assert answer.startswith("Yes. Coaching and supporting the VP of Sales"), answer
    # the other way round the list says nothing: no yes
    assert not real_assistant.ask("does the VP of Sales coach the CRO?").answer.startswith("Yes")


def test_pay_asked_with_no_kind_named_gives_base_and_total(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("tell me about VP sales comp").answer
    assert "$275,000" in answer and "$600,000" in answer, answer
    answer = real_assistant.ask("what's the base salary of a VP of Sales?").answer
    assert "$275,000" in answer and "$600,000" not in answer, answer


@pytest.mark.parametrize("question, role", [("who's under the CSO?", "CSO"),
                                            ("who under the CRO in the org chart", "CRO")])
def test_who_is_under_a_role_asks_who_reports_to_it(real_assistant: Assistant, question: str, role: str) -> None:
    first = real_assistant.ask(question).answer.split("[1]")[0]
    assert re.search(rf"report directly to the (?:\w+ or )?{role}\b", first), first


def test_how_a_role_supports_others_is_what_it_does_for_them(real_assistant: Assistant) -> None:
    # the VPs are acted on in the question too, so the CRO's item that acts on them is the answer
    answer = real_assistant.ask("how does the cro support the vps under them (sales/mktg/cs)?").answer
    assert "Coaching and supporting the VP of Sales" in answer.split("[1]")[0], answer


def test_how_much_more_one_role_earns_is_not_answered_yes_or_no(real_assistant: Assistant) -> None:
    # "is a CSO paid more than a CRO?" wants a yes or no; "how much more ...?" wants the figures only
    assert real_assistant.ask("is a CSO paid more than a CRO?").answer.startswith("Yes.")
    answer = real_assistant.ask("how much more does a CSO make than a CRO?").answer
    assert not answer.startswith(("Yes.", "No.")) and "$284,126" in answer and "$232,294" in answer, answer
