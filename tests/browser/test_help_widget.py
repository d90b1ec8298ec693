"""The help block on a shop's own pages (help/kb-help.js), in a real browser.

A small help centre is built with pinned opening hours; made-up shop pages
embed its blocks from the same origin (served under a strict Content Security
Policy) and from another origin (with and without a CORS header). Clock and
time zone are pinned with Playwright's clock and the context's timezone_id.
"""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import pytest

from kb.mkdocs.builder import build_site
from tests.browser.conftest import serve
from tests.conftest import article

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "img-src 'self' data:; form-action 'self'; base-uri 'none'")
SUMMARY = "Echt \"gratis\" & snel, </ script"
NASTY = "<img src=x onerror=\"window.__xss=1\"> \"</script>\" 'quoted'?"
CONFIG = """\
site_name: Winkel Hulp
site_url: https://help.shop.example/
docs_dir: docs
theme:
  name: material
  language: nl
  font: false
plugins:
  - search
  - kb:
      coverage_policy: warn     # three policy areas are enough for the widget
      help_questions: 3
      chat_invite_after: 45
      contact:
        timezone: Europe/Amsterdam
        closed: [2026-12-25, 2026-12-26]
        channels:
          - type: chat
            link: https://shop.example/chat
            action: Shop.openChat
            hours: {mon-fri: "08:30-17:30", sat: "10:00-16:00"}
            response_time: 2 minutes
          - type: phone
            number: "030 123 45 67"
            hours: {mon-fri: "09:00-17:00"}
            response_time: 5 minutes
          - type: email
            address: service@shop.example
            response_time: 1 workday
"""
# Broad rules of the kind a shop has: the block must keep its own look.
SHOP_CSS = """\
body { font-family: Georgia, serif; letter-spacing: 2px; color: rgb(120, 0, 0); }
h2 { color: rgb(200, 0, 0); text-transform: uppercase; }
ul { list-style: square; padding-left: 5em; }
button { background: rgb(255, 0, 0); }
"""
SHOP_JS = "window.Shop = { chats: 0, openChat: function () { this.chats += 1; } };\n"


def shop_page(blocks: str, help_url: str) -> str:
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Winkelwagen</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="shop.css"></head>
<body><h1 id="top">Winkelwagen</h1>
{blocks}
<p id="after">Verder winkelen</p>
<script src="shop.js"></script>
<script src="{help_url}help/kb-help.js" defer></script>
</body></html>
"""


def write_shop(folder: Path, help_url: str) -> None:
    """The made-up shop's pages, loading the help centre from `help_url`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shop.css").write_text(SHOP_CSS)
    (folder / "shop.js").write_text(SHOP_JS)
    fallback = f'<a id="fallback" href="{help_url}help/cart.html">Hulp bij je bestelling</a>'
    pages = {
        "cart.html": f'<div id="cart" data-kb-help="cart">{fallback}</div>',
        "two.html": '<div id="cart" data-kb-help="cart" data-kb-title="Winkelwagen"></div>\n'
                    '<div id="product" data-kb-help="product" data-kb-questions="1" '
                    'data-kb-title="Product"></div>',
        "same.html": '<div data-kb-help="cart"></div><div data-kb-help="cart" '
                     'data-kb-title="Nog eens"></div>',
        "script.html": '<div id="cart" data-kb-help="cart" data-kb-load="script"></div>',
        "missing.html": f'<div id="cart" data-kb-help="nothing-here">{fallback}</div>',
    }
    for name, blocks in pages.items():
        (folder / name).write_text(shop_page(blocks, help_url))


@pytest.fixture(scope="module")
def help_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("helpcentre")
    (root / "mkdocs.yml").write_text(CONFIG)
    docs = root / "docs"
    articles = {
        "returns/kosten": ("Wie betaalt de retourkosten?", "Retourneren is gratis.", ["cart"]),
        "returns/termijn": ("Hoe lang heb ik om iets terug te sturen?", "30 dagen.",
                            ["cart", "product"]),
        "shipping/nasty": (NASTY, SUMMARY, ["cart"]),
        "shipping/snel": ("Hoe snel bezorgen jullie?", "Morgen in huis.", ["cart", "product"]),
        "payment/ideal": ("Kan ik betalen met iDEAL?", "Ja.", ["checkout"]),
    }
    for slug, (title, summary, contexts) in articles.items():
        policy = slug.split("/")[0]
        stage = {"returns": "returns", "shipping": "delivery", "payment": "order"}[policy]
        path = docs / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(title=title, summary=summary, policy=policy, stage=stage,
                                contexts=contexts), encoding="utf-8")
    site = root / "site"
    build_site(str(root / "mkdocs.yml"), today=datetime(2026, 11, 22).date(),
               site_dir=str(site))
    return site


