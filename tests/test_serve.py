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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from kb.answerindex import unwrap_script
from tests.conftest import ProjectFactory, article, in_fresh_python


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


@contextmanager
def kb_serve(project: ProjectFactory) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """A `kb serve` of `project`: its address, the file its output goes to, the process."""
    tmp = project.root / ".tmp"  # where MkDocs makes the site folder (see site_dir)
    tmp.mkdir(exist_ok=True)
    port = free_port()
    log_path = project.root / "serve.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kb", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project.root, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "KB_TODAY": "2026-11-22", "TMPDIR": str(tmp)})
    try:
        yield f"http://127.0.0.1:{port}/", log_path, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def served(project: ProjectFactory):
    project.config({})
    project.one_per_area()
    project.write("returns/termijn.md", article(summary="Je hebt 30 dagen."))
    with kb_serve(project) as (url, _, _):
        yield project, url


def test_serve_rebuilds_after_an_edit(served) -> None:
    project, url = served
    wait_for(url + "returns/termijn/", "Je hebt 30 dagen.")
    project.write("returns/termijn.md", article(summary="Je hebt nu 60 dagen."))
    page = wait_for(url + "returns/termijn/", "Je hebt nu 60 dagen.")
    assert "Je hebt 30 dagen." not in page
    wait_for(url + "topics/returns/", "Je hebt nu 60 dagen.")


def test_serve_keeps_running_when_an_article_breaks(project: ProjectFactory) -> None:
    project.config({})
    project.one_per_area()
    with kb_serve(project) as (url, log_path, process):
        wait_for(url, "Meest gestelde vragen")
        project.write("returns/kapot.md", article(title="Kapot?", policy="retour"))
        project.write("returns/nieuw.md", article(title="Een nieuwe vraag?"))
        # The rest of the site still updates; the broken article is reported by file,
        # line and field, and left out of its area's page; the server keeps answering.
        page = wait_for(url + "topics/returns/", "Een nieuwe vraag?")
        assert "Kapot?" not in page
        output = log_path.read_text(encoding="utf-8")
        assert "docs/returns/kapot.md:4: error: policy: expected one of" in output, output
        assert "Traceback" not in output
        assert process.poll() is None
        assert fetch(url) is not None


# --- Dirty rebuilds: after an edit only the pages that show it are rendered again -------

def site_dir(project: ProjectFactory) -> Path:
    """The folder `kb serve` builds into: MkDocs makes it in the temporary folder, which
    the `served` fixture points into the project."""
    found = list((project.root / ".tmp").glob("mkdocs_*"))
    assert len(found) == 1, found
    return found[0]


def test_serve_renders_only_what_an_edit_changes(served) -> None:
    """Through the real `kb serve`: a title edit shows on the article and its area page,
    the pages that do not show it are not written again, the site search answers with
    the new title for every article, and the page still carries the live-reload script."""
    project, url = served
    wait_for(url + "returns/termijn/", "Je hebt 30 dagen.")
    site = site_dir(project)
    untouched = [site / "product/vraag/index.html", site / "topics/privacy/index.html"]
    before = [path.stat().st_mtime_ns for path in untouched]
    articles = len(indexed(site))
    project.write("returns/termijn.md", article(title="Hoe lang mag ik iets terugsturen?",
                                                summary="Je hebt 30 dagen."))
    page = wait_for(url + "returns/termijn/", "Hoe lang mag ik iets terugsturen?")
    assert "livereload" in page
    wait_for(url + "topics/returns/", "Hoe lang mag ik iets terugsturen?")
    wait_for(url + "search/docs/0.js", "Hoe lang mag ik iets terugsturen?")
    assert [path.stat().st_mtime_ns for path in untouched] == before
    titles = indexed(site)
    assert len(titles) == articles and "Hoe lang heb ik om iets terug te sturen?" not in titles


def indexed(site: Path, corpus: str = "") -> dict[str, str]:
    """The documents of the site search's index (`corpus` "pages/": the pages corpus'):
    title -> their slug (an article) or URL (a page)."""
    found = {}
    for path in sorted((site / "search" / corpus / "docs").glob("*.js")):
        for doc in unwrap_script(path.read_bytes())[1]:
            found[doc["title"]] = doc.get("slug") or doc["url"]
    return found


def search_files(site: Path) -> dict[str, bytes]:
    """Every file of search/ (both indexes and the search page), by path."""
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted((site / "search").rglob("*")) if p.is_file()}


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


