from pathlib import Path

import pytest

from service.corpus import CorpusError, hash_corpus, load_corpus, parse_article
from tests.conftest import FIXTURE_CORPUS, REAL_CORPUS


def test_parse_article_reads_front_matter_and_body() -> None:
    article = parse_article('---\nid: a1\ntitle: "T"\nauthor: Ann\n---\n\n# T\n\nBody text.\n')
    assert (article.id, article.title, article.author, article.published) == ("a1", "T", "Ann", None)
    assert article.text == "# T\n\nBody text.\n"


@pytest.mark.parametrize("raw, message", [
    ("# no front matter\n", "missing front matter"),
    ("---\nid: x\n# never closed\n", "not closed"),
    ("---\ntitle: T\n---\ntext\n", "lacks id"),
    ("---\nid: x\ntitle: T\n---\n\n", "no text"),
    ("---\n: [\n---\ntext\n", "not valid YAML"),
])
def test_bad_articles_are_refused_with_a_reason(raw: str, message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        parse_article(raw, "bad.md")


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("---\nid: same\ntitle: T\n---\ntext\n")
    with pytest.raises(CorpusError, match="used by both"):
        load_corpus(tmp_path)


def test_missing_or_empty_corpus_dir(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="no articles"):
        load_corpus(tmp_path)


def test_real_corpus_articles_are_clean() -> None:
    # no article count: a maintainer adds articles (and roles) without touching the tests
    articles = load_corpus(REAL_CORPUS)
    text = "\n".join(a.text for a in articles)
    for chrome in ("Previous", "bloggers like this", "Sign up for", "Try Sales Cloud free", "Related Video"):
        assert chrome not in text
    assert "Reporting To | CEO or COO | CEO or Board |" in text  # tables kept
    assert "### Can a company have both a CRO and a CSO?" in text  # FAQ pairs kept


def test_hash_changes_with_text() -> None:
    articles = load_corpus(FIXTURE_CORPUS)
    changed = [articles[0].__class__(**{**articles[0].__dict__, "text": articles[0].text + "x"})] + articles[1:]
    assert hash_corpus(articles) == hash_corpus(list(reversed(articles)))
    assert hash_corpus(articles) != hash_corpus(changed)
