"""`kb serve`: a live preview that rebuilds when an article changes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import ProjectFactory, article


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page and text in page:
            return page
        time.sleep(0.2)
    pytest.fail(f"{url} did not show {text!r} within {seconds} s")


@pytest.fixture
def served(project: ProjectFactory):
    project.config({})
    project.one_per_area()
    project.write("returns/termijn.md", article(summary="Je hebt 30 dagen."))
    tmp = project.root / ".tmp"  # where MkDocs makes the site folder (see site_dir)
    tmp.mkdir()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "KB_TODAY": "2026-11-22", "TMPDIR": str(tmp)},
    )
    try:
        yield project, f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_serve_rebuilds_after_an_edit(served) -> None:
    project, url = served
    wait_for(url + "returns/termijn/", "Je hebt 30 dagen.")
    project.write("returns/termijn.md", article(summary="Je hebt nu 60 dagen."))
    page = wait_for(url + "returns/termijn/", "Je hebt nu 60 dagen.")
    assert "Je hebt 30 dagen." not in page
    wait_for(url + "topics/returns/", "Je hebt nu 60 dagen.")


def test_serve_keeps_running_when_an_article_breaks(served) -> None:
    project, url = served
    wait_for(url, "Meest gestelde vragen")
    project.write("returns/kapot.md", article(title="Kapot?", policy="retour"))
    project.write("returns/nieuw.md", article(title="Een nieuwe vraag?"))
    # The broken article is reported, the rest of the site still updates.
    wait_for(url + "topics/returns/", "Een nieuwe vraag?")


# --- Dirty rebuilds: after an edit only the pages that show it are rendered again -------

def site_dir(project: ProjectFactory) -> Path:
    """The folder `kb serve` builds into: MkDocs makes it in the temporary folder, which
    the `served` fixture points into the project."""
    found = list((project.root / ".tmp").glob("mkdocs_*"))
    assert len(found) == 1, found
    return found[0]


def test_serve_renders_only_what_an_edit_changes(served) -> None:
    """Through the real `kb serve`: a title edit shows on the article and its area page,
    the pages that do not show it are not written again, search still finds every page,
    and the page still carries the live-reload script."""
    project, url = served
    wait_for(url + "returns/termijn/", "Je hebt 30 dagen.")
    site = site_dir(project)
    untouched = [site / "product/vraag/index.html", site / "topics/privacy/index.html"]
    before = [path.stat().st_mtime_ns for path in untouched]
    pages = len(search_pages(site))
    project.write("returns/termijn.md", article(title="Hoe lang mag ik iets terugsturen?",
                                                summary="Je hebt 30 dagen."))
    page = wait_for(url + "returns/termijn/", "Hoe lang mag ik iets terugsturen?")
    assert "livereload" in page
    wait_for(url + "topics/returns/", "Hoe lang mag ik iets terugsturen?")
    assert [path.stat().st_mtime_ns for path in untouched] == before
    assert len(search_pages(site)) == pages
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Hoe lang mag ik iets terugsturen?" in index
    assert "Hoe lang heb ik om iets terug te sturen?" not in index


def search_pages(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return {doc["location"].partition("#")[0] for doc in index["docs"]}


class DirtyServe:
    """What `kb serve` (`mkdocs serve --dirty`) does to a site, without the HTTP server
    and the file watcher: `on_startup` once, then for the first build and after every
    change a freshly loaded config built with `dirty=True` into the same folder, as
    mkdocs.commands.serve's builder does."""

    URL = "http://127.0.0.1:8000/"

    def __init__(self, project: ProjectFactory, site: Path):
        self.project, self.site = project, site
        self.config = self.load()
        self.config.plugins.on_startup(command="serve", dirty=True)
        self.build(self.config)

    def load(self):
        config = load_config(str(self.project.root / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = self.URL
        return config

    def build(self, config=None) -> None:
        build(config or self.load(), serve_url=self.URL, dirty=True)

    def edit(self, src_uri: str, text: str) -> None:
        """Save an article, as an editor does seconds after the last build. (Written
        at once, its modification time could equal that of its page on a file
        system with a coarse clock, and MkDocs would not see the change.)"""
        path = self.project.write(src_uri, text)
        later = time.time_ns() + 2_000_000_000
        os.utime(path, ns=(later, later))

    def close(self) -> None:
        self.config.plugins.on_shutdown()  # also waits for the machine-readable files

    def mtimes(self) -> dict[str, int]:
        """The pages' modification times (not 404.html, a theme template, nor the help
        blocks' files: MkDocs writes those on every build)."""
        return {str(p.relative_to(self.site)): p.stat().st_mtime_ns
                for p in self.site.rglob("*index.html")
                if not p.is_relative_to(self.site / "help")}

    def read(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")


@pytest.fixture
def dirty(project: ProjectFactory, tmp_path: Path, restore_mkdocs_state):
    project.config({})
    project.one_per_area()
    project.write("returns/termijn.md", article(summary="Je hebt 30 dagen.",
                                                related=["returns/kosten"]))
    project.write("returns/kosten.md", article(
        title="Wie betaalt de retourkosten?", summary="Retourneren is gratis.",
        body="## Zo werkt het\n\nStuur het pakket terug met het label."))
    served = DirtyServe(project, tmp_path / "site")
    try:
        yield served
    finally:
        served.close()


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, mtime in after.items() if before.get(path) != mtime}


def test_a_body_edit_renders_that_page_only(dirty: DirtyServe) -> None:
    before = dirty.mtimes()
    dirty.edit("returns/termijn.md", article(summary="Je hebt 30 dagen.",
                                             related=["returns/kosten"],
                                             body="Het hele antwoord, nu langer."))
    dirty.build()
    assert changed(before, dirty.mtimes()) == {"returns/termijn/index.html"}
    assert "Het hele antwoord, nu langer." in dirty.read("returns/termijn/index.html")


def test_a_title_edit_shows_wherever_the_title_is_shown(dirty: DirtyServe) -> None:
    before = dirty.mtimes()
    dirty.edit("returns/kosten.md", article(
        title="Wat kost een retour?", summary="Retourneren is gratis.",
        body="## Zo werkt het\n\nStuur het pakket terug met het label."))
    dirty.build()
    rendered = changed(before, dirty.mtimes())
    assert "returns/kosten/index.html" in rendered
    for path in ["topics/returns/index.html", "stages/returns/index.html",
                 "returns/termijn/index.html", "index.html"]:  # area, stage, related, home
        assert path in rendered
        assert "Wat kost een retour?" in dirty.read(path), path
        assert "Wie betaalt de retourkosten?" not in dirty.read(path), path
    assert "product/vraag/index.html" not in rendered
    assert "topics/product/index.html" not in rendered


def test_an_edited_related_list_shows_at_once(dirty: DirtyServe) -> None:
    dirty.edit("returns/termijn.md", article(summary="Je hebt 30 dagen.",
                                             related=["product/vraag"]))
    dirty.build()
    related = dirty.read("returns/termijn/index.html").split('class="kb-related"')[1]
    assert related.index("Een vraag over product?") < related.index("Wie betaalt")


def test_the_search_index_is_that_of_a_full_build(dirty: DirtyServe, tmp_path: Path) -> None:
    dirty.edit("returns/kosten.md", article(
        title="Wat kost een retour?", summary="Retourneren is gratis.",
        body="## Zo werkt het\n\nStuur het pakket terug met een nieuw label."))
    dirty.build()
    clean = tmp_path / "clean"
    config = load_config(str(dirty.project.root / "mkdocs.yml"), site_dir=str(clean))
    config.site_url = DirtyServe.URL
    build(config)

    def docs(site: Path) -> list[str]:
        index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
        return sorted(json.dumps(doc, sort_keys=True) for doc in index["docs"])

    assert docs(dirty.site) == docs(clean)
    assert "een nieuw label" not in "".join(docs(dirty.site))  # compacted, as in a full build
    assert "nieuw" in "".join(docs(dirty.site))


def test_an_unpublished_article_leaves_every_page(dirty: DirtyServe) -> None:
    dirty.edit("returns/kosten.md", article(
        title="Wie betaalt de retourkosten?", summary="Retourneren is gratis.", draft=True))
    dirty.build()
    assert not (dirty.site / "returns/kosten/index.html").exists()
    for path in ["topics/returns/index.html", "returns/termijn/index.html", "index.html"]:
        assert "Wie betaalt de retourkosten?" not in dirty.read(path), path
    assert "returns/kosten/" not in search_pages(dirty.site)
    dirty.close()
    answers = json.loads(dirty.read("answers.json"))
    assert "returns/kosten" not in {a["slug"] for a in answers["answers"]}
    assert not (dirty.site / "returns/kosten.md").exists()


def test_machine_files_and_sitemap_follow_a_dirty_rebuild(dirty: DirtyServe) -> None:
    dirty.edit("returns/termijn.md", article(summary="Je hebt nu 60 dagen.",
                                             related=["returns/kosten"]))
    dirty.build()
    dirty.close()
    answers = {a["slug"]: a for a in json.loads(dirty.read("answers.json"))["answers"]}
    assert answers["returns/termijn"]["summary"] == "Je hebt nu 60 dagen."
    assert len(answers) == 8
    assert "Je hebt nu 60 dagen." in dirty.read("returns/termijn.md")
    # Pages this build did not read still carry their review date, not the build date.
    sitemap = dirty.read("sitemap.xml")
    assert sitemap.count("<lastmod>2026-10-01</lastmod>") == sitemap.count("<url>")


def test_editing_mkdocs_yml_renders_every_page(dirty: DirtyServe) -> None:
    before = dirty.mtimes()
    dirty.project.config({}, site_name="Andere Winkel")
    dirty.build()
    assert changed(before, dirty.mtimes()) == set(before)
    assert "Andere Winkel" in dirty.read("product/vraag/index.html")