FULL_BUILD = """
    import os, sys
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root, site, url = sys.argv[1:]
    os.chdir(root)
    config = load_config(os.path.join(root, "mkdocs.yml"), site_dir=site)
    config.site_url = url
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    config.plugins.on_shutdown()
"""


def test_the_site_search_files_are_those_of_a_full_build(dirty: DirtyServe,
                                                          tmp_path: Path) -> None:
    """The answer index, the pages corpus (whose pages a dirty rebuild does not render
    again unless they changed) and the search page, after edits, as a full build
    writes them."""
    def full_build() -> Path:  # in a process of its own: this one's kb plugin serves
        clean = tmp_path / "clean"
        in_fresh_python(FULL_BUILD, str(dirty.project.root), str(clean), DirtyServe.URL)
        return clean

    dirty.edit("over-ons.md", "---\narticle: false\n---\n# Over ons\n\nWe branden zelf.\n")
    dirty.build()
    dirty.config.plugins["kb"].session.wait()
    assert indexed(dirty.site, "pages/") == {"Over ons": "over-ons/"}
    dirty.edit("returns/kosten.md", article(
        title="Wat kost een retour?", summary="Retourneren is gratis.",
        body="## Zo werkt het\n\nStuur het pakket terug met een nieuw label."))
    dirty.build()
    dirty.config.plugins["kb"].session.wait()
    assert "Wat kost een retour?" in (dirty.site / "search/index.html").read_text("utf-8")
    assert search_files(dirty.site) == search_files(full_build())
    assert indexed(dirty.site, "pages/") == {"Over ons": "over-ons/"}
    dirty.edit("over-ons.md", "---\narticle: false\n---\n# Wie we zijn\n\nWe branden zelf.\n")
    dirty.build()
    dirty.config.plugins["kb"].session.wait()
    assert indexed(dirty.site, "pages/") == {"Wie we zijn": "over-ons/"}
    (dirty.project.docs / "over-ons.md").unlink()
    dirty.build()
    dirty.config.plugins["kb"].session.wait()
    assert not (dirty.site / "search/pages").exists()
    assert search_files(dirty.site) == search_files(full_build())


def test_an_unpublished_article_leaves_every_page(dirty: DirtyServe) -> None:
    dirty.edit("returns/kosten.md", article(
        title="Wie betaalt de retourkosten?", summary="Retourneren is gratis.", draft=True))
    dirty.build()
    assert not (dirty.site / "returns/kosten/index.html").exists()
    for path in ["topics/returns/index.html", "returns/termijn/index.html", "index.html"]:
        assert "Wie betaalt de retourkosten?" not in dirty.read(path), path
    dirty.config.plugins["kb"].session.wait()
    assert "returns/kosten" not in indexed(dirty.site).values()
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


# --- Every save shows: a page is rendered again whenever its file's stamp changed ---------

SAVE_DURING_BUILD = '''\
import os

def on_env(env, config, files):
    # An editor saves while kb serve builds: after kb read the file, before MkDocs
    # writes its page.
    pending = os.path.join(os.path.dirname(config.config_file_path), "pending.md")
    if os.path.exists(pending):
        os.replace(pending, os.path.join(config.docs_dir, "returns", "termijn.md"))
'''


@pytest.mark.parametrize("rendered", [True, False], ids=["page-rendered", "page-kept"])
def test_a_save_made_while_a_build_runs_breaks_nothing_and_shows_after_the_next_build(
        dirty: DirtyServe, rendered: bool) -> None:
    """The save lands after kb read the article and before MkDocs wrote the pages: the
    page is newer than the file yet shows the text before the save. Whether that build
    renders the page again (an edit just before it) or keeps it, it must not fail,
    and the next build, which the watcher starts, must show the save."""
    project = dirty.project
    (project.root / "save_during_build.py").write_text(SAVE_DURING_BUILD, encoding="utf-8")
    project.config({}, hooks=["save_during_build.py"])
    dirty.build()
    if rendered:
        dirty.edit("returns/termijn.md", article(
            summary="Je hebt 30 dagen.", related=["returns/kosten"], body="Eerst dit."))
    (project.root / "pending.md").write_text(article(
        summary="Je hebt 30 dagen.", related=["returns/kosten"],
        body="Opgeslagen tijdens de bouw."), encoding="utf-8")
    dirty.build()
    assert not (project.root / "pending.md").exists()
    assert "Opgeslagen tijdens de bouw." not in dirty.read("returns/termijn/index.html")
    assert ("Eerst dit." in dirty.read("returns/termijn/index.html")) is rendered
    dirty.build()
    assert "Opgeslagen tijdens de bouw." in dirty.read("returns/termijn/index.html")


