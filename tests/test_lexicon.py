import pytest

from service.lexicon import canonicalize_roles, find_roles, repair_spelling, tokenize


@pytest.mark.parametrize("text, roles", [
    ("Who does the VP of Sales report to?", ["vpsales"]),
    ("vice president of sales pay", ["vpsales"]),
    ("Vice President (VP) of Sales", ["vpsales"]),
    ("VP Sales and sales VPs", ["vpsales"]),
    ("CRO vs Chief Revenue Officer (CRO)", ["cro"]),
    ("what do CSOs and chief sales officers do", ["cso"]),
    ("the CEO, COO, CMO and CFO", ["ceo", "coo", "cmo", "cfo"]),
    ("a crown and across the board", []),
])
def test_find_roles(text: str, roles: list[str]) -> None:
    assert find_roles(text) == roles


def test_synonyms_tokenize_alike() -> None:
    assert tokenize("vice president of sales salary") == tokenize("VP Sales compensation") == ["vpsales", "salary"]
    assert tokenize("a CRO's resume") == tokenize("a CRO's CV") == tokenize("a CRO's experience")
    assert tokenize("any gotchas?") == tokenize("any drawbacks?")


def test_how_much_means_pay() -> None:
    assert "salary" in tokenize("How much does a CRO take home?", query=True)
    assert "salary" not in tokenize("How much does a CRO take home?")
    assert "salary" in tokenize("how much OTE can a vp sales pull in?", query=True)
    # other things that come in amounts are not pay
    assert "salary" not in tokenize("how much PTO do VPs of sales get?", query=True)
    assert "salary" not in tokenize("how much travel is expected of a CRO?", query=True)


def test_canonical_names_for_the_encoder() -> None:
    assert canonicalize_roles("and the CRO?", "name") == "and the Chief Revenue Officer (CRO)?"


def test_repair_spelling_uses_the_corpus_vocabulary() -> None:
    vocab = frozenset({"chief", "revenue", "officer", "salary"})
    # (a repaired word keeps its capital, so a mistyped name is still a name: "Saalesforce")
    assert repair_spelling("Cheif Revenue Oficer salery", vocab) == "Chief Revenue Officer salary"
    assert repair_spelling("SALERY", vocab) == "SALARY"
    assert repair_spelling("France", vocab) == "France"
    # a question word with a letter left out; short words that are English, or capitals, stay
    assert repair_spelling("wht does a CSO do", vocab) == "what does a CSO do"
    assert repair_spelling("whn should we hire", vocab) == "when should we hire"
    assert repair_spelling("the CFO and the web team", vocab) == "the CFO and the web team"


@pytest.mark.parametrize("typed, repaired", [
    # "coah" is one slip from "coat" and "coach": the articles' "coaching" makes it "coach"
    ("who does the CRO coah", "who does the CRO coach"),
    # not a word of the articles: the commonest English word one slip away (five letters or more)
    ("any downsudes", "any downsides"),
    ("gooing with a CSO", "going with a CSO"),
    # two slips in a long word, and an ending on a rare base is no word ("priing" is not "pri"-ing)
    ("what do they acttualy do", "what do they actually do"),
    ("does the CRO set priing", "does the CRO set pricing"),
    # a rare word one slip from a word that frames questions; abbreviations and real words stay
    ("how abut the CSO", "how about the CSO"),
    ("our big accts", "our big accts"),
    ("ramping up quotas", "ramping up quotas"),
    ("the diff", "the diff"),
])
def test_one_slip_prefers_a_corpus_word_then_the_commonest_english_one(typed: str, repaired: str) -> None:
    assert repair_spelling(typed, frozenset({"coaching", "pricing", "report"})) == repaired


def test_a_slip_the_keyboard_makes_likely_wins_between_two_words_one_slip_away() -> None:
    vocabulary = frozenset({"teams", "terms", "scale", "sale", "sales"})
    # "a" hit as its neighbour "s" (not "r" for "s"), and two letters swapped (not a "c" slipped in)
    assert repair_spelling("the same tesms as the CRO", vocabulary) == "the same teams as the CRO"
    assert repair_spelling("when sales ops need to sacle", vocabulary) == "when sales ops need to scale"


