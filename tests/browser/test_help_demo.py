"""The demo shop under help/demo/ and the help centre's own contact blocks, in a
real browser: what a user sees before embedding the blocks in their shop."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.browser.conftest import reveal_channels
from tests.browser.test_site_search import HOME, search_for

OPEN = "2026-11-23T10:00+01:00"  # a Monday morning: every channel open
EVENING = "2026-11-23T18:00+01:00"  # chat and phone closed, WhatsApp open


def at(browser, when: str, **options):
    context = browser.new_context(timezone_id="Europe/Amsterdam", locale="nl-NL",
                                  viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.clock.install(time=datetime.fromisoformat(when))
    return context, page


def questions(demo_site: Path, ctx: str) -> list[str]:
    data = json.loads((demo_site / "help" / f"{ctx}.json").read_text(encoding="utf-8"))
    return [q["title"] for q in data["questions"]]


@pytest.mark.parametrize(("name", "contexts"), [("product", ["product"]),
                                                ("cart", ["cart", "checkout"])])
def test_demo_pages_show_their_contexts_blocks(browser, base_url, demo_site, name, contexts):
    context, page = at(browser, OPEN)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + f"help/demo/{name}.html")
    page.wait_for_selector(".kb-help__toggle")
    hosts = page.locator("[data-kb-help]")
    assert [h.get_attribute("data-kb-help") for h in hosts.all()] == contexts
    titles = set()
    for i, ctx in enumerate(contexts):
        block = hosts.nth(i)
        block.locator(".kb-help__toggle").first.wait_for()
        assert block.locator(".kb-help__toggle").all_inner_texts() == questions(demo_site, ctx)
        titles.add(block.locator("h2").inner_text())
    assert len(titles) == len(contexts)  # two blocks on a page are told apart
    page.wait_for_load_state("networkidle")
    assert [u for u in requests if not u.startswith(base_url) and not u.startswith("data:")] == []
    context.close()


@pytest.mark.parametrize("name", ["product", "cart"])
def test_demo_pages_have_no_accessibility_violations(browser, base_url, name):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-playwright-python is not installed")
    for when in (OPEN, EVENING):
        context, page = at(browser, when)
        page.goto(base_url + f"help/demo/{name}.html")
        page.wait_for_selector(".kb-help__toggle")
        page.locator(".kb-help__toggle").first.click()  # an open answer is checked too
        results = axe.Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        context.close()


def test_help_centre_pages_say_which_channels_are_open(browser, base_url):
    context, page = at(browser, EVENING)
    page.goto(base_url + "retourneren/defect-apparaat/")
    fallback = page.locator(".kb-fallback")
    chat = fallback.locator("[data-kb-channel=chat]")
    reveal_channels(page)
    chat.locator("[data-kb-status=closed]").wait_for()
    assert chat.locator("[data-kb-status]").inner_text() == "gesloten · morgen vanaf 08:30"
    # Closed: the chat link rests until the chat opens.
    assert chat.locator("a.kb-channel__label").get_attribute("href") is None
    whatsapp = fallback.locator("[data-kb-channel=whatsapp]")
    assert whatsapp.locator("[data-kb-status]").inner_text() == "nu open"
    assert whatsapp.locator("a").get_attribute("href").startswith("https://wa.me/")
    page.clock.run_for("15:00:00")  # Tuesday 09:00
    assert chat.locator("[data-kb-status]").inner_text() == "nu open"
    assert chat.locator("a.kb-channel__label").get_attribute(
        "href") == "https://bonenbaai.example/chat"
    page.goto(base_url + "contact/")
    page.locator("#chat [data-kb-status=open]").wait_for()  # the channels are on screen
    assert page.locator("#chat [data-kb-status]").inner_text() == "nu open"
    context.close()


def test_the_widget_is_fetched_only_when_a_page_needs_it(browser, base_url):
    context, page = at(browser, OPEN)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    widget = [base_url + "help/kb-help.js", base_url + "help/kb-contact.json"]
    page.goto(base_url + "retourneren/retourtermijn/")
    page.wait_for_load_state("networkidle")
    # Reading the answer at the top of the page costs no widget and no channel data.
    assert not [u for u in fetched if u in widget]
    assert page.locator(".kb-fallback [data-kb-status]").first.is_hidden()
    reveal_channels(page)
    page.locator(".kb-fallback [data-kb-status=open]").first.wait_for()
    assert [u for u in fetched if u in widget] == widget
    # Starting a search fetches it too: the chat invitation needs the hours, and the
    # answers' texts and a decline's channels come with it.
    fetched.clear()
    page.goto(base_url + "betalen/betaalmethoden/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in fetched if u in widget]
    with page.expect_response(widget[1]):  # the script first, then its data
        page.locator("#kb-header-q").click()
    assert [u for u in fetched if u in widget] == widget
    context.close()


INVITE = ".kb-invite"


def test_search_invites_to_chat_after_45_seconds_while_chat_is_open(browser, base_url):
    context, page = at(browser, OPEN)
    page.goto(base_url)
    search_for(page, HOME, "mijn pakket is kapot")
    page.clock.run_for(30_000)
    assert page.locator(INVITE).inner_text() == ""
    page.clock.run_for(16_000)
    invite = page.locator(INVITE)
    assert invite.get_attribute("role") == "status"
    assert "Kom je er niet uit? Onze chat is nu open." in invite.inner_text()
    assert invite.get_by_role("link", name="Start de chat").get_attribute(
        "href") == "https://bonenbaai.example/chat"
    invite.get_by_role("button", name="Nee, bedankt").click()
    assert invite.inner_text() == ""
    # A "no" holds for the rest of the visit.
    page.goto(base_url + "contact/")
    search_for(page, "#kb-header-q", "retour")
    page.clock.run_for(60_000)
    assert page.locator(INVITE).count() == 0
    context.close()


def test_no_invitation_while_chat_is_closed(browser, base_url):
    context, page = at(browser, EVENING)
    page.goto(base_url)
    search_for(page, HOME, "mijn pakket is kapot")
    page.clock.run_for(120_000)
    assert page.locator(INVITE).inner_text() == ""
    context.close()


def test_opening_a_result_cancels_the_invitation(browser, base_url):
    context, page = at(browser, OPEN)
    page.goto(base_url)
    search_for(page, HOME, "retour")
    # As with instant navigation: the result opens without a new page.
    page.evaluate("document.addEventListener('click', e => e.preventDefault())")
    page.locator(".kb-s a").first.click()
    page.clock.run_for(60_000)
    assert page.locator(INVITE).inner_text() == ""
    context.close()
