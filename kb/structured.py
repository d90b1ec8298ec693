"""What search engines read: schema.org JSON-LD for every page, and robots.txt.

Nothing here imports MkDocs: the builders take the site plan and a function
that turns a src_uri into the page's absolute URL, and return dicts; the
plugin serialises them with `script_json` into the page's <head>.

What each page carries (one `@graph`, so one <script> per page):

- home: `WebSite` (name, url, language) and a one-item `BreadcrumbList`;
- policy area and journey stage: `FAQPage` whose `mainEntity` lists the
  questions with their short answers (`CollectionPage` while it has none);
- article: `WebPage` with the review date (see `article_page` for why not a
  one-question FAQPage);
- contact: `ContactPage` whose `mainEntity` is the shop (`Organization`) with a
  `ContactPoint` per channel and its opening hours;
- every page: a `BreadcrumbList` Home > area > article, as the page shows it.

URLs: schema.org and search engines want absolute URLs, and only `site_url`
says where the help centre lives. Without it every URL property (`url`,
`item`, `@id`) is left out rather than guessed: a relative URL in JSON-LD is
resolved differently by different readers, and a wrong absolute one is worse
than none. Names, answers, dates and hours need no URL and are always there;
`kb check` warns that `site_url` is missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from kb.articles import Article
from kb.contact import WEEKDAYS, Channel, format_minutes
from kb.i18n import Translator
from kb.site import CONTACT, HOME, Listing, SitePlan

CONTEXT = "https://schema.org"
DAY_URLS = dict(zip(WEEKDAYS, (f"{CONTEXT}/{name}" for name in (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))))
CONTACT_TYPE = "customer service"
END_OF_DAY = "23:59"  # schema.org's "until midnight"; "24:00" is not a valid time

UrlOf = Callable[[str], "str | None"]  # src_uri -> absolute URL, or None without site_url

# Inside <script>, the HTML parser ends the element at "</script" and treats
# "<!--" specially; JSON allows any character to be written as \uXXXX, so these
# are escaped wherever they occur (only inside strings: JSON has no <, > or &
# outside them). U+2028/U+2029 are valid JSON but end a line in older JavaScript.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(data: Any) -> str:
    """`data` as JSON that can stand between <script type="application/ld+json"> and
    </script> as is; json.loads of the result gives `data` back."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_SCRIPT_SAFE)


def _with_url(node: dict, url: str | None, key: str = "url") -> dict:
    if url:
        node[key] = url
    return node


def graph(*nodes: dict) -> dict:
    return {"@context": CONTEXT, "@graph": list(nodes)}


def breadcrumb_list(crumbs: Iterable[tuple[str, str | None]]) -> dict:
    """Home > ... > this page; each crumb is (name, absolute URL or None)."""
    items = [_with_url({"@type": "ListItem", "position": n, "name": name}, url, "item")
             for n, (name, url) in enumerate(crumbs, start=1)]
    return {"@type": "BreadcrumbList", "itemListElement": items}


def question(article: Article, url: str | None) -> dict:
    answer = _with_url({"@type": "Answer", "text": article.summary}, url)
    return _with_url({"@type": "Question", "name": article.title, "acceptedAnswer": answer},
                     url)


def website(name: str, lang: str, url: str | None, description: str | None = None) -> dict:
    node = _with_url({"@type": "WebSite", "name": name, "inLanguage": lang}, url)
    if description:
        node["description"] = description
    return node


def faq_page(listing: Listing, lang: str, url_of: UrlOf, modified: date | None = None) -> dict:
    """A policy area or journey stage: its questions, most asked first, with the short
    answer. Without questions yet it is only a (still empty) collection page."""
    node: dict[str, Any] = {"@type": "FAQPage" if listing.questions else "CollectionPage",
                            "name": listing.title, "inLanguage": lang}
    _with_url(node, url_of(listing.src_uri))
    if listing.term.describe(lang):
        node["description"] = listing.term.describe(lang)
    if modified:
        node["dateModified"] = modified.isoformat()
    if listing.questions:
        node["mainEntity"] = [question(a, url_of(a.src_uri)) for a in listing.questions]
    return node


