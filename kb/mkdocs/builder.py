"""Running MkDocs for the CLI: an atomic build and the live preview.

This is the only module besides the plugin that imports MkDocs; another
renderer would replace these two functions.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TypedDict

from jinja2.exceptions import TemplateNotFound
from mkdocs.commands.build import build
from mkdocs.commands.serve import serve
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from kb.articles import Collection, display_path
from kb.safety import SITE_MARKER, is_kb_site, mark_site, site_dir_refusal

try:
    import fcntl
except ImportError:  # Windows: builds run without locks
    fcntl = None  # type: ignore[assignment]


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
    for _root, dirs, files in os.walk(site_dir):
        dirs[:] = [d for d in dirs if d != "assets"]
        count += sum(1 for name in files if name.endswith(".html"))
    return count


def build_site(config_file: str, *, strict: bool = True, today: date | None = None,
               collection: Collection | None = None, site_dir: str | None = None) -> BuildResult:
    """Build into a temporary folder next to the site, then swap it in.

    A failed build removes the temporary folder and leaves the previous
    site exactly as it was. `collection`, when given, is the already
    validated content, so the plugin need not read it again. A site folder
    kb must not replace (kb.safety) is refused before anything is written.
    """
    started = time.perf_counter()
    try:
        config = load_config(config_file, strict=strict)
    except MkDocsException as exc:
        raise BuildError(str(exc)) from None
    final = os.path.realpath(site_dir or config.site_dir)
    refusal = site_dir_refusal(final, os.path.dirname(config.config_file_path),
                               config.docs_dir)
    if refusal:
        raise BuildError(f"{display_path(final)!r} {refusal}")
    try:
        os.makedirs(os.path.dirname(final), exist_ok=True)
        work, hold = _start(final)
    except OSError as exc:
        raise BuildError(f"cannot write next to {display_path(final)!r}: "
                         f"{exc.strerror or exc}") from None
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
        except TemplateNotFound as exc:
            # The plugin names the page of a missing `template:`; this is a template
            # of the theme (custom_dir) that includes or extends one that is missing.
            raise BuildError(f"expected a template of the theme but found {exc.name!r}; "
                             "check the templates in the theme's custom_dir") from None
        finally:
            config.plugins.on_shutdown()
        with _folder_lock(os.path.dirname(final)):
            _remove_own(_swap(work, final))
    except BaseException:
        _remove_own(work)
        raise
    finally:
        _release(hold)
    return BuildResult(final, count_pages(final), time.perf_counter() - started)


# Leftovers of a build that was killed: `.<site>.building-*` (a site being built, or
# after an exchange the previous one) and `.<site>.old-*` (the previous site while
# two renames swap). Every build holds a lock on its own folder while it runs, so
# another build never removes a folder still in use; the short steps that create,
# swap and remove folders hold a lock on the folder the site lies in.
BUILDING, OLD = "building-", "old-"


def _start(final: str) -> tuple[str, int | None]:
    """Recover from killed builds, then create and lock this build's folder."""
    parent, name = os.path.split(final)
    with _folder_lock(parent):
        _recover(final)
        work = tempfile.mkdtemp(prefix=f".{name}.{BUILDING}", dir=parent)
        hold = _lock(work, wait=False)
        try:
            mark_site(work)
        except OSError:
            _release(hold)
            os.rmdir(work)
            raise
    return work, hold


def _recover(final: str) -> None:
    """Put back the previous site when a killed swap took it away; remove what killed
    builds left (only folders kb marked as its own, and none that a build still uses)."""
    parent, name = os.path.split(final)
    leftovers = []
    with os.scandir(parent) as entries:
        for entry in entries:
            if entry.name.startswith((f".{name}.{BUILDING}", f".{name}.{OLD}")) \
                    and entry.is_dir(follow_symlinks=False):
                leftovers.append(entry.path)
    if not os.path.lexists(final):
        previous = [path for path in leftovers
                    if os.path.basename(path).startswith(f".{name}.{OLD}") and is_kb_site(path)]
        if previous:
            newest = max(previous, key=lambda path: os.stat(path).st_mtime)
            os.rename(newest, final)
            leftovers.remove(newest)
    for path in leftovers:
        hold = _lock(path, wait=False)
        try:
            # Without the lock the folder is another build's, still running (or
            # locks are unavailable here and that cannot be told): leave it.
            if hold is not None and (is_kb_site(path) or not os.listdir(path)):
                _remove_own(path)
        finally:
            _release(hold)


def _swap(new: str, final: str) -> str | None:
    """Put the site in `new` at `final`; returns where the previous site now is.

    Where the kernel can exchange two folders in one step there is never a moment
    without a site; otherwise two renames, and a build killed between them leaves
    the previous site as `.<site>.old-*`, which the next build puts back."""
    os.chmod(new, 0o755)
    if not os.path.lexists(final):
        os.rename(new, final)
        return None
    if _exchange(new, final):
        return new
    parent, name = os.path.split(final)
    old = tempfile.mkdtemp(prefix=f".{name}.{OLD}", dir=parent)
    os.rmdir(old)
    os.rename(final, old)
    try:
        os.rename(new, final)
    except OSError:
        os.rename(old, final)
        raise
    return old


def _remove_own(path: str | None) -> None:
    """Delete a folder of kb's, its marker last: a removal cut short is still
    recognised (and finished) by the next build."""
    if path is None or not os.path.isdir(path) or os.path.islink(path):
        return
    if not os.path.isfile(os.path.join(path, SITE_MARKER)):
        try:  # a site of an earlier kb, recognised by its files: mark it before they go
            mark_site(path)
        except OSError:
            pass
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.name == SITE_MARKER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
    try:
        os.unlink(os.path.join(path, SITE_MARKER))
        os.rmdir(path)
    except OSError:
        pass


@contextmanager
def _folder_lock(folder: str) -> Iterator[None]:
    """Hold an exclusive lock on `folder` itself, so no lock file is left behind."""
    hold = _lock(folder, wait=True)
    try:
        yield
    finally:
        _release(hold)


def _lock(folder: str, *, wait: bool) -> int | None:
    """An open descriptor of `folder` with an exclusive lock on it (flock, released when
    it is closed or the process dies); None when another process holds the lock, or
    where locks are unavailable (Windows, some network file systems)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


AT_FDCWD = -100
RENAME_EXCHANGE = 2


@lru_cache(maxsize=1)
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _exchange(a: str, b: str) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE); False
    where the system or the file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(error, os.strerror(error), b)


class _ServeOptions(TypedDict, total=False):
    """What serve passes on to load_config (a dict would seem to fill serve's own
    parameters)."""

    dev_addr: str


def serve_site(config_file: str, *, dev_addr: str | None = None, today: date | None = None,
               open_browser: bool = False, full: bool = False) -> None:
    """Live preview; content errors are logged, not fatal. After an edit MkDocs'
    dirty rebuild renders only the pages that show something that changed (see
    kb.mkdocs.incremental); with `full` every rebuild renders the whole site."""
    if today is not None:
        os.environ["KB_TODAY"] = today.isoformat()
    options: _ServeOptions = {"dev_addr": dev_addr} if dev_addr else {}
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
