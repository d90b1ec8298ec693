"""Popularity (kb.popularity) and pinned order (`weight`): the order of every list."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from kb.articles import Article, load_collection
from kb.checks import check_project
from kb.cli import cli
from kb.popularity import (
    MAX_UNKNOWN,
    PopularityError,
    load_popularity,
    page_slug,
    parse_count,
    read_popularity,
    site_prefix,
)
from kb.problems import WARNING
from kb.project import load_project
from kb.ranking import rank
from kb.settings import Settings, parse_settings
from kb.tables import MAX_PROBLEMS
from tests.conftest import TODAY, ProjectFactory, article, mkdocs_build

SLUGS = {"retourneren/termijn", "retourneren/kosten", "verzenden/levertijd",
         "bestelling/volgen"}


def csv_file(tmp_path: Path, text: str | bytes, name: str = "popularity.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def read(path: Path, slugs=SLUGS, **options) -> tuple[dict[str, float], list[str]]:
    counts, problems = read_popularity(str(path), "popularity.csv", slugs, **options)
    assert all(p.path == "popularity.csv" for p in problems)
    return counts, [f"{p.line}: {p.severity}: {p.message}" for p in problems]


pytestmark = pytest.mark.usefixtures("restore_mkdocs_state")


# --- Counts as exports write them --------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("1234", 1234), (" 7 ", 7), ("0", 0),
    ("1,234", 1234), ("1.234", 1234),  # a single sign before three digits groups thousands
    ("1.234.567", 1234567), ("1,234,567", 1234567), ("12 345", 12345), ("12\u00a0345", 12345),
    ("1,5", 1.5), ("2.75", 2.75), ("0,125", 0.125), ("1234.567", 1234.567),
    ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1.234.567,89", 1234567.89),
])
def test_counts_in_english_and_dutch_notation(text: str, value: float) -> None:
    assert parse_count(text) == pytest.approx(value)


@pytest.mark.parametrize("text, message", [
    ("", "expected a count but found an empty cell"),
    ("  ", "expected a count but found an empty cell"),
    ("-5", "expected a count of 0 or more but found '-5'"),
    ("-1.234", "expected a count of 0 or more but found '-1.234'"),
    ("veel", "expected a count (a number such as 1234 or 1.234) but found 'veel'"),
    ("12%", "expected a count (a number such as 1234 or 1.234) but found '12%'"),
    ("1e3", "expected a count (a number such as 1234 or 1.234) but found '1e3'"),
    ("1.23.4", "expected digits in groups of three between thousands separators but "
               "found '1.23.4'"),
    ("1,234.5.6", "expected one decimal sign but found '1,234.5.6'"),
])
def test_counts_that_cannot_be_read(text: str, message: str) -> None:
    with pytest.raises(PopularityError) as caught:
        parse_count(text)
    assert str(caught.value) == message


# --- Pages as exports write them ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "retourneren/termijn", "/retourneren/termijn/", "retourneren/termijn/",
    "retourneren/termijn.md", "retourneren/termijn.html", "/retourneren/termijn/index.html",
    "https://help.example.nl/retourneren/termijn/", "http://help.example.nl/retourneren/termijn",
    "//help.example.nl/retourneren/termijn/", "/retourneren/termijn/?utm_source=mail#kosten",
    "/retourneren/termijn#kosten", " /retourneren//termijn/ ", "/retourneren/term%69jn/",
])
def test_every_form_of_a_page_becomes_its_slug(text: str) -> None:
    assert page_slug(text) == "retourneren/termijn"


@pytest.mark.parametrize("text", ["/", "index.html", "/index.html", "https://help.example.nl/",
                                  "https://help.example.nl", "/?q=retour", "index.md"])
def test_the_home_page_has_the_empty_slug(text: str) -> None:
    assert page_slug(text) == ""


def test_the_sites_own_prefix_is_removed() -> None:
    prefix = site_prefix("https://www.shop.nl/klantenservice/")
    assert prefix == "klantenservice/"
    for text in ["https://www.shop.nl/klantenservice/retourneren/termijn/",
                 "/klantenservice/retourneren/termijn/", "klantenservice/retourneren/termijn"]:
        assert page_slug(text, prefix) == "retourneren/termijn"
    assert page_slug("/klantenservice/", prefix) == ""
    assert site_prefix("https://help.example.nl/") == "" and site_prefix(None) == ""


# --- Reading a file --------------------------------------------------------------------

def test_a_plain_file(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, "slug,views\nretourneren/termijn,120\n"
                                               "verzenden/levertijd,80\n"))
    assert counts == {"retourneren/termijn": 120, "verzenden/levertijd": 80}
    assert problems == []


def test_an_analytics_export_with_urls_extra_columns_and_repeated_pages(tmp_path: Path) -> None:
    path = csv_file(tmp_path, (
        "Page path,Views,Users,Average engagement time\n"
        "/,5000,4000,12s\n"
        "/retourneren/termijn/,1200,900,40s\n"
        "/retourneren/termijn/?utm_source=nieuwsbrief,300,250,35s\n"
        "https://help.example.nl/retourneren/termijn/index.html,\"1,000\",800,30s\n"
        "/verzenden/levertijd/,950,700,20s\n"
        "/contact/,700,600,10s\n"
        "/topics/returns/,400,300,10s\n"
        "/stages/delivery/,100,90,10s\n"
        "/blog/2026/11/01/bonen/,90,80,60s\n"
        "/help/demo/cart.html,5,5,1s\n"
        "/search/?q=retour,60,50,5s\n"))
    counts, problems = read(path, skipped=("contact", "topics", "stages", "help", "search",
                                           "blog"))
    # The same page adds up; the home, contact, listing and blog pages are no articles.
    assert counts == {"retourneren/termijn": 2500, "verzenden/levertijd": 950}
    assert problems == []


def test_a_google_analytics_export_with_comments_and_a_total_row(tmp_path: Path) -> None:
    path = csv_file(tmp_path, (
        "# ----------------------------------------\n"
        "# Pages and screens: Page path and screen class\n"
        "# 20261101-20261122\n"
        "# ----------------------------------------\n"
        "\n"
        "Page path and screen class,Views,Active users\n"
        "/retourneren/termijn/,1200,900\n"
        "/verzenden/levertijd/,950,700\n"
        "Grand total,2150,1600\n"))
    counts, problems = read(path)
    assert counts == {"retourneren/termijn": 1200, "verzenden/levertijd": 950}
    assert problems == []


def test_a_page_in_other_letter_case_is_the_article(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, "url,views\n/Bestelling/Volgen/,3\n"
                                               "/bestelling/volgen/,2\n"))
    assert counts == {"bestelling/volgen": 5} and problems == []


def test_column_names_in_dutch_and_any_case(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, "Pagina;Weergaven\n"
                                               "/bestelling/volgen/;1.234\n"
                                               "/retourneren/kosten/;7,5\n"))
    assert counts == {"bestelling/volgen": 1234, "retourneren/kosten": 7.5}
    assert problems == []


@pytest.mark.parametrize("header", ["url,pageviews", "path,page views", "PAGE,Visits",
                                    "slug,searches", "slug,contacts", "slug,hits",
                                    "pagina,aantal", "paginapad,bezoeken", "slug,count"])
def test_accepted_column_names(tmp_path: Path, header: str) -> None:
    counts, problems = read(csv_file(tmp_path, f"{header}\n/bestelling/volgen/,3\n"))
    assert counts == {"bestelling/volgen": 3}, problems


def test_a_dutch_excel_export_in_windows_1252_with_semicolons(tmp_path: Path) -> None:
    text = "pagina;aantal;opmerking\nretourneren/termijn;2.500;'€ retour'\n" \
           "retourneren/kosten;1,5;café\n"
    counts, problems = read(csv_file(tmp_path, text.encode("cp1252")))
    assert counts == {"retourneren/termijn": 2500, "retourneren/kosten": 1.5}
    assert problems == []


def test_utf8_with_a_byte_order_mark(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, b"\xef\xbb\xbfslug,views\nbestelling/volgen,9\n"))
    assert counts == {"bestelling/volgen": 9} and problems == []


def test_a_tab_separated_export(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, "url\tviews\n/verzenden/levertijd/\t12,345\n"))
    assert counts == {"verzenden/levertijd": 12345} and problems == []


# --- Bad files: clear messages, all at once, no counts -------------------------------------

def test_every_bad_row_is_reported_with_its_line_and_no_count_is_kept(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "slug,views\n"
                              "retourneren/termijn,10\n"
                              "retourneren/kosten,\n"
                              "verzenden/levertijd,-3\n"
                              ",4\n"
                              "bestelling/volgen,veel\n"
                              "bestelling/volgen,1,2\n")
    counts, problems = read(path)
    assert counts == {}
    assert problems == [
        "3: error: expected a count but found an empty cell in column 'views'",
        "4: error: expected a count of 0 or more but found '-3' in column 'views'",
        "5: error: expected a page (slug, path or URL) in column 'slug' but found an "
        "empty cell",
        "6: error: expected a count (a number such as 1234 or 1.234) but found 'veel' in "
        "column 'views'",
        "7: error: expected 2 cells (as in the header) but found 3; quote a cell that "
        "contains ','",
    ]


def test_bad_rows_are_capped(tmp_path: Path) -> None:
    body = "".join(f"bestelling/volgen,x{n}\n" for n in range(MAX_PROBLEMS + 4))
    counts, problems = read(csv_file(tmp_path, "slug,views\n" + body))
    assert counts == {}
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == "None: error: and 4 more rows with a problem in their page or count"


def test_an_empty_file(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, ""))
    assert counts == {}
    assert problems == ["1: error: is empty; expected a header line 'slug,views' and one row "
                        "per line"]


def test_a_header_without_rows(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, "slug,views\n\n"))
    assert counts == {}
    assert problems == ["1: error: has a header but no rows; expected one row per page with "
                        "its count under the header slug, views"]


def test_wrong_columns_name_what_is_accepted_and_what_was_found(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, "titel,datum\nRetour?,2026-11-01\n"))
    assert counts == {}
    assert len(problems) == 2
    assert problems[0].startswith("1: error: expected a column 'slug' or 'page' or 'path' or "
                                  "'url'")
    assert "(the page: a slug, path or URL) but found 'titel', 'datum'" in problems[0]
    assert "'views'" in problems[1] and "'weergaven'" in problems[1]
    assert "(its page views, searches or contacts) but found 'titel', 'datum'" in problems[1]


def test_a_count_column_alone_is_not_enough(tmp_path: Path) -> None:
    _, problems = read(csv_file(tmp_path, "views\n12\n"))
    assert len(problems) == 1 and "(the page: a slug, path or URL)" in problems[0]


def test_a_file_in_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, b"slug,views\nbestelling/volgen,1\n\x81\x8d,2\n"))
    assert counts == {}
    assert problems == ["3: error: is neither UTF-8 nor Windows-1252 (byte 0x81); save it as "
                        "CSV UTF-8"]


# --- Unknown slugs: warnings, capped ----------------------------------------------------

def test_unknown_slugs_are_warnings_with_a_guess(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "slug,views\n/retourneren/termjin/,5\nretourneren/termijn,3\n"
                              "/retourneren/termjin/?x=1,1\nzzz/qqq,2\n")
    counts, problems = read(path)
    assert counts == {"retourneren/termijn": 3}
    assert problems == [
        "2: warning: no article has the slug 'retourneren/termjin' (did you mean "
        "'retourneren/termijn'?); its count is ignored",
        "5: warning: no article has the slug 'zzz/qqq'; its count is ignored",
    ]


def test_unknown_slugs_are_capped(tmp_path: Path) -> None:
    extra = 25
    body = "".join(f"/oud/pagina-{n}/,{n}\n" for n in range(MAX_UNKNOWN + extra))
    counts, problems = read(csv_file(tmp_path, "url,views\n/bestelling/volgen/,1\n" + body))
    assert counts == {"bestelling/volgen": 1}
    assert len(problems) == MAX_UNKNOWN + 1
    assert problems[0].startswith("3: warning: no article has the slug 'oud/pagina-0'")
    assert problems[-1] == (f"None: warning: and {extra} more unknown slugs (pages that were "
                            "moved or removed?)")


def test_drafts_scheduled_and_broken_articles_are_not_unknown(project: ProjectFactory) -> None:
    project.write("retour/concept.md", article(title="Concept?", draft=True))
    project.write("retour/straks.md", article(title="Straks?", publish="2027-01-01"))
    project.write("retour/kapot.md", article(title="Kapot?", policy="retour"))
    project.write("retour/live.md", article(title="Live?"))
    project.write("over-ons.md", "---\narticle: false\n---\n# Over ons\n")
    (project.root / "pop.csv").write_text(
        "url,views\n/retour/concept/,1\n/retour/straks/,2\n/retour/kapot/,3\n/retour/live/,4\n"
        "/over-ons/,5\n/blog/nieuws/,6\n/contact/,7\n/topics/returns/,8\n/weg/,9\n",
        encoding="utf-8")
    settings = Settings(popularity="pop.csv")
    collection = load_collection(str(project.docs), settings, date(2026, 11, 22))
    counts, problems = load_popularity(str(project.root), "mkdocs.yml", settings, collection)
    # A broken article's own errors are reported already; its count is no mistake.
    assert counts == {"retour/concept": 1, "retour/straks": 2, "retour/kapot": 3,
                      "retour/live": 4}
    assert [(p.line, p.severity, p.message) for p in problems] == [
        (10, WARNING, "no article has the slug 'weg'; its count is ignored")]


# --- Settings and the project -------------------------------------------------------------

def test_the_option_is_a_path() -> None:
    settings, problems = parse_settings({"popularity": " data/views.csv "}, "mkdocs.yml")
    assert problems == [] and settings.popularity == "data/views.csv"
    assert parse_settings({}, "mkdocs.yml")[0].popularity is None


@pytest.mark.parametrize("value", ["", "  ", 5, ["a.csv"], True])
def test_the_option_rejects_what_is_not_a_path(value: object) -> None:
    _, problems = parse_settings({"popularity": value}, "mkdocs.yml")
    assert [(p.field, p.message) for p in problems] == [
        ("plugins.kb.popularity", "expected the path of a CSV file (relative to mkdocs.yml) "
                                  f"but found {value!r}")]


def shop(project: ProjectFactory, csv: str | None = "popularity.csv", **kb: object) -> None:
    options = {"popularity": csv, **kb} if csv else dict(kb)
    project.config(options, site_url="https://help.example.nl/")
    project.one_per_area()
    project.write("returns/termijn.md", article(contexts=["returns"]))
    project.write("returns/kosten.md", article(
        title="Wie betaalt de retourkosten?", summary="Gratis.", contexts=["returns"]))
    project.write("returns/ruilen.md", article(
        title="Kan ik ruilen?", summary="Ja.", contexts=["returns"]))


def test_check_reads_the_csv_relative_to_mkdocs_yml(project: ProjectFactory) -> None:
    shop(project, "data/views.csv")
    (project.root / "data").mkdir()
    (project.root / "data" / "views.csv").write_text(
        "url,views\nhttps://help.example.nl/returns/kosten/,30\n/returns/ruilen/,20\n",
        encoding="utf-8")
    collection, problems = check_project(load_project(), date(2026, 11, 22))
    assert [str(p) for p in problems] == []
    assert collection.popularity == {"returns/kosten": 30, "returns/ruilen": 20}


def test_a_missing_file_names_the_option_and_the_path(project: ProjectFactory) -> None:
    shop(project, "data/views.csv")
    collection, problems = check_project(load_project(), date(2026, 11, 22))
    [problem] = problems
    assert problem.is_error and problem.path == "mkdocs.yml"
    assert problem.field == "plugins.kb.popularity"
    assert problem.message == ("no such file: data/views.csv (the path is relative to "
                               "mkdocs.yml)")
    assert collection.popularity == {}


def test_without_the_option_there_are_no_counts(project: ProjectFactory) -> None:
    shop(project, None)
    (project.root / "popularity.csv").write_text("nonsense", encoding="utf-8")
    collection, problems = check_project(load_project(), date(2026, 11, 22))
    assert problems == [] and collection.popularity == {}


# --- Pinned order: weight ---------------------------------------------------------------

def make(slug: str, title: str, weight: int | None = None) -> Article:
    return Article(slug=slug, src_uri=slug + ".md", path=slug + ".md", title=title,
                   summary="Kort.", policy="returns", stages=["returns"],
                   reviewed=date(2026, 10, 1), review_every=180, owner="team", weight=weight)


def order(articles: list[Article], counts: dict[str, float] | None = None) -> list[str]:
    return [a.slug for a in rank(articles, counts)]


def test_without_counts_questions_are_alphabetical() -> None:
    articles = [make("c", "Cee?"), make("a", "aa?"), make("b", "Bee?")]
    assert order(articles) == ["a", "b", "c"]


def test_counts_put_the_most_popular_first_and_ties_go_by_title() -> None:
    articles = [make("c", "Cee?"), make("a", "Aa?"), make("b", "Bee?"), make("d", "Dee?")]
    assert order(articles, {"c": 10, "b": 10, "d": 2.5}) == ["b", "c", "d", "a"]


def test_weight_pins_before_every_popular_question() -> None:
    articles = [make("pop", "Populair?"), make("two", "Zzz?", weight=2),
                make("one", "Yyy?", weight=1), make("rest", "Aaa?"),
                make("zero", "Xxx?", weight=0)]
    counts = {"pop": 1000, "rest": 5, "one": 1, "two": 500}
    assert order(articles, counts) == ["zero", "one", "two", "pop", "rest"]


def test_equal_weights_go_by_popularity_then_title() -> None:
    articles = [make("b", "Bee?", 1), make("a", "Aa?", 1), make("c", "Cee?", 1)]
    assert order(articles, {"c": 3}) == ["c", "a", "b"]


def test_weight_in_front_matter(project: ProjectFactory) -> None:
    project.write("a.md", article(title="A?", weight=3))
    project.write("b.md", article(title="B?"))
    project.write("c.md", article(title="C?", weight="1"))
    project.write("d.md", article(title="D?", weight=1.5))
    project.write("e.md", article(title="E?", weight=True))
    collection = load_collection(str(project.docs), Settings(), date(2026, 11, 22))
    weights = {a.slug: a.weight for a in collection.articles}
    assert weights == {"a": 3, "b": None}
    assert sorted((p.path, p.line, p.field, p.message) for p in collection.problems) == [
        (f"docs/{name}.md", 7, "weight", f"expected a whole number (1 is shown first) but "
                                          f"found {value!r}")
        for name, value in [("c", "1"), ("d", 1.5), ("e", True)]]


# --- The built site and the command line -------------------------------------------------

POPULARITY = """\
Page path,Views
/,900
/returns/ruilen/,500
/returns/ruilen/?utm_source=mail,100
/returns/kosten/,300
/returns/vraag/,5
/returns/termijn/,40
/oude-pagina/,3
"""
# Most viewed first: ruilen (600), kosten (300), termijn (40), vraag (5); alphabetical
# order would be "Een vraag over returns?", "Hoe lang...", "Kan ik ruilen?", "Wie betaalt...".
BY_VIEWS = ["Kan ik ruilen?", "Wie betaalt de retourkosten?",
            "Hoe lang heb ik om iets terug te sturen?", "Een vraag over returns?"]


def titles_in(html: str, titles: list[str]) -> list[str]:
    found = [(html.find(t), t) for t in titles]
    assert all(i >= 0 for i, _ in found), found
    return [t for _, t in sorted(found)]


def section(html: str, start: str, end: str) -> str:
    i = html.index(start)
    return html[i: html.index(end, i)]




def test_plain_mkdocs_build_orders_every_list_by_popularity_and_weight(
        project: ProjectFactory, caplog: pytest.LogCaptureFixture) -> None:
    shop(project, top_questions=3)
    (project.root / "popularity.csv").write_text(POPULARITY, encoding="utf-8")
    caplog.set_level(logging.INFO, logger="mkdocs")
    site = mkdocs_build(project)
    home = (site / "index.html").read_text(encoding="utf-8")
    top = section(home, 'id="kb-top"', "</section>")
    assert titles_in(top, BY_VIEWS[:3]) == BY_VIEWS[:3]
    assert BY_VIEWS[3] not in top
    area = (site / "topics" / "returns" / "index.html").read_text(encoding="utf-8")
    assert titles_in(area, BY_VIEWS) == BY_VIEWS
    stage = (site / "stages" / "returns" / "index.html").read_text(encoding="utf-8")
    assert titles_in(stage, BY_VIEWS) == BY_VIEWS
    block = json.loads((site / "help" / "returns.json").read_text(encoding="utf-8"))
    assert [q["title"] for q in block["questions"]] == BY_VIEWS[:3]
    # The unknown page is reported at INFO: a warning must not fail `mkdocs build --strict`.
    unknown = [r for r in caplog.records if "oude-pagina" in r.getMessage()]
    assert [r.levelno for r in unknown] == [logging.INFO]
    assert "popularity.csv:8: warning: no article has the slug 'oude-pagina'" in caplog.text

    # A pinned question goes before all of them, in every list it is in.
    project.write("returns/termijn.md", article(contexts=["returns"], weight=1))
    site = mkdocs_build(project)
    pinned = ["Hoe lang heb ik om iets terug te sturen?", "Kan ik ruilen?",
              "Wie betaalt de retourkosten?", "Een vraag over returns?"]
    area = (site / "topics" / "returns" / "index.html").read_text(encoding="utf-8")
    assert titles_in(area, pinned) == pinned
    home = (site / "index.html").read_text(encoding="utf-8")
    assert titles_in(section(home, 'id="kb-top"', "</section>"), pinned[:3]) == pinned[:3]
    block = json.loads((site / "help" / "returns.json").read_text(encoding="utf-8"))
    assert [q["title"] for q in block["questions"]] == pinned[:3]


def test_plain_mkdocs_build_stops_on_a_broken_csv(project: ProjectFactory,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    shop(project)
    (project.root / "popularity.csv").write_text("slug,views\nreturns/kosten,-4\n",
                                                 encoding="utf-8")
    with pytest.raises((PluginError, Abort)):
        mkdocs_build(project)
    assert "popularity.csv:2: error: expected a count of 0 or more but found '-4'" in caplog.text
    assert not (project.root / "site" / "index.html").exists()


def test_plain_mkdocs_build_names_a_missing_file(project: ProjectFactory,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    shop(project, "weg.csv")
    with pytest.raises((PluginError, Abort)):
        mkdocs_build(project)
    assert "plugins.kb.popularity: no such file: weg.csv" in caplog.text


def test_serve_watches_the_csv_next_to_mkdocs_yml(project: ProjectFactory) -> None:
    shop(project)
    (project.root / "popularity.csv").write_text(POPULARITY, encoding="utf-8")
    config = load_config(str(project.root / "mkdocs.yml"))
    config = config.plugins.on_config(config)

    class Server:
        watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = config.plugins["kb"].on_serve(Server(), config=config, builder=None)
    assert server.watched == [str(project.root / "popularity.csv")]


def kb(*args: str):
    return CliRunner().invoke(cli, list(args))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_kb_build_uses_the_counts_and_a_broken_csv_stops_check_and_build(
        project: ProjectFactory) -> None:
    shop(project)
    csv = project.root / "popularity.csv"
    csv.write_text(POPULARITY, encoding="utf-8")
    result = kb("build", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "popularity.csv:8: warning: no article has the slug 'oude-pagina'" in result.output
    site = project.root / "site"
    area = (site / "topics" / "returns" / "index.html").read_text(encoding="utf-8")
    assert titles_in(area, BY_VIEWS) == BY_VIEWS
    before = snapshot(site)

    csv.write_bytes(b"slug;views\nreturns/kosten;12\nreturns/ruilen\n\xef\xbb;1,2,3\n")
    result = kb("check", "--today", TODAY)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert re.search(r"popularity.csv:3: error: expected 2 cells \(as in the header\) but "
                     r"found 1", result.output), result.output
    # Every bad row is reported, not only the first.
    assert "popularity.csv:4: error: expected digits in groups of three between thousands " \
           "separators but found '1,2,3' in column 'views'" in result.output
    result = kb("build", "--today", TODAY)
    assert result.exit_code == 1
    assert "Nothing was built" in result.output and "Traceback" not in result.output
    assert snapshot(site) == before
    assert sorted(p.name for p in project.root.iterdir()) == ["docs", "mkdocs.yml",
                                                               "popularity.csv", "site"]


@pytest.mark.parametrize("data, fragment", [
    (b"", "popularity.csv:1: error: is empty"),
    (b"titel,datum\na,b\n", "popularity.csv:1: error: expected a column 'slug'"),
    (b"slug,views\n\x81\x8d,1\n", "popularity.csv:2: error: is neither UTF-8 nor "
                                  "Windows-1252"),
    (b"slug,views\nreturns/kosten\n", "popularity.csv:2: error: expected 2 cells"),
])
def test_kb_check_exits_1_on_a_bad_csv(project: ProjectFactory, data: bytes,
                                       fragment: str) -> None:
    shop(project)
    (project.root / "popularity.csv").write_bytes(data)
    result = kb("check", "--today", TODAY)
    assert result.exit_code == 1
    assert fragment in result.output
    assert "Traceback" not in result.output


# --- issue 14: other encodings and bad cells -----------------------------------------

@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_an_excel_unicode_text_export_in_utf16_is_counted(project: ProjectFactory,
                                                          codec: str) -> None:
    shop(project)
    text = "Pagina\tAantal\r\n/returns/kosten/\t1.234\r\nreturns/ruilen\t20\r\n"
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data  # Python writes no mark for an explicit byte order
    (project.root / "popularity.csv").write_bytes(data)
    collection, problems = check_project(load_project(), date(2026, 11, 22))
    assert [str(p) for p in problems] == []
    assert collection.popularity == {"returns/kosten": 1234, "returns/ruilen": 20}


def test_kb_check_names_the_encoding_of_a_broken_utf16_file(project: ProjectFactory) -> None:
    shop(project)
    (project.root / "popularity.csv").write_bytes("slug\tviews\n".encode("utf-16") + b"\x00")
    result = kb("check", "--today", TODAY)
    assert result.exit_code == 1
    assert ("popularity.csv:2: error: is marked as UTF-16 but is not valid UTF-16 (at byte 24); "
            "save it as CSV UTF-8") in result.output
    assert "Traceback" not in result.output


def test_a_long_count_is_quoted_in_at_most_eighty_characters(tmp_path: Path) -> None:
    counts, problems = read(csv_file(tmp_path, f"slug,views\nretourneren/termijn,{'x' * 5000}\n"))
    assert counts == {}
    [problem] = problems
    assert problem.startswith("2: error: expected a count (a number such as 1234 or 1.234) but "
                              "found 'xxx")
    assert len(problem) < 200


@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_check_refuses_a_popularity_fifo_or_device_instead_of_hanging(
        project: ProjectFactory, target: str) -> None:
    if target == "fifo":
        os.mkfifo(project.root / "views.csv")
        target, shown = "views.csv", "views.csv: error: expected a CSV file but found a FIFO"
    elif not os.path.exists(target):
        pytest.skip("no /dev/zero here")
    else:
        shown = "/dev/zero: error: expected a CSV file but found a device"
    shop(project, target)
    # In a child process: a regression fails on the timeout instead of hanging the run.
    done = subprocess.run([sys.executable, "-m", "kb", "check"], cwd=project.root,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert done.returncode == 1, done.stderr
    assert shown in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
