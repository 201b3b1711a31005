"""Question analysis: asked roles, the aspect (what is asked once roles and question words are set
aside) and the expected answer type."""

import pytest

from service.lexicon import boss_question
from service.question import (
    analyze,
    asks_basis,
    asks_line_between,
    asks_pay_duty,
    asks_scope,
    focus_role,
    negated_roles,
)


@pytest.mark.parametrize("question, answer_type", [
    ("Who does the VP of Sales report to?", "role"),
    ("Which role owns the go-to-market plan?", "role"),
    ("Is the CSO or the CRO closer to the CEO?", "role"),
    ("Can a company have a VP of Sales and a CRO at once?", "yesno"),
    ("Does the CRO own pricing?", "yesno"),
    ("How does the CSO's focus differ from the CRO's?", "comparison"),
    ("How much does a CSO earn?", "amount"),
    ("What is a CRO's pay based on?", "fact"),
    ("what is a VP of Sales' comp incentivized on?", "fact"),
    ("How many years of experience does a CSO need?", "duration"),
    ("What are the drawbacks of a CRO?", "list"),
    ("Why would a subscription business want a CRO?", "reason"),
    ("if we don't have a CRO, why push our CSO and CMO to work together?", "reason"),
    ("Explain the chief sales officer job to me", "definition"),
    ("Which people work under a CSO?", "role"),
    ("Which revenue exec sets pricing?", "role"),
    ("What upsides does a CSO bring?", "list"),
    ("When would a business bring on a VP of Sales?", "condition"),
    ("the CSO job, in a nutshell?", "definition"),
    ("eli5 the VP of Sales role", "definition"),
    ("At what point does a CRO make sense?", "condition"),
    ("Under which circumstances is a VP of Sales enough?", "condition"),
    ("when is going with a CRO the smarter move than a CSO?", "condition"),  # the case the first role fits
    ("When does it make sense to bring in a CSO vs a VP of Sales?", "comparison"),  # (no role preferred)
    ("When was the CSO title invented?", "fact"),
    ("What does a CSO make a year?", "amount"),
    ("What is a Chief Revenue Officer?", "definition"),
    ("whats a cso", "definition"),
    ("whats a VP of Sales? define pls", "definition"),
    ("CRO definition please", "definition"),
    ("which one (the CRO or the CSO) pays more?", "comparison"),
    ("so who makes more, the CSO or the VP of Sales?", "comparison"),
    ("what does it take to make that jump to CRO?", "fact"),
    # whether one role suits the asker is when it fits
    ("we're a small team with huge deals, is a CRO a good fit for us?", "condition"),
    ("does a VP of Sales make sense for me?", "condition"),
    ("does the CRO make sense of the data?", "yesno"),  # no asker: not about fit
    # who does what, between two roles
    ("with a CRO and a VP of Sales on board, how do they divide the work?", "comparison"),
    ("how does the CSO split the work with the team?", "fact"),  # one role: no sides to compare
])
def test_answer_types(question: str, answer_type: str) -> None:
    assert analyze(question).answer_type == answer_type


def test_a_condition_question_has_no_aspect_in_choosing_the_role() -> None:
    q = analyze("When is a CSO the right hire?")
    assert q.answer_type == "condition" and q.aspect == ()
    assert analyze("when would a CRO make sense for a SaaS firm?").aspect == ("saa", "firm")
    # the verdict is no topic: "better" would meet an FAQ's "Which is better for my business?"
    assert analyze("In what situations is a CSO the better choice?").aspect == ()
    assert analyze("when is a CRO better for retention?").aspect == ("retent",)


def test_quoted_words_lose_their_quote_marks() -> None:
    assert analyze("what's this 'growth mindset' thing about CROs").aspect_words[1:3] == ("growth", "mindset")


def test_aspect_leaves_out_roles_and_question_words() -> None:
    q = analyze("what notice period does a VP of Sales usually give?")
    assert q.roles == ("vpsales",)
    assert set(q.aspect) == {"notic", "period"}
    assert "VP" not in q.aspect_text and "notice period" in q.aspect_text


def test_what_a_role_is_given_is_asked_and_give_me_only_asks() -> None:
    assert "give" in analyze("what do we need to give a CSO for it to work?").aspect
    assert "give" not in analyze("give me the CSO's duties").aspect


def test_aspect_folds_synonyms_and_adds_pay_to_how_much() -> None:
    assert analyze("What are the downsides of a CSO?").aspect == ("drawback",)
    assert "salary" in analyze("how much does a CRO take home").aspect


def test_a_question_about_a_role_alone_has_no_aspect() -> None:
    q = analyze("Tell me about the Chief Revenue Officer")
    assert q.roles == ("cro",) and q.aspect == ()
    assert analyze("what's a CRO?").aspect == ()


def test_comparison_keeps_both_roles_in_order() -> None:
    q = analyze("Which can earn more, a VP of Sales or a CRO?")
    assert q.core_roles == ("vpsales", "cro") and q.answer_type == "comparison"


def test_a_negated_role_is_set_aside() -> None:
    assert analyze("no CRO at our company - who should our CSO work with?").roles == ("cso",)
    assert analyze("if a company doesn't have a CRO, who runs marketing with the CSO?").roles == ("cso",)
    assert analyze("Is there no CRO?").roles == ("cro",)  # a negated role that is all it names stays


