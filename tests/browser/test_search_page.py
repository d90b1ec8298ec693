"""The search page (search/) in a real browser without JavaScript: every search box of
the site leads there with the question, and the page still helps, with the areas and
their most asked questions and the contact channels with their hours. (With
JavaScript it answers the question in its address: tests/browser/test_site_search.py.)"""

from __future__ import annotations

import pytest


@pytest.fixture
def no_js(browser):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    yield context.new_page()
    context.close()


def test_the_header_box_of_a_nested_page_opens_the_search_page_with_the_question(
        no_js, base_url: str) -> None:
    no_js.goto(base_url + "retourneren/retourtermijn/")
    no_js.fill("#kb-header-q", "pakket kwijt")
    no_js.press("#kb-header-q", "Enter")
    no_js.wait_for_load_state()
    assert no_js.url == base_url + "search/?q=pakket+kwijt"
    assert no_js.locator("h1").inner_text() == "Zoeken in de klantenservice"


def test_the_header_search_button_opens_the_search_page_too(no_js, base_url: str) -> None:
    no_js.goto(base_url + "topics/shipping/")
    no_js.click("form[data-kb-search=overlay] button[type=submit]")
    no_js.wait_for_load_state()
    assert no_js.url == base_url + "search/?q="


def test_the_search_page_without_javascript_shows_the_areas_and_the_contact_channels(
        no_js, base_url: str) -> None:
    no_js.goto(base_url + "search/?q=hebben+jullie+vacatures")
    areas = no_js.locator(".kb-area")
    assert areas.count() == 6
    first = areas.first
    assert first.locator("h3 a").inner_text() == "Productinformatie"
    assert first.locator("ul li").count() == 3
    channels = no_js.locator(".kb-fallback .kb-channel")
    assert channels.count() == 4
    assert "08:30" in channels.first.inner_text()  # the chat's opening hours
    assert no_js.locator(".kb-fallback a[href='../contact/']").count() == 1
    # No message about JavaScript; the page's own box is there to ask again.
    assert "javascript" not in no_js.locator("article").inner_text().lower()
    assert no_js.locator("form[data-kb-search=inline] input[name=q]").count() == 1


def test_an_area_and_a_question_of_the_search_page_open(no_js, base_url: str) -> None:
    no_js.goto(base_url + "search/")
    no_js.click(".kb-area >> nth=3 >> h3 a")
    no_js.wait_for_load_state()
    assert no_js.url == base_url + "topics/shipping/"
    no_js.goto(base_url + "search/")
    no_js.click(".kb-area >> nth=1 >> ul a >> nth=0")
    no_js.wait_for_load_state()
    assert no_js.locator(".kb-answer__text").is_visible()
