#!/usr/bin/env python
"""Site search benchmark (issue 16, point 5): kb's search beside plain Material and Pagefind.

On the SAME synthetic Markdown (benchmarks/build.py's generator, into
benchmarks/work/site-search/<N>/) and in one run, on one machine:

* ``material``  a plain Material for MkDocs site with its search plugin (build.py's
  baseline: the same articles, an index.md, a 13-entry nav): `mkdocs build --strict`
  seconds; an article page's first load in headless Chromium (gzipped bytes of every
  file fetched within 3 s of the load event, as ../shared/tools/first_load.py counts
  them) and how much of it is search data (search/search_index.json) and search code
  (the search worker and lunr).
* ``pagefind``  `pagefind --site` on that plain Material site: index seconds and size;
  the bytes a first and a further question fetch through Pagefind's JS API
  (`await import('/pagefind/pagefind.js')`, `pagefind.search(q)`, then `.data()` of
  the first 5 results, as a results list does), median and p95 over answers.py's
  synthetic questions, each first question in a fresh browser context on an article
  page; ms per question once its parts are loaded (the same questions asked a second
  time in one page); and on the demo help centre (a plain Material build of content/,
  blog included) hit@1 and hit@3 on every set of benchmarks/eval/ (first result's URL
  -> slug) and how often it shows nothing.
* ``kb``  `kb build` seconds and the share of building the answer index (below); an
  article's first load (which must fetch no search data); bytes of a first and a
  further question (engine scripts, search module, index files) and ms per answer
  once loaded, through `window.kbHelp.ask` when the built pages define it, otherwise
  (until they do) with the engine injected into the article page as
  tests/browser/test_engine.py does (the JSON says which: ``"mode"``); printed@1/@3 on
  the demo sets through the same call (limit 3; a decline shows nothing).

Build sizes default to 1,000, 3,000 and 10,000 articles; page loads and questions are
measured at 1,000 and 10,000 (--query-sizes).

**The index share of `kb build`.** kb's build does not log its own stages, so the
timed `kb build` is the real command run in a child Python whose only change is a
timer around `kb.answerindex.build_answer_index` and `build_page_index` (patched
before kb imports them; each call appends its wall and CPU seconds, measured in the
process that runs it, to a file). From 1,000 articles kb builds the index in a forked
second process while MkDocs renders, so on two cores its wall time overlaps the
rendering (and grows when the machine is busy): both shares are reported, wall (index
wall / build wall) and CPU (index CPU / build CPU, children included: what a one-core
machine would see); the target is checked on the CPU share. --index-off adds a build
with both functions returning nothing, for the wall time the index really adds.

**Bytes.** Every file fetched is counted once per browser context at min(raw,
gzip level 6) of its bytes: gzip level 6 as first_load.py does, but Pagefind's own
files (.pf_*, the wasm) are gzipped already and a server would send them as they are.
Headers are not counted. A "further question" is the next synthetic question in the
same context: the files it needs that the first did not fetch.

Timings are wall seconds of a child process (os.wait4, build.py's `run`); this script
never waits for an idle machine (the shared 2-core VM rarely is) but records the load
average and the cores other processes used before and during each timed command.

Run (Pagefind in a venv of its own: python3 -m venv /work/pfvenv &&
/work/pfvenv/bin/pip install 'pagefind[bin]'):

    python benchmarks/site_search.py --pagefind /work/pfvenv/bin/python \\
        --json benchmarks/results/site_search-<date>.json
    python benchmarks/site_search.py --only kb --baseline FILE   # kb again, beside FILE's
    python benchmarks/site_search.py --table-from FILE           # the tables of a run
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import glob
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import build  # noqa: E402  (the content generator and the child-process timer)

WORK = os.path.join(build.WORK, "site-search")
CHROMIUM = "/usr/bin/chromium"
SEED = 2026
TODAY = date(2026, 11, 22)  # the day of the demo's eval sets and of BENCHMARKS.md's runs
ENGINES = ("material", "pagefind", "kb")
LIMIT = 5  # results a list shows (issue 16: the answer card and up to four more)
EVAL_LIMIT = 3  # answers asked for on the demo sets: hit@3 / printed@3
FIRST_LOAD_WAIT = 3.0  # seconds after the load event, as first_load.py
SETTLE_MS = 100  # after a question: the events of its last requests arrive

# Issue 16, point 5.
TARGETS = {"article_first_load_gz": 90_000, "first_question_gz": 150_000,
           "further_question_gz": 50_000, "p95_ms": 50, "index_share": 0.10,
           "build_ratio": 1.3}

# The timed `kb build`: the real command, with a timer around the answer index's build.
KB_BUILD_CHILD = r"""
import json, os, sys, time
import kb.answerindex as index
LOG, OFF = os.environ["KB_BENCH_INDEX_LOG"], os.environ.get("KB_BENCH_INDEX_OFF") == "1"
MAIN = os.getpid()
depth = [0]
def timed(name, function):
    def wrapper(*args, **kwargs):
        if OFF:
            return {}
        wall, cpu = time.perf_counter(), time.process_time()
        depth[0] += 1
        try:
            return function(*args, **kwargs)
        finally:
            depth[0] -= 1
            with open(LOG, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"function": name, "nested": depth[0] > 0,
                    "seconds": time.perf_counter() - wall,
                    "cpu_seconds": time.process_time() - cpu,
                    "second_process": os.getpid() != MAIN}) + "\n")
    return wrapper
for name in ("build_answer_index", "build_page_index"):
    if hasattr(index, name):
        setattr(index, name, timed(name, getattr(index, name)))