@pytest.mark.parametrize(("question", "quantity"), [
    ("how many regional managers report to a CSO", "count:manager"),
    ("What share in percent of the bonus is paid in stock?", "percent"),
    ("what year did the CRO title become common", "year"),
    ("how old is a typical VP of Sales", "age"),
    ("how long does a CRO usually last before leaving", "tenure"),
    ("how long does it take to hire a CRO?", "time"),  # a time a thing takes: days and weeks count too
    ("how many sales reps does a CSO usually manage", "count:rep"),
    ("what is the maximum number of managers under a CSO", "count:manager"),
    ("How much is a CRO paid in euros?", "currency:euros"),
    ("how many hours a week does a CRO work", "count:hour"),
    ("which company invented the CSO title?", "name"),  # a company's name
    ("which company stage suits a CRO?", ""),
    ("what does a CRO do", ""),
    ("how much does a VP of Sales earn", ""),
    ("how much equity does a CRO get?", "amount:equiti"),  # an amount of a thing: a number with that thing
    ("at what ARR should we hire a CRO?", "amount:arr"),
    ("how much bonus does a CSO get?", ""),  # (pay: the articles give totals "including bonuses")
    ("how much sales experience does a CSO need?", ""),
])
def test_the_quantity_a_question_asks_for(question: str, quantity: str) -> None:
    assert analyze(question).quantity == quantity


def test_asking_for_the_gist_leaves_no_aspect() -> None:
    assert analyze("CSO in a nutshell??").aspect == () and analyze("explain a CRO like I'm 5").aspect == ()
    assert analyze("what's a CRO's bread and butter?").aspect == ()


@pytest.mark.parametrize("question", ["What does CSO stand for?", "is CRO short for something?",
                                      "full form of VP of Sales"])
def test_asking_what_an_abbreviation_means_leaves_no_aspect(question: str) -> None:
    assert analyze(question).aspect == ()


@pytest.mark.parametrize(("question", "scope"), [
    ("does the CRO run marketing too or just sales?", True),
    ("is the VP of Sales only about new business, or renewals as well?", True),
    ("does the CSO get a bonus or just base pay?", False),  # what pay is made of
    ("does the CSO run marketing?", False),
])
def test_a_remit_question_is_told_by_or_just(question: str, scope: bool) -> None:
    assert asks_scope(question) is scope


def test_and_who_asks_for_a_role() -> None:
    assert analyze("and who coaches the VP of Sales?").answer_type == "role"


@pytest.mark.parametrize(("question", "kind"), [
    ("what kind of leader should a seed-stage startup hire?", "role"),
    ("what role does the CSO play in forecasting?", "fact"),  # a role named: "what role" asks about it
])
def test_what_leader_with_no_role_named_asks_for_a_role(question: str, kind: str) -> None:
    assert analyze(question).answer_type == kind


def test_which_of_two_roles_ranks_higher_asks_for_the_reporting_line() -> None:
    assert "report" in analyze("who outranks who, the CRO or the CSO?").aspect
    assert "report" not in analyze("what makes a CSO senior?").aspect  # one role: no line between two


@pytest.mark.parametrize(("question", "kind"), [
    ("We sell mostly through a big field team. Should we get a CSO?", "condition"),  # the question is the last sentence
    ("do we need a CRO yet?", "condition"),
    ("Does the CRO need an MBA?", "yesno"),  # not a hiring choice
    ("Should we get a CSO or a CRO?", "role"),  # a choice between two roles
])
def test_whether_to_hire_one_role_asks_when_it_fits(question: str, kind: str) -> None:
    assert analyze(question).answer_type == kind


def test_negated_auxiliaries_and_fillers_are_no_aspect() -> None:
    assert analyze("What does a CSO handle that a CRO doesn't, yet?").aspect == ("handl",)


@pytest.mark.parametrize(("question", "basis"), [
    ("what is the VP of Sales' bonus tied to?", True),
    ("what's CSO compensation based on?", True),
    ("how should incentives be set up for sales leaders?", False),  # designing them
    ("what is a CSO's strategy based on?", False),  # not pay
])
def test_what_pay_is_based_on(question: str, basis: bool) -> None:
    assert asks_basis(question) is basis


@pytest.mark.parametrize("question", ["CSO pay: base plus what else?", "break down a VP of Sales' comp for me"])
def test_what_pay_is_made_of_is_no_amount_question(question: str) -> None:
    assert analyze(question).answer_type != "amount"


def test_who_manages_a_role_asks_its_reporting_line() -> None:
    assert analyze("who manages the VP of Sales?").aspect == ("report",)
    assert boss_question("Who oversees our CSO?") == "who does CSO report to?"
    # managing something that is not a role is what managing is
    assert "report" not in analyze("who manages the sales team?").aspect
    assert boss_question("who manages the sales team?") == ""
    assert boss_question("and who's above the CRO?") == "who does CRO report to?"
    assert boss_question("who is over the VP of Sales?") == "who does VP of Sales report to?"


def test_what_a_role_covers_asks_its_duties() -> None:
    q = analyze("what does that CRO role cover?")
    assert q.answer_type == "list" and q.aspect == ()
    assert analyze("does the CSO cover marketing?").aspect == ("market",)


def test_what_a_question_sets_aside_is_not_what_it_asks() -> None:
    q = analyze("Apart from hiring reps, which functions does a CSO run?")
    assert "hire" not in q.aspect and "function" in q.aspect
    assert analyze("besides base pay, what perks come with a CRO job?").answer_type == "list"
    assert analyze("what does the CRO own other than sales?").aspect == ("overse",)  # (what it owns: oversees)


