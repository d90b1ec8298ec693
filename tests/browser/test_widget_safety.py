"""The help block never breaks the shop page it is embedded in (issue 14, rows 13 and 14).

A small help centre is built for real; next to its help/<context>.json and .js files,
data files of odd shapes are written (time zones Chromium rejects, garbage where the
block expects questions, data scripts that store junk). Shop pages on another origin
embed the blocks, some of them under Trusted Types. Every test collects the page's
uncaught errors and console errors and allows none but the network notices it names.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from kb.mkdocs.builder import build_site
from tests.browser.conftest import serve
from tests.browser.test_help_widget import CONFIG
from tests.conftest import article

MONDAY_MORNING = "2026-11-23T10:00+01:00"  # chat and phone open in Amsterdam
REJECTED_ZONES = ["posix/Europe/Amsterdam", "right/UTC", "localtime", "posixrules",
                  "Mars/Olympus"]
# Names a shop might write, or an attacker might: none draws, none reaches outside help/.
ODD_NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "",
             "x" * 5000, "../cart", "cart/../cart", "a/b", "%2e%2e%2fcart", "%", "..",
             "Cart", "cart.json", "cart?x=1", "cart#x", " cart", "-cart"]
# A data script that stores into the widget, in the words of kb.helpblocks.data_script
# (which takes a dict only: these data are any JSON).
DATA_SCRIPT = ("Object((window.kbHelp=window.kbHelp||{{data:{{}}}}).data)[{name}]={body};\n"
               "window.kbHelp.loaded&&window.kbHelp.loaded({name});\n")
# Data the block cannot use: it leaves the shop's fallback link.
UNUSABLE = {
    "null": None, "number": 42, "string": "cart", "array": "[base]", "no-kb": "-kb",
    "kb-2": {"kb": 2}, "no-strings": "-strings", "strings-number": {"strings": 5},
    "questions-object": {"questions": {"0": {"title": "x"}}},
    "questions-string": {"questions": "abc"}, "channels-object": {"channels": {"a": 1}},
    "question-object-title": {"questions": [{"title": {"a": 1}}]},
}
HUGE = 5000
# Data the block can partly use: drawn, with the odd parts left out.
DRAWN = {
    "untitled": lambda base: dict(base, questions=[
        {"summary": "no title"}, None, 5, "x", dict(base["questions"][0], title="<first>")]),
    "null-items": lambda base: dict(base, channels=[None, 5, "x", base["channels"][2]]),
    "numbers": {"title": 12, "questions": [{"title": 42, "summary": 7, "url": 9, "slug": 1}],
                "channels": [{"id": 3, "label": 7, "timezone": 5, "hours": None, "response": 8}]},
    "odd-hours": {"channels": [
        {"id": "a", "label": "A", "timezone": "Europe/Amsterdam", "hours": {"mon": "09:00-17:00"}},
        {"id": "b", "label": "B", "timezone": "Europe/Amsterdam", "hours": {"mon": [None]}},
        {"id": "c", "label": "C", "timezone": "Europe/Amsterdam", "hours": {"mon": [["a", "b"]]},
         "closed": 5},
        {"id": "d", "label": "D", "timezone": "Europe/Amsterdam", "hours": "always"},
        {"id": "e", "label": "E", "timezone": "Europe/Amsterdam", "hours": [1, 2]},
        {"id": "f", "label": "F", "timezone": None, "hours": {"mon": [[0, 1440]]}},
        {"id": "g", "label": "G", "timezone": "Europe/Amsterdam",
         "hours": {day: [[1e300, -1e300]] for day in ("mon", "tue", "wed")}, "closed": [None]},
    ]},
    "huge": lambda base: dict(base, questions=[dict(base["questions"][0], title=f"Vraag {i}")
                                               for i in range(HUGE)]),
}
# Data scripts that do odd things: junk in the old global or in kbHelp.data, odd calls.
ODD_SCRIPTS = {
    "junk-old": '(window.kbHelpData=window.kbHelpData||{})["junk-old"]="junk";\n'
                'window.kbHelp&&window.kbHelp.loaded("junk-old");\n',
    "junk-new": DATA_SCRIPT.format(name='"junk-new"', body='{"kb":1,"strings":5,"questions":{}}'),
    "odd-calls": 'kbHelp.loaded("__proto__");kbHelp.loaded({});kbHelp.loaded();'
                 'kbHelp.loaded("odd-calls");\n',
}
# Network notices the browser logs as console errors: not errors of the page's scripts.
NOT_FOUND = r"^console: Failed to load resource: the server responded with a status of 404"
CORS = (r"^console: (Access to fetch at .* has been blocked by CORS policy|"
        r"Failed to load resource: net::ERR_FAILED)")
POLICY_REFUSED = (r"^console: Creating a TrustedTypePolicy named 'kb-help' violates the "
                  r"following Content Security policy directive: \"trusted-types shop-policy\"")


def odd_data(base: dict, change: object) -> object:
    """`base` (a real block's data) changed as `change` says."""
    if change == "[base]":
        return [base]
    if isinstance(change, str) and change.startswith("-"):
        return {k: v for k, v in base.items() if k != change[1:]}
    if callable(change):
        return change(base)
    if isinstance(change, dict):
        return dict(base, **change)
    return change


def with_zone(base: dict, zone: str) -> dict:
    return dict(base, channels=[dict(ch, timezone=zone) for ch in base["channels"]])


def write_data(help_dir: Path, name: str, data: object) -> None:
    body = json.dumps(data, separators=(",", ":"))
    (help_dir / f"{name}.json").write_text(body)
    (help_dir / f"{name}.js").write_text(DATA_SCRIPT.format(name=json.dumps(name), body=body))


@pytest.fixture(scope="module")
def help_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built help centre with odd data files beside its own."""
    root = tmp_path_factory.mktemp("helpcentre")
    (root / "mkdocs.yml").write_text(CONFIG)
    for slug, title, contexts in (
            ("returns/kosten", "Wie betaalt de retourkosten?", ["cart"]),
            ("shipping/snel", "Hoe snel bezorgen jullie?", ["cart", "product"]),
            ("payment/ideal", "Kan ik betalen met iDEAL?", ["checkout"])):
        policy = slug.split("/")[0]
        stage = {"returns": "returns", "shipping": "delivery", "payment": "order"}[policy]
        path = root / "docs" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(title=title, summary="Kort antwoord.", policy=policy,
                                stage=stage, contexts=contexts), encoding="utf-8")
    site = root / "site"
    build_site(str(root / "mkdocs.yml"), today=datetime(2026, 11, 22).date(), site_dir=str(site))
    help_dir = site / "help"
    base = json.loads((help_dir / "cart.json").read_text())
    for i, zone in enumerate(REJECTED_ZONES):
        write_data(help_dir, f"zone-{i}", with_zone(base, zone))
    for name, change in {**UNUSABLE, **DRAWN}.items():
        write_data(help_dir, name, odd_data(base, change))
    for name, script in ODD_SCRIPTS.items():
        (help_dir / f"{name}.js").write_text(script)
    return site


@pytest.fixture(scope="module")
def help_urls(help_site: Path) -> Iterator[tuple[str, str]]:
    """(help centre without a CORS header, the same with one)."""
    with serve(help_site) as plain, serve(help_site, {"Access-Control-Allow-Origin": "*"}) as cors:
        yield plain, cors


def block(name: str, id: str = "", load: str = "") -> str:
    """A block as a shop writes it, with its own fallback link inside."""
    attrs = f' id="{id}"' if id else ""
    attrs += f' data-kb-load="{load}"' if load else ""
    value = name.replace("&", "&amp;").replace('"', "&quot;")
    return (f'<div class="block"{attrs} data-kb-help="{value}">'
            f'<a class="fallback" href="https://help.shop.example/">Hulp</a></div>')


def shop_page(help_url: str, blocks: str, head: str = "") -> str:
    return (f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Winkel</title>'
            f'<link rel="icon" href="data:,">{head}</head><body><h1>Winkel</h1>\n{blocks}\n'
            f'<script src="{help_url}help/kb-help.js" defer></script></body></html>\n')


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A shop on an origin of its own: (its URL, the folder its pages go in)."""
    folder = tmp_path_factory.mktemp("shop")
    with serve(folder) as url:
        yield url, folder


@contextlib.contextmanager
def watched(browser, url: str, init: str = "") -> Iterator[tuple[object, list[str], list[str]]]:
    """The page at `url`, Monday morning, loaded and quiet: (page, errors, requests).
    `errors` holds uncaught errors and console errors; `init` runs before the page's scripts."""
    context = browser.new_context(timezone_id="Europe/Amsterdam", locale="nl-NL")
    page = context.new_page()
    if init:
        page.add_init_script(init)
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
    page.on("request", lambda request: requests.append(request.url))
    page.clock.install(time=datetime.fromisoformat(MONDAY_MORNING))
    try:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        yield page, errors, requests
    finally:
        context.close()


def unexpected(errors: list[str], *allowed: str) -> list[str]:
    return [e for e in errors if not any(re.search(pattern, e) for pattern in allowed)]


def drawn(page, selector: str) -> bool:
    return page.locator(f"{selector} .kb-help").count() == 1


def shows_fallback(page, selector: str) -> bool:
    return (page.locator(f"{selector} .kb-help").count() == 0 and
            page.locator(f"{selector} > a.fallback").is_visible())


def put(shop, name: str, html: str) -> str:
    url, folder = shop
    (folder / name).write_text(html)
    return url + name


# --- Row 13: time zones the browser rejects ----------------------------------------------

@pytest.mark.parametrize("zone", REJECTED_ZONES)
def test_a_time_zone_the_browser_rejects_leaves_out_the_status_and_draws_the_rest(
        browser, shop, help_urls, zone):
    plain, cors = help_urls
    name = f"zone-{REJECTED_ZONES.index(zone)}"
    url = put(shop, f"{name}.html", shop_page(cors, block(name, "odd") + block("cart", "cart")))
    with watched(browser, url) as (page, errors, _):
        page.locator("#cart .kb-help").wait_for()
        assert unexpected(errors) == []
        for host in ("#odd", "#cart"):
            assert page.locator(f"{host} .kb-help__toggle").count() == 2
            assert page.locator(f"{host} .kb-help__channel").count() == 3
        # The good zone says open; the rejected one makes no claim either way.
        assert page.locator("#cart [data-kb-status=open]").count() == 2
        assert page.locator("#odd [data-kb-status=open], #odd [data-kb-status=closed]").count() == 0
        assert page.locator("#odd [data-kb-channel=chat] .kb-help__status").inner_text() == \
            "Reactie meestal binnen 2 minuten"
        assert page.locator("#odd [data-kb-channel=phone] a").get_attribute(
            "href") == "tel:0301234567"
        page.clock.run_for("02:00")  # the minute's refresh of every block
        assert unexpected(errors) == []
        assert page.locator("#odd .kb-help__channel").count() == 3


def test_status_never_throws_on_a_zone_or_language_the_browser_rejects(browser, shop, help_urls):
    plain, cors = help_urls
    url = put(shop, "status.html", shop_page(cors, block("cart", "cart")))
    with watched(browser, url) as (page, errors, _):
        page.locator("#cart .kb-help").wait_for()
        states = page.evaluate("""async () => {
            const data = await fetch(document.querySelector('script[src*=kb-help]').src
                .replace('kb-help.js', 'cart.json')).then(r => r.json());
            const chat = data.channels[0], out = [];
            for (const zone of ['posix/Europe/Amsterdam', 'Mars/Olympus', 5, null, ''])
                out.push(kbHelp.status({...chat, timezone: zone}, data).state);
            // Closed for ten days: the opening is a date, in a language Intl rejects.
            const away = {...chat, closed: [...Array(10).keys()].map(i =>
                new Date(Date.UTC(2026, 10, 23 + i)).toISOString().slice(0, 10))};
            out.push(kbHelp.status(away, {...data, lang: 'not a language!'}).state);
            out.push(kbHelp.status(away, data).state);
            return out;
        }""")
        assert states == ["unknown"] * 6 + ["closed"]
        assert unexpected(errors) == []


def test_the_help_centres_own_pages_survive_a_time_zone_the_browser_rejects(
        browser, base_url):
    context = browser.new_context(timezone_id="Europe/Amsterdam", locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.clock.install(time=datetime.fromisoformat(MONDAY_MORNING))

    def bad_zone(route):
        data = route.fetch().json()
        route.fulfill(json=with_zone(data, "posix/Europe/Amsterdam"))

    page.route("**/help/kb-contact.json", bad_zone)
    page.goto(base_url + "contact/")
    page.locator("[data-kb-channel]").first.scroll_into_view_if_needed()
    # Resolves after kb.js's own callback on the same data has run.
    zones = page.evaluate("""() => new Promise(done => kbHelp.load('kb-contact',
        data => done(data.channels.map(ch => ch.timezone))))""")
    assert set(zones) == {"posix/Europe/Amsterdam"}
    assert errors == []
    # No claim: the page keeps the hours it lists.
    assert page.locator("[data-kb-status]:not([hidden])").count() == 0
    context.close()


# --- Row 14: context names ----------------------------------------------------------------

PROTOTYPES = """() => [Object, Array, Function, String].map(
    c => Object.getOwnPropertyNames(c.prototype).concat(Object.getOwnPropertyNames(c)).sort())"""


def test_odd_context_names_show_the_fallback_stay_inside_help_and_leave_prototypes_alone(
        browser, shop, help_urls):
    plain, cors = help_urls
    for help_url, load in ((cors, ""), (plain, "script")):
        odd = "".join(block(name, f"odd-{i}", load) for i, name in enumerate(ODD_NAMES))
        blocks = block("cart", "first") + odd + block("cart", "last")
        url = put(shop, f"names-{load or 'json'}.html", shop_page(help_url, blocks))
        with watched(browser, url) as (page, errors, requests):
            page.locator("#last .kb-help").wait_for()
            # "constructor" is spelt as a context may be: asked for in help/, and not found.
            assert unexpected(errors, CORS, NOT_FOUND) == []
            assert drawn(page, "#first") and drawn(page, "#last")
            for i, _ in enumerate(ODD_NAMES):
                assert shows_fallback(page, f"#odd-{i}"), ODD_NAMES[i]
            asked = {u for u in requests if u.startswith(help_url)}
            files = {"kb-help.js", "cart.json", "cart.js", "constructor.json", "constructor.js"}
            assert asked <= {help_url + "help/" + name for name in files}
            assert help_url + "help/cart.json" in asked
            fresh = browser.new_page()
            reference = fresh.evaluate(PROTOTYPES)
            fresh.close()
            assert page.evaluate(PROTOTYPES) == reference
            loaded = page.evaluate("""() => Promise.all(['__proto__', 'constructor', 'toString',
                '../cart', ''].map(ctx => new Promise(done => kbHelp.load(ctx, done))))""")
            assert loaded == [None] * 5


# --- Row 14: data of an unexpected shape --------------------------------------------------

@pytest.mark.parametrize("load", ["json", "script"])
def test_data_the_block_cannot_use_leaves_the_fallback_and_the_other_blocks_draw(
        browser, shop, help_urls, load):
    plain, cors = help_urls
    help_url = cors if load == "json" else plain
    blocks = "".join(block(name, f"bad-{i}", "script" if load == "script" else "")
                     for i, name in enumerate(list(UNUSABLE) + list(ODD_SCRIPTS)))
    blocks = block("cart", "first") + blocks + block("product", "last")
    url = put(shop, f"unusable-{load}.html", shop_page(help_url, blocks))
    with watched(browser, url) as (page, errors, _):
        page.locator("#last .kb-help").wait_for()
        # The odd scripts have no JSON: the widget asks for it first, and hears 404; without
        # CORS the good blocks' JSON is refused before their scripts come.
        assert unexpected(errors, NOT_FOUND, *([CORS] if load == "script" else [])) == []
        assert drawn(page, "#first") and drawn(page, "#last")
        for i, name in enumerate(list(UNUSABLE) + list(ODD_SCRIPTS)):
            assert shows_fallback(page, f"#bad-{i}"), name


def test_data_the_block_can_partly_use_is_drawn_without_the_odd_parts(browser, shop, help_urls):
    plain, cors = help_urls
    blocks = "".join(block(name, name) for name in DRAWN) + block("product", "last")
    url = put(shop, "drawn.html", shop_page(cors, blocks))
    with watched(browser, url) as (page, errors, _):
        page.locator("#last .kb-help").wait_for()
        assert unexpected(errors) == []
        assert all(drawn(page, f"#{name}") for name in DRAWN)
        # A question without a title, or a channel without a name, is left out.
        assert page.locator("#untitled .kb-help__toggle").all_inner_texts() == ["<first>"]
        assert page.locator("#null-items [data-kb-channel]").evaluate_all(
            "items => items.map(i => i.dataset.kbChannel)") == ["email"]
        # Numbers where words belong are shown as text.
        assert page.locator("#numbers .kb-help__toggle").inner_text() == "42"
        assert page.locator("#numbers .kb-help__label").inner_text() == "7"
        # Odd hours make no claim and never show arithmetic gone wrong.
        channels = page.locator("#odd-hours .kb-help__channel")
        assert channels.count() == len(DRAWN["odd-hours"]["channels"])
        text = " ".join(channels.all_inner_texts())
        assert "NaN" not in text and "Invalid" not in text and "undefined" not in text
        assert page.locator("#huge .kb-help__toggle").count() == HUGE
        page.clock.run_for("02:00")
        assert unexpected(errors) == []


def test_a_block_the_page_cannot_give_a_shadow_root_is_skipped_quietly(browser, shop, help_urls):
    plain, cors = help_urls
    # The shop gave one host a closed shadow root of its own; <input> and <a> take none.
    blocks = ('<input id="input" data-kb-help="cart">'
              '<a id="link" data-kb-help="cart" href="https://help.shop.example/">Hulp</a>'
              '<div id="closed" data-kb-help="cart"></div><script src="closed.js"></script>' +
              block("cart", "last"))
    put(shop, "closed.js", "document.getElementById('closed').attachShadow({mode: 'closed'});\n")
    url = put(shop, "hosts.html", shop_page(cors, blocks))
    with watched(browser, url) as (page, errors, _):
        page.locator("#last .kb-help").wait_for()
        assert unexpected(errors) == []
        assert page.locator("#link").is_visible()


# --- Row 14: Trusted Types ----------------------------------------------------------------

@pytest.fixture(scope="module")
def tt_shops(tmp_path_factory: pytest.TempPathFactory, help_urls):
    """Shops enforcing Trusted Types: (URL, folder) of one that lets any policy be made,
    and of one under a strict CSP whose trusted-types list lacks kb's policy."""
    plain, cors = help_urls
    helps = f"{plain.rstrip('/')} {cors.rstrip('/')}"
    strict = (f"default-src 'none'; script-src 'self' {helps}; connect-src {helps}; "
              f"style-src 'self'; img-src 'self' data:; base-uri 'none'; "
              f"require-trusted-types-for 'script'; trusted-types shop-policy")
    loose_dir, strict_dir = (tmp_path_factory.mktemp(n) for n in ("tt", "tt-strict"))
    loose_csp = {"Content-Security-Policy": "require-trusted-types-for 'script'"}
    with serve(loose_dir, loose_csp) as loose, \
            serve(strict_dir, {"Content-Security-Policy": strict}) as strict_url:
        yield (loose, loose_dir), (strict_url, strict_dir)


def tt_page(help_url: str) -> str:
    return shop_page(help_url, block("cart", "cart") + block("product", "script", "script"))


# Keeps the policy the widget makes, to try it (a test's own name on the page).
KEEP_POLICY = """if (window.trustedTypes) {
    const make = trustedTypes.createPolicy.bind(trustedTypes);
    trustedTypes.createPolicy = (name, rules) => document.kbPolicy = make(name, rules); }"""


def test_under_trusted_types_blocks_load_by_json_or_by_kbs_own_narrow_policy(
        browser, tt_shops, help_urls):
    plain, cors = help_urls
    loose = tt_shops[0]
    for help_url, allowed in ((cors, ()), (plain, (CORS,))):
        url = put(loose, f"tt-{'cors' if help_url == cors else 'plain'}.html", tt_page(help_url))
        with watched(browser, url, KEEP_POLICY) as (page, errors, requests):
            page.locator("#script .kb-help").wait_for()
            page.locator("#cart .kb-help").wait_for()
            assert unexpected(errors, *allowed) == []
            assert help_url + "help/product.js" in requests  # through the policy
            # The policy makes script URLs for data files in the help centre's help/ only.
            made = page.evaluate("""urls => urls.map(u => {
                try { return String(document.kbPolicy.createScriptURL(u)); }
                catch (e) { return e.name; } })""", [
                help_url + "help/cart.js", help_url + "help/cart.json",
                help_url + "help/../assets/x.js", help_url + "help/a/b.js",
                help_url + "x.js", "https://evil.example/help/cart.js",
                help_url + "help/__proto__.js", help_url + "help/cart.js?x=1"])
            assert made == [help_url + "help/cart.js"] + ["TypeError"] * 7


def test_under_a_strict_csp_without_kbs_policy_the_script_fallback_is_skipped_quietly(
        browser, tt_shops, help_urls):
    plain, cors = help_urls
    strict = tt_shops[1]
    # With CORS the JSON needs no script and draws. data-kb-load="script" cannot be
    # honoured: the fallback link stays, and the browser reports the refused policy.
    url = put(strict, "cors.html", tt_page(cors))
    with watched(browser, url) as (page, errors, requests):
        page.locator("#cart .kb-help").wait_for()
        assert unexpected(errors, POLICY_REFUSED) == []
        assert shows_fallback(page, "#script")
        assert not [u for u in requests if u.endswith("/help/product.js")]
    # Without CORS neither way is open: both blocks keep their fallback links.
    url = put(strict, "plain.html", tt_page(plain))
    with watched(browser, url) as (page, errors, requests):
        assert unexpected(errors, CORS, POLICY_REFUSED) == []
        assert shows_fallback(page, "#cart") and shows_fallback(page, "#script")
        assert not [u for u in requests if u.endswith(".js") and "/help/kb-help.js" not in u]


# --- Row 14: one global name --------------------------------------------------------------

SNAPSHOT = "document.kbBefore = Object.getOwnPropertyNames(window);"
NEW_NAMES = "() => Object.getOwnPropertyNames(window).filter(n => !document.kbBefore.includes(n))"


def test_the_widget_and_its_data_scripts_add_one_global_name(browser, shop, help_urls):
    plain, cors = help_urls
    early = f'<script src="{plain}help/checkout.js"></script>'
    pages = {"globals-json.html": shop_page(cors, block("cart", "cart")),
             "globals-script.html": shop_page(plain, block("cart", "cart", "script")),
             "globals-plain.html": shop_page(plain, block("cart", "cart")),
             # The data script inlined before the widget: no fetch, still one name.
             "globals-early.html": shop_page(plain, block("checkout", "cart"), early)}
    for name, html in pages.items():
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        requests: list[str] = []
        page.on("pageerror", lambda error, seen=errors: seen.append(str(error)))
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        page.add_init_script(SNAPSHOT)
        page.goto(put(shop, name, html))
        page.locator("#cart .kb-help").wait_for()
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NEW_NAMES) == ["kbHelp"], name
        assert page.evaluate("Object.keys(window).filter(n => !document.kbBefore.includes(n))") \
            == ["kbHelp"]
        assert errors == []
        if name == "globals-early.html":
            assert not [u for u in requests if "/help/checkout.json" in u]
        context.close()
