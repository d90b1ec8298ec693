"""Core validation of articles: kb.articles.load_collection and kb.checks.check_project.

Every bad input must come out as a Problem with the file, the line in the file,
the field and a message that says what was expected and what was found.
"""

from __future__ import annotations

from datetime import date

import pytest

from kb.articles import Article, load_collection, slug_for, slugify
from kb.checks import check_project
from kb.frontmatter import FIELDS
from kb.problems import ERROR, WARNING, Problem
from kb.project import load_project
from kb.settings import parse_settings
from kb.site import plan_site
from tests.conftest import article

TODAY = date(2026, 11, 22)
# Line numbers in an article made by `article()`: line 1 is the opening '---'.
LINE = {"title": 2, "summary": 3, "policy": 4, "stages": 5, "reviewed": 6}
EXTRA = 7  # the first line added after `reviewed`


def art(*extra_lines: str, **kwargs: object) -> str:
    """A valid article with raw front-matter lines added after `reviewed` (from line 7)."""
    text = article(**kwargs)
    added = "".join(line + "\n" for line in extra_lines)
    return text.replace("reviewed: 2026-10-01\n", "reviewed: 2026-10-01\n" + added, 1)


def load(project, options: dict | None = None, today: date = TODAY):
    settings, problems = parse_settings(options, "mkdocs.yml", "nl")
    assert problems == []
    return load_collection(str(project.docs), settings, today)


def problems_of(collection, path: str | None = None) -> list[Problem]:
    return [p for p in collection.problems if path is None or p.path == path]


def the_problem(collection, path: str = "docs/vraag.md") -> Problem:
    found = problems_of(collection, path)
    assert len(found) == 1, [str(p) for p in collection.problems]
    return found[0]


def assert_problem(problem: Problem, *, line: int | None, field: str | None,
                   fragments: tuple[str, ...] | str, severity: str = ERROR,
                   path: str = "docs/vraag.md") -> None:
    if isinstance(fragments, str):
        fragments = (fragments,)
    assert problem.path == path
    assert problem.line == line
    assert problem.field == field
    assert problem.severity == severity
    for fragment in fragments:
        assert fragment in problem.message, problem.message


# --- the happy path -----------------------------------------------------------------


def test_valid_article_is_loaded_with_all_fields(project):
    project.write("retour/termijn.md", art(
        "contexts: [order-status, returns]", "keywords: [terugsturen, ruilen]",
        "review_every: 90", "owner: team-retour", "covers: [return-period]",
        body="Het hele antwoord.\n"))
    collection = load(project)
    assert collection.problems == []
    (found,) = collection.articles
    assert found.slug == "retour/termijn"
    assert found.src_uri == "retour/termijn.md"
    assert found.path == "docs/retour/termijn.md"
    assert found.title == "Hoe lang heb ik om iets terug te sturen?"
    assert found.summary == "Je hebt 30 dagen na ontvangst."
    assert found.policy == "returns"
    assert found.stages == ["returns"]
    assert found.contexts == ["order-status", "returns"]
    assert found.keywords == ["terugsturen", "ruilen"]
    assert found.reviewed == date(2026, 10, 1)
    assert found.review_every == 90
    assert found.owner == "team-retour"
    assert found.covers == ["return-period"]
    assert found.body.strip() == "Het hele antwoord."
    assert found.is_live(TODAY)


def test_review_every_and_owner_default_from_settings(project):
    project.write("vraag.md", art())
    collection = load(project, {"review_every": 30, "owner": "team-cs"})
    (found,) = collection.articles
    assert (found.review_every, found.owner) == (30, "team-cs")
    assert found.review_due == date(2026, 10, 31)


def test_check_project_reports_nothing_for_one_valid_article_per_area(project):
    project.config()
    project.one_per_area()
    collection, problems = check_project(load_project(), TODAY)
    assert problems == []
    assert len(collection.articles) == 6
    assert collection.checked == 6


# --- required fields ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["title", "summary", "policy", "stages", "reviewed"])
def test_missing_required_field_is_an_error_on_that_field(project, key):
    text = art()
    line = next(x for x in text.splitlines() if x.startswith(key + ":"))
    project.write("vraag.md", text.replace(line + "\n", ""))
    collection = load(project)
    assert_problem(the_problem(collection), line=1, field=key,
                   fragments="missing required field")
    assert collection.articles == []
    assert collection.broken == ["vraag"]


def test_required_field_with_empty_value_counts_as_missing(project):
    project.write("vraag.md", art().replace("policy: returns", "policy:"))
    assert_problem(the_problem(load(project)), line=4, field="policy",
                   fragments="missing required field")


# --- ids outside the taxonomy -------------------------------------------------------


@pytest.mark.parametrize("key, old, new, expected", [
    ("policy", "policy: returns", "policy: retour",
     "expected one of product, order-status, payment, shipping, returns, privacy but found "
     "'retour' (did you mean 'returns'?)"),
    ("stages", "stages: [returns]", "stages: [returns, delivry]",
     "expected one of research, discovery, order, delivery, returns but found 'delivry' "
     "(did you mean 'delivery'?)"),
    ("contexts", "reviewed: 2026-10-01", "reviewed: 2026-10-01\ncontexts: [kart]",
     "expected one of home, product, cart, checkout, order-status, returns, account but found "
     "'kart' (did you mean 'cart'?)"),
])
def test_unknown_id_names_every_valid_id_and_the_closest(project, key, old, new, expected):
    project.write("vraag.md", art().replace(old, new))
    collection = load(project)
    line = LINE.get(key, EXTRA)
    assert_problem(the_problem(collection), line=line, field=key, fragments=expected)
    assert collection.articles == []


