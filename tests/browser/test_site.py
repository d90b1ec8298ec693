"""What a shopper sees on the demo site, in a real browser."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

SEARCH_INPUT = "input[data-md-component=search-query]"
RESULT = ".md-search-result__item"


META = "document.querySelector('.md-search-result__meta')"


def results(page) -> list[str]:
    """Wait for Material's search to answer; the titles of the results, best first."""
    page.wait_for_function(f"{META} && /\\d|Geen/.test({META}.textContent)")
    return page.locator(f"{RESULT} > a h1").all_text_contents()


def search(page, query: str) -> list[str]:
    """Type a fresh query into Material's search; the titles of the results."""
    type_query(page, query)
    return results(page)


def type_query(page, query: str) -> None:
    """Type a fresh query into Material's search and wait for its answer."""
    page.click(".md-search__form")
    page.fill(SEARCH_INPUT, "")
    page.keyboard.press("Backspace")
    # Wait until the worker is ready and the previous answer is gone.
    page.wait_for_function(f"{META} && !/initial|\\d|Geen/i.test({META}.textContent)")
    # Fill the whole query, then one key press: Material searches on keyup, so it
    # sees only the full query, never a half-typed one.
    page.fill(SEARCH_INPUT, query)
    page.keyboard.press("End")
    page.wait_for_function(f"{META} && /\\d|Geen/.test({META}.textContent)")


def test_home_search_box_opens_the_search_with_the_query(page, base_url: str) -> None:
    page.goto(base_url)
    page.fill("#kb-q", "retour")
    page.press("#kb-q", "Enter")
    titles = results(page)
    assert page.input_value(SEARCH_INPUT) == "retour"
    assert any("terug" in t.lower() or "retour" in t.lower() for t in titles), titles


def test_home_search_works_without_javascript(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url)
    page.fill("#kb-q", "verzendkosten")
    page.press("#kb-q", "Enter")
    page.wait_for_load_state()
    assert urlparse(page.url).query == "q=verzendkosten"
    context.close()


def test_dutch_search_finds_other_word_forms(page, base_url: str, demo_site: Path) -> None:
    index = (demo_site / "search" / "search_index.json").read_text(encoding="utf-8").lower()
    page.goto(base_url)
    # A word form that appears nowhere in the text can only be found by stemming.
    # ("retourneer" no longer qualifies: the synonyms field holds "retourneerkosten".)
    for query, found in [("bezorgingen", "bezorg"), ("zendingen", "pakket"),
                         ("retourneringen", "retour")]:
        assert query not in index
        titles = search(page, query)
        assert any(found in t.lower() for t in titles), (query, titles)


def test_whole_words_are_found_with_the_stemmer_on(page, base_url: str) -> None:
    # Material appends "*" to each term and lunr does not stem wildcard terms;
    # without kb's fix a stemmed index finds no whole word whose stem differs, and
    # with only the typo-tolerant variant (boost 0) it finds pages in no useful order.
    # The stemmed word must rank first a page whose title holds the word.
    page.goto(base_url)
    for query, stem in [("retourneren", "retourner"), ("bezorging", "bezorg"),
                        ("betalingen", "betaling")]:
        titles = search(page, query)
        assert titles and stem in titles[0].lower(), (query, titles[:3])


def test_results_show_no_misleading_missing_words(page, base_url: str) -> None:
    # Material compares typed words with stemmed ones and would call "retourneren"
    # missing from pages that contain it; kb also adds variants of each word.
    page.goto(base_url)
    for query in ["retourneren", "pakket kwijt", "retoerneren"]:
        assert search(page, query), query
        terms = page.locator(".md-search-result__terms")
        assert terms.count() > 0, query  # Material does mark them
        assert not any(t.is_visible() for t in terms.all()), query


def test_suggestions_and_highlighting_are_on(page, base_url: str) -> None:
    page.goto(base_url)
    config = json.loads(page.locator("#__config").text_content())
    assert "search.suggest" in config["features"]
    assert "search.highlight" in config["features"]


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
    search(page, "betalen")
    page.wait_for_load_state("networkidle")
    foreign = [url for url in requests if not url.startswith(base_url) and
               not url.startswith("data:")]
    assert foreign == []
    # What the search worker fetched was heard too.
    assert base_url + "search/search_index.json" in requests


def test_pages_fit_a_phone_screen(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    for path in ["", "topics/returns/", "contact/"]:
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
