"""An article's front matter checked field by field: kb.frontmatter.validate.

tests/test_articles.py checks the same messages through whole files (with the lines
of the file); here the checks run on a parsed mapping.
"""

from __future__ import annotations

from datetime import date

import pytest

from kb.frontmatter import FIELDS, field_name, validate
from kb.problems import ERROR, WARNING
from kb.settings import parse_settings

TODAY = date(2026, 11, 22)
VALID = {"title": "Hoe lang?", "summary": "Dertig  dagen.", "policy": "returns",
         "stages": ["returns"], "reviewed": date(2026, 10, 1)}


@pytest.fixture(scope="module")
def settings():
    found, problems = parse_settings({"owner": "team-service", "review_every": 90},
                                     "mkdocs.yml", "nl")
    assert not problems
    return found


def check(settings, data: dict, lines: dict | None = None):
    """(fields or None, [(message, line, key, severity)])."""
    found: list[tuple[str, int | None, str | None, str]] = []

    def report(message: str, line: int | None = None, key: str | None = None,
               severity: str = ERROR) -> None:
        found.append((message, line, key, severity))

    lines = lines if lines is not None else {k: n for n, k in enumerate(data, 2)}
    return validate(data, lines, settings, TODAY, report), found


def test_valid_front_matter_is_read_into_its_fields(settings):
    fields, problems = check(settings, {**VALID, "keywords": ["retour", 30],
                                        "related": ["retour/kosten.md"], "weight": 2,
                                        "publish": date(2026, 11, 1)})
    assert problems == []
    assert fields is not None
    assert (fields.title, fields.summary, fields.stages) == ("Hoe lang?", "Dertig dagen.",
                                                             ["returns"])
    assert (fields.owner, fields.review_every, fields.draft) == ("team-service", 90, False)
    assert fields.keywords == ["retour", "30"]
    assert fields.related == ["retour/kosten.md"]  # kb.articles makes slugs of them
    assert (fields.weight, fields.publish, fields.expires) == (2, date(2026, 11, 1), None)
    assert fields.meta["publish"] == date(2026, 11, 1) and "expires" not in fields.meta


def test_every_problem_is_reported_in_the_order_of_the_checks(settings):
    data = {"weight": True, "hide": 5, "draft": "ja", "owner": " ", "review_every": 0,
            "expires": "2026-02-30", "related": [[1]], "keywords": {"a": 1},
            "contexts": ["kart"], "stages": [], "policy": "retour", "summary": "<b>x</b>",
            "title": 3, "titel": "x"}
    fields, problems = check(settings, data)
    assert fields is None
    assert [(key, severity) for _, _, key, severity in problems] == [
        ("titel", WARNING), ("reviewed", ERROR), ("title", ERROR), ("summary", ERROR),
        ("policy", ERROR), ("stages", ERROR), ("contexts", ERROR), ("keywords", ERROR),
        ("related", ERROR), ("expires", ERROR), ("review_every", ERROR), ("owner", ERROR),
        ("draft", ERROR), ("hide", ERROR), ("weight", ERROR)]


def test_a_problem_is_on_the_line_of_its_key_and_a_missing_key_on_line_one(settings):
    data = {k: v for k, v in VALID.items() if k != "reviewed"}
    _, problems = check(settings, {**data, "policy": "retour"}, {"policy": 4})
    assert [(line, key) for _, line, key, _ in problems] == [(1, "reviewed"), (4, "policy")]


def test_a_draft_without_a_summary_is_a_warning_and_loses_the_empty_key(settings):
    data = {**VALID, "summary": " ", "draft": True}
    fields, problems = check(settings, data)
    assert [(key, severity) for _, _, key, severity in problems] == [("summary", WARNING)]
    assert fields is not None and fields.summary == "" and fields.draft is True
    assert "summary" not in data and "summary" not in fields.meta


def test_a_review_date_in_the_future_is_only_a_warning(settings):
    fields, problems = check(settings, {**VALID, "reviewed": date(2026, 12, 1)})
    assert fields is not None
    assert problems == [("2026-12-01 is in the future; use the date of the review", 6,
                         "reviewed", WARNING)]


@pytest.mark.parametrize("value, message", [
    ("2026-02-30", "'2026-02-30' is not a real date"),
    ("oktober", "expected a date as YYYY-MM-DD but found 'oktober'"),
])
def test_a_date_is_checked_for_its_shape_and_for_being_real(settings, value, message):
    fields, problems = check(settings, {**VALID, "publish": value})
    assert fields is None and problems == [(message, 7, "publish", ERROR)]


@pytest.mark.parametrize("weight, fine", [(1, True), (-3, True), (10**15, False),
                                          (1.5, False), (True, False)])
def test_a_weight_is_a_whole_number_of_at_most_fifteen_digits(settings, weight, fine):
    fields, problems = check(settings, {**VALID, "weight": weight})
    assert (fields is not None) is fine and (problems == []) is fine


def test_ids_are_kept_once_in_the_order_written(settings):
    fields, _ = check(settings, {**VALID, "stages": ["returns", "order", "returns"]})
    assert fields is not None and fields.stages == ["returns", "order"]


def test_a_key_with_a_control_character_is_named_with_its_escape():
    assert field_name("titel\x1b[2J") == "'titel\\x1b[2J'"
    assert field_name("title") == "title"


def test_the_required_fields_come_first_in_the_order_editors_write_them():
    assert FIELDS[:5] == ("title", "summary", "policy", "stages", "reviewed")
