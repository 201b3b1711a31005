"""Follow-up rewriting (pure) and multi-turn conversations answered by the real model over HTTP."""

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from service.conversation import Turn, answers_so_far, asks_for_more, asks_why, asks_why_of_said, rewrite
from service.lexicon import find_roles
from service.question import analyze


def _h(*questions: str) -> list[Turn]:
    out = []
    for q in questions:
        out += [Turn("user", q), Turn("assistant", "…")]
    return out


@pytest.mark.parametrize("history, question, roles, words", [
    (["Who does the VP of Sales report to?"], "And the CRO?", ["cro"], ["report"]),
    # the last question asked again in a new case
    (["who does the CSO usually report to?"], "does that change if we also hire a CRO?", ["cso", "cro"],
     ["report to", "if we also hire"]),
    # "one" after a verb of hiring, the particle after it ("bringing one in")
    (["is the CRO a pretty new title?"], "what are the risks with bringing one in?", ["cro"], ["risks"]),
    # "one" is the role brought in with "a", not every role the question named; "them" after it is that one too
    (["we haven't got a CSO: which exec should our CRO lean on for sales?"],
     "and once we bring one on, what do we give them?", ["cso"], ["give the cso"]),
    # people set first as the topic are who "they" are
    (["Who reports to a CSO?"], "ok these sales managers, how do they get promoted?", [], ["these sales managers"]),
    (["Tell me about the VP of Sales role."], "How much experience do they need?", ["vpsales"], ["experience"]),
    (["What does the CRO do with the CFO?"], "And with the CEO?", ["cro", "ceo"], ["with"]),
    (["What is the salary of a CSO?", "what about a CRO?"], "and the VP of Sales?", ["vpsales"], ["salary"]),
    (["Who does the CRO report to?"], "What about their salary?", ["cro"], ["salary"]),
    (["Who does the CRO report to?"], "and for a CSO?", ["cso"], ["report"]),
    (["How does a VP of Sales differ from a CSO?"], "Which one should a growing company hire first?",
     ["vpsales", "cso"], ["hire first"]),
    # "both" after two one-role questions means those two roles
    (["What does a CRO do?", "and a VP of Sales?"], "if we hire both, who is the boss?", ["vpsales", "cro"], ["boss"]),
    # a fragment after a pay question still asks for pay
    (["What is a CSO paid?"], "and including bonuses?", ["cso"], ["bonuses", "pay"]),
    (["How much does a VP of Sales make?"], "is that higher than the CRO?", ["cro", "vpsales"], ["pay"]),
    (["What metrics does a CSO track?"], "and the revenue guy?", ["cro"], ["metrics"]),
    # "that" as the object is the previous topic; "that role" is a role
    (["What does a CRO do with customer lifetime value data?"], "which tools help them with that?", ["cro"],
     ["tools", "lifetime value"]),
    (["What is the VP of Sales' base salary?"], "and total comp for that role?", ["vpsales"], ["total comp"]),
    # "does the VP do that too?" asks about the VP alone
    (["What does the CSO do with key accounts?"], "does the VP of Sales handle that too?", ["vpsales"], ["handle"]),
    # "which ones" picks among what the previous question asked for
    (["What metrics does a CRO track?"], "which ones matter most for a CSO?", ["cso"], ["metrics"]),
    # "which should ..." after two roles chooses between them
    (["How is a CSO different from a VP of Sales?"], "which should a 40-person startup go for?", ["cso", "vpsales"],
     ["startup"]),
    # "whichever one" is the pair just weighed, not one chosen from it
    (["Should a startup pick a VP of Sales over a CSO?"], "how do we keep onboarding cheap for either of them?",
     ["vpsales", "cso"], ["onboarding"]),
    # a role asked for by a degree, after two roles asked in turn: both
    (["What does a VP of Sales earn?", "and a CRO?"], "ok which one makes more then?", ["cro", "vpsales"], ["more"]),
    (["What does a VP of Sales earn?", "and a CRO?"], "who reports into them in a bigger company?", ["cro"],
     ["bigger"]),
])
def test_follow_ups_become_standalone(history: list[str], question: str, roles: list[str], words: list[str]) -> None:
    standalone = rewrite(question, _h(*history))
    assert sorted(find_roles(standalone)) == sorted(roles), standalone
    for w in words:
        assert w in standalone.lower()


@pytest.mark.parametrize("question", ["ok cool, thanks. and the CRO?", "hmm, and the CRO?",
                                      "Perfect, thank you so much!! Now what about the CRO?",
                                      "got it, that makes sense. what about the CRO?"])
def test_a_thanks_before_a_follow_up_changes_nothing(question: str) -> None:
    history = _h("Who does the VP of Sales report to?")
    assert rewrite(question, history) == rewrite("and the CRO?", history)
    assert find_roles(rewrite(question, history)) == ["cro"]


@pytest.mark.parametrize("question, same_as", [
    ("cool cool and the CRO?", "and the CRO?"),
    ("fair enough how about the CSO", "how about the CSO"),
    ("right ok how much do they make?", "how much do they make?"),
])
def test_a_reaction_run_on_into_a_follow_up_changes_nothing(question: str, same_as: str) -> None:
    history = _h("Who does the VP of Sales report to?")
    assert rewrite(question, history) == rewrite(same_as, history)


def test_words_that_set_the_case_are_no_reaction() -> None:
    history = _h("Who does the VP of Sales report to?")
    assert rewrite("in bigger orgs who do they report to?", history).startswith("in bigger orgs")
    assert rewrite("so what does a great one look like?", history).startswith("so what")


def test_new_questions_pass_through_unchanged() -> None:
    history = _h("Who does the VP of Sales report to?")
    for q in ("How much does a CSO make?", "What is the capital of France?"):
        assert rewrite(q, history) == q


def test_topic_switch_keeps_the_subject() -> None:
    standalone = rewrite("And with the CEO?", _h("What does the CRO do with the CFO?"))
    assert standalone == "What does the CRO do with the CEO?"


def test_a_fragment_with_a_new_aspect_asks_that_aspect_of_the_new_role() -> None:
    # "and the weaknesses of a CSO?" after the CRO's upsides asks for the CSO's weaknesses, not its upsides
    standalone = rewrite("and the weaknesses of a CSO?", _h("What are the upsides of hiring a CRO?"))
    assert "weaknesses" in standalone and "upsides" not in standalone and find_roles(standalone) == ["cso"]
    # qualifiers are no new aspect: the previous question is kept with the new role
    standalone = rewrite("and particularly for a great CSO?", _h("Which skills does a CRO need?"))
    assert "skills" in standalone and find_roles(standalone) == ["cso"]


