"""The demo site's own search, as a shopper types into it: the right article must be
among the first three results for common phrasings, synonyms and typos included."""

from __future__ import annotations

import pytest

from tests.browser.test_site import type_query

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


def top_pages(page, base_url: str, query: str, n: int = 3) -> list[str]:
    """The slugs of the first `n` pages Material's search shows for `query`."""
    type_query(page, query)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a",
                                      "els => els.map(e => e.href)")
    slugs = [h[len(base_url):].split("#")[0].split("?")[0].strip("/") for h in hrefs]
    return list(dict.fromkeys(slugs))[:n]


def test_there_are_enough_phrasings_with_synonyms_and_typos(demo_site) -> None:
    """The phrasings test what they claim, on the built index: a synonym phrasing has a
    word that no answer shows but kb indexed for one (keywords, synonym lists); a typo
    phrasing has a word that no page holds in any field, so only fuzzy matching finds it."""
    import json

    from kb.siteindex import TERMS_FIELD, TEXT_FIELD, separator, words

    index = json.loads((demo_site / "search" / "search_index.json").read_text("utf-8"))
    split = separator(index["config"]["separator"])
    shown: dict[str, set[str]] = {}
    indexed: dict[str, set[str]] = {}
    for doc in index["docs"]:
        page = doc["location"].partition("#")[0].strip("/")
        text = " ".join(str(doc.get(field, "")) for field in ("title", "text", TEXT_FIELD))
        shown.setdefault(page, set()).update(words(text, split))
        indexed.setdefault(page, set()).update(words(str(doc.get(TERMS_FIELD, "")), split))
    anywhere = set().union(*shown.values(), *indexed.values())
    synonyms, typos = set(), set()
    for query, expected in PHRASINGS:
        for word in words(query, split):
            if word not in anywhere:
                typos.add(query)
            elif any(word in indexed[slug] and word not in shown[slug] for slug in expected):
                synonyms.add(query)
    assert len(PHRASINGS) >= 20
    assert len(synonyms) >= 5, sorted(synonyms)
    assert typos == {"retoerneren", "verzendkostn"}


@pytest.fixture(scope="module")
def search_page(browser, base_url: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url)
    yield page
    context.close()


@pytest.mark.parametrize(("query", "expected"), PHRASINGS, ids=[q for q, _ in PHRASINGS])
def test_site_search_puts_the_answer_in_the_first_three(search_page, base_url: str,
                                                         query: str, expected: set) -> None:
    found = top_pages(search_page, base_url, query)
    assert expected & set(found), f"{query!r}: first three were {found}"


def test_synonyms_are_indexed_hidden_and_boosted(demo_site) -> None:
    import json

    index = json.loads((demo_site / "search" / "search_index.json").read_text("utf-8"))
    assert index["config"]["fields"]["kb"]["boost"] > index["config"]["fields"]["text"]["boost"]
    returns = next(d for d in index["docs"] if d["location"] == "retourneren/retourtermijn/")
    assert "terugsturen" in returns["kb"] or "terugsturen" in returns["title"].lower()
    html = (demo_site / "retourneren" / "retourtermijn" / "index.html").read_text("utf-8")
    assert "herroepingsrecht" in returns["kb"] and "herroepingsrecht" not in html