@pytest.fixture(scope="module")
def strict_url(help_site: Path):
    """The help centre with the shop's pages on the same origin, under a strict CSP."""
    write_shop(help_site / "shop", "../")
    with serve(help_site, {"Content-Security-Policy": CSP}) as url:
        yield url


@pytest.fixture(scope="module")
def other_origin(help_site: Path, tmp_path_factory: pytest.TempPathFactory):
    """(shop URL, help URL): the shop on one origin, the help centre on another
    that sends no CORS header; and the same with one (shop URL + "cors/")."""
    shop = tmp_path_factory.mktemp("shop")
    with serve(help_site) as plain, \
            serve(help_site, {"Access-Control-Allow-Origin": "*"}) as cors, \
            serve(shop) as shop_url:
        write_shop(shop, plain)
        write_shop(shop / "cors", cors)
        yield shop_url, plain, cors


def open_page(browser, url: str, when: str, timezone: str = "Europe/Amsterdam", **options):
    """A page at `url` with the clock at `when` (ISO, with offset) in `timezone`."""
    context = browser.new_context(timezone_id=timezone, locale="nl-NL",
                                  viewport={"width": 1000, "height": 900}, **options)
    page = context.new_page()
    page.clock.install(time=datetime.fromisoformat(when))
    page.goto(url)
    page.wait_for_selector(".kb-help")  # Playwright's CSS pierces open shadow roots
    return context, page


def statuses(page) -> dict[str, str]:
    return {item.get_attribute("data-kb-channel"): item.locator(".kb-help__status").inner_text()
            for item in page.locator("#cart .kb-help__channel").all()}


# --- What a block shows ------------------------------------------------------------

def test_block_shows_its_contexts_top_questions_search_and_contact(browser, strict_url):
    context, page = open_page(browser, strict_url + "shop/two.html", "2026-11-23T10:00+01:00")
    cart = page.locator("#cart")
    assert cart.locator("h2").inner_text() == "Winkelwagen"
    # help_questions: 3, most popular first; the same order as help/cart.json.
    expected = [q["title"] for q in page.evaluate(
        "fetch('../help/cart.json').then(r => r.json())")["questions"]]
    assert cart.locator(".kb-help__toggle").all_inner_texts() == expected
    assert len(expected) == 3
    product = page.locator("#product")
    product.locator(".kb-help__toggle").first.wait_for()
    # data-kb-questions="1" shows one; its questions are the product context's.
    assert product.locator(".kb-help__toggle").all_inner_texts() == [
        "Hoe lang heb ik om iets terug te sturen?"]
    assert cart.locator("input[type=search]").count() == 1
    assert cart.locator("h3.kb-help__subtitle").inner_text() == "Liever iemand spreken?"
    assert cart.locator(".kb-help__more a").get_attribute("href") == strict_url + "contact/"
    context.close()


def test_questions_expand_and_collapse_by_mouse(browser, strict_url):
    context, page = open_page(browser, strict_url + "shop/cart.html", "2026-11-23T10:00+01:00")
    button = page.locator("#cart .kb-help__toggle").first
    panel = page.locator("#cart #" + button.get_attribute("aria-controls"))
    assert button.get_attribute("aria-expanded") == "false" and not panel.is_visible()
    assert button.evaluate("b => b.parentElement.tagName") == "H3"
    button.click()
    assert button.get_attribute("aria-expanded") == "true" and panel.is_visible()
    link = panel.locator("a")
    assert link.inner_text() == "Lees het hele antwoord"
    slug = page.evaluate("fetch('../help/cart.json').then(r => r.json())")["questions"][0]["slug"]
    assert link.get_attribute("href") == strict_url + slug + "/"
    assert page.request.get(link.get_attribute("href")).status == 200
    button.click()
    assert button.get_attribute("aria-expanded") == "false" and not panel.is_visible()
    context.close()