def test_unknown_id_without_close_match_has_no_hint(project):
    project.write("vraag.md", art().replace("policy: returns", "policy: zzzzzz"))
    problem = the_problem(load(project))
    assert problem.message.endswith("but found 'zzzzzz'")
    assert "did you mean" not in problem.message


def test_stages_given_as_an_empty_list_is_an_error(project):
    project.write("vraag.md", art().replace("stages: [returns]", "stages: []"))
    assert_problem(the_problem(load(project)), line=5, field="stages",
                   fragments="expected at least one of research, discovery, order, delivery, "
                             "returns but found an empty list")


def test_a_single_stage_may_be_written_without_brackets(project):
    project.write("vraag.md", art().replace("stages: [returns]", "stages: delivery"))
    collection = load(project)
    assert collection.problems == []
    assert collection.articles[0].stages == ["delivery"]


# --- dates --------------------------------------------------------------------------


def _with_date(key: str, value: str) -> tuple[str, int]:
    if key == "reviewed":
        return art().replace("reviewed: 2026-10-01", f"reviewed: {value}"), LINE["reviewed"]
    return art(f"{key}: {value}"), EXTRA


@pytest.mark.parametrize("key", ["reviewed", "publish", "expires"])
@pytest.mark.parametrize("value", ["1-10-2026", "2026/10/01", "oktober", "2026-1-5"])
def test_date_not_written_as_yyyy_mm_dd_is_an_error(project, key, value):
    text, line = _with_date(key, value)
    project.write("vraag.md", text)
    collection = load(project)
    assert_problem(the_problem(collection), line=line, field=key,
                   fragments=f"expected a date as YYYY-MM-DD but found '{value}'")
    assert collection.articles == []


@pytest.mark.parametrize("key", ["reviewed", "publish", "expires"])
@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "2025-02-29"])
def test_date_that_does_not_exist_is_an_error(project, key, value):
    text, line = _with_date(key, value)
    project.write("vraag.md", text)
    collection = load(project)
    assert_problem(the_problem(collection), line=line, field=key,
                   fragments=f"'{value}' is not a real date")
    assert collection.articles == []


@pytest.mark.parametrize("expires", ["2026-11-30", "2026-12-01"])
def test_expires_not_after_publish_is_an_error(project, expires):
    project.write("vraag.md", art("publish: 2026-12-01", f"expires: {expires}"))
    collection = load(project)
    assert_problem(the_problem(collection), line=EXTRA + 1, field="expires",
                   fragments=f"expected a date after publish (2026-12-01) but found {expires}")
    assert collection.articles == []


def test_reviewed_in_the_future_is_only_a_warning(project):
    project.write("vraag.md", art().replace("reviewed: 2026-10-01", "reviewed: 2026-12-01"))
    collection = load(project)
    assert_problem(the_problem(collection), line=6, field="reviewed", severity=WARNING,
                   fragments=("2026-12-01 is in the future",))
    assert [a.slug for a in collection.articles] == ["vraag"]


def test_reviewed_today_is_fine(project):
    project.write("vraag.md", art().replace("reviewed: 2026-10-01", "reviewed: 2026-11-22"))
    assert load(project).problems == []


# --- title and summary --------------------------------------------------------------


@pytest.mark.parametrize("key, value", [("title", "''"), ("summary", '"   "')])
def test_empty_title_or_summary_must_not_be_empty(project, key, value):
    text = art().replace(next(x for x in art().splitlines() if x.startswith(key + ":")),
                         f"{key}: {value}")
    project.write("vraag.md", text)
    collection = load(project)
    assert_problem(the_problem(collection), line=LINE[key], field=key,
                   fragments="must not be empty")
    assert collection.articles == []


def test_title_that_is_not_text_is_an_error(project):
    project.write("vraag.md", art(title="[1, 2]"))
    assert_problem(the_problem(load(project)), line=2, field="title",
                   fragments="expected a text but found [1, 2]")


def test_summary_of_300_characters_is_allowed(project):
    project.write("vraag.md", art(summary="x" * 300))
    assert load(project).problems == []


def test_summary_over_300_characters_is_an_error(project):
    project.write("vraag.md", art(summary="x" * 301))
    collection = load(project)
    assert_problem(the_problem(collection), line=3, field="summary",
                   fragments="expected at most 300 characters but found 301")
    assert collection.articles == []


@pytest.mark.parametrize("summary, found", [
    ("Binnen <b>30</b> dagen.", "'<b>'"),
    ("Zie <a href='x'>hier</a>.", "<a href='x'>"),
    ("Gratis &amp; snel.", "'&amp;'"),
    ("Binnen 30 dagen.<br/>", "'<br/>'"),
])
def test_summary_with_html_is_an_error(project, summary, found):
    project.write("vraag.md", art(summary=f'"{summary}"'))
    collection = load(project)
    assert_problem(the_problem(collection), line=3, field="summary",
                   fragments=("expected plain text but found HTML", found))
    assert collection.articles == []


@pytest.mark.parametrize("summary", ["Gratis & snel.", "Onder 5 < 10 kilo.", "Ja -> nee."])
def test_summary_with_plain_symbols_is_not_mistaken_for_html(project, summary):
    project.write("vraag.md", art(summary=f'"{summary}"'))
    assert load(project).problems == []


# --- related ------------------------------------------------------------------------


