"""A project on disk (kb.project): finding and reading mkdocs.yml without MkDocs."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from kb.problems import WARNING
from kb.project import (
    ProjectError,
    find_config,
    folder_problems,
    load_project,
    plugin_options,
    resolve_today,
    site_url_problem,
)
from tests.conftest import SITE_URL, ProjectFactory


def test_find_config_takes_mkdocs_yml_then_mkdocs_yaml_from_the_working_folder(
        project: ProjectFactory) -> None:
    (project.root / "mkdocs.yaml").write_text("site_name: x\n", encoding="utf-8")
    assert find_config(None) == str(project.root / "mkdocs.yaml")
    project.config({})
    assert find_config(None) == str(project.root / "mkdocs.yml")


def test_find_config_without_a_file_says_how_to_start(project: ProjectFactory) -> None:
    with pytest.raises(ProjectError, match="No mkdocs.yml in this folder.*kb init"):
        find_config(None)


def test_find_config_names_a_given_file_that_does_not_exist(project: ProjectFactory) -> None:
    with pytest.raises(ProjectError) as raised:
        find_config("elders/mkdocs.yml")
    assert str(raised.value) == "elders/mkdocs.yml: no such file."


@pytest.mark.parametrize("plugins, expected", [
    (["search", "kb"], {}),
    (["search", {"kb": None}], {}),
    (["search", {"kb": {"owner": "Team"}}], {"owner": "Team"}),
    ({"search": {}, "kb": {"owner": "Team"}}, {"owner": "Team"}),
    ({"kb": [1, 2]}, [1, 2]),  # as written: load_project reports it
    (["search"], None),
    ("kb", None),
    (None, None),
])
def test_plugin_options_finds_the_kb_entry_in_every_shape_mkdocs_accepts(
        plugins: object, expected: object) -> None:
    assert plugin_options(plugins) == expected


def test_load_project_reads_folders_relative_to_mkdocs_yml(project: ProjectFactory,
                                                          tmp_path: Path) -> None:
    project.config({"owner": "Klantenservice"}, site_dir="public", use_directory_urls=False)
    os.chdir(project.docs)  # a --config from elsewhere
    loaded = load_project(str(project.root / "mkdocs.yml"))
    assert loaded.root == str(project.root)
    assert loaded.docs_dir == str(project.docs)
    assert loaded.site_dir == str(project.root / "public")
    assert loaded.cache_dir == str(project.root / ".kb-cache")
    assert loaded.settings.owner == "Klantenservice"
    assert loaded.site_url == SITE_URL
    assert loaded.directory_urls is False
    assert loaded.site_name == "Test Shop Help"
    assert loaded.problems == []


@pytest.mark.parametrize("text, message", [
    ("site_name: x\nnav: [a\n", r"mkdocs.yml:3: not valid YAML: while parsing a flow sequence"),
    ("- site_name\n", r"mkdocs.yml: expected a mapping of settings but found \['site_name'\]\."),
    ("site_name: x\nplugins: [search]\n",
     r"mkdocs.yml: the kb plugin is not enabled; add '- kb' under 'plugins'\."),
    ("site_name: x\ndocs_dir: nergens\nplugins: [kb]\n",
     r"mkdocs.yml: docs_dir 'nergens' is not a folder\."),
])
def test_load_project_refuses_a_mkdocs_yml_it_cannot_use_in_one_sentence(
        project: ProjectFactory, text: str, message: str) -> None:
    (project.root / "mkdocs.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ProjectError, match=message):
        load_project()


def test_load_project_refuses_a_mkdocs_yml_that_is_not_utf8(project: ProjectFactory) -> None:
    (project.root / "mkdocs.yml").write_bytes(b"site_name: caf\xe9\nplugins: [kb]\n")
    with pytest.raises(ProjectError, match="mkdocs.yml: not valid UTF-8; save it as UTF-8."):
        load_project()


def test_load_project_warns_without_site_url_and_reports_control_characters(
        project: ProjectFactory) -> None:
    project.config({}, site_url=None, site_name="Shop\x1b[2J", site_description="ok")
    problems = load_project().problems
    assert [(p.field, p.severity) for p in problems] == [
        ("site_name", "error"), ("site_url", WARNING)]
    assert problems[0].message.endswith("but found U+001B at position 5")
    assert problems[1] == site_url_problem("mkdocs.yml")


def test_load_project_keeps_the_option_problems_of_kb_settings(
        project: ProjectFactory) -> None:
    project.config({"review_every": 0, "owner": ""})
    fields = sorted(p.field for p in load_project().problems)
    assert fields == ["plugins.kb.owner", "plugins.kb.review_every"]


def test_resolve_today_takes_a_given_day_then_kb_today_then_the_clock(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TODAY", "2026-11-22")
    assert resolve_today(date(2027, 1, 1)) == date(2027, 1, 1)
    assert resolve_today("2027-02-03") == date(2027, 2, 3)
    assert resolve_today() == date(2026, 11, 22)
    monkeypatch.delenv("KB_TODAY")
    assert resolve_today() == date.today()


@pytest.mark.parametrize("value", ["22-11-2026", "2026-02-30", "morgen"])
def test_resolve_today_refuses_a_day_not_written_as_yyyy_mm_dd(value: str) -> None:
    with pytest.raises(ProjectError) as raised:
        resolve_today(value)
    assert str(raised.value) == f"expected today's date as YYYY-MM-DD but found {value!r}."


def test_folder_problems_refuse_a_site_dir_that_would_replace_the_docs(
        project: ProjectFactory) -> None:
    project.config({}, site_dir="docs")
    [problem] = folder_problems(load_project())
    assert problem.field == "site_dir"
    assert problem.is_error
    project.config({}, site_dir="site")
    assert folder_problems(load_project()) == []