def test_the_words_of_a_reporting_idiom_are_not_the_aspect() -> None:
    assert analyze("does marketing roll up under the CRO?").aspect == ("market", "report")
    assert analyze("is demand gen part of the CRO's turf?").aspect == ("demand", "gen", "responsibility")


def test_choosing_a_role_for_a_situation_asks_when_each_fits() -> None:
    assert analyze("we sell one-off licences, few renewals. CSO or CRO?").answer_type == "condition"
    assert analyze("how should we decide between a CRO and a CSO?").answer_type == "condition"
    # a choice with no situation is still a role question
    assert analyze("CSO or CRO: who is more senior?").answer_type == "role"


def test_a_titles_earlier_name_is_what_it_was_formerly_known_as() -> None:
    assert analyze("what did they call the CRO job before?").aspect == ("former", "known")
    assert analyze("what's the old title for a CRO?").aspect == ("former", "known")
    assert "former" not in analyze("what should we call the role?").aspect
    assert analyze("what did a CRO use to go by?").aspect == ("former", "known")
    assert analyze("what did ppl used to call the CRO role?").aspect == ("former", "known")
    old_school = analyze("what were the old-school titles for a CRO before that name caught on?")
    assert old_school.aspect == ("former", "known")
    # the step before a role in a career is no former name
    assert analyze("what job title comes before VP of Sales?").sequence


def test_qualifiers_are_not_what_is_asked() -> None:
    # "specifically" would match "the CSO focuses specifically on ..." and nothing of what was asked
    plain = analyze("which skills matter for a CSO?").aspect
    assert analyze("which skills matter for a CSO specifically?").aspect == plain


def test_that_hire_is_the_person_hired_not_hiring() -> None:
    q = analyze("what could go wrong with that hire? (the CSO)")
    assert "hire" not in q.aspect and "hire" not in q.aspect_text
    assert "hire" in analyze("how long does it take to hire a CSO?").aspect
    assert "biggest" not in analyze("biggest downsides of a CRO?").aspect


def test_a_role_described_before_its_bracketed_name_is_no_aspect() -> None:
    q = analyze("who does the head sales executive (CSO) answer to?")
    assert q.roles == ("cso",) and q.aspect == ("report",)
    # words in front of brackets that hold no role stay
    assert "pipelin" in analyze("what does the CRO do about the sales pipeline (forecasts)?").aspect


def test_which_of_the_roles_asks_for_a_role_whose_class_is_no_aspect() -> None:
    q = analyze("which of the sales leadership roles is newer?")
    assert q.answer_type == "role" and q.aspect == ("newer",)
    # a question word followed by a verb names no class: "newer" is what is asked
    assert "newer" in analyze("Which is the newer role, CRO or CSO?").aspect


def test_take_home_is_pay_and_where_something_fits_is_its_reporting_line() -> None:
    q = analyze("ballpark, what does a chief sales officer take home per year?")
    assert q.answer_type == "amount" and "salary" in q.aspect and not {"take", "home", "ballpark"} & set(q.aspect)
    q = analyze("and where does the VP of Sales fit?")
    assert q.answer_type == "role" and q.aspect == ("report",)
    assert analyze("where does the CRO fit in the org chart?").aspect == ("report",)
    assert "report" not in analyze("where does a CRO spend most of the day?").aspect
    # (a case set up before: "in that structure, where would the CSO sit?")
    assert analyze("in that structure, where would the CSO sit?").aspect == ("report",)


def test_what_a_company_should_do_asks_for_advice() -> None:
    assert analyze("so how do we set the CRO up to succeed?").advice
    assert analyze("any tips to keep costs down when we hire a CSO?").advice
    assert analyze("should our bonus plans only reward new sales?").advice
    assert not analyze("should our CSO report to the CRO?").advice
    # a person's own career and a question about what a role does are not advice to a company
    assert not analyze("how do i get from AE to VP of Sales?").advice
    assert not analyze("how does a CRO set targets?").advice


def test_how_two_roles_stand_to_each_other_is_a_line_between_them() -> None:
    assert asks_line_between("in that setup who reports to who? (the CRO and the CSO)")
    assert asks_line_between("who's more senior, the CRO or the CSO?")
    # whom each one reports to is not the line between them
    assert not asks_line_between("Who does the CSO report to, and who does the CRO report to?")
    assert not asks_line_between("How do the reporting lines of a CSO and a CRO differ?")


def test_what_a_role_does_is_its_responsibilities_and_what_it_costs_us_is_its_pay() -> None:
    assert analyze("What does a VP of Sales do?").aspect == ("responsibility",)
    assert analyze("what would a CSO cost us?").answer_type == "amount"
    assert "salary" in analyze("what would a CSO cost us?").aspect
    # costs the articles discuss are not pay
    assert analyze("how can a CRO help cut costs?").answer_type != "amount"


def test_why_pick_one_role_over_another_asks_when_it_fits() -> None:
    q = analyze("why would a company pick a CSO over a CRO?")
    assert q.answer_type == "condition" and q.focus == "cso"
    assert analyze("why does the CSO own sales strategy?").answer_type == "reason"


