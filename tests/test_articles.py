"""The source article page: sanitized Markdown, the cited passage marked, page access rules, citation URLs."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from service.api import create_app
from service.articles import article_url, render_article
from service.assistant import Assistant
from service.chunking import chunk_article
from service.config import Settings
from service.corpus import Article, load_corpus
from tests.conftest import FIXTURE_CORPUS, serve

TEXT = """# Title

Intro <script>alert(1)</script> with [a link](javascript:alert(1)) and [a good one](https://example.com).

<img src=x onerror=alert(1)>

## Section

- first item
- second item

| Role | Pay |
|---|---|
| CRO | $300k |
| CSO | $250k |

Closing words.
"""


def _article() -> Article:
    return Article(id="t", title="Title", text=TEXT)


def test_raw_html_and_script_links_are_never_passed_through() -> None:
    html = render_article(_article())
    assert "<script" not in html and "<img" not in html  # shown as text, never as tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html and '<a href="https://example.com">a good one</a>' in html
    assert "<h2>Section</h2>" in html and "<table>" in html


def test_the_cited_chunk_is_marked_once_with_the_passage_id() -> None:
    article = _article()
    chunks = chunk_article(article)
    for chunk in chunks:
        html = render_article(article, chunk)
        assert html.count('id="passage"') == 1, chunk
        cited = re.findall(r'<(\w+) class="cited"[^>]*>(.*?)</\1>', html, re.S)
        marked = " ".join(re.sub(r"<[^>]+>", " ", inner) for _, inner in cited)
        visible = re.sub(r"<[^>]+>", " ", html)
        for word in re.findall(r"[A-Za-z]{5,}", chunk.text):
            assert word in marked or word not in visible, (word, chunk.text, html)
    row = next(c for c in chunks if "CSO" in c.text and "$250k" in c.text)
    html = render_article(article, row)
    assert re.search(r'<tr class="cited"[^>]*>\s*<td>CSO</td>', html)


def test_article_page_highlights_the_passage_and_unknown_ids_are_404(fake_settings: Settings,
                                                                     fake_assistant: Assistant) -> None:
    chunk = next(c for c in chunk_article(load_corpus(FIXTURE_CORPUS)[0]) if "coach managers" in c.text)
    with TestClient(create_app(fake_settings, fake_assistant)) as client:
        page = client.get(article_url("alpha", chunk.id).split("#")[0])
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert 'class="cited" id="passage"' in page.text and "Sales Leaders at a Glance" in page.text
        assert "content-security-policy" in page.headers
        plain = client.get("/articles/alpha")
        assert plain.status_code == 200 and 'class="cited"' not in plain.text
        # a chunk of another article, or none at all, marks nothing
        assert 'class="cited"' not in client.get("/articles/beta", params={"chunk": chunk.id}).text
        assert 'class="cited"' not in client.get("/articles/alpha", params={"chunk": "nope#1"}).text
        for missing in ("/articles/nope", "/articles/..%2Fsecrets", "/articles/%00"):
            r = client.get(missing)
            assert r.status_code == 404 and "Article not found" in r.text, missing


def test_citations_keep_the_source_file_and_gain_the_article_url(fake_settings: Settings,
                                                                 fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as client:
        data = client.post("/api/answer", json={"question": "How much does a VP of Sales earn?"}).json()
        assert data["citations"]
        for c in data["citations"]:
            assert c["source"] == "tests/fixtures"
            assert c["url"] == article_url(c["article_id"], c["chunk_id"])
            assert c["url"].startswith(f"/articles/{c['article_id']}?chunk=") and c["url"].endswith("#passage")
            assert client.get(c["url"].split("#")[0]).status_code == 200
        page = client.get(f"/?c={data['conversation_id']}")  # the chat page links every source there (own turn)
        tok = re.search(r'name="csrf-token" content="(\w+)"', page.text).group(1)  # type: ignore[union-attr]
        turn = client.post("/web/answer", json={"question": "How much does a VP of Sales earn?"},
                           headers={"X-CSRF-Token": tok}).json()
        links = re.findall(r'class="open-article" href="([^"]+)"', turn["html"])
        assert len(links) == len(turn["citations"]) and links[0].startswith("/articles/")


def test_article_page_obeys_page_access(fake_settings: Settings, fake_assistant: Assistant) -> None:
    from service.cli import proxy_options

    off = fake_settings.model_copy(update={"page_access": "off"})
    with TestClient(create_app(off, fake_assistant)) as client:
        assert client.get("/articles/alpha").status_code == 404
        assert "Sales Leaders" not in client.get("/articles/alpha").text
    proxied = fake_settings.model_copy(update={"page_access": "proxy", "trusted_proxies": ["127.0.0.1"]})
    with serve(create_app(proxied, fake_assistant), **proxy_options(proxied)) as url:
        assert httpx.get(f"{url}/articles/alpha").status_code == 403
        ok = httpx.get(f"{url}/articles/alpha", headers={"X-Forwarded-Email": "ann@example.com"})
        assert ok.status_code == 200 and "Sales Leaders" in ok.text
    keyed = fake_settings.model_copy(update={"api_keys": ["k"]})
    with TestClient(create_app(keyed, fake_assistant)) as client:
        assert client.get("/articles/alpha").status_code == 200  # a page, like the chat page: no API key


def test_every_chunk_of_the_real_corpus_is_marked_on_its_page() -> None:
    from tests.conftest import REAL_CORPUS

    for article in load_corpus(REAL_CORPUS):
        html = render_article(article)
        visible = re.sub(r"<[^>]+>", " ", html)
        for chunk in chunk_article(article):
            page = render_article(article, chunk)
            assert page.count('id="passage"') == 1, chunk.id
            marked = " ".join(re.sub(r"<[^>]+>", " ", inner)
                              for _, inner in re.findall(r'<(\w+) class="cited"[^>]*>(.*?)</\1>', page, re.S))
            missing = [w for w in re.findall(r"[A-Za-z]{5,}", chunk.text) if w in visible and w not in marked]
            assert not missing, (chunk.id, missing[:5])


def test_a_missing_corpus_is_a_503_on_the_article_page_and_no_suggestions(fake_settings: Settings,
                                                                          fake_assistant: Assistant,
                                                                          tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = fake_settings.model_copy(update={"corpus_dir": tmp_path / "gone"})
    with TestClient(create_app(settings, fake_assistant)) as client:
        r = client.get("/articles/alpha")
        assert r.status_code == 503 and "ROLEQA_CORPUS_DIR" in r.json()["detail"]
        tok = re.search(r'csrf-token" content="(\w+)', client.get("/").text).group(1)  # type: ignore[union-attr]
        data = client.post("/web/answer", json={"question": "How much does a VP of Sales earn?"},
                           headers={"X-CSRF-Token": tok})
        assert data.status_code == 200 and 'class="suggestion"' not in data.json()["html"]