def test_after_a_choice_between_two_roles_a_singular_referent_is_the_role_the_answer_chose() -> None:
    history = [Turn("user", "Which suits a subscription business better, a CSO or a CRO?"),
               Turn("assistant", "A CRO is ideal for subscription businesses, more than a CSO. [1]")]
    assert find_roles(rewrite("what experience should that person have?", history)) == ["cro"]
    # "why?" asks why one over the other: the pair stays
    assert sorted(find_roles(rewrite("why?", history))) == ["cro", "cso"]


def test_that_hire_is_the_role_the_answer_named() -> None:
    history = [Turn("user", "which exec should own things if we sell mostly one-off deals?"),
               Turn("assistant", "If your revenue flows mainly from sales transactions, a CSO may be best. [1] "
                                 "The Chief Revenue Officer is responsible for overall revenue generation. [2]")]
    assert find_roles(rewrite("what could go wrong with that hire?", history)) == ["cso"]
    assert find_roles(rewrite("what does this exec earn?", history)) == ["cso"]


def test_the_two_of_them_pairs_the_role_with_the_party_the_answer_named() -> None:
    history = [Turn("user", "who does the CRO team up with on the budget?"),
               Turn("assistant", "Working with the CFO to ensure that the budget for the company's cost-of-sale is "
                                 "met. [1] The Chief Revenue Officer typically rises to the CEO or COO. [2]")]
    for question in ("what do the two of them keep an eye on?", "what are both of them accountable for?"):
        assert sorted(find_roles(rewrite(question, history))) == ["cfo", "cro"]


def test_from_there_is_from_where_the_previous_question_was_headed() -> None:
    history = [Turn("user", "how does someone break into sales management?"),
               Turn("assistant", "Typically, professionals start as sales representatives, advancing to account "
                                 "executive roles. [1] ... before transitioning into executive positions like VP of "
                                 "Sales, CSO, or CRO. [1]")]
    standalone = rewrite("and what does it take to move up to the C-suite from there?", history)
    assert "from sales management" in standalone and not find_roles(standalone)


def test_an_answer_that_chose_neither_role_keeps_the_pair() -> None:
    history = [Turn("user", "any tips on budget before we bring on a CSO or a CRO?"),
               Turn("assistant", "Whether appointing a CSO or CRO, consider these tips to manage overall costs: "
                                 "Right-Size Your Leadership: Only hire at an executive level when needed. [1]")]
    assert sorted(find_roles(rewrite("and how should their pay be structured?", history))) == ["cro", "cso"]


def test_compared_to_a_new_role_keeps_the_previous_one() -> None:
    standalone = rewrite("and compared to a CSO?", _h("What does a CRO earn?"))
    assert find_roles(standalone) == ["cro", "cso"] and "earn" in standalone


def test_a_pronoun_is_the_earlier_role_when_the_question_names_a_c_level_object() -> None:
    history = [Turn("user", "Which role owns retention?"), Turn("assistant", "The CRO does. [1]")]
    standalone = rewrite("does that person work with the CFO?", history)
    assert find_roles(standalone) == ["cro", "cfo"], standalone


def test_a_role_the_previous_question_only_carried_stays_the_referent() -> None:
    history = [Turn("user", "What are the VP of Sales' duties?"), Turn("assistant", "…"),
               Turn("user", "which of these matters most?"),
               Turn("assistant", "Both the CRO and the VP of Sales have strengths. [1]")]
    assert find_roles(rewrite("who do they answer to?", history)) == ["vpsales"]


@pytest.mark.slow
@pytest.mark.parametrize("turns", [
    [("Who does the VP of Sales report to?", ["CSO"]), ("And the CRO?", ["CEO"])],
    [("Tell me about the VP of Sales role.", ["sales"]), ("How much experience do they need?", ["experience"])],
    [("What does the CRO do with the CFO?", ["budget"]), ("And with the CEO?", ["CEO"])],
    [("What is the salary of a CSO?", ["$"]), ("what about a CRO?", ["$232,294"]),
     ("and the VP of Sales?", ["$100,000"])],
])
def test_conversations_over_http(real_settings: Settings, real_assistant: Assistant, turns) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(real_settings, real_assistant)) as client:
        cid = None
        for question, expected in turns:
            body = client.post("/api/answer", json={"question": question, "conversation_id": cid}).json()
            cid = body["conversation_id"]
            assert not body["abstained"], (question, body["standalone_question"])
            for fact in expected:
                assert fact.lower() in body["answer"].lower(), (question, body["standalone_question"], body["answer"])


def test_a_plural_pronoun_keeps_a_pair_only_after_a_comparison() -> None:
    pair = rewrite("how do their salaries compare?", _h("How does a CSO differ from a CRO?"))
    assert sorted(find_roles(pair)) == ["cro", "cso"]
    single = rewrite("and who do they report to?", _h("What does the CRO do with the VPs of sales and marketing?"))
    assert find_roles(single) == ["cro"]


def test_a_fragment_that_is_a_question_keeps_its_roles() -> None:
    standalone = rewrite("ok so who is above whom?", _h("Can a company have both a CRO and a CSO?"))
    assert sorted(find_roles(standalone)) == ["cro", "cso"] and "above whom" in standalone


def test_an_ordinal_picks_a_role_the_previous_answer_listed() -> None:
    history = [Turn("user", "Who reports to the CSO?"),
               Turn("assistant", "The VP of Sales and the CRO can report to the CSO. [1]")]
    assert find_roles(rewrite("who does the second of those work with?", history)) == ["cro"]
    assert find_roles(rewrite("and the first one of those?", history)) == ["vpsales"]


def test_those_two_are_the_roles_the_previous_answer_named() -> None:
    history = [Turn("user", "Which roles can the VP of Sales report to?"),
               Turn("assistant", "VPs of Sales report to the CSO or the CRO. [1]")]
    standalone = rewrite("who do those two report to?", history)
    assert set(find_roles(standalone)) == {"cso", "cro"}


def test_the_other_one_is_the_role_the_answer_did_not_pick() -> None:
    history = [Turn("user", "Should a startup hire a CSO or a VP of Sales first?"),
               Turn("assistant", "Companies typically hire a VP of Sales first. [1]")]
    assert find_roles(rewrite("and when would we add the other one?", history)) == ["cso"]
    # "... the other one too? who reports to whom?" is about the pair: left to the pair rules
    assert "other one" in rewrite("could we have the other one too?", history)


def test_getting_there_carries_where_the_previous_question_was_headed() -> None:
    history = [Turn("user", "What does it take to move into senior sales leadership?"), Turn("assistant", "...")]
    assert rewrite("and how long does the path there usually take?", history).endswith("(senior sales leadership)")
    # a role is carried as a role, not as a destination phrase
    history = [Turn("user", "How do I become a CSO?"), Turn("assistant", "...")]
    assert rewrite("what steps get me there?", history).endswith("(the CSO)")