def test_a_role_the_question_sets_aside_is_kept_apart_from_the_asked_ones() -> None:
    q = analyze("if we don't have a CRO, who should the CSO work with?")
    assert q.roles == ("cso",) and q.without == ("cro",)
    assert negated_roles("Encourage the CSO and CMO to collaborate if you don't have a CRO.") == ["cro"]
    assert analyze("who should the CSO work with?").without == ()
    assert negated_roles("if we stick with one and don't get a CRO, how do we avoid silos?") == ["cro"]
    assert negated_roles("what does a CRO not do?") == []
    # the only role named is set aside: it stays the question's role, and is still set aside
    q = analyze("we don't have a CRO - how do we keep sales and marketing aligned?")
    assert q.roles == ("cro",) and q.without == ("cro",)


def test_a_place_in_a_sequence_of_steps_is_asked_as_such() -> None:
    assert analyze("what's the step right before VP of Sales?").sequence
    assert analyze("what job do ppl usually hold right before they make VP?").sequence
    # "make VP" is becoming one, not pay
    assert analyze("right before they make VP, what job do people hold?").answer_type != "amount"
    assert not analyze("What job titles was the CRO role known by before?").sequence
    assert not analyze("who reports to the CSO?").sequence


def test_the_steps_to_a_role_are_a_sequence_but_the_skills_for_it_are_not() -> None:
    assert analyze("I'm an AE right now, what are the steps to get to CRO?").sequence
    assert not analyze("what skills do I need to make that jump to the top? (career path to CRO)").sequence


def test_moving_up_a_career_is_advancing() -> None:
    assert analyze("which skills do people need to step up?").aspect == ("skill", "advanc")
    assert analyze("what should I learn before making the leap to sales leadership?").aspect[-1] == "advanc"
    # a place to move up to is a path, not the skills for the move
    assert "advanc" not in analyze("how do I move up to VP of Sales?").aspect


def test_chat_interjections_are_no_aspect() -> None:
    assert analyze("wait, what does CRO stand for?").aspect == analyze("what does CRO stand for?").aspect
    assert "tbh" not in analyze("which one is more tactical tbh?").aspect_words


def test_a_yes_no_questions_other_answer_is_no_aspect() -> None:
    q = analyze("do CSOs coach the reps, or is that beneath them?")
    assert q.answer_type == "yesno" and "beneath" not in q.aspect_words and "coach" in q.aspect_words
    assert analyze("does the VP of Sales own renewals or someone else?").aspect == analyze(
        "does the VP of Sales own renewals?").aspect


def test_which_companies_a_role_suits_is_a_condition() -> None:
    q = analyze("what kind of companies benefit from a CRO?")
    assert q.answer_type == "condition" and "benefit" not in q.aspect
    assert analyze("which companies need a CSO?").answer_type == "condition"
    # a company's own title is no condition
    assert analyze("which companies have a CRO?").answer_type != "condition"


def test_a_time_of_day_is_a_quantity_but_a_time_frame_is_not() -> None:
    assert analyze("what time does a CSO start work?").quantity == "clock"
    assert analyze("within what time frame should a new VP of Sales hire reps?").quantity != "clock"


def test_a_clause_that_sets_the_time_of_the_hire_is_no_aspect() -> None:
    q = analyze("ok, and once we hire the CRO how do we set them up to succeed?")
    assert "hire" not in q.aspect and "succeed" in q.aspect and q.roles == ("cro",)
    assert "look" in analyze("when we hire a CSO, what should we look for?").aspect
    # a hire at the end of the question is part of what is asked
    assert "hire" in analyze("what changes for the sales team once we hire a CSO?").aspect


def test_keeping_track_of_something_is_being_informed_about_it() -> None:
    q = analyze("what does a CRO need to stay on top of?")
    assert "top" not in q.aspect and "inform" in q.aspect
    assert "inform" in analyze("which numbers should a CSO keep an eye on?").aspect
    assert "top" in analyze("who are the CSO's top customers?").aspect  # "top" itself stays


def test_a_split_of_pay_asks_for_a_share() -> None:
    assert analyze("what's the base vs variable split (like 60/40?) for a CSO?").quantity == "percent"
    assert analyze("how is a CRO's comp split between base and bonus?").quantity == "percent"
    # not a share: a schedule, or who does what
    assert analyze("does a CSO work 24/7?").quantity == ""
    assert analyze("how do the CSO and the VP of Sales split the work?").quantity == ""


