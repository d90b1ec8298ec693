"""Answers for machines (kb.answers): answers.json, llms.txt and the Markdown copies.

Pure tests first, then whole builds of small fixture projects.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from kb import answers
from kb.answerindex import article_url
from kb.answers import (
    SiteInfo,
    clean_html,
    html_to_text,
    llms_txt,
    markdown_copy,
    markdown_path,
    md_escape,
)
from kb.articles import load_collection
from kb.cli import cli
from kb.i18n import Translator
from kb.settings import parse_settings
from kb.site import plan_site
from tests.conftest import ProjectFactory, article, mkdocs_build

pytestmark = pytest.mark.usefixtures("restore_mkdocs_state")

TODAY = date(2026, 11, 22)
NASTY_TITLE = '</script><img src=x onerror=alert(1)> "Wat" \'zo\' [x]\u2028?'
NASTY_SUMMARY = 'Gratis & "echt" waar </script \u2028 \u2029 \\ einde.'
NASTY_BODY = ('Tekst met </script> en <img src=x onerror=alert(1)> en "quotes" '
              "en \u2028 een lijnscheider.")




def nasty_article(**extra: object) -> str:
    """An article whose title, summary and body hold what breaks JSON, HTML or Markdown."""
    fields = {"title": NASTY_TITLE, "summary": NASTY_SUMMARY, "policy": "returns",
              "stages": ["returns"], "reviewed": "2026-10-01", **extra}
    # JSON is YAML; ASCII escapes keep U+2028 from counting as a YAML line break.
    front = "".join(f"{key}: {json.dumps(value)}\n" for key, value in fields.items())
    return f"---\n{front}---\n{NASTY_BODY}\n"


# --- HTML to text ---------------------------------------------------------------


def test_text_keeps_paragraphs_and_headings_and_drops_permalinks() -> None:
    html = ('<p>Eerste &amp; <strong>vet</strong> met <code>code</code>.</p>\n'
            '<h2 id="kop">Een kop<a class="headerlink" href="#kop" title="Permanent link">'
            '&para;</a></h2>\n<p>Tweede\nregel   met\tspaties.</p>')
    assert html_to_text(html) == ("Eerste & vet met code.\n\nEen kop\n\n"
                                  "Tweede regel met spaties.")


def test_text_of_nested_and_loose_lists() -> None:
    html = ("<p>Voor:</p><ul>\n<li>een</li>\n<li>twee<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
            "</li>\n<li>\n<p>drie</p>\n<p>vervolg</p>\n</li>\n</ul>\n<ol>\n<li>eerst</li>\n"
            "<li>dan</li>\n</ol><p>Na.</p>")
    assert html_to_text(html) == ("Voor:\n\n- een\n- twee\n  - a\n  - b\n- drie\n  vervolg\n\n"
                                  "1. eerst\n2. dan\n\nNa.")


def test_text_of_tables_rows_per_line_cells_apart() -> None:
    html = ("<table>\n<thead>\n<tr>\n<th>Land</th>\n<th>Kosten</th>\n</tr>\n</thead>\n"
            "<tbody>\n<tr>\n<td>Belgi&euml;</td>\n<td>&euro; 4,95 &lt;incl.&gt;</td>\n</tr>\n"
            "</tbody>\n</table>")
    assert html_to_text(html) == "Land | Kosten\nBelgië | € 4,95 <incl.>"


def test_text_of_code_blocks_keeps_their_lines_and_indentation() -> None:
    html = ('<p>Zo:</p>\n<div class="highlight"><pre><span></span><code>'
            '<span class="k">def</span> f():\n    return &quot;x&quot;\n</code></pre></div>\n'
            "<p>Klaar.</p>")
    assert html_to_text(html) == 'Zo:\n\ndef f():\n    return "x"\n\nKlaar.'


def test_text_leaves_out_scripts_footnote_backlinks_and_keeps_image_alt() -> None:
    html = ('<p>Zie<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> '
            '<img alt="een kaart" src="k.png"><br>nieuwe regel</p>'
            "<script>alert('x')</script><style>p{}</style>"
            '<div class="footnote"><ol><li id="fn:1"><p>Bron.&#160;'
            '<a class="footnote-backref" href="#fnref:1">&#8617;</a></p></li></ol></div>')
    text = html_to_text(html)
    assert text == "Zie1 een kaart\nnieuwe regel\n\n1. Bron."
    assert "alert" not in text and "↩" not in text


def test_text_survives_markup_inside_scripts_and_odd_but_valid_html() -> None:
    html = ("<P>Een <B>vet</B> woord</P><script>var t = '<p>niet</p>'; if (a<b) {}</script>"
            "<p>5 < 6 en <3</p><!-- <p>weg</p> --><p>a <a href='x>y' class='headerlink'>¶</a>"
            "b<br/>c &amp; d</p>")
    assert html_to_text(html) == "Een vet woord\n\n5 < 6 en <3\n\na b\nc & d"
    # A letter whose lower case is longer (İ) before a script moves no position.
    assert html_to_text("<p>İİİİ</p><SCRIPT>x = '<p>niet</p>'</Script><p>wel</p>") == \
        "İİİİ\n\nwel"


def test_clean_html_drops_permalinks_only() -> None:
    html = ('<h2 id="k">Kop<a class="headerlink" href="#k" title="Permanent link">&para;</a>'
            '</h2>\n<p><a href="../x/">link</a></p>')
    assert clean_html(html) == '<h2 id="k">Kop</h2>\n<p><a href="../x/">link</a></p>'


# --- Paths and Markdown -------------------------------------------------------------


@pytest.mark.parametrize("src_uri, directory_urls, expected", [
    ("retourneren/termijn.md", True, "retourneren/termijn.md"),
    ("retourneren/termijn.md", False, "retourneren/termijn.md"),
    ("retourneren/index.md", True, "retourneren.md"),
    ("retourneren/index.md", False, "retourneren/index.md"),
    ("vragen/café bon.md", True, "vragen/caf%C3%A9%20bon.md"),
])
def test_markdown_copy_sits_where_the_source_file_sits(src_uri: str, directory_urls: bool,
                                                       expected: str) -> None:
    from urllib.parse import quote

    page = quote(article_url(src_uri, directory_urls))
    path = markdown_path(page)
    assert path == expected
    # Never a file MkDocs writes: its pages end in .html.
    assert path != article_url(src_uri, directory_urls)
    assert not path.endswith(".html")


# --- The files from a plan ----------------------------------------------------------


def _plan(project: ProjectFactory, language: str = "nl"):
    settings, problems = parse_settings({"language": language}, "mkdocs.yml")
    assert not problems
    collection = load_collection(str(project.docs), settings, TODAY)
    assert not collection.problems, collection.problems
    return plan_site(collection, settings, TODAY, "Test Shop Help",
                     counts={"returns/vraag": 10, "returns/tweede": 5})


def _url_of(directory_urls: bool = True):
    def url_of(src_uri: str) -> str:
        return article_url(src_uri, directory_urls)
    return url_of


@pytest.fixture
def planned(project: ProjectFactory):
    project.one_per_area()
    project.write("returns/tweede.md", article(
        title="Tweede vraag over [retour]?", summary="Kort *antwoord*.",
        body="## Kop\n\nMeer [info](vraag.md).", contexts=["returns"], keywords=["ruilen"]))
    project.write("returns/concept.md", article(title="Concept?", draft=True))
    project.write("returns/straks.md", article(title="Straks?", publish="2027-01-01"))
    project.write("returns/oud.md", article(title="Oud?", expires="2026-11-01"))
    return _plan(project)


def test_answers_document_shape_and_order(planned) -> None:
    site = SiteInfo("Test Shop Help", "https://help.example/", "", "nl")
    html = {"returns/tweede.md": '<h2 id="kop">Kop<a class="headerlink" href="#kop">¶</a></h2>'
                                 '\n<p>Meer <a href="../vraag/">info</a>.</p>'}
    files = answers.machine_files(planned, html, _url_of(), site)
    doc = json.loads(files["answers.json"])
    assert doc["site"] == {"name": "Test Shop Help", "url": "https://help.example/",
                           "language": "nl"}
    assert doc["generated"] == "2026-11-22"
    assert doc["count"] == len(doc["answers"]) == 7
    # Popularity order: the counted ones first.
    assert [a["slug"] for a in doc["answers"][:2]] == ["returns/vraag", "returns/tweede"]
    second = doc["answers"][1]
    assert list(second) == ["slug", "url", "title", "summary", "answer_text", "answer_html",
                            "policy", "policy_label", "stages", "contexts", "keywords",
                            "reviewed", "markdown"]
    assert second == {
        "slug": "returns/tweede", "url": "https://help.example/returns/tweede/",
        "title": "Tweede vraag over [retour]?", "summary": "Kort *antwoord*.",
        "answer_text": "Kop\n\nMeer info.",
        "answer_html": '<h2 id="kop">Kop</h2>\n<p>Meer <a href="../vraag/">info</a>.</p>',
        "policy": "returns", "policy_label": "Retourneren en terugbetalen",
        "stages": ["returns"], "contexts": ["returns"], "keywords": ["ruilen"],
        "reviewed": "2026-10-01", "markdown": "https://help.example/returns/tweede.md",
    }
    slugs = {a["slug"] for a in doc["answers"]}
    assert not slugs & {"returns/concept", "returns/straks", "returns/oud"}
    for name in ("concept", "straks", "oud"):
        assert f"returns/{name}.md" not in files
    assert "Concept?" not in files["llms.txt"] + files["llms-full.txt"]


def test_json_is_valid_whatever_the_content(project: ProjectFactory) -> None:
    project.one_per_area()
    project.write("returns/nasty.md", nasty_article(keywords=['"</script>"\u2028x']))
    plan = _plan(project)
    html = {"returns/nasty.md": "<p>&lt;/script&gt; \u2028</p>"}
    text = answers.machine_files(plan, html, _url_of(), SiteInfo('Shop "</script>"'))[
        "answers.json"]
    assert "\u2028" not in text and "\u2029" not in text
    doc = json.loads(text)
    nasty = next(a for a in doc["answers"] if a["slug"] == "returns/nasty")
    # Titles and summaries are single lines (kb.articles folds their whitespace).
    assert nasty["title"] == " ".join(NASTY_TITLE.split())
    assert nasty["summary"] == " ".join(NASTY_SUMMARY.split())
    assert nasty["keywords"] == ['"</script>"\u2028x']
    assert nasty["answer_text"] == "</script>"
    assert nasty["answer_html"] == "<p>&lt;/script&gt; \u2028</p>"
    assert doc["site"]["name"] == 'Shop "</script>"'


def test_llms_txt_shape(planned) -> None:
    site = SiteInfo("Test <Shop>", "https://help.example/", "", "nl")
    text = answers.machine_files(planned, {}, _url_of(), site)["llms.txt"]
    lines = text.splitlines()
    assert lines[0] == "# Test \\<Shop\\>"
    assert lines[2] == ("> Antwoorden van de klantenservice op de vragen die klanten het "
                        "vaakst stellen.")
    assert "7 antwoorden" in lines[4] and "2026-11-22" in lines[4]
    assert "[answers.json](https://help.example/answers.json)" in lines[4]
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## Productinformatie", "## Bestelling volgen", "## Betalen",
                        "## Verzending en levering", "## Retourneren en terugbetalen",
                        "## Privacy en gegevens", "## Optional"]
    returns = text.split("## Retourneren en terugbetalen\n\n")[1].split("\n\n")[0].splitlines()
    assert returns == [
        "- [Een vraag over returns?](https://help.example/returns/vraag.md): "
        "Het korte antwoord over returns.",
        "- [Tweede vraag over \\[retour\\]?](https://help.example/returns/tweede.md): "
        "Kort \\*antwoord\\*.",
    ]
    optional = text.split("## Optional\n\n")[1].splitlines()
    assert optional[0].startswith(
        "- [Contact met de klantenservice](https://help.example/contact/)")
    assert "- [Retourneren en terugbetalen](https://help.example/topics/returns/): " \
           "Retourtermijn, voorwaarden, verpakking en retourkosten" in optional
    assert any(line.startswith("- [Retourneren](https://help.example/stages/returns/)")
               for line in optional)
    every_line = re.compile(r"^(# .+|> .+|## .+|- \[.+\]\(\S+\)(: .+)?|[^\n]*\S)?$")
    assert all(every_line.match(line) for line in lines)


def test_llms_txt_uses_the_site_description_and_leaves_out_empty_areas(
        project: ProjectFactory) -> None:
    project.write("returns/vraag.md", article())
    settings, _ = parse_settings({"language": "en"}, "mkdocs.yml")
    collection = load_collection(str(project.docs), settings, TODAY)
    plan = plan_site(collection, settings, TODAY, "Shop")
    site = SiteInfo("Shop", "", "Answers about\n  ordering.", "en")
    text = llms_txt(plan, answers.entries(plan, {}, _url_of()), site, _url_of())
    assert "> Answers about ordering.\n" in text
    assert "1 answer," in text and "[answers.json](answers.json)" in text
    assert re.findall(r"^## .+", text, re.M) == ["## Returns and refunds", "## Optional"]
    assert "- [Hoe lang heb ik om iets terug te sturen?](returns/vraag.md): " in text
    assert "(topics/product/)" not in text  # an area without answers


def test_markdown_copy_content() -> None:
    from kb.articles import Article

    item = Article(slug="r/t", src_uri="r/t.md", path="r/t.md", title="Wat is *dit*?",
                   summary="Kort <b>antwoord</b>.", policy="returns", stages=["returns"],
                   reviewed=date(2026, 10, 1), review_every=90, owner="x",
                   body="Het **hele** antwoord.\n\n- [link](andere.md)\n")
    nl = markdown_copy(item, "https://help.example/r/t/", Translator("nl"))
    assert nl == ("# Wat is \\*dit\\*?\n\n> Kort \\<b\\>antwoord\\</b\\>.\n\n"
                  "Het **hele** antwoord.\n\n- [link](andere.md)\n\n"
                  "Laatst gecontroleerd: 2026-10-01\n\nBron: https://help.example/r/t/\n")
    en = markdown_copy(item, "r/t/", Translator("en"))
    assert "\n\nLast reviewed: 2026-10-01\n\nSource: r/t/\n" in en


def test_write_files_leaves_the_sites_own_files_alone(tmp_path: Path) -> None:
    (tmp_path / "llms.txt").write_text("eigen", encoding="utf-8")
    skipped = answers.write_files(str(tmp_path), {"llms.txt": "kb", "a/b.md": "x"},
                                  taken={"llms.txt"})
    assert skipped == ["llms.txt"]
    assert (tmp_path / "llms.txt").read_text(encoding="utf-8") == "eigen"
    assert (tmp_path / "a" / "b.md").read_text(encoding="utf-8") == "x"
    with pytest.raises(ValueError):
        answers.write_files(str(tmp_path), {"../uit.md": "x"})
    assert not (tmp_path.parent / "uit.md").exists()


def test_machine_files_are_worked_out_and_written_with_only_what_changed(
        planned, tmp_path: Path) -> None:
    site = SiteInfo("Test Shop Help", "https://help.example/", "", "nl")
    expected = answers.machine_files(planned, {}, _url_of(), site)
    (tmp_path / "llms.txt").write_text("eigen", encoding="utf-8")
    seen: list[dict[str, str]] = []

    def changed(files: dict[str, str]) -> dict[str, str]:
        seen.append(files)
        return {path: text for path, text in files.items() if path != "answers.json"}

    memo: dict[str, tuple[str, str]] = {}
    skipped = answers.write_machine_files(str(tmp_path), planned, {}, _url_of(), site,
                                          taken={"llms.txt"}, memo=memo, changed=changed)
    assert seen == [expected] and skipped == ["llms.txt"]
    assert not (tmp_path / "answers.json").exists()  # not among the changed files
    assert (tmp_path / "llms.txt").read_text(encoding="utf-8") == "eigen"
    assert (tmp_path / "llms-full.txt").read_text(encoding="utf-8") == expected["llms-full.txt"]
    assert answers.write_machine_files(str(tmp_path), planned, {}, _url_of(), site) == []
    assert json.loads((tmp_path / "answers.json").read_text(encoding="utf-8")) == \
        json.loads(expected["answers.json"])


def test_option_is_validated() -> None:
    settings, problems = parse_settings({"machine_answers": False}, "mkdocs.yml")
    assert settings.machine_answers is False and not problems
    _, problems = parse_settings({"machine_answers": "nee"}, "mkdocs.yml")
    assert [p.field for p in problems] == ["plugins.kb.machine_answers"]
    assert "expected true or false but found 'nee'" in problems[0].message


# --- Whole builds -----------------------------------------------------------------------


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def local_path(site: Path, link: str, site_url: str = "") -> Path:
    """The file a link in the machine files points to."""
    if site_url:
        assert link.startswith(site_url), link
        link = link[len(site_url):]
    path = unquote(urlsplit(link).path)
    if path.endswith("/") or not path:
        path += "index.html"
    return site / path


@pytest.fixture
def shop(project: ProjectFactory) -> ProjectFactory:
    project.one_per_area()
    project.write("returns/kosten.md", article(
        title="Wie betaalt de retourkosten?", summary="Retourneren is gratis in Nederland.",
        body="## Zo werkt het\n\nStuur het pakket terug met het [label](vraag.md).\n\n"
             "| Land | Kosten |\n| --- | --- |\n| België | € 4,95 |\n"))
    project.write("returns/concept.md", article(title="Geheim concept?", draft=True))
    project.write("returns/straks.md", article(title="Nieuwe regel straks?",
                                               publish="2027-01-01"))
    project.write("returns/oud.md", article(title="Verlopen actie?", expires="2026-11-01"))
    return project


def test_build_writes_answers_for_exactly_the_published_articles(shop: ProjectFactory) -> None:
    url = "https://help.shop.example/hulp/"
    shop.config({}, site_url=url, markdown_extensions=["tables", {"toc": {"permalink": True}}])
    site = mkdocs_build(shop)
    doc = json.loads(read(site, "answers.json"))
    expected = {f"{p}/vraag" for p in ("product", "order-status", "payment", "shipping",
                                       "returns", "privacy")} | {"returns/kosten"}
    assert {a["slug"] for a in doc["answers"]} == expected and doc["count"] == 7
    for item in doc["answers"]:
        assert item["url"] == f"{url}{item['slug']}/"
        assert local_path(site, item["url"], url).is_file()
        assert item["markdown"] == f"{url}{item['slug']}.md"
        assert local_path(site, item["markdown"], url).is_file()
    kosten = next(a for a in doc["answers"] if a["slug"] == "returns/kosten")
    # The editor's answer only: no kb decoration, no permalinks.
    assert kosten["answer_text"] == ("Zo werkt het\n\nStuur het pakket terug met het label.\n\n"
                                     "Land | Kosten\nBelgië | € 4,95")
    assert '<a href="../vraag/">label</a>' in kosten["answer_html"]
    for unwanted in ("kb-answer", "Niet gevonden", "headerlink", "Wie betaalt", "¶"):
        assert unwanted not in kosten["answer_html"], unwanted
    everything = "".join(read(site, name) for name in ("answers.json", "llms.txt",
                                                       "llms-full.txt"))
    for title in ("Geheim concept", "Nieuwe regel straks", "Verlopen actie"):
        assert title not in everything
    for name in ("concept", "straks", "oud"):
        assert not (site / "returns" / f"{name}.md").exists()
    copy = read(site, "returns/kosten.md")
    assert copy.startswith("# Wie betaalt de retourkosten?\n\n> Retourneren is gratis in "
                           "Nederland.\n\n## Zo werkt het\n")
    assert copy.endswith("Laatst gecontroleerd: 2026-10-01\n\n"
                         f"Bron: {url}returns/kosten/\n")
    assert "\n---\n" in read(site, "llms-full.txt")


@pytest.mark.parametrize("directory_urls", [True, False])
def test_llms_txt_links_resolve_to_built_files(shop: ProjectFactory,
                                               directory_urls: bool) -> None:
    shop.config({}, site_url=None, use_directory_urls=directory_urls)
    site = mkdocs_build(shop)
    text = read(site, "llms.txt")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert len(links) >= 7 + 1 + 6 + 5 + 2  # answers, contact, areas, stages, json/full
    for link in links:
        assert not link.startswith(("/", "http")), link  # relative to the site root
        assert local_path(site, link).is_file(), link
    doc = json.loads(read(site, "answers.json"))
    item = next(a for a in doc["answers"] if a["slug"] == "returns/kosten")
    assert item["url"] == ("returns/kosten/" if directory_urls else "returns/kosten.html")
    assert item["markdown"] == "returns/kosten.md"
    assert doc["site"]["url"] == ""
    # The copy sits where the source does, so the editor's relative links reach copies.
    assert "[label](vraag.md)" in read(site, "returns/kosten.md")
    assert (site / "returns" / "vraag.md").is_file()


def test_nasty_content_round_trips_through_answers_json(project: ProjectFactory) -> None:
    project.config({}, site_url="https://help.example/")
    project.one_per_area()
    project.write("returns/nasty.md", nasty_article(keywords=["</script>\u2028x"]))
    site = mkdocs_build(project)
    raw = read(site, "answers.json")
    assert "\u2028" not in raw
    doc = json.loads(raw)
    nasty = next(a for a in doc["answers"] if a["slug"] == "returns/nasty")
    assert nasty["title"] == " ".join(NASTY_TITLE.split())
    assert nasty["summary"] == " ".join(NASTY_SUMMARY.split())
    assert nasty["keywords"] == ["</script>\u2028x"]
    assert "\u2028 een lijnscheider." in nasty["answer_html"]
    assert nasty["answer_text"] == 'Tekst met en en "quotes" en een lijnscheider.'
    # The Markdown index shows the title as text, never as HTML or a link.
    llms = read(site, "llms.txt")
    line = next(x for x in llms.splitlines() if "/returns/nasty.md)" in x)
    assert line.startswith("- [\\</script\\>") and "'zo' \\[x\\] ?](" in line
    assert not re.search(r"(?<!\\)<", llms)
    assert "\\</script\\>\\<img src=x onerror=alert(1)\\>" in llms
    title = md_escape(" ".join(NASTY_TITLE.split()))
    assert read(site, "returns/nasty.md").startswith(f"# {title}\n")


def test_english_site_and_option_off(project: ProjectFactory) -> None:
    project.config({"language": "en"}, site_url=None)
    project.one_per_area()
    site = mkdocs_build(project)
    assert "Last reviewed: 2026-10-01" in read(site, "returns/vraag.md")
    assert "6 answers" in read(site, "llms.txt")
    project.config({"machine_answers": False}, site_url=None)
    site = mkdocs_build(project)
    assert (site / "index.html").is_file()
    for name in ("answers.json", "llms.txt", "llms-full.txt", "returns/vraag.md"):
        assert not (site / name).exists(), name


def test_an_editors_own_llms_txt_wins(project: ProjectFactory) -> None:
    project.config({}, site_url=None)
    project.one_per_area()
    project.write("llms.txt", "# Eigen index\n")
    site = mkdocs_build(project)
    assert read(site, "llms.txt") == "# Eigen index\n"
    assert (site / "answers.json").is_file()


def test_rebuild_in_one_process_uses_the_new_answers(project: ProjectFactory) -> None:
    project.config({}, site_url=None)
    project.one_per_area()
    project.write("returns/extra.md", article(title="Extra?", body="Oude tekst."))
    mkdocs_build(project)
    project.write("returns/extra.md", article(title="Extra?", body="Nieuwe tekst."))
    (project.docs / "product" / "vraag.md").unlink()
    project.write("product/ander.md", article(title="Ander?", policy="product",
                                              stage="discovery", body="Ander antwoord."))
    doc = json.loads(read(mkdocs_build(project), "answers.json"))
    texts = {a["slug"]: a["answer_text"] for a in doc["answers"]}
    assert texts["returns/extra"] == "Nieuwe tekst."
    assert texts["product/ander"] == "Ander antwoord."
    assert "product/vraag" not in texts


def test_failed_build_leaves_the_previous_answers_untouched(project: ProjectFactory) -> None:
    project.config({}, site_url="https://help.example/")
    project.one_per_area()
    runner = CliRunner()
    assert runner.invoke(cli, ["build"]).exit_code == 0
    site = project.root / "site"
    before = {name: (site / name).read_bytes()
              for name in ("answers.json", "llms.txt", "llms-full.txt", "returns/vraag.md")}
    page = project.docs / "returns" / "vraag.md"
    # A content error: stopped before MkDocs runs.
    page.write_text(article(title="Nieuw?", policy="retour"), encoding="utf-8")
    assert runner.invoke(cli, ["build"]).exit_code == 1
    # A link to a missing page: MkDocs aborts in strict mode after the answers are written
    # (into the build's temporary folder).
    page.write_text(article(title="Nieuwe vraag?", body="Zie [dit](nergens.md)."),
                    encoding="utf-8")
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 1 and "nergens.md" in result.output
    assert {name: (site / name).read_bytes() for name in before} == before
    assert sorted(p.name for p in project.root.iterdir()) == ["docs", "mkdocs.yml", "site"]
    # And the same change builds once the link is fixed.
    page.write_text(article(title="Nieuwe vraag?", body="Zie [dit](vraag.md)."),
                    encoding="utf-8")
    assert runner.invoke(cli, ["build"]).exit_code == 0
    assert "Nieuwe vraag?" in (site / "answers.json").read_text(encoding="utf-8")


def test_dirty_rebuild_keeps_the_answers_of_pages_it_does_not_render(
        project: ProjectFactory) -> None:
    import os

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project.config({}, site_url=None)
    project.one_per_area()
    site = mkdocs_build(project)
    page = project.write("returns/vraag.md", article(body="Nieuw antwoord."))
    later = page.stat().st_mtime + 10
    os.utime(page, (later, later))
    config = load_config(str(project.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=True)  # `mkdocs serve --dirty`
    try:
        build(config, dirty=True)
    finally:
        config.plugins.on_shutdown()
    texts = {a["slug"]: a["answer_text"] for a in json.loads(read(site, "answers.json"))["answers"]}
    assert texts["returns/vraag"] == "Nieuw antwoord."
    assert texts["payment/vraag"] == "Het hele antwoord."  # not rendered this time
