#!/usr/bin/env python
"""Audit of the built demo help centre: Lighthouse, axe-core, the Nu HTML checker and
page weight, as a shopper's browser and a search engine see the site.

1. Builds the demo (``kb build --today 2026-11-22 -d benchmarks/work/audit/site``) as a
   child process from the repository root.
2. Serves it on 127.0.0.1 with a small HTTP server that, like real static hosts, sends
   html, css, js, json, svg, xml and txt gzipped (level 6, Content-Encoding: gzip; the
   compressed bytes are cached per file), gives Material's fingerprinted assets a long
   cache lifetime, and answers a missing path with 404.html and status 404.
3. Lighthouse (npm ``lighthouse``, Debian's Chromium through CHROME_PATH, mobile form
   factor, the default simulated throttling) on the home page, a policy area, an
   article, the contact page and 404.html: the four category scores, the metrics and
   every audit that falls short. JSON reports are kept in benchmarks/work/audit/.
4. axe-core (axe-playwright-python in Debian's Chromium) on the same pages plus a stage
   page and the help-block demo shop pages, in a phone and a desktop viewport, light and
   dark colour scheme, with the first question of a list opened: every violation with
   its nodes.
5. The W3C Nu HTML checker (npm ``vnu-jar``, run with Java) on the built HTML of those
   pages. Each error is put down to kb (inside the page content that kb renders, or
   naming a kb class, file or attribute) or to Material's own templates.
6. Page weight: every page loaded in a fresh browser context (cold cache) at
   Lighthouse's phone size; the server counts the bytes it sends (body as sent, i.e.
   gzipped, plus headers) per type, with search data (the answer index's files below
   search/) counted apart, and the search code (kb's engine and search scripts) in a
   column of its own: a first load should fetch neither (issue 16).
7. The site's answer index (search/*.js): files, raw and gzip size (each file gzipped
   alone, as a browser fetches only those a question needs), articles, bytes per
   article, and the pages corpus (search/pages/).

The Node tools live in benchmarks/work/audit-tools/ (git-ignored). When they are
missing the script installs them once with npm, saying so first:

    npm install --prefix benchmarks/work/audit-tools --no-audit --no-fund \\
        --ignore-scripts lighthouse@12 vnu-jar

(``--ignore-scripts``: vnu-jar's install script would fetch a Java runtime; the
system's Java is used instead.) Results, with the machine and tool versions, go to
benchmarks/results/audit-<date>.json and a summary table is printed.

Run:  python benchmarks/audit.py [--runs 3] [--skip-lighthouse] [--json FILE]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import date
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from urllib.parse import quote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import build  # noqa: E402  (machine details and the busy-cores probe)

WORK = Path(HERE) / "work" / "audit"
SITE = WORK / "site"
TOOLS = Path(HERE) / "work" / "audit-tools"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
VNU = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NPM_PACKAGES = ["lighthouse@12", "vnu-jar"]
TODAY = "2026-11-22"           # the demo's day, as in the other benchmarks
CHROMIUM = "/usr/bin/chromium"
GZIP_LEVEL = 6                 # the usual default of nginx's and Apache's gzip modules
WEIGHT_BUDGET = 90 * 1024      # first load of an article page, gzip, search index apart
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
PHONE = {"width": 412, "height": 823}      # Lighthouse's mobile screen (Moto G Power)
DESKTOP = {"width": 1280, "height": 900}

# name -> path below the site root. Lighthouse and page weight take the first five
# (and 404.html when the build has one); axe and the Nu checker take all.
PAGES = {
    "home": "",
    "area": "topics/returns/",
    "article": "retourneren/retourtermijn/",
    "contact": "contact/",
    "404": "404.html",
    "stage": "stages/delivery/",
    "demo-product": "help/demo/product.html",
    "demo-cart": "help/demo/cart.html",
}
LIGHTHOUSE_PAGES = ["home", "area", "article", "contact", "404"]
# Search data: the answer index's files (search/*.js, search/pages/*.js) or, on a site
# with Material's search, its search_index.json. (search/ itself is kb's search page.)
SEARCH_DATA = re.compile(r"^/search/.+\.(?:js|json)$")
# Search code: kb's engine and search UI, or Material's search worker and lunr.
SEARCH_CODE = re.compile(r"/assets/(?:kb/engine/|kb/search\.|javascripts/workers/search\."
                         r"|javascripts/lunr/)")
COMPRESSIBLE = ("text/", "application/javascript", "application/json",
                "application/manifest+json", "application/xml", "image/svg+xml")
# Material's file names carry a content hash: a host may let browsers keep them.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.min\.(?:js|css)$")


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, **kwargs)


# --------------------------------------------------------------------------
# Tools and build
# --------------------------------------------------------------------------

def ensure_tools() -> dict:
    """Install Lighthouse and vnu-jar under benchmarks/work/audit-tools when missing."""
    if not (LIGHTHOUSE.exists() and VNU.exists()):
        if not shutil.which("npm"):
            sys.exit("npm is needed to install lighthouse and vnu-jar (Node 18 or later)")
        command = ["npm", "install", "--prefix", os.path.relpath(TOOLS, ROOT), "--no-audit",
                   "--no-fund", "--ignore-scripts", *NPM_PACKAGES]
        print("Installing the audit tools (once): " + " ".join(command), flush=True)
        TOOLS.mkdir(parents=True, exist_ok=True)
        if run(command).returncode or not (LIGHTHOUSE.exists() and VNU.exists()):
            sys.exit("npm install failed; see above")
    if not shutil.which("java"):
        sys.exit("the Nu HTML checker needs Java (apt-get install default-jre-headless)")
    if not os.path.exists(CHROMIUM):
        sys.exit(f"Debian's Chromium is needed at {CHROMIUM} (apt-get install chromium)")

    def package(name: str) -> str:
        path = TOOLS / "node_modules" / name / "package.json"
        return json.loads(path.read_text(encoding="utf-8"))["version"]

    java = run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    chromium = run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    node = run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {"lighthouse": package("lighthouse"), "vnu-jar": package("vnu-jar"),
            "java": java[0] if java else "?", "chromium": chromium, "node": node,
            "playwright": metadata.version("playwright"),
            "axe-playwright-python": metadata.version("axe-playwright-python")}


def kb_build() -> dict:
    command = ["kb", "build", "--today", TODAY, "-d", os.path.relpath(SITE, ROOT)]
    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / "build.log"
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as fh:
        done = run(command, stdout=fh, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}); see {log}")
    commit = run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                 text=True).stdout.strip()
    changed = run(["git", "status", "--porcelain", "--", "kb", "content", "theme",
                   "mkdocs.yml"], capture_output=True, text=True).stdout.splitlines()
    return {"command": " ".join(command), "seconds": round(seconds, 2), "commit": commit,
            "uncommitted_changes": changed}


def pages_present() -> dict[str, str]:
    """PAGES that exist in this build (404.html only when the build makes one)."""
    found = {}
    for name, path in PAGES.items():
        target = SITE / path / "index.html" if path.endswith("/") or not path else SITE / path
        if target.is_file():
            found[name] = path
    return found


# --------------------------------------------------------------------------
# A static server that compresses like a real host and counts what it sends
# --------------------------------------------------------------------------

class GzipHandler(SimpleHTTPRequestHandler):
    """GET/HEAD of the built site, text types gzipped (cached), every response logged."""

    server: GzipServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        path = self.translate_path(parts.path)
        if os.path.isdir(path):
            if not parts.path.endswith("/"):
                location = parts.path + "/" + (f"?{parts.query}" if parts.query else "")
                self._respond(301, b"", {"Location": location}, send_body)
                return
            path = os.path.join(path, "index.html")
        status = 200
        if not os.path.isfile(path):
            status, path = 404, os.path.join(self.directory, "404.html")
            if not os.path.isfile(path):
                self._respond(404, b"Not found", {"Content-Type": "text/plain"}, send_body)
                return
        ctype = self.guess_type(path)
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        body, compressed = self.server.body(path, ctype, wants_gzip)
        headers = {"Content-Type": ctype + ("; charset=utf-8" if ctype.startswith("text/")
                                            else ""),
                   "Cache-Control": ("public, max-age=31536000, immutable"
                                     if FINGERPRINTED.search(path) else "no-cache")}
        if compressed:
            headers["Content-Encoding"] = "gzip"
        if ctype.startswith(COMPRESSIBLE):
            headers["Vary"] = "Accept-Encoding"
        self._respond(status, body, headers, send_body)

    def _respond(self, status: int, body: bytes, headers: dict, send_body: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        header_bytes = sum(len(line) for line in getattr(self, "_headers_buffer", [])) + 2
        self.end_headers()
        if send_body:
            self.wfile.write(body)
        self.server.note(urlsplit(self.path).path, status, headers.get("Content-Type", ""),
                         len(body) if send_body else 0, header_bytes,
                         headers.get("Content-Encoding", ""))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class GzipServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, directory: Path) -> None:
        super().__init__(("127.0.0.1", 0),
                         functools.partial(GzipHandler, directory=str(directory)))
        self.lock = threading.Lock()
        self.cache: dict[str, tuple[float, bytes, bytes | None]] = {}
        self.requests: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def body(self, path: str, ctype: str, wants_gzip: bool) -> tuple[bytes, bool]:
        mtime = os.stat(path).st_mtime
        with self.lock:
            cached = self.cache.get(path)
        if cached is None or cached[0] != mtime:
            raw = Path(path).read_bytes()
            packed = (gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)
                      if ctype.startswith(COMPRESSIBLE) else None)
            cached = (mtime, raw, packed)
            with self.lock:
                self.cache[path] = cached
        if wants_gzip and cached[2] is not None:
            return cached[2], True
        return cached[1], False

    def note(self, path: str, status: int, ctype: str, body: int, headers: int,
             encoding: str) -> None:
        with self.lock:
            self.requests.append({"path": path, "status": status, "type": ctype.split(";")[0],
                                  "body": body, "headers": headers, "encoding": encoding})

    def take(self) -> list[dict]:
        with self.lock:
            taken, self.requests = self.requests, []
        return taken


def serve() -> GzipServer:
    server = GzipServer(SITE)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --------------------------------------------------------------------------
# Lighthouse
# --------------------------------------------------------------------------

def lighthouse_once(url: str, out: Path) -> dict:
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=" + ",".join(CATEGORIES),
               "--chrome-flags=--headless=new --no-sandbox"]
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    done = run(command, env=env, capture_output=True, text=True)
    if done.returncode or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def shortfalls(report: dict) -> list[dict]:
    """Every audit of the four categories that scores below 1 (and counts)."""
    found = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit.get("score") is None or audit["score"] >= 1:
                continue
            if audit.get("scoreDisplayMode") in ("notApplicable", "manual", "informative"):
                continue
            if category == "performance" and not ref.get("weight"):
                continue  # a diagnostic without weight
            items = (audit.get("details") or {}).get("items") or []
            examples = []
            for item in items[:5]:
                node = item.get("node") or {}
                examples.append(node.get("snippet") or item.get("url") or
                                node.get("selector") or str(item)[:200])
            found.append({"category": category, "id": ref["id"], "title": audit["title"],
                          "score": audit["score"], "weight": ref.get("weight", 0),
                          "display": audit.get("displayValue", ""), "examples": examples})
    return found


METRICS = {"first-contentful-paint": "fcp_ms", "largest-contentful-paint": "lcp_ms",
           "total-blocking-time": "tbt_ms", "cumulative-layout-shift": "cls",
           "speed-index": "si_ms"}


def summarize_report(report: dict, path: Path) -> dict:
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    metrics = {name: round(report["audits"][audit]["numericValue"],
                           3 if name == "cls" else 0)
               for audit, name in METRICS.items()}
    weight = report["audits"].get("total-byte-weight", {}).get("numericValue")
    return {"scores": scores, "metrics": metrics, "total_byte_weight": weight,
            "shortfalls": shortfalls(report), "report": os.path.relpath(path, ROOT),
            "lighthouse": report.get("lighthouseVersion"),
            "form_factor": report["configSettings"]["formFactor"],
            "throttling": report["configSettings"]["throttlingMethod"]}


def lighthouse(server: GzipServer, pages: dict[str, str], runs: int) -> dict:
    out: dict = {}
    for name in LIGHTHOUSE_PAGES:
        if name not in pages:
            continue
        reports = []
        for i in range(runs):
            path = WORK / f"lighthouse-{name}-{i + 1}.json"
            started = time.perf_counter()
            report = lighthouse_once(server.url + quote(pages[name]), path)
            reports.append((report, path))
            print(f"   Lighthouse {name} run {i + 1}: "
                  + " ".join(f"{c} {round(report['categories'][c]['score'] * 100)}"
                             for c in CATEGORIES)
                  + f" ({time.perf_counter() - started:.0f} s)", flush=True)
        server.take()
        # The run with the median performance score stands for the page.
        ranked = sorted(reports, key=lambda r: r[0]["categories"]["performance"]["score"])
        report, path = ranked[(len(ranked) - 1) // 2]
        row = summarize_report(report, path)
        row["url"] = "/" + pages[name]
        row["performance_all_runs"] = [round(r["categories"]["performance"]["score"] * 100)
                                       for r, _ in reports]
        out[name] = row
    return out


# --------------------------------------------------------------------------
# axe-core and page weight, in Playwright's Chromium
# --------------------------------------------------------------------------

def open_first_question(page) -> None:
    summary = page.locator("details.kb-question > summary")
    if summary.count():
        summary.first.click()
    toggle = page.locator(".kb-help__toggle")
    if toggle.count():
        toggle.first.click()


def axe_checks(browser, server: GzipServer, pages: dict[str, str]) -> dict:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    out: dict = {}
    for name, path in pages.items():
        for label, viewport, scheme in [("phone", PHONE, "light"), ("phone", PHONE, "dark"),
                                        ("desktop", DESKTOP, "light")]:
            context = browser.new_context(viewport=viewport, color_scheme=scheme,
                                          locale="nl-NL", is_mobile=label == "phone",
                                          has_touch=label == "phone")
            try:
                page = context.new_page()
                page.goto(server.url + quote(path))
                page.wait_for_load_state("networkidle")
                if name.startswith("demo-"):
                    page.wait_for_selector(".kb-help__toggle")
                open_first_question(page)
                result = axe.run(page)
                violations = [{
                    "id": v["id"], "impact": v.get("impact"), "help": v["help"],
                    "nodes": [{"target": n.get("target"), "html": n.get("html", "")[:300],
                               "summary": n.get("failureSummary", "")[:400]}
                              for n in v["nodes"]],
                } for v in result.response["violations"]]
                out.setdefault("axe-core", result.response.get("testEngine", {}).get("version"))
                out.setdefault("pages", {})[f"{name} ({label}, {scheme})"] = {
                    "url": "/" + path, "violations": violations,
                    "count": len(violations),
                    "nodes": sum(len(v["nodes"]) for v in violations),
                    "passes": len(result.response["passes"])}
            finally:
                context.close()
    server.take()
    return out


def kind_of(ctype: str, path: str) -> str:
    if ctype == "text/html":
        return "html"
    if ctype == "text/css":
        return "css"
    if "javascript" in ctype:
        return "js"
    if "json" in ctype:
        return "json"
    if ctype.startswith("image/"):
        return "image"
    if ctype.startswith("font/") or path.endswith((".woff", ".woff2")):
        return "font"
    return "other"


def page_weight(browser, server: GzipServer, pages: dict[str, str]) -> dict:
    """Cold loads at a phone's size; what the server sent, per type."""
    out: dict = {}
    server.take()
    for name in LIGHTHOUSE_PAGES + ["stage"]:
        if name not in pages:
            continue
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                      locale="nl-NL")
        try:
            page = context.new_page()
            page.goto(server.url + quote(pages[name]))
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1000)  # lazily started work (any search loading) too
        finally:
            context.close()
        requests = server.take()
        index = [r for r in requests if SEARCH_DATA.match(r["path"])]
        rest = [r for r in requests if not SEARCH_DATA.match(r["path"])]
        by_type: dict[str, int] = defaultdict(int)
        for r in rest:
            by_type[kind_of(r["type"], r["path"])] += r["body"] + r["headers"]
        body = sum(r["body"] for r in rest)
        headers = sum(r["headers"] for r in rest)
        # kb loads its engine and search UI when a shopper first uses a search box;
        # Material's worker and lunr files came on every first load.
        search_code = sum(r["body"] for r in rest if SEARCH_CODE.search(r["path"]))
        out[name] = {
            "url": "/" + pages[name], "requests": len(rest),
            "body_bytes": body, "header_bytes": headers, "transferred_bytes": body + headers,
            "by_type": dict(sorted(by_type.items(), key=lambda kv: -kv[1])),
            "files": [{"path": r["path"], "type": kind_of(r["type"], r["path"]),
                       "body": r["body"], "headers": r["headers"],
                       "gzip": r["encoding"] == "gzip", "status": r["status"]} for r in rest],
            "uncompressed_text": [r["path"] for r in rest if r["encoding"] != "gzip"
                                  and r["type"].startswith(COMPRESSIBLE) and r["body"]],
            "search_index_fetched": bool(index),
            "search_index_bytes": sum(r["body"] + r["headers"] for r in index),
            "search_code_body_bytes": search_code,
            "within_budget": body <= WEIGHT_BUDGET,
        }
    return out


