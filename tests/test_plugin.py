"""The MkDocs plugin, tested by building small fixture projects with plain MkDocs."""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

import kb.background
import kb.mkdocs.plugin
from tests.conftest import SITE_URL, ProjectFactory, article, in_fresh_python, mkdocs_build

CONTACT = {
    "timezone": "Europe/Amsterdam",
    "closed": ["2026-12-25", "2026-01-01"],
    "channels": [
        {"type": "chat", "link": "https://shop.example/chat",
         "hours": {"mon-fri": "08:30-17:30", "sat": "10:00-16:00"}, "response_time": "2 minutes"},
        {"type": "phone", "number": "030 123 45 67", "hours": {"mon-fri": "09:00-17:00"},
         "response_time": "5 minutes"},
        {"type": "email", "address": "service@shop.example", "response_time": "1 workday"},
    ],
}




def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def search_text(site: Path) -> str:
    """Every file of the site search's indexes (search/, pages corpus included)."""
    return "".join(p.read_text(encoding="utf-8") for p in sorted((site / "search").rglob("*.js")))


def all_html(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8")
            for p in site.rglob("*.html")}


def primary_nav(html: str) -> str:
    start = html.index('md-nav--primary')
    return html[start: html.index('class="md-content"', start)]


@pytest.fixture
def shop(project: ProjectFactory) -> ProjectFactory:
    project.config({"contact": CONTACT})
    project.one_per_area()
    project.write("returns/termijn.md", article(
        related=["returns/kosten"], contexts=["returns"], covers=["return-period"]))
    project.write("returns/kosten.md", article(
        title="Wie betaalt de retourkosten?", summary="Retourneren is gratis in Nederland.",
        body="## Zo werkt het\n\nStuur het pakket terug met het label."))
    return project


def test_generated_pages_exist(shop: ProjectFactory) -> None:
    site = mkdocs_build(shop)
    for path in ["index.html", "contact/index.html", "returns/termijn/index.html"]:
        assert (site / path).is_file(), path
    for area in ["product", "order-status", "payment", "shipping", "returns", "privacy"]:
        assert (site / "topics" / area / "index.html").is_file()
    for stage in ["research", "discovery", "order", "delivery", "returns"]:
        assert (site / "stages" / stage / "index.html").is_file()


def test_home_has_search_top_questions_tiles_stages_and_contact(shop: ProjectFactory) -> None:
    home = read(mkdocs_build(shop), "index.html")
    assert 'role="search"' in home and 'name="q"' in home
    assert "Meest gestelde vragen" in home
    assert "Hoe lang heb ik om iets terug te sturen?" in home
    assert home.count('class="kb-tile"') == 6
    assert 'href="topics/returns/"' in home
    assert "Ik wil bestellen" in home and "Waar blijft mijn pakket?" in home
    assert "Niet gevonden wat je zocht?" in home
    assert 'href="tel:0301234567"' in home


def test_listing_pages_list_questions_with_short_answers(shop: ProjectFactory) -> None:
    page = read(mkdocs_build(shop), "topics/returns/index.html")
    assert "<h1>Retourneren en terugbetalen</h1>" in page
    assert page.count('<details class="kb-question">') == 3
    assert "Retourneren is gratis in Nederland." in page
    assert 'href="../../returns/kosten/"' in page
    # Alphabetical by title until a popularity source says otherwise.
    assert page.index("Een vraag over returns?") < page.index("Hoe lang heb ik") \
        < page.index("Wie betaalt de retourkosten?")


def test_article_page_has_short_answer_review_date_related_and_fallback(
        shop: ProjectFactory) -> None:
    page = read(mkdocs_build(shop), "returns/termijn/index.html")
    assert page.count("<h1") == 1
    answer = page.index('class="kb-answer"')
    assert page.index("Je hebt 30 dagen na ontvangst.", answer) < page.index("Het hele antwoord.")
    assert "Laatst gecontroleerd op 1 oktober 2026" in page
    assert '<time datetime="2026-10-01">' in page
    related = page[page.index('class="kb-related"'):]
    # The manual `related` comes first, then the rest of the area.
    assert related.index("Wie betaalt de retourkosten?") < related.index("Een vraag over returns?")
    assert "Niet gevonden wat je zocht?" in page
    assert '<meta name="description" content="Je hebt 30 dagen na ontvangst.">' in page


def test_contact_page_shows_hours_closed_dates_and_response_times(shop: ProjectFactory) -> None:
    page = read(mkdocs_build(shop), "contact/index.html")
    assert "<h1>Contact met de klantenservice</h1>" in page
    assert "<th scope=\"row\">zaterdag</th><td>10:00–16:00</td>" in page
    assert "<th scope=\"row\">zondag</th><td>gesloten</td>" in page
    assert "Reactie meestal binnen 2 minuten" in page
    assert "Wachttijd meestal minder dan 5 minuten" in page
    assert "Reactie meestal binnen 1 werkdag" in page
    assert "vrijdag 25 december 2026" in page
    assert "2026-01-01" not in page  # past closed dates are not shown
    assert 'href="mailto:service@shop.example"' in page