def test_related_to_a_missing_slug_is_an_error_with_the_closest_slug(project):
    project.write("retour/termijn.md", art(title="Wat is de retourtermijn?"))
    project.write("vraag.md", art("related: [retour/termjn]"))
    collection = load(project)
    assert_problem(the_problem(collection), line=EXTRA, field="related",
                   fragments="no article has the slug 'retour/termjn' "
                             "(did you mean 'retour/termijn'?)")


def test_related_to_itself_is_an_error(project):
    project.write("retour/vraag.md", art("related: [retour/vraag]"))
    collection = load(project)
    assert_problem(the_problem(collection, "docs/retour/vraag.md"), line=EXTRA,
                   field="related", path="docs/retour/vraag.md",
                   fragments="an article cannot be related to itself")


def test_related_to_an_existing_article_is_fine(project):
    project.write("retour/termijn.md", art(title="Wat is de retourtermijn?"))
    project.write("vraag.md", art("related: [retour/termijn]"))
    collection = load(project)
    assert collection.problems == []
    assert collection.by_slug()["vraag"].related == ["retour/termijn"]


def test_related_to_a_draft_is_a_warning(project):
    project.write("concept.md", art("draft: true", title="Een concept?"))
    project.write("vraag.md", art("related: [concept]"))
    collection = load(project)
    assert_problem(the_problem(collection), line=EXTRA, field="related", severity=WARNING,
                   fragments="'concept' is not published today")


def test_related_to_a_scheduled_article_is_a_warning(project):
    project.write("later.md", art("publish: 2027-01-01", title="Later?"))
    project.write("vraag.md", art("related: [later]"))
    assert the_problem(load(project)).severity == WARNING


def test_related_to_a_broken_article_reports_only_that_articles_own_error(project):
    project.write("kapot.md", art(title="Kapot?", policy="retour"))
    project.write("vraag.md", art("related: [kapot]"))
    collection = load(project)
    assert problems_of(collection, "docs/vraag.md") == []
    assert [p.field for p in problems_of(collection, "docs/kapot.md")] == ["policy"]


def test_related_written_as_a_file_name_is_shown_on_the_article_page(project):
    # Accepted by the check, so the related question must also appear on the page.
    project.write("betalen/methoden.md", art(title="Hoe kan ik betalen?", policy="payment",
                                             stage="order"))
    project.write("vraag.md", art("related: [betalen/methoden.md]"))
    collection = load(project)
    settings, _ = parse_settings(None, "mkdocs.yml", "nl")
    assert collection.problems == []
    plan = plan_site(collection, settings, TODAY, "Shop")
    assert [a.slug for a in plan.articles["vraag.md"].related] == ["betalen/methoden"]


# --- uniqueness ---------------------------------------------------------------------


def test_two_files_with_the_same_slug_are_an_error_naming_both(project):
    project.write("a/b.md", art(title="Eerste vraag?"))
    project.write("a/b/index.md", art(title="Tweede vraag?"))
    collection = load(project)
    (problem,) = collection.problems
    assert problem.field == "slug"
    assert problem.is_error
    assert problem.line == 1
    named = {problem.path} | {p for p in ("docs/a/b.md", "docs/a/b/index.md")
                              if p in problem.message}
    assert named == {"docs/a/b.md", "docs/a/b/index.md"}
    assert "same slug 'a/b'" in problem.message


def test_slugs_differing_only_in_case_clash(project):
    project.write("Retour.md", art(title="Eerste vraag?"))
    project.write("retour.md", art(title="Tweede vraag?"))
    (problem,) = load(project).problems
    assert problem.field == "slug"
    assert "same slug" in problem.message


@pytest.mark.parametrize("first, second", [
    ("Hoe lang heb ik?", "hoe LANG heb ik!"),
    ("Hoe lang heb ik?", "Hoe  lang heb ik"),
    ("Wat kost verzenden naar België?", "Wat kost verzenden, naar België?"),
    ("Kan ik betalen: met iDEAL?", "Kan ik betalen met iDEAL?"),
])
def test_two_articles_with_the_same_question_are_an_error_naming_both(project, first, second):
    project.write("a.md", art(title=f'"{first}"'))
    project.write("b.md", art(title=f'"{second}"'))
    collection = load(project)
    (problem,) = collection.problems
    assert problem.field == "title"
    assert problem.line == 2
    assert problem.is_error
    assert problem.path == "docs/b.md"
    assert "same question as docs/a.md" in problem.message


def test_different_questions_are_not_duplicates(project):
    project.write("a.md", art(title="Hoe lang heb ik?"))
    project.write("b.md", art(title="Hoe lang duurt het?"))
    assert load(project).problems == []


# --- files that cannot be read as an article ----------------------------------------


@pytest.mark.parametrize("text, line, fragment", [
    ("---\ntitle: Hoe?\nsummary: Zo.\npolicy: returns: nee\nstages: [returns]\n---\n",
     4, "mapping values are not allowed"),
    ("---\ntitle: Hoe?\n  bad: [\n---\n", 3, "mapping values are not allowed"),
    ("---\ntitle: Hoe?\n\tsummary: Zo.\n---\n", 3, "tab character"),
    ("---\r\ntitle: Hoe?\r\nsummary: Zo.\r\npolicy: returns: nee\r\n---\r\n", 4,
     "mapping values are not allowed"),
    ("\ufeff---\ntitle: Hoe?\nsummary: Zo.\npolicy: returns: nee\n---\n", 4,
     "mapping values are not allowed"),
])
def test_malformed_yaml_gives_the_yaml_problem_and_the_line_in_the_file(project, text, line,
                                                                         fragment):
    project.write("vraag.md", text.encode("utf-8"))
    collection = load(project)
    assert_problem(the_problem(collection), line=line, field=None,
                   fragments=("the front matter is not valid YAML", fragment))
    assert collection.broken == ["vraag"]