@pytest.mark.parametrize("message, asked", [
    # chatter before or after the question is left out
    ("So we're restructuring the team this quarter and I'm putting notes together: What metrics does a CRO track?",
     "What metrics does a CRO track?"),
    ("Trying to settle a debate with a coworker. who's the vp of sales' boss usually?",
     "who's the vp of sales' boss usually?"),
    ("What is a Chief Sales Officer? (asking for a friend lol, no rush on this one)", "What is a Chief Sales Officer?"),
    # a question run on into a sentence with no stop between them
    ("what numbers does a CRO care about Need this for a slide I'm presenting tomorrow.",
     "what numbers does a CRO care about"),
    ("Tell me about the chief sales officer. (no rush, just curious)", "Tell me about the chief sales officer."),
    ("WHAT DOES A CHIEF SALES OFFICER DO Trying to get my head around our org chart.",
     "WHAT DOES A CHIEF SALES OFFICER DO"),
    # a question about the asker's case keeps what comes before it; after it, only words on the company
    ("How should incentives be set up for our revenue leaders? Thanks so much in advance!",
     "How should incentives be set up for our revenue leaders?"),
    ("Do we need a CSO? We're a 30 person startup.", "Do we need a CSO? We're a 30 person startup."),
    # a greeting, and a run-on before an acronym ("... wiki Are CROs")
    ("hey team do VPs of Sales usually get a company car?", "do VPs of Sales usually get a company car?"),
    ("Sorry if this has been asked already, couldn't find it on the wiki Are CROs allowed to work remote?",
     "Are CROs allowed to work remote?"),
    # a question that starts late in a sentence of chatter
    ("Not urgent at all, just curious does the CRO run marketing too?", "does the CRO run marketing too?"),
    # ... at a question word after two words or more, the earliest start winning
    ("argh, second time typing this out who do AEs report up to?", "who do AEs report up to?"),
    # (not at "does", which leaves "what parts of the pipeline" behind; a short phrase stays without `known`)
    ("hmm odd one what parts of the pipeline does the CRO own?",
     "hmm odd one what parts of the pipeline does the CRO own?"),
    ("1st thing a brand new sales leader should focus on?", "1st thing a brand new sales leader should focus on?"),
    ("For a 50 person B2B saas company with long cycles which role fits better?",
     "For a 50 person B2B saas company with long cycles which role fits better?"),
    ("our new head of sales wants to rip out our CRM lol, is that normal??",
     "our new head of sales wants to rip out our CRM lol, is that normal??"),
    # the asker's own case, words the question points back to, a role, a short topic: kept
    ("we're like a 30 person startup - is a chief sales officer overkill rn?",
     "we're like a 30 person startup - is a chief sales officer overkill rn?"),
    ("We have a CRO and a big sales team already. Who should the VP of Sales report to?",
     "We have a CRO and a big sales team already. Who should the VP of Sales report to?"),
    ("we're a subscription biz that lives on renewals + upsell. CRO or CSO?",
     "we're a subscription biz that lives on renewals + upsell. CRO or CSO?"),
    ("vp of slaes day to day - what do they actually do?", "vp of slaes day to day - what do they actually do?"),
    # (a choice of bare roles is asked in the case said before it, "we" or not)
    ("gotta grow renewals fast this year - CRO or CSO?", "gotta grow renewals fast this year - CRO or CSO?"),
    ("Base pay: VP of Sales vs CRO?", "Base pay: VP of Sales vs CRO?"),
    ("rev ops and the tech stack for long-term growth: whose job is it to fix that?",
     "rev ops and the tech stack for long-term growth: whose job is it to fix that?"),
    # one sentence: as it is, brackets and titles too
    ("How much equity (as a % of the company) does a CRO usually get?",
     "How much equity (as a % of the company) does a CRO usually get?"),
    ("How much does a Head of RevOps make?", "How much does a Head of RevOps make?"),
])
def test_focus_keeps_the_sentences_that_ask(message: str, asked: str) -> None:
    from service.question import focus

    assert focus(message) == asked


def test_asking_text_is_the_sentences_that_ask() -> None:
    from service.question import asking_text

    # (names in the asker's story are not what is asked about: "Series B" is no company the articles lack)
    assert asking_text("We just closed our Series B and are hiring. When is a CRO the better choice?") == \
        "When is a CRO the better choice?"
    assert asking_text("What is a Chief Sales Officer (CSO)?") == "What is a Chief Sales Officer (CSO)?"
    assert asking_text("CRO pay") == "CRO pay"


def test_focus_splits_run_on_sentences() -> None:
    from service.question import focus

    assert focus("FYI I'm in marketing ops, so pretty far from the sales side of things Does the CRO have P&L "
                 "responsibility?") == "Does the CRO have P&L responsibility?"
    # (a short phrase after the question may say what is asked, or what the articles can't answer)
    assert focus("what makes a solid VP of Sales? skills wise") == "what makes a solid VP of Sales? skills wise"
    assert focus("what bonus does a CRO get? equity too") == "what bonus does a CRO get? equity too"


def test_asking_whether_one_role_is_another_is_an_identity_question() -> None:
    from service.question import asks_identity, negated_roles

    for question in ("is the CSO just an overpaid VP of sales", "so is a CRO like a super VP of sales?",
                     "isn't a CSO basically a VP of Sales with a bigger title?", "is a CRO the same thing as a CSO?"):
        assert asks_identity(question), question
    for question in ("is a CRO or a CSO better for startups", "is a CRO paid more than a VP of sales?",
                     "does a CRO manage a VP of sales?", "is the CRO and the CSO the same"):
        assert not asks_identity(question), question
    # an inverted question asks of its role; "there isn't a CRO" sets one aside
    assert negated_roles("isn't a CSO just a VP of Sales?") == []
    assert negated_roles("if there isn't a CRO, who owns marketing?") == ["cro"]


def test_a_short_phrase_with_no_word_of_the_articles_is_chatter() -> None:
    from service.question import focus

    articles = {"skills", "base", "pay", "day", "sales", "revenue"}

    def known(word: str) -> bool:
        return word.lower() in articles

    assert focus("What is a CSO? Kinda urgent, sorry", known) == "What is a CSO?"
    assert focus("Ok weird one What does a CSO do?", known) == "What does a CSO do?"
    assert focus("what's the CRO's job? cheers, you're a lifesaver", known) == "what's the CRO's job?"
    assert focus("In one line: CRO vs VP of Sales? Appreciate it :pray:", known) == "In one line: CRO vs VP of Sales?"
    # a phrase with a word of the articles, an amount, an abbreviation, a case or a heading says what is asked
    for question in ("what makes a solid VP of Sales? skills wise", "what's in it for a VP of Sales? $$ and perks",
                     "how much do VPs of Sales make? like OTE", "Base pay: VP of Sales vs CRO?"):
        assert focus(question, known) == question
    # without the articles' words to go by, a short phrase stays
    assert focus("What is a CSO? Kinda urgent, sorry") == "What is a CSO? Kinda urgent, sorry"


