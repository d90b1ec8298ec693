"""kb's search on the help centre's own pages (assets/kb/search.js), in a real browser on
the built demo: the header's overlay, the home page's and the search page's inline
results, answer card, "no answer" with the contact channels, spelling suggestion,
keyboard and screen reader, phone, layout stability, and what a first load fetches."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from kb.answerindex import IndexFiles, folder_loader, pages_loader
from kb.engine import Engine

OPEN = "2026-11-23T10:00+01:00"  # a Monday morning: every channel open
EVENING = "2026-11-23T18:00+01:00"  # chat and phone closed, WhatsApp open
HEADER = "#kb-header-q"
HOME = "#kb-q"
ARTICLE = "retourneren/retourtermijn/"
OUT_OF_SCOPE = "hebben jullie vacatures"
# Shoppers' questions from benchmarks/eval/demo-nl.csv with the article that answers them.
ANSWERED = {
    "waar blijft mijn pakket": "bestelling/pakket-niet-ontvangen",
    "kan ik betalen met ideal": "betalen/ideal-wero",
    "retourneren kosten": "retourneren/retourkosten",
}
# Misspelt questions the article index does not answer but has a suggestion for.
MISSPELT = ["koffie huren", "kan ik koffie huren voor een beurs"]


def at(browser, when: str = OPEN, **options):
    """A page with the clock at `when` in Amsterdam (Dutch, desktop size unless told)."""
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(timezone_id="Europe/Amsterdam", locale="nl-NL", **options)
    page = context.new_page()
    page.clock.install(time=datetime.fromisoformat(when))
    return context, page


def panel_of(page, question: str):
    """The search panel that shows the answer to `question` (search.js marks it)."""
    return page.locator(f".kb-s[data-kb-asked={json.dumps(question)}]")


def search_for(page, box: str, question: str):
    """Type `question` key by key into the search box `box` (a selector of its input),
    as a shopper does, and wait for the answer to that very question: the panel."""
    field = page.locator(box)
    field.click()
    field.fill("")
    field.press_sequentially(question, delay=15)
    panel = panel_of(page, question)
    panel.wait_for()
    return panel


def answers_of(site: Path):
    """kb.engine's answers over `site`'s index as contract 4 orders them: good articles,
    good pages, the other articles; none when the articles decline (kb ask's decline).
    The function returns (urls relative to the site root, declined, suggestion)."""
    load = folder_loader(str(site / "search"))
    articles = Engine(IndexFiles(load))
    pages = Engine(IndexFiles(pages_loader(load)), base=articles)

    def answer(question: str, limit: int = 5) -> tuple[list[str], bool, str | None]:
        found = articles.ask(question, limit)
        if not found.good:
            return [], True, found.suggestion
        best = found.answers
        rest = [h for h in found.hits if all(h is not b for b in best)]
        shown = [h.url for h in best + pages.ask(question, limit).answers + rest][:limit]
        return shown, False, None
    return answer


@pytest.fixture(scope="module")
def oracle(demo_site: Path):
    return answers_of(demo_site)


# --- Answers ---------------------------------------------------------------------------

@pytest.mark.parametrize(("question", "slug"), list(ANSWERED.items()))
def test_the_best_answer_comes_as_a_card_with_its_summary_and_a_link_to_the_article(
        browser, base_url, demo_site, oracle, question, slug):
    urls, declined, _ = oracle(question, 8)
    assert not declined and urls[0] == slug + "/"  # the right article first, in Python
    context, page = at(browser)
    page.goto(base_url)
    panel = search_for(page, HOME, question)
    card = panel.locator(".kb-s__card")
    assert card.get_attribute("href") == base_url + slug + "/"  # on the host the shopper is on
    article = (demo_site / slug / "index.html").read_text(encoding="utf-8")
    assert card.locator(".kb-s__title").inner_text() in article
    assert len(card.locator(".kb-s__summary").inner_text()) > 40
    assert card.locator(".kb-s__more").inner_text() == "Lees het hele antwoord"
    # Up to four more articles after the card, then pages (blog posts), as Python ranks them.
    options = panel.locator("[role=option]")
    hrefs = [o.get_attribute("href")[len(base_url):] for o in options.all()]
    articles = [u for u in urls if not u.startswith("blog/")]
    assert hrefs[:len(articles[:5])] == articles[:5]
    assert all(u.startswith("blog/") for u in hrefs[len(articles[:5]):])
    card.click()
    page.wait_for_url(base_url + slug + "/")
    context.close()


def test_a_question_nothing_answers_says_so_and_offers_the_open_chat_first(
        browser, base_url, oracle):
    assert oracle(OUT_OF_SCOPE)[1]
    context, page = at(browser, OPEN)
    page.goto(base_url + ARTICLE)
    panel = search_for(page, HEADER, OUT_OF_SCOPE)
    assert panel.locator("[role=option]").count() == 0
    assert panel.locator(".kb-s__none").inner_text() == "Daar hebben we nog geen antwoord op"
    channels = panel.locator("[data-kb-channel]")
    assert channels.first.get_attribute("data-kb-channel") == "chat"
    assert channels.first.locator("[data-kb-status]").inner_text().startswith("nu open")
    assert channels.first.get_by_role("link", name="Start de chat").get_attribute(
        "href") == "https://bonenbaai.example/chat"
    assert panel.get_by_role("link", name="Alle contactmogelijkheden").get_attribute(
        "href") == base_url + "contact/"
    assert page.locator(HEADER).get_attribute("aria-expanded") == "false"  # no list to show
    context.close()


def test_a_closed_chat_comes_last_with_when_it_opens(browser, base_url):
    context, page = at(browser, EVENING)
    page.goto(base_url)
    panel = search_for(page, HOME, OUT_OF_SCOPE)
    ids = panel.locator("[data-kb-channel]").evaluate_all(
        "items => items.map(i => i.dataset.kbChannel)")
    assert ids[-1] == "chat" and len(ids) == 4
    chat = panel.locator("[data-kb-channel=chat]")
    assert chat.locator("[data-kb-status]").inner_text() == "gesloten · morgen vanaf 08:30"
    assert chat.locator("a, button").count() == 0  # never offered while closed
    whatsapp = panel.locator("[data-kb-channel=whatsapp]")
    assert whatsapp.locator("[data-kb-status]").inner_text().startswith("nu open")
    context.close()


def test_a_spelling_suggestion_is_shown_and_asks_again_when_chosen(browser, base_url, oracle):
    question = next(q for q in MISSPELT if oracle(q)[2])
    suggestion = oracle(question)[2]
    context, page = at(browser)
    page.goto(base_url)
    panel = search_for(page, HOME, question)
    hint = panel.locator(".kb-s__suggest")
    assert hint.inner_text() == f"Bedoel je {suggestion}?"
    hint.get_by_role("button", name=suggestion).click()
    assert page.locator(HOME).input_value() == suggestion
    panel_of(page, suggestion).wait_for()
    context.close()


def test_the_search_page_answers_the_question_in_its_address_at_once(browser, base_url,
                                                                      oracle):
    context, page = at(browser)
    page.goto(base_url + "search/?q=" + "retourneren+kosten")
    panel = panel_of(page, "retourneren kosten")
    panel.wait_for()
    assert panel.locator(".kb-s__card").get_attribute("href") == \
        base_url + oracle("retourneren kosten")[0][0]
    field = page.locator("main [data-kb-search] input[name=q]")
    assert field.input_value() == "retourneren kosten"
    # Sent again from the page: answered in place, and the address follows.
    field.fill("kan ik betalen met ideal")
    field.press("Enter")
    panel_of(page, "kan ik betalen met ideal").wait_for()
    assert page.url == base_url + "search/?q=kan%20ik%20betalen%20met%20ideal"
    context.close()


# --- Keyboard and screen reader ------------------------------------------------------

def test_the_search_is_an_aria_combobox_that_works_from_the_keyboard(browser, base_url):
    context, page = at(browser)
    page.goto(base_url + ARTICLE)
    field = page.locator(HEADER)
    panel = search_for(page, HEADER, "retourneren kosten")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-autocomplete") == "list"
    listbox = page.locator("#" + field.get_attribute("aria-controls"))
    assert listbox.get_attribute("role") == "listbox"
    assert listbox.get_attribute("aria-label") == "Antwoorden"
    assert field.get_attribute("aria-expanded") == "true"
    options = listbox.locator("[role=option]")
    n = options.count()
    assert 2 <= n <= 8
    # The result count is announced politely.
    live = page.locator("[data-kb-search=overlay] [role=status]")
    assert live.get_attribute("aria-live") == "polite"
    assert live.inner_text() == f"{n} antwoorden gevonden"
    # Arrow keys move the active option; the focus stays in the box.
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    assert options.nth(0).get_attribute("aria-selected") == "true"
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(0).get_attribute("aria-selected") == "false"
    field.press("ArrowUp")
    field.press("ArrowUp")  # past the first: the last
    assert field.get_attribute("aria-activedescendant") == options.nth(n - 1).get_attribute("id")
    assert page.evaluate("document.activeElement.id") == HEADER[1:]
    # Escape closes; the arrow opens again; Enter opens the active answer.
    field.press("Escape")
    assert panel.is_hidden() and field.get_attribute("aria-expanded") == "false"
    assert field.get_attribute("aria-activedescendant") is None
    field.press("ArrowDown")
    assert panel.is_visible()
    href = options.nth(0).get_attribute("href")
    field.press("Enter")
    page.wait_for_url(href)
    context.close()


def test_tab_leaves_the_options_to_the_arrow_keys_and_reaches_the_suggestion(browser,
                                                                             base_url):
    context, page = at(browser)
    page.goto(base_url)
    panel = search_for(page, HOME, "retourneren kosten")
    assert all(o.get_attribute("tabindex") == "-1" for o in panel.locator("[role=option]").all())
    page.locator(HOME).press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"  # the form's button
    context.close()


# --- Phone, layout, palettes -----------------------------------------------------------

def test_on_a_phone_the_header_search_covers_the_screen_and_closes_again(browser, base_url):
    context, page = at(browser, viewport={"width": 390, "height": 844}, is_mobile=True,
                       has_touch=True)
    page.goto(base_url + ARTICLE)
    title = page.locator("h1").bounding_box()
    search_for(page, HEADER, "retourneren kosten")
    form = page.locator("form[data-kb-search=overlay]")
    assert form.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    card = page.locator("form[data-kb-search=overlay] .kb-s__card").bounding_box()
    assert card["y"] > page.locator(HEADER).bounding_box()["y"]
    assert card["x"] >= 0 and card["x"] + card["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    close = form.locator(".kb-s__close")
    assert close.get_attribute("aria-label") == "Sluiten"
    close.click()
    assert form.locator(".kb-s").is_hidden()
    assert page.locator("h1").bounding_box() == title  # the page under it never moved
    assert page.locator(".kb-s-hold").count() == 0
    context.close()


CLS = """window.__shifts = [];
new PerformanceObserver(list => list.getEntries().forEach(e => __shifts.push(
  {value: e.value, input: e.hadRecentInput}))).observe({type: "layout-shift", buffered: true});"""


def slow_search(page, ms: int = 800) -> None:
    """The answer index arrives `ms` late, as on a slow connection: answers come long
    after the key that asked (a layout shift then counts against the page)."""
    def later(route):
        page.wait_for_timeout(ms)
        route.continue_()
    page.route("**/search/**/*.js", later)


def layout_shift(page) -> float:
    """The page's layout shift score: shifts not caused by the shopper's own input."""
    return sum(s["value"] for s in page.evaluate("window.__shifts") if not s["input"])


def test_nothing_shifts_while_a_page_loads_and_a_shopper_searches(browser, base_url):
    context, page = at(browser)
    page.add_init_script(CLS)
    slow_search(page)
    page.goto(base_url + ARTICLE, wait_until="networkidle")
    search_for(page, HEADER, "retourneren kosten")
    page.locator(HEADER).press("Escape")
    search_for(page, HEADER, OUT_OF_SCOPE)
    page.wait_for_timeout(300)
    # The overlay moves nothing at all, not even right after a key.
    assert page.evaluate("window.__shifts") == []
    # Inline answers take their room as the shopper types: the score stays 0.
    page.goto(base_url, wait_until="networkidle")
    search_for(page, HOME, "waar blijft mijn pakket")
    search_for(page, HOME, OUT_OF_SCOPE)
    page.wait_for_timeout(300)
    assert layout_shift(page) == 0
    # The search page keeps the room of the answers to ?q= from its first paint.
    page.goto(base_url + "search/?q=retourneren+kosten")
    panel_of(page, "retourneren kosten").wait_for()
    page.wait_for_timeout(300)
    assert layout_shift(page) == 0
    context.close()


def test_the_answers_follow_the_dark_palette(browser, base_url):
    context, page = at(browser, color_scheme="dark")
    page.goto(base_url)
    panel = search_for(page, HOME, "retourneren kosten")
    background = panel.evaluate("p => getComputedStyle(p).backgroundColor")
    colour = panel.locator(".kb-s__title").first.evaluate("t => getComputedStyle(t).color")
    assert luminance(background) < 0.2 < luminance(colour)
    context.close()


def luminance(css: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# --- What is fetched ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", ARTICLE, "contact/", "search/"])
def test_a_first_page_load_fetches_no_search_data_and_nothing_from_elsewhere(
        browser, base_url, path):
    context, page = at(browser)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + path, wait_until="load")
    page.wait_for_timeout(3000)
    paths = [u[len(base_url):] for u in requests if u.startswith(base_url)]
    assert [p for p in paths if "search" in p.split("?")[0] or "/engine/" in p] == \
        (["search/"] if path == "search/" else [])
    assert [u for u in requests if not u.startswith(base_url) and not u.startswith("data:")] == []
    assert page.evaluate("typeof window.kbHelp.ask") == "function"
    context.close()


def test_a_search_fetches_the_engine_once_and_only_from_the_help_centre(browser, base_url):
    context, page = at(browser)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + ARTICLE)
    search_for(page, HEADER, "retourneren kosten")
    search_for(page, HEADER, "kan ik betalen met ideal")
    assert all(u.startswith(base_url) or u.startswith("data:") for u in requests)
    scripts = [u for u in requests if re.search(r"/(engine/\w+|search)\.(js|css)$", u)]
    assert sorted(u[len(base_url):] for u in scripts) == [
        "assets/kb/engine/analysis.js", "assets/kb/engine/engine.js",
        "assets/kb/search.css", "assets/kb/search.js"]
    index = [u for u in requests if u.startswith(base_url + "search/")]
    assert index and len(index) == len(set(index))  # each index file at most once
    assert all(u.endswith(".js") for u in index)
    context.close()



@pytest.mark.parametrize(("box", "question"), [(HOME, "retourneren kosten"),
                                               (HEADER, OUT_OF_SCOPE), (HOME, MISSPELT[0])])
def test_open_answers_have_no_accessibility_violations(browser, base_url, box, question):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-playwright-python is not installed")
    for when in (OPEN, EVENING):
        context, page = at(browser, when)
        page.goto(base_url)
        search_for(page, box, question)
        page.locator(box).press("ArrowDown")
        results = axe.Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        context.close()
