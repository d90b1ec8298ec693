"""What search engines read: schema.org JSON-LD (kb.structured), canonical links and meta
descriptions, sitemap lastmod, robots.txt, the 404 page and the site_url warning."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from kb import structured
from kb.articles import Article, Collection
from kb.contact import parse_contact
from kb.settings import parse_settings
from kb.site import plan_site
from kb.structured import script_json
from tests.conftest import SITE_URL, ProjectFactory, article, mkdocs_build

TODAY = date(2026, 11, 22)
NASTY = '</script><img src=x onerror=alert(1)> "Wat" & \'zo\' <!-- \u2028\u2029?'
TITLE = NASTY.replace(" \u2028\u2029", "")  # line separators in a title are cleaned up
SUMMARY = 'Gratis & "snel" </ script, 2 < 3'  # a summary is plain text: no tags
LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def make(slug: str, policy: str = "returns", stages: tuple[str, ...] = ("returns",),
         title: str | None = None, summary: str = "Kort.", reviewed: date = date(2026, 10, 1)
         ) -> Article:
    return Article(slug=slug, src_uri=f"{slug}.md", path=f"docs/{slug}.md",
                   title=title or f"{slug}?", summary=summary, policy=policy,
                   stages=list(stages), reviewed=reviewed, review_every=180, owner="team")


def plan_of(articles: list[Article], contact: dict | None = None, lang: str = "nl"):
    settings, problems = parse_settings({"language": lang, "contact": contact or {}},
                                        "mkdocs.yml")
    assert not problems
    return plan_site(Collection("docs", articles), settings, TODAY, "Shop Help")


def absolute(src_uri: str) -> str:
    """Where a page would be published, with directory URLs."""
    return "https://help.example/" + ("" if src_uri == "index.md" else src_uri[:-3] + "/")


def nowhere(src_uri: str) -> None:
    return None


def types(data: dict) -> list[str]:
    return [node["@type"] for node in data["@graph"]]


# --- script_json ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    NASTY, "</script>", "</SCRIPT >", "<!--", "-->", "<![CDATA[", '"quoted" \\ back',
    "a\u2028b\u2029c", "&amp; &lt;", "ünïcödé ☕", "\x00\x1f",
])
def test_script_json_cannot_end_the_script_and_round_trips(value: str) -> None:
    data = {"@type": "Thing", "name": value, "list": [value, {"k": value}]}
    text = script_json(data)
    assert json.loads(text) == data
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in text
    # What the HTML parser would look for inside a <script> element.
    assert not re.search(r"</script|<!--", text, re.I)


def test_script_json_keeps_readable_text() -> None:
    assert script_json({"a": "café <b>"}) == '{"a":"café \\u003cb\\u003e"}'


# --- builders -------------------------------------------------------------------------------


def test_breadcrumb_list_positions_and_urls() -> None:
    crumbs = structured.breadcrumb_list([("Home", "https://h.example/"), ("Retour", None)])
    assert crumbs == {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": "https://h.example/"},
        {"@type": "ListItem", "position": 2, "name": "Retour"},
    ]}


def test_opening_hours_one_spec_per_range_with_its_days() -> None:
    hours = {"mon": [(540, 720), (780, 1020)], "tue": [(540, 720), (780, 1020)],
             "wed": [], "thu": [], "fri": [(540, 1020)], "sat": [(0, 1440)], "sun": []}
    specs = structured.opening_hours(hours)
    day = "https://schema.org/"
    assert [(s["dayOfWeek"], s["opens"], s["closes"]) for s in specs] == [
        ([day + "Monday", day + "Tuesday"], "09:00", "12:00"),
        ([day + "Monday", day + "Tuesday"], "13:00", "17:00"),
        ([day + "Friday"], "09:00", "17:00"),
        ([day + "Saturday"], "00:00", "23:59"),
    ]
    assert all(s["@type"] == "OpeningHoursSpecification" for s in specs)


def test_closed_days_from_today_on() -> None:
    specs = structured.closed_days([date(2026, 12, 25), date(2026, 1, 1)], TODAY)
    assert specs == [{"@type": "OpeningHoursSpecification", "opens": "00:00",
                      "closes": "00:00", "validFrom": "2026-12-25",
                      "validThrough": "2026-12-25"}]


def test_contact_points_per_channel_type() -> None:
    contact, problems = parse_contact({"closed": ["2026-12-25"], "channels": [
        {"type": "phone", "number": "030 123 45 67", "hours": {"mon-fri": "09:00-17:00"},
         "response_time": "5 minutes"},
        {"type": "email", "address": "service@shop.example"},
        {"type": "chat", "link": "https://shop.example/chat", "hours": {"sat": "10:00-16:00"}},
        {"type": "form", "link": "/contactformulier"},
    ]}, "mkdocs.yml")
    assert not problems
    plan = plan_of([make("a")])
    phone, email, chat, form = (structured.contact_point(ch, plan.t, TODAY)
                                for ch in contact.channels)
    assert phone["telephone"] == "030 123 45 67" and "url" not in phone
    assert phone["contactType"] == "customer service" and phone["availableLanguage"] == "nl"
    assert phone["description"] == "Wachttijd meestal minder dan 5 minuten"
    assert [s.get("validFrom") for s in phone["hoursAvailable"]] == [None, "2026-12-25"]
    assert email["email"] == "service@shop.example" and "hoursAvailable" not in email
    assert chat["url"] == "https://shop.example/chat"
    assert chat["hoursAvailable"][0]["dayOfWeek"] == ["https://schema.org/Saturday"]
    assert "url" not in form  # a relative link is no URL for schema.org


def test_page_graphs_of_every_kind_with_absolute_urls() -> None:
    first = make("retour/termijn", title="Termijn?", summary="30 dagen.",
                 reviewed=date(2026, 9, 1))
    second = make("retour/kosten", title="Kosten?", stages=("returns", "order"),
                  reviewed=date(2026, 10, 5))
    other = make("betalen/ideal", policy="payment", stages=("order",),
                 reviewed=date(2026, 11, 1))
    plan = plan_of([first, second, other], {"channels": [
        {"type": "phone", "number": "030 1", "hours": {"mon": "09:00-17:00"}}]})

    home = structured.page_graph(plan, "index.md", "home", absolute, "Shop", "Alles over")
    assert types(home) == ["WebSite", "BreadcrumbList"]
    assert home["@graph"][0] == {"@type": "WebSite", "name": "Shop", "inLanguage": "nl",
                                 "url": "https://help.example/", "description": "Alles over"}
    assert len(home["@graph"][1]["itemListElement"]) == 1

    page = structured.page_graph(plan, "retour/termijn.md", "article", absolute, "Shop")
    assert types(page) == ["WebPage", "BreadcrumbList"]
    web = page["@graph"][0]
    assert (web["name"], web["description"], web["dateModified"], web["lastReviewed"],
            web["inLanguage"]) == ("Termijn?", "30 dagen.", "2026-09-01", "2026-09-01", "nl")
    assert web["url"] == "https://help.example/retour/termijn/"
    trail = [(i["name"], i["item"]) for i in page["@graph"][1]["itemListElement"]]
    assert trail == [("Home", "https://help.example/"),
                     ("Retourneren en terugbetalen", "https://help.example/topics/returns/"),
                     ("Termijn?", "https://help.example/retour/termijn/")]

    topic = structured.page_graph(plan, "topics/returns.md", "topic", absolute, "Shop")
    assert types(topic) == ["FAQPage", "BreadcrumbList"]
    faq = topic["@graph"][0]
    assert faq["dateModified"] == "2026-10-05"
    assert {q["name"] for q in faq["mainEntity"]} == {"Termijn?", "Kosten?"}
    termijn = next(q for q in faq["mainEntity"] if q["name"] == "Termijn?")
    assert termijn == {"@type": "Question", "name": "Termijn?",
                       "url": "https://help.example/retour/termijn/",
                       "acceptedAnswer": {"@type": "Answer", "text": "30 dagen.",
                                          "url": "https://help.example/retour/termijn/"}}
    stage = structured.page_graph(plan, "stages/order.md", "stage", absolute, "Shop")
    assert {q["name"] for q in stage["@graph"][0]["mainEntity"]} == {"Kosten?",
                                                                     "betalen/ideal?"}
    # An area without questions yet is no FAQ.
    empty = structured.page_graph(plan, "topics/privacy.md", "topic", absolute, "Shop")
    assert types(empty) == ["CollectionPage", "BreadcrumbList"]
    assert "mainEntity" not in empty["@graph"][0]

    contact = structured.page_graph(plan, "contact.md", "contact", absolute, "Shop")
    assert types(contact) == ["ContactPage", "BreadcrumbList"]
    organization = contact["@graph"][0]["mainEntity"]
    assert organization["@type"] == "Organization" and organization["name"] == "Shop"
    assert organization["contactPoint"][0]["hoursAvailable"][0]["opens"] == "09:00"


def test_without_site_url_no_url_is_guessed() -> None:
    plan = plan_of([make("retour/termijn"), make("retour/kosten")], {"channels": [
        {"type": "phone", "number": "030 1"}]})
    for src_uri, kind in plan.pages().items():
        data = structured.page_graph(plan, src_uri, kind[0], nowhere, "Shop")
        text = json.dumps(data)
        assert '"url"' not in text and '"item"' not in text and '"@id"' not in text, src_uri
        assert data["@graph"][-1]["@type"] == "BreadcrumbList"
    data = structured.page_graph(plan, "retour/termijn.md", "article", nowhere, "Shop")
    assert [i["name"] for i in data["@graph"][1]["itemListElement"]] == [
        "Home", "Retourneren en terugbetalen", "retour/termijn?"]


def test_every_page_kb_makes_gets_its_graph_as_script_text() -> None:
    plan = plan_of([make("retour/termijn"), make("retour/kosten")])
    scripts = structured.page_scripts(plan, absolute, "Shop", "Alles over")
    assert set(scripts) == set(plan.pages()) | set(plan.articles)
    for src_uri, text in scripts.items():
        kind = plan.kind(src_uri)
        assert kind is not None
        assert text == script_json(structured.page_graph(plan, src_uri, kind, absolute, "Shop",
                                                         "Alles over"))
    assert structured.page_scripts(plan, absolute, "Shop", None, ["contact.md"]) == {
        "contact.md": scripts["contact.md"]}
    other = json.loads(structured.other_page_script(plan, "Blog", "https://help.example/blog/",
                                                    absolute))
    assert [i["name"] for i in other["@graph"][0]["itemListElement"]] == ["Home", "Blog"]


def test_the_script_goes_at_the_end_of_the_head_of_a_page_that_has_one() -> None:
    page = "<html><head><title>x</title></head><body></body></html>"
    assert structured.in_head(page, '{"a":1}') == (
        '<html><head><title>x</title><script type="application/ld+json">{"a":1}</script>\n'
        "</head><body></body></html>")
    assert structured.in_head("<p>no head</p>", "{}") is None


def test_page_dates_follow_the_reviews() -> None:
    old = make("retour/oud", reviewed=date(2026, 3, 1))
    new = make("betalen/nieuw", policy="payment", stages=("order",),
               reviewed=date(2026, 10, 9))
    dates = structured.page_dates(plan_of([old, new]))
    assert dates["retour/oud.md"] == date(2026, 3, 1)
    assert dates["topics/returns.md"] == dates["stages/returns.md"] == date(2026, 3, 1)
    assert dates["topics/payment.md"] == date(2026, 10, 9)
    assert dates["index.md"] == dates["contact.md"] == date(2026, 10, 9)
    assert dates["topics/privacy.md"] == date(2026, 10, 9)  # empty: newest of all
    assert structured.page_dates(plan_of([])) == {}


def test_robots_txt() -> None:
    assert structured.robots_txt(None, "help/demo/") == (
        "User-agent: *\nAllow: /\nDisallow: /help/demo/\n")
    text = structured.robots_txt("https://shop.example/hulp/", "help/demo")
    assert "Disallow: /hulp/help/demo/\n" in text
    assert text.endswith("\nSitemap: https://shop.example/hulp/sitemap.xml\n")


# --- the built site -------------------------------------------------------------------------


CONTACT = {
    "closed": ["2026-12-25"],
    "channels": [
        {"type": "phone", "number": "030 123 45 67", "label": 'Bel "ons" </script>',
         "hours": {"mon-fri": "09:00-17:00"}},
        {"type": "email", "address": "service@shop.example", "response_time": "1 workday"},
    ],
}


def reviewed_on(text: str, day: str) -> str:
    """An article's text (see conftest.article) with another review date."""
    return text.replace("reviewed: 2026-10-01\n", f"reviewed: {day}\n", 1)


