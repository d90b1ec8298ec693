"""Coverage of policy areas, journey stages, checklist items and contexts; the schedule."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from kb.articles import Collection, load_collection
from kb.cli import cli
from kb.coverage import as_dict, coverage_problems, format_text, measure, schedule
from kb.settings import Settings, parse_settings
from kb.taxonomy import default_taxonomy
from tests.conftest import article

TODAY = date(2026, 11, 22)


def kb(*args: str):
    return CliRunner().invoke(cli, list(args))


def collection_of(project, settings: Settings | None = None) -> Collection:
    return load_collection(str(project.docs), settings or Settings(), TODAY)


def test_matrix_counts_published_articles_per_area_and_stage(project):
    project.write("a.md", article(title="Een?", policy="returns", stage="returns"))
    project.write("b.md", article(title="Twee?", policy="returns", stage="returns",
                                  stages=["returns", "delivery"]))
    project.write("c.md", article(title="Drie?", policy="shipping", stage="delivery"))
    project.write("d.md", article(title="Vier?", policy="shipping", stage="delivery",
                                  draft=True))
    project.write("e.md", article(title="Vijf?", policy="payment", stage="order",
                                  expires="2026-11-01"))
    cov = measure(collection_of(project), default_taxonomy(), TODAY)
    assert cov.counts[("returns", "returns")] == 2
    assert cov.counts[("returns", "delivery")] == 1
    assert cov.counts[("shipping", "delivery")] == 1  # the draft does not count
    assert cov.counts[("payment", "order")] == 0  # expired
    assert cov.by_policy == {"product": 0, "order-status": 0, "payment": 0, "shipping": 1,
                             "returns": 2, "privacy": 0}
    assert cov.by_stage["delivery"] == 2 and cov.by_stage["returns"] == 2
    assert cov.total == 3
    assert cov.empty_policies == ["product", "order-status", "privacy"]
    assert cov.unpublished_policies == ["payment"]


def test_checklist_items_and_contexts_nobody_covers(project):
    project.write("a.md", article(title="Een?", covers=["return-period"], contexts=["cart"]))
    project.write("b.md", article(title="Twee?", covers=["refund-conditions"], draft=True))
    tax = default_taxonomy()
    cov = measure(collection_of(project), tax, TODAY)
    returns_items = list(tax.policies["returns"].items)
    assert "return-period" not in cov.uncovered["returns"]
    # A draft covers nothing yet.
    assert "refund-conditions" in cov.uncovered["returns"]
    assert cov.uncovered["returns"] == [i for i in returns_items if i != "return-period"]
    assert cov.uncovered["shipping"] == list(tax.policies["shipping"].items)
    assert "cart" not in cov.empty_contexts
    assert cov.empty_contexts == [c for c in tax.contexts if c != "cart"]
    covered, total = cov.items
    assert total == sum(len(t.items) for t in tax.policies.values())
    assert covered == 1


def test_schedule_lists_what_goes_live_or_expires_within_the_window(project):
    project.write("soon.md", article(title="Binnenkort?", publish="2026-12-01"))
    project.write("edge.md", article(title="Precies dertig?", publish="2026-12-22"))
    project.write("late.md", article(title="Te laat?", publish="2026-12-23"))
    project.write("ends.md", article(title="Loopt af?", expires="2026-11-23"))
    project.write("draft.md", article(title="Concept?", publish="2026-11-30", draft=True))
    project.write("past.md", article(title="Al live?", publish="2026-11-22"))
    changes = schedule(collection_of(project).articles, TODAY)
    assert [(c.day.isoformat(), c.kind, c.article.slug) for c in changes] == [
        ("2026-11-23", "expire", "ends"),
        ("2026-12-01", "publish", "soon"),
        ("2026-12-22", "publish", "edge"),
    ]
    text = format_text(measure(collection_of(project), default_taxonomy(), TODAY))
    assert "2026-11-23  expires    docs/ends.md  (Loopt af?)" in text
    assert "2026-12-01  goes live  docs/soon.md  (Binnenkort?)" in text
    assert "late.md" not in text and "draft.md" not in text


def test_an_area_without_any_article_is_an_error_or_a_warning_by_policy(project):
    project.write("a.md", article(title="Een?"))
    project.write("b.md", article(title="Twee?", policy="privacy", stage="research",
                                  draft=True))
    collection = collection_of(project)
    tax = default_taxonomy()
    cov = measure(collection, tax, TODAY)
    fail = coverage_problems(cov, collection, tax, "nl", "fail")
    empty = {p.message.split("'")[1]: p for p in fail}
    assert set(empty) == {"product", "order-status", "payment", "shipping", "privacy"}
    assert all(p.is_error for k, p in empty.items() if k != "privacy")
    # An area with only a draft is not empty, but shoppers see an empty page.
    assert not empty["privacy"].is_error
    assert "no published article" in empty["privacy"].message
    assert "(Productinformatie) has no article" in empty["product"].message
    assert "kb new" in empty["product"].message
    warn = coverage_problems(cov, collection, tax, "nl", "warn")
    assert not any(p.is_error for p in warn) and len(warn) == len(fail)


def test_coverage_policy_option_is_validated():
    settings, problems = parse_settings({"coverage_policy": "warn"}, "mkdocs.yml")
    assert settings.coverage_policy == "warn" and not problems
    assert Settings().coverage_policy == "fail"
    _, problems = parse_settings({"coverage_policy": "strict"}, "mkdocs.yml")
    assert [str(p) for p in problems] == [
        "mkdocs.yml: error: plugins.kb.coverage_policy: expected one of fail, warn but "
        "found 'strict'"]


def test_check_fails_on_an_empty_area_unless_told_to_warn(project):
    project.config()
    project.write("a.md", article())
    result = kb("check")
    assert result.exit_code == 1
    assert "policy area 'privacy' (Privacy en gegevens) has no article" in result.output
    project.config({"coverage_policy": "warn"})
    result = kb("check")
    assert result.exit_code == 0, result.output
    assert "5 warnings" in result.output


def test_check_shows_the_matrix_gaps_and_schedule(project):
    project.config()
    project.one_per_area()
    project.write("extra.md", article(title="Nieuw beleid?", publish="2026-12-01",
                                      contexts=["cart"]))
    result = kb("check")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    head = lines.index("Coverage on 2026-11-22: published articles per policy area and "
                       "journey stage")
    assert lines[head + 1].split() == ["research", "discovery", "order", "delivery", "returns",
                                       "total"]
    assert lines[head + 2].split() == ["product", "0", "1", "0", "0", "0", "1"]
    assert lines[head + 8].split() == ["total", "1", "1", "1", "2", "1", "6"]
    assert any(line.startswith("  returns: ") and "return-period" in line for line in lines)
    # Scheduled, not live yet: its context still has no questions.
    assert "Contexts without questions (their help block is empty): home, product, cart" \
        in result.output
    assert "2026-12-01  goes live  docs/extra.md  (Nieuw beleid?)" in result.output
    assert lines[-1] == "7 articles checked: 0 errors, 0 warnings."


def test_check_json_carries_the_coverage(project):
    project.config()
    project.one_per_area()
    project.write("extra.md", article(title="Verloopt?", expires="2026-12-10",
                                      covers=["return-period"]))
    data = json.loads(kb("check", "--format", "json").output)
    coverage = data["coverage"]
    assert coverage["matrix"]["returns"]["returns"] == 2
    assert coverage["published"] == 7
    assert coverage["checklist"]["covered"] == 1
    assert "return-period" not in coverage["checklist"]["uncovered"]["returns"]
    assert coverage["schedule"] == [{"date": "2026-12-10", "change": "expire",
                                     "slug": "extra", "path": "docs/extra.md",
                                     "title": "Verloopt?"}]
    assert coverage == as_dict(measure(collection_of(project), default_taxonomy(), TODAY))
