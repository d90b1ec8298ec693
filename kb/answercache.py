"""The answer index of a project's docs folder, for `kb ask`, `kb eval` and `kb gaps`.

These commands answer as the site does: from the files `kb build` ships
(kb.answerindex), with the same engine (kb.engine), over the articles live on the day
asked. The index is built from the docs folder and kept in the project's cache
folder as one ZIP file (stored, not compressed), named after a key of everything
it depends on:

- every article file's path, modification time and size (files in the `pages`
  folders are no articles and left out), as `kb ask` always had it: an edit, a new
  file or a deleted one makes a new key, so it shows at once;
- the kb options (all of them: the synonyms, the taxonomy and the pages folders
  decide what is indexed, and an option added later cannot be forgotten here);
- the day, which decides what is live;
- kb's version and the index format, and the modification time and size of kb's
  own modules and synonym lists (a development checkout changes them without a
  new version).

A key that has a file is read, and nothing is built (10 ms for the key and the ZIP at
1,000 synthetic articles, benchmarks/answers.py). Otherwise the index is built whole
(0.34 s at 1,000 synthetic articles, reading them included) and written to a
temporary file, then renamed over its name (`os.replace`), so a reader never sees
half a file; the KEEP most recent files stay (another day, a branch switched back),
older ones are removed. When the cache folder cannot be written, the index is
built in memory for the run.

The ZIP holds the index's files under `index/` and, in BROKEN, the files left out
because they have errors, so that a cached answer can still say so.

Before this cache, `kb ask` kept a Whoosh index in `<cache>/ask-index/` (OLD_FOLDER),
13 MB at 10,000 articles (benchmarks/results/build-2026-11-29-scale-10000.json) that
nothing reads any more: it is removed when found.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

import kb
from kb import answerindex
from kb.answerindex import IndexFiles, build_answer_index, memory_loader
from kb.articles import Article, in_pages, iter_markdown, load_collection, read_article
from kb.engine import Engine
from kb.problems import Problem, display_path
from kb.settings import Settings

FOLDER = "answer-index"  # below the cache folder
KEEP = 4  # index files kept in the cache folder
INDEX = "index/"  # the index's files in the ZIP
BROKEN = "broken.json"  # the files left out, as shown in messages
STALE_TEMP = 600  # seconds after which a temporary file is a crashed run's leftover
OLD_FOLDER = "ask-index"  # below the cache folder: the Whoosh index kb ask used before


@dataclass
class ProjectAnswers:
    """The engine over a project's answer index, and how it came to be."""

    engine: Engine
    built: bool  # built by this call (False: read from the cache)
    broken: list[str]  # files with errors, left out
    note: str | None = None  # why the index is in memory only for this run


def open_answers(docs_dir: str, settings: Settings, cache_dir: str | None,
                 today: date) -> ProjectAnswers:
    """The answers of the articles in `docs_dir` live on `today`: from the cache when
    it holds them, else built (and stored there when `cache_dir` can be written)."""
    key = cache_key(docs_dir, settings, today)
    path = os.path.join(cache_dir, FOLDER, key + ".zip") if cache_dir else None
    if cache_dir:
        _remove_old_index(cache_dir)
    if path is not None:
        cached = _load(path)
        if cached is not None:
            return ProjectAnswers(cached[0], False, cached[1])
    files, broken = _build(docs_dir, settings, today)
    note = None
    if path is None:
        note = "no cache folder"
    else:
        try:
            _store(path, files, broken)
        except OSError as exc:
            note = f"the cache folder cannot be written ({exc.strerror or exc})"
    return ProjectAnswers(Engine(IndexFiles(memory_loader(files))), True, broken, note)


# --- The key ---------------------------------------------------------------------