def test_and_another_role_after_a_table_row_answer_asks_for_the_same_row() -> None:
    history = [Turn("user", "how hands-on is a CSO?"),
               Turn("assistant", "Strategic vs. tactical: CSO: Works on high-level sales vision. [1]")]
    assert rewrite("and the VP of Sales?", history).endswith("(Strategic vs. tactical)")
    # a prose answer carries no row
    history[1] = Turn("assistant", "The CSO works on high-level sales vision. [1]")
    assert "(Strategic" not in rewrite("and the VP of Sales?", history)


def test_the_other_one_after_which_first_is_the_role_not_hired_first() -> None:
    history = [Turn("user", "should a startup hire a CSO or a VP of Sales first?"),
               Turn("assistant", "Hiring a CSO or a VP of Sales depends on stage. Companies typically hire a VP of "
                                 "Sales first, and as they scale, introduce a CSO. [1]")]
    assert "CSO" in rewrite("ok and when does the other one come in?", history)
    assert analyze("ok and when does the CSO come in?").answer_type == "condition"


def test_the_less_or_more_x_one_is_the_role_the_answer_gives_x_or_the_other() -> None:
    history = [Turn("user", "which of the two is more hands-off, the CRO or the VP of Sales?"),
               Turn("assistant", "The VP of Sales manages daily work, while the CRO is strategic and hands-off. [1]")]
    assert find_roles(rewrite("and what does the more hands-off one earn?", history)) == ["cro"]
    assert find_roles(rewrite("and the less hands-off one, who is their boss?", history)) == ["vpsales"]
    # a quality the answer gives neither role: no guess
    assert find_roles(rewrite("what does the less senior one earn?", history)) != ["cro"]


def test_and_with_a_partner_after_a_question_with_no_partner_asks_what_the_role_does_with_it() -> None:
    history = [Turn("user", "which exec does the CRO team up with on budgets?"),
               Turn("assistant", "Working with the CFO to ensure that the budget ... is met. [1]")]
    assert rewrite("and with the CEO?", history) == "What does the CRO do with the CEO?"
    # a core role after "with" swaps the core role the previous question asked about
    history = [Turn("user", "What are the challenges with hiring a CRO?"), Turn("assistant", "...")]
    assert find_roles(rewrite("And with a CSO?", history)) == ["cso"]


def test_who_reports_to_whom_after_a_question_on_two_roles_keeps_the_pair() -> None:
    history = [Turn("user", "can a company have both a CRO and a CSO?"),
               Turn("assistant", "Yes, especially in large organizations. [1]")]
    assert set(find_roles(rewrite("who'd report to who then?", history))) == {"cro", "cso"}


def test_asking_for_more_is_the_last_question_again() -> None:
    history = [Turn("user", "What are the benefits of having a CSO?"), Turn("assistant", "Benefits of a CSO: ...")]
    assert rewrite("any others?", history) == "What are the benefits of having a CSO?"
    assert rewrite("anything else?", history) == "What are the benefits of having a CSO?"
    # a question of its own is not a request for more
    assert asks_for_more("what else do they measure?") is False
    assert asks_for_more("who earns more?") is False
    assert asks_for_more("any more?") and asks_for_more("What else?")


def test_answers_so_far_gathers_every_answer_since_the_question() -> None:
    history = [Turn("user", "What skills does a CSO need?"), Turn("assistant", "first"),
               Turn("user", "any others?"), Turn("assistant", "second")]
    said = answers_so_far(history)
    assert "first" in said and "second" in said
    later = [*history, Turn("user", "who does the CRO report to?"), Turn("assistant", "third")]
    assert answers_so_far(later) == "third"


@pytest.mark.slow
def test_any_others_quotes_what_the_last_answer_left_out(real_assistant: Assistant) -> None:
    question = "What skills do you need to grow into exec sales leadership?"
    first = real_assistant.ask(question)
    history = [Turn("user", question), Turn("assistant", first.answer)]
    more = real_assistant.ask("any others?", history)
    assert not more.abstained
    quoted = {c.quote for c in first.citations}
    again = {c.quote for c in more.citations}
    assert again and not quoted & again, (first.answer, more.answer)
    assert "financial acumen" in more.answer  # the next skills, from the passage the last answer quoted


def test_a_bare_why_asks_the_reason_for_the_role_the_answer_named() -> None:
    answer = "Companies typically hire a VP of Sales first, and as they scale, introduce a CSO. [1]"
    history = [Turn("user", "which role should a startup hire first?"), Turn("assistant", answer)]
    standalone = rewrite("why?", history)
    assert find_roles(standalone) == ["vpsales"] and "first" in standalone, standalone
    assert asks_why("why?") and asks_why("how come?") and asks_why("why's that?")
    assert not asks_why("why does the CSO report to the CRO?")


@pytest.mark.parametrize(("question", "of_said"), [
    ("why?", True),
    ("why do they do that?", True),
    ("so why does the CRO care about it?", True),
    ("why is that so important for them?", True),
    ("why does the CSO report to the CRO?", False),
    ("why would a startup hire a VP of Sales first?", False),
])
def test_a_why_about_what_was_just_said(question: str, of_said: bool) -> None:
    assert asks_why_of_said(question) is of_said


@pytest.mark.slow
def test_why_leads_with_a_reason_beside_what_the_last_answer_quoted(real_assistant: Assistant) -> None:
    question = "We sell subscriptions. Should we hire a CSO or a CRO?"
    first = real_assistant.ask(question)
    why = real_assistant.ask("why?", [Turn("user", question), Turn("assistant", first.answer)])
    assert not why.abstained
    assert not {c.quote for c in first.citations} & {c.quote for c in why.citations}, (first.answer, why.answer)


def test_a_row_quoted_after_prose_is_still_the_row_a_new_role_asks_about() -> None:
    answer = ("VPs of Sales commonly report to the CSO or CRO, depending on size. [1] Company stage: VP of Sales: "
              "Suited for mid-sized or growing companies. [2]")
    history = [Turn("user", "what size company is a VP of Sales right for?"), Turn("assistant", answer)]
    assert "(Company stage)" in rewrite("and a CSO?", history)


def test_a_pronoun_before_the_alternative_role_is_the_role_before() -> None:
    history = [Turn("user", "What's a CRO?"), Turn("assistant", "A CRO oversees the entire revenue process. [1]")]
    assert find_roles(rewrite("When should we hire one instead of a CSO?", history))[0] == "cro"
    # a pronoun after the role the question names is that role
    assert find_roles(rewrite("and a CSO, what do they usually study?", history)) == ["cso"]


