"""Help blocks on the shop's own pages: per-context data, static fragments and
the embeddable widget.

No MkDocs import: the plugin hands in the planned site and writes what this
module returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin

from kb.articles import Article, add_days
from kb.contact import WEEKDAYS, Channel
from kb.i18n import Translator
from kb.minify import asset, minify_css, minify_js, with_stylesheet
from kb.taxonomy import Term

if TYPE_CHECKING:  # kb.site plans the blocks with this module
    from kb.site import SitePlan

DATA_VERSION = 1


def widget_assets() -> dict[str, str]:
    """The files of the embed, by name: the script carries its stylesheet inline
    (one request, and no <style> element a strict CSP would block), the
    stylesheet also stands alone for the static fragments. Both lose their
    comments and indentation on the way: every byte travels to every shopper."""
    css = minify_css(asset("help", "kb-help.css"))
    script = with_stylesheet(minify_js(asset("help", "kb-help.js")), css, "kb-help.js")
    return {"kb-help.js": script, "kb-help.css": css + "\n"}


# --- The data of one block --------------------------------------------------------

HELP_DIR = "help"
# The help centre's search page (kb.mkdocs.state writes it): where every search form
# leads without JavaScript, a block's too.
SEARCH_PAGE = "search/index.md"
SITE_BLOCK = "kb-contact"  # the contact-only block under every page of the help centre


@dataclass
class HelpBlock:
    """One context's block: its top questions, most asked first."""

    id: str
    label: str
    questions: list[Article]


def plan_blocks(live: Sequence[Article], contexts: Mapping[str, Term], lang: str,
                limit: int) -> list[HelpBlock]:
    """A block per context; `live` comes ranked (most popular first)."""
    return [HelpBlock(cid, term.title(lang), [a for a in live if cid in a.contexts][:limit])
            for cid, term in contexts.items()]


def channel_data(channel: Channel, t: Translator, today: date) -> dict:
    """What the widget needs to tell a shopper whether a channel is open, in
    the channel's own time zone."""
    hours = None
    if channel.hours is not None:
        # Sorted: the widget finds the next opening by reading a day's ranges in order.
        hours = {day: [list(r) for r in sorted(channel.hours.get(day, []))] for day in WEEKDAYS}
    return {
        "id": channel.id, "type": channel.type, "label": channel.title(t.lang),
        "href": channel.href, "action": channel.action, "display": channel.display,
        "note": channel.note_for(t.lang), "timezone": channel.timezone, "hours": hours,
        # Past closed days are of no use to anyone; a day's margin for time zones.
        "closed": [d.isoformat() for d in channel.closed if d >= add_days(today, -1)],
        "response": t.response(channel) if channel.response_time else "",
    }


# The search UI's texts (assets/kb/search.js), by their name in the data -> i18n key.
SEARCH_STRINGS = {"no_answer": "search.none", "suggest": "search.suggest",
                  "results": "search.results", "count_one": "search.count.one",
                  "count": "search.count.other", "blog": "search.blog", "page": "search.page",
                  "close": "search.close", "search_error": "search.error"}


def widget_strings(t: Translator) -> dict:
    """The texts of a block and of the search in it, and of the help centre's own
    search (help/kb-contact.json): kb-help.js and search.js have none of their own."""
    keys = ("questions", "search", "contact", "open", "today", "tomorrow", "weekday",
            "date", "your_time", "start_chat", "invite", "invite_close")
    strings: dict[str, str | list[str]] = {key: t(f"help.{key}") for key in keys}
    strings.update(more=t("answer.more"), search_button=t("search.button"),
                   all_contact=t("contact.all"), closed=t("closed"),
                   days=[t.weekday(i) for i in range(7)])
    strings.update({name: t(key) for name, key in SEARCH_STRINGS.items()})
    return strings


def block_data(block: HelpBlock, channels: Sequence[Channel], t: Translator, today: date,
               url_of: Callable[[str], str], contact_url: str,
               invite_after: int | None = None) -> dict:
    """The JSON of a block. `url_of` gives a page's URL (an article's, the search
    page's) relative to the site root; the JSON's links are relative to the JSON
    file itself (help/x.json). `invite_after` (seconds; the help centre's own block
    only) is when its search invites a shopper to chat."""
    up = "../"
    data = {
        "kb": DATA_VERSION, "lang": t.lang, "context": block.id, "label": block.label,
        "title": t("help.questions"),
        "search": {"url": up + (url_of(SEARCH_PAGE) or "search/"), "param": "q"},
        "contact_url": up + contact_url,
        "questions": [{"slug": a.slug, "title": a.title, "summary": a.summary,
                       "url": up + url_of(a.src_uri)} for a in block.questions],
        "channels": [channel_data(c, t, today) for c in channels],
        "strings": widget_strings(t),
    }
    if invite_after is not None:
        data["invite_after"] = invite_after
    return data


def data_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def data_script(data: dict) -> str:
    """The same data as a script, for hosts that send no CORS header: ASCII only
    (a shop page in another charset reads it right) and no "</" (it may be inlined).

    It stores into the widget's `kbHelp.data`, the page's one global name of kb's.
    Run before the widget, it leaves a stand-in `kbHelp` whose data the widget takes
    over; beside a kbHelp without `data` (an older widget still cached) `Object(...)`
    gives it a throwaway object to write into instead of a TypeError."""
    name = json.dumps(data["context"])
    body = json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
    return (f"Object((window.kbHelp=window.kbHelp||{{data:{{}}}}).data)[{name}]={body};\n"
            f"window.kbHelp.loaded&&window.kbHelp.loaded({name});\n")