from kb.cli import main
sys.argv = ["kb"] + sys.argv[1:]
main()
"""

# Questions from answers.py, made in a child (answers.py imports Whoosh and kb.search)
# and kept in the work folder, so a later run asks the same ones even if they go.
QUESTIONS_CHILD = r"""
import json, sys
from datetime import date
sys.path.insert(0, sys.argv[1])
import answers, build
n, day, seed, count = sys.argv[2:6]
seed = int(seed)
specs = build.plan_articles(int(n), date.fromisoformat(day), seed)
print(json.dumps([q for _, q in answers.make_questions(specs, int(count), seed + 7)]))
"""

# --------------------------------------------------------------------------
# Browser side
# --------------------------------------------------------------------------

PAGEFIND_ASK = """async ([questions, limit, bundle]) => {
  const pagefind = await import(bundle + "pagefind.js");
  const out = [];
  for (const question of questions) {
    const started = performance.now();
    const search = await pagefind.search(question);
    const data = await Promise.all(search.results.slice(0, limit).map((r) => r.data()));
    out.push({ms: performance.now() - started, count: search.results.length,
              urls: data.map((d) => d.url), declined: false});
  }
  return out;
}"""

# kb: the public API when the page has it, else the engine the test injects, with a
# loader for the index format the site has ("json": format 1, fetched as text;
# "script": kbIndex(name, data) files loaded by <script>, contract 1 of issue 16).
KB_ASK = """async ([questions, limit, root, format]) => {
  let ask;
  if (window.kbHelp && typeof window.kbHelp.ask === "function") {
    ask = async (q) => {
      const r = await window.kbHelp.ask(q, {limit: limit});
      return {declined: !!r.declined, urls: (r.answers || []).map((a) => a.url)};
    };
  } else {
    if (!window.kbBenchEngine) {
      let loader;
      if (format === "script") {
        const waiting = new Map();
        globalThis.kbIndex = (name, data) => {
          const done = waiting.get(name);
          if (done) { waiting.delete(name); done(data); }
        };
        loader = (name) => new Promise((resolve) => {
          waiting.set(name, resolve);
          const script = document.createElement("script");
          script.src = new URL("search/" + name + ".js", root).href;
          script.onerror = () => { waiting.delete(name); resolve(null); };
          document.head.appendChild(script);
        });
      } else {
        loader = (name) => fetch(new URL("search/" + name, root)).then((response) => {
          if (response.status === 404) return null;
          if (!response.ok) throw new Error(name + ": HTTP " + response.status);
          return response.text();
        });
      }
      window.kbBenchEngine = new globalThis.kbEngine.Engine(loader);
    }
    ask = async (q) => {
      const r = await window.kbBenchEngine.ask(q, {limit: limit});
      return {declined: !!r.declined, urls: r.answers.map((h) => h.slug)};
    };
  }
  const out = [];
  for (const question of questions) {
    const started = performance.now();
    const answer = await ask(question);
    out.push({ms: performance.now() - started, ...answer});
  }
  return out;
}"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: str) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a port, so an origin, of its own); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(QuietHandler, directory=folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@functools.cache
def sent_bytes(path: str) -> tuple[int, int]:
    """(raw bytes, bytes as sent): min(raw, gzip level 6), see the module's docstring."""
    with open(path, "rb") as fh:
        raw = fh.read()
    return len(raw), min(len(raw), len(gzip.compress(raw, 6, mtime=0)))


def local_path(site: str, url: str, base: str) -> str | None:
    if not url.startswith(base):
        return None
    rel = url[len(base):].split("?")[0].split("#")[0]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel


def weigh(site: str, base: str, urls: list[str]) -> dict:
    """The files behind `urls` (each once): bytes as sent, and the requests that were
    not files of the site (other hosts, missing files)."""
    files, others = [], []
    for url in dict.fromkeys(urls):
        rel = local_path(site, url, base)
        path = os.path.join(site, rel) if rel is not None else None
        if path is None or not os.path.isfile(path):
            others.append(url)
            continue
        files.append([rel, sent_bytes(path)[1]])
    return {"gz": sum(size for _, size in files), "files": files, "not_files": others}


def search_part(rel: str) -> str | None:
    """'data', 'code' or None: what a fetched file is to the site search."""
    if rel.startswith(("search/", "pagefind/")):
        return "data"
    if ("workers/search" in rel or "/lunr/" in rel or rel.startswith("assets/kb/engine/")
            or rel.startswith("assets/kb/search.")):
        return "code"
    return None


class Browser:
    """One headless Chromium; each measurement gets a fresh context (an empty cache)."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM,
                                                       headless=True)
        self.version = self.browser.version

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()

    @contextlib.contextmanager
    def page(self, url: str, settle: str = "networkidle") -> Iterator[tuple[Any, list[str]]]:
        """A fresh context on `url`; yields the page and the list of URLs fetched so far
        (it grows; workers' requests included). Where a question is asked (settle
        "networkidle"), Material's search index is not served: its worker would build
        a lunr index of every page meanwhile (seconds of CPU at 10,000 articles), which
        is not what is measured."""
        context = self.browser.new_context()
        if settle == "networkidle":
            context.route("**/search/search_index.json", lambda route: route.abort())
        fetched: list[str] = []
        page = context.new_page()
        # The page's own events: in Chromium they include its workers' requests (Material's
        # search worker), which the context's events leave out.
        page.on("requestfinished", lambda request: fetched.append(request.url))
        try:
            page.goto(url, wait_until="load")
            if settle == "networkidle":
                page.wait_for_load_state("networkidle")
            else:  # not time.sleep: Playwright delivers the request events while it waits
                page.wait_for_timeout(FIRST_LOAD_WAIT * 1000)
            yield page, fetched
        finally:
            context.close()


def first_load(browser: Browser, site: str, path: str) -> dict:
    """An article's first load: every file fetched within 3 s of the load event."""
    with serve(site) as base, browser.page(base + path, settle="sleep") as (_, fetched):
        weighed = weigh(site, base, list(fetched))
    parts = {"data": 0, "code": 0}
    for rel, size in weighed["files"]:
        part = search_part(rel)
        if part:
            parts[part] += size
    weighed.update(search_data_gz=parts["data"], search_code_gz=parts["code"],
                   search_files=[rel for rel, _ in weighed["files"] if search_part(rel)])
    return weighed


