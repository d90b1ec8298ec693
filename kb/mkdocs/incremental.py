"""Rebuilding after an edit: what `kb serve` renders again and what it keeps.

`kb serve` runs MkDocs' dirty rebuild (`mkdocs serve --dirty`): MkDocs reads and
renders only the Markdown files saved since their page was written, and keeps
the rest of the site as it is. Left alone that is wrong for kb, whose pages show
more than their own file: a policy area lists the title and short answer of
each of its questions, an answer page links its related questions by title.
And it is slow: kb would still read every article and compute every article's
related questions on each rebuild.

A `Session` lives as long as one `kb serve` and keeps what the previous build
found: each file's article (`ArticleReader`), the related questions, what
every page shows of other articles (`page_views`), the machine-readable files
and the site search's files as written. For a build it says
which pages show something that changed (`Update.stale`, which the plugin has
MkDocs render again) and which outputs belong to pages that are gone.

- Editing an article: its page, and every page whose view of it changed (the
  listings of its area and stages when its title or short answer changed, the
  pages that link it as a related question when its title changed), are
  rendered again. Related questions of the other articles are kept; those of
  the edited article are chosen again from the candidates of the last full plan.
- Adding, removing, publishing or unpublishing an article (a file that no
  longer reads as an article counts as removed) or new popularity counts plan
  the whole site again, then render only the pages whose view changed.
- A changed mkdocs.yml or a new day renders every page again.
- Whether a file changed is told by its stamp (`file_stamp`), not by MkDocs'
  comparison of its time with its page's (pages are dated ahead so that MkDocs
  never decides by itself): a save made while a build runs, or within one tick of
  the file system's clock, is shown by the next build and breaks none.

Nothing here imports MkDocs: the plugin hands over paths and URLs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from kb.articles import Article, Collection, read_article
from kb.problems import Problem
from kb.ranking import rank
from kb.related import RelatedIndex
from kb.settings import Settings
from kb.site import CONTACT, HOME, SitePlan, plan_site

View = tuple  # what a page shows of articles other than its own source


Stamp = tuple  # what identifies a file's content without reading it (see file_stamp)

# File systems date a save by a clock that advances in ticks (a few milliseconds on
# Linux, Windows and macOS; whole seconds on FAT, HFS+, ext3). Two saves of the same
# size within one tick leave every field of `stat` the same, so a stamp taken in
# the tick of the last save is not trusted: the file is read and its page rendered
# again at the next build, and `kb serve` asks for one (Session.rebuild_when_settled).
FINE_TICK_NS = 20_000_000
COARSE_TICK_NS = 2_000_000_000  # a time on a whole second: the clock may be that coarse
PIN_AHEAD_NS = 10 * 365 * 86_400 * 1_000_000_000  # see Session.pin_outputs


def file_stamp(info: os.stat_result, now_ns: int) -> tuple[Stamp | None, int]:
    """The stamp of a file as `stat` found it at `now_ns`: modification and change
    times, size, inode and device (a save by renaming a new file over the old one
    changes the inode; restoring the modification time changes the change time).
    And 0, or while the stamp is not to be trusted, the time it will be: then the
    stamp is None."""
    until = 0
    for moment in (info.st_mtime_ns, info.st_ctime_ns):
        end = moment + (COARSE_TICK_NS if moment % 1_000_000_000 == 0 else FINE_TICK_NS)
        # A time in the future cannot be that of a save now: the next save lowers it.
        if moment <= now_ns < end:
            until = max(until, end)
    if until:
        return None, until
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, info.st_dev), 0


class ArticleReader:
    """`read_article` that remembers each file's result and problems by its stamp
    (`file_stamp`), so a rebuild reads only the files saved since. `stamps` holds
    the stamp of every file read since `restart` (by normalized path), taken before
    it was read."""

    def __init__(self, clock: Callable[[], int] = time.time_ns) -> None:
        self.clock = clock
        self.known: dict[str, tuple[tuple | None, Article | None | bool, list[Problem]]] = {}
        self.stamps: dict[str, Stamp | None] = {}
        self.settles_at = 0  # see file_stamp; the latest of the files read since restart

    def restart(self) -> None:
        """A new build begins."""
        self.stamps = {}
        self.settles_at = 0

    def stamp(self, path: str) -> Stamp | None:
        """The file's stamp now (None also when it cannot be read), noted in `stamps`."""
        try:
            info = os.stat(path)
        except OSError:
            stamp = None
        else:
            stamp, until = file_stamp(info, self.clock())
            self.settles_at = max(self.settles_at, until)
        self.stamps[os.path.normpath(path)] = stamp
        return stamp

    def __call__(self, path: str, src_uri: str, settings: Settings, today: date,
                 problems: list[Problem]) -> Article | None | bool:
        stamp = self.stamp(path)
        key = None if stamp is None else (stamp, src_uri, today)
        known = self.known.get(path)
        if key is not None and known is not None and known[0] == key:
            problems.extend(known[2])
            return known[1]
        start = len(problems)
        result = read_article(path, src_uri, settings, today, problems)
        self.known[path] = (key, result, problems[start:])
        return result


