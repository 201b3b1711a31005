"""Answer units: list items with their lead-in, table rows with their role columns, FAQ answers
with their question; spans are exact."""

from pathlib import Path

from service.chunking import chunk_article
from service.corpus import load_corpus
from service.lexicon import strip_roles
from service.units import aspect_text, build_units, is_pronoun_led, linearize_row

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"


def _units():  # type: ignore[no-untyped-def]
    articles = load_corpus(FIXTURES)
    chunks = [c for a in articles for c in chunk_article(a)]
    return articles, chunks, build_units(chunks)


def _units_of(folder: Path, body: str):  # type: ignore[no-untyped-def]
    """The units of one article with `body` under its title, written to `folder`."""
    (folder / "t.md").write_text('---\nid: t\ntitle: "T"\nauthor: "T"\nsource: "t"\npublished: "2024-01-02"\n---\n\n'
                                 f"# T\n\n{body}", encoding="utf-8")
    return build_units([c for a in load_corpus(folder) for c in chunk_article(a)])


def test_one_unit_per_sentence_with_exact_spans() -> None:
    articles, chunks, units = _units()
    assert len(units) == sum(len(c.sentences) for c in chunks)
    text_of = {a.id: a.text for a in articles}
    for u in units:
        article = text_of[chunks[u.chunk].article_id]
        assert article[u.sentence.start : u.sentence.end] == u.text
        assert article[u.span[0] : u.span[1]].strip()
        assert u.span[0] <= u.sentence.start and u.sentence.end <= u.span[1]


def test_list_items_share_a_list_and_carry_its_lead_in() -> None:
    _, _, units = _units()
    items = [u for u in units if u.kind == "item" and u.text.startswith(("Hire and train", "Forecast bookings"))]
    assert len(items) == 2
    assert items[0].list_id == items[1].list_id >= 0
    assert items[0].context == items[1].context
    assert items[0].context_roles == ("vpsales",)  # from the lead-in or the section heading
    assert items[0].about == ("vpsales",)


def test_faq_answers_carry_their_question_and_rows_their_role_columns() -> None:
    _, chunks, units = _units()
    faq = [u for u in units if u.kind == "faq" and "$" in u.text]
    assert faq and faq[0].context == "How much does a VP of Sales earn?"
    assert faq[0].context_roles == ("vpsales",)
    rows = [u for u in units if u.kind == "row"]
    assert rows and all(u.roles for u in rows)
    assert "Chief" not in aspect_text(rows[0], chunks[rows[0].chunk]).split("|")[0]


def test_strip_roles() -> None:
    assert strip_roles("The VP of Sales reports to the Chief Sales Officer (CSO).") == "The reports to the ."


def test_a_pronoun_led_unit_knows_which_role_it_speaks_of() -> None:
    _, _, units = _units()
    coach = next(u for u in units if u.text.startswith("They coach managers"))
    assert coach.roles == () and coach.subject == "vpsales" and coach.about == ("vpsales",)


def test_a_table_row_reads_as_a_sentence_for_the_encoder() -> None:
    _, chunks, units = _units()
    row = next(u for u in units if u.kind == "row" and u.text.startswith("VP of Sales"))
    chunk = chunks[row.chunk]
    assert linearize_row(chunk, row.text) == "VP of Sales: Reports to: CRO or CSO; Manages: Sales managers."
    assert "|" not in aspect_text(row, chunk) and "CRO or CSO" not in aspect_text(row, chunk)  # roles removed


def test_a_pronoun_stands_for_the_subject_of_the_chain_it_continues(tmp_path: Path) -> None:
    units = [u for u in _units_of(tmp_path, "## Metrics\n\nThe primary metric of the CRO is revenue growth. They must "
                                  "think beyond the VP of Sales. They need to watch the competition.\n")
             if u.kind == "text"]
    beyond = next(u for u in units if u.text.startswith("They must"))
    watch = next(u for u in units if u.text.startswith("They need"))
    # "They must think beyond the VP of Sales": the CRO must, about the VP of Sales
    assert beyond.subject == "cro" and beyond.about == ("cro", "vpsales")
    # the next "They" is still the CRO, not the VP of Sales the previous sentence named
    assert watch.subject == "cro" and watch.about == ("cro",)


def test_a_labelled_item_led_by_a_pronoun_speaks_of_its_sections_role(tmp_path: Path) -> None:
    units = _units_of(tmp_path, "## The Chief Sales Officer\n\nCore duties:\n\n- Customer Relationships: They maintain "
                                "contact with top customers.\n- Forecasting: Setting sales targets.\n")
    item = next(u for u in units if u.text.startswith("Customer Relationships"))
    assert item.subject == "cso" and item.about == ("cso",)
    assert is_pronoun_led(item.text) and not is_pronoun_led("Forecasting: Setting sales targets.")


def test_a_sentence_opening_on_what_is_going_on_states_no_condition() -> None:
    from service.units import conditional
    assert not conditional("When building an effective executive team, many organizations debate between two roles.")
    assert conditional("Consider hiring a CRO if your revenue depends on closely aligning sales and marketing.")
    assert conditional("A CRO is ideal for SaaS, or when entering new markets.")


def test_items_that_open_a_prose_paragraph_are_found_and_bullets_are_not(tmp_path: Path) -> None:
    from service.units import paragraph_items

    (tmp_path / "t.md").write_text(
        '---\nid: t\ntitle: "T"\nauthor: "T"\nsource: "t"\npublished: "2024-01-02"\n---\n\n# T\n\n'
        "## Why hire a CSO\n\nHere are some key benefits of hiring a CSO.\n\n"
        "As businesses grow, sales operations need to scale, and a CSO can take on that responsibility. A CSO will "
        "make expansion plans into new markets.\n\nA CSO makes sure teams have the right tools.\n\n"
        "## Challenges\n\nChallenges with a CSO:\n\n- Limited influence beyond sales. It can hurt.\n"
        "- Siloed approaches.\n", encoding="utf-8")
    chunks = [c for a in load_corpus(tmp_path) for c in chunk_article(a)]
    units = build_units(chunks)
    opening = [units[i].text for i in paragraph_items(units, chunks)]
    # the announced paragraph that goes on in prose is one; the one-sentence paragraph has nothing to go on with,
    # and a bullet's second sentence is part of the item, not prose after it
    assert opening == ["As businesses grow, sales operations need to scale, and a CSO can take on that "
                       "responsibility."], opening


def test_an_item_of_several_sentences_has_the_words_of_all_of_them(tmp_path: Path) -> None:
    units = _units_of(tmp_path, "## Duties\n\nThe VP of Sales does this:\n\n- Build forecasting tools. Report the "
                                "numbers to the board.\n- Coach the reps.\n")
    first, second, third = [u for u in units if u.kind == "item"]
    assert first.span == second.span and first.tokens == second.tokens
    assert {"forecast", "board"} <= first.tokens and "board" not in third.tokens