def part_of_question(rel: str) -> str:
    """What a file fetched for a question is: engine (code), index, fragments (Pagefind's
    result texts) or other (kb's search module, texts, styles)."""
    name = os.path.basename(rel)
    if rel.startswith("assets/kb/engine/") or name.endswith((".pagefind", ".js")) and \
            name.startswith(("pagefind", "wasm.")):
        return "engine"
    if rel.startswith("search/") or name.endswith((".pf_meta", ".pf_index")) or \
            name == "pagefind-entry.json":
        return "index"
    if name.endswith(".pf_fragment"):
        return "fragments"
    return "other"


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] if ordered else 0.0


def spread(values: Sequence[float]) -> dict:
    return {"median": statistics.median(values) if values else 0, "p95": percentile(values, 0.95),
            "max": max(values, default=0), "n": len(values)}


class Asker:
    """How one engine is asked in a page: the JS function and what to do first."""

    def __init__(self, engine: str, site: str, bundle: str = "pagefind") -> None:
        self.engine, self.site, self.bundle = engine, site, bundle
        self.format = "script" if os.path.exists(os.path.join(site, "search", "meta.js")) \
            else "json"
        self.mode = "pagefind" if engine == "pagefind" else None

    def prepare(self, page: Any, base: str) -> None:
        """kb: inject the engine's scripts unless the page has window.kbHelp.ask."""
        if self.engine != "kb":
            return
        has_api = page.evaluate("!!(window.kbHelp && typeof window.kbHelp.ask === 'function')")
        self.mode = "api" if has_api else "injected"
        if not has_api:
            for name in ("analysis.js", "engine.js"):
                page.add_script_tag(url=f"{base}assets/kb/engine/{name}")

    def ask(self, page: Any, base: str, questions: list[str], limit: int) -> list[dict]:
        if self.engine == "pagefind":
            return page.evaluate(PAGEFIND_ASK, [questions, limit, f"/{self.bundle}/"])
        return page.evaluate(KB_ASK, [questions, limit, base, self.format])


def question_bytes(browser: Browser, asker: Asker, article: str, questions: list[str]) -> dict:
    """Per question: a fresh context on the article page, then the question (first) and
    the next question of the list (further); the files each fetched, bytes as sent."""
    first, further, files_first, missing = [], [], [], 0
    parts: dict[str, list[int]] = {}
    example: dict[str, Any] = {}
    worst: list = [-1]
    with serve(asker.site) as base:
        for i, question in enumerate(questions):
            after = questions[(i + 1) % len(questions)]
            with browser.page(base + article) as (page, fetched):
                seen = len(fetched)
                asker.prepare(page, base)
                asker.ask(page, base, [question], LIMIT)
                page.wait_for_timeout(SETTLE_MS)
                one = weigh(asker.site, base, fetched[seen:])
                seen = len(fetched)
                asker.ask(page, base, [after], LIMIT)
                page.wait_for_timeout(SETTLE_MS)
                had = {rel for rel, _ in one["files"]}
                two = weigh(asker.site, base, fetched[seen:])
                two_gz = sum(size for rel, size in two["files"] if rel not in had)
            if not example:  # the files of one question pair, to show what they are
                example = {"first": [question, one["files"]],
                           "further": [after, [f for f in two["files"] if f[0] not in had]]}
            first.append(one["gz"])
            shares: dict[str, int] = {}
            for rel, size in one["files"]:
                shares[part_of_question(rel)] = shares.get(part_of_question(rel), 0) + size
            for part in ("engine", "index", "fragments", "other"):
                parts.setdefault(part, []).append(shares.get(part, 0))
            further.append(two_gz)
            if two_gz > worst[0]:  # the heaviest further question and its files
                worst = [two_gz, question, after, [f for f in two["files"] if f[0] not in had]]
            files_first.append(len(one["files"]))
            missing += len(one["not_files"]) + len(two["not_files"])
    return {"first_gz": spread(first), "further_gz": spread(further),
            "first_files": spread(files_first), "not_files": missing,
            "first_parts_gz": {part: spread(sizes) for part, sizes in parts.items()},
            "first_gz_all": first, "further_gz_all": further, "mode": asker.mode,
            "example": example, "worst_further": worst}


def warm_latency(browser: Browser, asker: Asker, article: str, questions: list[str]) -> dict:
    """Every question once (loading what it needs), then each again, timed in the page."""
    with serve(asker.site) as base, browser.page(base + article) as (page, _):
        asker.prepare(page, base)
        cold = asker.ask(page, base, questions, LIMIT)
        warm = asker.ask(page, base, questions, LIMIT)
    return {"warm_ms": spread([r["ms"] for r in warm]),
            "cold_ms": spread([r["ms"] for r in cold]),
            "shown_nothing": sum(1 for r in warm if not r["urls"]),
            "declined": sum(1 for r in warm if r["declined"]), "mode": asker.mode}


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------

def timed(name: str, cmd: list[str], cwd: str, log: str, env: dict | None = None) -> dict:
    """One timed child (build.run), stopping the benchmark when it fails."""
    if env:
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
    try:
        result = build.checked(build.run(cmd, cwd, log), name, log)
    finally:
        if env:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    print(f"   {name:<22} {result.seconds:7.2f} s wall {result.cpu_seconds:7.2f} s CPU "
          f"{result.peak_mb:6.0f} MB (load {result.load:.2f}; other processes "
          f"{result.busy_cores:.2f} cores before, {result.others_during:.2f} during)",
          flush=True)
    return asdict(result)