def test_which_of_those_with_another_c_level_keeps_the_role_those_belong_to() -> None:
    history = [Turn("user", "What does a CRO's day-to-day look like?"),
               Turn("assistant", "The CRO's day-to-day responsibilities are primarily focused around: ... [1]")]
    assert set(find_roles(rewrite("which of those involve the CFO?", history))) == {"cro", "cfo"}


def test_a_role_told_by_a_title_word_or_an_elided_noun_keeps_the_thread() -> None:
    history = [Turn("user", "any tips for keeping costs down when hiring a CSO or CRO?"),
               Turn("assistant", "Whether appointing a CSO or CRO, consider these tips: ... [1]")]
    assert find_roles(rewrite("how does the revenue one save money?", history)) == ["cro"]
    history = [Turn("user", "How much does a CSO make?"), Turn("assistant", "The average CSO makes $500,000. [1]")]
    assert rewrite("how does the CRO's compare?", history).endswith("(pay)")


def test_doing_that_too_is_what_the_last_answer_said_the_role_does() -> None:
    history = [Turn("user", "which customers does the CSO deal with personally?"),
               Turn("assistant", "Customer Relationships: They maintain contact with top customers, ensuring "
                                 "satisfaction and repeat business. [1]")]
    standalone = rewrite("does the VP of sales do that too?", history)
    assert "maintain contact" in standalone and find_roles(standalone) == ["vpsales"], standalone
    # (the reply a yes/no answer leads with is not what it said the role does)
    history = [Turn("user", "does the CSO deal with customers directly?"),
               Turn("assistant", "Yes. Customer Relationships: They maintain contact with top customers. [1]")]
    standalone = rewrite("does the VP of sales do that too?", history)
    assert "maintain contact" in standalone and "yes" not in standalone.lower(), standalone


def test_the_other_one_is_the_role_the_answer_did_not_start_with() -> None:
    history = [Turn("user", "What decides whether a company should hire a CSO or a VP of Sales?"),
               Turn("assistant", "The decision to hire a CSO or a VP of Sales depends on growth stage. [1]"),
               Turn("user", "which one do companies usually start with?"),
               Turn("assistant", "The decision to hire a CSO or a VP of Sales depends on growth stage. [1] Companies "
                                 "typically hire a VP of Sales first, and as they scale, introduce a CSO. [1]")]
    assert find_roles(rewrite("and when does the other one come in?", history)) == ["cso"]


def test_the_one_on_top_is_the_role_the_last_answer_put_above() -> None:
    history = [Turn("user", "if we have a CRO and a CSO, who reports to whom?"),
               Turn("assistant", "Typically, the CSO would report to the CRO, ensuring ... [1]")]
    assert find_roles(rewrite("and what does the one on top earn?", history)) == ["cro"]
    assert find_roles(rewrite("what is the junior one measured on?", history)) == ["cso"]
    # no line stated: nothing is guessed
    assert find_roles(rewrite("what does the one on top earn?", _h("what does a CSO do?"))) == []


def test_the_more_senior_role_without_a_stated_line_is_the_chief_by_title() -> None:
    history = [Turn("user", "Which sales leader do companies usually hire first?"),
               Turn("assistant", "Companies typically hire a VP of Sales first, and as they scale, introduce a CSO."),
               Turn("user", "how fast should that person build out the team?"),
               Turn("assistant", "He or she will know how to lead the sales team ... in the first 90 days. [1]")]
    assert find_roles(rewrite("and when would we bring in the more senior role?", history)) == ["cso"]
    assert find_roles(rewrite("and what does the junior one earn?", history)) == ["vpsales"]
    # two chiefs: no single top by title
    assert find_roles(rewrite("what does the top one earn?", _h("a CRO or a CSO?"))) == []


def test_a_case_alone_asks_the_previous_question_in_that_case() -> None:
    history = [Turn("user", "What should a company do to support a CRO's cross-functional work?"),
               Turn("assistant", "Give a CRO authority across departments, not just in name. [1]")]
    standalone = rewrite("and if we don't have one?", history)
    assert standalone == "What should a company do to support a CRO's cross-functional work, if we don't have the CRO?"
    assert rewrite("and if there's a CRO?", _h("Who does the CSO report to?")) == (
        "Who does the CSO report to, if there's a CRO?")
    # a case with a question of its own is not only a case
    assert "who reports" in rewrite("if we hire both, who reports to who?", _h("what does a CSO do?"))


def test_that_opening_a_clause_is_not_what_was_asked() -> None:
    history = [Turn("user", "How do a VP of Sales and a CRO work together?"),
               Turn("assistant", "By working in tandem, the VP of Sales can focus on executing ... [1]")]
    standalone = rewrite("so what does the CRO have to think about that the VP doesn't?", history)
    assert "work together" not in standalone and find_roles(standalone) == ["cro", "vpsales"], standalone


def test_one_at_the_end_is_the_role_before() -> None:
    assert find_roles(rewrite("ok what traits should we look for in one?", _h("what does a new VP of Sales do?"))) == [
        "vpsales"]
    # ("in one company" is no pronoun)
    assert "in one company" in rewrite("can you have both in one company?", _h("what is a CRO?"))


def test_those_vps_are_vps_of_sales() -> None:
    assert find_roles("how does the CRO help those VPs improve?") == ["cro", "vpsales"]


def test_a_good_one_and_that_kind_of_thing_point_back() -> None:
    assert rewrite("so what does a great one look like?", _h("what is a VP of Sales?")) == (
        "so what does a great VP of Sales look like?")
    standalone = rewrite("does the CRO do anything similar?", _h("how does a CSO use AI tools?"))
    assert "ai tools" in standalone.lower() and find_roles(standalone) == ["cro"], standalone
    # the other one, named: the previous question about that role
    history = [Turn("user", "when should a company go with a CSO?"),
               Turn("assistant", "Organizations benefit from a CSO when: ... [1]")]
    assert rewrite("what about the other one, the revenue chief?", history).startswith(
        "when should a company go with a CRO")


def test_making_something_happen_is_not_pay() -> None:
    assert analyze("how does a CSO make the sales forecasts reliable?").answer_type != "amount"
    assert analyze("how much does a CSO make?").answer_type == "amount"


def test_a_which_question_after_a_clause_still_makes_its_answers_role_the_referent() -> None:
    history = [Turn("user", "If we need fast wins in new sales, which role should we hire?"),
               Turn("assistant", "If your immediate goal is to make quick gains in new sales, a CSO's laser focus on "
                                 "sales processes is invaluable. [1] VP of Sales: He or she will know how to lead the "
                                 "sales team ... [2]")]
    assert find_roles(rewrite("any downsides to that hire?", history)) == ["cso"]


