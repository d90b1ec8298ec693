"""What a shopper sees on the demo site, in a real browser."""

from __future__ import annotations

import json
from pathlib import Path


def test_home_search_works_without_javascript(browser, base_url: str) -> None:
    """Without JavaScript the home box opens the search page with the question."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url)
    page.fill("#kb-q", "verzendkosten")
    page.press("#kb-q", "Enter")
    page.wait_for_load_state()
    assert page.url == base_url + "search/?q=verzendkosten"
    assert page.locator("h1").inner_text() == "Zoeken in de klantenservice"
    context.close()


def test_the_header_magnifier_on_a_phone_opens_the_search_page_without_javascript(
        browser, base_url: str) -> None:
    """On a phone the header shows only the magnifier (the form's submit button): without
    JavaScript it still leads to the search page, which offers the areas and contact."""
    context = browser.new_context(java_script_enabled=False, is_mobile=True, has_touch=True,
                                  viewport={"width": 390, "height": 844}, locale="nl-NL")
    page = context.new_page()
    page.goto(base_url + "retourneren/retourtermijn/")
    assert page.locator("#kb-header-q").is_hidden()
    assert page.locator(".kb-search__close").is_hidden()
    page.get_by_role("button", name="Zoeken", exact=True).tap()
    page.wait_for_url(base_url + "search/?q=")
    assert page.locator("h1").inner_text() == "Zoeken in de klantenservice"
    assert page.locator("[data-kb-channel]").count() >= 3
    context.close()


def test_the_page_configuration_names_no_search_worker(page, base_url: str) -> None:
    page.goto(base_url)
    config = json.loads(page.locator("#__config").text_content())
    assert "search" not in config
    assert not any(f.startswith("search.") for f in config["features"])


def test_question_lists_expand_to_show_the_short_answer(page, base_url: str) -> None:
    page.goto(base_url + "topics/returns/")
    first = page.locator("details.kb-question").first
    answer = first.locator(".kb-question__answer")
    assert not answer.is_visible()
    first.locator("summary").click()
    assert answer.is_visible()
    link = answer.locator("a")
    link.click()
    page.wait_for_load_state()
    assert page.locator(".kb-answer").is_visible()


def test_keyboard_opens_a_question(page, base_url: str) -> None:
    page.goto(base_url + "stages/delivery/")
    summary = page.locator("details.kb-question summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.kb-question").first.get_attribute("open") is not None


def test_no_request_leaves_the_site(page, base_url: str, demo_site: Path) -> None:
    requests: list[str] = []
    # The context's listener also hears the search worker's requests.
    page.context.on("request", lambda request: requests.append(request.url))
    paths = ["", "topics/shipping/", "stages/order/", "retourneren/retourtermijn/",
             "contact/", "blog/", "help/demo/cart.html"]
    if (demo_site / "404.html").is_file():
        paths.append("404.html")
    for path in paths:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
    article = page.goto(base_url).url
    page.click(".kb-questions details summary")
    page.click(".kb-question__answer a >> nth=0")
    page.wait_for_load_state("networkidle")
    assert page.url != article
    page.fill("#kb-header-q", "betalen")  # the engine and the index parts it needs
    page.locator("[role=option]").first.wait_for()
    page.wait_for_load_state("networkidle")
    foreign = [url for url in requests if not url.startswith(base_url) and
               not url.startswith("data:")]
    assert foreign == []
    # What the search fetched was heard too: kb's index, never Material's.
    assert base_url + "search/meta.js" in requests
    assert not [url for url in requests if "search_index" in url or "lunr" in url
                or "workers/" in url]


def test_pages_fit_a_phone_screen(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    for path in ["", "topics/returns/", "contact/", "search/"]:
        page.goto(base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    context.close()


def test_article_page_shows_answer_review_date_related_and_contact(page, base_url: str) -> None:
    page.goto(base_url + "topics/returns/")
    href = page.locator(".kb-question__answer a").first.get_attribute("href")
    page.goto(base_url + "topics/returns/" + href)
    assert page.locator(".kb-answer__text").inner_text().strip()
    assert "Laatst gecontroleerd op" in page.locator(".kb-reviewed").inner_text()
    assert page.locator(".kb-related li").count() >= 1
    assert page.locator(".kb-fallback").is_visible()
    assert page.locator("h1").count() == 1