def test_nav_is_small_and_never_lists_articles(shop: ProjectFactory) -> None:
    site = mkdocs_build(shop)
    nav = primary_nav(read(site, "returns/termijn/index.html"))
    assert "topics/returns/" in nav and "stages/order/" in nav and "contact/" in nav
    assert "returns/kosten" not in nav and "Wie betaalt" not in nav
    before = nav.count("md-nav__link")
    for n in range(10):
        shop.write(f"extra/vraag-{n}.md", article(title=f"Extra vraag {n}?"))
    after = primary_nav(read(mkdocs_build(shop), "returns/termijn/index.html")).count(
        "md-nav__link")
    assert after == before


def test_unpublished_articles_are_left_out_everywhere(shop: ProjectFactory) -> None:
    shop.write("returns/concept.md", article(title="Geheim concept?", draft=True))
    shop.write("returns/straks.md", article(title="Nieuwe regel straks?", publish="2027-01-01"))
    shop.write("returns/oud.md", article(title="Verlopen actie?", expires="2026-11-01"))
    site = mkdocs_build(shop)
    for slug in ["concept", "straks", "oud"]:
        assert not (site / "returns" / slug).exists()
    everything = "".join(all_html(site).values()) + search_text(site)
    for title in ["Geheim concept", "Nieuwe regel straks", "Verlopen actie"]:
        assert title not in everything


