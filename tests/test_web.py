"""The chat page: server-rendered fallback over HTTP, and the full flow in real Chromium."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from tests.conftest import SHOTS, page_token


def test_page_renders_and_escapes(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as client:
        page = client.get("/")
        assert page.status_code == 200 and "Ask about sales leadership roles" in page.text
        assert "<script>" not in page.text.split("</head>")[1]  # no inline script in the body
        assert 'src="/static/app.js"' in page.text
        assert client.get("/static/app.css").status_code == 200


def test_no_javascript_form_flow(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as client:
        tok = page_token(client)
        refused = client.post("/chat", data={"question": "How much does a VP of Sales earn?"}, follow_redirects=False)
        assert refused.status_code == 403  # a form post without the page token (cross-site forgery)
        first = client.post("/chat", data={"question": "How much does a VP of Sales earn?", "csrf_token": tok},
                            follow_redirects=False)
        assert first.status_code == 303
        cid = re.search(r"c=([0-9a-f]+)", first.headers["location"]).group(1)  # type: ignore[union-attr]
        page = client.get(f"/?c={cid}")
        assert "$100,000" in page.text and 'class="source"' in page.text and "<mark>" in page.text
        client.post("/chat", data={"question": "And the CRO?", "conversation_id": cid, "csrf_token": tok})
        page = client.get(f"/?c={cid}")
        assert "Understood as:" in page.text
        xss = client.post("/chat", data={"question": "<script>alert(1)</script> CRO?", "conversation_id": cid,
                                         "csrf_token": tok})
        assert "<script>alert(1)</script>" not in xss.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in xss.text
        empty = client.post("/chat", data={"question": "  ", "conversation_id": cid, "csrf_token": tok})
        assert empty.status_code == 422 and "Please type a question." in empty.text
        nul = client.post("/chat", data={"question": "CRO\x00 pay?", "conversation_id": cid, "csrf_token": tok})
        assert nul.status_code == 422 and "control characters" in nul.text and "CRO pay?" in nul.text
        fb = client.post("/chat/feedback", data={"conversation_id": cid, "turn": "1", "rating": "up",
                                                 "csrf_token": tok}, follow_redirects=False)
        assert fb.status_code == 303
        session = client.cookies["roleqa_session"].split(".")[0]
        assert client.app.state.store.for_owner(f"web:{session}").feedback_count(cid) == 1  # type: ignore[attr-defined]


def test_conversations_belong_to_their_browser(fake_settings: Settings, fake_assistant: Assistant) -> None:
    app = create_app(fake_settings, fake_assistant)
    with TestClient(app) as owner, TestClient(app) as other:
        landing = owner.get("/")
        assert "HttpOnly" in landing.headers["set-cookie"] and "SameSite=Lax" in landing.headers["set-cookie"]
        first = owner.post("/chat", data={"question": "How much does a VP of Sales earn?",
                                          "csrf_token": page_token(owner)}, follow_redirects=False)
        cid = re.search(r"c=([0-9a-f]+)", first.headers["location"]).group(1)  # type: ignore[union-attr]
        assert "$100,000" in owner.get(f"/?c={cid}").text
        cookie = owner.cookies["roleqa_session"]
        # another browser: not shown, cannot rate it, and its own turns go to a conversation of its own
        peek = other.get(f"/?c={cid}")
        assert peek.status_code == 404 and "$100,000" not in peek.text
        other_token = page_token(other)
        rate = other.post("/chat/feedback", data={"conversation_id": cid, "turn": "1", "rating": "down",
                                                  "csrf_token": other_token}, follow_redirects=False)
        assert rate.status_code == 404
        other.post("/chat", data={"question": "And the CRO?", "conversation_id": cid, "csrf_token": other_token})
        assert "And the CRO?" not in owner.get(f"/?c={cid}").text
        # a forged session cookie is not a session: it gets a fresh one
        forged = TestClient(app, cookies={"roleqa_session": cookie.split(".")[0] + ".0000"})
        assert "$100,000" not in forged.get(f"/?c={cid}").text


def test_api_conversations_belong_to_their_key(fake_settings: Settings, fake_assistant: Assistant) -> None:
    settings = fake_settings.model_copy(update={"api_keys": ["key-a", "key-b"]})
    with TestClient(create_app(settings, fake_assistant)) as client:
        a, b = {"Authorization": "Bearer key-a"}, {"Authorization": "Bearer key-b"}
        client.post("/api/answer", json={"question": "How much does a VP of Sales earn?",
                                         "conversation_id": "ticket-4711"}, headers=a)
        mine = client.post("/api/answer", json={"question": "And the CRO?", "conversation_id": "ticket-4711"},
                           headers=a).json()
        theirs = client.post("/api/answer", json={"question": "And the CRO?", "conversation_id": "ticket-4711"},
                             headers=b).json()
        assert mine["turn"] == 2 and "CRO" in mine["standalone_question"]
        assert theirs["turn"] == 1 and theirs["standalone_question"] == "And the CRO?"  # no history leaked
        search = client.post("/api/search", json={"query": "and the CSO?", "conversation_id": "ticket-4711"},
                             headers=b).json()
        assert search["standalone_query"].lower() == "and the cso?"  # key-a's history is not key-b's
        feedback = client.post("/api/feedback", json={"conversation_id": "ticket-4711", "turn": 2,
                                                      "rating": "down"}, headers=b)
        assert feedback.status_code == 404


@pytest.mark.browser
@pytest.mark.slow
def test_chat_flow_in_chromium(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_url)
    page.screenshot(path=str(SHOTS / "welcome.png"))

    page.fill("#question", "Who does the VP of Sales report to?")
    page.press("#question", "Enter")
    answer = page.locator(".msg.bot").last
    answer.locator(".cite").first.wait_for(timeout=15_000)
    assert "CSO" in answer.locator(".answer").inner_text()

    answer.locator(".cite").first.click()
    source = answer.locator("details.source").first
    assert source.get_attribute("open") is not None
    assert source.locator("mark").inner_text().strip()
    assert source.locator("summary").inner_text().strip()

    page.fill("#question", "And the CRO?")
    page.press("#question", "Enter")
    page.locator(".msg.bot").nth(1).locator(".cite").first.wait_for(timeout=15_000)
    follow = page.locator(".msg.bot").nth(1)
    assert "CEO" in follow.locator(".answer").inner_text()
    assert "CRO" in (page.locator(".msg.user").nth(1).locator(".bubble").get_attribute("title") or "")

    follow.locator('[data-rating="up"]').click()
    page.wait_for_selector(".msg.bot >> nth=1 >> .chosen", timeout=5_000)

    page.fill("#question", "<script>alert(1)</script> What is the capital of France?")
    page.press("#question", "Enter")
    page.locator(".msg.bot.abstained").last.wait_for(timeout=15_000)
    assert page.locator(".msg.user").last.inner_text().startswith("<script>alert(1)</script>")
    assert dialogs == []
    page.screenshot(path=str(SHOTS / "desktop.png"), full_page=True)

    # The conversation survives a reload (server-rendered from the store).
    page.reload()
    assert page.locator(".msg.bot").count() == 3
    context.close()

    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    mobile = phone.new_page()
    mobile.goto(live_url)
    mobile.fill("#question", "How much does a CSO make?")
    mobile.locator("#send").click()
    mobile.locator(".msg.bot .cite").first.wait_for(timeout=15_000)
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"
    mobile.screenshot(path=str(SHOTS / "phone.png"), full_page=True)
    phone.close()


def test_feedback_form_with_a_bad_rating_or_turn_is_a_clear_422(fake_settings) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from service.api import create_app

    with TestClient(create_app(fake_settings)) as client:
        tok = page_token(client)
        for form in ({"conversation_id": "c", "turn": "1", "rating": "meh"},
                     {"conversation_id": "c", "turn": str(2**63), "rating": "up"},
                     {"conversation_id": "x" * 101, "turn": "1", "rating": "up"}):
            r = client.post("/chat/feedback", data={**form, "csrf_token": tok}, follow_redirects=False)
            assert r.status_code == 422, (form, r.status_code)
            assert "invalid feedback" in r.json()["detail"]


@pytest.mark.browser
@pytest.mark.slow
def test_no_javascript_flow_in_chromium(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    """With JavaScript off the form posts to /chat; Chromium must get an answer page, not a 403."""
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(live_url)
    page.fill("#question", "Who does the VP of Sales report to?")
    with page.expect_navigation():
        page.locator("#send").click()
    assert "cross-site" not in page.content()
    answer = page.locator(".msg.bot").last
    assert "CSO" in answer.inner_text()
    # a follow-up in the same conversation, still without JavaScript
    page.fill("#question", "And the CRO?")
    with page.expect_navigation():
        page.locator("#send").click()
    assert "CEO" in page.locator(".msg.bot").last.inner_text()
    page.screenshot(path=str(SHOTS / "no-js.png"), full_page=True)
    context.close()


def _answers_fail(page) -> None:  # type: ignore[no-untyped-def]
    """Every /web/answer from now on fails as a server that is not ready would."""
    page.route("**/web/answer", lambda route: route.fulfill(
        status=503, content_type="application/json", body='{"detail": "the index is not ready"}'))


@pytest.mark.browser
@pytest.mark.slow
def test_loading_errors_and_feedback_states_in_chromium(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(live_url)
    # While an answer loads: its actions are hidden, and a second question typed meanwhile is kept.
    state = page.evaluate("""() => {
        const input = document.querySelector('#question'), form = document.querySelector('#composer');
        input.value = 'Who does the VP of Sales report to?'; form.requestSubmit();
        const actions = document.querySelector('.msg.bot:last-child .actions');
        const shown = !!actions && getComputedStyle(actions).display !== 'none';
        input.value = 'And the CRO?'; form.requestSubmit();
        return {shown: shown, kept: input.value};
    }""")
    assert state == {"shown": False, "kept": "And the CRO?"}
    answer = page.locator(".msg.bot").last
    answer.locator(".cite").first.wait_for(timeout=15_000)
    assert page.locator(".msg.bot").count() == 1  # the second submit did not start a second answer
    # Thumbs: switching from up to down leaves only one pressed.
    answer.locator('[data-rating="up"]').click()
    page.wait_for_selector('.msg.bot [data-rating="up"].chosen')
    answer.locator('[data-rating="down"]').click()
    page.wait_for_selector('.msg.bot [data-rating="down"].chosen')
    assert answer.locator('[data-rating="up"]').get_attribute("aria-pressed") == "false"
    assert answer.locator('[data-rating="down"]').get_attribute("aria-pressed") == "true"
    # An error keeps copy and thumbs out of sight.
    _answers_fail(page)
    page.fill("#question", "How much does a CSO make?")
    page.press("#question", "Enter")
    failed = page.locator(".msg.bot").last
    failed.locator(".answer", has_text="the index is not ready").wait_for(timeout=5_000)
    assert not failed.locator(".actions").is_visible()
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_long_questions_and_retry_in_chromium(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(live_url)
    # A pasted 2,500-character question is neither cut nor sent: the counter says what to do.
    long_question = "Who does the VP of Sales report to? " + "x" * 2464
    page.fill("#question", long_question)
    page.locator("#send").click()
    assert page.locator("#count").is_visible() and "Too long" in page.locator("#count").inner_text()
    assert page.input_value("#question") == long_question and page.locator(".msg.bot").count() == 0
    # A failed answer offers Retry and gives the question back; Retry answers it.
    _answers_fail(page)
    page.fill("#question", "How much does a CSO make?")
    page.press("#question", "Enter")
    page.locator(".msg.bot .retry").wait_for(timeout=5_000)
    assert page.input_value("#question") == "How much does a CSO make?"
    page.unroute("**/web/answer")
    page.fill("#question", "")
    page.locator(".msg.bot .retry").click()
    page.locator(".msg.bot .cite").first.wait_for(timeout=15_000)
    assert page.locator(".msg.bot").count() == 1 and "$" in page.locator(".msg.bot .answer").inner_text()
    context.close()


def test_feedback_form_keeps_the_comment_and_the_page_shows_the_chosen_thumb(fake_settings: Settings,
                                                                              fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as client:
        tok = page_token(client)
        first = client.post("/chat", data={"question": "How much does a VP of Sales earn?", "csrf_token": tok},
                            follow_redirects=False)
        cid = re.search(r"c=([0-9a-f]+)", first.headers["location"]).group(1)  # type: ignore[union-attr]
        assert 'aria-pressed="true"' not in client.get(f"/?c={cid}").text
        for rating in ("up", "down"):
            client.post("/chat/feedback", data={"conversation_id": cid, "turn": "1", "rating": rating,
                                                "comment": "  more on pay ranges  ", "csrf_token": tok})
        page = client.get(f"/?c={cid}").text
        assert re.search(r'value="down"[^>]*aria-pressed="true"', page)
        assert re.search(r'value="up"[^>]*aria-pressed="false"', page)
        session = client.cookies["roleqa_session"].split(".")[0]
        owned = client.app.state.store.for_owner(f"web:{session}")  # type: ignore[attr-defined]
        assert owned.ratings(cid) == {1: "down"}


def test_web_answer_returns_the_turn_rendered_by_the_page_template(fake_settings: Settings,
                                                                   fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as client:
        tok = page_token(client)
        data = client.post("/web/answer", json={"question": "<b>How much</b> does a VP of Sales earn?"},
                           headers={"X-CSRF-Token": tok}).json()
        assert data["answer"] and data["turn"] == 1
        html = data["html"]
        assert 'class="msg bot' in html and 'data-turn="1"' in html and 'name="csrf_token"' in html
        assert "&lt;b&gt;How much&lt;/b&gt;" in html and "<b>" not in html
        # hovering a [n] marker previews its quoted sentence
        first = data["citations"][0]
        title = re.search(rf'<a class="cite"[^>]*data-n="{first["n"]}"[^>]*title="([^"]*)"', html)
        assert title and html_unescape(title.group(1)).strip("“”") == first["quote"]


def test_copy_gives_the_answer_with_its_sources_grouped_by_article() -> None:
    from service.web import turn_view

    def cite(n: int, article: str, section: str | None) -> dict[str, object]:
        return {"n": n, "chunk_id": f"{article}#00{n}", "article_id": article, "title": f"Title {article}",
                "section": section, "quote": "q", "text": "q"}

    view = turn_view(1, "q?", "q?", "A [1], B [2] and C [3].", False,
                     [cite(1, "a", "Pay"), cite(2, "b", None), cite(3, "a", "Reporting")], "http://host:8000/")
    assert [g["title"] for g in view["groups"]] == ["Title a", "Title b"]
    assert [c["n"] for c in view["groups"][0]["citations"]] == [1, 3]
    assert view["clipboard"] == (
        "A [1], B [2] and C [3].\n\nSources:\n"
        "Title a\n"
        "  [1] Pay: http://host:8000/articles/a?chunk=a%23001#passage\n"
        "  [3] Reporting: http://host:8000/articles/a?chunk=a%23003#passage\n"
        "Title b\n"
        "  [2] Title b: http://host:8000/articles/b?chunk=b%23002#passage")
    abstained = turn_view(2, "q?", "q?", "The articles don't say.", True, [], "http://host/")
    assert abstained["clipboard"] == "The articles don't say." and abstained["groups"] == []
