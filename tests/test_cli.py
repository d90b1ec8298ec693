"""The `kb` command line, run with click's CliRunner inside a project folder."""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError

from tests.conftest import article
from kb.articles import FIELDS
from kb.cli import cli

QUESTION = "Wanneer komt mijn pakket?"
NEW_FILE = "wanneer-komt-mijn-pakket.md"


def kb(*args: str):
    return CliRunner().invoke(cli, list(args))


def assert_usage_error(result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def restore_mkdocs_state():
    """`kb build` changes process-wide MkDocs state (the 'mkdocs' logger, and plugin
    instances MkDocs caches between builds); undo it so later test files are unaffected."""
    logger = logging.getLogger("mkdocs")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    yield
    logger.handlers[:] = saved[0]
    logger.propagate = saved[1]
    logger.setLevel(saved[2])
    dict(MkDocsConfig._schema)["plugins"].plugin_cache.clear()


@pytest.fixture
def good(project):
    project.config()
    project.one_per_area()
    return project


# --- kb check -----------------------------------------------------------------------


def test_check_on_good_content_exits_0(good):
    result = kb("check")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "6 articles checked: 0 errors, 0 warnings."


def test_check_on_bad_content_exits_1_and_lists_every_problem(good):
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    good.write("extra/leeg.md", "")
    good.write("extra/datum.md", article(title="Datum?").replace("2026-10-01", "1-10-2026"))
    result = kb("check")
    assert result.exit_code == 1
    out = result.output
    assert ("docs/extra/kapot.md:4: error: policy: expected one of product, order-status, "
            "payment, shipping, returns, privacy but found 'retour' (did you mean 'returns'?)"
            ) in out
    assert "docs/extra/leeg.md" in out and "the file is empty" in out
    assert ("docs/extra/datum.md:6: error: reviewed: expected a date as YYYY-MM-DD but found "
            "'1-10-2026'") in out
    assert "9 articles checked: 3 errors, 0 warnings." in out
    assert "Traceback" not in out


def test_check_with_only_warnings_exits_0(good):
    good.write("extra/vraag.md", article(title="Extra?", sumary="x"))
    result = kb("check")
    assert result.exit_code == 0, result.output
    assert "warning: sumary:" in result.output
    assert "0 errors, 1 warning." in result.output


def test_check_strict_fails_on_warnings(good):
    good.write("extra/vraag.md", article(title="Extra?", sumary="x"))
    result = kb("check", "--strict")
    assert result.exit_code == 1
    assert "warning: sumary:" in result.output


def test_check_strict_passes_without_warnings(good):
    assert kb("check", "--strict").exit_code == 0


def test_check_format_json(good):
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    good.write("extra/vraag.md", article(title="Extra?", sumary="x"))
    result = kb("check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["articles"] == 8
    assert (data["errors"], data["warnings"]) == (1, 1)
    assert data["problems"] == [
        {"path": "docs/extra/kapot.md", "line": 4, "field": "policy", "severity": "error",
         "message": "expected one of product, order-status, payment, shipping, returns, privacy "
                    "but found 'retour' (did you mean 'returns'?)"},
        {"path": "docs/extra/vraag.md", "line": 7, "field": "sumary", "severity": "warning",
         "message": data["problems"][1]["message"]},
    ]
    assert "did you mean 'summary'?" in data["problems"][1]["message"]


def test_check_format_json_on_good_content(good):
    result = kb("check", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "articles": 6, "errors": 0, "warnings": 0,
                                         "problems": []}


def test_check_format_github(good):
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    good.write("extra/vraag.md", article(title="Extra?", sumary="x"))
    result = kb("check", "--format", "github")
    assert result.exit_code == 1
    lines = [x for x in result.stdout.splitlines() if "articles checked" not in x]
    assert len(lines) == 2
    for line in lines:
        assert line.startswith(("::error ", "::warning ")), line
        assert "file=" in line and "line=" in line
    assert lines[0] == ("::error file=docs/extra/kapot.md,line=4,title=policy::expected one of "
                        "product, order-status, payment, shipping, returns, privacy but found "
                        "'retour' (did you mean 'returns'?)")
    assert lines[1].startswith("::warning file=docs/extra/vraag.md,line=7,title=sumary::")


def test_check_unknown_format_is_a_usage_error(good):
    assert_usage_error(kb("check", "--format", "xml"), "'xml'")


def test_check_today_option_decides_what_is_overdue(good):
    assert kb("check", "--strict").exit_code == 0
    result = kb("check", "--strict", "--today", "2027-06-01")
    assert result.exit_code == 1
    assert "review overdue" in result.output


def test_check_bad_today_is_a_usage_error(good):
    assert_usage_error(kb("check", "--today", "2026-13-01"), "'--today'")


def test_check_reports_problems_in_the_kb_config(project):
    project.config({"review_every": 0, "review_polcy": "fail"})
    project.one_per_area()
    result = kb("check")
    assert result.exit_code == 1
    assert ("mkdocs.yml: error: plugins.kb.review_every: expected a whole number of days "
            "above 0 but found 0") in result.output
    assert "plugins.kb.review_polcy" in result.output
    assert "did you mean 'review_policy'?" in result.output


@pytest.mark.parametrize("args", [("check",), ("build",),
                                  ("new", QUESTION, "--policy", "shipping", "--stage", "delivery")])
def test_no_mkdocs_yml_is_a_usage_error(project, args):
    result = kb(*args)
    assert_usage_error(result, "No mkdocs.yml in this folder")
    assert not (project.root / "site").exists()
    assert list(project.docs.iterdir()) == []


def test_config_option_pointing_to_a_missing_file_is_a_usage_error(good):
    result = kb("check", "--config", "nope.yml")
    assert_usage_error(result, "nope.yml: no such file")
    assert "'--config'" in result.output


def test_config_option_finds_the_project_from_another_folder(good, monkeypatch):
    elsewhere = good.root / "elders"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = kb("check", "--config", "../mkdocs.yml")
    assert result.exit_code == 0, result.output
    assert "6 articles checked" in result.output


def test_missing_kb_plugin_exits_1_with_a_message(project):
    project.config(plugins=["search"])
    project.one_per_area()
    result = kb("check")
    assert result.exit_code == 1
    assert "the kb plugin is not enabled" in result.output
    assert "mkdocs.yml" in result.output
    assert "Traceback" not in result.output


def test_invalid_plugin_option_exits_1_naming_the_option(project):
    project.config({"top_questions": "many"})
    project.one_per_area()
    result = kb("check")
    assert result.exit_code == 1
    assert "plugins.kb.top_questions" in result.output


def test_malformed_mkdocs_yml_exits_1_with_its_line(project):
    project.one_per_area()
    (project.root / "mkdocs.yml").write_text("site_name: x\nplugins: [kb\n", encoding="utf-8")
    result = kb("check")
    assert result.exit_code == 1
    assert "mkdocs.yml" in result.output and "not valid YAML" in result.output
    assert "Traceback" not in result.output


# --- kb new -------------------------------------------------------------------------


def test_new_goes_where_the_policy_areas_articles_live(project):
    project.config()
    project.write("verzending/levertijd.md", article(policy="shipping", stage="delivery"))
    result = kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery")
    assert result.exit_code == 0, result.output
    path = project.docs / "verzending" / NEW_FILE
    assert path.is_file()
    assert f"docs/verzending/{NEW_FILE}" in result.output
    assert not (project.docs / "shipping").exists()


def test_new_goes_to_the_policy_id_folder_when_the_area_is_empty(project):
    project.config()
    project.write("retour/termijn.md", article())
    result = kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery")
    assert result.exit_code == 0, result.output
    assert (project.docs / "shipping" / NEW_FILE).is_file()


def test_new_writes_every_front_matter_key(project):
    project.config()
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    data = front_matter(project.docs / "shipping" / NEW_FILE)
    assert [key for key in FIELDS if key not in data] == []


def test_new_writes_front_matter_reviewed_today(project):
    project.config()
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    data = front_matter(project.docs / "shipping" / NEW_FILE)
    assert data["title"] == QUESTION
    assert data["policy"] == "shipping"
    assert data["stages"] == ["delivery"]
    assert data["reviewed"] == date(2026, 11, 22)
    assert data["review_every"] == 180
    assert data["owner"] == "unassigned"
    assert data["draft"] is True


def test_new_takes_contexts_summary_and_config_defaults(project):
    project.config({"review_every": 60, "owner": "team-logistiek"})
    result = kb("new", "Kan ik: met spoed?", "-p", "shipping", "-s", "order", "-s", "delivery",
                "-c", "cart", "--summary", "Ja, voor 22:00 besteld.", "--publish")
    assert result.exit_code == 0, result.output
    data = front_matter(project.docs / "shipping" / "kan-ik-met-spoed.md")
    assert data["title"] == "Kan ik: met spoed?"
    assert data["stages"] == ["order", "delivery"]
    assert data["contexts"] == ["cart"]
    assert data["summary"] == "Ja, voor 22:00 besteld."
    assert data["review_every"] == 60
    assert data["owner"] == "team-logistiek"
    assert data["draft"] is False
    check = kb("check")
    assert "kan-ik-met-spoed" not in check.output
    assert "0 errors" in check.output


def test_new_article_passes_check_once_a_summary_is_filled_in(good):
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    path = good.docs / "shipping" / NEW_FILE
    text = path.read_text(encoding="utf-8")
    assert 'summary: ""' in text
    path.write_text(text.replace('summary: ""', "summary: Binnen twee werkdagen."),
                    encoding="utf-8")
    result = kb("check")
    assert result.exit_code == 0, result.output
    assert "7 articles checked: 0 errors, 0 warnings." in result.output


def test_new_draft_without_summary_does_not_fail_check(good):
    # `kb new` writes a draft; a draft may go without a summary (a warning, not an error).
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    result = kb("check")
    assert result.exit_code == 0, result.output
    assert f"docs/shipping/{NEW_FILE}" in result.output
    assert "warning: summary:" in result.output


def test_new_refuses_to_overwrite(project):
    project.config()
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    path = project.docs / "shipping" / NEW_FILE
    path.write_text("edited by hand\n", encoding="utf-8")
    result = kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert path.read_text(encoding="utf-8") == "edited by hand\n"


@pytest.mark.parametrize("option, value, fragment", [
    ("--policy", "shiping", "(did you mean 'shipping'?)"),
    ("--stage", "delivry", "(did you mean 'delivery'?)"),
    ("--context", "kart", "(did you mean 'cart'?)"),
])
def test_new_with_an_unknown_id_is_a_usage_error(project, option, value, fragment):
    project.config()
    args = {"--policy": "shipping", "--stage": "delivery"}
    args[option] = value
    flat = [x for pair in args.items() for x in pair]
    result = kb("new", QUESTION, *flat)
    assert_usage_error(result, fragment)
    assert f"'{option}'" in result.output
    assert "expected one of" in result.output
    assert list(project.docs.iterdir()) == []


def test_new_without_policy_is_a_usage_error(project):
    project.config()
    assert_usage_error(kb("new", QUESTION, "--stage", "delivery"), "--policy")


# --- kb build -----------------------------------------------------------------------


def test_build_on_bad_content_exits_1_and_writes_nothing(good):
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    before = sorted(os.listdir(good.root))
    result = kb("build")
    assert result.exit_code == 1
    assert "docs/extra/kapot.md:4: error: policy:" in result.output
    assert "Nothing was built" in result.output
    assert not (good.root / "site").exists()
    assert sorted(os.listdir(good.root)) == before


def test_build_writes_the_help_centre(good):
    good.write("extra/concept.md", article(title="Concept?", draft=True))
    result = kb("build")
    assert result.exit_code == 0, result.output
    site = good.root / "site"
    assert (site / "index.html").is_file()
    assert (site / "contact" / "index.html").is_file()
    for policy in ("product", "order-status", "payment", "shipping", "returns", "privacy"):
        assert (site / "topics" / policy / "index.html").is_file(), policy
        page = site / policy / "vraag" / "index.html"
        assert f"Een vraag over {policy}?" in page.read_text(encoding="utf-8")
    for stage in ("research", "discovery", "order", "delivery", "returns"):
        assert (site / "stages" / stage / "index.html").is_file(), stage
    assert not (site / "extra" / "concept").exists()  # drafts are never published
    pages = sum(1 for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
    match = re.search(r"Built (\d+) pages", result.output)
    assert match and int(match.group(1)) == pages
    assert sorted(os.listdir(good.root)) == ["docs", "mkdocs.yml", "site"]


def test_failed_rebuild_leaves_the_previous_site_untouched(good):
    assert kb("build").exit_code == 0
    site = good.root / "site"
    before = snapshot(site)
    assert "index.html" in before

    # Broken front matter: stopped by the check.
    page = good.docs / "returns" / "vraag.md"
    page.write_text(article(title="Een vraag over returns?", policy="retour"), encoding="utf-8")
    result = kb("build")
    assert result.exit_code == 1
    assert snapshot(site) == before

    # A link to a missing page: valid front matter, but MkDocs fails in strict mode.
    page.write_text(article(title="Een vraag over returns?", body="Zie [dit](nergens.md)."),
                    encoding="utf-8")
    result = kb("build")
    assert result.exit_code == 1
    assert "nergens.md" in result.output
    assert "previous site was left as it was" in result.output
    assert "Traceback" not in result.output
    assert snapshot(site) == before
    assert sorted(os.listdir(good.root)) == ["docs", "mkdocs.yml", "site"]


def test_build_leaves_no_content_behind_for_a_later_mkdocs_build(good):
    # MkDocs reuses plugin instances within a process; the collection that `kb build`
    # handed to the plugin must not be used by the next, plain MkDocs build.
    assert kb("build").exit_code == 0
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    with pytest.raises((PluginError, Abort)):
        build(load_config("mkdocs.yml"))


# --- help ---------------------------------------------------------------------------


def test_main_help():
    result = kb("--help")
    assert result.exit_code == 0
    for name in cli.commands:
        assert name in result.output


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command):
    result = kb(command, "--help")
    assert result.exit_code == 0, result.output
    assert f"{command} [OPTIONS]" in result.output
    assert "--help" in result.output


def test_version():
    result = kb("--version")
    assert result.exit_code == 0
    assert result.output.startswith("kb, version ")
