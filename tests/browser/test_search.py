"""The demo site's answers as a shopper's browser gets them (window.kbHelp.ask, which the
header, home, 404 and search page boxes and the help blocks use): the right article must
be among the first three for common phrasings, synonyms and typos included.

It replaces the tests of Material's lunr search (issue 16): the site now answers from
kb's answer index with kb's engine (parity with `kb ask` is tests/browser/test_engine.py
and tests/test_engine_parity.py); these phrasings check the whole way from a built site.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

SITE_URL = "https://help.bonenbaai.example/"  # the demo's site_url: answers link there

# (what a shopper types, slugs of the articles that answer it)
PHRASINGS = [
    # words in the question itself
    ("wachtwoord vergeten", {"privacy/wachtwoord-vergeten"}),
    ("bestelling annuleren", {"bestelling/bestelling-annuleren"}),
    ("betalen met ideal", {"betalen/ideal-wero"}),
    ("achteraf betalen", {"betalen/klarna-achteraf"}),
    ("garantie molen", {"product/koffiemolen-garantie"}),
    ("cookies uitzetten", {"privacy/cookies"}),
    ("afmelden nieuwsbrief", {"privacy/nieuwsbrief-afmelden"}),
    ("niet thuis", {"verzenden/niet-thuis"}),
    ("zondag bezorgen", {"verzenden/zondag-bezorgen"}),
    ("ontkalken", {"product/espressomachine-ontkalken"}),
    ("wanneer wordt het bezorgd", {"verzenden/levertijd"}),
    # shoppers' own words: keywords and kb's synonym lists
    ("terugsturen", {"retourneren/retourtermijn", "retourneren/retour-aanmelden"}),
    ("pakketje kwijt", {"bestelling/pakket-niet-ontvangen"}),
    ("track en trace", {"bestelling/pakket-volgen"}),
    ("geld terug", {"retourneren/terugbetaling"}),
    ("refund", {"retourneren/terugbetaling"}),
    ("factuur", {"bestelling/factuur"}),
    ("inloggen lukt niet", {"privacy/wachtwoord-vergeten"}),
    ("verzendkosten", {"verzenden/verzendkosten"}),
    ("portokosten", {"verzenden/verzendkosten"}),
    ("levertijd", {"verzenden/levertijd"}),
    ("bestelling cancelen", {"bestelling/bestelling-annuleren"}),
    ("kapot ontvangen", {"retourneren/beschadigd-product"}),
    ("pakketpunt", {"verzenden/afhaalpunt"}),
    ("decaf", {"product/cafeinevrij"}),
    ("ruilen", {"retourneren/ruilen"}),
    ("cadeaubon", {"betalen/cadeaubon"}),
    # typing mistakes
    ("retoerneren", {"retourneren/retourtermijn", "retourneren/retour-aanmelden",
                     "retourneren/retourkosten"}),
    ("verzendkostn", {"verzenden/verzendkosten"}),
]




def words(text: str) -> set[str]:
    return set(re.findall(r"[a-zà-ÿ0-9]+", text.lower()))


def page_words(demo_site: Path, slug: str) -> set[str]:
    """The words a shopper sees on an article's page."""
    html = (demo_site / slug / "index.html").read_text("utf-8")
    html = html[html.index('<article'):html.index('</article>')]
    return words(unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_phrasings_test_synonyms_and_typos(demo_site: Path) -> None:
    """A synonym phrasing has a word its answer's page does not show (kb's keywords and
    synonym lists find it); a typo phrasing has a word none of these answer pages shows."""
    pages = {slug: page_words(demo_site, slug) for _, slugs in PHRASINGS for slug in slugs}
    shown = set().union(*pages.values())
    synonyms = {query for query, slugs in PHRASINGS
                if all(words(query) - pages[slug] for slug in slugs)}
    typos = {query for query, _ in PHRASINGS if words(query) - shown}
    assert len(PHRASINGS) >= 20
    assert len(synonyms) >= 5, sorted(synonyms)
    assert {"retoerneren", "verzendkostn"} <= typos


@pytest.fixture(scope="module")
def site_page(browser, base_url: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "contact/")
    yield page
    context.close()


def first_three(page, query: str) -> list[str]:
    """The slugs of the first three answers window.kbHelp.ask gives."""
    found = page.evaluate("q => kbHelp.ask(q, {limit: 3})", query)
    urls = [answer["url"] for answer in found["answers"]]
    assert all(url.startswith(SITE_URL) for url in urls), urls
    return [url[len(SITE_URL):].strip("/") for url in urls]


@pytest.mark.parametrize(("query", "expected"), PHRASINGS, ids=[q for q, _ in PHRASINGS])
def test_the_site_puts_the_answer_in_the_first_three(site_page, query: str,
                                                     expected: set) -> None:
    found = first_three(site_page, query)
    assert expected & set(found), f"{query!r}: first three were {found}"
