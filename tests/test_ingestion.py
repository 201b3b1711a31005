"""`roleqa add`: .md/.txt/.html/.pdf files become cleaned corpus articles; refusals exit 2 and write nothing."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from service.cli import cli
from service.corpus import CorpusError, ignored_files, load_corpus, parse_article
from service.ingestion import clean_markdown, reflow_text
from tests.conftest import FIXTURE_CORPUS

INGEST = Path(__file__).parent / "fixtures" / "ingest"
HTML = INGEST / "cgo-page.html"
TXT = INGEST / "chief-of-staff-notes.txt"


def make_pdf(path: Path, lines: list[str], title: str | None = None) -> Path:
    """A one-page PDF whose text is `lines` (Helvetica), made with pypdf so no fixture binary is needed."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 740 Td"]
    ops += ["(" + ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*" for ln in lines]
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops + ["ET"]).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title, "/Author": "Sam Lee"})
    writer.write(path)
    return path


PDF_LINES = ["The Chief Growth Officer Explained", "",
             "A Chief Growth Officer (CGO) owns growth across marketing, sales and",
             "product. Most CGOs report to the chief executive officer and sit on the",
             "executive team. The CGO runs a growth council that meets every week.",
             "What a CGO does",
             "- Owning the growth model",
             "- Running experi-", "ments across the funnel"]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A throwaway corpus with the two fixture articles (never the real corpus/)."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, target)
    return target


def add(corpus: Path, *args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["add", "--corpus", str(corpus), *map(str, args)])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_html_page_keeps_the_article_and_drops_page_chrome(corpus: Path) -> None:
    result = add(corpus, HTML)
    assert result.exit_code == 0, result.output
    assert "roleqa index" in result.output
    path = corpus / "what-is-a-chief-growth-officer.md"
    article = parse_article(path.read_text(encoding="utf-8"), str(path))
    assert (article.id, article.title, article.author, article.published) == (
        "what-is-a-chief-growth-officer", "What Is a Chief Growth Officer?", "Jane Doe", "2025-04-17")
    assert article.source == "https://example.com/blog/chief-growth-officer"
    for chrome in ("About us", "Pricing", "newsletter", "All rights reserved", "Cookie", "Share this", "Next post"):
        assert chrome not in article.text
    assert article.text.startswith("# What Is a Chief Growth Officer?\n\n")
    assert "## What does a CGO do?" in article.text
    assert "- Running experiments across the funnel" in article.text
    assert "Role | Base salary |\n---|---|\nCGO | $250,000 |" in article.text  # the corpus's table style
    assert article.text.count("What Is a Chief Growth Officer?") == 1


def test_pdf_lines_become_paragraphs_headings_and_items(corpus: Path, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "cgo.pdf", PDF_LINES, title="The Chief Growth Officer Explained")
    result = add(corpus, pdf)
    assert result.exit_code == 0, result.output
    text = (corpus / "the-chief-growth-officer-explained.md").read_text(encoding="utf-8")
    assert 'author: "Sam Lee"' in text and 'source: "cgo.pdf"' in text
    assert ("A Chief Growth Officer (CGO) owns growth across marketing, sales and product. Most CGOs report to "
            "the chief executive officer and sit on the executive team.") in text
    assert "\n## What a CGO does\n" in text
    assert "- Running experiments across the funnel\n" in text  # hyphenation at the line break undone
    assert text.count("The Chief Growth Officer Explained") == 2  # front matter title and the one '# ' heading


def test_txt_title_from_its_first_line_wrapped_lines_joined_chrome_dropped(corpus: Path) -> None:
    result = add(corpus, TXT)
    assert result.exit_code == 0, result.output
    article = parse_article((corpus / "the-sales-chief-of-staff.md").read_text(encoding="utf-8"))
    assert article.title == "The Sales Chief of Staff" and article.source == "chief-of-staff-notes.txt"
    assert "runs the operating rhythm of the sales organization: the weekly" in article.text
    assert "The role is a multiplier for the CRO's time." in article.text
    assert "- Following up on decisions taken in the leadership meeting\n\nMost sales chiefs" in article.text
    assert "Previous" not in article.text and "\nNext" not in article.text


