"""Help blocks: per-context data, the data script, static fragments' links, the widget files."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date

import pytest

from kb.articles import Article
from kb.contact import parse_contact
from kb.helpblocks import (
    DEMO_PAGES,
    SEARCH_STRINGS,
    SITE_BLOCK,
    HelpBlock,
    absolute_links,
    block_data,
    channel_data,
    data_script,
    demo_pages,
    help_files,
    plan_blocks,
    widget_assets,
    widget_strings,
)
from kb.i18n import Translator
from kb.minify import CSS_MARKER, asset
from kb.taxonomy import default_taxonomy

TODAY = date(2026, 11, 22)
NL = Translator("nl")


def make(slug: str, contexts: list[str], title: str | None = None,
         summary: str = "Kort antwoord.") -> Article:
    return Article(slug=slug, src_uri=f"{slug}.md", path=f"docs/{slug}.md",
                   title=title or f"{slug}?", summary=summary, policy="returns",
                   stages=["returns"], reviewed=date(2026, 1, 1), review_every=180,
                   owner="team", contexts=contexts)


def channels(spec: list) -> list:
    contact, problems = parse_contact({"timezone": "Europe/Amsterdam",
                                       "closed": ["2026-01-01", "2026-12-25"],
                                       "channels": spec}, "mkdocs.yml")
    assert problems == []
    return contact.channels


CHAT = {"type": "chat", "label": "Chat met ons", "link": "https://shop.example/chat",
        "hours": {"mon-fri": "08:30-17:30", "sat": "10:00-16:00"}, "response_time": "2 min"}
MAIL = {"type": "email", "address": "help@shop.example", "response_time": "1 werkdag"}


def test_a_block_per_context_with_its_questions_in_the_given_order_and_capped():
    live = [make("a", ["cart"]), make("b", ["cart", "product"]), make("c", []),
            make("d", ["cart"])]
    contexts = default_taxonomy().contexts
    blocks = {b.id: b for b in plan_blocks(live, contexts, "nl", limit=2)}
    assert list(blocks) == list(contexts)
    assert [a.slug for a in blocks["cart"].questions] == ["a", "b"]
    assert [a.slug for a in blocks["product"].questions] == ["b"]
    assert blocks["home"].questions == []
    assert blocks["cart"].label == "Winkelwagen"


def test_channel_data_has_hours_in_minutes_per_weekday_and_upcoming_closed_days():
    chat, mail = channels([CHAT, MAIL])
    data = channel_data(chat, NL, TODAY)
    assert data["hours"]["mon"] == [[510, 1050]] and data["hours"]["sat"] == [[600, 960]]
    assert data["hours"]["sun"] == []
    assert data["closed"] == ["2026-12-25"]  # January 2026 is past
    assert data["timezone"] == "Europe/Amsterdam"
    assert data["href"] == "https://shop.example/chat" and data["label"] == "Chat met ons"
    assert data["response"] == "Reactie meestal binnen 2 minuten"
    mail_data = channel_data(mail, NL, TODAY)
    assert mail_data["hours"] is None and mail_data["href"] == "mailto:help@shop.example"
    assert mail_data["display"] == "help@shop.example"


def directory_url(src_uri: str) -> str:
    """A page's URL as MkDocs gives it with use_directory_urls (index.md: its folder)."""
    path = src_uri[:-3]
    return path[:-5] if path.endswith("/index") else path + "/"


def test_block_data_links_are_relative_to_the_json_file():
    block = HelpBlock("cart", "Winkelwagen", [make("retour/termijn", ["cart"])])
    data = block_data(block, channels([CHAT]), NL, TODAY, directory_url, "contact/")
    assert data["kb"] == 1 and data["lang"] == "nl" and data["context"] == "cart"
    assert data["questions"] == [{"slug": "retour/termijn", "title": "retour/termijn?",
                                  "summary": "Kort antwoord.", "url": "../retour/termijn/"}]
    assert data["search"] == {"url": "../search/", "param": "q"}  # the search page
    assert data["contact_url"] == "../contact/"
    # Without directory URLs the search page is search/index.html, as MkDocs names it.
    flat = block_data(block, [], NL, TODAY, lambda src_uri: src_uri[:-3] + ".html", "c.html")
    assert flat["search"]["url"] == "../search/index.html"
    assert data["strings"]["days"][0] == "maandag"
    assert data["strings"]["open"] == "nu open"


@pytest.mark.parametrize("lang, expected", [("nl", "Veelgestelde vragen"),
                                            ("en", "Frequently asked questions")])
def test_the_widget_strings_follow_the_site_language(lang, expected):
    strings = widget_strings(Translator(lang))
    assert strings["questions"] == expected
    assert len(strings["days"]) == 7 and all(isinstance(v, (str, list)) for v in strings.values())


@pytest.mark.parametrize("lang, none, count", [
    ("nl", "Daar hebben we nog geen antwoord op", "{n} antwoorden gevonden"),
    ("en", "We don't have an answer to that yet", "{n} answers found")])
def test_the_search_in_a_block_and_on_the_site_gets_its_texts_from_the_block_data(
        lang, none, count):
    strings = widget_strings(Translator(lang))
    assert set(SEARCH_STRINGS) <= set(strings)
    assert strings["no_answer"] == none and strings["count"] == count
    assert "{word}" in strings["suggest"]
    # Every text the search UI reads (s.<name> in search.js) is in the data.
    used = set(re.findall(r"\b(?:words|data\.strings)\.(\w+)", asset("search.js")))
    assert used and used <= set(strings)