def browser_checks(server: GzipServer, pages: dict[str, str], axe: bool,
                   weight: bool) -> tuple[dict | None, dict | None]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            weights = page_weight(browser, server, pages) if weight else None
            axes = axe_checks(browser, server, pages) if axe else None
        finally:
            browser.close()
    return axes, weights


# --------------------------------------------------------------------------
# The Nu HTML checker
# --------------------------------------------------------------------------

class ContentSpan(HTMLParser):
    """The lines of Material's <article class="md-content__inner ...">, which holds the
    page content that kb (and the editor's Markdown) renders."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.start = self.end = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag != "article":
            return
        classes = (dict(attrs).get("class") or "").split()
        if self.start is None and "md-content__inner" in classes:
            self.start, self.depth = self.getpos()[0], 1
        elif self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1
            if not self.depth:
                self.end = self.getpos()[0]


KB_MARKS = re.compile(r'class="[^"]*\bkb-|data-kb-|/kb/|kb-help|application/ld\+json')


def origin(message: dict, span: tuple[int | None, int | None], whole_page_kb: bool) -> str:
    if whole_page_kb:
        return "kb"
    line = message.get("lastLine") or message.get("firstLine") or 0
    start, end = span
    if start is not None and start <= line <= (end or 10**9):
        return "kb"
    if KB_MARKS.search(message.get("extract", "")):
        return "kb"
    return "material"


def nu_check(pages: dict[str, str]) -> dict:
    files = {}
    for name, path in pages.items():
        target = SITE / path / "index.html" if path.endswith("/") or not path else SITE / path
        files[str(target.resolve())] = name
    command = ["java", "-jar", str(VNU), "--format", "json", *files]
    done = run(command, capture_output=True, text=True)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    out: dict = {"pages": {}}
    spans = {}
    for file in files:
        parser = ContentSpan()
        parser.feed(Path(file).read_text(encoding="utf-8"))
        spans[file] = (parser.start, parser.end)
    for name in pages:
        out["pages"][name] = {"errors": {"kb": [], "material": []}, "warnings": 0, "info": 0}
    for m in messages:
        file = urlsplit(m.get("url", "")).path
        name = files.get(file)
        if name is None:
            continue
        row = out["pages"][name]
        if m["type"] == "error":
            who = origin(m, spans[file], name.startswith("demo-"))
            row["errors"][who].append({"line": m.get("lastLine"), "message": m["message"],
                                       "extract": m.get("extract", "").strip()[:200]})
        elif m.get("subType") == "warning":
            row["warnings"] += 1
        else:
            row["info"] += 1
    # The same Material error on many pages is one thing to fix: list them once.
    distinct: dict[str, Counter] = {"kb": Counter(), "material": Counter()}
    for row in out["pages"].values():
        for who, errors in row["errors"].items():
            distinct[who].update({e["message"] for e in errors})
    out["distinct"] = {who: dict(c) for who, c in distinct.items()}
    out["totals"] = {who: sum(len(r["errors"][who]) for r in out["pages"].values())
                     for who in ("kb", "material")}
    return out


# --------------------------------------------------------------------------
# The answer index the site ships
# --------------------------------------------------------------------------

def search_index() -> dict | None:
    """The answer index a build ships below search/ (kb.answerindex): its files, their
    bytes raw and gzipped one by one, and per article; the pages corpus apart."""
    folder = SITE / "search"
    files = sorted(p for p in folder.rglob("*.js")) if folder.is_dir() else []
    if not files:
        return None
    meta = _index_meta(folder / "meta.js")
    pages = _index_meta(folder / "pages" / "meta.js") or {}
    articles = (meta or {}).get("total", 0)
    raw = sum(len(p.read_bytes()) for p in files)
    packed = sum(len(gzip.compress(p.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0))
                 for p in files)
    in_pages = [p for p in files if p.relative_to(folder).parts[0] == "pages"]
    return {
        "files": len(files), "raw_bytes": raw, "gzip_bytes": packed, "articles": articles,
        "raw_bytes_per_article": round(raw / max(1, articles)),
        "gzip_bytes_per_article": round(packed / max(1, articles)),
        "pages": pages.get("total", 0), "pages_files": len(in_pages),
        "pages_raw_bytes": sum(len(p.read_bytes()) for p in in_pages),
    }


def _index_meta(path: Path) -> dict | None:
    """An index's meta.js without its kbIndex(...) wrapper (contract 1 of issue 16)."""
    from kb.answerindex import unwrap_script

    if not path.is_file():
        return None
    return unwrap_script(path.read_bytes())[1]


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def report(result: dict) -> str:
    lines = []
    lh = result.get("lighthouse")
    if lh:
        lines += ["Lighthouse (mobile):", "",
                  "| page | performance | accessibility | best practices | SEO "
                  "| LCP ms | TBT ms | CLS |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, row in lh.items():
            s, m = row["scores"], row["metrics"]
            lines.append(f"| {name} `{row['url']}` | {s['performance']} | {s['accessibility']} "
                         f"| {s['best-practices']} | {s['seo']} | {m['lcp_ms']:.0f} "
                         f"| {m['tbt_ms']:.0f} | {m['cls']} |")
        for name, row in lh.items():
            for f in row["shortfalls"]:
                lines.append(f"  {name}: {f['category']} / {f['id']} ({f['score']}) "
                             f"{f['title']} {f['display']}")
        lines.append("")
    axe = result.get("axe")
    if axe:
        lines += [f"axe-core {axe.get('axe-core')}:", ""]
        for name, row in axe["pages"].items():
            ids = ", ".join(f"{v['id']} ×{len(v['nodes'])}" for v in row["violations"])
            lines.append(f"  {name}: {row['count']} violations {ids}")
        lines.append("")
    nu = result.get("nu")
    if nu:
        lines += ["Nu HTML checker errors (kb / Material):", ""]
        for name, row in nu["pages"].items():
            lines.append(f"  {name}: {len(row['errors']['kb'])} / "
                         f"{len(row['errors']['material'])}")
        for who in ("kb", "material"):
            for message, pages in nu["distinct"][who].items():
                lines.append(f"  [{who}] {message[:140]} ({pages} pages)")
        lines.append("")
    weight = result.get("weight")
    if weight:
        lines += ["Page weight, cold load at phone size, search data apart. By type: "
                  "bytes as sent (gzip) with headers; body: the bodies alone, held against "
                  f"{WEIGHT_BUDGET:,} B:", "",
                  "| page | requests | html | css | js | json | image | other "
                  "| with headers B | body B | ≤ 90 KB | of which search code B "
                  "| search data fetched |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|"]
        for name, row in weight.items():
            t = row["by_type"]
            other = sum(v for k, v in t.items()
                        if k not in ("html", "css", "js", "json", "image"))
            lines.append(
                f"| {name} | {row['requests']} | {t.get('html', 0):,} | {t.get('css', 0):,} "
                f"| {t.get('js', 0):,} | {t.get('json', 0):,} | {t.get('image', 0):,} "
                f"| {other:,} | {row['transferred_bytes']:,} | {row['body_bytes']:,} "
                f"| {'yes' if row['within_budget'] else 'NO'} "
                f"| {row['search_code_body_bytes']:,} "
                f"| {_fetched(row)} |")
        lines.append("")
    si = result.get("search_index")
    if si:
        lines += [f"Answer index (search/): {si['files']} files, {si['raw_bytes']:,} B raw, "
                  f"{si['gzip_bytes']:,} B gzip (each file alone), {si['articles']} articles: "
                  f"{si['raw_bytes_per_article']:,} B raw / {si['gzip_bytes_per_article']:,} B "
                  f"gzip per article; pages corpus: {si['pages']} pages, "
                  f"{si['pages_files']} files, {si['pages_raw_bytes']:,} B raw"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3,
                        help="Lighthouse runs per page; the run with the median performance "
                             "score is reported (default: 3)")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-axe", action="store_true")
    parser.add_argument("--skip-nu", action="store_true")
    parser.add_argument("--skip-weight", action="store_true")
    parser.add_argument("--no-build", action="store_true",
                        help="audit the site built by an earlier run")
    parser.add_argument("--json", metavar="FILE",
                        default=os.path.join(HERE, "results", f"audit-{date.today()}.json"),
                        help="where to write the results (default: "
                             "benchmarks/results/audit-<today>.json)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    tools = ensure_tools()
    info = build.show_machine(build.machine())
    print("Tools: " + ", ".join(f"{k} {v}" for k, v in tools.items()), flush=True)
    busy = build.busy_cores()
    print(f"Other processes: {busy:.2f} cores busy", flush=True)
    if args.no_build and (SITE / "index.html").is_file():
        built = {"command": "(--no-build: the site of an earlier run)"}
    else:
        built = kb_build()
        print(f"Built the demo ({built['command']}, {built['seconds']} s)", flush=True)
    pages = pages_present()
    result: dict = {"command": "python " + " ".join(sys.argv), "today": TODAY,
                    "machine": info, "tools": tools, "busy_cores_before": round(busy, 2),
                    "build": built, "pages": pages, "gzip_level": GZIP_LEVEL,
                    "targets": {"lighthouse": TARGETS, "axe_violations": 0,
                                "nu_errors_from_kb": 0, "article_first_load_bytes":
                                WEIGHT_BUDGET}}
    result["search_index"] = search_index()
    if not args.skip_nu:
        print("Nu HTML checker ...", flush=True)
        result["nu"] = nu_check(pages)
    server = serve()
    try:
        if not (args.skip_axe and args.skip_weight):
            print("Page weight and axe-core in Chromium ...", flush=True)
            result["axe"], result["weight"] = browser_checks(
                server, pages, axe=not args.skip_axe, weight=not args.skip_weight)
        if not args.skip_lighthouse:
            print(f"Lighthouse, {args.runs} run(s) per page ...", flush=True)
            result["lighthouse"] = lighthouse(server, pages, args.runs)
    finally:
        server.shutdown()
        server.server_close()
    result["busy_cores_after"] = round(build.busy_cores(), 2)

    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print()
    print(report(result))
    print(f"\nWrote {os.path.relpath(args.json)}")
    return 0


def _fetched(row: dict) -> str:
    """The search data column: whether the first load fetched any, and its size."""
    if not row["search_index_fetched"]:
        return "no"
    return f"yes, {row['search_index_bytes']:,} B"


if __name__ == "__main__":
    sys.exit(main())