def test_contractions_are_not_typos() -> None:
    from service.lexicon import repair_spelling

    vocabulary = frozenset({"does", "have", "chief", "revenue", "officer"})
    assert repair_spelling("if a company doesn't have a Cheif Revenue Officer", vocabulary) == \
        "if a company doesn't have a Chief Revenue Officer"


def test_domain_abbreviations_are_spelled_out() -> None:
    from service.lexicon import expand_abbreviations

    assert expand_abbreviations("who owns GTM?") == "who owns GTM (go-to-market)?"
    assert expand_abbreviations("does the CSO work w finance") == "does the CSO work with finance"
    assert expand_abbreviations("what is a great VP?") == "what is a great VP?"
    assert expand_abbreviations("interviews w/ ICs") == "interviews with ICs (individual contributors)"
    # words set side by side with slashes are each spelled out; "and/or", "w/o" stay words of their own
    assert expand_abbreviations("the vps (sales/mktg/cs)") == "the vps (sales, marketing, cs (customer success))"
    assert expand_abbreviations("sales and/or marketing w/o a CRO") == "sales and/or marketing without a CRO"
    assert expand_abbreviations("does the CRO own the P n L") == "does the CRO own the P&L"
    assert expand_abbreviations("worried abt churn") == "worried about churn"
    assert expand_abbreviations("a CSO w/o a CRO") == "a CSO without a CRO"
    assert expand_abbreviations("what xp for x-functional collab on the org chart") == \
        "what experience for cross-functional collaboration on the reporting structure"
    assert expand_abbreviations("pay incl bonus for new logos in new mkts") == (
        "pay including bonus for new sales in new markets")
    assert expand_abbreviations("day2day at a hypergrowth startup") == "day-to-day at a high-growth startup"
    assert expand_abbreviations("is the CRO in M&A?") == "is the CRO in M&A (mergers and acquisitions)?"
    assert expand_abbreviations("is it a c-level role?") == "is it a c-level (C-suite) role?"
    assert expand_abbreviations("who handles our biggest accts?") == "who handles our biggest accts (top customers)?"
    assert expand_abbreviations("do account executives report to the VP?") == "do account executives report to the VP?"


def test_real_english_words_are_not_repaired() -> None:
    from service.lexicon import repair_spelling

    vocabulary = frozenset({"annually", "over", "salary", "officer"})
    assert repair_spelling("what does it actually cover", vocabulary) == "what does it actually cover"
    assert repair_spelling("whats the salery", vocabulary) == "whats the salary"


def test_mistyped_question_words_are_repaired_but_real_words_in_their_place_are_not() -> None:
    from service.lexicon import repair_spelling

    vocabulary = frozenset({"sales", "officer", "years", "experience", "pay"})
    # "dose" is English, but "what dose a CSO do" means "does": an auxiliary's letters swapped before its subject
    assert repair_spelling("what dose a CSO do", vocabulary) == "what does a CSO do"
    assert repair_spelling("wich one pays more", vocabulary) == "which one pays more"
    assert repair_spelling("five years of experience", vocabulary) == "five years of experience"
    assert repair_spelling("what form of pay", vocabulary) == "what form of pay"
    assert repair_spelling("when a CSO resigns", frozenset({"designs"})) == "when a CSO resigns"  # "resign" + s
    # a common word mistyped is repaired to it, so it is not taken for an unknown topic
    assert repair_spelling("what does a CSO actualy do", vocabulary) == "what does a CSO actually do"


def test_informal_role_names_and_unknown_titles() -> None:
    from service.answering import _unknown_titles
    from service.lexicon import find_roles

    assert find_roles("ask the chief revenue guy about pricing") == ["cro"]
    assert find_roles("the chief sales exec") == ["cso"]
    assert find_roles("why does the revenue officer need that?") == ["cro"]
    # a bare "VP" set beside a chief is the VP of Sales; not an EVP, not another VP
    assert find_roles("VP or CSO?") == ["vpsales", "cso"] and find_roles("a CRO or VP?") == ["cro", "vpsales"]
    assert find_roles("EVP or CRO") == ["cro"] and find_roles("the VP of Marketing or the CSO") == ["cso"]
    assert find_roles("our sales officer and the vice president of sales") == ["cso", "vpsales"]
    assert _unknown_titles("What does a Chief Data Officer do?") == ["Chief Data Officer"]
    assert _unknown_titles("what does a CDO do") == ["CDO"]
    assert _unknown_titles("What does the Chief Revenue Officer do with the CFO?") == []