def test_the_data_script_is_ascii_and_cannot_close_a_script_element():
    nasty = "</script><img src=x onerror=alert(1)> \"quotes\" 'single' é \u2028"
    block = HelpBlock("cart", "Winkelwagen", [make("x", ["cart"], title=nasty, summary=nasty)])
    data = block_data(block, [], NL, TODAY, lambda s: "x/", "contact/")
    script = data_script(data)
    assert script.isascii()
    assert "</" not in script
    assert script.startswith('Object((window.kbHelp=window.kbHelp||{data:{}}).data)["cart"]=')
    payload = script.split("=", 2)[2].split(";\nwindow.kbHelp", 1)[0]
    assert json.loads(payload)["questions"][0]["title"] == nasty
    assert script.rstrip().endswith('window.kbHelp.loaded&&window.kbHelp.loaded("cart");')


def test_absolute_links_for_fragments_included_on_another_host():
    block = HelpBlock("cart", "Winkelwagen", [make("retour/termijn", ["cart"])])
    data = block_data(block, [], NL, TODAY, directory_url, "contact/")
    absolute = absolute_links(data, "https://help.shop.example/nl/")
    assert absolute["questions"][0]["url"] == "https://help.shop.example/nl/retour/termijn/"
    assert absolute["search"]["url"] == "https://help.shop.example/nl/search/"
    assert absolute["contact_url"] == "https://help.shop.example/nl/contact/"
    assert data["questions"][0]["url"] == "../retour/termijn/"  # the original is untouched
    assert absolute_links(data, None) is data


def test_demo_pages_use_the_sites_contexts():
    assert demo_pages(["home", "product", "cart", "checkout"]) == DEMO_PAGES
    assert demo_pages(["home", "cart"]) == {"product": ("home",), "cart": ("cart",)}
    assert SITE_BLOCK not in demo_pages(list(default_taxonomy().contexts))["cart"]


def test_the_widget_carries_its_stylesheet_and_is_ascii():
    assets = widget_assets()
    script, css = assets["kb-help.js"], assets["kb-help.css"]
    assert CSS_MARKER not in script
    assert script.isascii()
    assert ".kb-" in css
    # The inlined stylesheet is the standalone one, minified.
    first_rule = css.split("{", 1)[0].split("*/")[-1].strip().split()[0]
    assert first_rule in script


def test_the_widget_with_its_stylesheet_stays_under_6_kb_gzipped():
    # kb-help.js carries its stylesheet (a shop page loads nothing else until a shopper
    # searches); kb-help.css is the same rules again for the static fragments only.
    size = len(gzip.compress(widget_assets()["kb-help.js"].encode("utf-8"), 9))
    assert size <= 6 * 1024, f"{size} bytes"


def test_the_widget_loses_its_comments_but_not_its_code():
    script = widget_assets()["kb-help.js"]
    assert "Rules this file keeps" not in script and "\n  " not in script


def test_the_data_script_and_the_widget_name_no_global_but_kbhelp():
    block = HelpBlock("cart", "Winkelwagen", [make("x", ["cart"])])
    script = data_script(block_data(block, [], NL, TODAY, lambda s: "x/", "contact/"))
    code = script.split("=", 2)[:2] + script.split(";\n", 1)[1:]
    assert set(re.findall(r"window\.(\w+)", " ".join(code))) == {"kbHelp"}
    assert "kbHelpData" not in script
    widget = widget_assets()["kb-help.js"]
    assert set(re.findall(r"window\.(\w+)\s*=[^=]", widget)) == {"kbHelp"}
    assert "kbHelpData" not in widget


def test_help_files_hold_the_widget_each_contexts_block_and_the_demo_shop():
    from kb.articles import Collection
    from kb.settings import parse_settings
    from kb.site import plan_site

    settings, problems = parse_settings({"language": "nl", "chat_invite_after": 45},
                                        "mkdocs.yml")
    assert not problems
    live = [make("returns/a", ["cart", "returns"])]
    plan = plan_site(Collection("docs", live), settings, TODAY, "Shop Help")
    rendered: list[tuple[str, dict]] = []

    def render(name: str, /, **values: object) -> str:
        rendered.append((name, values))
        return f"<{name}>"

    files = help_files(plan, directory_url, "contact/", 45,
                       "https://help.example/", "Shop Help", render,
                       lambda name: f"source of {name}")
    contexts = list(settings.taxonomy.contexts)
    expected = ["help/kb-help.js", "help/kb-help.css"]
    for context in contexts:
        expected += [f"help/{context}.json", f"help/{context}.js", f"help/{context}.html"]
    expected += ["help/kb-contact.json", "help/kb-contact.js"]
    expected += [f"help/demo/{name}.html" for name in DEMO_PAGES] + ["help/demo/shop.css"]
    assert list(files) == expected
    assert files["help/kb-help.js"] == widget_assets()["kb-help.js"]
    cart = json.loads(files["help/cart.json"])
    assert [q["url"] for q in cart["questions"]] == ["../returns/a/"]
    assert "invite_after" not in cart
    assert json.loads(files["help/kb-contact.json"])["invite_after"] == 45
    assert files["help/cart.html"] == "<kb/help/block.html>"
    fragments = [values for name, values in rendered if name == "kb/help/block.html"]
    assert fragments[contexts.index("cart")]["data"]["questions"][0]["url"] == \
        "https://help.example/returns/a/"
    assert files["help/demo/shop.css"] == "source of kb/help/shop.css"
    demos = [values for name, values in rendered if name == "kb/help/demo.html"]
    assert [(d["page"], d["blocks"]) for d in demos] == list(demo_pages(contexts).items())