def article_page(article: Article, lang: str, url: str | None,
                 site: dict | None = None) -> dict:
    """One question's page.

    A `WebPage`, not an `FAQPage` with a single `Question`: the same question
    and answer are already marked up on the area and stage pages that list it,
    and search engines ask for one marked-up instance of repeated FAQ content;
    `QAPage` is for questions answered by users. A page about one answer with
    its review date is what `WebPage` (with `lastReviewed`) describes.
    """
    reviewed = article.reviewed.isoformat()
    node = _with_url({"@type": "WebPage", "name": article.title,
                      "description": article.summary, "inLanguage": lang,
                      "dateModified": reviewed, "lastReviewed": reviewed}, url)
    if site:
        node["isPartOf"] = site
    return node


def opening_hours(hours: dict[str, list[tuple[int, int]]]) -> list[dict]:
    """One OpeningHoursSpecification per time range, with every weekday that has it."""
    days: dict[tuple[int, int], list[str]] = {}
    for day in WEEKDAYS:
        for span in hours.get(day, []):
            days.setdefault(span, []).append(DAY_URLS[day])
    specs = []
    # In the order of the first day that has the range, then the time of day.
    for (start, end), on in days.items():
        specs.append({"@type": "OpeningHoursSpecification", "dayOfWeek": on,
                      "opens": format_minutes(start),
                      "closes": END_OF_DAY if end >= 1440 else format_minutes(end)})
    return specs


def closed_days(dates: Iterable[date], today: date) -> list[dict]:
    """Closed dates from today on, as schema.org writes a day closed: opens = closes = 00:00."""
    return [{"@type": "OpeningHoursSpecification", "opens": "00:00", "closes": "00:00",
             "validFrom": d.isoformat(), "validThrough": d.isoformat()}
            for d in sorted(dates) if d >= today]


def contact_point(channel: Channel, t: Translator, today: date) -> dict:
    node: dict[str, Any] = {"@type": "ContactPoint", "contactType": CONTACT_TYPE,
                            "name": channel.title(t.lang)}
    href = channel.href or ""
    if channel.type in ("phone", "whatsapp") and channel.number:
        node["telephone"] = channel.number
    if channel.type == "email":
        address = channel.address or (href[len("mailto:"):] if href.startswith("mailto:")
                                      else None)
        if address:
            node["email"] = address
    if href.startswith(("https://", "http://")):
        node["url"] = href
    node["availableLanguage"] = t.lang
    if channel.response_time:
        node["description"] = t.response(channel)
    # No fixed hours (hours is None) means "write at any time": no specification.
    # The times are local to the channel's time zone, which schema.org cannot say.
    if channel.hours is not None:
        node["hoursAvailable"] = (opening_hours(channel.hours)
                                  + closed_days(channel.closed, today))
    return node


def contact_page(plan: SitePlan, site_name: str, url: str | None, home_url: str | None) -> dict:
    organization = _with_url({"@type": "Organization", "name": site_name}, home_url)
    organization["contactPoint"] = [contact_point(ch, plan.t, plan.today)
                                    for ch in plan.channels]
    return _with_url({"@type": "ContactPage", "name": plan.t("contact.title"),
                      "inLanguage": plan.lang, "mainEntity": organization}, url)


def last_reviewed(articles: Iterable[Article]) -> date | None:
    return max((a.reviewed for a in articles), default=None)


def page_dates(plan: SitePlan) -> dict[str, date]:
    """When each generated or article page last changed in substance, for the sitemap's
    lastmod: an article's review date; for an area or stage the newest review among
    its questions; home and contact (and an empty listing) the newest review of all."""
    newest = last_reviewed(x.article for x in plan.articles.values())
    dates = {src_uri: x.article.reviewed for src_uri, x in plan.articles.items()}
    for listing in plan.topics + plan.stages:
        found = last_reviewed(listing.questions) or newest
        if found:
            dates[listing.src_uri] = found
    if newest:
        dates[HOME] = dates[CONTACT] = newest
    # A page has not changed after the build day (a `reviewed` in the future is a typo
    # kb check warns about). MkDocs stamps sitemap.xml.gz with the newest lastmod in a
    # 32-bit gzip field that only holds 1970 to 2106.
    return {src_uri: max(min(day, plan.today, _GZIP_LAST), _GZIP_FIRST)
            for src_uri, day in dates.items()}