def test_front_matter_that_is_a_list_is_an_error(project):
    project.write("vraag.md", "---\n- title\n- summary\n---\nTekst.\n")
    assert_problem(the_problem(load(project)), line=2, field=None,
                   fragments=("must be a mapping of keys to values", "found list"))


def test_front_matter_that_is_empty_is_an_error(project):
    project.write("vraag.md", "---\n---\nTekst.\n")
    assert_problem(the_problem(load(project)), line=2, field=None,
                   fragments="must be a mapping of keys to values but found nothing")


def test_file_that_is_not_utf8_gives_the_line_of_the_bad_byte(project):
    project.write("vraag.md", art().encode("utf-8").replace(b"30 dagen", b"30 d\xe9gen"))
    collection = load(project)
    assert_problem(the_problem(collection), line=3, field=None,
                   fragments=("is not valid UTF-8", "0xe9"))
    assert collection.broken == ["vraag"]


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file_is_an_error(project, content):
    project.write("vraag.md", content)
    collection = load(project)
    problem = the_problem(collection)
    assert problem.is_error
    assert problem.line in (None, 1)
    assert "the file is empty" in problem.message
    assert collection.broken == ["vraag"]


def test_file_without_front_matter_is_an_error_that_explains_pages(project):
    project.write("vraag.md", "# Hoe lang?\n\nDertig dagen.\n")
    assert_problem(the_problem(load(project)), line=1, field=None,
                   fragments=("has no front matter", "article: false", "blog/"))


def test_front_matter_not_starting_with_exactly_three_dashes_is_an_error(project):
    project.write("vraag.md", "----\ntitle: Hoe?\n---\n")
    assert_problem(the_problem(load(project)), line=1, field=None,
                   fragments="must start with a line of exactly '---'")


def test_unclosed_front_matter_is_an_error(project):
    project.write("vraag.md", "---\ntitle: Hoe?\nsummary: Zo.\n\nHet antwoord.\n")
    assert_problem(the_problem(load(project)), line=1, field=None,
                   fragments="never closed with '---'")


def test_duplicate_key_is_an_error_on_its_second_line(project):
    project.write("vraag.md", art("title: Nog een titel?"))
    problem = the_problem(load(project))
    assert_problem(problem, line=EXTRA, field="title", fragments="is set twice")


# --- unknown keys and optional fields -----------------------------------------------


def test_unknown_key_is_a_warning_with_the_closest_known_key(project):
    project.write("vraag.md", art("sumary: Dertig dagen."))
    collection = load(project)
    assert_problem(the_problem(collection), line=EXTRA, field="sumary", severity=WARNING,
                   fragments=("unknown front-matter key", "did you mean 'summary'?"))
    assert [a.slug for a in collection.articles] == ["vraag"]


def test_unknown_key_far_from_any_field_lists_the_known_keys(project):
    project.write("vraag.md", art("zzzzzz: 1"))
    problem = the_problem(load(project))
    assert problem.severity == WARNING
    assert "did you mean" not in problem.message
    assert all(key in problem.message for key in FIELDS)


def test_material_page_keys_are_accepted_without_warning(project):
    project.write("vraag.md", art("description: Voor zoekmachines.", "hide: [toc]",
                                  "tags: [retour]"))
    assert load(project).problems == []


def test_covers_item_outside_the_policy_checklist_is_an_error(project):
    project.write("vraag.md", art("covers: [return-period, warranty]"))
    collection = load(project)
    assert_problem(the_problem(collection), line=EXTRA, field="covers",
                   fragments="expected one of return-period, refund-conditions, "
                             "return-packaging, return-costs but found 'warranty'")
    assert collection.articles == []


@pytest.mark.parametrize("value", ["0", "-5", "'90'", "true", "1.5", "[90]", "3651",
                                   "9999999"])
def test_review_every_must_be_a_whole_number_of_days_up_to_ten_years(project, value):
    project.write("vraag.md", art(f"review_every: {value}"))
    collection = load(project)
    assert_problem(the_problem(collection), line=EXTRA, field="review_every",
                   fragments="expected a whole number of days from 1 to 3650 (10 years) but "
                             "found")
    assert collection.articles == []


@pytest.mark.parametrize("value, shown", [("'yes'", "'yes'"), ("1", "1"), ("nee", "'nee'")])
def test_draft_must_be_true_or_false(project, value, shown):
    project.write("vraag.md", art(f"draft: {value}"))
    collection = load(project)
    assert_problem(the_problem(collection), line=EXTRA, field="draft",
                   fragments=f"expected true or false but found {shown}")
    assert collection.articles == []


def test_owner_must_be_a_name(project):
    project.write("vraag.md", art("owner: ''"))
    assert_problem(the_problem(load(project)), line=EXTRA, field="owner",
                   fragments="expected a team or person name")


def test_keywords_must_be_words(project):
    project.write("vraag.md", art("keywords: {a: b}"))
    assert_problem(the_problem(load(project)), line=EXTRA, field="keywords",
                   fragments="expected a list of words")


def test_draft_without_summary_is_only_a_warning(project):
    text = art("draft: true").replace("summary: Je hebt 30 dagen na ontvangst.\n", "")
    project.write("vraag.md", text)
    collection = load(project)
    problem = the_problem(collection)
    assert problem.field == "summary"
    assert problem.severity == WARNING
    (found,) = collection.articles
    assert found.draft and not found.is_live(TODAY)