def test_is_that_true_for_another_role_asks_the_same_of_it() -> None:
    assert rewrite("is that true for the CRO too?", _h("Who does the CSO report to?")) == "Who does the CRO report to?"
    assert find_roles(rewrite("does that apply to a VP of Sales?", _h("What metrics does a CRO track?"))) == [
        "vpsales"]
    assert rewrite("same for the CRO?", _h("What are the challenges with a CSO?")).startswith(
        "What are the challenges with a CRO")


def test_how_come_asks_why_of_the_previous_question() -> None:
    standalone = rewrite("how come?", _h("Who does the CSO report to?"))
    assert "(report)" in standalone and find_roles(standalone) == ["cso"], standalone
    assert analyze("how come?").aspect == ()


def test_another_party_of_the_relation_that_is_no_role() -> None:
    history = _h("What does the CRO do with the CFO?")
    assert rewrite("and with marketing?", history) == "What does the CRO do with marketing?"
    # a role is still swapped as a role
    assert rewrite("and with the CEO?", history) == "What does the CRO do with the CEO?"


def test_vice_versa_asks_the_relation_the_other_way_round() -> None:
    assert rewrite("and vice versa?", _h("Who does the CSO report to?")) == "Who reports to the CSO?"
    assert rewrite("and the other way round?", _h("does the CSO report to the CRO?")) == (
        "does the CRO report to the CSO?")
    assert rewrite("and vice versa?", _h("Who reports to the CRO?")) == "Who does the CRO report to?"


def test_the_one_above_them_asks_the_previous_question_of_that_role() -> None:
    history = [Turn("user", "Who does the VP of Sales report to?"),
               Turn("assistant", "VPs of Sales commonly report directly to the CSO or CRO. [1]")]
    standalone = rewrite("and the one above them?", history)
    assert find_roles(standalone) == ["cso"] and "report" in standalone, standalone


def test_what_else_after_a_who_question_asks_the_roles_other_duties() -> None:
    from service.conversation import asks_for_else
    history = [Turn("user", "Which role owns the go-to-market strategy?"),
               Turn("assistant", "The chief revenue officers are responsible for the go-to-market strategy. [1]")]
    standalone = rewrite("what else are they responsible for?", history)
    assert "go-to-market" not in standalone and find_roles(standalone) == ["cro"], standalone
    assert asks_for_else("what else are they responsible for?") and not asks_for_else("what are they responsible for?")


def test_what_is_included_besides_salary_is_still_pay() -> None:
    history = [Turn("user", "What does a CSO earn?"), Turn("assistant", "The average annual salary for a CSO ... [1]")]
    standalone = rewrite("and what's included besides salary?", history)
    assert standalone.endswith("(pay)") and find_roles(standalone) == ["cso"], standalone


def test_which_things_question_leaves_the_referent_with_its_role() -> None:
    # "which departments ..." asks for things, so "them" is still the CRO, not a role the answer named
    history = [Turn("user", "Which departments report to the CRO?"),
               Turn("assistant", "Departments such as sales report directly to the CRO. [1] VPs of Sales commonly "
                                 "report directly to the CSO or CRO. [2]")]
    assert find_roles(rewrite("and who's above them?", history)) == ["cro"]
    # a which-question that asks for a role still hands its answer's role on
    history = [Turn("user", "Which exec owns pricing?"), Turn("assistant", "The CRO owns pricing. [1]")]
    assert find_roles(rewrite("who do they report to?", history)) == ["cro"]


def test_pick_one_over_another_role_is_the_role_before() -> None:
    standalone = rewrite("when would we pick one over a CRO?", _h("what does a CSO actually focus on?"))
    assert find_roles(standalone) == ["cso", "cro"], standalone


def test_a_role_named_only_as_the_other_party_keeps_the_role_asked_about() -> None:
    history = _h("what does a CRO need to keep tabs on outside the company?")
    standalone = rewrite("and what's the goal-setting part of the job with the ceo?", history)
    assert standalone.endswith("(the CRO)"), standalone
    # a question about that role itself is its own question
    assert "(the CRO)" not in rewrite("and who does the CEO report to?", history)


def test_a_role_with_nothing_new_asked_of_it_asks_the_previous_question_of_that_role() -> None:
    history = _h("What skills do I need to grow into an exec sales leadership role?")
    standalone = rewrite("anything specific if I'm aiming for the CSO seat?", history)
    assert "skills" in standalone and find_roles(standalone) == ["cso"], standalone
    # a question of its own about the role is its own question ("What Is a Chief Sales Officer (CSO)?")
    assert rewrite("What Is a Chief Sales Officer (CSO)?", _h("What's the difference between a CSO and a CRO?")) == (
        "What Is a Chief Sales Officer (CSO)?")
    # something new asked of the role is its own question
    assert rewrite("what does the CSO earn if I'm aiming for that seat?", history).startswith("what does the CSO earn")


def test_the_other_role_described_by_its_title_is_the_one_it_fits() -> None:
    history = _h("What are the benefits of having a CSO?", "and the downsides of a CSO?")
    standalone = rewrite("would the other C-level revenue role fix those?", history)
    assert find_roles(standalone) == ["cro"], standalone
    # "sales" is in the VP of Sales' title, not in the CRO's
    assert find_roles(rewrite("would the other sales role fix those?", history)) == ["vpsales"]
    from service.conversation import _described
    assert _described("other C-level role", ["cro", "vpsales"]) == ["cro"]
    assert _described("other role", ["cro", "vpsales"]) == []  # two fit: none is guessed


def test_besides_base_after_a_role_s_pay_is_that_role_s_pay() -> None:
    history = [Turn("user", "what's the avg CSO salary?"), Turn("assistant", "The average annual salary ... [1]")]
    standalone = rewrite("what's usually in the package besides base?", history)
    assert standalone.endswith("(pay)") and find_roles(standalone) == ["cso"], standalone


def test_the_second_one_is_the_second_role_the_question_offered() -> None:
    history = [Turn("user", "do we hire a VP of Sales or a CSO first?"),
               Turn("assistant", "The decision to hire a CSO or a VP of Sales depends on stage. [1]")]
    assert find_roles(rewrite("ok and what does the second one add once we're bigger?", history)) == ["cso"]
    assert find_roles(rewrite("and the first one, what do they earn?", history)) == ["vpsales"]