def test_the_kind_of_answer_asked_for_is_no_chatter() -> None:
    from service.question import focus

    assert focus("VP of Sales?? explain the job in a nutshell pls") == "VP of Sales?? explain the job in a nutshell pls"
    assert focus("what does a CSO do, explain like I'm five") == "what does a CSO do, explain like I'm five"
    assert focus("what does a CSO make? ive seen really different numbers") == "what does a CSO make?"


def test_after_the_question_the_asker_speaking_of_themself_is_chatter() -> None:
    from service.question import focus

    assert focus("what does a CSO make? ive seen really different numbers") == "what does a CSO make?"
    assert focus("what does a CSO make? I heard it varies") == "what does a CSO make?"
    # before the question it may be the case asked about; a short topic after it stays
    assert focus("im an AE, what skills does a CRO need?") == "im an AE, what skills does a CRO need?"
    assert focus("what bonus does a CRO get? equity too") == "what bonus does a CRO get? equity too"


def test_the_term_a_question_asks_the_meaning_of() -> None:
    from service.question import asked_term

    assert asked_term("what's a whitespace exercise exactly?") == "whitespace exercise"
    assert asked_term("what does EBITDA stand for?") == "EBITDA"
    assert asked_term("so what is quota attainment anyway?") == "quota attainment"
    assert asked_term("what does the shared resources one mean?") == "shared resources"  # (an item of the last answer)
    assert asked_term("how do you calculate EBITDA margin?") == "EBITDA margin"
    # a role's definition, something asked of "the ...", a longer question: no term
    for question in ("what is a CRO?", "whats the salary?", "what are the benefits?",
                     "what is the best way to structure a sales org for a startup?"):
        assert asked_term(question) == "", question


def test_taking_part_in_something_asks_about_that_thing() -> None:
    assert analyze("does the cro have any say in pricing?").aspect == ("price",)
    assert analyze("does the VP sales get involved with enablement stuff?").aspect == ("enabl",)
    assert analyze("is the CRO involved in product?").aspect == ("product",)


def test_whats_the_deal_with_asks_about_what_follows() -> None:
    assert analyze("what's the deal with the CSO?").aspect == ()
    assert analyze("whats the bit with the CFO about?").aspect == ()


def test_what_a_role_is_good_at_asks_its_strengths() -> None:
    assert analyze("so what's the CSO good at then?").aspect == ("benefit",)
    # good at something named is that something
    assert "hire" in analyze("is a CSO good at hiring?").aspect


def test_idioms_for_responsibility_and_metrics_ask_in_the_articles_words() -> None:
    assert analyze("what's the CRO actually on the hook for?").aspect == ("respons",)
    assert analyze("what numbers do they get judged on?").aspect == ("metric",)
    # the numbers a role watches or tracks are its metrics
    assert "metric" in analyze("what numbers does a VP of Sales watch?").aspect
    assert "metric" in analyze("which numbers matter to a CRO?").aspect
    assert "metric" not in analyze("do CSOs earn big numbers?").aspect
    # "numbers" alone is no metric: "what are the salary numbers?"
    assert "metric" not in analyze("what are the CSO salary numbers?").aspect


def test_likelihood_and_becoming_are_frames_not_topics() -> None:
    assert analyze("which one is more likely to end up siloed, a CSO or a CRO?").aspect == ("silo",)


@pytest.mark.parametrize("question, aspect", [
    # a light verb takes its meaning from its object: the object is what is asked
    ("does the CRO set pricing?", ("price",)),
    ("how do they work with enablement?", ("enabl",)),
    ("does the VP of Sales touch retention at all?", ("retent",)),
    ("do CSOs talk to clients?", ("client",)),
    # (and how it is done is no topic either: "directly", "personally")
    ("does the VP of Sales deal with customers directly?", ("custom",)),
    # ... unless nothing else is asked, or the relation is ("who do they work with ...?"), or it has no object
    ("how does the CRO work with the CEO?", ("work",)),
    ("who does the VP of Sales work with to keep the pipeline full?", ("collabor", "keep", "pipelin", "full")),
    ("What does the CRO work on together with the CFO?", ("work", "togeth")),
    ("how much does a CSO make?", ("make", "salary")),
])
def test_a_light_verb_leaves_the_aspect_to_its_object(question: str, aspect: tuple[str, ...]) -> None:
    assert analyze(question).aspect == aspect


@pytest.mark.parametrize("question", ["How much does a VP of Sales make all-in?",
                                      "what's a CRO's pay with everything included?"])
def test_all_in_pay_asks_for_the_total(question: str) -> None:
    assert {"salary", "total"} <= set(analyze(question).aspect)
    # (and "all-in" that is no pay is no total)
    assert "total" not in analyze("is the CRO all-in on growth?").aspect


def test_a_roles_main_job_is_what_it_does() -> None:
    # "main job" is no aspect of its own: the role's responsibilities, as for "what does a CRO do?"
    assert analyze("whats the CRO's main job").aspect == ("responsibility",)
    assert analyze("what does a CRO do?").aspect == ("responsibility",)