def test_markdown_keeps_its_front_matter_fields(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "cgo.md"
    words = " ".join(["The CGO owns the growth model and reports to the CEO."] * 4)
    source.write_text('---\nid: "cgo-guide"\ntitle: "A CGO Guide"\nauthor: "Ann"\nroles:\n  - name: Chief Growth '
                      f'Officer\n    abbreviation: CGO\n---\n\n# A CGO Guide\n\n{words}\n\nSubscribe to our '
                      f'newsletter\n\n## Next steps\n\nHire one.\n', encoding="utf-8")
    result = add(corpus, source)
    assert result.exit_code == 0, result.output
    text = (corpus / "cgo-guide.md").read_text(encoding="utf-8")
    article = parse_article(text)
    assert (article.id, article.title, article.author) == ("cgo-guide", "A CGO Guide", "Ann")
    assert "roles:\n- name: Chief Growth Officer\n  abbreviation: CGO\n" in text
    assert "newsletter" not in article.text and "## Next steps" in article.text  # chrome only, not a heading


def test_added_articles_are_indexed_and_found(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.assistant import Assistant
    from service.config import Settings
    from service.embedding import FakeEncoder

    pdf = make_pdf(tmp_path / "cgo.pdf", PDF_LINES, title="The Chief Growth Officer Explained")
    assert add(corpus, HTML, pdf).exit_code == 0
    monkeypatch.setenv("ROLEQA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ROLEQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ROLEQA_ENCODER", "fake")
    built = CliRunner().invoke(cli, ["index"])
    assert built.exit_code == 0, built.output
    assert "Indexing 4 articles" in built.output and "warning" not in built.output
    assistant = Assistant.load(Settings(), FakeEncoder())
    _, passages = assistant.search("growth council that meets every week", k=3, mode="bm25")
    assert passages[0].chunk.article_id == "the-chief-growth-officer-explained"


def test_empty_file_is_refused_with_exit_2_and_nothing_written(corpus: Path, tmp_path: Path) -> None:
    empty, chrome_only = tmp_path / "empty.txt", tmp_path / "chrome.html"
    empty.write_text("")
    chrome_only.write_text("<html><body><nav><a href='/'>Home</a></nav><p>Subscribe to our newsletter</p>"
                           "<footer>All rights reserved.</footer></body></html>")
    before = snapshot(corpus)
    result = add(corpus, empty, chrome_only)
    assert result.exit_code == 2, result.output
    assert "empty.txt: no text left" in result.output and "chrome.html: no text left" in result.output
    assert "Hint:" in result.output and "Traceback" not in result.output
    assert snapshot(corpus) == before


def test_duplicates_are_refused_and_nothing_is_overwritten(corpus: Path, tmp_path: Path) -> None:
    assert add(corpus, HTML).exit_code == 0
    before = snapshot(corpus)
    again = add(corpus, HTML)  # same name
    assert again.exit_code == 2 and "already exists" in again.output and "--id" in again.output
    copy = tmp_path / "copy.html"
    copy.write_bytes(HTML.read_bytes())
    same_text = add(corpus, "--id", "another-name", copy)  # another name, same content
    assert same_text.exit_code == 2
    assert "same text is already in the corpus" in same_text.output and "what-is-a-chief-growth-officer" in \
        same_text.output
    twice = add(corpus, TXT, TXT)  # a duplicate inside one batch
    assert twice.exit_code == 2 and "already exists" in twice.output
    assert snapshot(corpus) == before


def test_existing_article_id_is_refused_even_under_another_file_name(corpus: Path, tmp_path: Path) -> None:
    alpha_id = load_corpus(corpus)[0].id
    result = add(corpus, "--id", alpha_id, TXT)
    assert result.exit_code == 2 and f"{alpha_id!r} already exists" in result.output


def test_non_utf8_text_is_refused_with_a_hint(corpus: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Die Vertriebsleiterin f\u00fchrt das Team. ".encode("cp1252") * 10)
    before = snapshot(corpus)
    result = add(corpus, latin)
    assert result.exit_code == 2
    assert "latin.txt: not UTF-8 text (byte 0xfc" in result.output and "iconv" in result.output
    assert "Traceback" not in result.output and snapshot(corpus) == before


def test_bad_inputs_exit_2(corpus: Path, tmp_path: Path) -> None:
    doc = tmp_path / "memo.docx"
    doc.write_text("x")
    assert "unsupported file type .docx" in (r := add(corpus, doc)).output and r.exit_code == 2
    assert "no such file" in (r := add(corpus, tmp_path / "missing.txt")).output and r.exit_code == 2
    assert "one PATH" in (r := add(corpus, "--id", "x", HTML, TXT)).output and r.exit_code == 2
    assert "cannot be an article id" in (r := add(corpus, "--id", "Bad Id!", TXT)).output and r.exit_code == 2
    assert "does not exist" in (r := add(tmp_path / "nope", TXT)).output and r.exit_code == 2
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    assert "not a readable PDF" in (r := add(corpus, broken)).output and r.exit_code == 2


def test_index_warns_about_files_it_ignores(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus / "sub").mkdir()
    (corpus / "sub" / "nested.md").write_text("---\nid: n\ntitle: N\n---\ntext\n")
    (corpus / "SHOUT.MD").write_text("---\nid: s\ntitle: S\n---\ntext\n")
    shutil.copy(HTML, corpus / "page.html")
    (corpus / ".gitkeep").write_text("")
    (corpus / "README.md").write_text("how to add")
    assert [p.name for p, _ in ignored_files(corpus)] == ["SHOUT.MD", "page.html", "sub"]
    monkeypatch.setenv("ROLEQA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ROLEQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ROLEQA_ENCODER", "fake")
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 0, result.output
    assert "warning: ignoring" in result.output
    assert "SHOUT.MD: the extension is .MD; rename it to SHOUT.md" in result.output
    assert "page.html: not Markdown; convert it with `roleqa add" in result.output
    assert "sub: a folder" in result.output and ".gitkeep" not in result.output


def test_non_utf8_article_in_the_corpus_is_a_corpus_error(corpus: Path) -> None:
    (corpus / "latin.md").write_bytes("---\nid: l\ntitle: T\n---\nf\u00fchrt\n".encode("cp1252"))
    with pytest.raises(CorpusError, match=r"latin.md: not UTF-8 text .*re-save it as UTF-8"):
        load_corpus(corpus)


@pytest.mark.parametrize("line, dropped", [
    ("Previous", True), ("Next post: How to hire an SDR", True), ("3 bloggers like this:", True),
    ("Subscribe to our newsletter", True), ("Try Sales Cloud free", True), ("## Related posts", True),
    ("## Next steps", False), ("A CRO is next in line for the CEO job.", False),
    ("Sales leaders who write a weekly newsletter to the whole company keep the team aligned on goals and "
     "priorities.", False),
])
def test_chrome_lines(line: str, dropped: bool) -> None:
    assert (clean_markdown(f"Body.\n\n{line}\n") == "Body.\n") is dropped


def test_reflow_keeps_list_items_apart_from_a_following_paragraph() -> None:
    text = reflow_text("Intro line that ends\nhere.\n- first item\n- second\nitem wrapped\nA New Paragraph.\n")
    assert text == "Intro line that ends here.\n\n- first item\n- second item wrapped\n\nA New Paragraph.\n"


def test_the_first_article_of_a_new_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "new-corpus"
    corpus.mkdir()
    (corpus / "README.md").write_text("# How to add articles\n")
    result = add(corpus, TXT)
    assert result.exit_code == 0, result.output
    assert [a.id for a in load_corpus(corpus)] == ["the-sales-chief-of-staff"]