def test_where_a_new_role_slots_in_asks_the_earlier_question_of_it() -> None:
    history = [Turn("user", "if we have both a CRO and a CSO, who reports to who?"), Turn("assistant", "...")]
    articles = {"reports", "report", "company", "earn"}

    def known(word: str) -> bool:
        return word.lower() in articles

    standalone = rewrite("and where does the VP of Sales slot in?", history, known)
    assert standalone.endswith("(reports)") and find_roles(standalone) == ["vpsales"], standalone
    # without the articles' words to go by, or when it asks for a thing, nothing is carried
    assert not rewrite("and where does the VP of Sales slot in?", history).endswith(")")
    history = [Turn("user", "what does a CRO earn?"), Turn("assistant", "...")]
    assert "(" not in rewrite("and does the CSO get a company car?", history, known)


def test_the_finance_guy_is_the_role_the_answer_named_with_finance_in_its_title() -> None:
    history = [Turn("user", "what does the CRO do day to day?"),
               Turn("assistant", "Working with the CEO to set goals; Working with the CFO on the budget. [1]")]
    standalone = rewrite("whats the bit with the finance guy about?", history)
    assert find_roles(standalone) == ["cfo", "cro"], standalone
    # a word no title of the answer's roles has is no referent
    assert "the other guy" in rewrite("and the other guy?", [Turn("user", "what does the CRO do?"),
                                                             Turn("assistant", "The CRO leads revenue. [1]")])
    # the revenue one is still told among the asked core roles
    history = [Turn("user", "is a CSO or a CRO better for saas?"), Turn("assistant", "A CRO is ideal for SaaS. [1]")]
    assert find_roles(rewrite("and what does the revenue one earn?", history)) == ["cro"]


def test_an_ordinal_counts_the_roles_an_earlier_question_listed() -> None:
    history = [Turn("user", "how do the CSO, CRO and VP of Sales differ?"), Turn("assistant", "..."),
               Turn("user", "how much does the first one earn?"),
               Turn("assistant", "The average annual salary for a CSO ... [1]")]
    standalone = rewrite("and the last one?", history)
    assert find_roles(standalone) == ["vpsales"] and "earn" in standalone, standalone


def test_that_person_after_a_who_question_is_the_role_the_answer_named() -> None:
    history = [Turn("user", "who do the VP of Sales and the regional sales managers report to?"),
               Turn("assistant", "In larger organizations, the VP of Sales ... report directly to the CSO. [1]")]
    assert find_roles(rewrite("and who does that person report to?", history)) == ["cso"]
    # "they" is still the role the question asked about
    assert find_roles(rewrite("what do they earn?", history)) == ["vpsales"]


def test_is_it_the_same_as_another_role_sets_the_earlier_role_beside_it() -> None:
    history = [Turn("user", "what's a CRO?"), Turn("assistant", "A CRO oversees the entire revenue process. [1]")]
    assert rewrite("is it the same thing as a CSO?", history) == "is the CRO the same thing as a CSO?"
    # "it" that is no subject stays: "is that more than a CRO?" is about what was asked
    history = [Turn("user", "what does a CSO earn?"), Turn("assistant", "... [1]")]
    assert "CSO" not in rewrite("is that more than a CRO?", history).split("(")[0]


def test_is_that_after_a_pay_answer_asks_about_the_pay() -> None:
    history = [Turn("user", "whats total comp for a CSO incl bonuses?"),
               Turn("assistant", "The average annual salary for a CSO ranges from $284,126 ... [1]")]
    standalone = rewrite("is that mostly performance-based?", history)
    assert standalone.endswith("(pay)") and find_roles(standalone) == ["cso"], standalone


def test_a_new_case_after_a_choice_asks_the_same_choice_in_that_case() -> None:
    history = [Turn("user", "We're a large enterprise and scaling fast - CSO or VP of Sales?"),
               Turn("assistant", "Company stage: CSO: Ideal for large or scaling enterprises. [1]")]
    standalone = rewrite("and for a mid-sized company thats still growing?", history)
    assert standalone == "the CSO or the VP of Sales, for a mid-sized company thats still growing?", standalone
    # ... and a need in place of the old one ("for fast wins" -> "for steady growth")
    history = [Turn("user", "what's the better pick if we need quick wins in new sales, a CSO or a CRO?"),
               Turn("assistant", "If your immediate goal is ..., a CSO's laser focus ... [1]")]
    assert rewrite("ok and for steady multi-channel growth?", history) == (
        "the CSO or the CRO, for steady multi-channel growth?")
    # after a question about one role, the case is asked of that role
    history = [Turn("user", "what does a CRO earn?"), Turn("assistant", "The average annual salary ... [1]")]
    assert find_roles(rewrite("and for a startup?", history)) == ["cro"]


@pytest.mark.parametrize("text, role", [
    ("how does the CRO work with the finance chief?", "cfo"), ("the head of finance", "cfo"),
    ("what does the chief exec want from a CRO?", "ceo"), ("our marketing chief", "cmo"),
    ("the head of marketing and the CSO", "cmo"), ("who is the ops chief?", "coo"),
])
def test_a_c_level_role_is_recognized_by_its_function_and_chief_or_head(text: str, role: str) -> None:
    assert role in find_roles(text), find_roles(text)


def test_a_new_role_stands_in_for_the_earlier_role_of_its_kind() -> None:
    # a role the articles only mention replaces the other such role, a core role the core one
    assert rewrite("what about the CEO?", _h("does the CRO deal with the CFO at all?")) == (
        "does the CRO deal with the CEO at all?")
    assert rewrite("and the CSO?", _h("does the CFO work with the CRO?")) == "does the CFO work with the CSO?"
    # and an informal mention keeps one article: "the chief exec" -> "the CFO", not "the the CFO"
    assert rewrite("and with the finance chief?", _h("how does the CRO work w/ the chief exec?")) == (
        "how does the CRO work w/ the CFO?")


def test_a_choice_asked_again_in_another_case_keeps_the_choice() -> None:
    standalone = rewrite("and for sustainable long-term growth?",
                         _h("Which role is better if we need fast sales growth right now?"))
    assert standalone == "Which role is better, for sustainable long-term growth?", standalone


def test_an_elliptic_which_after_a_who_question_keeps_the_role_it_asked_about() -> None:
    history = [Turn("user", "Who in the C-suite does the CSO work with?"),
               Turn("assistant", "CSO: Member of the C-suite, collaborates with CRO, CEO, and CFO. [1]")]
    assert find_roles(rewrite("and which departments?", history)) == ["cso"]
    # a pronoun still points at the roles the answer named
    history = [Turn("user", "who reports to the CSO?"), Turn("assistant", "VPs of Sales report to the CSO. [1]")]
    assert find_roles(rewrite("and what do they earn?", history)) == ["vpsales"]