def test_heads_of_other_functions_are_unknown_titles() -> None:
    from service.answering import _unknown_heads

    assert _unknown_heads("what does a VP of Marketing do?") == ["VP of Marketing"]
    assert _unknown_heads("who does the head of engineering report to") == ["head of engineering"]
    assert _unknown_heads("VP Product responsibilities?") == ["VP Product"]
    assert _unknown_heads("Director, Finance pay?") == ["Director, Finance"]
    # the lexicon's roles, sales itself and words that name no function are no unknown title
    for known in ("who is the head of sales?", "what does a VP of Sales do", "the head of revenue's pay",
                  "VP or CSO?", "head of the department", "VP level pay"):
        assert _unknown_heads(known) == [], known


def test_kpis_and_metrics_are_one_token() -> None:
    from service.lexicon import expand_abbreviations, tokenize

    assert set(tokenize(expand_abbreviations("which KPIs matter"))) >= {"metric"}
    assert "indic" not in tokenize(expand_abbreviations("which KPIs matter"))  # not three words of one concept
    assert tokenize("the metrics") == tokenize("the KPIs")


def test_c_suite_is_one_word() -> None:
    from service.lexicon import tokenize

    # its "suite" is no "suited" ("Suited for mid-sized or growing companies")
    assert tokenize("the C-suite") == tokenize("the c-suite") and len(tokenize("the C-suite")) == 1
    assert not set(tokenize("Member of the C-suite")) & set(tokenize("Suited for mid-sized companies"))


def test_ampersand_abbreviations_are_one_word() -> None:
    from service.lexicon import tokenize

    assert "p&l" in tokenize("Who carries the P&L?") and "m&a" in tokenize("M&A deals")


def test_duties_and_responsibilities_are_one_term() -> None:
    assert tokenize("the duties of a CSO") == tokenize("the responsibilities of a CSO")
    assert tokenize("who pays more") == tokenize("who is paid more")


def test_the_vp_alone_is_the_vp_of_sales_but_not_other_vps() -> None:
    assert find_roles("and what about the VP?") == ["vpsales"]
    assert find_roles("does our VP report to the CRO?") == ["vpsales", "cro"]
    assert find_roles("the VP of Marketing") == [] and find_roles("a Senior VP") == []
    assert canonicalize_roles("our VP Sales", "name") == "our Vice President (VP) of Sales"


def test_chat_shorthand_for_should_and_what_is_spelled_out() -> None:
    from service.lexicon import expand_abbreviations
    assert expand_abbreviations("who shd our CSO work with, wat about the CMO?") == (
        "who should our CSO work with, what about the CMO?")


def test_rolling_up_under_someone_is_a_reporting_line() -> None:
    from service.lexicon import ANSWERS_TO

    assert ANSWERS_TO.search("does marketing roll up under the CRO?")
    assert ANSWERS_TO.search("which teams fall under a CSO")
    assert ANSWERS_TO.search("who is the CSO accountable to?")
    assert not ANSWERS_TO.search("how do we roll out a new comp plan?")


def test_answering_to_someone_is_a_reporting_line() -> None:
    assert "report" in tokenize("who does the CSO answer to?", query=True)
    assert "report" not in tokenize("what is the answer to the pricing question?", query=True)


def test_word_families_the_stemmer_leaves_apart() -> None:
    from service.lexicon import same_family

    assert same_family("incent", "incentiv") and same_family("strategi", "strateg")
    assert not same_family("sal", "salary")  # too short to be a family
    assert not same_family("market", "margin")


def test_what_could_go_wrong_asks_for_drawbacks() -> None:
    assert "drawback" in tokenize("what could go wrong with a CRO?", query=True)
    assert "drawback" in tokenize("what's the toughest part of having a CSO?", query=True)