PAGE = "---\narticle: false\n---\n"


def ld_scripts(html: str) -> list[dict]:
    return [json.loads(text) for text in LD_SCRIPT.findall(html)]


@pytest.fixture
def nasty_site(project: ProjectFactory) -> ProjectFactory:
    project.config({"contact": CONTACT}, site_name='Shop "Help" </script>')
    project.one_per_area()
    project.write("returns/nasty.md", reviewed_on(article(
        title=json.dumps(TITLE), summary=json.dumps(SUMMARY)), "2026-11-03"))
    project.write("over-ons.md", PAGE + "# Over ons & \"zo\"\n\nWie we zijn.\n")
    return project


def test_every_page_has_valid_json_ld_that_cannot_break_out(nasty_site: ProjectFactory) -> None:
    site = mkdocs_build(nasty_site)
    pages = {str(p.relative_to(site)): p.read_text(encoding="utf-8")
             for p in site.rglob("index.html")}
    expected = {"index.html": "WebSite", "contact/index.html": "ContactPage",
                "topics/returns/index.html": "FAQPage", "stages/returns/index.html": "FAQPage",
                "returns/nasty/index.html": "WebPage", "over-ons/index.html": None}
    assert set(expected) <= set(pages)
    for path, html in pages.items():
        head, body = html.split("</head>", 1)
        assert "application/ld+json" not in body, path  # in <head>, once
        scripts = LD_SCRIPT.findall(head)
        assert len(scripts) == 1, path
        # The element ends at its own </script>: nothing in the data closes it early.
        assert "<" not in scripts[0] and "\u2028" not in scripts[0], path
        data = json.loads(scripts[0])
        assert data["@context"] == "https://schema.org"
        assert "BreadcrumbList" in types(data), path
        if path in expected and expected[path]:
            assert expected[path] in types(data), path
    article_data = ld_scripts(pages["returns/nasty/index.html"])[0]["@graph"]
    assert article_data[0]["name"] == TITLE
    assert article_data[0]["description"] == SUMMARY
    assert article_data[0]["dateModified"] == "2026-11-03"
    assert article_data[0]["isPartOf"]["name"] == 'Shop "Help" </script>'
    faq = ld_scripts(pages["topics/returns/index.html"])[0]["@graph"][0]
    assert TITLE in [q["name"] for q in faq["mainEntity"]]
    contact = ld_scripts(pages["contact/index.html"])[0]["@graph"][0]["mainEntity"]
    assert contact["contactPoint"][0]["name"] == 'Bel "ons" </script>'
    assert contact["contactPoint"][1]["email"] == "service@shop.example"
    about = ld_scripts(pages["over-ons/index.html"])[0]["@graph"]
    assert types({"@graph": about}) == ["BreadcrumbList"]
    assert about[0]["itemListElement"][1] == {"@type": "ListItem", "position": 2,
                                              "name": 'Over ons & "zo"',
                                              "item": SITE_URL + "over-ons/"}
    for html in pages.values():
        assert "<img src=x" not in html and "</script><img" not in html
    assert "application/ld+json" not in (site / "404.html").read_text(encoding="utf-8")