def test_draft_with_an_empty_summary_is_only_a_warning(project):
    # What `kb new` writes when no --summary is given.
    project.write("vraag.md", art("draft: true", summary='""'))
    collection = load(project)
    assert [p.severity for p in collection.problems] == [WARNING], \
        [str(p) for p in collection.problems]
    assert collection.problems[0].field == "summary"
    assert [a.slug for a in collection.articles] == ["vraag"]


def test_published_article_without_summary_is_an_error(project):
    text = art("draft: false").replace("summary: Je hebt 30 dagen na ontvangst.\n", "")
    project.write("vraag.md", text)
    assert the_problem(load(project)).severity == ERROR


# --- many files at once -------------------------------------------------------------


def test_all_problems_of_several_broken_files_come_out_in_one_run(project):
    project.write("a.md", art(policy="retour"))
    project.write("b.md", art("review_every: 0", title="B?").replace(
        "reviewed: 2026-10-01", "reviewed: 2026-02-30"))
    project.write("c/d.md", b"---\ntitle: \xff\n---\n")
    project.write("e.md", "Geen front matter.\n")
    project.write("goed.md", art(title="Goed?"))
    collection = load(project)
    found = {(p.path, p.line, p.field) for p in collection.problems}
    assert found == {
        ("docs/a.md", 4, "policy"),
        ("docs/b.md", 6, "reviewed"),
        ("docs/b.md", 7, "review_every"),
        ("docs/c/d.md", 2, None),
        ("docs/e.md", 1, None),
    }
    assert sorted(collection.broken) == ["a", "b", "c/d", "e"]
    assert [a.slug for a in collection.articles] == ["goed"]
    assert collection.checked == 5


def test_check_project_combines_config_and_content_problems(project):
    project.config({"review_every": 0})
    project.one_per_area()
    project.write("kapot.md", art(policy="retour"))
    collection, problems = check_project(load_project(), TODAY)
    found = {(p.path, p.field) for p in problems if p.is_error}
    assert found == {("mkdocs.yml", "plugins.kb.review_every"), ("docs/kapot.md", "policy")}


# --- pages --------------------------------------------------------------------------


def test_blog_posts_and_article_false_pages_are_never_reported(project):
    project.write("blog/posts/nieuw.md", "# Geen front matter\n")
    project.write("blog/index.md", "")
    project.write("over-ons.md", "---\narticle: false\ntitle: Over ons\nwhatever: 1\n---\nTekst\n")
    project.write("vraag.md", art())
    collection = load(project)
    assert collection.problems == []
    assert collection.pages == ["blog/index.md", "blog/posts/nieuw.md", "over-ons.md"]
    assert [a.slug for a in collection.articles] == ["vraag"]


def test_article_marker_must_be_true_or_false(project):
    project.write("vraag.md", art("article: 'nee'"))
    problem = the_problem(load(project))
    assert_problem(problem, line=EXTRA, field="article",
                   fragments="expected true or false but found 'nee'")


def test_custom_pages_folder_holds_pages(project):
    project.write("hulp/over-ons.md", "# Over ons\n")
    project.write("hulp/sub/meer.md", "Meer.\n")
    project.write("hulpje.md", art())  # only the folder itself, not a name prefix
    collection = load(project, {"pages": ["hulp"]})
    assert collection.problems == []
    assert collection.pages == ["hulp/over-ons.md", "hulp/sub/meer.md"]
    assert [a.slug for a in collection.articles] == ["hulpje"]


def test_dot_folders_are_skipped(project):
    project.write(".git/notes.md", "no front matter")
    assert load(project).problems == []


# --- what is live -------------------------------------------------------------------


@pytest.mark.parametrize("lines, live", [
    ((), True),
    (("draft: true",), False),
    (("draft: false",), True),
    (("publish: 2026-12-01",), False),
    (("publish: 2026-11-22",), True),
    (("publish: 2026-01-01",), True),
    (("expires: 2026-11-01",), False),
    (("expires: 2026-11-22",), False),
    (("expires: 2026-11-23",), True),
    (("publish: 2026-11-01", "expires: 2026-12-01"), True),
])
def test_is_live_follows_draft_publish_and_expires(project, lines, live):
    project.write("vraag.md", art(*lines))
    collection = load(project)
    assert collection.problems == []
    (found,) = collection.articles
    assert found.is_live(TODAY) is live
    assert (collection.live(TODAY) == [found]) is live


def test_scheduled_article_goes_live_on_its_publish_date():
    item = Article(slug="x", src_uri="x.md", path="x.md", title="X?", summary="X.",
                   policy="returns", stages=["returns"], reviewed=date(2026, 1, 1),
                   review_every=90, owner="me", publish=date(2026, 12, 1),
                   expires=date(2027, 1, 1))
    assert not item.is_live(date(2026, 11, 30))
    assert item.is_live(date(2026, 12, 1))
    assert item.is_live(date(2026, 12, 31))
    assert not item.is_live(date(2027, 1, 1))


# --- slugs --------------------------------------------------------------------------


@pytest.mark.parametrize("src_uri, slug", [
    ("retour/termijn.md", "retour/termijn"),
    ("retour/index.md", "retour"),
    ("retour/README.md", "retour"),
    ("a/b/index.md", "a/b"),
    ("vraag.md", "vraag"),
    ("index.md", ""),
    ("README.md", ""),
    ("retour/indexen.md", "retour/indexen"),
])
def test_slug_for(src_uri, slug):
    assert slug_for(src_uri) == slug