def test_the_side_of_an_area_is_the_area() -> None:
    # "on the sales ops side" asks about sales operations; "side" is no word of what is asked
    assert analyze("what does the CSO do on the sales operations side?").aspect == ("sale", "oper")


@pytest.mark.parametrize("question", ["how does someone end up as a CSO, whats the path?",
                                      "whats the usual career path up to VP of sales?",
                                      "what's the usual ladder to get to VP of Sales?"])
def test_the_path_to_a_role_is_how_people_advance_to_it(question: str) -> None:
    aspect = analyze(question).aspect
    assert "advanc" in aspect and "path" not in aspect, aspect
    # a company's path is no career
    assert "advanc" not in analyze("what is the CRO's path to growth?").aspect


@pytest.mark.parametrize("text", ["What is a VP of Sales busy with each week?", "what does a CSO do on a weekly basis?",
                                  "what's a CSO's typical week like?", "what does a CRO do in a typical month?"])
def test_a_routine_told_by_the_week_or_month_asks_for_the_day_to_day(text: str) -> None:
    aspect = analyze(text).aspect
    assert "day" in aspect and not {"week", "month", "basi"} & set(aspect)


def test_a_week_in_a_quantity_stays_a_quantity() -> None:
    q = analyze("how many hours a week does a CRO work?")
    assert q.quantity and "day" not in q.aspect


def test_a_number_written_as_a_hash_is_a_count() -> None:
    assert analyze("max # of direct reports a VP of sales should have?").quantity.startswith("count:")


def test_a_plate_is_what_a_role_has_to_do_and_a_year_is_the_rate_of_an_amount() -> None:
    assert "plate" not in analyze("what's on a VP of sales' plate day to day?").aspect
    assert "respons" in " ".join(analyze("what's on a VP of sales' plate day to day?").aspect)
    assert analyze("how much PTO do CSOs usually get per year?").aspect == ("pto",)
    # (a month is how a product is priced: kept)
    assert "month" in analyze("What does Salesforce Sales Cloud cost per user per month?").aspect


def test_doing_a_thing_or_just_leading_the_people_who_do_it_is_no_remit_question() -> None:
    q = analyze("does a CSO deal w/ customers directly or just manage the team?")
    assert not q.scope and "manag" not in q.aspect and "team" not in q.aspect
    # (how far a remit reaches still is)
    assert analyze("does the CSO run marketing too or just sales?").scope


@pytest.mark.parametrize("text", ["what skills do i need to make that climb to CRO?",
                                  "how long does it take to climb the ladder to VP of Sales?"])
def test_a_climb_to_a_role_is_advancing_to_it(text: str) -> None:
    aspect = analyze(text).aspect
    assert "advanc" in aspect and "climb" not in aspect


def test_a_hire_the_question_supposes_is_no_aspect() -> None:
    q = analyze("and if we do end up hiring the CRO, what do we need to give them?")
    assert "hire" not in q.aspect and q.advice


def test_an_apology_after_the_question_and_a_purpose_before_it_are_chatter() -> None:
    from service.question import focus
    assert focus("what does CRO stand for lol sorry for the long message") == "what does CRO stand for"
    assert focus("For a comp benchmarking project I'm running this quarter, what does a CSO do?") == (
        "what does a CSO do?")
    # a case the question is asked in stays
    assert focus("for a startup, should we hire a CSO?") == "for a startup, should we hire a CSO?"


def test_a_remark_after_the_question_and_a_meeting_time_before_it_are_chatter() -> None:
    from service.question import focus
    assert focus("what does a CRO actually do? ... a rough answer is fine, doesn't need to be perfect") == (
        "what does a CRO actually do?")
    assert focus("Morning! Prepping for a 1:1 with my skip level at 2 what are the pros of bringing on a CSO?") == (
        "what are the pros of bringing on a CSO?")
    # a case set before the question, split at a colon, stays
    case = "For a mid-sized growing company, which fits better: a CSO or a VP of Sales?"
    assert "mid-sized" in focus(case)


def test_a_question_run_on_after_chatter_is_found_without_a_question_mark() -> None:
    from service.question import focus
    assert focus("Writing up the org chart proposal for Monday and I keep going back and forth what background "
                 "should a CRO candidate have") == "what background should a CRO candidate have"


@pytest.mark.parametrize(("text", "asked"), [
    ("what makes a killer vp of sales personality-wise? (context: updating the careers page copy)",
     "what makes a killer vp of sales personality-wise?"),
    ("what does CRO stand for cheers in advance", "what does CRO stand for"),
    ("what are a CRO's main metrics asking bc Jen mentioned it in the QBR", "what are a CRO's main metrics"),
    ("we had a reorg announcement at the all-hands this morning, and honestly I'm a bit lost what outside stuff "
     "does a CRO need to keep an eye on?", "what outside stuff does a CRO need to keep an eye on?"),
])
def test_thanks_reasons_and_asides_around_a_question_are_chatter(text: str, asked: str) -> None:
    from service.question import focus
    assert focus(text) == asked


def test_a_bracket_naming_roles_and_the_asker_s_case_stay() -> None:
    from service.question import focus
    assert focus("who reports to the CRO (the CSO or the VP)?") == "who reports to the CRO (the CSO or the VP)?"
    assert focus("we are a 30 person startup. do we need a CSO?") == "we are a 30 person startup. do we need a CSO?"