def cache_key(docs_dir: str, settings: Settings, today: date) -> str:
    """A name for the index of `docs_dir` with `settings` on `today` (see the module's
    documentation); a few milliseconds for 1,000 files."""
    digest = hashlib.sha256()
    for part in (kb.__version__, answerindex.FORMAT, today.isoformat(),
                 _settings_text(settings), _code_stamp()):
        digest.update(str(part).encode("utf-8") + b"\0")
    for src_uri in iter_markdown(docs_dir):
        if in_pages(src_uri, settings.pages):
            continue
        try:
            st = os.stat(os.path.join(docs_dir, src_uri))
        except OSError:
            continue  # gone since the folder was listed: as if never there
        digest.update(f"{src_uri}\0{st.st_mtime_ns}\0{st.st_size}\0".encode())
    return digest.hexdigest()[:32]


def _settings_text(settings: Settings) -> str:
    return json.dumps(dataclasses.asdict(settings), sort_keys=True, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    # Anything else would need a stable text of its own: a repr with an address in it
    # would make a new key on every run.
    raise TypeError(f"kb.answercache: no stable text for {type(value).__name__}")


def _code_stamp() -> str:
    """The modification time and size of kb's modules and synonym lists."""
    parts = []
    package = os.path.dirname(kb.__file__)
    for folder in (package, os.path.join(package, "synonyms")):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_file():
                st = entry.stat()
                parts.append(f"{entry.name}:{st.st_mtime_ns}:{st.st_size}")
    return ",".join(parts)


# --- Building, storing, loading ---------------------------------------------------

def _build(docs_dir: str, settings: Settings, today: date
           ) -> tuple[answerindex.Files, list[str]]:
    """The index's files and the files left out because they have errors."""
    broken: list[str] = []

    def read(path: str, src_uri: str, settings: Settings, today: date,
             problems: list[Problem]) -> Article | None | bool:
        found = read_article(path, src_uri, settings, today, problems)
        if found is False:
            broken.append(display_path(path))
        return found

    collection = load_collection(docs_dir, settings, today, read)
    return build_answer_index(collection.articles, settings, today), broken


def _store(path: str, files: answerindex.Files, broken: list[str]) -> None:
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".zip", dir=folder)
    try:
        with os.fdopen(handle, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
            for name, data in files.items():
                zf.writestr(INDEX + name, data)
            zf.writestr(BROKEN, json.dumps(broken))
        os.replace(temp, path)
    except BaseException:
        _remove(temp)
        raise
    _prune(folder, os.path.basename(path))


def _prune(folder: str, current: str) -> None:
    """Remove all but the KEEP most recent index files, and crashed runs' leftovers.
    A reader holds its file whole in memory, so removing one under it is harmless."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    indexes = []
    for entry in entries:
        try:
            modified = entry.stat().st_mtime
        except OSError:
            continue
        if entry.name.startswith(".tmp-"):
            if now - modified > STALE_TEMP:
                _remove(entry.path)
        elif entry.name.endswith(".zip") and entry.name != current:
            indexes.append((modified, entry.path))
    for _, path in sorted(indexes, reverse=True)[KEEP - 1:]:
        _remove(path)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _load(path: str) -> tuple[Engine, list[str]] | None:
    """The engine over a cached index and its broken files; None when there is none
    or it cannot be read (then it is built again and written over)."""
    try:
        with zipfile.ZipFile(path) as zf:
            files = {name[len(INDEX):]: zf.read(name) for name in zf.namelist()
                     if name.startswith(INDEX)}
            broken = json.loads(zf.read(BROKEN))
        return Engine(IndexFiles(memory_loader(files))), [str(b) for b in broken]
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError):
        return None


def _remove_old_index(cache_dir: str) -> None:
    """Remove the Whoosh index of kb before the answer index (kb's own output in kb's
    cache folder); a link or a file of that name is someone else's and stays."""
    old = os.path.join(cache_dir, OLD_FOLDER)
    if os.path.isdir(old) and not os.path.islink(old):
        shutil.rmtree(old, ignore_errors=True)