def test_a_main_goal_is_read_as_the_objectives() -> None:
    assert tokenize("what's the CRO's main goal?", query=True)[-1] == tokenize("Objectives")[0]


def test_a_stated_reporting_line_reads_who_reports_to_whom() -> None:
    from service.lexicon import stated_line
    assert stated_line("Typically, the CSO would report to the CRO, ensuring alignment.") == ("cso", "cro")
    assert stated_line("does the CRO report to the CSO?") == ("cro", "cso")
    assert stated_line("The CRO also has P&L responsibilities.") is None


def test_inflected_forms_of_group_words_fold_into_the_group() -> None:
    # "Recruiting and retaining senior-level leadership" is found by "does the CRO recruit?"
    assert tokenize("Recruiting")[0] == tokenize("recruit", query=True)[0] == "hire"
    assert tokenize("measurement") == ["metric"]
    # other words that merely start like one do not: a sales method, an adverb
    assert tokenize("Challenger") != ["drawback"] and tokenize("hardly") != ["drawback"]


def test_rev_ops_and_tech_are_spelled_out() -> None:
    from service.lexicon import expand_abbreviations

    assert expand_abbreviations("the cro's job re: rev ops and tech?") == (
        "the cro's job about revenue operations and technology?")


def test_a_word_cut_short_of_its_last_letter_is_the_corpus_word() -> None:
    vocabulary = frozenset(["chief", "revenue", "officer", "manage", "managers"])
    assert repair_spelling("wats a chief revenu officer", vocabulary) == "wats a chief revenue officer"
    assert repair_spelling("who do they manag", vocabulary) == "who do they manage"
    assert repair_spelling("the CRO's revenue", vocabulary) == "the CRO's revenue"


def test_opportunities_in_sales_shorthand_are_spelled_out() -> None:
    from service.lexicon import expand_abbreviations

    assert expand_abbreviations("filling it with qualified opps") == "filling it with qualified opportunities"


def test_an_ing_word_with_its_g_dropped_is_repaired() -> None:
    vocabulary = frozenset(["sales", "officer"])
    assert repair_spelling("downsides of havin a CSO?", vocabulary) == "downsides of having a CSO?"
    assert repair_spelling("what about the cabin", vocabulary) == "what about the cabin"  # a word of its own


def test_an_amount_is_one_token_however_written() -> None:
    assert tokenize("$500,000 a year")[0] == tokenize("~500k")[0] == tokenize("500K")[0] == "500k"
    assert tokenize("$410,064") == tokenize("410k") == ["410k"]
    # a year or a count is no amount
    assert tokenize("in 2023") == ["2023"] and tokenize("90 days") == ["90", "day"]


def test_a_slip_whose_stem_is_a_corpus_words_is_still_a_slip() -> None:
    vocabulary = frozenset({"different", "difference", "operations"})
    # "differeence" stems like "different" but is no English word: a letter doubled
    assert repair_spelling("what's the differeence?", vocabulary) == "what's the difference?"
    # an English word sharing a corpus word's stem is spelled right
    assert repair_spelling("the operating side", vocabulary) == "the operating side"


def test_projections_and_predictions_are_forecasts() -> None:
    assert tokenize("projections") == tokenize("forecasting") == tokenize("predict")


def test_what_a_role_fits_is_what_it_is_suited_or_ideal_for() -> None:
    assert tokenize("fit") == tokenize("suited") == tokenize("ideal")


def test_a_package_is_pay() -> None:
    assert tokenize("package") == tokenize("packages") == tokenize("salary")


def test_main_and_primary_are_one_word() -> None:
    # (a "main focus" is the "Primary focus" row of a comparison table)
    assert tokenize("main") == tokenize("primary") == tokenize("primarily") == tokenize("mainly")


def test_biggest_customers_are_the_articles_top_customers() -> None:
    from service.lexicon import expand_abbreviations
    assert "top customers" in expand_abbreviations("does the CSO deal with our biggest customers?")
    # the articles' own "key customers" stays as it is
    assert "top customers" not in expand_abbreviations("who handles key customers?")