def kb_build(project: str, today: date, log: str, index_off: bool = False,
             site_dir: str | None = None) -> dict:
    """The timed `kb build`, with the index's own timing (see the module docstring)."""
    index_log = log + ".index.jsonl"
    with contextlib.suppress(FileNotFoundError):
        os.remove(index_log)
    cmd = [sys.executable, "-c", KB_BUILD_CHILD, "build", "--today", today.isoformat()]
    if site_dir:
        cmd += ["--site-dir", site_dir]
    env = {"KB_BENCH_INDEX_LOG": index_log, "KB_BENCH_INDEX_OFF": "1" if index_off else "0"}
    run = timed("kb build" + (" (no index)" if index_off else ""), cmd, project, log, env)
    calls = []
    if os.path.exists(index_log):
        with open(index_log, encoding="utf-8") as fh:
            calls = [json.loads(line) for line in fh if line.strip()]
    top = [c for c in calls if not c["nested"]]
    run["index_calls"] = calls
    run["index_seconds"] = sum(c["seconds"] for c in top)
    run["index_cpu_seconds"] = sum(c["cpu_seconds"] for c in top)
    run["index_in_second_process"] = any(c.get("second_process") for c in top) if top \
        else None
    if not index_off:
        if not calls:
            print("   WARNING: kb build never called kb.answerindex.build_answer_index; "
                  "the index share is unknown", flush=True)
        else:
            where = "a second process" if run["index_in_second_process"] else "the build's"
            print(f"   {'':22} answer index: {run['index_seconds']:.2f} s wall, "
                  f"{run['index_cpu_seconds']:.2f} s CPU in {len(top)} call(s), in {where}",
                  flush=True)
    return run


def pagefind_command(spec: str | None) -> list[str] | None:
    """The pagefind command: --pagefind as a binary, or a Python with pagefind[bin]."""
    spec = spec or os.environ.get("PAGEFIND") or shutil.which("pagefind")
    if not spec:
        return None
    if os.path.basename(spec).startswith("python"):
        return [spec, "-m", "pagefind"]
    return [spec]


