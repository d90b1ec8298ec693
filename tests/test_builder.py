"""kb build replaces only its own output and publishes nothing from outside the project:
the site-folder guard, the swap that a killed build cannot break, and links in the
docs folder (kb build and kb check through the CLI, plain `mkdocs build` through the
plugin)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from fnmatch import fnmatch
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.exceptions import Abort, PluginError

from kb.cli import cli
from kb.mkdocs import builder
from kb.safety import SITE_MARKER, is_kb_site
from tests.conftest import REPO, TODAY, ProjectFactory, article, mkdocs_build

pytestmark = pytest.mark.usefixtures("restore_mkdocs_state")


def kb(*args: str):
    return CliRunner().invoke(cli, list(args))


def tree(folder: Path) -> dict[str, tuple]:
    """Everything below `folder` (links not followed): kind, size, times, contents."""
    found: dict[str, tuple] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            info = os.lstat(path)
            if os.path.islink(path):
                what: object = os.readlink(path)
            elif os.path.isfile(path):
                with open(path, "rb") as fh:
                    what = hashlib.sha256(fh.read()).hexdigest()
            else:
                what = None
            found[os.path.relpath(path, folder)] = (info.st_mode, info.st_size,
                                                   info.st_mtime_ns, what)
    return found


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectFactory:
    """A valid project in tmp_path/shop (the working directory), with neighbours in
    tmp_path that an ancestor site folder would take with it, and a home folder."""
    root = tmp_path / "shop"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("KB_TODAY", TODAY)
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.txt").write_text("years of work", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    (tmp_path / "neighbour.txt").write_text("not the shop's", encoding="utf-8")
    factory = ProjectFactory(root)
    factory.docs.mkdir()
    factory.config()
    factory.one_per_area()
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[remote]\n\ttoken = s3cret\n", encoding="utf-8")
    return factory


def assert_refused(result, exit_code: int, *fragments: str) -> None:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.output


def leftovers(root: Path) -> list[str]:
    return sorted(name for name in os.listdir(root) if name.startswith(".site."))


# --- 1, 2: the site folder ----------------------------------------------------------


def test_build_refuses_the_project_folder_as_site_dir_and_touches_nothing(shop, tmp_path):
    before = tree(tmp_path)
    result = kb("build", "--site-dir", ".")
    assert_refused(result, 2, "'--site-dir'", "'.' is the project folder",
                   "Nothing was touched.")
    assert tree(tmp_path) == before


def test_build_refuses_the_docs_folder_as_site_dir_and_touches_nothing(shop, tmp_path):
    before = tree(tmp_path)
    assert_refused(kb("build", "--site-dir", "docs"), 2, "'docs' is the docs folder")
    assert_refused(kb("build", "-d", "docs/"), 2, "is the docs folder")
    assert tree(tmp_path) == before


def test_build_refuses_the_parent_folder_as_site_dir_and_touches_nothing(shop, tmp_path):
    before = tree(tmp_path)
    assert_refused(kb("build", "--site-dir", ".."), 2, "'..' contains the project folder")
    assert tree(tmp_path) == before


def test_build_refuses_a_folder_inside_the_docs_folder_and_touches_nothing(shop, tmp_path):
    before = tree(tmp_path)
    assert_refused(kb("build", "--site-dir", "docs/site"), 2, "inside the docs folder")
    assert tree(tmp_path) == before


def test_build_refuses_the_home_folder_and_touches_nothing(shop, tmp_path):
    before = tree(tmp_path)
    assert_refused(kb("build", "--site-dir", str(tmp_path / "home")), 2,
                   "is your home folder")
    assert tree(tmp_path) == before


def test_build_refuses_a_folder_holding_files_kb_did_not_build(shop, tmp_path):
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "cv.pdf").write_bytes(b"%PDF-1.7")
    before = tree(tmp_path)
    assert_refused(kb("build", "--site-dir", "../public"), 2,
                   "'../public' already holds files that kb did not build")
    assert tree(tmp_path) == before


def test_build_refuses_the_project_folder_from_mkdocs_yml_with_exit_1(shop, tmp_path):
    shop.config(site_dir=".")
    before = tree(tmp_path)
    assert_refused(kb("build"), 1, "mkdocs.yml:", "error: site_dir: '.' is the project folder",
                   "Nothing was built")
    assert tree(tmp_path) == before


def test_build_refuses_a_site_dir_from_mkdocs_yml_with_files_kb_did_not_build(shop, tmp_path):
    shop.config(site_dir="../public")
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "index.html").write_text("their own site", encoding="utf-8")
    before = tree(tmp_path)
    assert_refused(kb("build"), 1, "site_dir: '../public' already holds files")
    assert tree(tmp_path) == before


def test_check_reports_a_site_dir_inside_the_docs_folder_on_mkdocs_yml(shop, tmp_path):
    shop.config(site_dir="docs/site")
    before = tree(tmp_path)
    result = kb("check")
    assert result.exit_code == 1, result.output
    line = next(line for line in result.output.splitlines() if "site_dir" in line)
    assert line.startswith("mkdocs.yml:")
    assert "error: site_dir: 'docs/site' lies inside the docs folder" in line
    assert_refused(kb("build"), 1, "lies inside the docs folder", "Nothing was built")
    assert tree(tmp_path) == before


@pytest.mark.parametrize("site_dir", [".", "docs", ".."])
def test_check_reports_the_project_docs_or_parent_folder_as_site_dir(shop, site_dir):
    shop.config(site_dir=site_dir)
    result = kb("check")
    assert result.exit_code == 1, result.output
    assert f"error: site_dir: {site_dir!r} " in result.output


def test_build_marks_its_site_and_replaces_it_next_time(shop):
    assert kb("build").exit_code == 0
    site = shop.root / "site"
    assert (site / SITE_MARKER).is_file()
    (site / "stale.html").write_text("old", encoding="utf-8")
    assert kb("build").exit_code == 0
    assert not (site / "stale.html").exists()
    assert (site / SITE_MARKER).is_file()
    assert sorted(os.listdir(shop.root)) == [".git", "docs", "mkdocs.yml", "site"]


def test_build_replaces_a_site_an_earlier_kb_built_without_a_marker(shop):
    assert kb("build").exit_code == 0
    site = shop.root / "site"
    (site / SITE_MARKER).unlink()  # as kb built it before it marked its sites
    assert is_kb_site(str(site))
    result = kb("build")
    assert result.exit_code == 0, result.output
    assert (site / SITE_MARKER).is_file()


def test_build_into_a_new_folder_outside_the_project_creates_it(shop, tmp_path):
    result = kb("build", "--site-dir", "../out/help")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "help" / "index.html").is_file()
    assert os.listdir(tmp_path / "out") == ["help"]


# --- 4: the swap ----------------------------------------------------------------------

# A build in a child process, killed with SIGKILL at one point of the swap.
KILLED_BUILD = """
import os, shutil, signal, sys
from kb.mkdocs import builder
from kb.cli import cli