def page_views(plan: SitePlan, search_page: str | None = None) -> dict[str, View]:
    """For each page kb renders, what it shows of articles other than its own source,
    as the templates do: a page whose view changed must be rendered again.

    Listings show each question's title and short answer (and date the page by the
    newest review); home the most asked questions and how many questions each area
    and stage has; the search page (at `search_page`, when kb makes it) the areas with
    the titles of their questions; an answer page the titles of its related questions."""
    def brief(article: Article) -> tuple:
        return article.src_uri, article.title, article.summary, article.reviewed

    listings = plan.topics + plan.stages
    views: dict[str, View] = {
        HOME: (tuple(map(brief, plan.top)), tuple(len(x.questions) for x in listings)),
        CONTACT: (),
    }
    for listing in listings:
        views[listing.src_uri] = tuple(map(brief, listing.questions))
    if search_page is not None:
        views[search_page] = tuple((x.src_uri, tuple((a.src_uri, a.title) for a in x.questions))
                                   for x in plan.topics)
    for src_uri, extras in plan.articles.items():
        views[src_uri] = tuple((b.src_uri, b.title) for b in extras.related)
    return views


@dataclass
class Update:
    """The plan of one build and what it asks to be rendered again."""

    plan: SitePlan
    stale: set[str]  # src_uris of pages whose view changed
    everything: bool  # mkdocs.yml or the day changed: render every page again