def pagefind_index(pagefind: list[str], site: str, log: str, bundle: str = "pagefind",
                   options: list[str] | None = None) -> dict:
    """`pagefind --site SITE` (with `options`), its bundle in SITE/<bundle>/."""
    shutil.rmtree(os.path.join(site, bundle), ignore_errors=True)
    cmd = pagefind + ["--site", site, "--output-subdir", bundle] + (options or [])
    run = timed("pagefind --site", cmd, os.path.dirname(site), log)
    with open(log, encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    pages = re.search(r"Indexed (\d+) pages?", text)
    total = files = 0
    for path in glob.glob(os.path.join(site, bundle, "**", "*"), recursive=True):
        if os.path.isfile(path):
            files += 1
            total += os.path.getsize(path)
    run.update(pages=int(pages.group(1)) if pages else None, files=files, bytes=total)
    return run


def index_size(site: str, folder: str) -> dict:
    """Files and bytes (raw, and as sent) of a site's search folder."""
    raw = sent = files = 0
    for path in glob.glob(os.path.join(site, folder, "**", "*"), recursive=True):
        if os.path.isfile(path):
            files += 1
            one_raw, one_sent = sent_bytes(path)
            raw += one_raw
            sent += one_sent
    return {"files": files, "raw": raw, "gz": sent}


def questions_for(n: int, count: int) -> list[str]:
    path = os.path.join(WORK, f"questions-{n}-{count}.json")
    if not os.path.exists(path):
        out = subprocess.run([sys.executable, "-c", QUESTIONS_CHILD, HERE, str(n),
                              TODAY.isoformat(), str(SEED), str(count)],
                             capture_output=True, text=True, check=True).stdout
        os.makedirs(WORK, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(out)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# --------------------------------------------------------------------------
# One size
# --------------------------------------------------------------------------

def bench_size(n: int, args: argparse.Namespace, only: set[str], query: bool) -> dict:
    print(f"\n== N = {n:,}: projects in {os.path.relpath(WORK)}/{n}/", flush=True)
    root = os.path.join(WORK, str(n))
    dirs = build.generate(n, args.today, SEED, root=root,
                          baseline=bool(only & {"material", "pagefind"}))
    article = build.plan_articles(n, args.today, SEED)[0].slug + "/"
    row: dict[str, Any] = {"n": n, "article": article, "material": {}, "pagefind": {},
                           "kb": {}}
    builds: dict[str, list[dict]] = {"kb": [], "material": []}
    for round_ in range(args.repeats):
        order = ["kb", "material"] if round_ % 2 == 0 else ["material", "kb"]
        for name in order:
            if name == "kb" and "kb" in only:
                builds["kb"].append(kb_build(dirs["kb"], args.today,
                                             os.path.join(root, "kb_build.log")))
            elif name == "material" and only & {"material", "pagefind"}:
                builds["material"].append(timed(
                    "mkdocs build (Material)", [build.tool("mkdocs"), "build", "--strict"],
                    dirs["baseline"], os.path.join(root, "material_build.log")))
    if builds["material"]:
        row["material"]["builds"] = builds["material"]
    if builds["kb"]:
        row["kb"]["builds"] = builds["kb"]
        if args.index_off:
            row["kb"]["builds_without_index"] = [kb_build(
                dirs["kb"], args.today, os.path.join(root, "kb_build_off.log"), index_off=True,
                site_dir=os.path.join(root, "kb-site-without-index"))]
        row["kb"]["index"] = index_size(os.path.join(dirs["kb"], "site"), "search")
    if "pagefind" in only:
        site = os.path.join(dirs["baseline"], "site")
        row["pagefind"]["index_runs"] = [pagefind_index(args.pagefind, site,
                                                        os.path.join(root, "pagefind.log"))
                                         for _ in range(args.repeats)]
        row["pagefind"]["index"] = index_size(site, "pagefind")
    if query:
        measure_pages(row, dirs, only, article, questions_for(n, args.questions))
    return row


def measure_pages(row: dict, dirs: dict[str, str], only: set[str], article: str,
                  questions: list[str]) -> None:
    """First loads, bytes per question and warm latency, in one browser."""
    browser = Browser()
    row["chromium"] = browser.version
    try:
        if only & {"material", "pagefind"}:
            site = os.path.join(dirs["baseline"], "site")
            row["material"]["first_load"] = first_load(browser, site, article)
            show_load("Material article first load", row["material"]["first_load"])
        if "pagefind" in only:
            asker = Asker("pagefind", os.path.join(dirs["baseline"], "site"))
            ask_both(row["pagefind"], browser, asker, article, questions, "Pagefind")
        if "kb" in only:
            site = os.path.join(dirs["kb"], "site")
            row["kb"]["first_load"] = first_load(browser, site, article)
            show_load("kb article first load", row["kb"]["first_load"])
            ask_both(row["kb"], browser, Asker("kb", site), article, questions, "kb")
    finally:
        browser.close()


def ask_both(out: dict, browser: Browser, asker: Asker, article: str,
             questions: list[str], label: str) -> None:
    out["questions"] = question_bytes(browser, asker, article, questions)
    out["latency"] = warm_latency(browser, asker, article, questions)
    q, lat = out["questions"], out["latency"]
    print(f"   {label} ({q['mode']}, {len(questions)} questions): first question "
          f"{q['first_gz']['median'] / 1000:.1f} KB median, {q['first_gz']['p95'] / 1000:.1f}"
          f" KB p95; further {q['further_gz']['median'] / 1000:.1f} / "
          f"{q['further_gz']['p95'] / 1000:.1f} KB; once loaded p50 "
          f"{lat['warm_ms']['median']:.1f} ms, p95 {lat['warm_ms']['p95']:.1f} ms", flush=True)


def show_load(label: str, load: dict) -> None:
    print(f"   {label}: {load['gz']:,} B in {len(load['files'])} files; search data "
          f"{load['search_data_gz']:,} B, search code {load['search_code_gz']:,} B", flush=True)


# --------------------------------------------------------------------------
# The demo's eval sets
# --------------------------------------------------------------------------

MATERIAL_DEMO = """\
site_name: Bonenbaai Klantenservice
site_url: https://help.bonenbaai.example/
docs_dir: docs
theme:
  name: material
  language: nl
  font: false
  features:
    - navigation.tabs
    - navigation.top
    - search.suggest
    - search.highlight
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
plugins:
  - search
  - blog:
      blog_dir: blog
      post_date_format: long
"""


def slug_of(url: str) -> str:
    url = re.sub(r"^[a-z]+://[^/]+", "", url or "").split("#")[0].split("?")[0]
    return re.sub(r"(index)?\.html$", "", url).strip("/")


def eval_sets() -> list[tuple[str, list[tuple[str, str]]]]:
    sets = []
    for path in sorted(glob.glob(os.path.join(HERE, "eval", "*.csv"))):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = [(" ".join(r["question"].split()), r["expected"].strip())
                    for r in csv.DictReader(fh)]
        sets.append((os.path.relpath(path, ROOT), rows))
    return sets


def score(rows: list[tuple[str, str]], answers: list[dict]) -> dict:
    """hit@1 / hit@3 over the answerable rows (first shown URL -> slug); how often
    nothing is shown, for the answerable rows and for the '-' rows."""
    hit1 = hit3 = answerable = nothing = unanswerable = silent = 0
    for (_, expected), answer in zip(rows, answers):
        shown = [slug_of(u) for u in answer["urls"]]
        if expected == "-":
            unanswerable += 1
            silent += not shown
            continue
        answerable += 1
        wanted = {e.strip().strip("/") for e in expected.split("|")}
        nothing += not shown
        hit1 += bool(shown[:1]) and shown[0] in wanted
        hit3 += any(s in wanted for s in shown[:EVAL_LIMIT])
    out: dict[str, Any] = {"n": len(rows), "answerable": answerable}
    if answerable:
        out.update(hit1=round(hit1 / answerable, 3), hit3=round(hit3 / answerable, 3),
                   nothing_on_answerable=round(nothing / answerable, 3))
    if unanswerable:
        out.update(unanswerable=unanswerable,
                   nothing_on_unanswerable=round(silent / unanswerable, 3))
    return out


# Material's chrome on every page (header, tabs, the nav sidebars with every page's
# title on the demo, footer): Pagefind indexes it unless told not to. Its own advice is
# data-pagefind-body on the content; a plain Material site can only pass selectors.
MATERIAL_CHROME = ".md-header, .md-tabs, .md-sidebar, .md-footer, .md-dialog, .md-skip"
DEMO_FILES = ("mkdocs.yml", "content", "theme", "popularity.csv")


def demo_sites(args: argparse.Namespace, only: set[str], root: str, out: dict) -> dict:
    """Build what the eval sets are asked of; returns engine -> (site, Pagefind bundle)."""
    sites: dict[str, tuple[str, str]] = {}
    if "pagefind" in only:
        folder = os.path.join(root, "material")
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, "content"), os.path.join(folder, "docs"))
        with open(os.path.join(folder, "mkdocs.yml"), "w", encoding="utf-8") as fh:
            fh.write(MATERIAL_DEMO)
        out["material_build"] = timed("mkdocs build (demo)", [build.tool("mkdocs"), "build"],
                                      folder, os.path.join(root, "material_build.log"))
        site = os.path.join(folder, "site")
        out["pagefind_index"] = pagefind_index(args.pagefind, site,
                                               os.path.join(root, "pagefind.log"))
        out["pagefind_content_index"] = pagefind_index(
            args.pagefind, site, os.path.join(root, "pagefind-content.log"),
            bundle="pagefind-content", options=["--exclude-selectors", MATERIAL_CHROME])
        sites["pagefind"] = (site, "pagefind")
        sites["pagefind-content"] = (site, "pagefind-content")
    if "kb" in only:
        # A copy of the demo project, so the build's cache and site stay out of the
        # working tree.
        folder = os.path.join(root, "kb")
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        for name in DEMO_FILES:
            source = os.path.join(ROOT, name)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(folder, name))
            elif os.path.exists(source):
                shutil.copy2(source, folder)
        out["kb_build"] = kb_build(folder, TODAY, os.path.join(root, "kb_build.log"))
        sites["kb"] = (os.path.join(folder, "site"), "")
    return sites