_GZIP_FIRST, _GZIP_LAST = date(1970, 1, 2), date(2106, 2, 6)


def page_graph(plan: SitePlan, src_uri: str, kind: str, url_of: UrlOf, site_name: str,
               site_description: str | None = None) -> dict:
    """The JSON-LD of a page kb generates or an article page; `kind` as SitePlan.pages()."""
    t, lang = plan.t, plan.lang
    home = (t("home"), url_of(HOME))
    here = url_of(src_uri)
    site = website(site_name, lang, home[1])
    if kind == "home":
        return graph(website(site_name, lang, home[1], site_description), breadcrumb_list([home]))
    if kind == "article":
        extras = plan.articles[src_uri]
        topic = extras.topic
        return graph(article_page(extras.article, lang, here, site),
                     breadcrumb_list([home, (topic.title, url_of(topic.src_uri)),
                                      (extras.article.title, here)]))
    if kind == "contact":
        return graph(contact_page(plan, site_name, here, home[1]),
                     breadcrumb_list([home, (t("contact.title"), here)]))
    listing = plan.listing(src_uri)
    if listing is None:
        raise ValueError(f"no page {src_uri!r} of kind {kind!r} in the site plan")
    modified = last_reviewed(listing.questions)
    return graph(faq_page(listing, lang, url_of, modified),
                 breadcrumb_list([home, (listing.title, here)]))


def other_page_graph(plan: SitePlan, title: str, url: str | None, url_of: UrlOf) -> dict:
    """A page kb does not generate (a hand-written page, a blog post): its place below
    home, so that every page of the site has a breadcrumb trail."""
    return graph(breadcrumb_list([(plan.t("home"), url_of(HOME)), (title, url)]))


def page_scripts(plan: SitePlan, url_of: UrlOf, site_name: str, site_description: str | None,
                 src_uris: Iterable[str] | None = None) -> dict[str, str]:
    """The JSON-LD of kb's pages at `src_uris` (default: every page kb makes) as
    script text (`script_json`), by src_uri."""
    kinds = plan.pages()
    uris = [*kinds, *plan.articles] if src_uris is None else src_uris
    return {uri: script_json(page_graph(plan, uri, kinds[uri][0] if uri in kinds else "article",
                                        url_of, site_name, site_description))
            for uri in uris}


def other_page_script(plan: SitePlan, title: str, url: str | None, url_of: UrlOf) -> str:
    """`other_page_graph` as script text."""
    return script_json(other_page_graph(plan, title, url, url_of))


def in_head(html: str, script: str) -> str | None:
    """The page `html` with the JSON-LD `script` text at the end of its <head>; None
    when it has no head."""
    head = html.find("</head>")
    if head < 0:
        return None
    return html[:head] + f'<script type="application/ld+json">{script}</script>\n' + html[head:]


def robots_txt(site_url: str | None, *hidden: str) -> str:
    """Everything may be crawled but the `hidden` folders (below the site root, such as
    the demo shop pages); the sitemap's address when `site_url` says where it is.

    Crawlers read robots.txt at the root of a host only; for a site in a
    sub-folder, its paths are still written from the host's root.
    """
    root = urlsplit(site_url).path if site_url else "/"
    root = root if root.endswith("/") else root + "/"
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {root}{folder.strip('/')}/" for folder in hidden]
    if site_url:
        base = site_url if site_url.endswith("/") else site_url + "/"
        lines += ["", f"Sitemap: {base}sitemap.xml"]
    return "\n".join(lines) + "\n"
