import pytest

from service.chunking import ChunkerSettings, chunk_article, split_sentences
from service.corpus import load_corpus
from tests.conftest import FIXTURE_CORPUS, REAL_CORPUS


@pytest.mark.parametrize("corpus", [FIXTURE_CORPUS, REAL_CORPUS])
def test_chunk_and_sentence_spans_point_into_the_article(corpus) -> None:  # type: ignore[no-untyped-def]
    for article in load_corpus(corpus):
        chunks = chunk_article(article)
        assert chunks
        for chunk in chunks:
            assert article.text[chunk.start : chunk.end] == chunk.text
            for s in chunk.sentences:
                assert chunk.start <= s.start < s.end <= chunk.end
        assert len({c.id for c in chunks}) == len(chunks)


def test_real_chunks_stay_within_size_and_never_start_with_markup() -> None:
    for article in load_corpus(REAL_CORPUS):
        for chunk in chunk_article(article):
            assert len(chunk.text.split()) <= ChunkerSettings().max_words
            assert not chunk.text.startswith("#")


def test_table_rows_keep_their_header_and_section() -> None:
    alpha = next(a for a in load_corpus(FIXTURE_CORPUS) if a.id == "alpha")
    rows = [c for c in chunk_article(alpha) if c.kind == "table_row"]
    assert [r.text for r in rows] == [
        "VP of Sales | CRO or CSO | Sales managers |",
        "Chief Revenue Officer | CEO or Board | Sales, marketing, customer success |",
    ]
    assert all(r.prefix == "Role | Reports to | Manages |" for r in rows)
    assert all(r.section == "Reporting Lines" for r in rows)
    assert "Reports to" in rows[0].context_text()


def test_faq_answer_keeps_its_question() -> None:
    alpha = next(a for a in load_corpus(FIXTURE_CORPUS) if a.id == "alpha")
    faq = [c for c in chunk_article(alpha) if c.kind == "faq"]
    assert len(faq) == 2
    assert faq[0].text.startswith("How much does a VP of Sales earn?")
    assert "$100,000 and $275,000" in faq[0].text
    assert faq[0].sentences[0].kind == "heading"
    assert faq[0].section == "FAQs"


def test_sections_carry_their_heading_path() -> None:
    article = next(a for a in load_corpus(REAL_CORPUS) if a.id == "cso-cro-vp-sales-differences")
    sections = {c.section for c in chunk_article(article)}
    assert "Vice President (VP) of Sales > Average Salary Range & Compensation Models" in sections


def test_split_sentences_respects_abbreviations() -> None:
    text = "CSOs set pricing, e.g. discounts. Most have 10 years vs. others. Done!"
    spans = split_sentences(text, offset=5)
    assert [text[s - 5 : e - 5] for s, e in spans] == [
        "CSOs set pricing, e.g. discounts.", "Most have 10 years vs. others.", "Done!",
    ]
