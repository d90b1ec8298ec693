"""Checking the content: one set of problems for kb check, kb build and a plain mkdocs build."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from kb.checks import check_content, check_project, site_problems
from kb.project import load_project
from tests.conftest import ProjectFactory, article

TODAY = date(2026, 11, 22)


def content_of(duplicates: bool = False):
    """check_content on the project in the working folder."""
    loaded = load_project()
    return check_content(loaded.docs_dir, loaded.settings, TODAY, root=loaded.root,
                         config_shown="mkdocs.yml", site_url=loaded.site_url,
                         duplicates=duplicates)


def test_an_article_or_a_page_on_a_generated_page_path_is_an_error(
        project: ProjectFactory) -> None:
    project.config({"pages": ["over-ons.md", "topics/eigen.md"]})
    project.one_per_area()
    project.write("stages/vraag.md", article(title="Een vraag in stages?"))
    project.write("topics/eigen.md", "# Eigen pagina\n")
    collection, _ = content_of()
    reserved = [p for p in site_problems(collection, load_project().settings, TODAY)
                if "reserved" in p.message]
    assert sorted(p.path for p in reserved) == ["docs/stages/vraag.md", "topics/eigen.md"]
    assert all(p.is_error for p in reserved)


def test_check_project_is_check_content_plus_the_problems_of_the_project(
        project: ProjectFactory) -> None:
    project.config(site_url=None)  # a project problem, which only kb check reports
    project.one_per_area()
    project.write("returns/oud.md", article(title="Een oude vraag?", reviewed="2020-01-01"))
    project.write("returns/kapot.md", article(title=""))
    _, content = content_of()
    _, everything = check_project(load_project(), TODAY, duplicates=False)
    assert content and all(p in everything for p in content)
    assert [str(p) for p in everything if p not in content] == \
        [str(p) for p in load_project().problems]


def test_near_duplicate_questions_are_looked_for_only_when_asked(
        project: ProjectFactory) -> None:
    project.config()
    project.one_per_area()
    project.write("returns/twee.md", article(summary="Dertig dagen na ontvangst."))
    project.write("returns/drie.md", article(summary="Je hebt dertig dagen."))
    _, without = content_of()
    _, with_them = content_of(duplicates=True)
    assert without == [p for p in with_them if p in without]
    assert len(with_them) > len(without)


def test_the_popularity_counts_travel_with_the_collection(project: ProjectFactory) -> None:
    project.config({"popularity": "popularity.csv"})
    project.one_per_area()
    (project.root / "popularity.csv").write_text("slug,count\nreturns/vraag,12\n",
                                                 encoding="utf-8")
    collection, problems = content_of()
    assert problems == []
    assert collection.popularity == {"returns/vraag": 12}


def test_kb_project_loads_no_checks_until_a_command_checks() -> None:
    code = ("import json, sys, kb.project; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('kb.'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    loaded = set(json.loads(done.stdout))
    assert not loaded & {"kb.checks", "kb.site", "kb.related", "kb.similarity",
                         "kb.analysis", "kb.engine"}
