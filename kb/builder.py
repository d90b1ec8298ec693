"""Running MkDocs for the CLI: an atomic build and the live preview.

This is the only module besides the plugin that imports MkDocs; another
renderer would replace these two functions.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date

from mkdocs.commands.build import build
from mkdocs.commands.serve import serve
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from kb.articles import Collection


class BuildError(Exception):
    """The build failed; the previous site is untouched."""


@dataclass
class BuildResult:
    site_dir: str
    pages: int
    seconds: float


def count_pages(site_dir: str) -> int:
    """HTML pages in a built site, leaving out theme assets."""
    count = 0
    for root, dirs, files in os.walk(site_dir):
        dirs[:] = [d for d in dirs if d != "assets"]
        count += sum(1 for name in files if name.endswith(".html"))
    return count


def build_site(config_file: str, *, strict: bool = True, today: date | None = None,
               collection: Collection | None = None, site_dir: str | None = None) -> BuildResult:
    """Build into a temporary folder next to the site, then swap it in.

    A failed build removes the temporary folder and leaves the previous
    site exactly as it was. `collection`, when given, is the already
    validated content, so the plugin need not read it again.
    """
    started = time.perf_counter()
    try:
        config = load_config(config_file, strict=strict)
    except MkDocsException as exc:
        raise BuildError(str(exc)) from None
    final = os.path.abspath(site_dir or config.site_dir)
    parent = os.path.dirname(final)
    os.makedirs(parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix=f".{os.path.basename(final)}.building-", dir=parent)
    try:
        config.site_dir = work
        config.plugins.on_startup(command="build", dirty=False)
        plugin = config.plugins.get("kb")
        if plugin is not None:
            plugin.preload(collection, today)
        try:
            build(config)
        except MkDocsException as exc:
            raise BuildError(str(exc).strip() or "the build failed") from None
        finally:
            config.plugins.on_shutdown()
        _swap(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BuildResult(final, count_pages(final), time.perf_counter() - started)


def _swap(new: str, final: str) -> None:
    """Replace `final` by `new` with two renames; the old site is removed last."""
    os.chmod(new, 0o755)
    if not os.path.exists(final):
        os.replace(new, final)
        return
    old = tempfile.mkdtemp(prefix=f".{os.path.basename(final)}.old-", dir=os.path.dirname(final))
    os.rmdir(old)
    os.replace(final, old)
    try:
        os.replace(new, final)
    except OSError:
        os.replace(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def serve_site(config_file: str, *, dev_addr: str | None = None, today: date | None = None,
               open_browser: bool = False, full: bool = False) -> None:
    """Live preview; content errors are logged, not fatal. After an edit MkDocs'
    dirty rebuild renders only the pages that show something that changed (see
    kb.incremental); with `full` every rebuild renders the whole site."""
    if today is not None:
        os.environ["KB_TODAY"] = today.isoformat()
    options = {"dev_addr": dev_addr} if dev_addr else {}
    # MkDocs warns on every dirty build that links may be stale; kb sees to them.
    quiet = logging.getLogger("mkdocs.commands.build")
    quiet.addFilter(_not_dirty_warning)
    try:
        serve(config_file=config_file, livereload=True, open_in_browser=open_browser,
              build_type=None if full else "dirty", **options)
    except MkDocsException as exc:
        raise BuildError(str(exc)) from None
    finally:
        quiet.removeFilter(_not_dirty_warning)


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def setup_logging(verbose: bool, echo) -> None:
    """Show MkDocs' warnings (and with --verbose its progress) through `echo`."""

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            level = record.levelname
            prefix = "" if record.levelno < logging.WARNING else f"{level.lower()}: "
            echo(prefix + record.getMessage())

    logger = logging.getLogger("mkdocs")
    for handler in list(logger.handlers):
        if getattr(handler, "_kb", False):
            logger.removeHandler(handler)
    handler = Handler()
    handler._kb = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
