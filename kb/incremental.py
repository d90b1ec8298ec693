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
every page shows of other articles (`page_views`), the search index entries
of every page, the machine-readable files as written. For a build it says
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

Nothing here imports MkDocs: the plugin hands over paths and URLs.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from kb.articles import Article, Collection, read_article
from kb.problems import Problem
from kb.ranking import rank
from kb.settings import Settings
from kb.site import CONTACT, HOME, RelatedIndex, SitePlan, plan_site

View = tuple  # what a page shows of articles other than its own source


class ArticleReader:
    """`read_article` that remembers each file's result and problems by its
    modification time and size, so a rebuild reads only the files saved since."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[tuple, Article | None | bool, list[Problem]]] = {}

    def __call__(self, path: str, src_uri: str, settings: Settings, today: date,
                 problems: list[Problem]) -> Article | None | bool:
        try:
            info = os.stat(path)
        except OSError:
            return read_article(path, src_uri, settings, today, problems)
        stamp = (info.st_mtime_ns, info.st_size, src_uri, today)
        known = self.known.get(path)
        if known is not None and known[0] == stamp:
            problems.extend(known[2])
            return known[1]
        start = len(problems)
        result = read_article(path, src_uri, settings, today, problems)
        self.known[path] = (stamp, result, problems[start:])
        return result


def page_views(plan: SitePlan) -> dict[str, View]:
    """For each page kb renders, what it shows of articles other than its own source,
    as the templates do: a page whose view changed must be rendered again.

    Listings show each question's title and short answer (and date the page by the
    newest review); home the most asked questions and how many questions each area
    and stage has; an answer page the titles of its related questions."""
    def brief(article: Article) -> tuple:
        return article.src_uri, article.title, article.summary, article.reviewed

    listings = plan.topics + plan.stages
    views: dict[str, View] = {
        HOME: (tuple(map(brief, plan.top)), tuple(len(x.questions) for x in listings)),
        CONTACT: (),
    }
    for listing in listings:
        views[listing.src_uri] = tuple(map(brief, listing.questions))
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
    rendered: set[str] = field(default_factory=set)  # URLs of the pages rendered this build
    search: dict[str, str] = field(default_factory=dict)  # page URL -> its index entries, JSON
    written: dict[str, str] = field(default_factory=dict)  # machine file -> text written
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # see kb.answers
    theme_code: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    kb_code: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    stubs: str | None = None  # folder of the generated pages' source files
    worker: threading.Thread | None = None  # see after_build

    def begin(self, key: object) -> bool:
        """Start a build. True when `key` changed since the last one (and on the
        first build): then nothing that was kept holds and every page is rendered."""
        self.wait()
        self.rendered = set()
        if key == self.key:
            return False
        self.key = key
        self.read = ArticleReader()
        self.plan = self.related = self.counts = None
        self.views = {}
        self.theme_code, self.kb_code = MemoryBytecodeCache(), MemoryBytecodeCache()
        return True

    def plan_site(self, collection: Collection, settings: Settings, today: date,
                  site_name: str, everything: bool = False) -> Update:
        """`kb.site.plan_site`, reusing the related questions of the last build while
        the same articles are live and their popularity is the same."""
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
        views = page_views(plan)
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
                mark_stale(path)
        for src_uri, path in self.outputs.items():
            if src_uri not in outputs:
                remove_output(path, site_dir)
        self.outputs = dict(outputs)

    def search_index(self, index: dict, pages: Iterable[str]) -> str:
        """The whole search index as JSON text. After a dirty rebuild the search
        plugin's `index` holds only the pages rendered (`self.rendered`); every other
        page still in the site (`pages`: URLs) keeps its entries from earlier builds,
        kept as JSON text (the whole index is megabytes)."""
        fresh: dict[str, list[dict]] = {url: [] for url in self.rendered}
        for doc in index.get("docs", []):
            fresh.setdefault(str(doc.get("location", "")).partition("#")[0], []).append(doc)
        keep = set(pages)
        entries = {url: text for url, text in self.search.items() if url in keep}
        for url, docs in fresh.items():
            entries[url] = ",".join(map(_json, docs))
        self.search = entries
        head = _json({**{k: v for k, v in index.items() if k != "docs"}, "docs": []})
        return head[:-2] + ",".join(text for text in entries.values() if text) + "]}"

    def unwritten(self, files: Mapping[str, str],
                  answers: Iterable[str]) -> tuple[dict[str, str], list[str]]:
        """Of the machine-readable files (path -> text): those that differ from what
        the last build wrote, and the paths it wrote that are gone. `answers`: the
        answers' HTML in use, whose texts `texts` keeps."""
        changed = {path: text for path, text in files.items()
                   if self.written.get(path) != text}
        gone = [path for path in self.written if path not in files]
        self.written = dict(files)
        self.texts = {html: self.texts[html] for html in answers if html in self.texts}
        return changed, gone

    def forget(self) -> None:
        """After a failed build, whose pages may be half written: render all next time."""
        self.key = None

    def after_build(self, work: Callable[[], None]) -> None:
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
        if self.stubs is not None:
            shutil.rmtree(self.stubs, ignore_errors=True)
            self.stubs = None


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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
