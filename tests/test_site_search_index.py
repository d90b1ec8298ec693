"""Every built site carries the answer index of its live articles in search/, the
index of its blog posts and pages in search/pages/ and the answer engine's scripts in
assets/kb/engine/ (issue 16): written by `kb build`, plain `mkdocs build` and every
rebuild of `kb serve`, never over a file of the docs folder; `kb eval --site` answers
from it as a shopper's browser would. Material's search index is gone."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mkdocs.exceptions import Abort

from kb.answerindex import (
    IndexFiles,
    build_answer_index,
    folder_loader,
    memory_loader,
    unwrap_script,
)
from kb.articles import load_collection
from kb.cli import cli
from kb.engine import Engine
from kb.evaluate import DEPTH, evaluate, read_cases
from kb.minify import ENGINE_ASSETS, asset, minify_js
from kb.settings import parse_settings
from tests.conftest import SITE_URL, ProjectFactory, article, mkdocs_build
from tests.test_serve import DirtyServe

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)  # the project fixture's KB_TODAY
ENGINE_FILES = ("assets/kb/engine/analysis.js", "assets/kb/engine/engine.js")

pytestmark = pytest.mark.usefixtures("restore_mkdocs_state")


def index_files(site: Path) -> dict[str, bytes]:
    """The answer index in a built site (the pages corpus left out): name below search/
    -> content."""
    folder = site / "search"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.js")
            if not p.relative_to(folder).as_posix().startswith("pages/")}


@pytest.fixture
def shop(project: ProjectFactory) -> ProjectFactory:
    project.config({})
    project.one_per_area()
    project.write("returns/kosten.md", article(
        title="Wie betaalt de retourkosten?", summary="Retourneren is gratis.",
        body="Stuur het pakket terug met het label."))
    project.write("returns/concept.md", article(title="Een concept over ruilen?", draft=True))
    project.write("returns/straks.md", article(title="Kan ik straks een cadeaubon ruilen?",
                                               publish="2026-12-01"))
    project.write("returns/verlopen.md", article(title="Was er een zomeractie xylofoon?",
                                                 expires="2026-09-01"))
    return project


def expected_index(project: ProjectFactory, site_url: str = SITE_URL) -> dict[str, bytes]:
    """The oracle: kb.answerindex over the project's articles, read on their own, for a
    site published at `site_url`."""
    settings, problems = parse_settings({}, "mkdocs.yml", "nl")
    assert not problems
    collection = load_collection(str(project.docs), settings, TODAY)
    return build_answer_index(collection.articles, settings, TODAY, site_url)


def test_a_built_site_has_the_answer_index_and_the_engine_scripts(shop) -> None:
    site = mkdocs_build(shop)
    assert index_files(site) == expected_index(shop)
    for name in ("meta.js", "analysis.js", "docs/0.js"):
        assert (site / "search" / name).is_file()
    assert not (site / "search/search_index.json").exists()  # Material's search is off
    for uri, name in ENGINE_ASSETS.items():
        shipped = (site / uri).read_text(encoding="utf-8")
        assert shipped == minify_js(asset(*name.split("/")))
        assert len(shipped) < len(asset(*name.split("/")))
    assert sorted(ENGINE_ASSETS) == list(ENGINE_FILES)


def index_data(site: Path, name: str) -> Any:
    """The data of one index file of a built site ("meta", "docs/0")."""
    return unwrap_script((site / "search" / f"{name}.js").read_bytes())[1]


def test_the_index_holds_only_the_articles_live_on_the_builds_day(shop) -> None:
    site = mkdocs_build(shop)
    files = IndexFiles(folder_loader(str(site / "search")))
    slugs = {doc["slug"] for doc in index_data(site, "docs/0")}
    meta = index_data(site, "meta")
    assert meta["day"] == TODAY.isoformat() and meta["total"] == len(slugs) == 7
    assert meta["site_url"] == SITE_URL
    assert {"returns/concept", "returns/straks", "returns/verlopen"}.isdisjoint(slugs)
    assert "returns/kosten" in slugs
    words = "".join(p.read_text("utf-8") for p in (site / "search/spelling").rglob("*.js"))
    assert "xylofoon" not in words and "cadeaubon" not in words and "retourkosten" in words
    answer = Engine(files).ask("wie betaalt de retourkosten", 3)
    assert answer.good and answer.answers[0].slug == "returns/kosten"


def test_the_index_is_that_of_a_site_without_machine_files_too(shop) -> None:
    shop.config({"machine_answers": False})
    site = mkdocs_build(shop)
    assert not (site / "answers.json").exists()
    assert index_files(site) == expected_index(shop)
    assert all((site / uri).is_file() for uri in ENGINE_FILES)


def test_a_docs_folder_index_file_keeps_kbs_whole_index_out_and_stops_a_strict_build(
        shop, caplog: pytest.LogCaptureFixture) -> None:
    """An index mixed from two sources would answer wrongly: kb writes none of its own
    and warns, which stops a strict build."""
    shop.write("search/meta.js", "// the editor's own\n")
    shop.write("assets/kb/engine/engine.js", "// the editor's own\n")
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.kb"):
        site = mkdocs_build(shop)
    assert (site / "search/meta.js").read_text("utf-8") == "// the editor's own\n"
    assert not (site / "search/analysis.js").exists()
    assert not (site / "search/docs").exists() and not (site / "search/lex").exists()
    assert (site / "assets/kb/engine/engine.js").read_text("utf-8") == "// the editor's own\n"
    assert (site / "assets/kb/engine/analysis.js").is_file()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "kb: search/meta.js comes from the docs folder, where the site's answer index "
        "has its files; kb's index is not written, so the site search cannot answer: "
        "remove or rename the docs folder's search/ files"]
    assert ("kb: assets/kb/engine/engine.js comes from the docs folder; kb's own is not "
            "written") in [r.getMessage() for r in caplog.records]
    shop.config({}, strict=True)
    with pytest.raises(Abort, match="1 warning"):
        mkdocs_build(shop)


def test_kb_build_writes_the_index_and_kb_eval_site_answers_as_the_engine(
        tmp_path: Path) -> None:
    """The demo built for 2026-11-22: `kb eval --site` gives kb.engine's figures
    (benchmarks/engine_parity.py), the figures of an index built in memory."""
    config = str(ROOT / "mkdocs.yml")
    site = tmp_path / "site"
    built = CliRunner().invoke(cli, ["build", "-f", config, "--today", "2026-11-22",
                                     "-d", str(site)])
    assert built.exit_code == 0, built.output
    questions = str(ROOT / "benchmarks/eval/demo-nl.csv")
    result = CliRunner().invoke(cli, ["eval", questions, "--site", str(site), "-f", config,
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["n"], round(data["hit_at_1"], 3), round(data["hit_at_3"], 3)) == (
        303, 0.884, 0.954)
    # The oracle: the same questions against the index built in memory.
    from kb.checks import check_project
    from kb.project import load_project

    project = load_project(config)
    collection, _ = check_project(project, TODAY, duplicates=False)
    engine = Engine(IndexFiles(memory_loader(build_answer_index(
        collection.articles, project.settings, TODAY))))
    slugs = collection.by_slug()
    cases = read_cases(questions, "demo-nl.csv", slugs, lambda s: slugs[s].is_live(TODAY))
    report = evaluate(cases, lambda q: [(h.slug, h.title) for h in engine.ask(q, DEPTH).hits],
                      lambda q: [(h.slug, h.title) for h in engine.ask(q, DEPTH).answers])
    assert data == json.loads(json.dumps(report.as_dict()))


def settled(served: DirtyServe) -> Path:
    """The site once the files kb serve writes after a build are written."""
    session = served.config.plugins["kb"].session
    session.wait()
    return served.site


def test_kb_serve_rewrites_only_the_changed_index_files_and_removes_those_gone(
        shop, tmp_path: Path) -> None:
    served = DirtyServe(shop, tmp_path / "site")
    try:
        site = settled(served)
        assert index_files(site) == expected_index(shop, DirtyServe.URL)
        times = {p: p.stat().st_mtime_ns for p in (site / "search").rglob("*.js")}
        engine_times = {uri: (site / uri).stat().st_mtime_ns for uri in ENGINE_FILES}
        # A new word with a letter of its own adds a spelling shard.
        served.edit("returns/kosten.md", article(
            title="Wie betaalt de retourkosten?", summary="Retourneren is gratis.",
            body="Stuur het pakket terug in een zak van zeildoek."))
        served.build()
        assert index_files(settled(served)) == expected_index(shop, DirtyServe.URL)
        assert list((site / "search/spelling").glob("z*.js"))
        assert engine_times == {uri: (site / uri).stat().st_mtime_ns for uri in ENGINE_FILES}
        kept = [p for p, t in times.items() if p.exists() and p.stat().st_mtime_ns == t]
        assert site / "search/analysis.js" in kept and len(kept) >= 3
        served.edit("returns/kosten.md", article(
            title="Wie betaalt de retourkosten?", summary="Retourneren is gratis.",
            body="Stuur het pakket terug met het label."))
        served.build()
        assert index_files(settled(served)) == expected_index(shop, DirtyServe.URL)
        assert not list((site / "search/spelling").glob("z*.js"))
    finally:
        served.close()
