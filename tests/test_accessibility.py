"""axe-core in real Chromium: no serious or critical violations on the chat page, a conversation, an
abstention and the article page, in light and dark colour schemes. axe-core comes from the npm registry
(`make install-axe` puts it in .axe/, ignored by git) and is injected by the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = ROOT / ".axe" / "node_modules" / "axe-core" / "axe.min.js"


def axe_problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Serious and critical violations on the page as it is now, one line per rule and element."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make install-axe`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {n['target']} {n.get('failureSummary', '')[:160]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical") for n in v["nodes"]]


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    before = page.locator(".msg.bot:not(.loading)").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.locator(".msg.bot:not(.loading)").nth(before).wait_for(timeout=15_000)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [(1280, 860), (375, 740)], ids=["desktop", "phone"])
def test_axe_finds_no_serious_violations(browser, live_url: str, scheme: str, viewport: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    # the page's CSP (rightly) refuses injected scripts; the test context bypasses it to run axe
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, bypass_csp=True,
                                  color_scheme=scheme, is_mobile=viewport[0] < 600)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    page.goto(live_url)
    found["empty page"] = axe_problems(page)
    ask(page, "How much does a Chief Revenue Officer make?")
    page.locator(".msg.bot .cite").first.click()  # an open source is checked too
    found["conversation"] = axe_problems(page)
    ask(page, "What is the capital of France?")
    assert "abstained" in (page.locator(".msg.bot").last.get_attribute("class") or "")
    found["abstention"] = axe_problems(page)
    page.locator("#recent summary").click()
    found["recent conversations"] = axe_problems(page)
    page.locator("#recent summary").click()
    name = f"{scheme}-{viewport[0]}"
    page.screenshot(path=str(SHOTS / f"axe-conversation-{name}.png"), full_page=True)
    page.locator(".msg.bot a.open-article").first.click()
    page.wait_for_url("**/articles/**")
    found["article page"] = axe_problems(page)
    page.screenshot(path=str(SHOTS / f"axe-article-{name}.png"))
    context.close()
    problems = {where: lines for where, lines in found.items() if lines}
    assert not problems, json.dumps(problems, indent=1)


def test_axe_is_installed_where_the_tests_look() -> None:
    assert Path(AXE).exists(), "run `make install-axe`"


LUMINANCE = """(color) => {
    const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
        v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def test_dark_mode_follows_the_system(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    for scheme, dark in (("light", False), ("dark", True)):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for url in (live_url, live_url + "/articles/what-is-a-chief-sales-officer"):
            page.goto(url)
            colors = page.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
                getComputedStyle(document.body).color,
                getComputedStyle(document.querySelector('.topbar, main')).backgroundColor]""")
            bg, ink = (page.evaluate(LUMINANCE, c) for c in colors[:2])
            assert (bg < 0.05 and ink > 0.6) if dark else (bg > 0.8 and ink < 0.05), (scheme, url, colors)
        context.close()


def test_reduced_motion_turns_animations_off(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(live_url)
    ask(page, "Who does the VP of Sales report to?")
    page.locator(".msg.bot .cite").first.click()
    assert page.locator(".msg.bot details.source[open]").count() == 1
    running = page.evaluate("document.getAnimations().map((a) => a.animationName || String(a))")
    assert running == [], running
    context.close()


TARGETS = """() => [...document.querySelectorAll('a, button, summary, textarea, input:not([type=hidden])')]
    .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden'
                   && !e.closest('.article-body, .visually-hidden'))
    .map((e) => {
        const r = e.getBoundingClientRect();
        let w = r.width, h = r.height;
        const after = getComputedStyle(e, '::after');
        if (after.content !== 'none' && after.position === 'absolute') {
            w = Math.max(w, parseFloat(after.width)); h = Math.max(h, parseFloat(after.height)); }
        return {what: e.outerHTML.slice(0, 70), w: Math.round(w), h: Math.round(h)};
    })
    .filter((t) => t.w < 44 || t.h < 44)"""


def test_touch_targets_are_44px_on_phones(browser, live_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_url)
    small = page.evaluate(TARGETS)
    ask(page, "How much does a CSO make?")
    page.locator(".msg.bot .cite").first.tap()
    page.locator(".msg.bot .comment summary").first.tap()
    small += page.evaluate(TARGETS)
    page.locator("#recent summary").tap()  # this browser's recent conversations
    assert page.locator("#recent-list li").count() == 1
    small += page.evaluate(TARGETS)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    page.locator("#recent summary").tap()
    page.locator(".msg.bot a.open-article").first.tap()
    page.wait_for_url("**/articles/**")
    small += page.evaluate(TARGETS)
    assert not small, small
    context.close()