def test_questions_work_from_the_keyboard_with_a_visible_focus(browser, strict_url):
    context, page = open_page(browser, strict_url + "shop/cart.html", "2026-11-23T10:00+01:00")
    page.keyboard.press("Tab")
    focused = "document.querySelector('#cart').shadowRoot.activeElement"
    assert page.evaluate(f"{focused}.className") == "kb-help__toggle"
    outline = page.evaluate(f"getComputedStyle({focused}).outlineStyle + ' ' + "
                            f"getComputedStyle({focused}).outlineWidth")
    assert outline == "solid 3px"
    page.keyboard.press("Enter")
    assert page.evaluate(f"{focused}.getAttribute('aria-expanded')") == "true"
    page.keyboard.press("Space")
    assert page.evaluate(f"{focused}.getAttribute('aria-expanded')") == "false"
    # Tab moves on to the next question: collapsed answers hold no focusable link.
    page.keyboard.press("Tab")
    assert page.evaluate(f"{focused}.textContent") == page.locator(
        "#cart .kb-help__toggle").nth(1).inner_text()
    context.close()


def test_search_box_answers_in_the_block_and_the_shopper_stays(browser, strict_url):
    context, page = open_page(browser, strict_url + "shop/cart.html", "2026-11-23T10:00+01:00")
    box = page.locator("#cart input[type=search]")
    assert page.locator("#cart label").inner_text() == "Zoek in de klantenservice"
    box.fill("retourkosten")
    box.press("Enter")
    card = page.locator("#cart .kb-s__card")
    assert card.locator(".kb-s__title").inner_text() == "Wie betaalt de retourkosten?"
    assert card.get_attribute("href") == strict_url + "returns/kosten/"
    assert page.url == strict_url + "shop/cart.html"
    context.close()


def test_search_box_leads_to_the_search_page_when_the_search_cannot_load(browser, strict_url):
    context = browser.new_context()
    page = context.new_page()
    page.route("**/assets/kb/search.js", lambda route: route.fulfill(status=404))
    page.goto(strict_url + "shop/cart.html")
    box = page.locator("#cart input[type=search]")
    box.fill("retour sturen")
    box.press("Enter")
    page.wait_for_url(strict_url + "search/?q=retour+sturen")
    context.close()


def test_shop_css_and_block_css_stay_apart(browser, strict_url):
    context, page = open_page(browser, strict_url + "shop/cart.html", "2026-11-23T10:00+01:00")
    title = page.locator("#cart h2")
    style = title.evaluate("h => [getComputedStyle(h).color, getComputedStyle(h).textTransform,"
                           " getComputedStyle(h).letterSpacing]")
    assert style == ["rgb(31, 35, 40)", "none", "normal"]
    assert page.locator("#cart ul").first.evaluate(
        "u => getComputedStyle(u).listStyleType") == "none"
    # The shop's own page keeps its look, and gets no styles of ours.
    assert page.evaluate("getComputedStyle(document.body).fontFamily") == "Georgia, serif"
    assert page.evaluate("document.querySelectorAll('style, link[rel=stylesheet]').length") == 1
    context.close()