def test_a_save_that_keeps_the_size_and_modification_time_shows(dirty: DirtyServe) -> None:
    """Two saves within one tick of the file system's clock, or a tool that keeps the
    modification time: the change time still tells."""
    path = dirty.project.docs / "returns" / "termijn.md"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "Het hele antwoord." in text
    path.write_text(text.replace("Het hele antwoord.", "Een heel antwoord."),
                    encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    dirty.build()
    page = dirty.read("returns/termijn/index.html")
    assert "Een heel antwoord." in page
    assert "Het hele antwoord." not in page


def test_a_file_replaced_by_an_older_copy_shows(dirty: DirtyServe) -> None:
    """`cp -p`, a backup or an archive: the file is older than its page."""
    before = dirty.mtimes()
    path = dirty.project.write("returns/termijn.md", article(
        summary="Je hebt 30 dagen.", related=["returns/kosten"], body="Uit de back-up."))
    os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)  # September 2020
    dirty.build()
    assert "Uit de back-up." in dirty.read("returns/termijn/index.html")
    assert changed(before, dirty.mtimes()) == {"returns/termijn/index.html"}


class FakeServer:
    """What kb uses of MkDocs' live-reload server: `watch`."""

    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_a_file_read_within_the_clock_tick_of_its_save_asks_for_another_build(
        dirty: DirtyServe) -> None:
    """A second save of the same size in the same tick would leave every stamp field the
    same, for kb and for MkDocs' watcher: kb reads such a file again at the next build
    and asks the server for one (by writing a file it watches) once the tick is over."""
    plugin = dirty.config.plugins["kb"]
    server = FakeServer()
    plugin.on_serve(server, config=dirty.config, builder=dirty.build)
    (signal,) = server.watched
    assert os.path.getsize(signal) == 0
    path = dirty.project.write("returns/termijn.md", article(
        summary="Je hebt 30 dagen.", related=["returns/kosten"], body="Net opgeslagen."))
    session = plugin.session
    # The build reads the file one millisecond after it was saved.
    saved = max(path.stat().st_mtime_ns, path.stat().st_ctime_ns)
    session.read.clock = lambda: saved + 1_000_000
    dirty.build()
    assert "Net opgeslagen." in dirty.read("returns/termijn/index.html")
    assert session.timer is not None
    session.timer.join(timeout=30)
    assert os.path.getsize(signal) == 1  # the watcher sees a change
    # The next build trusts nothing it read within the tick: the page is rendered again.
    session.read.clock = time.time_ns
    before = dirty.mtimes()
    dirty.build()
    assert changed(before, dirty.mtimes()) == {"returns/termijn/index.html"}
    assert session.timer is None  # every file has settled: no further build


def test_serve_shows_a_file_replaced_by_an_older_copy(served) -> None:
    project, url = served
    project.write("returns/termijn.md", article(summary="Je hebt 30 dagen.",
                                                related=["product/vraag"], body="Nieuw."))
    wait_for(url + "returns/termijn/", "Nieuw.")
    path = project.write("returns/termijn.md", article(
        summary="Je hebt 30 dagen.", related=["product/vraag"], body="Uit de back-up."))
    os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)  # as `cp -p` leaves it
    wait_for(url + "returns/termijn/", "Uit de back-up.")


def test_serve_shows_the_last_of_many_quick_saves(served) -> None:
    """Saves 50 times a second, as an editor that saves on every key does, some by
    writing the file in place and some by renaming a new file over it (vim, VS Code):
    the page ends showing the last one. (How soon is measured, not asserted here.)"""
    project, url = served
    wait_for(url + "returns/termijn/", "Je hebt 30 dagen.")
    path = project.docs / "returns" / "termijn.md"
    saves = 100
    for n in range(1, saves + 1):
        text = article(summary="Je hebt 30 dagen.", body=f"Versie {n:04d}.")
        if n % 2:
            path.write_text(text, encoding="utf-8")
        else:
            path.with_name(".termijn.md.swp").write_text(text, encoding="utf-8")
            os.replace(path.with_name(".termijn.md.swp"), path)
        time.sleep(0.02)
    wait_for(url + "returns/termijn/", f"Versie {saves:04d}.")
