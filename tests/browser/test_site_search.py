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
    chat = channels.first.get_by_role("link", name="Start de chat")
    assert chat.get_attribute("href") == "https://bonenbaai.example/chat"
    # Its text in the button's colours, not the links' (it was brown on brown).
    assert contrast(*chat.evaluate(
        "a => [getComputedStyle(a).color, getComputedStyle(a).backgroundColor]")) >= 4.5
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
    page.keyboard.press("Tab")  # the answers' box, to scroll them: it shows its focus
    assert page.evaluate("document.activeElement.classList.contains('kb-s')")
    assert panel.evaluate("p => getComputedStyle(p).outlineStyle") == "solid"
    context.close()


def test_answers_over_the_page_close_when_the_shopper_presses_elsewhere(browser, base_url):
    context, page = at(browser)
    page.goto(base_url)
    panel = search_for(page, HOME, "retourneren kosten")
    page.locator("h2").first.click(position={"x": 5, "y": 5})
    assert panel.is_hidden()
    page.locator(HOME).click()  # back in the box: the answers again
    assert panel.is_visible()
    page.goto(base_url + ARTICLE)
    panel = search_for(page, HEADER, "retourneren kosten")
    page.locator("h1").click(position={"x": 5, "y": 5})
    assert panel.is_hidden()
    # The search page's answers are its content: they stay.
    page.goto(base_url + "search/?q=retourneren+kosten")
    panel = panel_of(page, "retourneren kosten")
    panel.wait_for()
    page.locator("h1").click(position={"x": 5, "y": 5})
    assert panel.is_visible()
    context.close()


# --- Phone, layout, palettes -----------------------------------------------------------

PHONES = [{"width": 390, "height": 844}, {"width": 360, "height": 640}]
MAGNIFIER = "form[data-kb-search=overlay] .kb-search__button"


def phone(browser, size: dict[str, int], **options):
    return at(browser, viewport=size, is_mobile=True, has_touch=True, **options)


def header_box(page) -> list[dict[str, float]]:
    """Where the header's parts are: none of them moves while the search is open."""
    return page.locator(".md-header__inner > *").evaluate_all(
        "items => items.map(i => { const r = i.getBoundingClientRect();"
        " return {x: r.x, width: r.width}; })")


@pytest.mark.parametrize("size", PHONES, ids=lambda s: f"{s['width']}px")
def test_on_a_phone_the_header_shows_the_site_name_and_a_magnifier_instead_of_the_box(
        browser, base_url, size):
    context, page = phone(browser, size)
    page.goto(base_url + ARTICLE)
    name = page.locator(".md-header__topic .md-ellipsis").first
    assert name.inner_text() == "Bonenbaai Klantenservice"
    assert name.bounding_box()["width"] >= 150  # it was cut to "B" (10 px) beside the box
    assert page.locator(HEADER).is_hidden()
    magnifier = page.get_by_role("button", name="Zoeken", exact=True)
    assert magnifier.is_visible() and magnifier.get_attribute("type") == "submit"
    assert page.locator(".kb-search__close").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    context.close()


@pytest.mark.parametrize("size", PHONES, ids=lambda s: f"{s['width']}px")
def test_on_a_phone_the_magnifier_opens_the_search_full_screen_and_the_back_button_closes_it(
        browser, base_url, size):
    context, page = phone(browser, size)
    page.goto(base_url + ARTICLE)
    title = page.locator("h1").bounding_box()
    header = header_box(page)
    page.locator(MAGNIFIER).tap()
    form = page.locator("form[data-kb-search=overlay]")
    assert form.bounding_box() == {"x": 0, "y": 0, **size}
    assert page.evaluate("document.activeElement.id") == HEADER[1:]  # the keyboard comes up
    page.locator(HEADER).press_sequentially("retourneren kosten", delay=15)
    panel = panel_of(page, "retourneren kosten")
    panel.wait_for()
    card = form.locator(".kb-s__card").bounding_box()
    assert card["y"] > page.locator(HEADER).bounding_box()["y"]
    assert card["x"] >= 0 and card["x"] + card["width"] <= size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    back = form.get_by_role("button", name="Sluiten")
    back.tap()
    assert panel.is_hidden() and page.locator(HEADER).is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('kb-search__button')")
    assert page.locator(".kb-s-hold").count() == 0
    assert header_box(page) == header
    assert page.locator("h1").bounding_box() == title  # the page under it never moved
    # Opened again: the question and its answers are still there.
    page.locator(MAGNIFIER).tap()
    assert page.locator(HEADER).input_value() == "retourneren kosten"
    assert panel.is_visible()
    context.close()


def test_on_a_phone_escape_and_tab_close_the_full_screen_search_without_trapping_the_focus(
        browser, base_url):
    context, page = phone(browser, PHONES[0])
    page.goto(base_url + ARTICLE)
    magnifier = page.locator(MAGNIFIER)
    magnifier.focus()
    page.keyboard.press("Enter")  # a keyboard opens it as a tap does
    search_for(page, HEADER, "retourneren kosten")
    page.keyboard.press("Escape")
    assert page.locator(HEADER).is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('kb-search__button')")
    assert page.locator(HEADER).input_value() == "retourneren kosten"  # kept for next time
    # Tab walks through the open search and out of it; leaving closes it.
    page.keyboard.press("Enter")
    assert page.locator("form.kb-s-full").count() == 1
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.locator("form.kb-s-full").count() == 0:
            break
    assert page.locator("form.kb-s-full").count() == 0
    assert not page.evaluate("document.activeElement.closest('form[data-kb-search]')")
    assert page.locator(".kb-s-hold").count() == 0
    context.close()


def test_a_phone_keyboard_put_away_keeps_the_answers_open(browser, base_url):
    context, page = phone(browser, PHONES[0])
    page.goto(base_url + ARTICLE)
    page.locator(MAGNIFIER).tap()
    panel = search_for(page, HEADER, "retourneren kosten")
    page.evaluate("document.activeElement.blur()")  # "Done" on the keyboard
    assert panel.is_visible() and page.locator("form.kb-s-full").count() == 1
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


def test_nothing_shifts_on_a_phone_when_the_search_opens_answers_and_closes(browser,
                                                                            base_url):
    context, page = phone(browser, PHONES[0])
    page.add_init_script(CLS)
    slow_search(page)
    page.goto(base_url + ARTICLE, wait_until="networkidle")
    page.locator(MAGNIFIER).tap()
    search_for(page, HEADER, "retourneren kosten")
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Sluiten").tap()
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


def contrast(one: str, two: str) -> float:
    """WCAG's contrast ratio of two opaque CSS colours."""
    def relative(css: str) -> float:
        def linear(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (linear(int(x) / 255) for x in re.findall(r"\d+", css)[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted([relative(one), relative(two)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


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


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_full_screen_phone_search_has_no_accessibility_violations(browser, base_url,
                                                                      scheme):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-playwright-python is not installed")
    context, page = phone(browser, PHONES[0], color_scheme=scheme)
    page.goto(base_url + ARTICLE)
    page.locator(MAGNIFIER).tap()
    search_for(page, HEADER, OUT_OF_SCOPE)
    results = axe.Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    context.close()