def test_no_layout_shift_outside_the_block_and_it_fits_a_phone(browser, strict_url):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto(strict_url + "shop/cart.html")
    top = page.locator("#top").bounding_box()
    page.wait_for_selector(".kb-help")
    assert page.locator("#top").bounding_box() == top
    host, block = page.locator("#cart").bounding_box(), page.locator(".kb-help").bounding_box()
    assert block["x"] >= host["x"] and block["x"] + block["width"] <= host["x"] + host["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


# --- Opening hours, computed in the shopper's browser --------------------------------

TIMES = [
    # (shopper's clock, shopper's zone, chat, phone)
    ("2026-11-23T10:00+01:00", "Europe/Amsterdam",  # Monday morning
     "nu open · Reactie meestal binnen 2 minuten",
     "nu open · Wachttijd meestal minder dan 5 minuten"),
    ("2026-11-23T18:00+01:00", "Europe/Amsterdam",  # Monday evening
     "gesloten · morgen vanaf 08:30", "gesloten · morgen vanaf 09:00"),
    ("2026-11-24T00:30+01:00", "Europe/Amsterdam",  # just after midnight
     "gesloten · vandaag vanaf 08:30", "gesloten · vandaag vanaf 09:00"),
    ("2026-11-28T12:00+01:00", "Europe/Amsterdam",  # Saturday: chat only
     "nu open · Reactie meestal binnen 2 minuten", "gesloten · maandag vanaf 09:00"),
    ("2026-11-28T17:00+01:00", "Europe/Amsterdam",  # Saturday after closing
     "gesloten · maandag vanaf 08:30", "gesloten · maandag vanaf 09:00"),
    ("2026-12-25T11:00+01:00", "Europe/Amsterdam",  # Christmas, a Friday; Saturday too
     "gesloten · maandag vanaf 08:30", "gesloten · maandag vanaf 09:00"),
    ("2026-11-23T18:00+01:00", "America/New_York",  # noon in New York
     "gesloten · morgen vanaf 02:30 (jouw tijd)", "gesloten · morgen vanaf 03:00 (jouw tijd)"),
    ("2026-11-23T18:00+01:00", "Asia/Tokyo",  # already Tuesday 02:00 in Tokyo
     "gesloten · vandaag vanaf 16:30 (jouw tijd)", "gesloten · vandaag vanaf 17:00 (jouw tijd)"),
    ("2026-11-23T18:00+01:00", "Europe/Brussels",  # another zone, the same clock
     "gesloten · morgen vanaf 08:30", "gesloten · morgen vanaf 09:00"),
]


@pytest.mark.parametrize(("when", "timezone", "chat", "phone"), TIMES)
def test_availability_for_pinned_times(browser, strict_url, when, timezone, chat, phone):
    context, page = open_page(browser, strict_url + "shop/cart.html", when, timezone)
    assert statuses(page) == {"chat": chat, "phone": phone,
                              "email": "Reactie meestal binnen 1 werkdag"}
    context.close()


def test_open_channels_are_offered_and_closed_ones_are_not(browser, strict_url):
    context, page = open_page(browser, strict_url + "shop/cart.html", "2026-11-23T10:00+01:00")
    chat = page.locator("#cart [data-kb-channel=chat]")
    assert chat.locator("[data-kb-status]").get_attribute("data-kb-status") == "open"
    # The configured global function opens the shop's own chat.
    chat.locator("button", has_text="Start de chat").click()
    assert page.evaluate("window.Shop.chats") == 1
    phone = page.locator("#cart [data-kb-channel=phone] a")
    assert phone.get_attribute("href") == "tel:0301234567"
    assert page.locator("#cart [data-kb-channel=email] a").get_attribute(
        "href") == "mailto:service@shop.example"
    context.close()

    context, page = open_page(browser, strict_url + "shop/cart.html", "2026-11-23T18:00+01:00")
    chat = page.locator("#cart [data-kb-channel=chat]")
    assert chat.locator("[data-kb-status]").get_attribute("data-kb-status") == "closed"
    assert chat.locator("a, button").count() == 0
    phone = page.locator("#cart [data-kb-channel=phone]")
    assert phone.locator("a").count() == 0 and "030 123 45 67" in phone.inner_text()
    context.close()


def test_chat_falls_back_to_its_link_without_the_shops_function(browser, strict_url):
    context = browser.new_context(timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.clock.install(time=datetime.fromisoformat("2026-11-23T10:00+01:00"))
    page.route("**/shop/shop.js",
               lambda route: route.fulfill(body="", content_type="text/javascript"))
    page.goto(strict_url + "shop/cart.html")
    link = page.locator("#cart [data-kb-channel=chat] a.kb-help__chat")
    assert link.inner_text() == "Start de chat"
    assert link.get_attribute("href") == "https://shop.example/chat"
    context.close()


def test_a_page_left_open_stays_honest(browser, strict_url):
    context, page = open_page(browser, strict_url + "shop/cart.html", "2026-11-23T17:29:00+01:00")
    assert statuses(page)["chat"].startswith("nu open")
    page.clock.run_for("01:05")
    assert statuses(page)["chat"] == "gesloten · morgen vanaf 08:30"
    assert page.locator("#cart [data-kb-channel=chat] button").count() == 0
    context.close()


STATUS = "(args) => kbHelp.status(args[0], args[1], Date.parse(args[2])).text"


def test_far_openings_and_summer_time(browser, strict_url):
    context, page = open_page(browser, strict_url + "shop/cart.html", "2026-11-23T18:00+01:00")
    data = page.evaluate("fetch('../help/cart.json').then(r => r.json())")
    chat = next(c for c in data["channels"] if c["id"] == "chat")
    # More than six days ahead: a date.
    away = dict(chat, closed=[f"2026-11-{d}" for d in range(24, 31)] + ["2026-12-01"])
    assert page.evaluate(STATUS, [away, data, "2026-11-23T18:00+01:00"]) == \
        "gesloten · 2 december vanaf 08:30"
    # Across the change to summer time the opening stays 08:30 on the shop's clock.
    assert page.evaluate(STATUS, [chat, data, "2027-03-27T17:00+01:00"]) == \
        "gesloten · maandag vanaf 08:30"
    # Nothing within two weeks: just closed.
    never = dict(chat, hours={day: [] for day in chat["hours"]})
    assert page.evaluate(STATUS, [never, data, "2026-11-23T18:00+01:00"]) == "gesloten"
    context.close()


# --- Loading: once per context, from another origin, under a strict CSP ---------------

def test_several_blocks_of_one_context_fetch_its_data_once(browser, strict_url):
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(strict_url + "shop/same.html")
    # A locator, not wait_for_function: a string predicate is eval'd in the page,
    # which this page's CSP (no 'unsafe-eval') forbids.
    page.locator("[data-kb-help]").nth(1).locator(".kb-help").wait_for()
    assert page.locator(".kb-help").count() == 2
    assert [u for u in requests if "/help/cart." in u] == [strict_url + "help/cart.json"]
    context.close()


def test_strict_csp_and_no_request_beyond_the_help_centre(browser, strict_url):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("window.__csp = []; document.addEventListener("
                         "'securitypolicyviolation', e => __csp.push(e.violatedDirective))")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for name in ("cart.html", "two.html", "script.html"):
        page.goto(strict_url + "shop/" + name)
        page.wait_for_selector(".kb-help")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == []
        # Styled through the constructed stylesheet, which the CSP allows.
        assert page.locator(".kb-help").first.evaluate(
            "s => getComputedStyle(s).borderTopStyle") == "solid"
    assert all(url.startswith(strict_url) or url.startswith("data:") for url in requests)
    assert strict_url + "help/cart.js" in requests  # data-kb-load="script"
    context.close()


def test_loads_from_another_origin_with_or_without_cors(browser, other_origin):
    shop_url, plain, cors = other_origin
    for page_url, help_url, data_file in ((shop_url + "cart.html", plain, "cart.js"),
                                          (shop_url + "cors/cart.html", cors, "cart.json")):
        context = browser.new_context()
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        page.goto(page_url)
        page.wait_for_selector(".kb-help__toggle")
        assert help_url + "help/" + data_file in requests
        assert not [u for u in requests
                    if not (u.startswith(shop_url) or u.startswith(help_url) or
                            u.startswith("data:"))]
        # Links point at the help centre, not at the shop.
        href = page.locator("#cart .kb-help__answer a").first.get_attribute("href")
        assert href.startswith(help_url)
        context.close()


def test_the_shops_own_fallback_stays_when_there_is_no_data(browser, strict_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(strict_url + "shop/missing.html")
    page.wait_for_load_state("networkidle")
    assert page.locator("#fallback").is_visible()
    assert page.locator(".kb-help").count() == 0
    context.close()


# --- Safety ---------------------------------------------------------------------------

def test_content_renders_as_text_everywhere(browser, strict_url, help_site):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in (strict_url + "shop/cart.html", strict_url + "shop/script.html"):
        page.goto(url)
        page.wait_for_selector(".kb-help__toggle")
        toggle = page.locator("#cart .kb-help__toggle", has_text="quoted")
        assert toggle.inner_text() == NASTY
        toggle.click()
        answer = page.locator("#cart #" + toggle.get_attribute("aria-controls"))
        assert answer.locator("p").first.inner_text() == SUMMARY
        assert page.locator("#cart img").count() == 0
    # The static fragment, opened on its own, and the site's own pages.
    for path in ("help/cart.html", "shipping/nasty/", ""):
        page.goto(strict_url + path)
        page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None and dialogs == []
    fragment = (help_site / "help" / "cart.html").read_text()
    assert "<img" not in fragment and "&lt;img src=x" in fragment
    context.close()


def test_static_fragment_works_without_javascript(browser, strict_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(strict_url + "help/cart.html")
    question = page.locator("details.kb-help__question").first
    question.locator("summary").click()
    assert question.get_attribute("open") is not None
    # Absolute links (site_url is set): the fragment is included in the shop's pages.
    href = question.locator("a").get_attribute("href")
    assert href.startswith("https://help.shop.example/")
    assert page.locator("form.kb-help__search").get_attribute(
        "action") == "https://help.shop.example/search/"
    context.close()


def test_widget_and_styles_weigh_at_most_6_kb_gzipped(help_site):
    # The script carries its styles; kb-help.css is for the static fragments alone.
    script = (help_site / "help" / "kb-help.js").read_bytes()
    assert b".kb-help" in script  # the stylesheet is in it
    size = len(gzip.compress(script, 9))
    assert size <= 6 * 1024, size