def test_it_as_what_a_role_uses_is_the_previous_questions_topic() -> None:
    standalone = rewrite("how does a CSO use it specifically?", _h("how can AI tools help sales leaders?"))
    assert find_roles(standalone) == ["cso"] and "ai tools" in standalone.lower(), standalone


def test_which_of_those_after_three_roles_chooses_among_the_three() -> None:
    standalone = rewrite("which of those is the newest role?", _h("CSO vs CRO vs VP Sales in a nutshell?"))
    assert find_roles(standalone) == ["cso", "cro", "vpsales"], standalone
    # after a question that asked something of the roles, "those" are what the answer listed
    standalone = rewrite("which of those matters most?", _h("what metrics do the CSO and the CRO track?"))
    assert "(the CSO or the CRO)" not in standalone, standalone


def test_the_other_one_after_one_role_is_the_role_the_articles_set_beside_it() -> None:
    history = [Turn("user", "When should we go with a CSO?"),
               Turn("assistant", "Organizations benefit from a CSO when: ...")]
    assert "CRO" in rewrite("and when's the other one the better pick?", history, partner=lambda r: "cro")
    # the role the last answer set beside it comes first
    named = [Turn("user", "When should we go with a CSO?"), Turn("assistant", "... unlike a VP of Sales, ...")]
    assert "VP of Sales" in rewrite("and when's the other one the better pick?", named, partner=lambda r: "cro")


def test_the_articles_set_the_cro_beside_the_cso(real_assistant: Assistant) -> None:
    assert real_assistant.partner("cso") == "cro"
    assert real_assistant.partner("vpsales") == "cro"


def test_their_boss_after_who_reports_to_a_role_is_that_roles_boss() -> None:
    history = [Turn("user", "who reports to the CSO in a big company?"),
               Turn("assistant", "In larger organizations, the VP of Sales ... report directly to the CSO. [1]")]
    assert "CSO" in rewrite("and who's their boss?", history)
    # (a question on the roles the answer named still points at them: "what do they earn?")
    assert "VP of Sales" in rewrite("what do they earn?", history)


def test_the_higher_one_is_one_of_the_two_roles_just_weighed() -> None:
    # the answer's line runs from the VP of Sales to "the CSO or CRO"; the question weighed the CRO and the VP
    history = [Turn("user", "CRO vs VP sales - which one is higher up?"),
               Turn("assistant", "VPs of Sales commonly report directly to the CSO or CRO. [1]")]
    assert find_roles(rewrite("what parts of the revenue cycle does the higher one own?", history)) == ["cro"]
    assert find_roles(rewrite("and what does the junior one own?", history)) == ["vpsales"]


def test_an_ordinal_with_a_relation_of_the_two_keeps_the_pair() -> None:
    history = [Turn("user", "should we hire a VP of Sales or a CSO first?"),
               Turn("assistant", "Companies typically hire a VP of Sales first, then a CSO. [1]")]
    standalone = rewrite("ok and once we add the second one, who reports to who?", history)
    assert sorted(find_roles(standalone)) == ["cso", "vpsales"], standalone
    # (no relation asked: the ordinal is one role)
    assert find_roles(rewrite("what does the second one earn?", history)) == ["cso"]


def test_one_and_the_other_is_the_pair() -> None:
    history = [Turn("user", "What does the VP of Sales focus on, compared to a CRO?"),
               Turn("assistant", "A CRO is someone with an investing mentality, while a VP of sales is focused on "
                                 "bookings. [1]")]
    assert sorted(find_roles(rewrite("so does one replace the other?", history))) == ["cro", "vpsales"]


def test_a_how_question_about_making_something_is_no_pay() -> None:
    history = [Turn("user", "How do CSOs make accurate sales projections?"),
               Turn("assistant", "CSOs rely on data-driven insights to make accurate sales projections. [1]")]
    assert not rewrite("whats the payoff of that for the company?", history).endswith("(pay)")
    assert analyze("How do CSOs make accurate sales projections?").answer_type != "amount"
    assert analyze("how much sales experience do you need to become a CSO?").answer_type != "amount"
    assert analyze("how much does a CSO make?").answer_type == "amount"
    assert analyze("how do CROs make so much money?").answer_type == "amount"


def test_a_follow_up_asking_what_comes_of_what_was_said() -> None:
    from service.conversation import asks_of_said
    assert asks_of_said("whats the payoff of that for the company?")
    assert asks_of_said("and what do we get out of doing so?")
    assert not asks_of_said("does that include product too?")  # (asked of it, not what comes of it)
    assert not asks_of_said("what's the payoff of that for a CRO?")  # (a role named: asked of that role)
    assert not asks_of_said("why is that?")


def test_a_list_under_its_lead_in_is_no_table_row_to_carry() -> None:
    history = [Turn("user", "What does a CRO do?"),
               Turn("assistant", "Key responsibilities of a CRO include: Revenue Strategy Development: Formulating "
                                 "comprehensive revenue strategies; Cross-Functional Collaboration: ... [1]")]
    assert find_roles(rewrite("and the CSO?", history)) == ["cso"]
    # (a row's other cell is still carried: "Company stage: VP of Sales: ...")
    history = [Turn("user", "what company stage suits a VP of Sales?"),
               Turn("assistant", "Company stage: VP of Sales: Suited for mid-sized or growing companies. [1]")]
    assert "Company stage" in rewrite("and a CSO?", history)


def test_a_short_follow_up_with_a_pronoun_and_another_party_asks_of_the_role_before() -> None:
    history = [Turn("user", "what does the CSO do with marketing?"), Turn("assistant", "... [1]")]
    standalone = rewrite("and whats their relationship w/ the CFO?", history)
    assert find_roles(standalone) == ["cso", "cfo"], standalone


def test_one_of_these_is_no_single_role() -> None:
    from service.conversation import _PRONOUN
    assert not _PRONOUN.search("what should we spell out when we hire one of these execs?")
    assert _PRONOUN.search("what should we spell out when we hire one?")


def test_a_pay_follow_up_with_no_role_asks_of_the_role_whose_pay_was_asked() -> None:
    history = [Turn("user", "what's in a CRO's comp besides the base?"), Turn("assistant", "... $410,064 ... [1]")]
    assert find_roles(rewrite("and how high can the total go?", history)) == ["cro"]
    assert analyze("how high can their comp go?").answer_type == "amount"
    assert analyze("when does it make more sense to hire a CSO?").answer_type != "amount"


