"""axe-core on the help centre's own pages, in a real browser: the part of the audit
(benchmarks/audit.py) that is fast enough for every CI run. Lighthouse and the Nu HTML
checker stay in the benchmark; their scores are in BENCHMARKS.md."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.browser.conftest import reveal_channels

PAGES = {
    "home": "",
    "area": "topics/returns/",
    "stage": "stages/delivery/",
    "article": "retourneren/retourtermijn/",
    "contact": "contact/",
    "search": "search/",
    "404": "404.html",
}
# The channels' links change with the hours (a closed channel's links rest), so each
# page is checked with every channel open and with chat and phone closed.
MOMENTS = {"open": "2026-11-23T10:00+01:00", "evening": "2026-11-23T18:00+01:00"}
# A phone in the light scheme, a desktop in the dark one: Material's layout and the
# palette both change what axe sees (hidden navigation, colours).
SCREENS = {
    "phone-light": dict(viewport={"width": 412, "height": 823}, is_mobile=True,
                        has_touch=True, color_scheme="light"),
    "desktop-dark": dict(viewport={"width": 1280, "height": 900}, color_scheme="dark"),
}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_have_no_accessibility_violations(browser, base_url: str, demo_site: Path,
                                                name: str, screen: str) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-playwright-python is not installed")
    path = PAGES[name]
    if name == "404" and not (demo_site / path).is_file():
        pytest.skip("this build has no 404.html")
    for moment, when in MOMENTS.items():
        context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam",
                                      **SCREENS[screen])
        try:
            page = context.new_page()
            page.clock.install(time=datetime.fromisoformat(when))
            page.goto(base_url + path)
            # kb.js has drawn the channels' status (every page has the contact block).
            reveal_channels(page)
            page.locator("[data-kb-status]:not([hidden])").first.wait_for()
            # Back to the top, and past Material's header transition (the tabs slide
            # back in), so that axe sees colours at rest.
            page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(400)
            question = page.locator("details.kb-question > summary")
            if question.count():
                question.first.click()  # an open answer is checked too
            results = axe.Axe().run(page)
            assert results.violations_count == 0, (moment, results.generate_report())
        finally:
            context.close()


def test_the_header_search_box_and_its_button_have_names(page, base_url: str) -> None:
    page.goto(base_url + "retourneren/retourtermijn/")
    header = page.locator("header [role=search]")
    assert header.get_by_role("searchbox", name="Stel je vraag").count() == 1
    assert header.get_by_role("button", name="Zoeken").count() == 1


def test_closed_channel_links_are_disabled_links(browser, base_url: str) -> None:
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.clock.install(time=datetime.fromisoformat(MOMENTS["evening"]))
    page.goto(base_url + "retourneren/retourtermijn/")
    chat = page.locator(".kb-fallback [data-kb-channel=chat] a.kb-channel__label")
    reveal_channels(page)
    page.locator(".kb-fallback [data-kb-channel=chat] [data-kb-status=closed]").wait_for()
    assert chat.get_attribute("href") is None
    assert chat.get_attribute("role") == "link"
    assert chat.get_attribute("aria-disabled") == "true"
    page.clock.run_for("15:00:00")  # Tuesday 09:00: open again
    page.locator(".kb-fallback [data-kb-channel=chat] [data-kb-status=open]").wait_for()
    assert chat.get_attribute("href") == "https://bonenbaai.example/chat"
    assert chat.get_attribute("role") is None
    assert chat.get_attribute("aria-disabled") is None
    context.close()