class MemoryBytecodeCache(BytecodeCache):
    """Compiled Jinja templates, kept in memory from build to build: MkDocs makes new
    Jinja environments for every build and would compile every template again.
    Jinja checks each template's source against the checksum stored with its code,
    so an edited template is compiled again. One cache per kind of environment:
    the code depends on its settings (autoescape) as well as on the source."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


@dataclass
class Session:
    """What one `kb serve` keeps from one build to the next (see the module text)."""

    key: object = None  # what decides every page: mkdocs.yml as written, the day
    read: ArticleReader = field(default_factory=ArticleReader)
    plan: SitePlan | None = None
    related: RelatedIndex | None = None  # of the last full plan
    counts: Mapping[str, float] | None = None
    views: dict[str, View] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)  # page src_uri -> its output file
    written: dict[str, str] = field(default_factory=dict)  # machine file -> text written
    # likewise the site search's files, by part: "articles" (with the engine), "pages"
    search_written: dict[str, dict[str, str]] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # see kb.answers
    theme_code: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    kb_code: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    stubs: str | None = None  # folder of the generated pages' source files
    worker: threading.Thread | None = None  # see after_build
    # src_uri -> the stamp its source had when its output was last made (prepare_sources)
    sources: dict[str, Stamp | None] = field(default_factory=dict)
    signal: str | None = None  # see watch_signal
    timer: threading.Timer | None = None  # see rebuild_when_settled
    builds: int = 0
    # The date pin_outputs gives outputs: years ahead of the first build.
    pinned: int = field(default_factory=lambda: time.time_ns() + PIN_AHEAD_NS)
    unpinned: set[str] = field(default_factory=set)  # outputs this build may write

    def begin(self, key: object) -> bool:
        """Start a build. True when `key` changed since the last one (and on the
        first build): then nothing that was kept holds and every page is rendered."""
        self.wait()
        self.cancel_rebuild()
        self.builds += 1
        self.read.restart()
        if key == self.key:
            return False
        self.key = key
        self.read = ArticleReader(self.read.clock)
        self.plan = self.related = self.counts = None
        self.views = {}
        self.sources = {}
        self.theme_code, self.kb_code = MemoryBytecodeCache(), MemoryBytecodeCache()
        return True

    def plan_site(self, collection: Collection, settings: Settings, today: date,
                  site_name: str, everything: bool = False,
                  search_page: str | None = None) -> Update:
        """`kb.site.plan_site`, reusing the related questions of the last build while
        the same articles are live and their popularity is the same. `search_page`:
        the search page's src_uri when kb makes it (see page_views)."""
        counts = collection.popularity
        live = collection.live(today)
        previous, index = self.plan, self.related
        if (previous is not None and index is not None and counts == self.counts
                and len(live) == len(previous.articles)
                and all(a.src_uri in previous.articles for a in live)):
            before = previous.articles
            current = {a.slug: a for a in live}

            def related_of(article: Article) -> list[Article]:
                kept = before[article.src_uri]
                found = kept.related if kept.article is article else index.related(article)
                return [current[b.slug] for b in found
                        if b.slug in current and b.slug != article.slug]

            plan = plan_site(collection, settings, today, site_name, counts, related_of)
        else:
            self.related = RelatedIndex(rank(live, counts), settings.language)
            plan = plan_site(collection, settings, today, site_name, counts,
                             self.related.related)
        views = page_views(plan, search_page)
        stale = {uri for uri, view in views.items() if self.views.get(uri) != view}
        self.plan, self.counts, self.views = plan, counts, views
        return Update(plan, stale, everything)

    def stub(self, src_uri: str, text: str) -> str:
        """A source file for the generated page `src_uri`. It is written once, so its
        modification time stays older than the page's output: MkDocs' dirty rebuild
        then renders the page only when `prepare_outputs` marked it stale."""
        if self.stubs is None:
            self.stubs = tempfile.mkdtemp(prefix="kb-serve-")
        path = os.path.join(self.stubs, *src_uri.split("/"))
        try:
            with open(path, encoding="utf-8") as fh:
                if fh.read() == text:
                    return path
        except OSError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def prepare_outputs(self, outputs: Mapping[str, str], update: Update,
                        site_dir: str) -> None:
        """Before MkDocs renders: `outputs` maps every page's src_uri to its output file.
        Mark the pages of `update` stale and remove the outputs of pages now gone."""
        for src_uri, path in outputs.items():
            if update.everything or src_uri in update.stale:
                self._mark_stale(path)
            elif src_uri not in self.outputs:  # a new page: MkDocs renders it
                self.unpinned.add(path)
        for src_uri, path in self.outputs.items():
            if src_uri not in outputs:
                remove_output(path, site_dir)
        self.outputs = dict(outputs)

    def prepare_sources(self, sources: Mapping[str, tuple[str, str]]) -> None:
        """Before MkDocs reads the files of the docs folder: `sources` maps each one's
        src_uri to its path and its output file. MkDocs' dirty rebuild renders (or
        copies) a file again only when it is newer than its output. That misses a save
        made while the previous build ran, after the file was read and before its page
        was written (the page is newer yet shows the text before the save), and a file
        replaced by an older copy (`cp -p`, a backup). So mark stale the output of
        every file whose stamp is not the one it had when its output was last made,
        or was not to be trusted. An article's stamp is the one taken before kb read
        it (ArticleReader): MkDocs renders the text kb read."""
        fresh: dict[str, Stamp | None] = {}
        for src_uri, (path, output) in sources.items():
            key = os.path.normpath(path)
            stamp = self.read.stamps[key] if key in self.read.stamps else self.read.stamp(key)
            if stamp is None or self.sources.get(src_uri) != stamp:
                self._mark_stale(output)
            fresh[src_uri] = stamp
        self.sources = fresh

    def _mark_stale(self, output: str) -> None:
        mark_stale(output)
        self.unpinned.add(output)

    def pin_outputs(self) -> None:
        """After a build: date the outputs it wrote years ahead. MkDocs' dirty build
        asks twice whether a page's file is newer than its output, before reading it
        and before rendering it: a save in between had it render a page it had not
        read (a traceback and a failed build). Dated ahead, an output is made again
        only when kb marks it stale (prepare_outputs, prepare_sources). Each build
        dates its outputs a second later than the one before, so they can be told
        apart. Only the outputs this build could write are looked at: a build has
        thousands, and the machine files are being written on another thread."""
        moment = self.pinned + self.builds * 1_000_000_000
        for path in self.unpinned:
            try:
                if os.stat(path).st_mtime_ns < self.pinned:
                    os.utime(path, ns=(moment, moment))
            except OSError:
                pass  # not written: a page MkDocs left out
        self.unpinned = set()

    def watch_signal(self) -> str:
        """A file of kb's own for `kb serve`'s watcher: writing it asks for a rebuild."""
        if self.signal is None:
            handle, self.signal = tempfile.mkstemp(prefix="kb-serve-", suffix=".rebuild")
            os.close(handle)
        return self.signal

    def rebuild_when_settled(self) -> None:
        """After a build: when it read a file within the clock tick of its last save
        (see file_stamp), that file may have been saved again unseen, by the watcher
        too. Ask for another build once the tick is over (through `watch_signal`'s
        file); that build reads the file again and renders its page."""
        settles_at = self.read.settles_at
        if not settles_at or self.signal is None:
            return
        self.cancel_rebuild()
        delay = max(0, settles_at - self.read.clock()) / 1e9
        self.timer = threading.Timer(delay, self._signal, args=(self.signal,))
        self.timer.daemon = True
        self.timer.start()

    def _signal(self, path: str) -> None:
        try:
            size = os.path.getsize(path)
            # Without O_CREAT: once `close` removed the file, it stays removed.
            handle = os.open(path, os.O_WRONLY | os.O_TRUNC)
            with open(handle, "w", encoding="utf-8") as fh:
                fh.write("xx" if size == 1 else "x")  # a new size: seen even within one tick
        except OSError:
            pass  # the preview is closing

    def cancel_rebuild(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def take_changed_files(self, files: Mapping[str, str], answers: Iterable[str],
                           site_dir: str) -> dict[str, str]:
        """Of the machine-readable files (path -> text), those that differ from what the
        last build wrote, to be written. Takes `files` as written from now on, removes
        from `site_dir` the files the last build wrote that are gone, and forgets the
        Markdown texts of answers no longer in use (`answers`: their HTML)."""
        changed = _take_changed(self.written, files, site_dir)
        self.written = dict(files)
        self.texts = {html: self.texts[html] for html in answers if html in self.texts}
        return changed

    def take_changed_search_files(self, files: Mapping[str, str], site_dir: str,
                                  part: str) -> dict[str, str]:
        """`take_changed_files` for one part of the site search's files: the answer
        index and the engine's scripts ("articles"), the pages corpus ("pages")."""
        changed = _take_changed(self.search_written.get(part, {}), files, site_dir)
        self.search_written[part] = dict(files)
        return changed

    def forget(self) -> None:
        """After a failed build, whose pages may be half written: render all next time."""
        self.key = None

    def after_build(self, work: Callable[[], object]) -> None:
        """Run `work` in a thread, so that MkDocs serves the rebuilt pages without
        waiting for it (the machine-readable files: ~0.4 s at 3,000 articles). The
        next build, and `close`, wait for it first. `work` must not raise."""
        self.wait()
        self.worker = threading.Thread(target=work, name="kb-after-build", daemon=True)
        self.worker.start()

    def wait(self) -> None:
        if self.worker is not None:
            self.worker.join()
            self.worker = None

    def close(self) -> None:
        self.wait()
        self.cancel_rebuild()
        if self.signal is not None:
            try:
                os.remove(self.signal)
            except OSError:
                pass
            self.signal = None
        if self.stubs is not None:
            shutil.rmtree(self.stubs, ignore_errors=True)
            self.stubs = None


def _take_changed(written: Mapping[str, str], files: Mapping[str, str],
                  site_dir: str) -> dict[str, str]:
    """Of `files` (path -> text), those that differ from `written` (what the last build
    wrote); removes from `site_dir` the files written then that are gone."""
    for path in written:
        if path not in files:
            remove_output(os.path.join(site_dir, *path.split("/")), site_dir)
    return {path: text for path, text in files.items() if written.get(path) != text}


def mark_stale(path: str) -> None:
    """Date the output file at `path` back, so that MkDocs' dirty rebuild, which
    renders a page whose output is older than its source, renders it again."""
    try:
        os.utime(path, ns=(0, 0))
    except FileNotFoundError:
        pass


def remove_output(path: str, site_dir: str) -> None:
    """Remove a file below `site_dir` and the folders it leaves empty."""
    root = os.path.abspath(site_dir)
    path = os.path.abspath(path)
    if not path.startswith(root + os.sep):
        return
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    folder = os.path.dirname(path)
    while folder.startswith(root + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            break
        folder = os.path.dirname(folder)