def demo_eval(args: argparse.Namespace, only: set[str]) -> dict:
    """Pagefind on a plain Material build of content/ (as it is, and with Material's
    chrome left out), kb on the demo as kb builds it; every eval set, limit 3."""
    print("\n== The demo help centre and benchmarks/eval/", flush=True)
    root = os.path.join(WORK, "demo")
    out: dict[str, Any] = {}
    sites = demo_sites(args, only, root, out)
    sets = eval_sets()
    browser = Browser()
    try:
        for engine, (site, bundle) in sites.items():
            asker = Asker("pagefind" if bundle else "kb", site, bundle)
            with serve(site) as base, browser.page(base) as (page, _):
                asker.prepare(page, base)
                scores = {}
                for name, rows in sets:
                    answers = asker.ask(page, base, [q for q, _ in rows], EVAL_LIMIT)
                    scores[name] = score(rows, answers)
                    print(f"   {engine:<16} {name}: {json.dumps(scores[name])}", flush=True)
            out[engine] = {"mode": asker.mode, "sets": scores}
    finally:
        browser.close()
    return out


# --------------------------------------------------------------------------
# Summary and tables
# --------------------------------------------------------------------------

def median_of(runs: list[dict] | None, key: str) -> float | None:
    values = [r[key] for r in runs or [] if r.get(key) is not None]
    return statistics.median(values) if values else None


def summarize(row: dict) -> dict:
    """Medians and ratios from a row's raw runs (also for --table-from)."""
    kb, material, pagefind = row.get("kb", {}), row.get("material", {}), row.get("pagefind", {})
    s: dict[str, Any] = {"n": row["n"]}
    s["material_s"] = median_of(material.get("builds"), "seconds")
    s["kb_s"] = median_of(kb.get("builds"), "seconds")
    s["kb_cpu_s"] = median_of(kb.get("builds"), "cpu_seconds")
    s["material_cpu_s"] = median_of(material.get("builds"), "cpu_seconds")
    s["index_s"] = median_of(kb.get("builds"), "index_seconds")
    s["index_cpu_s"] = median_of(kb.get("builds"), "index_cpu_seconds")
    s["kb_no_index_s"] = median_of(kb.get("builds_without_index"), "seconds")
    s["pagefind_s"] = median_of(pagefind.get("index_runs"), "seconds")
    s["load"] = median_of((kb.get("builds") or []) + (material.get("builds") or []), "load")
    if s["kb_s"] and s["material_s"]:
        s["build_ratio"] = s["kb_s"] / s["material_s"]
        s["cpu_ratio"] = s["kb_cpu_s"] / s["material_cpu_s"]
        if "from" not in kb and "from" not in material:  # paired: rounds of one run
            s["paired_ratio"] = statistics.median(
                k["seconds"] / m["seconds"] for k, m in zip(kb["builds"], material["builds"]))
    if s["index_s"] is not None and s["kb_s"]:
        s["index_share_wall"] = s["index_s"] / s["kb_s"]
        s["index_share_cpu"] = s["index_cpu_s"] / s["kb_cpu_s"]
    for name, part in (("material", material), ("kb", kb)):
        if "first_load" in part:
            s[f"{name}_load_gz"] = part["first_load"]["gz"]
            s[f"{name}_load_search_data_gz"] = part["first_load"]["search_data_gz"]
            s[f"{name}_load_search_code_gz"] = part["first_load"]["search_code_gz"]
    for name, part in (("pagefind", pagefind), ("kb", kb)):
        if "questions" in part:
            q, lat = part["questions"], part["latency"]
            s[f"{name}_mode"] = q["mode"]
            s[f"{name}_first_gz"] = q["first_gz"]
            s[f"{name}_further_gz"] = q["further_gz"]
            s[f"{name}_warm_ms"] = lat["warm_ms"]
        if "index" in part:
            s[f"{name}_index"] = part["index"]
    if "kb_first_gz" in s and "pagefind_first_gz" in s:
        s["first_vs_pagefind"] = s["kb_first_gz"]["median"] / max(1, s["pagefind_first_gz"][
            "median"])
        s["further_vs_pagefind"] = s["kb_further_gz"]["median"] / max(
            1, s["pagefind_further_gz"]["median"])
    return s


def num(value: Any, spec: str = ".2f", scale: float = 1) -> str:
    return "–" if value is None else format(value * scale, spec)


def kb_s(value: Any) -> str:
    return "–" if not value else f"{value / 1000:.1f}"