def test_canonical_link_and_meta_description(nasty_site: ProjectFactory) -> None:
    site = mkdocs_build(nasty_site)
    page = (site / "returns/nasty/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE_URL}returns/nasty/">' in page
    assert ('<meta name="description" content="Gratis &amp; &#34;snel&#34; '
            '&lt;/ script, 2 &lt; 3">') in page
    topic = (site / "topics/returns/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE_URL}topics/returns/">' in topic
    assert re.search(r'<meta name="description" content="[^"<>]+">', topic)


def test_without_site_url_no_canonical_no_urls_and_a_warning(
        project: ProjectFactory, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    project.config({}, site_url=None)
    project.one_per_area()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.kb"):
        site = mkdocs_build(project)
    assert "mkdocs.yml: warning: site_url: not set; canonical URLs" in caplog.text
    page = (site / "returns/vraag/index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in page
    data = ld_scripts(page)[0]
    assert "WebPage" in types(data)
    assert '"item"' not in json.dumps(data) and '"url"' not in json.dumps(data)
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap:" not in robots and "Disallow: /help/demo/" in robots


def test_strict_build_without_site_url_still_passes(project: ProjectFactory) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project.config({}, site_url=None)
    project.one_per_area()
    config = load_config(str(project.root / "mkdocs.yml"), strict=True)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    assert (project.root / "site" / "index.html").is_file()


def test_kb_check_warns_without_site_url(project: ProjectFactory) -> None:
    from kb.project import load_project

    project.config({}, site_url=None)
    problems = load_project().problems
    assert [(p.path, p.field, p.severity) for p in problems] == [
        ("mkdocs.yml", "site_url", "warning")]
    assert "sitemap.xml" in problems[0].message and "JSON-LD" in problems[0].message
    project.config({})
    assert load_project().problems == []


def test_sitemap_lastmod_is_the_review_date(project: ProjectFactory) -> None:
    project.config({})
    project.one_per_area()  # reviewed 2026-10-01
    project.write("returns/nieuw.md", reviewed_on(article(title="Nieuw?"), "2026-11-03"))
    project.write("payment/oud.md", reviewed_on(article(title="Oud?", policy="payment",
                                                        stage="order"), "2026-05-02"))
    project.write("over-ons.md", PAGE + "# Over ons\n")
    site = mkdocs_build(project)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(site / "sitemap.xml").getroot()
    lastmod = {url.findtext("s:loc", namespaces=ns)[len(SITE_URL):]:
               url.findtext("s:lastmod", namespaces=ns) for url in root.findall("s:url", ns)}
    assert lastmod["returns/nieuw/"] == "2026-11-03"
    assert lastmod["payment/oud/"] == "2026-05-02"
    assert lastmod["payment/vraag/"] == "2026-10-01"
    assert lastmod["topics/returns/"] == "2026-11-03"
    assert lastmod["topics/payment/"] == "2026-10-01"  # the newest of its questions
    assert lastmod["stages/order/"] == "2026-10-01"
    assert lastmod[""] == lastmod["contact/"] == "2026-11-03"
    assert "help/demo/cart.html" not in lastmod
    assert lastmod["over-ons/"] not in ("2026-11-03", "2026-10-01", "2026-05-02")  # build date


def test_robots_txt_is_generated_unless_the_docs_have_one(project: ProjectFactory) -> None:
    project.config({})
    project.one_per_area()
    site = mkdocs_build(project)
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert robots.splitlines() == ["User-agent: *", "Allow: /", "Disallow: /help/demo/", "",
                                   f"Sitemap: {SITE_URL}sitemap.xml"]
    assert (site / "help/demo/cart.html").is_file()
    project.write("robots.txt", "User-agent: *\nDisallow: /\n")
    site = mkdocs_build(project)
    assert (site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


def not_found_body(html: str) -> str:
    return html[html.index('class="md-content"'):html.index("</article>")]


@pytest.mark.parametrize("site_url, root", [(SITE_URL, "/"),
                                            ("https://shop.example/hulp/", "/hulp/"),
                                            (None, "/")])
def test_404_page_helps_with_search_top_questions_and_contact(
        project: ProjectFactory, site_url: str | None, root: str) -> None:
    project.config({"contact": CONTACT, "top_questions": 2}, site_url=site_url)
    project.one_per_area()
    site = mkdocs_build(project)
    html = (site / "404.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in html
    body = not_found_body(html)
    assert "<h1>Deze pagina bestaat niet (meer)</h1>" in body
    assert "404 - Not found" not in body
    assert (f'<form class="kb-search" role="search" method="get" action="{root}search/" '
            'data-kb-search="inline">') in body
    assert 'name="q"' in body
    # The most asked questions and the contact block, linked from the site root.
    assert body.count('<details class="kb-question">') == 2
    links = re.findall(r'href="([^"]*)"', body)
    assert f"{root}contact/" in links and "tel:0301234567" in links
    assert all(link.startswith((root, "tel:", "mailto:")) for link in links), links
    # The page's own scripts and styles load from the root too (any URL serves it).
    assert f'src="{root}assets/kb/kb.js"' in html and f'href="{root}assets/kb/kb.css"' in html


def test_404_page_in_english_and_a_custom_dir_404_wins(project: ProjectFactory) -> None:
    project.config({"language": "en"})
    project.one_per_area()
    assert "This page doesn&#39;t exist (any more)" in (
        mkdocs_build(project) / "404.html").read_text(encoding="utf-8")
    project.config({}, theme={"name": "material", "language": "nl", "custom_dir": "overrides"})
    own = project.root / "overrides" / "404.html"
    own.parent.mkdir()
    own.write_text('{% extends "main.html" %}{% block content %}Eigen 404{% endblock %}',
                   encoding="utf-8")
    html = (mkdocs_build(project) / "404.html").read_text(encoding="utf-8")
    assert "Eigen 404" in html and "kb-notfound" not in html


def test_demo_site_json_ld(tmp_path: Path) -> None:
    """The bundled demo: every page's JSON-LD parses; the contact page lists its channels."""
    from kb.checks import check_project
    from kb.mkdocs.builder import build_site
    from kb.project import load_project

    root = Path(__file__).resolve().parents[1]
    project = load_project(str(root / "mkdocs.yml"))
    collection, _ = check_project(project, TODAY)
    site = Path(build_site(project.config_path, today=TODAY, collection=collection,
                           site_dir=str(tmp_path / "site")).site_dir)
    contact = ld_scripts((site / "contact/index.html").read_text(encoding="utf-8"))[0]
    points = contact["@graph"][0]["mainEntity"]["contactPoint"]
    assert [p["name"] for p in points][:2] == ["Chat met een barista", "Telefoon"]
    for page in site.rglob("index.html"):
        if "help" in page.relative_to(site).parts[:1]:
            continue
        assert len(ld_scripts(page.read_text(encoding="utf-8"))) == 1, page
