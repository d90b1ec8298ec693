"""Editorial reviews: the worklist of `kb review` and `kb review --mark`."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import files
from kb import reviews as reviews_module
from kb.articles import Article, load_collection
from kb.cli import cli
from kb.reviews import (
    OVERDUE,
    MarkError,
    format_csv,
    format_json,
    format_table,
    mark_reviewed,
    review_items,
    review_problems,
    review_report,
    reviewable,
)
from kb.settings import Settings
from tests import test_files
from tests.conftest import article
from tests.test_files import WRITER, another_program, leases_work

# A fixture: another program that saves a file while kb works on it.
saver = test_files.saver

TODAY = date(2026, 11, 22)


def make(slug: str, due_in: int, owner: str = "team-retour", every: int = 90,
         **extra: object) -> Article:
    """An article whose review falls due `due_in` days after TODAY (negative: overdue)."""
    reviewed = TODAY + timedelta(days=due_in - every)
    return Article(slug=slug, src_uri=f"{slug}.md", path=f"docs/{slug}.md",
                   title=f"Vraag {slug}?", summary="Kort.", policy="returns",
                   stages=["returns"], reviewed=reviewed, review_every=every, owner=owner,
                   **extra)


def slugs(items) -> list[str]:
    return [item.slug for item in items]


# --- the worklist -------------------------------------------------------------------


def test_window_edges():
    articles = [make("late-1", -1), make("today", 0), make("in-30", 30), make("in-31", 31),
                make("in-5", 5)]
    items = review_items(articles, TODAY, 30)
    assert slugs(items) == ["late-1", "today", "in-5", "in-30"]
    by_slug = {item.slug: item for item in items}
    assert (by_slug["late-1"].days_overdue, by_slug["late-1"].status) == (1, "overdue")
    assert (by_slug["today"].days_overdue, by_slug["today"].status) == (0, "due")
    assert (by_slug["in-30"].days_overdue, by_slug["in-30"].status) == (-30, "due")
    assert by_slug["in-30"].due == date(2026, 12, 22)


def test_within_zero_lists_what_is_overdue_or_due_today():
    articles = [make("late", -3), make("today", 0), make("tomorrow", 1)]
    assert slugs(review_items(articles, TODAY, 0)) == ["late", "today"]


def test_grouped_by_owner_alphabetically_most_overdue_first():
    articles = [
        make("z-soon", 10, owner="Zorg"), make("b-late", -2, owner="beheer"),
        make("b-later", -40, owner="beheer"), make("a-soon", 3, owner="admin"),
        make("b-soon", 1, owner="beheer"), make("b-tie-b", -2, owner="beheer"),
    ]
    report = review_report(articles, TODAY, 30)
    assert [g.owner for g in report.groups] == ["admin", "beheer", "Zorg"]
    assert slugs(report.groups[1].items) == ["b-later", "b-late", "b-tie-b", "b-soon"]
    assert (report.groups[1].overdue, report.groups[1].due_soon) == (3, 1)
    assert (report.overdue, report.due_soon) == (3, 3)


def test_owner_filter_ignores_case():
    articles = [make("a", -1, owner="Team-Retour"), make("b", -1, owner="team-logistiek")]
    assert slugs(review_items(articles, TODAY, 30, owner=" team-retour ")) == ["a"]
    assert review_items(articles, TODAY, 30, owner="niemand") == []


def test_drafts_and_expired_articles_are_not_reviewable():
    articles = [
        make("live", -5), make("draft", -5, draft=True),
        make("expired-today", -5, expires=TODAY),
        make("expires-tomorrow", -5, expires=TODAY + timedelta(days=1)),
        make("scheduled", -5, publish=TODAY + timedelta(days=10)),
    ]
    assert slugs(reviewable(articles, TODAY)) == ["live", "expires-tomorrow", "scheduled"]


def test_check_still_reports_overdue_reviews():
    problems = review_problems([make("late", -2), make("soon", 4)], TODAY, "fail")
    assert len(problems) == 1
    assert problems[0].is_error and "overdue by 2 days" in problems[0].message


# --- formats ------------------------------------------------------------------------


def sample_report():
    return review_report([
        make("retour/termijn", -12), make("retour/kosten", 0),
        make("verzenden/landen", 1, owner="team-logistiek"),
        make("verzenden/afhaalpunt", -1, owner="team-logistiek"),
    ], TODAY, 30)


def test_table_has_a_header_per_owner_aligned_columns_and_a_summary():
    lines = format_table(sample_report()).splitlines()
    assert lines[0] == "team-logistiek: 1 overdue, 1 due within 30 days"
    assert lines[1].split() == ["status", "due", "reviewed", "slug", "file", "title"]
    assert lines[2].startswith("  1 day overdue ")
    assert lines[3].startswith("  due in 1 day ")
    assert lines[4] == ""
    assert lines[5] == "team-retour: 1 overdue, 1 due within 30 days"
    assert lines[7].startswith("  12 days overdue ")
    assert lines[8].startswith("  due today ")
    assert lines[-2:] == ["", "2 overdue, 2 due within 30 days."]
    rows = [lines[i] for i in (1, 2, 3, 6, 7, 8)]
    for column in ("2026-", "docs/", "Vraag "):
        assert len({row.index(column) for row in rows if column in row}) == 1, column
    assert len({row.index("due", 3) for row in rows if row.strip().startswith("status")}) == 1


def test_table_when_nothing_is_due():
    report = review_report([make("later", 100)], TODAY, 7)
    assert format_table(report) == "Nothing to review: 0 overdue, 0 due within 7 days."


def test_json_shape():
    data = json.loads(format_json(sample_report()))
    assert {k: data[k] for k in ("today", "within", "overdue", "due_soon")} == {
        "today": "2026-11-22", "within": 30, "overdue": 2, "due_soon": 2}
    assert [o["owner"] for o in data["owners"]] == ["team-logistiek", "team-retour"]
    assert data["owners"][1]["articles"][0] == {
        "slug": "retour/termijn", "path": "docs/retour/termijn.md",
        "title": "Vraag retour/termijn?", "reviewed": "2026-08-12", "due": "2026-11-10",
        "days_overdue": 12, "status": "overdue"}
    assert data["owners"][0]["articles"][1]["days_overdue"] == -1


def test_csv_quotes_what_needs_quoting():
    report = review_report([make("a", -3)], TODAY, 30)
    item = report.groups[0].items[0] = replace(report.groups[0].items[0],
                                               title='Komma, en "quotes"?')
    rows = list(csv.reader(io.StringIO(format_csv(report))))
    assert rows == [
        ["owner", "slug", "path", "title", "reviewed", "due", "days_overdue", "status"],
        ["team-retour", "a", "docs/a.md", 'Komma, en "quotes"?', item.reviewed.isoformat(),
         "2026-11-19", "3", OVERDUE],
    ]


# --- rewriting the review date ------------------------------------------------------

DAY = date(2026, 11, 29)
BODY = "Het antwoord.\nreviewed: 2020-01-01 staat hier ook, maar in de tekst.\n"


def fm(*lines: str, newline: str = "\n") -> str:
    return newline.join(["---", "title: Vraag?", *lines, "---", BODY])


@pytest.mark.parametrize("before, after", [
    (fm("reviewed: 2026-01-01"), fm("reviewed: 2026-11-29")),
    (fm("reviewed: 2026-01-01  # by Anna", "owner: x"),
     fm("reviewed: 2026-11-29  # by Anna", "owner: x")),
    (fm("reviewed: '2026-01-01'"), fm("reviewed: '2026-11-29'")),
    (fm('reviewed: "2026-01-01" # quoted'), fm('reviewed: "2026-11-29" # quoted')),
    (fm("reviewed   :\t 2026-1-1   ", "owner: x"), fm("reviewed   :\t 2026-11-29   ", "owner: x")),
    (fm('"reviewed": 2026-01-01'), fm('"reviewed": 2026-11-29')),
    (fm("reviewed: 1-10-2026"), fm("reviewed: 2026-11-29")),
    (fm("reviewed:"), fm("reviewed: 2026-11-29")),
    (fm("reviewed:   # todo"), fm("reviewed: 2026-11-29   # todo")),
    (fm("owner: x"), fm("owner: x", "reviewed: 2026-11-29")),
    (fm("reviewed: 2026-01-01", newline="\r\n"), fm("reviewed: 2026-11-29", newline="\r\n")),
    (fm("owner: x", newline="\r\n"), fm("owner: x", "reviewed: 2026-11-29", newline="\r\n")),
    (fm("reviewed: 2026-11-29"), fm("reviewed: 2026-11-29")),
])
def test_mark_rewrites_only_the_date(before, after):
    assert mark_reviewed(before.encode(), DAY) == after.encode()


def test_mark_keeps_a_bom_crlf_and_unicode():
    before = "\ufeff" + fm("summary: Één antwoord", "reviewed: 2026-01-01 # ok", newline="\r\n")
    after = "\ufeff" + fm("summary: Één antwoord", "reviewed: 2026-11-29 # ok", newline="\r\n")
    assert mark_reviewed(before.encode(), DAY) == after.encode()


@pytest.mark.parametrize("text, line, fragment", [
    (fm("reviewed: |", "  2026-01-01"), 3, "found '|'"),
    (fm("reviewed: >-", "  2026-01-01"), 3, "found '>-'"),
    (fm("reviewed: [2026-01-01]"), 3, "found '[2026-01-01]'"),
    (fm("reviewed: &d 2026-01-01"), 3, "found '&d 2026-01-01'"),
    (fm("reviewed: !!str 2026-01-01"), 3, "found '!!str 2026-01-01'"),
    (fm("reviewed: {op: 2026-01-01}"), 3, "found '{op: 2026-01-01}'"),
    (fm("reviewed:", "  2026-01-01"), 3, "does not fit on its line"),
    (fm("reviewed: 2026-01-01", "  nog meer"), 3, "does not fit on its line"),
    (fm("reviewed: [2026-01-01"), 4, "not valid YAML"),
    (fm("- a list"), 3, "not valid YAML"),
    (fm("article: false", "reviewed: 2026-01-01"), 3, "is a page"),
    ("Geen front matter.\n", 1, "no front matter"),
    ("---\ntitle: x\n", 1, "never closed"),
])
def test_mark_refuses_what_it_cannot_rewrite_safely(text, line, fragment):
    with pytest.raises(MarkError) as caught:
        mark_reviewed(text.encode(), DAY)
    assert fragment in caught.value.message
    assert caught.value.line == line


def test_mark_refuses_a_file_that_is_not_utf8():
    with pytest.raises(MarkError, match="not valid UTF-8"):
        mark_reviewed(fm("summary: caf\xe9", "reviewed: 2026-01-01").encode("cp1252"), DAY)


# --- kb review ----------------------------------------------------------------------


def kb(*args: str):
    return CliRunner().invoke(cli, list(args))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def reviewed_on(day: str, **extra: object) -> str:
    return article(**extra).replace("reviewed: 2026-10-01", f"reviewed: {day}")


@pytest.fixture
def shop(project):
    """Today is 2026-11-22; review_every is 90 days unless set."""
    project.config({"review_every": 90, "owner": "team-service"})
    project.write("retour/termijn.md", reviewed_on("2026-08-01", title="Termijn?",
                                                   owner="team-retour"))
    project.write("retour/kosten.md", reviewed_on("2026-08-24", title="Kosten?",
                                                  owner="team-retour"))
    project.write("retour/ruilen.md", reviewed_on("2026-09-11", title="Ruilen?",
                                                  owner="team-retour"))
    project.write("betalen/ideal.md", reviewed_on("2026-06-01", title="iDEAL?",
                                                  policy="payment", stage="order"))
    project.write("betalen/later.md", reviewed_on("2026-10-01", title="Achteraf?",
                                                  policy="payment", stage="order"))
    project.write("betalen/concept.md", reviewed_on("2026-01-01", title="Concept?",
                                                    policy="payment", stage="order",
                                                    draft=True))
    project.write("betalen/oud.md", reviewed_on("2026-01-01", title="Oud?", policy="payment",
                                                stage="order", expires="2026-11-01"))
    project.write("betalen/nieuw.md", reviewed_on("2026-01-01", title="Nieuw?",
                                                  policy="payment", stage="order",
                                                  publish="2026-12-01"))
    project.write("blog/index.md", "# Blog\n")
    return project


def test_review_table(shop):
    result = kb("review")
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[0] == "team-retour: 1 overdue, 2 due within 30 days"
    assert out[-1] == "3 overdue, 2 due within 30 days."
    assert "team-service: 2 overdue, 0 due within 30 days" in out
    text = result.stdout
    assert text.index("team-retour:") < text.index("team-service:")
    assert text.index("betalen/nieuw ") < text.index("betalen/ideal ")
    ideal = next(line for line in out if "betalen/ideal" in line)
    assert ideal.split() == ["84", "days", "overdue", "2026-08-30", "2026-06-01",
                             "betalen/ideal", "docs/betalen/ideal.md", "iDEAL?"]
    assert "due today" in text and "due in 18 days" in text
    assert "Concept?" not in text and "Oud?" not in text and "Achteraf?" not in text
    assert result.stderr == ""


def test_review_json(shop):
    result = kb("review", "--format", "json", "--within", "18")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["today"], data["within"], data["overdue"], data["due_soon"]) == (
        "2026-11-22", 18, 3, 2)
    assert [(o["owner"], [a["slug"] for a in o["articles"]]) for o in data["owners"]] == [
        ("team-retour", ["retour/termijn", "retour/kosten", "retour/ruilen"]),
        ("team-service", ["betalen/nieuw", "betalen/ideal"]),
    ]
    termijn = data["owners"][0]["articles"][0]
    assert termijn == {"slug": "retour/termijn", "path": "docs/retour/termijn.md",
                       "title": "Termijn?", "reviewed": "2026-08-01", "due": "2026-10-30",
                       "days_overdue": 23, "status": "overdue"}
    assert data["owners"][0]["articles"][2]["days_overdue"] == -18
    assert kb("review", "--format", "json", "--within", "17").stdout.count('"slug"') == 4


def test_review_csv(shop):
    result = kb("review", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["owner", "slug", "path", "title", "reviewed", "due", "days_overdue",
                       "status"]
    assert [(r[0], r[1], r[6], r[7]) for r in rows[1:]] == [
        ("team-retour", "retour/termijn", "23", "overdue"),
        ("team-retour", "retour/kosten", "0", "due"),
        ("team-retour", "retour/ruilen", "-18", "due"),
        ("team-service", "betalen/nieuw", "235", "overdue"),
        ("team-service", "betalen/ideal", "84", "overdue"),
    ]


def test_review_today_option_and_env(shop):
    later = json.loads(kb("review", "--format", "json", "--today", "2026-12-31").stdout)
    assert later["today"] == "2026-12-31"
    assert (later["overdue"], later["due_soon"]) == (6, 0)
    assert json.loads(kb("review", "--format", "json").stdout)["today"] == "2026-11-22"


def test_review_owner_filter(shop):
    result = kb("review", "--owner", "TEAM-Service", "--format", "csv")
    assert result.exit_code == 0
    assert {row[0] for row in list(csv.reader(io.StringIO(result.stdout)))[1:]} == {
        "team-service"}
    assert result.stderr == ""


def test_review_unknown_owner_says_so_and_lists_the_owners(shop):
    result = kb("review", "--owner", "team-retur", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["owners"] == []
    assert result.stderr == ("No article has the owner 'team-retur' (did you mean "
                             "'team-retour'?); owners: team-retour, team-service.\n")


def test_review_empty_owner_is_a_usage_error(shop):
    result = kb("review", "--owner", " ")
    assert result.exit_code == 2
    assert "'--owner'" in result.output


@pytest.mark.parametrize("args", [("--within", "-1"), ("--format", "xml"),
                                  ("--today", "2026-02-30")])
def test_review_bad_options_are_usage_errors(shop, args):
    result = kb("review", *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_review_policy_fail_exits_1_only_when_something_is_overdue(shop):
    shop.config({"review_every": 90, "owner": "team-service", "review_policy": "fail"})
    result = kb("review", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["overdue"] == 3
    assert "3 review(s) overdue and review_policy is fail." in result.stderr
    assert kb("review", "--owner", "team-retour", "--today", "2026-10-29").exit_code == 0


def test_review_policy_warn_exits_0_with_overdue_articles(shop):
    result = kb("review")
    assert result.exit_code == 0
    assert "3 overdue" in result.stdout


def test_review_skips_broken_files_with_a_note(shop):
    shop.write("retour/kapot.md", "---\ntitle: [kapot\n---\nx\n")
    shop.write("retour/fout.md", reviewed_on("2026-01-01", title="Fout?", policy="retour"))
    result = kb("review", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["overdue"] == 3
    assert result.stderr == ("Note: 2 file(s) with errors left out (retour/fout, "
                             "retour/kapot); run 'kb check'.\n")


def test_review_without_mkdocs_yml_is_a_usage_error(project):
    result = kb("review")
    assert result.exit_code == 2
    assert "No mkdocs.yml" in result.output


# --- kb review --mark ---------------------------------------------------------------

WINDOWS = ("\ufeff---\r\ntitle: Windows?\r\nsummary: Met BOM en CRLF.\r\npolicy: returns\r\n"
           "stages: [returns]\r\nreviewed:   '2026-01-01'   # door Anna\r\n---\r\nTekst.\r\n")
NO_KEY = "---\ntitle: Zonder datum?\nsummary: Kort.\npolicy: returns\nstages: [returns]\n---\n"


def test_mark_changes_only_the_date_byte_for_byte(shop):
    shop.write("retour/windows.md", WINDOWS.encode("utf-8"))
    shop.write("retour/zonder.md", NO_KEY)
    shop.write("retour/termijn.md", reviewed_on("2026-08-01", title="Termijn?",
                                                owner="team-retour").replace(
        "reviewed: 2026-08-01", 'reviewed  :  "2026-08-01"  # kwartaal'))
    before = shop.docs.joinpath("retour/termijn.md").read_bytes()
    untouched = snapshot(shop.docs / "betalen")
    result = kb("review", "--mark", "retour/windows", "docs/retour/zonder.md",
                "retour/termijn.md")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Marked docs/retour/windows.md as reviewed on 2026-11-22.\n"
                             "Marked docs/retour/zonder.md as reviewed on 2026-11-22.\n"
                             "Marked docs/retour/termijn.md as reviewed on 2026-11-22.\n")
    assert shop.docs.joinpath("retour/windows.md").read_bytes() == WINDOWS.replace(
        "2026-01-01", "2026-11-22").encode("utf-8")
    assert shop.docs.joinpath("retour/zonder.md").read_bytes() == NO_KEY.replace(
        "stages: [returns]\n", "stages: [returns]\nreviewed: 2026-11-22\n").encode()
    assert shop.docs.joinpath("retour/termijn.md").read_bytes() == before.replace(
        b'"2026-08-01"', b'"2026-11-22"')
    assert snapshot(shop.docs / "betalen") == untouched
    # The marked files still read as valid articles that are not overdue.
    check = kb("check").output
    assert "docs/retour/" not in check and "\nTraceback" not in check


def test_mark_respects_today_and_takes_it_off_the_list(shop):
    result = kb("review", "--mark", "betalen/ideal", "--today", "2026-11-29")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Marked docs/betalen/ideal.md as reviewed on 2026-11-29.\n"
    assert "reviewed: 2026-11-29\n" in shop.docs.joinpath("betalen/ideal.md").read_text()
    slugs_left = kb("review", "--format", "csv", "--today", "2026-11-29").stdout
    assert "betalen/ideal" not in slugs_left and "betalen/nieuw" in slugs_left


def test_mark_uses_the_line_of_the_key_not_the_body(shop):
    text = reviewed_on("2026-06-01", title="Tekst?", body="reviewed: 2026-06-01\n")
    shop.write("retour/tekst.md", text)
    assert kb("review", "--mark", "retour/tekst").exit_code == 0
    assert shop.docs.joinpath("retour/tekst.md").read_text() == text.replace(
        "reviewed: 2026-06-01", "reviewed: 2026-11-22", 1)


def test_mark_twice_leaves_the_file_untouched(shop):
    assert kb("review", "--mark", "retour/kosten").exit_code == 0
    before = snapshot(shop.docs)
    result = kb("review", "--mark", "retour/kosten", "retour/kosten.md")
    assert result.exit_code == 0
    assert result.stdout == "docs/retour/kosten.md was already marked as reviewed on 2026-11-22.\n"
    assert snapshot(shop.docs) == before


def test_mark_validates_everything_before_touching_anything(shop):
    shop.write("retour/kapot.md", "---\ntitle: [kapot\nreviewed: 2026-01-01\n---\nx\n")
    shop.write("retour/blok.md", reviewed_on("2026-01-01", title="Blok?").replace(
        "reviewed: 2026-01-01", "reviewed: |\n  2026-01-01"))
    before = snapshot(shop.root)
    result = kb("review", "--mark", "retour/termijn", "retour/termjin", "blog", "retour/kapot",
                "retour/blok", "mkdocs.yml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "retour/termjin: error: no article has this slug; did you mean 'retour/termijn'?",
        "docs/blog/index.md: error: is a page, not an article; only articles have a review "
        "date",
        "docs/retour/kapot.md:3: error: the front matter is not valid YAML (while parsing a "
        "flow sequence, did not find expected ',' or ']'); fix it first, 'kb check' shows "
        "what is wrong",
        "docs/retour/blok.md:6: error: reviewed: expected a date as YYYY-MM-DD but found "
        "'|'; set the date by hand",
        "mkdocs.yml: error: is not in the docs folder docs/",
        "Nothing was marked; fix the problems above.",
    ]
    assert snapshot(shop.root) == before


def test_mark_a_page_marked_article_false(shop):
    shop.write("over-ons.md", "---\narticle: false\nreviewed: 2026-01-01\n---\n# Over ons\n")
    before = snapshot(shop.root)
    result = kb("review", "--mark", "over-ons")
    assert result.exit_code == 1
    assert "docs/over-ons.md: error: is a page, not an article" in result.stderr
    assert snapshot(shop.root) == before


def test_mark_notes_other_problems_of_the_file(shop):
    shop.write("retour/fout.md", reviewed_on("2026-01-01", title="Fout?", policy="retour"))
    result = kb("review", "--mark", "retour/fout")
    assert result.exit_code == 0
    assert "reviewed: 2026-11-22\n" in shop.docs.joinpath("retour/fout.md").read_text()
    assert result.stderr == "Note: docs/retour/fout.md has other problems; run 'kb check'.\n"


def test_mark_from_another_folder_with_a_file_path(shop, monkeypatch):
    elsewhere = shop.root / "elders"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = kb("review", "--config", "../mkdocs.yml", "--mark", "../docs/retour/ruilen.md")
    assert result.exit_code == 0, result.output
    # Outside the working directory paths are shown in full, as everywhere in kb.
    assert result.stdout == (f"Marked {shop.docs / 'retour' / 'ruilen.md'} as reviewed on "
                             "2026-11-22.\n")
    assert "reviewed: 2026-11-22\n" in shop.docs.joinpath("retour/ruilen.md").read_text()


def test_mark_keeps_the_file_mode(shop):
    path = shop.docs / "retour" / "ruilen.md"
    os.chmod(path, 0o640)
    assert kb("review", "--mark", "retour/ruilen").exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["kosten.md", "ruilen.md",
                                                            "termijn.md"]


@pytest.mark.parametrize("args, fragment", [
    (("--mark",), "--mark needs the SLUG"),
    (("--mark", "retour/kosten", "--format", "json"), "--mark cannot be combined with --format"),
    (("--mark", "retour/kosten", "--within", "30", "--owner", "x"),
     "--mark cannot be combined with --within or --owner"),
    (("retour/kosten",), "got 'retour/kosten' without --mark"),
])
def test_mark_usage_errors(shop, args, fragment):
    before = snapshot(shop.root)
    result = kb("review", *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert snapshot(shop.root) == before


def test_review_notes_errors_in_the_configuration(shop):
    shop.config({"review_every": 90, "review_policy": "fial"})
    result = kb("review", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["overdue"] == 3
    assert result.stderr == "Note: mkdocs.yml has errors; run 'kb check'.\n"


# --- kb review --mark while other programs save the same file (issue 14, row 3) ------


def test_mark_of_a_file_saved_after_kb_checked_it_marks_the_newer_save(shop, monkeypatch):
    path = shop.docs / "retour" / "ruilen.md"
    newer = path.read_text().replace("Het hele antwoord.", "Het hele, nieuwe antwoord.")
    real = reviews_module.write_mark

    def saved_first(mark):
        path.write_text(newer)  # saved between kb's check of all files and its write
        return real(mark)

    monkeypatch.setattr(reviews_module, "write_mark", saved_first)
    result = kb("review", "--mark", "retour/ruilen")
    assert result.exit_code == 0, result.output
    assert path.read_text() == newer.replace("reviewed: 2026-09-11", "reviewed: 2026-11-22")


def test_mark_refuses_a_file_that_keeps_changing_and_leaves_the_other_programs_save(
        shop, saver, monkeypatch):
    path = shop.docs / "retour" / "ruilen.md"
    text = path.read_text()
    real = reviews_module.mark_reviewed
    calls = []

    def saved_while_marking(raw, day):
        calls.append(raw)
        if len(calls) > 1:  # the first call is the check before anything is written
            saver.save(path, text.replace("Het hele antwoord.",
                                          f"Versie {len(calls)}.").encode())
        return real(raw, day)

    monkeypatch.setattr(reviews_module, "mark_reviewed", saved_while_marking)
    result = kb("review", "--mark", "retour/ruilen", "retour/kosten")
    saver.finish()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "docs/retour/ruilen.md: error: changed while kb was writing it; nothing was written "
        "— save it and run again",
        "1 of 2 not marked; see above.",
    ]
    assert result.stdout == "Marked docs/retour/kosten.md as reviewed on 2026-11-22.\n"
    assert path.read_text() == text.replace("Het hele antwoord.", f"Versie {len(calls)}.")
    assert sorted(p.name for p in path.parent.iterdir()) == ["kosten.md", "ruilen.md",
                                                            "termijn.md"]


@pytest.fixture
def editor(shop, tmp_path, monkeypatch):
    """An editor's program half-way through saving retour/ruilen.md: it truncated the
    file and wrote the first half of the new text."""
    if not leases_work(tmp_path):
        pytest.skip("no file leases here")
    monkeypatch.setattr(files, "SETTLE", 0.005)
    path = shop.docs / "retour" / "ruilen.md"
    text = path.read_text().replace("Het hele antwoord.", "Het hele, nieuwe antwoord.")
    half = len(text) // 2
    return path, text, half


def test_mark_refuses_while_an_editor_is_half_way_through_a_save_and_writes_nothing(
        editor, monkeypatch):
    path, text, half = editor
    writer = another_program(WRITER, str(path), text[:half], text[half:])
    try:
        assert writer.stdout.readline() == "half\n"
        monkeypatch.setattr(files, "PATIENCE", 0.2)
        result = kb("review", "--mark", "retour/ruilen")
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            "docs/retour/ruilen.md: error: kept changing while kb was reading it (another "
            "program is saving it); nothing was written — save it and run again",
            "Nothing was marked; fix the problems above.",
        ]
        assert path.read_text() == text[:half]
    finally:
        writer.communicate("\n")
    assert path.read_text() == text


def test_mark_waits_for_an_editors_save_that_is_going_on_and_marks_the_whole_save(
        editor, monkeypatch):
    path, text, half = editor
    writer = another_program(WRITER.replace("sys.stdin.readline()", "time.sleep(0.2)"),
                             str(path), text[:half], text[half:])
    assert writer.stdout.readline() == "half\n"
    monkeypatch.setattr(files, "PATIENCE", 120.0)
    result = kb("review", "--mark", "retour/ruilen")
    writer.communicate()
    assert result.exit_code == 0, result.output
    assert path.read_text() == text.replace("reviewed: 2026-09-11", "reviewed: 2026-11-22")


def test_mark_changes_a_linked_article_in_the_file_it_points_to_and_keeps_the_link(shop):
    shared = shop.root / "gedeeld" / "garantie.md"
    shared.parent.mkdir()
    shared.write_text(reviewed_on("2026-01-01", title="Garantie?"))
    link = shop.docs / "retour" / "garantie.md"
    link.symlink_to(os.path.relpath(shared, link.parent))
    result = kb("review", "--mark", "retour/garantie")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert "reviewed: 2026-11-22\n" in shared.read_text()


def test_mark_refuses_an_article_that_links_outside_the_project(shop, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elders") / "geheim.md"
    outside.write_text(reviewed_on("2026-01-01", title="Geheim?"))
    before = outside.read_bytes()
    (shop.docs / "retour" / "geheim.md").symlink_to(outside)
    result = kb("review", "--mark", "retour/geheim")
    assert result.exit_code == 1
    assert (f"docs/retour/geheim.md: error: is a link to {str(outside)!r}, outside the project "
            "folder; kb changes no file there") in result.stderr
    assert outside.read_bytes() == before


def test_mark_refuses_a_link_into_git_as_kb_check_does(shop):
    hidden = shop.root / ".git" / "geheim.md"
    hidden.parent.mkdir()
    hidden.write_text(reviewed_on("2026-01-01", title="Geheim?"))
    before = hidden.read_bytes()
    (shop.docs / "retour" / "geheim.md").symlink_to(hidden)
    # The same rule as kb check's; the advice differs: the one writes, the other publishes.
    refusal = (f"docs/retour/geheim.md: error: is a link to {str(hidden)!r}, in the project's "
               "hidden folder '.git'")
    check = kb("check")
    assert refusal + "; kb never publishes hidden files" in check.output
    result = kb("review", "--mark", "retour/geheim")
    assert result.exit_code == 1
    assert refusal + "; kb changes no file there" in result.stderr
    assert hidden.read_bytes() == before


def test_mark_refuses_a_link_into_a_private_folder_such_as_kbs_cache(shop):
    cache = shop.root / "cache"
    cache.mkdir()
    (cache / "geheim.md").write_text(reviewed_on("2026-01-01", title="Geheim?"))
    (shop.docs / "retour" / "geheim.md").symlink_to(cache / "geheim.md")
    collection = load_collection(str(shop.docs), Settings(), date(2026, 11, 22))
    marks, problems, _ = reviews_module.plan_marks(
        ["retour/geheim"], collection, ["blog"], date(2026, 11, 22), str(shop.root),
        [str(cache)])
    assert marks == []
    assert [p.message for p in problems] == [
        f"is a link to {str(cache / 'geheim.md')!r}, inside kb's cache folder; kb changes no "
        "file there"]


def test_mark_refuses_an_article_with_a_second_name_and_changes_neither(shop):
    path = shop.docs / "retour" / "ruilen.md"
    other = shop.root / "kopie.md"
    os.link(path, other)
    before = path.read_bytes()
    result = kb("review", "--mark", "retour/ruilen")
    assert result.exit_code == 1
    assert ("docs/retour/ruilen.md: error: has 2 names (hard links), which would keep the old "
            "text; change it by hand") in result.stderr
    assert path.read_bytes() == other.read_bytes() == before


@pytest.mark.parametrize("before, after", [
    (fm("reviewed: 2026-01-01", newline="\r"), fm("reviewed: 2026-11-29", newline="\r")),
    (fm("owner: x", newline="\r"), fm("owner: x", "reviewed: 2026-11-29", newline="\r")),
    ("---\r\ntitle: Vraag?\rreviewed: 2026-01-01 # c\n---\rTekst.\r\n",
     "---\r\ntitle: Vraag?\rreviewed: 2026-11-29 # c\n---\rTekst.\r\n"),
    ("---\rtitle: Vraag?\r\nowner: x\n---\rTekst.\r",
     "---\rtitle: Vraag?\r\nowner: x\nreviewed: 2026-11-29\n---\rTekst.\r"),
])
def test_mark_works_on_cr_only_and_mixed_line_endings_and_keeps_each_line_break(before, after):
    assert mark_reviewed(before.encode(), DAY) == after.encode()


def test_mark_on_a_cr_only_article_changes_only_the_date_as_kb_check_accepts_it(shop):
    text = reviewed_on("2026-01-01", title="Oude Mac?").replace("\n", "\r")
    shop.write("retour/mac.md", text.encode("utf-8"))
    result = kb("review", "--mark", "retour/mac")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Marked docs/retour/mac.md as reviewed on 2026-11-22.\n"
    assert shop.docs.joinpath("retour/mac.md").read_bytes() == text.replace(
        "reviewed: 2026-01-01", "reviewed: 2026-11-22").encode("utf-8")