def absolute_links(data: dict, site_url: str | None) -> dict:
    """The block's data with its help-centre links made absolute, for the static
    fragment a shop includes in pages on its own host. Without a `site_url` they
    stay relative to help/ (right for a fragment viewed on the help centre)."""
    if not site_url:
        return data
    here = site_url.rstrip("/") + f"/{HELP_DIR}/{data['context']}.html"
    copy = dict(data, search=dict(data["search"], url=urljoin(here, data["search"]["url"])),
                contact_url=urljoin(here, data["contact_url"]))
    copy["questions"] = [dict(q, url=urljoin(here, q["url"])) for q in data["questions"]]
    return copy


# --- The demo shop ---------------------------------------------------------------

DEMO_DIR = f"{HELP_DIR}/demo"
# Page name -> the contexts whose blocks it shows (the cart shows two: several
# blocks on one page must work).
DEMO_PAGES = {"product": ("product",), "cart": ("cart", "checkout")}
DEMO_WORDS = {
    "nl": {
        "shop": "Voorbeeldwinkel", "demo_nav": "Voorbeeldpagina's",
        "title": {"product": "Productpagina", "cart": "Winkelwagen"},
        "note": "Dit is een verzonnen winkel: zo zien je klanten de hulpblokken van %s "
                "op je eigen pagina's.",
        "picture": "Foto van een zak koffiebonen", "product": "Huisblend, bonen, 500 g",
        "product_text": "Een zachte blend met tonen van chocola en noot.",
        "add": "In winkelwagen", "item": "Artikel", "qty": "Aantal", "price": "Prijs",
        "mug": "Mok, wit", "total": "Totaal", "checkout": "Afrekenen",
        "help_link": "Hulp en veelgestelde vragen",
        # Two blocks on one page get titles of their own (data-kb-title).
        "block_title": {"cart": "Vragen over je winkelwagen", "checkout": "Vragen over afrekenen"},
    },
    "en": {
        "shop": "Sample shop", "demo_nav": "Sample pages",
        "title": {"product": "Product page", "cart": "Cart"},
        "note": "This shop is made up: it shows how your shoppers see the help blocks of "
                "%s on your own pages.",
        "picture": "Photo of a bag of coffee beans", "product": "House blend, beans, 500 g",
        "product_text": "A smooth blend with notes of chocolate and nuts.",
        "add": "Add to cart", "item": "Item", "qty": "Quantity", "price": "Price",
        "mug": "Mug, white", "total": "Total", "checkout": "Check out",
        "help_link": "Help and frequently asked questions",
        "block_title": {"cart": "Questions about your cart",
                        "checkout": "Questions about checking out"},
    },
}


def demo_pages(contexts: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The demo's pages and their blocks, leaving out contexts the site dropped."""
    pages = {}
    for name, wanted in DEMO_PAGES.items():
        present = tuple(c for c in wanted if c in contexts)
        pages[name] = present or tuple(contexts[:1])
    return pages


# --- The files ---------------------------------------------------------------------

class Render(Protocol):
    """The renderer's template `name` filled in with `values` (escaping as HTML)."""

    def __call__(self, name: str, /, **values: Any) -> str: ...


def help_files(plan: SitePlan, url_of: Callable[[str], str], contact_url: str,
               invite_after: int, site_url: str | None, site_name: str,
               render: Render, source: Callable[[str], str]) -> dict[str, str]:
    """Everything below help/, by its place in the site: the embed script and
    stylesheet; per context its data (JSON, and the same as a script) and a static
    HTML fragment (`kb/help/block.html`); the help centre's own block (data only);
    the demo shop's pages (`kb/help/demo.html`) and their stylesheet (the template
    `kb/help/shop.css` as written, through `source`). `url_of` gives a page's URL
    relative to the site root, "" when it has none; `invite_after` is
    `chat_invite_after`."""
    files = {f"{HELP_DIR}/{name}": text for name, text in widget_assets().items()}
    for block in plan.help_blocks + [HelpBlock(SITE_BLOCK, "", [])]:
        own = block.id == SITE_BLOCK
        data = block_data(block, plan.channels, plan.t, plan.today, url_of, contact_url,
                          invite_after if own else None)
        base = f"{HELP_DIR}/{block.id}"
        files[base + ".json"] = data_json(data)
        files[base + ".js"] = data_script(data)
        if not own:
            files[base + ".html"] = render(
                "kb/help/block.html", data=absolute_links(data, site_url),
                hours={c.id: plan.t.hours(c.hours) for c in plan.channels if c.hours})
    lang = plan.t.lang
    words = DEMO_WORDS.get(lang, DEMO_WORDS["en"])
    pages = demo_pages([block.id for block in plan.help_blocks])  # one per context
    for name, blocks in pages.items():
        files[f"{DEMO_DIR}/{name}.html"] = render(
            "kb/help/demo.html", page=name, lang=lang, site_name=site_name, blocks=blocks,
            words=words, pages=list(pages))
    files[f"{DEMO_DIR}/shop.css"] = source("kb/help/shop.css")
    return files
