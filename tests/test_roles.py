"""Roles as data: corpus/roles.yaml and front matter `roles:` decide which roles are recognized and core."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from service import roles
from service.answering import abstain_message
from service.cli import cli
from service.corpus import CorpusError, RolesError, load_corpus, parse_article
from service.embedding import FakeEncoder
from service.index import IndexStaleError, build_index, load_index
from service.lexicon import CORE_ROLES, ROLES_BY_KEY, canonicalize_roles, find_roles, role_spans, strip_roles
from tests.conftest import FIXTURE_CORPUS, REAL_CORPUS
from tests.test_ingestion import HTML, PDF_LINES, make_pdf

CGO_ARTICLE = """---
id: cgo-basics
title: "The Chief Growth Officer"
roles:
  - name: Chief Growth Officer
    abbreviation: CGO
    synonyms: [head of growth]
---

# The Chief Growth Officer

The Chief Growth Officer (CGO) owns growth across marketing, sales and product. A CGO runs a weekly growth
council, sets one growth target for the company and reports to the chief executive officer. Heads of growth
at smaller firms do the same job with a smaller team and a narrower budget for experiments.
"""


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """The fixture articles (which declare no roles, so the project's roles.yaml applies) plus a CGO article."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, target)
    (target / "cgo-basics.md").write_text(CGO_ARTICLE, encoding="utf-8")
    return target


def index_cli(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ROLEQA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ROLEQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ROLEQA_ENCODER", "fake")
    return CliRunner().invoke(cli, ["index"])


def test_the_projects_roles_yaml_keeps_the_roles_and_wordings() -> None:
    assert set(CORE_ROLES) == {"cro", "cso", "vpsales"}
    assert {"ceo", "cfo", "cto", "chro", "ciso", "cco"} <= set(ROLES_BY_KEY)
    assert find_roles("The revenue guy, the sales chief and a VP Sales meet the CEO's CFO") == [
        "cro", "cso", "vpsales", "ceo", "cfo"]
    assert canonicalize_roles("VPs of Sales report to the CRO", "name") == (
        "Vice President (VP) of Sales report to the Chief Revenue Officer (CRO)")
    assert [k for _, _, k in role_spans("Chief Sales Officer (CSO) vs heads of revenue")] == ["cso", "cro"]
    assert strip_roles("What does a chief revenue exec do?") == "What does a do?"
    assert "Chief Growth Officer" not in abstain_message() and "VPs of Sales" in abstain_message()


def test_a_declared_role_is_recognized_core_and_named_in_the_abstain_message(corpus: Path) -> None:
    found = roles.load_roles(corpus, load_corpus(corpus))
    roles.install(found)
    assert find_roles("What does a CGO do? And the heads of growth's teams?") == ["cgo"]
    assert find_roles("The Chief Growth Officer (CGO) and the CRO") == ["cgo", "cro"]
    assert "cgo" in CORE_ROLES and ROLES_BY_KEY["cgo"].name == "Chief Growth Officer (CGO)"
    assert abstain_message().startswith("Sorry, the articles")
    assert "Chief Growth Officers" in abstain_message() and "Chief Revenue Officers" in abstain_message()
    roles.install(None)
    assert find_roles("What does a CGO do?") == [] and "cgo" not in CORE_ROLES


def test_declaring_a_known_role_makes_it_core_with_its_synonyms(tmp_path: Path) -> None:
    article = parse_article('---\nid: a\ntitle: "A"\nroles:\n  - name: Chief Customer Officer\n'
                            '    abbreviation: CCO\n    synonyms: [customer chief]\n---\n\nText.\n', "a.md")
    found = roles.with_declared(roles.read_corpus_roles(None), [article])
    assert "cco" in found.core and len(found.roles) == 13
    roles.install(found)
    assert find_roles("the customer chief's team") == ["cco"]


def test_the_index_records_its_roles_and_serving_uses_them(corpus: Path, tmp_path: Path) -> None:
    articles = load_corpus(corpus)
    found = roles.load_roles(corpus, articles)
    build_index(articles, FakeEncoder(), tmp_path / "index", roles=found)
    roles.install(None)  # as in a fresh serving process
    index = load_index(tmp_path / "index", FakeEncoder(), articles, found)
    assert "cgo" in CORE_ROLES and index.manifest["roles_hash"] == found.fingerprint()
    assert any("cgo" in u.roles for u in index.units)  # answer units were found with the build's roles
    (corpus / "roles.yaml").write_text("roles:\n  - name: Chief Executive Officer\n    abbreviation: CEO\n")
    with pytest.raises(IndexStaleError, match="roles"):
        load_index(tmp_path / "index", FakeEncoder(), articles, roles.load_roles(corpus, articles))


def test_index_exits_2_naming_file_and_field_for_bad_roles(corpus: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cases = {
        "roles:\n  - name: Chief Growth Officer\n    synonyms: [oops\n": ("roles.yaml", "not valid YAML"),
        "roles:\n  - name: Chief Executive Officer\n    abbreviation: CEO\n  - name: Chief Exec\n    key: ceo\n":
            ("roles.yaml", "roles[1].key: 'ceo' is already the key of roles[0]"),
        "roles:\n  - abbreviation: CDO\n": ("roles.yaml", "roles[0].name: a role needs a name"),
        "roles:\n  - name: Chief Data Officer\n    patterns: ['(unclosed']\n": ("roles.yaml", "roles[0].patterns[0]"),
        "roles:\n  - name: Chief Data Officer\n    coer: true\n": ("roles.yaml", "roles[0].coer: unknown field"),
    }
    for text, (where, message) in cases.items():
        (corpus / "roles.yaml").write_text(text, encoding="utf-8")
        result = index_cli(corpus, tmp_path, monkeypatch)
        assert result.exit_code == 2, result.output
        assert where in result.output and message in result.output and "Traceback" not in result.output
        assert "Hint:" in result.output and not (tmp_path / "index" / "current").exists()


def test_front_matter_role_problems_exit_2(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = {
        "roles:\n  - abbreviation: CGO\n": "cgo-basics.md: roles[0].name: a role needs a name",
        "roles: Chief Growth Officer\n": "cgo-basics.md: roles: expected a list",
        "roles:\n  - name: Chief Commercial Officer\n    abbreviation: CCO\n":
            "cgo-basics.md: roles[0].abbreviation: 'CCO' already stands for Chief Customer Officer (CCO)",
        "roles:\n  - name: Chief Growth Officer\n    synonyms: [head of revenue]\n":
            "roles[0].synonyms[0]: 'head of revenue' already names Chief Revenue Officer (CRO)",
    }
    for declaration, message in cases.items():
        text = CGO_ARTICLE.replace(CGO_ARTICLE[CGO_ARTICLE.index("roles:"):CGO_ARTICLE.index("---\n\n")], declaration)
        (corpus / "cgo-basics.md").write_text(text, encoding="utf-8")
        result = index_cli(corpus, tmp_path, monkeypatch)
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output


def test_two_articles_declaring_one_new_role_share_it(corpus: Path) -> None:
    (corpus / "cgo-more.md").write_text(CGO_ARTICLE.replace("id: cgo-basics", "id: cgo-more")
                                        .replace("synonyms: [head of growth]", "synonyms: [growth chief]"))
    found = roles.load_roles(corpus, load_corpus(corpus))
    assert [r.key for r in found.roles].count("cgo") == 1
    roles.install(found)
    assert find_roles("a head of growth or a growth chief") == ["cgo"]


def test_add_records_roles_given_with_role_and_refuses_bad_ones(corpus: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["add", "--corpus", str(corpus), "--role", "Chief Growth Officer:CGO",
                                      "--id", "cgo-page", str(HTML)])
    assert result.exit_code == 0, result.output
    added = load_corpus(corpus)
    page = next(a for a in added if a.id == "cgo-page")
    assert [(r.name, r.abbreviation) for r in page.roles] == [("Chief Growth Officer", "CGO")]
    bad = CliRunner().invoke(cli, ["add", "--corpus", str(corpus), "--role", "a:b:c", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2 and "NAME:ABBREVIATION" in bad.output
    pdf = make_pdf(tmp_path / "cgo.pdf", PDF_LINES, title="The Chief Growth Officer Explained")
    taken = CliRunner().invoke(cli, ["add", "--corpus", str(corpus), "--role", "Chief Commercial Officer:CCO",
                                     str(pdf)])
    assert taken.exit_code == 2 and "already stands for Chief Customer Officer" in taken.output
    assert not (corpus / "the-chief-growth-officer-explained.md").exists()


def test_a_roles_error_is_a_corpus_error() -> None:
    assert issubclass(RolesError, CorpusError)  # every edge that reports corpus problems reports these too


def test_the_page_intro_names_the_core_roles_of_the_served_index(corpus: Path, tmp_path: Path) -> None:
    from service.api import create_app
    from service.assistant import Assistant
    from service.config import Settings

    articles = load_corpus(corpus)
    build_index(articles, FakeEncoder(), tmp_path / "index", roles=roles.load_roles(corpus, articles))
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", encoder="fake", min_support=0.15,
                        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    with TestClient(create_app(settings, Assistant.load(settings, FakeEncoder()))) as client:
        page = client.get("/").text
    assert "CRO · CSO · VP of Sales · CGO" in page
    assert "from 3 articles about Chief Revenue Officers, Chief Sales Officers, VPs of Sales and Chief Growth " \
           "Officers" in page


@pytest.mark.slow
def test_a_new_role_from_an_html_page_and_a_pdf_answers_with_citations(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The maintainer's two commands, real model, no code change: `roleqa add --role ...` then `roleqa index`."""
    from service.assistant import Assistant
    from service.config import Settings

    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    pdf = make_pdf(tmp_path / "cgo.pdf", PDF_LINES, title="The Chief Growth Officer Explained")
    runner = CliRunner()
    added = runner.invoke(cli, ["add", "--corpus", str(corpus), "--role", "Chief Growth Officer:CGO",
                                str(HTML), str(pdf)])
    assert added.exit_code == 0, added.output
    monkeypatch.setenv("ROLEQA_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ROLEQA_INDEX_DIR", str(tmp_path / "index"))
    built = runner.invoke(cli, ["index"])
    assert built.exit_code == 0, built.output
    roles.install(None)  # the served index, not the build, must bring the roles
    assistant = Assistant.load(Settings())
    new_articles = {"what-is-a-chief-growth-officer", "the-chief-growth-officer-explained"}
    assert new_articles <= set(assistant.index.articles)
    # "what is a CGO?" asks nothing but the role: only a core role answers it
    for question in ("what does a CGO do?", "What is a CGO?", "Who does a Chief Growth Officer report to?"):
        answer = assistant.ask(question)
        assert not answer.abstained, (question, answer.reason)
        assert answer.citations and {c.article_id for c in answer.citations} <= new_articles, answer.citations
    # the old roles still answer from their articles; a question nobody covers names the new core role
    cro = assistant.ask("What does a CRO do?")
    assert not cro.abstained and not {c.article_id for c in cro.citations} & new_articles
    out = assistant.ask("What is the capital of France?")
    assert out.abstained and "Chief Growth Officers" in out.answer