def test_publish_date_reached_makes_the_article_appear(shop: ProjectFactory,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shop.write("returns/straks.md", article(title="Nieuwe regel straks?", publish="2027-01-01"))
    monkeypatch.setenv("KB_TODAY", "2027-01-01")
    site = mkdocs_build(shop)
    assert (site / "returns/straks/index.html").is_file()
    assert "Nieuwe regel straks?" in read(site, "topics/returns/index.html")


def test_the_site_search_answers_in_the_sites_language(shop: ProjectFactory) -> None:
    site = mkdocs_build(shop)
    meta = read(site, "search/meta.js")
    assert '"language":"nl"' in meta
    assert 'lang="nl"' in read(site, "index.html")


def test_articles_are_rendered_from_memory_with_their_front_matter_for_the_theme(
        shop: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.structure.files import File

    shop.write("retourneren/verborgen.md", article(
        title="Zonder inhoudsopgave?", hide=["toc", "navigation"],
        body="## Eerste kop\n\nTekst.\n\n## Tweede kop\n\nMeer tekst."))
    shop.write("retourneren/streep.md", article(
        title="Met een streep bovenaan?", body="---\n\nNa de streep."))
    opened = []
    original = File.content_string
    monkeypatch.setattr(File, "content_string", property(
        lambda self: (opened.append(self.src_uri) if self.generated_by is None else None)
        or original.fget(self)))
    site = mkdocs_build(shop)
    # MkDocs reads no article file again, but for the one whose answer opens with
    # a rule that MkDocs would take for front matter.
    assert opened == ["retourneren/streep.md"]
    hidden = read(site, "retourneren/verborgen/index.html")
    assert "Eerste kop" in hidden
    assert 'data-md-type="navigation" hidden' in hidden and 'data-md-type="toc" hidden' in hidden
    assert "<hr" in read(site, "retourneren/streep/index.html")


SECOND_CORE = """
    import json, sys
    from pathlib import Path
    import kb.background
    from tests.conftest import ProjectFactory, mkdocs_build

    shop = ProjectFactory(Path(sys.argv[1]))
    paths = ["answers.json", "llms-full.txt", "retourneren/vraag-4/index.html", "index.html",
             "search/meta.js", "search/docs/0.js", "assets/kb/engine/engine.js"]
    site = mkdocs_build(shop)
    alone = {p: (site / p).read_text("utf-8") for p in paths}
    forks, where, original = [], [], kb.background.Background.__init__

    def counting(self, *args, **kwargs):
        original(self, *args, **kwargs)
        forks.append(self.process is not None)
        where.append(getattr(args[0], "__name__", str(args[0])))

    kb.background.Background.__init__ = counting
    kb.background.BACKGROUND_FROM = 0  # fork for this small site too
    site = mkdocs_build(shop)
    two = {p: (site / p).read_text("utf-8") for p in paths}
    print(json.dumps({"can_fork": kb.background.can_fork(), "forks": forks, "where": where,
                      "same": [p for p in paths if alone[p] == two[p]]}))
"""


def test_a_large_site_built_with_a_second_core_is_the_same(shop: ProjectFactory) -> None:
    for n in range(12):
        shop.write(f"retourneren/vraag-{n}.md", article(
            title=f"Vraag {n} over retourneren?", body=f"Antwoord {n} over de doos.",
            related=["returns/termijn"] if n % 3 == 0 else []))
    found = json.loads(in_fresh_python(SECOND_CORE, str(shop.root)))
    assert found["same"] == ["answers.json", "llms-full.txt", "retourneren/vraag-4/index.html",
                             "index.html", "search/meta.js", "search/docs/0.js",
                             "assets/kb/engine/engine.js"]
    if found["can_fork"]:
        # related questions, JSON-LD, the site search's files, then the files for machines
        assert found["forks"] == [True, True, True, True], found["where"]


def test_the_nav_rendered_once_per_folder_is_the_one_material_renders(
        shop: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    shop.write("retourneren/dieper/map/vraag.md", article(title="Diep in een map?"))
    shop.write("contactvragen/bellen.md", article(title="Kan ik bellen?"))
    cached = all_html(mkdocs_build(shop))
    nav = primary_nav(cached["retourneren/dieper/map/vraag/index.html"])
    assert 'href="../../../../topics/returns/"' in nav
    monkeypatch.setattr(kb.mkdocs.plugin, "NAV_KEY", "not_set_so_material_renders_every_nav")
    assert all_html(mkdocs_build(shop)) == cached


def test_no_request_to_third_parties(shop: ProjectFactory) -> None:
    for path, html in all_html(mkdocs_build(shop)).items():
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, path
        # Nothing the browser loads by itself (scripts, styles, images, frames)
        # may come from another host; plain links are clicks, not requests.
        loads = re.findall(r'<(?:script|link|img|iframe|source|video|audio)\b[^>]*', html)
        for tag in loads:
            # The site's own address (the canonical link) is not another host.
            tag = tag.replace(f'"{SITE_URL}', '"/')
            assert not re.search(r'(?:src|href|srcset)="(?:https?:)?//', tag), (path, tag)


def test_configured_font_is_respected(project: ProjectFactory) -> None:
    project.config({}, theme={"name": "material", "language": "nl", "font": {"text": "Inter"}})
    project.one_per_area()
    assert "fonts.googleapis.com" in read(mkdocs_build(project), "index.html")


def test_content_is_escaped_everywhere(project: ProjectFactory) -> None:
    project.config({})
    project.one_per_area()
    nasty = '<img src=x onerror=alert(1)> "Wat" & \'zo\'?'
    project.write("returns/nasty.md", article(
        title=nasty, summary='Gratis & snel, "echt" waar </ script',
        keywords=["<b>"]))
    site = mkdocs_build(project)
    for path, html in all_html(site).items():
        assert "<img src=x" not in html, path
        assert '"echt" waar' not in html, path  # never raw inside an attribute
    page = read(site, "returns/nasty/index.html")
    assert "<title>&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'content="Gratis &amp; snel, &#34;echt&#34; waar &lt;/ script"' in page
    listing = read(site, "topics/returns/index.html")
    assert "&lt;img src=x onerror=alert(1)&gt; &#34;Wat&#34; &amp; &#39;zo&#39;?" in listing
    assert "Gratis &amp; snel, &#34;echt&#34; waar &lt;/ script" in listing


def test_site_name_and_description_are_escaped_for_material(project: ProjectFactory) -> None:
    name, description = "Koffie & <b>Thee</b>", 'Hulp bij "alles" <script>'
    project.config({}, site_name=name, site_description=description)
    project.one_per_area()
    site = mkdocs_build(project)
    for path, html in all_html(site).items():
        assert "<b>Thee</b>" not in html and '"alles" <script>' not in html, path
    home = read(site, "index.html")
    assert "Koffie &amp; &lt;b&gt;Thee&lt;/b&gt;" in home.split("</title>")[0]
    # kb's own outputs carry the name as written, escaped only by their own format.
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', home, re.S)
    graph = json.loads(ld.group(1))["@graph"]
    assert any(item.get("name") == name for item in graph)
    answers = json.loads(read(site, "answers.json"))
    assert answers["site"]["name"] == name


def test_help_blocks_are_escaped_in_every_form(project: ProjectFactory) -> None:
    project.config({"contact": CONTACT})
    project.one_per_area()
    nasty = '<img src=x onerror=alert(1)> "</script>" \'zo\'?'
    project.write("returns/nasty.md", article(title=nasty, summary='Echt "gratis" </ script',
                                              contexts=["cart"]))
    site = mkdocs_build(project)
    data = json.loads(read(site, "help/cart.json"))
    assert data["questions"][0]["title"] == nasty  # data, shown with textContent
    script = read(site, "help/cart.js")
    assert "</" not in script and script.isascii()
    payload = script.split("=", 2)[2].split(";\nwindow.kbHelp", 1)[0]
    assert json.loads(payload) == data
    fragment = read(site, "help/cart.html")
    assert "<img" not in fragment and "</script>" not in fragment
    assert "&lt;img src=x onerror=alert(1)&gt; &#34;&lt;/script&gt;&#34; &#39;zo&#39;?" in fragment


def test_help_blocks_per_context_with_the_widget_and_a_demo(shop: ProjectFactory) -> None:
    shop.config({"contact": CONTACT}, site_url=None)
    site = mkdocs_build(shop)
    contexts = ["home", "product", "cart", "checkout", "order-status", "returns", "account"]
    for name in contexts:
        for ext in ("json", "js", "html"):
            assert (site / "help" / f"{name}.{ext}").is_file(), (name, ext)
    data = json.loads(read(site, "help/returns.json"))
    assert data["context"] == "returns" and data["lang"] == "nl"
    assert [(q["slug"], q["url"]) for q in data["questions"]] == [
        ("returns/termijn", "../returns/termijn/")]
    assert [c["id"] for c in data["channels"]] == ["chat", "phone", "email"]
    assert data["channels"][0]["closed"] == ["2026-12-25"]  # not the past 1 January
    assert "invite_after" not in data
    # The help centre's own block: channels only, and the search's chat invitation.
    site_block = json.loads(read(site, "help/kb-contact.json"))
    assert site_block["questions"] == [] and site_block["invite_after"] == 45
    assert not (site / "help" / "kb-contact.html").exists()
    assert "/*KB_CSS*/" not in read(site, "help/kb-help.js")
    home = read(site, "index.html")
    # Pages load only kb.js; it fetches the widget when a contact block comes near.
    assert 'src="assets/kb/kb.js"' in home and 'src="help/kb-help.js"' not in home
    assert '"../../help/kb-help.js"' in read(site, "assets/kb/kb.js")
    # Every page loads them: they travel without comments and indentation.
    assert "/*" not in read(site, "assets/kb/kb.css")
    assert not [line for line in read(site, "assets/kb/kb.js").splitlines()
                if line.startswith((" ", "//", "/*"))]
    cart = read(site, "help/demo/cart.html")
    assert 'data-kb-help="cart"' in cart and 'data-kb-help="checkout"' in cart
    assert '<script src="../kb-help.js" defer></script>' in cart
    assert (site / "help" / "demo" / "product.html").is_file()
    # Without site_url the fragments link relative to the help centre.
    assert 'href="../returns/termijn/"' in read(site, "help/returns.html")


def test_help_block_options_and_fragments_for_another_host(project: ProjectFactory) -> None:
    project.config({"language": "en", "help_questions": 1, "chat_invite_after": 0,
                    "contact": CONTACT, "taxonomy": {"contexts": {"wishlist": "Wish list"}}},
                   site_url="https://help.shop.example/")
    project.one_per_area()
    project.write("returns/first.md", article(title="First?", contexts=["cart", "wishlist"]))
    project.write("returns/second.md", article(title="Second?", contexts=["cart"]))
    site = mkdocs_build(project)
    data = json.loads(read(site, "help/cart.json"))
    assert len(data["questions"]) == 1
    assert data["title"] == "Frequently asked questions" and data["strings"]["days"][0] == "Monday"
    assert json.loads(read(site, "help/kb-contact.json"))["invite_after"] == 0
    fragment = read(site, "help/cart.html")
    assert f'href="https://help.shop.example/{data["questions"][0]["url"][3:]}"' in fragment
    assert 'action="https://help.shop.example/search/"' in fragment
    assert "Sample shop" in read(site, "help/demo/product.html")
    # A context the shop adds gets its block too.
    wishlist = json.loads(read(site, "help/wishlist.json"))
    assert wishlist["label"] == "Wish list" and wishlist["questions"][0]["title"] == "First?"


def test_taxonomy_extension_adds_a_topic_page_and_nav_entry(project: ProjectFactory) -> None:
    project.config({"taxonomy": {"policies": {
        "account": {"label": {"nl": "Mijn account", "en": "My account"},
                    "items": {"login": "Inloggen"}},
        "returns": {"label": {"nl": "Retour en ruilen"}},
    }}})
    project.one_per_area()
    project.write("account/wachtwoord.md", article(
        title="Ik ben mijn wachtwoord vergeten?", policy="account", covers=["login"]))
    site = mkdocs_build(project)
    page = read(site, "topics/account/index.html")
    assert "<h1>Mijn account</h1>" in page and "Ik ben mijn wachtwoord vergeten?" in page
    home = read(site, "index.html")
    assert "Retour en ruilen" in home and "Retourneren en terugbetalen" not in home
    assert "topics/account/" in primary_nav(home)


def test_pages_are_built_but_not_treated_as_articles(project: ProjectFactory) -> None:
    project.config({})
    project.one_per_area()
    project.write("blog/nieuws.md", "# Nieuws\n\nGeen front matter nodig.\n")
    project.write("over-ons.md", "---\narticle: false\n---\n# Over ons\n\nWie we zijn.\n")
    site = mkdocs_build(project)
    assert "Geen front matter nodig." in read(site, "blog/nieuws/index.html")
    about = read(site, "over-ons/index.html")
    assert "Wie we zijn." in about and "kb-answer" not in about


def test_english_site_uses_english_strings(project: ProjectFactory) -> None:
    project.config({"language": "en"})
    project.one_per_area()
    site = mkdocs_build(project)
    home = read(site, "index.html")
    assert "How can we help?" in home and "I want to order" in home
    assert 'lang="en"' in home
    article_page = read(site, "returns/vraag/index.html")
    assert "Last reviewed on 1 October 2026" in article_page
    assert "Didn&#39;t find what you were looking for?" in article_page


def test_templates_can_be_overridden_from_custom_dir(project: ProjectFactory) -> None:
    project.config({}, theme={"name": "material", "language": "nl", "custom_dir": "overrides"})
    project.one_per_area()
    override = project.root / "overrides" / "kb" / "partials" / "fallback.html"
    override.parent.mkdir(parents=True)
    override.write_text('<aside class="shop-help">Bel {{ config.site_name }}</aside>',
                        encoding="utf-8")
    page = read(mkdocs_build(project), "returns/vraag/index.html")
    assert '<aside class="shop-help">Bel Test Shop Help</aside>' in page
    assert "Niet gevonden wat je zocht?" not in page


def test_plain_mkdocs_build_stops_on_content_errors(project: ProjectFactory,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    project.config({})
    project.one_per_area()
    project.write("returns/kapot.md", article(policy="retour"))
    project.write("returns/leeg.md", "")
    with pytest.raises((PluginError, Abort)):
        mkdocs_build(project)
    message = caplog.text
    assert "did you mean 'returns'?" in message
    assert "the file is empty" in message
    assert not (project.root / "site" / "index.html").exists()


def test_invalid_option_stops_the_build_with_the_option_named(
        project: ProjectFactory, caplog: pytest.LogCaptureFixture) -> None:
    project.config({"contact": {"channels": [{"type": "fax", "number": "1"}]}})
    project.one_per_area()
    with pytest.raises((PluginError, Abort)):
        mkdocs_build(project)
    assert "plugins.kb.contact.channels[0].type" in caplog.text
    assert "but found 'fax'" in caplog.text


def test_user_nav_is_respected(project: ProjectFactory) -> None:
    project.config({}, nav=[{"Start": "index.md"}, {"Contact": "contact.md"}])
    project.one_per_area()
    nav = primary_nav(read(mkdocs_build(project), "index.html"))
    assert "Start" in nav and "topics/" not in nav


@pytest.mark.parametrize("theme, option, html_lang, search, home_title", [
    ("nl-BE", None, "nl", "nl", "Meest gestelde vragen"),
    ("nl_BE", None, "nl", "nl", "Meest gestelde vragen"),
    ("EN", None, "en", "en", "Most asked questions"),
    ("nl", "en_US", "en", "en", "Most asked questions"),
    ("pt_br", None, "pt", "pt", "Most asked questions"),
    ("ga", None, "en", "ga", "Most asked questions"),
])
def test_region_variants_and_languages_material_lacks_build_with_the_closest_translation(
        project: ProjectFactory, theme: str, option: str | None, html_lang: str,
        search: str, home_title: str) -> None:
    project.config({"language": option} if option else {},
                   theme={"name": "material", "language": theme})
    project.one_per_area()
    site = mkdocs_build(project)
    home = read(site, "index.html")
    assert f'<html lang="{html_lang}"' in home
    assert home_title in home
    assert f'"language":"{search}"' in read(site, "search/meta.js")


def test_a_portuguese_site_gets_materials_brazilian_translation(project: ProjectFactory) -> None:
    project.config({}, theme={"name": "material", "language": "pt_br"})
    project.one_per_area()
    # Material's pt-BR.html and pt.html word their texts differently (these are in the
    # page configuration Material's script reads).
    home = read(mkdocs_build(project), "index.html")
    assert "Nenhum documento encontrado" in home
    assert "Nenhum resultado encontrado" not in home


@pytest.mark.parametrize("kb_options, theme, field", [
    ({}, "zz", "theme.language"), ({"language": "zz"}, "nl", "plugins.kb.language"),
])
def test_an_unknown_language_stops_the_build_with_the_option_named(
        project: ProjectFactory, caplog: pytest.LogCaptureFixture, kb_options: dict,
        theme: str, field: str) -> None:
    project.config(kb_options, theme={"name": "material", "language": theme})
    project.one_per_area()
    with pytest.raises((PluginError, Abort)):
        mkdocs_build(project)
    assert f"{field}: expected a language code such as 'nl' or 'en' but found 'zz'" in caplog.text
    assert "TemplateNotFound" not in caplog.text


# --- Article bodies are sanitized (kb.sanitize) ---------------------------------------

UNSAFE_BODY = (
    "Ervoor.\n\n<script>window.kbPwned = 1</script>\n\n"
    '<iframe srcdoc="<script>window.kbPwned = 2</script>"></iframe>\n'
    '<object data="film.swf"></object><embed src="film.swf">\n\n'
    '<img src="foto.png" alt="foto" onerror="window.kbPwned = 3">\n\n'
    "[Klik](javascript:window.kbPwned=4) of ![plaatje](data:text/html,kbPwned)\n\n"
    "Erna.")
UNSAFE_PARTS = ("kbPwned", "<iframe", "<object", "<embed", "onerror", "javascript:",
                "data:text/html")


def unsafe_article(project: ProjectFactory, **options: object) -> Path:
    project.config({"contact": CONTACT, **options})
    project.one_per_area()
    project.write("returns/onveilig.md", article(title="Onveilig?", body=UNSAFE_BODY))
    return mkdocs_build(project)


def answer_of(site: Path, slug: str) -> dict:
    return next(a for a in json.loads(read(site, "answers.json"))["answers"]
                if a["slug"] == slug)


def test_script_frames_handlers_and_unsafe_urls_are_removed_from_every_output(
        project: ProjectFactory, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="mkdocs.plugins.kb")
    site = unsafe_article(project)
    page = read(site, "returns/onveilig/index.html")
    outputs = {"page": page, "answer_html": answer_of(site, "returns/onveilig")["answer_html"],
               "llms-full.txt": read(site, "llms-full.txt"),
               "Markdown copy": read(site, "returns/onveilig.md")}
    for name, text in outputs.items():
        for part in UNSAFE_PARTS:
            assert part not in text, (name, part)
        assert "Ervoor." in text and "Erna." in text, name
    assert '<img src="foto.png" alt="foto">' in page
    assert "Klik" in outputs["answer_html"] and "[Klik](#)" in outputs["Markdown copy"]
    assert "kbPwned" not in search_text(site)
    # A plain `mkdocs build` (or kb serve) reports them like kb check does.
    assert "onveilig.md:12: warning: body:" in caplog.text


def test_unsafe_html_true_publishes_the_body_as_written(project: ProjectFactory) -> None:
    site = unsafe_article(project, unsafe_html=True)
    assert "<script>window.kbPwned = 1</script>" in read(site, "returns/onveilig/index.html")
    assert 'onerror="window.kbPwned = 3"' in answer_of(site, "returns/onveilig")["answer_html"]
    assert "[Klik](javascript:window.kbPwned=4)" in read(site, "llms-full.txt")


MATERIAL_EXTENSIONS = [
    "admonition", "attr_list", "md_in_html", "tables", "footnotes", {"toc": {"permalink": True}},
    "pymdownx.details", "pymdownx.superfences", {"pymdownx.tabbed": {"alternate_style": True}},
    {"pymdownx.highlight": {"linenums": True, "anchor_linenums": True}},
    {"pymdownx.tasklist": {"custom_checkbox": True}},
]
MATERIAL_BODY = """\
## Stappen {#stappen .belangrijk}

!!! note "Let op"
    Een notitie met een [link](https://shop.example/){target=_blank rel=noopener}.

??? tip "Meer weten"
    Verborgen tekst.

=== "iDEAL"

    Betaal met iDEAL.

=== "Creditcard"

    Betaal met je kaart.

| Links | Midden | Rechts |
|:------|:------:|-------:|
| a     | b      | c      |

```python
print("<b>hallo</b>")
```

Een voetnoot[^1].

![Logo](data:image/png;base64,iVBORw0KGgo=){ width="16" height="16" loading=lazy }

- [x] gedaan
- [ ] nog doen

[^1]: De voetnoot.
"""


def test_material_markup_is_kept_when_sanitizing(project: ProjectFactory) -> None:
    from tests.test_sanitize import dom

    def build(unsafe: bool) -> tuple[str, str]:
        project.config({"unsafe_html": unsafe}, markdown_extensions=MATERIAL_EXTENSIONS)
        project.one_per_area()
        project.write("returns/rijk.md", article(title="Rijk?", body=MATERIAL_BODY))
        site = mkdocs_build(project)
        page = read(site, "returns/rijk/index.html")
        content = page[page.index('<div class="kb-answer">'):page.index("</article>")]
        return content, answer_of(site, "returns/rijk")["answer_html"]

    content, answer = build(unsafe=False)
    for markup in ('<h2 class="belangrijk" id="stappen">', 'class="admonition note"',
                   '<details class="tip">', 'type="radio"', '<label for="__tabbed_1_2">',
                   'style="text-align:center"', 'class="highlighttable"',
                   '<span class="nb">print</span>', 'id="fnref:1"', 'class="headerlink"',
                   'src="data:image/png;base64,iVBORw0KGgo="', 'loading="lazy"',
                   'type="checkbox"', 'target="_blank"'):
        assert markup in content, markup
    raw_content, raw_answer = build(unsafe=True)
    assert dom(content) == dom(raw_content)
    assert dom(answer) == dom(raw_answer)


def test_blog_posts_their_excerpts_and_other_pages_are_sanitized_too(
        project: ProjectFactory) -> None:
    project.config({}, plugins=["blog", {"kb": {}}])
    project.one_per_area()
    project.write("blog/index.md", "# Blog\n")
    project.write("blog/posts/bonen.md", (
        "---\ndate: 2026-10-01\n---\n# Verse bonen\n\n"
        'Het begin <img src="x.png" onerror="window.kbPwned=1">.\n\n<!-- more -->\n\n'
        "Meer <script>window.kbPwned=2</script>\n"))
    project.write("over-ons.md", (
        "---\narticle: false\ntitle: 'Over ons</title><script>window.kbPwned=4</script>'\n"
        "description: '\"><script>window.kbPwned=5</script>'\n---\n# Over ons\n\n"
        "<script>window.kbPwned=3</script>\nWie we zijn.\n"))
    site = mkdocs_build(project)
    pages = all_html(site)
    assert "Het begin" in pages["blog/index.html"] and "Wie we zijn." in pages[
        "over-ons/index.html"]
    for path, html in pages.items():
        assert "<script>window.kbPwned" not in html and "onerror" not in html, path
    assert "<title>Over ons&lt;/title&gt;&lt;script&gt;" in pages["over-ons/index.html"]


# The order MkDocs 1.6 runs its events in (mkdocs/commands/build.py and serve.py).
MKDOCS_ORDER = ["on_startup", "on_config", "on_pre_build", "on_files", "on_nav", "on_pre_page",
                "on_page_read_source", "on_page_markdown", "on_page_content", "on_env",
                "on_pre_template", "on_template_context", "on_post_template",
                "on_page_context", "on_post_page", "on_post_build", "on_build_error",
                "on_serve", "on_shutdown"]


def test_every_hook_is_a_few_lines_in_the_order_mkdocs_runs_them() -> None:
    tree = ast.parse(textwrap.dedent(inspect.getsource(kb.mkdocs.plugin.KbPlugin)))
    body = tree.body[0]
    assert isinstance(body, ast.ClassDef)
    functions = {n.name: n for n in body.body if isinstance(n, ast.FunctionDef)}
    hooks: list[str] = []
    lengths: dict[str, int] = {}
    for node in body.body:
        parts: list[str] = []
        if isinstance(node, ast.FunctionDef) and node.name.startswith("on_"):
            hooks.append(node.name)
            parts = [node.name]
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            name = node.targets[0]
            assert isinstance(name, ast.Name)
            hooks.append(name.id)  # a CombinedEvent of the methods it names
            parts = [arg.id for arg in node.value.args if isinstance(arg, ast.Name)]
        for part in parts:  # from the def line to the last, docstring included
            function = functions[part]
            lengths[part] = (function.end_lineno or function.lineno) - function.lineno + 1
    assert hooks == [name for name in MKDOCS_ORDER if name in hooks]
    assert len(hooks) >= 14
    assert {name: n for name, n in lengths.items() if n > 15} == {}


# --- kb's search replaces Material's (issue 16) -----------------------------------------

SEARCH_NOTE = "the search plugin is no longer needed on a kb site"


def forms(html: str) -> list[tuple[str, str]]:
    """The search forms of a page (contract 5): (data-kb-search, action) of each, after
    checking that each is a GET form with a search box named q and a submit button."""
    found = []
    for form in re.findall(r"<form\b[^>]*data-kb-search=.*?</form>", html, re.S):
        head = form[:form.index(">")]
        assert 'role="search"' in head and 'method="get"' in head, head
        assert re.search(r'<input\b[^>]*type="search"', form), form
        assert re.search(r'<input\b[^>]*name="q"', form), form
        assert '<button' in form and 'type="submit"' in form, form
        found.append((re.search(r'data-kb-search="([^"]*)"', head).group(1),
                      re.search(r'action="([^"]*)"', head).group(1)))
    return found


def test_a_site_listing_the_search_plugin_builds_without_materials_search(
        shop: ProjectFactory, caplog: pytest.LogCaptureFixture) -> None:
    """No lunr worker, no search_index.json, nothing on any page that names them; one
    message (information: a strict build still builds) saying the plugin can go."""
    shop.config({"contact": CONTACT}, plugins=["search", {"kb": {}}], strict=True)
    caplog.set_level("INFO", logger="mkdocs.plugins.kb")
    site = mkdocs_build(shop)
    notes = [r for r in caplog.records if SEARCH_NOTE in r.getMessage()]
    assert [(r.levelname, r.getMessage()[:40]) for r in notes] == [
        ("INFO", "mkdocs.yml:8: warning: plugins: the sear")]
    assert "remove `- search` from the plugins" in notes[0].getMessage()
    assert not (site / "search/search_index.json").exists()
    assert not (site / "assets/javascripts/workers").exists()
    assert not (site / "assets/javascripts/lunr").exists()
    pages = all_html(site)
    assert {"index.html", "404.html", "search/index.html"} <= set(pages)
    for path, html in pages.items():
        for name in ("search_index", "workers/search", "lunr", "md-search"):
            assert name not in html, (path, name)
        assert "data-md-component=\"search" not in html, path


def test_a_site_without_the_search_plugin_says_nothing_about_it(
        project: ProjectFactory, caplog: pytest.LogCaptureFixture) -> None:
    project.config({}, plugins=[{"kb": {}}])
    project.one_per_area()
    caplog.set_level("INFO", logger="mkdocs.plugins.kb")
    site = mkdocs_build(project)
    assert SEARCH_NOTE not in caplog.text
    assert forms(read(site, "returns/vraag/index.html")) == [("overlay", "../../search/")]


@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_search_form_leads_to_the_search_page_from_any_depth(
        shop: ProjectFactory, directory_urls: bool) -> None:
    shop.config({"contact": CONTACT}, use_directory_urls=directory_urls)
    shop.write("retourneren/diep/in/een/map.md", article(title="Diep in een map?"))
    site = mkdocs_build(shop)
    up = "search/" if directory_urls else "search/index.html"
    if directory_urls:
        deep, deep_up = "retourneren/diep/in/een/map/index.html", "../../../../../"
        listing, listing_up, here = "topics/returns/index.html", "../../", "./"
    else:
        deep, deep_up = "retourneren/diep/in/een/map.html", "../../../../"
        listing, listing_up, here = "topics/returns.html", "../", "index.html"
    assert forms(read(site, "index.html")) == [("overlay", up), ("inline", up)]
    assert forms(read(site, deep)) == [("overlay", deep_up + up)]
    assert forms(read(site, listing)) == [("overlay", listing_up + up)]
    assert forms(read(site, "search/index.html")) == [("overlay", here), ("inline", here)]
    # 404.html answers any address: its links go from the site root.
    assert forms(read(site, "404.html")) == [("overlay", "/" + up), ("inline", "/" + up)]


def test_the_header_search_box_has_its_label_and_keeps_materials_header(
        shop: ProjectFactory) -> None:
    html = read(mkdocs_build(shop), "returns/termijn/index.html")
    header = html[html.index('<header class="md-header'):html.index("</header>")]
    assert 'for="kb-header-q">Stel je vraag</label>' in header
    assert 'placeholder="Zoek een antwoord"' in header and 'aria-label="Zoeken"' in header
    for part in ('class="md-header__button md-logo"', 'for="__drawer"', "md-header__title",
                 "Test Shop Help"):
        assert part in header, part


def test_the_search_page_lists_the_areas_with_their_questions_and_the_contact_channels(
        shop: ProjectFactory) -> None:
    shop.write("returns/ruilen.md", article(title="Kan ik ruilen?"))  # a fourth
    site = mkdocs_build(shop)
    page = read(site, "search/index.html")
    assert "<title>Zoeken in de klantenservice" in page
    assert "<h1>Zoeken in de klantenservice</h1>" in page
    areas = page[page.index('class="kb-areas"'):page.index('class="kb-fallback"')]
    assert areas.count('class="kb-area"') == 6
    assert '<a href="../topics/returns/">Retourneren en terugbetalen</a>' in areas
    returns = areas[areas.index("topics/returns/"):]
    returns = returns[:returns.index("</li>\n    <li")]
    # The three most asked questions of an area (alphabetical without popularity), then
    # a link to all of them.
    assert re.findall(r'<li><a href="[^"]*">([^<]*)</a></li>', returns) == [
        "Een vraag over returns?", "Hoe lang heb ik om iets terug te sturen?", "Kan ik ruilen?"]
    assert returns.index("Kan ik ruilen?") < returns.index(
        '<a href="../topics/returns/">Alle vragen over Retourneren en terugbetalen</a>')
    assert "Wie betaalt de retourkosten?" not in returns
    assert areas.count("Alle vragen over") == 1
    assert 'href="../contact/"' in page
    assert 'href="tel:0301234567"' in page and 'href="mailto:service@shop.example"' in page
    assert "ma–vr 08:30–17:30 · za 10:00–16:00" in page  # opening hours
    assert 'data-md-type="navigation" hidden' in page
    sitemap = read(site, "sitemap.xml")
    assert "https://help.test.example/search/</loc>\n         <lastmod>2026-10-01" in sitemap


def test_a_search_page_of_the_docs_folder_is_kept(shop: ProjectFactory) -> None:
    shop.write("search/index.md", "---\narticle: false\n---\n# Onze eigen zoekpagina\n")
    site = mkdocs_build(shop)
    assert "Onze eigen zoekpagina" in read(site, "search/index.html")
    assert 'class="kb-areas"' not in read(site, "search/index.html")
    assert forms(read(site, "index.html")) == [("overlay", "search/"), ("inline", "search/")]


def test_the_pages_corpus_has_blog_posts_and_pages_but_no_listings_or_articles(
        project: ProjectFactory) -> None:
    from kb.answerindex import unwrap_script

    project.config({}, plugins=["blog", {"kb": {}}])
    project.one_per_area()
    project.write("blog/index.md", "# Blog\n")
    project.write("blog/posts/bonen.md", (
        "---\ndate: 2026-10-01\ncategories: [Koffie]\n---\n# Verse bonen\n\n"
        "Elke week branden we <b>nieuwe</b> bonen.\n\n<!-- more -->\n\n"
        "## Hoe we branden {#branden}\n\nMet een trommelbrander uit 1962.\n"))
    project.write("over-ons.md", (
        "---\narticle: false\ndescription: Wie we zijn en waar we zitten.\n---\n"
        "# Over ons\n\nWe zijn een koffiebranderij in Utrecht.\n"))
    project.write("geheim.md", (
        "---\narticle: false\nsearch:\n  exclude: true\n---\n# Geheim\n\nNiet te vinden.\n"))
    site = mkdocs_build(project)
    docs = [doc for path in sorted((site / "search/pages/docs").glob("*.js"))
            for doc in unwrap_script(path.read_bytes())[1]]
    assert sorted((d["kind"], d["url"], d["title"]) for d in docs) == [
        ("blog", "blog/2026/10/01/verse-bonen/", "Verse bonen"),
        ("page", "over-ons/", "Over ons")]
    post = next(d for d in docs if d["kind"] == "blog")
    assert post["summary"] == "Elke week branden we nieuwe bonen."
    assert next(d for d in docs if d["kind"] == "page")["summary"] == (
        "Wie we zijn en waar we zitten.")
    words = "".join(p.read_text("utf-8") for p in (site / "search/pages").rglob("*.js"))
    assert "trommelbrander" in words and "utrecht" in words
    assert "niet te vinden" not in words.lower() and "geheim" not in words.lower()
    meta = unwrap_script((site / "search/pages/meta.js").read_bytes())[1]
    assert meta["total"] == 2 and meta["site_url"] == SITE_URL


def test_kb_build_of_a_project_listing_the_search_plugin_succeeds_and_says_so_once(
        shop: ProjectFactory) -> None:
    """`kb build` is strict by default: the note is a warning of the project, as kb check
    gives it, not a failing warning of the build."""
    from click.testing import CliRunner

    from kb.cli import cli

    shop.config({"contact": CONTACT}, plugins=["search", {"kb": {}}])
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert result.output.count(SEARCH_NOTE) == 1
    check = CliRunner().invoke(cli, ["check"])
    assert "mkdocs.yml:8: warning: plugins: " + SEARCH_NOTE in check.output
    assert (shop.root / "site/search/index.html").is_file()
    assert not (shop.root / "site/search/search_index.json").exists()