def test_article_slug_is_its_path_without_md(project):
    project.write("retourneren/retourtermijn.md", art())
    assert [a.slug for a in load(project).articles] == ["retourneren/retourtermijn"]


@pytest.mark.parametrize("text, slug", [
    ("Kan ik mijn bestelling wijzigen? Ja, één keer!",
     "kan-ik-mijn-bestelling-wijzigen-ja-een-keer"),
    ("Wanneer komt mijn pakket?", "wanneer-komt-mijn-pakket"),
    ("Ürün  İade — Çabuk", "urun-iade-cabuk"),
    ("  Hoe?!  ", "hoe"),
    ("???", "vraag"),
    ("", "vraag"),
    ("3D-printer: 100% gratis", "3d-printer-100-gratis"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugify_cuts_at_a_word_boundary_within_the_maximum():
    slug = slugify("een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien")
    assert len(slug) <= 60
    assert slug == "een-twee-drie-vier-vijf-zes-zeven-acht-negen-tien-elf-twaalf"
    assert slugify("een twee drie", max_length=8) == "een-twee"


# --- issue 14: no input crashes the check or prints what it should not ---------------

@pytest.mark.parametrize("lines, key, line, found", [
    ({"policy": "[returns]"}, "policy", LINE["policy"], "['returns']"),
    ({"policy": "{a: b}"}, "policy", LINE["policy"], "{'a': 'b'}"),
    ({"stage": "[returns]"}, "stages", LINE["stages"], "['returns']"),
    ({"stage": "{a: b}"}, "stages", LINE["stages"], "{'a': 'b'}"),
    (("contexts: [[returns]]",), "contexts", EXTRA, "['returns']"),
    (("contexts: {returns: 1}",), "contexts", EXTRA, "{'returns': 1}"),
    (("covers: [{return-period: 1}]",), "covers", EXTRA, "{'return-period': 1}"),
    (("keywords: [[retour]]",), "keywords", EXTRA, "[['retour']]"),
    (("related: [{a: b}]",), "related", EXTRA, "[{'a': 'b'}]"),
    (("owner: [team]",), "owner", EXTRA, "['team']"),
    (("draft: {a: b}",), "draft", EXTRA, "{'a': 'b'}"),
    (("weight: [1]",), "weight", EXTRA, "[1]"),
    (("review_every: {a: b}",), "review_every", EXTRA, "{'a': 'b'}"),
    (("publish: [2026-01-01]",), "publish", EXTRA, "['2026-01-01']"),
])
def test_a_list_or_mapping_where_an_id_or_text_belongs_is_one_problem_not_a_type_error(
        project, lines, key, line, found):
    text = article(**lines) if isinstance(lines, dict) else art(*lines)
    project.write("vraag.md", text)
    collection = load(project)
    assert_problem(the_problem(collection), line=line, field=key,
                   fragments=f"but found {found}")
    assert collection.articles == []


def test_a_list_as_policy_names_the_choices(project):
    project.write("vraag.md", article(policy="[returns]"))
    assert the_problem(load(project)).message == (
        "expected one of product, order-status, payment, shipping, returns, privacy but found "
        "['returns']")


def test_a_list_as_policy_is_reported_by_kb_check_without_a_traceback(project):
    from click.testing import CliRunner

    from kb.cli import cli
    project.config()
    project.write("vraag.md", article(policy="{a: b}"))
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert ("docs/vraag.md:4: error: policy: expected one of product, order-status, payment, "
            "shipping, returns, privacy but found {'a': 'b'}") in result.output


# Row 9: dates at the ends of the calendar.

@pytest.mark.parametrize("lines", [
    ("review_every: 3650",),
    ("publish: 9999-12-31",), ("expires: 9999-12-31",),
    ("publish: 0001-01-01",), ("expires: 0001-01-02", "publish: 0001-01-01"),
])
def test_dates_at_the_ends_of_the_calendar_load_and_a_review_past_9999_is_never_due(
        project, lines):
    from kb import reviews
    from kb.coverage import schedule
    text = art(*lines).replace("reviewed: 2026-10-01", "reviewed: 9999-12-31")
    project.write("vraag.md", text)
    for today in (TODAY, date.max, date.min):
        collection = load(project, today=today)
        (found,) = collection.articles
        assert found.review_due == date.max  # 9999-12-31 plus any days: never
        reviews.review_report(collection.articles, today, 10**9)
        reviews.overdue(collection.articles, today)
        schedule(collection.articles, today, 3650)


def test_review_every_is_refused_above_ten_years_with_the_bound_in_the_message(project):
    project.write("vraag.md", art("review_every: 9999999"))
    assert_problem(the_problem(load(project)), line=EXTRA, field="review_every",
                   fragments="expected a whole number of days from 1 to 3650 (10 years) but "
                             "found 9999999")


def test_a_weight_of_more_than_fifteen_digits_is_refused(project):
    # The widget reads weights from JSON as JavaScript numbers, exact to 2**53.
    project.write("vraag.md", art("weight: 10000000000000000"))
    assert_problem(the_problem(load(project)), line=EXTRA, field="weight",
                   fragments="expected a whole number of at most 15 digits (1 is shown first) "
                             "but found 10000000000000000")


@pytest.mark.parametrize("reviewed, today", [("9999-12-31", "9999-12-31"),
                                             ("0001-01-01", "0001-01-01"),
                                             ("9999-12-31", "2026-11-22")])
def test_check_review_and_report_at_the_ends_of_the_calendar_exit_without_a_traceback(
        project, monkeypatch, reviewed, today):
    from click.testing import CliRunner

    from kb.cli import cli
    monkeypatch.setenv("KB_TODAY", today)
    project.config()
    project.one_per_area()
    project.write("returns/vraag.md", project.docs.joinpath("returns/vraag.md").read_text(
        encoding="utf-8").replace("reviewed: 2026-10-01", f"reviewed: {reviewed}"))
    for command in (["check"], ["review", "--within", "999999"], ["report"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code in (0, 1), (command, result.output)
        assert not isinstance(result.exception, OverflowError), command
        assert result.exception is None or isinstance(result.exception, SystemExit), command


@pytest.mark.parametrize("reviewed", ["9999-12-31", "0001-01-01"])
def test_a_site_whose_newest_review_is_outside_the_gzip_years_builds(project, reviewed,
                                                                        restore_mkdocs_state):
    # MkDocs stamps sitemap.xml.gz with the newest lastmod, in a field that holds only
    # 1970 to 2106.
    from tests.conftest import mkdocs_build
    project.config()
    project.one_per_area()
    for path in project.docs.rglob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace(
            "reviewed: 2026-10-01", f"reviewed: {reviewed}"), encoding="utf-8")
    site = mkdocs_build(project)
    assert (site / "sitemap.xml.gz").is_file()
    # The JSON-LD keeps the date as written; the sitemap's lastmod is never after the
    # build day (TODAY) nor before 1970.
    assert f'"lastReviewed":"{reviewed}"' in (site / "returns" / "vraag" / "index.html"
                                              ).read_text(encoding="utf-8")
    lastmod = "2026-11-22" if reviewed > TODAY.isoformat() else "1970-01-02"
    assert f"<lastmod>{lastmod}</lastmod>" in (site / "sitemap.xml").read_text(encoding="utf-8")


# Row 10: an alias bomb, and values quoted in messages.

def alias_bomb(key: str = "title") -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    return "\n".join(lines) + f"\n{key}: [{', '.join(['*a8'] * 10)}]"


@pytest.mark.parametrize("key", ["title", "summary", "keywords", "tags"])
def test_an_alias_bomb_in_front_matter_is_one_problem_and_costs_no_memory(project, key):
    import tracemalloc
    text = article().replace(f"\n{key}: ", f"\nold_{key}: ")  # the bomb's key only once
    project.write("vraag.md", text.replace("---\n", "---\n" + alias_bomb(key) + "\n", 1))
    tracemalloc.start()
    try:
        collection = load(project)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000
    errors = [p for p in collection.problems if p.is_error]
    assert [(p.line, p.message) for p in errors] == [
        (6, "the front matter uses YAML aliases that expand to more than 100,000 values")]
    assert collection.articles == []


def test_values_in_messages_are_cut_to_eighty_characters(project):
    project.write("vraag.md", art(f"owner: [{'x' * 500}]", "draft: " + "y" * 500))
    collection = load(project)
    messages = {p.field: p.message for p in collection.problems}
    for field, before in (("owner", "expected a team or person name but found "),
                          ("draft", "expected true or false but found ")):
        assert messages[field].startswith(before + ("['xxx" if field == "owner" else "'yyy"))
        assert len(messages[field]) == len(before) + 80
    assert messages["owner"].endswith("…")  # cut at the end
    assert "y...y" in messages["draft"]  # a long text keeps its start and its end


def test_short_repr_looks_at_no_more_of_a_value_than_it_shows():
    from kb.problems import short_repr
    huge: list = ["lol"] * 10
    for _ in range(9):
        huge = [huge] * 10  # 10**10 values, shared
    assert len(short_repr(huge)) <= 80
    assert short_repr(10 ** 5000) == "a number of about 5001 digits"
    assert short_repr("a\x1bb") == "'a\\x1bb'"
    assert short_repr({"a": 1}) == "{'a': 1}"


# Row 17: line endings.

def test_cr_only_line_endings_read_like_lf_with_the_same_line_numbers(project):
    text = art("contexts: [returns]", body="Eerste regel.\n\nTweede alinea.\n",
               title="Met LF?")
    project.write("lf.md", text)
    project.write("cr.md", text.replace("Met LF?", "Met CR?").replace("\n", "\r").encode())
    project.write("vraag.md", article(policy="[returns]").replace("\n", "\r").encode("utf-8"))
    collection = load(project)
    cr, lf = collection.articles
    assert cr.title == "Met CR?"
    assert (cr.contexts, cr.body, cr.lines) == (lf.contexts, lf.body, lf.lines)
    assert cr.body == "Eerste regel.\n\nTweede alinea.\n\n"
    assert_problem(the_problem(collection), line=LINE["policy"], field="policy",
                   fragments="but found ['returns']")


@pytest.mark.parametrize("text, line", [
    (art(body="Antwoord."), 8),
    (art("contexts: [returns]", body="\n\nAntwoord."), 11),
    (art(body="Antwoord.").replace("\n", "\r\n").encode(), 8),
    ("\ufeff" + art(body="Antwoord.").replace("---\n", "...\n").replace("...\n", "---\n", 1),
     8),
])
def test_an_article_knows_the_line_of_the_file_its_answer_starts_on(project, text, line):
    project.write("vraag.md", text)
    [found] = load(project).articles
    assert found.body_line == line


def test_mixed_line_endings_keep_line_numbers(project):
    text = article(stage="nergens")
    lines = text.split("\n")
    mixed = lines[0] + "\r\n" + lines[1] + "\r" + lines[2] + "\n" + "\r".join(lines[3:])
    project.write("vraag.md", mixed.encode("utf-8"))
    assert_problem(the_problem(load(project)), line=LINE["stages"], field="stages",
                   fragments="but found 'nergens'")


def test_a_mkdocs_yml_with_cr_only_line_endings_is_read(project):
    path = project.config({"review_every": 90})
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    assert load_project(str(path)).settings.review_every == 90


# Row 19: control characters.

@pytest.mark.parametrize("key, value, line, where", [
    ("title", r'"Hoe lang\a?"', LINE["title"], "U+0007 at position 9"),
    ("summary", r'"Dertig \e[31mdagen"', LINE["summary"], "U+001B at position 8"),
    ("keywords", r'[retour, "ter\0ug"]', EXTRA, "U+0000 at position 4"),
    ("owner", r'"team\x7f"', EXTRA, "U+007F at position 5"),
    ("related", r'["a/\x9bb"]', EXTRA, "U+009B at position 3"),
    ("description", r'"x\x85"', EXTRA, "U+0085 at position 2"),
    ("tags", r'["\x0bx"]', EXTRA, "U+000B at position 1"),
])
def test_a_control_character_in_a_front_matter_text_is_an_error_naming_it(
        project, key, value, line, where):
    if key in ("title", "summary"):
        text = article(**{key: value})
    else:
        text = art(f"{key}: {value}")
    project.write("vraag.md", text)
    collection = load(project)
    problem = the_problem(collection)
    assert_problem(problem, line=line, field=key,
                   fragments=f"expected a text without control characters but found {where} in ")
    assert "\\x" in problem.message  # the text is quoted with its control character escaped
    assert collection.articles == []


def test_tabs_line_breaks_and_separators_in_front_matter_texts_are_white_space(project):
    project.write("vraag.md", article(title='"Hoe\\tlang\\u2028heb ik?"',
                                      summary="|\n  Dertig\n  dagen."))
    (found,) = load(project).articles
    assert found.title == "Hoe lang heb ik?"
    assert found.summary == "Dertig dagen."


def test_a_key_with_a_control_character_is_shown_escaped(project):
    project.write("vraag.md", art('"x\\e[2J": 1'))
    problems = load(project).problems
    assert {p.field for p in problems} == {"'x\\x1b[2J'"}
    assert all("\x1b" not in str(p) for p in problems)


def test_a_control_character_in_the_answer_is_an_error_with_its_line_and_column(project):
    project.write("vraag.md", art(body="Eerste regel.\nTweede\x00 regel\x07.\n"))
    collection = load(project)
    assert_problem(the_problem(collection), line=EXTRA + 2, field=None,
                   fragments="expected a text without control characters in the answer but "
                             "found U+0000 at column 7 (and 1 more)")
    assert collection.articles == []


def test_control_characters_never_reach_the_terminal_through_kb_review_or_kb_ask(project):
    from click.testing import CliRunner

    from kb.cli import cli
    project.config()
    project.one_per_area()
    project.write("returns/bel.md", article(title='"Terug\\a sturen\\e[31m?"',
                                            summary="Een \\e[2J antwoord."))
    project.write("returns/esc.md", article(title="Een vraag over ESC?",
                                            body="Antwoord \x1b[2J hier.\n"))
    for command in (["review", "--within", "9999"], ["ask", "terug sturen antwoord"],
                    ["ask", "vraag over ESC"]):
        result = CliRunner().invoke(cli, command)
        assert not any(c in result.output for c in "\x00\x07\x1b"), command
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "U+0007 at position 6" in result.output and "U+001B at column 10" in result.output
    assert not any(c in result.output for c in "\x00\x07\x1b")


@pytest.mark.parametrize("key", ["reviewed", "publish", "expires"])
def test_a_yaml_timestamp_with_a_time_is_refused_as_a_date_not_compared_and_crashing(project,
                                                                                    key):
    text = article().replace("reviewed: 2026-10-01\n", "")
    project.write("vraag.md", text.replace("---\n", f"---\n{key}: !!timestamp "
                                                    "2026-10-01T10:00:00\n", 1))
    collection = load(project)
    errors = [p for p in collection.problems if p.field == key]
    assert [(p.line, p.message) for p in errors] == [
        (2, "expected a date as YYYY-MM-DD but found datetime.datetime(2026, 10, 1, 10, 0)")]


@pytest.mark.parametrize("line, found", [
    ("hide: 5", "expected a list such as [navigation, toc] but found 5"),
    ("template: [blog.html]", "expected a template name such as blog.html but found "
                              "['blog.html']"),
    ("icon: {a: b}", "expected an icon name such as material/truck but found {'a': 'b'}"),
    ("tags: [[x]]", "expected a list of words but found [['x']]"),
    ("search: yes", "expected a mapping such as {boost: 2} but found True"),
    ("comments: 'ja'", "expected true or false but found 'ja'"),
    ("description: [x]", "expected a text but found ['x']"),
])
def test_a_material_page_key_of_a_type_its_templates_cannot_use_is_an_error(project, line,
                                                                             found):
    # Material's templates failed on these with a TypeError in the middle of kb build.
    project.write("vraag.md", art(line))
    collection = load(project)
    assert_problem(the_problem(collection), line=EXTRA, field=line.split(":")[0],
                   fragments=found)
    assert collection.articles == []


def test_material_page_keys_of_the_right_types_are_accepted(project):
    project.write("vraag.md", art("hide: [navigation, toc]", "tags: [retour, 2026]",
                                  "search: {boost: 2}", "comments: true", "social: false",
                                  "template: main.html", "icon: material/truck",
                                  "status: new", "subtitle: Kort", "description: Lang"))
    assert load(project).problems == []