def tables(rows: list[dict], demo: dict | None) -> str:
    sums = [summarize(r) for r in rows]
    out = ["Builds (medians, wall s and CPU s; load = 1-minute load average before the "
           "builds)", "",
           "| N | Material + search | Pagefind index | kb build | kb / Material (paired) "
           "| CPU: Material / kb / ratio | answer index wall / CPU s | index share wall / CPU "
           "| kb without index | load |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sums:
        ratio = (f"{s['build_ratio']:.2f} ({num(s.get('paired_ratio'))})"
                 if "build_ratio" in s else "–")
        share = (f"{s['index_share_wall']:.1%} / {s['index_share_cpu']:.1%}"
                 if "index_share_wall" in s else "–")
        cpu = " / ".join([num(s["material_cpu_s"]), num(s["kb_cpu_s"]),
                          num(s.get("cpu_ratio"))])
        out.append(f"| {s['n']:,} | {num(s['material_s'])} | {num(s['pagefind_s'])} "
                   f"| {num(s['kb_s'])} | {ratio} | {cpu} | {num(s['index_s'])} / "
                   f"{num(s['index_cpu_s'])} | {share} | {num(s['kb_no_index_s'])} "
                   f"| {num(s['load'])} |")
    out += ["", "An article's first load (KB as sent, everything fetched within 3 s)", "",
            "| N | Material | of which search data | search code | kb | kb search data "
            "| kb search code |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sums:
        if "material_load_gz" in s or "kb_load_gz" in s:
            out.append(
                f"| {s['n']:,} | {kb_s(s.get('material_load_gz'))} "
                f"| {kb_s(s.get('material_load_search_data_gz'))} "
                f"| {kb_s(s.get('material_load_search_code_gz'))} | {kb_s(s.get('kb_load_gz'))}"
                f" | {num(s.get('kb_load_search_data_gz'), ',')} "
                f"| {num(s.get('kb_load_search_code_gz'), ',')} |")
    out += ["", "Questions (KB as sent; median / p95 over the synthetic questions; ms once "
            "loaded, p50 / p95)", "",
            "| N | engine | first question | further question | ms per question "
            "| whole index (files, KB as sent) |", "|---:|---|---:|---:|---:|---:|"]
    for s in sums:
        for name in ("pagefind", "kb"):
            if f"{name}_first_gz" not in s:
                continue
            first, further, ms = (s[f"{name}_first_gz"], s[f"{name}_further_gz"],
                                  s[f"{name}_warm_ms"])
            index = s.get(f"{name}_index")
            whole = f"{index['files']:,} files, {index['gz'] / 1000:,.0f}" if index else "–"
            label = name if name == "pagefind" else f"kb ({s['kb_mode']})"
            out.append(f"| {s['n']:,} | {label} | {kb_s(first['median'])} / {kb_s(first['p95'])}"
                       f" | {kb_s(further['median'])} / {kb_s(further['p95'])} "
                       f"| {ms['median']:.1f} / {ms['p95']:.1f} | {whole} |")
    if demo:
        out += demo_table(demo)
    return "\n".join(out + targets(sums))


def targets(sums: list[dict]) -> list[str]:
    """kb against issue 16's point 5, and its bytes beside Pagefind's."""
    t, out = TARGETS, []

    def line(what: str, value: str, met: bool) -> None:
        out.append(f"- {what}: {value}, {'met' if met else 'NOT met'}")

    for s in sums:
        n = f"{s['n']:,}"
        if "kb_load_gz" in s:
            line(f"an article's first load <= {t['article_first_load_gz']:,} B at {n}",
                 f"{s['kb_load_gz']:,} B", s["kb_load_gz"] <= t["article_first_load_gz"])
            line(f"no search data on a first load at {n}",
                 f"{s['kb_load_search_data_gz']:,} B", s["kb_load_search_data_gz"] == 0)
        if "kb_first_gz" in s:
            first, further = s["kb_first_gz"]["max"], s["kb_further_gz"]["max"]
            line(f"first question <= {t['first_question_gz']:,} B at {n} (max over the "
                 f"questions)", f"{first:,} B", first <= t["first_question_gz"])
            line(f"further question <= {t['further_question_gz']:,} B at {n} (max)",
                 f"{further:,} B", further <= t["further_question_gz"])
            p95 = s["kb_warm_ms"]["p95"]
            line(f"p95 once loaded <= {t['p95_ms']} ms at {n}", f"{p95:.1f} ms",
                 p95 <= t["p95_ms"])
        if "index_share_cpu" in s:
            share = s["index_share_cpu"]
            line(f"answer index <= {t['index_share']:.0%} of kb build at {n} (CPU time: "
                 "from 1,000 articles it runs on a second core, so its wall time overlaps "
                 "the rendering)", f"{share:.1%}", share <= t["index_share"])
        if "build_ratio" in s and "paired_ratio" not in s:
            out.append(f"- kb build beside plain Material at {n}: {s['build_ratio']:.2f}x "
                       f"wall, CPU {s['cpu_ratio']:.2f}x, from two runs: not judged (run "
                       "both in one run)")
        elif "build_ratio" in s:
            line(f"kb build <= {t['build_ratio']}x plain Material at {n}",
                 f"{s['build_ratio']:.2f}x wall (CPU {s['cpu_ratio']:.2f}x, paired "
                 f"{num(s.get('paired_ratio'))}x)", s["build_ratio"] <= t["build_ratio"])
        if "first_vs_pagefind" in s:
            out.append(f"- bytes beside Pagefind at {n} (medians): first question "
                       f"{s['first_vs_pagefind']:.2f}x, further {s['further_vs_pagefind']:.2f}x")
    return ["", "Issue 16, point 5 (kb)", ""] + out if out else []


DEMO_ENGINES = {"pagefind": "Pagefind (`pagefind --site`)",
                "pagefind-content": "Pagefind without Material's chrome",
                "kb": "kb"}


def demo_table(demo: dict) -> list[str]:
    out = ["", "The demo's eval sets (3 results asked; kb: what it shows, a decline shows "
           "nothing)", "",
           "| set | engine | questions | hit@1 | hit@3 | shows nothing: answerable | "
           "shows nothing: '-' rows |", "|---|---|---:|---:|---:|---:|---:|"]
    names = sorted({name for engine in DEMO_ENGINES if engine in demo
                    for name in demo[engine]["sets"]})
    for name in names:
        for engine, label in DEMO_ENGINES.items():
            one = demo.get(engine, {}).get("sets", {}).get(name)
            if not one:
                continue
            if engine == "kb":
                label += f" ({demo[engine]['mode']})"
            out.append(f"| {os.path.basename(name)} | {label} | {one['n']} "
                       f"| {num(one.get('hit1'), '.3f')} | {num(one.get('hit3'), '.3f')} "
                       f"| {num(one.get('nothing_on_answerable'), '.1%')} "
                       f"| {num(one.get('nothing_on_unanswerable'), '.1%')} |")
    return out


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def machine(pagefind: list[str] | None) -> dict:
    info = build.machine()
    info["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    if pagefind:
        version = subprocess.run(pagefind + ["--version"], capture_output=True, text=True)
        info["pagefind"] = version.stdout.strip() or version.stderr.strip()
    with contextlib.suppress(Exception):
        from importlib import metadata
        info["playwright"] = metadata.version("playwright")
    return build.show_machine(info)


def merge_baseline(rows: list[dict], demo: dict | None, path: str,
                   only: set[str]) -> tuple[list[dict], dict | None]:
    """Fill the engines this run left out from an earlier --json FILE."""
    with open(path, encoding="utf-8") as fh:
        saved = json.load(fh)
    old = {r["n"]: r for r in saved["results"]}
    for row in rows:
        for engine in set(ENGINES) - only:
            if row["n"] in old and old[row["n"]].get(engine):
                row[engine] = {**old[row["n"]][engine], "from": path}
    for n, old_row in old.items():
        if n not in {r["n"] for r in rows}:
            rows.append({**{e: {} for e in ENGINES}, "n": n,
                         **{e: {**old_row[e], "from": path} for e in set(ENGINES) - only
                            if old_row.get(e)}})
    rows.sort(key=lambda r: r["n"])
    if saved.get("demo"):
        demo = demo or {}
        for engine in DEMO_ENGINES:
            if engine.split("-")[0] not in only and engine in saved["demo"] \
                    and engine not in demo:
                demo[engine] = {**saved["demo"][engine], "from": path}
    return rows, demo


def sizes(text: str) -> list[int]:
    return [int(part) for part in text.replace(" ", ",").split(",") if part]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=sizes, default=[1000, 3000, 10000],
                        help="numbers of articles to build (default: 1000,3000,10000)")
    parser.add_argument("--query-sizes", type=sizes, default=[1000, 10000],
                        help="of those, where page loads and questions are measured "
                             "(default: 1000,10000)")
    parser.add_argument("--only", type=lambda t: set(t.split(",")), default=set(ENGINES),
                        help="material, pagefind and/or kb (default: all three)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="timed builds per size and engine; medians (default: 1)")
    parser.add_argument("--questions", type=int, default=200,
                        help="synthetic questions per size (default: 200)")
    parser.add_argument("--pagefind", metavar="CMD",
                        help="the pagefind binary, or a Python with pagefind[bin] installed "
                             "(default: $PAGEFIND or pagefind on PATH)")
    parser.add_argument("--index-off", action="store_true",
                        help="kb: one more build per size without the answer index")
    parser.add_argument("--no-demo", action="store_true",
                        help="leave out the demo's eval sets")
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY,
                        help=f"the day kb builds for (default: {TODAY})")
    parser.add_argument("--baseline", metavar="FILE",
                        help="take the engines left out by --only from an earlier --json FILE")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON to FILE")
    parser.add_argument("--table-from", metavar="FILE", help="only print the tables of FILE")
    args = parser.parse_args(argv)
    if args.only - set(ENGINES):
        parser.error(f"--only takes {', '.join(ENGINES)}")
    args.pagefind = pagefind_command(args.pagefind)
    if "pagefind" in args.only and not args.pagefind and not args.table_from:
        parser.error("Pagefind is not found: pass --pagefind (a binary, or a Python with "
                     "pagefind[bin]) or leave it out with --only material,kb")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.table_from:
        with open(args.table_from, encoding="utf-8") as fh:
            saved = json.load(fh)
        print(tables(saved["results"], saved.get("demo")))
        return 0
    build.use_idle_options(argparse.Namespace(idle_threshold=0.0, idle_timeout=0.0))
    info = machine(args.pagefind if "pagefind" in args.only else None)
    started = time.perf_counter()
    rows = [bench_size(n, args, args.only, n in args.query_sizes) for n in args.sizes]
    demo = None if args.no_demo or not args.only & {"pagefind", "kb"} else \
        demo_eval(args, args.only)
    if args.baseline:
        rows, demo = merge_baseline(rows, demo, args.baseline, args.only)
    info["uptime_after"] = subprocess.run(["uptime"], capture_output=True,
                                          text=True).stdout.strip()
    print()
    print(tables(rows, demo))
    if args.json:
        payload = {"machine": info, "command": "python " + " ".join(sys.argv),
                   "today": args.today.isoformat(), "minutes": (time.perf_counter() - started)
                   / 60, "targets": TARGETS, "results": rows,
                   "summary": [summarize(r) for r in rows], "demo": demo}
        with open(args.json, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(payload, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