def test_a_full_question_about_the_same_role_is_asked_as_it_is() -> None:
    # putting its role into the previous question would ask that question again
    history = [Turn("user", "in a big company, who works under the CSO?"),
               Turn("assistant", "In larger organizations, the VP of Sales ... report directly to the CSO. [1]")]
    assert rewrite("and who does the CSO answer to?", history) == "and who does the CSO answer to?"
    # a fragment naming the same role still asks the previous question of it
    assert "works under" in rewrite("and the CSO?", history)


def test_that_setup_is_the_case_the_previous_question_set() -> None:
    history = [Turn("user", "is it normal to have a CRO and a CSO at once?"),
               Turn("assistant", "Yes, especially in large organizations. [1]")]
    standalone = rewrite("right, in that kind of structure what does the VP of Sales do?", history)
    assert "VP of Sales" in standalone and {"cro", "cso"} <= set(find_roles(standalone)), standalone
    assert "that kind of structure" not in standalone
    # the previous question's own case clause is carried as it was said
    standalone = rewrite("in that scenario who do they report to?", _h("what should the CSO focus on if we sell to "
                                                                          "enterprises?"))
    assert "if we sell to enterprises" in standalone and "CSO" in standalone, standalone


def test_that_person_after_a_boss_question_is_the_boss_the_answer_named() -> None:
    history = [Turn("user", "who does the CSO answer to when there's also a CRO?"),
               Turn("assistant", "Typically, the CSO would report to the CRO, ensuring that overall revenue strategy "
                                 "is aligned with sales execution. [1]")]
    assert find_roles(rewrite("what does that person earn?", history)) == ["cro"]


def test_a_boss_asked_in_a_case_that_names_another_role_is_the_asked_roles_boss(real_assistant: Assistant) -> None:
    # the CSO only sets the case: "the CSO would report to the CRO" points the other way
    answer = real_assistant.ask("who is the CRO accountable to if we also bring in a CSO?").answer
    assert "Board" in answer or "CEO" in answer, answer
    assert "the CSO would report to the CRO" not in answer, answer


def test_a_row_quoted_in_passing_is_not_carried_to_the_next_role() -> None:
    # the row came fourth and is not about what was asked: "what about the VP of sales?" asks the question again
    history = [Turn("user", "does the CSO talk to clients himself?"),
               Turn("assistant", "Customer Relationships: They maintain contact with top customers. [1] A CSO "
                                 "provides strategic direction. [2] Primary focus: CSO: Sales team performance. [3]")]
    standalone = rewrite("what about the VP of sales?", history)
    assert "Primary focus" not in standalone and "client" in standalone, standalone
    # a row the answer opens with is carried ("and a VP of Sales?" after "Company stage: CSO: ...")
    history = [Turn("user", "what kind of company needs a CSO?"),
               Turn("assistant", "Company stage: CSO: Ideal for large or scaling enterprises. [1]")]
    assert "Company stage" in rewrite("and a VP of Sales?", history)


def test_that_group_is_people_not_what_was_asked() -> None:
    history = [Turn("user", "in a big company, who reports into the CSO?"),
               Turn("assistant", "In larger organizations, the VP of Sales, regional sales managers, and other "
                                 "senior sales roles frequently report directly to the CSO. [1]")]
    standalone = rewrite("so who do the VPs in that team lead?", history)
    assert "report" not in standalone, standalone


def test_them_after_a_preposition_is_the_party_the_previous_turn_named() -> None:
    # the subject is the role asked about; "them" / "those folks" the others the question or its answer named
    history = [Turn("user", "who gets coached by the CRO?"),
               Turn("assistant", "CRO: Coaching and supporting the VP of Sales, Marketing, and Success to improve "
                                 "company metrics. [1]")]
    standalone = rewrite("what info do they get from those folks?", history)
    assert find_roles(standalone) == ["cro", "vpsales"], standalone
    history = [Turn("user", "how does the CRO deal with the VPs of sales and marketing?"), Turn("assistant", "…")]
    standalone = rewrite("what numbers is it meant to collect from them?", history)
    assert find_roles(standalone) == ["cro", "vpsales"], standalone
    # no object pointed at: "them" is the role asked about
    assert find_roles(rewrite("what do they earn?", history)) == ["cro"]


def test_that_acronym_is_the_one_the_last_answer_used() -> None:
    history = [Turn("user", "with no CRO around, who's the CSO's closest partner?"),
               Turn("assistant", "Encourage the CSO and CMO (Chief Marketing Officer) to collaborate if you don't "
                                 "have a CRO. [1]")]
    assert rewrite("ok and what's that abbreviation short for?", history) == "ok and what's CMO short for?"


def test_a_yes_no_question_after_a_connective_is_asked_as_it_is() -> None:
    history = _h("How do a CRO and a VP of Sales work together?")
    assert rewrite("so does the CRO coach the VP?", history) == "does the CRO coach the VP?"


def test_other_execs_are_the_rest_of_the_c_suite_not_the_other_role() -> None:
    history = _h("Is the CSO part of the C-suite?")
    standalone = rewrite("which other execs does it work with on strategy?", history)
    assert "other execs" in standalone and find_roles(standalone) == ["cso"], standalone


def test_that_vp_is_a_role_pointed_at_not_what_the_answer_said() -> None:
    history = [Turn("user", "In bigger companies, who reports to the CSO?"),
               Turn("assistant", "In larger organizations, the VP of Sales, regional sales managers, and other "
                                 "senior sales roles frequently report directly to the CSO. [1]")]
    standalone = rewrite("and who does that VP manage in turn?", history)
    assert "report" not in standalone and "larger" not in standalone, standalone


def test_the_top_end_of_that_after_pay_is_pay() -> None:
    history = _h("What's in a CSO's comp package?")
    standalone = rewrite("what's the top end of that?", history)
    assert standalone.endswith("(pay)") and "cso" in find_roles(standalone), standalone


def test_words_no_article_uses_about_a_thing_pointed_at_ask_of_the_topic_before(real_assistant: Assistant) -> None:
    question = "Which is the newer role, CRO or CSO?"
    history = [Turn("user", question), Turn("assistant", real_assistant.ask(question).answer)]
    answer = real_assistant.ask("does that cause any problems?", history)
    assert not answer.abstained and "unclear" in answer.answer, answer.reason
    # a new thing asked of the role, not of what was said, is still not covered
    question = "how much total comp can a VP of Sales get w/ bonuses?"
    history = [Turn("user", question), Turn("assistant", real_assistant.ask(question).answer)]
    assert real_assistant.ask("how many PTO days do they usually get?", history).abstained


def test_a_roles_list_after_a_list_question_is_that_roles_list_of_the_same_thing() -> None:
    history = _h("What are a VP of Sales' key responsibilities?")
    standalone = rewrite("how's the CRO's list different?", history)
    assert "responsibilities" in standalone and find_roles(standalone) == ["cro"], standalone