@pytest.mark.parametrize(("text", "plain"), [("what makes a rockstar VP of sales?", "great"),
                                             ("what's the CSO's north star?", "goal"),
                                             ("is the CRO more of a big picture person or in the weeds?", "tactic"),
                                             ("whats the catch w/ hiring a CSO", "drawback"),
                                             ("what does a CRO actually own?", "overse"),
                                             ("what's so great about a chief sales officer?", "benefit"),
                                             ("whats bad about going with a CRO", "drawback"),
                                             ("for us, does the CSO or the CRO matter more?", "import"),
                                             ("who is the head honcho of a sales org?", "highest"),
                                             ("does a VP of sales do big-picture planning", "strateg"),
                                             ("how can a CSO know if the new sales plan is working?", "effect")])
def test_an_idiom_is_asked_in_the_articles_words(text: str, plain: str) -> None:
    assert any(t.startswith(plain) for t in analyze(text).aspect)


@pytest.mark.parametrize("text", ["what's a chief revenue officer exactly", "what even is a CSO?",
                                  "what exactly is a VP of Sales?"])
def test_a_word_that_only_insists_keeps_a_definition_question(text: str) -> None:
    assert analyze(text).answer_type == "definition"


def test_ones_own_is_no_ownership() -> None:
    assert "overse" not in analyze("does the CRO get a team of their own?").aspect


def test_why_a_reporting_line_is_so_asks_for_the_reason() -> None:
    assert analyze("why does the VP of Sales report to the CSO?").answer_type == "reason"
    assert analyze("so why is the CRO the CSO's boss?").answer_type == "reason"
    assert analyze("who does the VP of Sales report to?").answer_type == "role"


def test_dealing_with_someone_is_no_deal() -> None:
    assert "deal" not in analyze("how does the CSO deal with the CMO?").aspect
    assert analyze("how does a CSO deal with marketing?").aspect == ("market",)
    assert "deal" in analyze("does the CRO close deals?").aspect


def test_what_is_presented_to_someone_is_reported_to_them() -> None:
    q = analyze("who does the VP of Sales present the forecast to?")
    assert q.answer_type == "role" and {"report", "forecast"} <= set(q.aspect)


def test_a_question_after_a_statement_and_a_comma_is_typed_by_its_own_words() -> None:
    assert analyze("we're a 40-person company, do we need a CRO yet?").answer_type == "condition"
    assert analyze("for a SaaS company, what does a CRO do?").answer_type != "condition"


def test_at_what_age_asks_for_an_age() -> None:
    assert analyze("at what age do most people become a CRO?").quantity == "age"


def test_a_role_added_is_hired() -> None:
    assert "hire" in analyze("why would we add a CRO if we already have a CSO?").aspect
    assert "hire" not in analyze("what does a CRO add to the team?").aspect


def test_what_comes_on_top_of_the_base_asks_what_pay_is_made_of() -> None:
    q = analyze("how are VPs of Sales paid beyond their base salary?")
    assert q.basis and q.answer_type != "amount"
    assert analyze("what does a CRO get on top of the base?").basis


def test_whether_a_role_is_overkill_for_us_asks_when_it_fits() -> None:
    assert analyze("is a CSO overkill for a company like ours?").answer_type == "condition"
    assert analyze("would a CRO be premature for us?").answer_type == "condition"


def test_the_better_call_than_sets_the_second_role_aside() -> None:
    assert focus_role("is a CSO the better call than a CRO for us?") == "cso"
    assert focus_role("does a CSO earn more than a CRO?") == ""  # (a comparison keeps both)


def test_the_roles_of_an_article_cited_are_not_asked() -> None:
    q = analyze("According to the VP of Sales vs CRO article, what does a VP of Sales mainly focus on?")
    assert q.roles == ("vpsales",) and "articl" not in q.aspect
    # (no role of its own: the cited article's role is the one asked about)
    assert analyze("in the CSO article, what skills are listed?").roles == ("cso",)


def test_idioms_for_getting_a_job_and_relying_on_something() -> None:
    assert analyze("what background do you need to land the job? (CSO)").aspect == ("experience",)
    assert "reli" in analyze("which tools do CROs lean on?").aspect
    assert "land" in analyze("where do most CSOs land after leaving?").aspect  # (no job landed)


def test_a_path_to_becoming_a_role_asks_how_people_advance() -> None:
    assert analyze("what's the usual path to becoming a CSO?").aspect == ("advanc",)


@pytest.mark.parametrize(("text", "duty"), [
    ("what is the CRO responsible for when it comes to compensation?", True),
    ("any comp-related tasks on the CSO's plate?", True),
    ("what are they on the hook for around incentives?", True),
    ("what does a CRO get paid?", False),
    ("what's the CRO's compensation?", False),
    ("is the CRO responsible for revenue?", False),
])
def test_a_duty_about_pay_asks_no_amount(text: str, duty: bool) -> None:
    assert asks_pay_duty(text) is duty
    if duty:
        assert analyze(text).answer_type != "amount"


def test_whom_a_role_works_with_is_whom_it_collaborates_with() -> None:
    assert "collabor" in analyze("which execs does the CSO work closely with?").aspect
    # (not what a role does at work: "how does the CRO work with marketing?" keeps its words)
    assert "collabor" not in analyze("how does the CRO work with marketing?").aspect
    assert "collect" in analyze("what data does the CRO pull from the VPs?").aspect