def die():
    os.kill(os.getpid(), signal.SIGKILL)

point = sys.argv[1]
if point == "built":  # the new site is complete, nothing swapped yet
    builder._swap = lambda new, final: die()
elif point == "between-renames":  # the previous site moved away, the new one not yet in
    builder._exchange = lambda a, b: False
    rename = os.rename
    def renamed(a, b):
        rename(a, b)
        if os.path.basename(b).startswith(".site.old-"):
            die()
    os.rename = renamed
elif point == "exchanged":  # the new site in, the previous one not yet removed
    exchange = builder._exchange
    builder._exchange = lambda a, b: exchange(a, b) and die()
elif point == "removing":  # part of the previous site removed
    builder._exchange = lambda a, b: False
    remove, rmtree = builder._remove_own, shutil.rmtree
    def removing(path):
        shutil.rmtree = lambda *args, **kwargs: (rmtree(*args, **kwargs), die())
        remove(path)
    builder._remove_own = removing
cli(["build"])
"""


def version(site: Path) -> str | None:
    page = site / "returns" / "vraag" / "index.html"
    if not page.is_file():
        return None
    text = page.read_text(encoding="utf-8")
    return next((v for v in ("Versie een", "Versie twee") if v in text), "?")


def write_version(shop: ProjectFactory, text: str) -> None:
    shop.write("returns/vraag.md", article(title="Een vraag over returns?", body=text))


def killed_build(shop: ProjectFactory, point: str) -> None:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(KILLED_BUILD), point],
                          cwd=shop.root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == -signal.SIGKILL, done.stderr


def exchange_works(folder: Path) -> bool:
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    try:
        return builder._exchange(str(folder / "a"), str(folder / "b"))
    finally:
        (folder / "a").rmdir()
        (folder / "b").rmdir()


@pytest.mark.parametrize("point, site_after_kill", [
    ("built", "Versie een"),
    ("between-renames", None),
    ("exchanged", "Versie twee"),
    ("removing", "Versie twee"),
])
def test_a_killed_build_leaves_a_site_or_one_the_next_build_recovers_and_cleans_up(
        shop, tmp_path, point, site_after_kill):
    if point == "exchanged" and not exchange_works(tmp_path):
        pytest.skip("no renameat2(RENAME_EXCHANGE) here")
    site = shop.root / "site"
    write_version(shop, "Versie een")
    assert kb("build").exit_code == 0
    write_version(shop, "Versie twee")

    killed_build(shop, point)
    assert version(site) == site_after_kill
    left = leftovers(shop.root)
    assert left and all(is_kb_site(str(shop.root / name)) for name in left)
    if site_after_kill is None:  # recoverable: the previous site, whole, beside it
        old = [name for name in left if name.startswith(".site.old-")]
        assert len(old) == 1 and version(shop.root / old[0]) == "Versie een"

    result = kb("build")
    assert result.exit_code == 0, result.output
    assert version(site) == "Versie twee"
    assert leftovers(shop.root) == []


def test_a_failed_build_after_a_swap_killed_between_renames_puts_the_previous_site_back(shop):
    write_version(shop, "Versie een")
    assert kb("build").exit_code == 0
    write_version(shop, "Versie twee")
    killed_build(shop, "between-renames")
    assert not (shop.root / "site").exists()

    # Valid front matter, but strict MkDocs fails on the link: the build starts, the
    # previous site comes back and stays.
    write_version(shop, "Versie drie, zie [dit](nergens.md).")
    result = kb("build")
    assert result.exit_code == 1
    assert version(shop.root / "site") == "Versie een"
    assert leftovers(shop.root) == []


def test_a_build_leaves_alone_the_folder_of_a_build_still_running(shop):
    running = shop.root / ".site.building-running"
    running.mkdir()
    (running / SITE_MARKER).write_text("", encoding="utf-8")
    hold = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(hold, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the running build does
        assert kb("build").exit_code == 0
        assert running.is_dir()
    finally:
        os.close(hold)
    assert kb("build").exit_code == 0
    assert not running.exists()


def test_a_build_leaves_alone_folders_that_look_like_leftovers_but_are_not_kbs(shop):
    mine = shop.root / ".site.old-mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    assert kb("build").exit_code == 0
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert version(shop.root / "site") is not None


def test_the_next_build_puts_back_a_site_a_killed_swap_took_away(shop):
    assert kb("build").exit_code == 0
    site = shop.root / "site"
    before = tree(site)
    os.rename(site, shop.root / ".site.old-abcd1234")
    (shop.root / ".site.building-efgh5678").mkdir()
    (shop.root / ".site.building-efgh5678" / SITE_MARKER).write_text("", encoding="utf-8")
    builder._recover(str(site))
    assert tree(site) == before
    assert leftovers(shop.root) == []


def test_the_starters_gitignore_lists_the_leftovers_of_a_stopped_build():
    for ignore in (REPO / "kb" / "starter" / "common" / "gitignore", REPO / ".gitignore"):
        patterns = [line.strip().strip("/") for line in ignore.read_text().splitlines()
                    if line.strip() and not line.startswith("#")]
        for name in (".site.building-k2v9x0qa", ".site.old-3jd8slq1"):
            assert any(fnmatch(name, pattern) for pattern in patterns), (ignore, name)


# --- 5, 11: links in the docs folder ---------------------------------------------------


def test_check_and_build_refuse_links_to_the_environment_and_git_config(shop, tmp_path):
    (shop.docs / "env.txt").symlink_to("/proc/self/environ")
    (shop.docs / "notes.txt").symlink_to("../.git/config")
    result = kb("check")
    assert result.exit_code == 1, result.output
    assert ("docs/env.txt: error: is a link to '/proc/self/environ', outside the project"
            in result.output)
    assert ("docs/notes.txt: error: is a link to '../.git/config', in the project's hidden "
            "folder '.git'" in result.output)
    before = tree(tmp_path)
    assert_refused(kb("build"), 1, "docs/env.txt: error", "docs/notes.txt: error",
                   "Nothing was built")
    assert tree(tmp_path) == before
    assert not (shop.root / "site").exists()


def test_a_markdown_link_outside_the_project_is_refused_without_reading_it(shop, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: [TOKEN-123]\n---\n", encoding="utf-8")
    (shop.docs / "geheim.md").symlink_to(secret)
    result = kb("check")
    assert result.exit_code == 1
    assert "docs/geheim.md: error: is a link to" in result.output
    assert "TOKEN-123" not in result.output


def test_check_and_build_report_a_link_loop_without_a_traceback(shop, tmp_path):
    (shop.docs / "loop").symlink_to("..", target_is_directory=True)
    result = kb("check")
    assert result.exit_code == 1, result.output
    assert "docs/loop: error: is a link to '..', a folder that contains the link itself" \
        in result.output
    before = tree(tmp_path)
    assert_refused(kb("build"), 1, "docs/loop: error", "Nothing was built")
    assert tree(tmp_path) == before


def test_links_that_stay_inside_the_project_are_published(shop):
    (shop.root / "shared").mkdir()
    (shop.root / "shared" / "retourlabel.pdf").write_bytes(b"%PDF-1.7")
    (shop.docs / "retourlabel.pdf").symlink_to("../shared/retourlabel.pdf")
    result = kb("build")
    assert result.exit_code == 0, result.output
    assert (shop.root / "site" / "retourlabel.pdf").read_bytes() == b"%PDF-1.7"


# --- plain `mkdocs build` (and kb serve) through the plugin --------------------------


def test_plain_mkdocs_build_refuses_a_site_dir_with_files_kb_did_not_build(
        shop, tmp_path, caplog):
    shop.config(site_dir="../public")
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "index.html").write_text("their own site", encoding="utf-8")
    before = tree(tmp_path)
    with pytest.raises((PluginError, Abort)):
        mkdocs_build(shop)
    assert "site_dir: '../public' already holds files that kb did not build" in caplog.text
    assert tree(tmp_path) == before


def test_plain_mkdocs_build_refuses_the_home_folder_before_emptying_it(shop, tmp_path, caplog):
    shop.config(site_dir=str(tmp_path / "home"))
    before = tree(tmp_path)
    with pytest.raises((PluginError, Abort)):
        mkdocs_build(shop)
    assert "is your home folder" in caplog.text
    assert tree(tmp_path) == before


def test_plain_mkdocs_build_refuses_a_link_loop_and_a_link_outside_before_walking(
        shop, tmp_path, caplog):
    (shop.docs / "loop").symlink_to("..", target_is_directory=True)
    (shop.docs / "env.txt").symlink_to("/proc/self/environ")
    with pytest.raises((PluginError, Abort)):
        mkdocs_build(shop)
    assert "docs/loop: error: is a link to '..'" in caplog.text
    assert "docs/env.txt: error: is a link to '/proc/self/environ'" in caplog.text
    assert "Too many levels" not in caplog.text
    assert not (shop.root / "site").exists()


def test_plain_mkdocs_build_marks_its_site_so_kb_build_may_replace_it(shop):
    site = mkdocs_build(shop)
    assert (site / SITE_MARKER).is_file()
    assert kb("build").exit_code == 0


# --- a template the theme lacks -------------------------------------------------------


def test_build_names_every_page_whose_template_the_theme_lacks_and_keeps_the_site(shop):
    assert kb("build").exit_code == 0
    site = shop.root / "site"
    before = tree(site)
    shop.write("retour/vorm.md", article(title="Welke vorm?", template="nope.html"))
    shop.write("over-ons.md", "---\ntitle: Over ons\narticle: false\ntemplate: ../weg.html\n"
                              "---\nWie we zijn.\n")
    result = kb("build")
    assert_refused(result, 1, "The build failed; the previous site was left as it was.")
    assert ("docs/retour/vorm.md:7: error: template: expected a template of the theme but "
            "found 'nope.html'") in result.stderr
    assert ("docs/over-ons.md: error: template: expected a template of the theme but found "
            "'../weg.html'") in result.stderr
    assert tree(site) == before
    assert leftovers(shop.root) == []


def test_build_names_a_template_of_the_custom_dir_that_includes_a_missing_one(shop):
    assert kb("build").exit_code == 0
    site = shop.root / "site"
    before = tree(site)
    overrides = shop.root / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}{% include "partials/weg.html" %}'
        '{% endblock %}', encoding="utf-8")
    shop.config(theme={"name": "material", "language": "nl", "custom_dir": "overrides"})
    result = kb("build")
    assert_refused(result, 1, "expected a template of the theme but found 'partials/weg.html'",
                   "The build failed; the previous site was left as it was.")
    assert tree(site) == before
    assert leftovers(shop.root) == []
