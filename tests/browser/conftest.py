"""A real browser on the built demo site: Debian's Chromium driven by Playwright.

Playwright never downloads a browser here; the tests use /usr/bin/chromium and
skip, saying why, when it is not installed (`apt-get install -y chromium`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kb.checks import check_project
    from kb.mkdocs.builder import build_site
    from kb.project import load_project

    project = load_project(str(ROOT / "mkdocs.yml"))
    collection, problems = check_project(project, TODAY)
    assert not [p for p in problems if p.is_error]
    site = tmp_path_factory.mktemp("demo") / "site"
    build_site(project.config_path, today=TODAY, collection=collection, site_dir=str(site))
    return site


class Handler(SimpleHTTPRequestHandler):
    extra_headers: dict[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, headers: dict[str, str] | None = None,
          base: type[SimpleHTTPRequestHandler] | None = None) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a port of its own, so an origin of its own),
    adding `headers` to every response; yields the base URL. `base` is a handler
    class derived from `Handler` that changes how files are served."""
    handler = type("Handler", (base or Handler,), {"extra_headers": headers or {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def base_url(demo_site: Path):
    with serve(demo_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} "
                    "(apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def reveal_channels(page) -> None:
    """Scroll the page's contact block into view, as a shopper reading down would:
    kb.js fetches the opening-hours widget only when a contact block comes near."""
    page.locator("[data-kb-channel]").first.scroll_into_view_if_needed()
