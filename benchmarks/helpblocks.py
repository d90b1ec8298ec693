#!/usr/bin/env python
"""Help-block benchmark: what the embed weighs and how soon a shopper sees it.

1. Builds the demo help centre (``kb build -d benchmarks/work/helpblocks/site``, day
   2026-11-22) as a child process from the repository root.
2. Sizes, raw and gzip level 9 (``gzip.compress``): help/kb-help.js (its CSS inlined)
   and help/kb-help.css, whose gzip sum is held against the 6 KB (6,144 B) budget;
   each context's .json, .js and .html; what the two demo shop pages fetch for their
   help (kb-help.js plus one JSON file per block); and, as a reference from the same
   build, Material's own JavaScript bundle and main stylesheet.
3. Debian's Chromium (/usr/bin/chromium, driven by Playwright; no browser download)
   loads each demo page --loads times from a local ThreadingHTTPServer, every load in a
   fresh browser context (cold cache) at 1280x900. An init script wraps
   ``attachShadow`` so that a MutationObserver on each new shadow root notes
   ``performance.now()`` when the block's ``.kb-help`` section is put in, and a
   buffered PerformanceObserver sums the layout shifts without recent input (CLS).
   The baseline is the same load's own DOMContentLoaded: the headline figure is
   "block ready - DOMContentLoaded" (median and p95).
4. Layout shift and reserved room. Before the timed loads, one untimed load per page
   measures each block's final height. Variants of the pages are written into the
   built site's help/demo/ and timed the same way:
   * product-reserved.html, cart-reserved.html: that height as an inline
     ``min-height`` on each block's element;
   * product-below.html: 600 px of made-up shop content after the block (in the
     demo the product block is the last thing on the page, so it can push nothing
     down), and product-below-reserved.html, the same with the reserved height.
   The pages are loaded in turns (product, cart, product-reserved, ..., product,
   ...) so a slower or faster spell of the machine is shared among them.

"Ready" is the moment the section is inserted into the shadow root, not the next
paint (usually within one frame). The results, with the machine, Chromium's version
and every load's raw figures, go to benchmarks/results/helpblocks-<date>.json.

Standard library and Playwright only (plus the ``kb`` command).
Run:  python benchmarks/helpblocks.py [--loads 30] [--json FILE]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import build  # noqa: E402  (machine details and the busy-cores probe)

WORK = Path(HERE) / "work" / "helpblocks"
SITE = WORK / "site"
HELP = SITE / "help"
DEMO = HELP / "demo"
TODAY = "2026-11-22"           # the demo's day, as in answers.py
BUDGET = 6 * 1024              # kb-help.js + kb-help.css, gzipped
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 900}
SETTLE_MS = 300                # wait after the last block before reading the figures
# Demo page -> the contexts of its blocks, top to bottom (kb.helpblocks.DEMO_PAGES).
PAGES = {"product": ("product",), "cart": ("cart", "checkout")}

# Runs in every new document before the page's own scripts.
PROBE = """
window.__kbReady = {};
window.__cls = 0;
window.__shifts = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) { window.__cls += entry.value; window.__shifts += 1; }
  }
}).observe({type: "layout-shift", buffered: true});
const kbAttachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  const root = kbAttachShadow.call(this, init);
  const host = this;
  const observer = new MutationObserver(() => {
    if (root.querySelector(".kb-help")) {
      const name = host.getAttribute("data-kb-help");
      if (!(name in window.__kbReady)) window.__kbReady[name] = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(root, {childList: true, subtree: true});
  return root;
};
"""

READ = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const heights = {};
  for (const host of document.querySelectorAll("[data-kb-help]")) {
    heights[host.getAttribute("data-kb-help")] = host.getBoundingClientRect().height;
  }
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          ready: window.__kbReady, cls: window.__cls, shifts: window.__shifts,
          heights: heights,
          fetched: performance.getEntriesByType("resource").map(e => new URL(e.name).pathname)};
}"""


# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (as in answers.py)."""
    data = sorted(values)
    k = (len(data) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def spread(values: list[float], digits: int = 1) -> dict:
    return {"n": len(values), "median": round(statistics.median(values), digits),
            "p95": round(percentile(values, 95), digits),
            "min": round(min(values), digits), "max": round(max(values), digits)}


# --------------------------------------------------------------------------
# Build and sizes
# --------------------------------------------------------------------------

def kb_build() -> dict:
    """Build the demo into SITE; pass --today when this kb's `build` offers it."""
    helptext = subprocess.run(["kb", "build", "--help"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
    command = ["kb", "build", "-d", os.path.relpath(SITE, ROOT)]
    if "--today" in helptext:
        command += ["--today", TODAY]
    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / "build.log"
    started = time.perf_counter()
    with open(log, "w", encoding="utf-8") as fh:
        done = subprocess.run(command, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}); see {log}")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    changed = subprocess.run(["git", "status", "--porcelain", "--", "kb", "content",
                              "mkdocs.yml"], cwd=ROOT, capture_output=True,
                             text=True).stdout.splitlines()
    return {"command": " ".join(command), "seconds": round(seconds, 2), "commit": commit,
            "uncommitted_changes": changed}


def weigh(path: Path) -> dict:
    data = path.read_bytes()
    return {"raw": len(data), "gzip": len(gzip.compress(data, compresslevel=9))}


def sizes() -> dict:
    widget = {name: weigh(HELP / name) for name in ("kb-help.js", "kb-help.css")}
    total = sum(v["gzip"] for v in widget.values())
    contexts = {}
    for path in sorted(HELP.glob("*.json")):
        contexts[path.stem] = {ext: weigh(HELP / f"{path.stem}.{ext}")
                               for ext in ("json", "js", "html")
                               if (HELP / f"{path.stem}.{ext}").exists()}
    material_js = next(SITE.glob("assets/javascripts/bundle.*.min.js"))
    material_css = next(SITE.glob("assets/stylesheets/main.*.min.css"))
    material = {"bundle.js": dict(weigh(material_js), file=material_js.name),
                "main.css": dict(weigh(material_css), file=material_css.name)}
    # What a shopper's browser fetches for the help on each demo page: the widget (its
    # CSS is inlined, so kb-help.css is not fetched) and one JSON file per block.
    pages = {}
    for page, blocks in PAGES.items():
        files = ["kb-help.js"] + [f"{ctx}.json" for ctx in blocks]
        parts = [weigh(HELP / name) for name in files]
        pages[page] = {"files": files, "raw": sum(p["raw"] for p in parts),
                       "gzip": sum(p["gzip"] for p in parts)}
    js_gzip = widget["kb-help.js"]["gzip"]
    return {
        "widget": widget, "widget_gzip_total": total, "budget": BUDGET,
        "headroom": BUDGET - total, "contexts": contexts, "demo_pages": pages,
        "material": material,
        "widget_js_share_of_material_js": round(js_gzip / material["bundle.js"]["gzip"], 4),
        "widget_total_share_of_material_js_css": round(
            total / (material["bundle.js"]["gzip"] + material["main.css"]["gzip"]), 4),
    }


# --------------------------------------------------------------------------
# Browser timing
# --------------------------------------------------------------------------

class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def load(browser, url: str, blocks: tuple[str, ...]) -> dict:
    """One cold load in a fresh context; the figures once every block is ready."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(
            f"{json.dumps(list(blocks))}.every(name => name in window.__kbReady)")
        page.wait_for_timeout(SETTLE_MS)
        return page.evaluate(READ)
    finally:
        context.close()


# Made-up shop content under the block, for the product-below variants: in the demo
# the block is the last thing on the page, so nothing can be pushed down by it.
BELOW = ('  <section class="shop-reviews" style="min-height:600px">\n'
         '    <h2>Reviews</h2>\n    <p>Placeholder for whatever a shop shows under the '
         'help block.</p>\n  </section>\n</main>')


def variant(page: str, name: str, heights: dict[str, float] | None = None,
            below: bool = False) -> str:
    """Write help/demo/<name>.html from <page>.html. With `heights`, each block's
    element gets its final height as min-height (rounded up, so the block never
    outgrows it); with `below`, shop content follows the block."""
    html = (DEMO / f"{page}.html").read_text(encoding="utf-8")
    for ctx in PAGES[page] if heights else ():
        attr = f'data-kb-help="{ctx}"'
        if html.count(attr) != 1:
            sys.exit(f"help/demo/{page}.html: expected one {attr}")
        html = html.replace(attr, f'{attr} style="min-height:{math.ceil(heights[ctx])}px"')
    if below:
        if html.count("</main>") != 1:
            sys.exit(f"help/demo/{page}.html: expected one </main>")
        html = html.replace("</main>", BELOW)
    (DEMO / f"{name}.html").write_text(html, encoding="utf-8")
    return name


def summarize(runs: list[dict], blocks: tuple[str, ...]) -> dict:
    last = [max(r["ready"][c] for c in blocks) for r in runs]
    row = {
        "loads": len(runs),
        "blocks": list(blocks),
        "after_dcl_ms": spread([t - r["dcl"] for t, r in zip(last, runs)]),
        "dcl_ms": spread([r["dcl"] for r in runs]),
        "load_event_end_ms": spread([r["load"] for r in runs]),
        "ready_ms": spread(last),
        "per_block_after_dcl_ms": {c: spread([r["ready"][c] - r["dcl"] for r in runs])
                                   for c in blocks},
        "cls": {"median": round(statistics.median(r["cls"] for r in runs), 4),
                "mean": round(statistics.fmean(r["cls"] for r in runs), 4),
                "max": round(max(r["cls"] for r in runs), 4),
                "loads_with_shift": sum(1 for r in runs if r["cls"] > 0)},
        "block_height_px": {c: spread([r["heights"][c] for r in runs]) for c in blocks},
        "help_files_fetched": sorted({p.rsplit("/", 1)[-1] for r in runs for p in r["fetched"]
                                      if "/help/" in p and "/demo/" not in p}),
    }
    row["runs"] = [{"dcl": round(r["dcl"], 1), "load": round(r["load"], 1),
                    "ready": {c: round(r["ready"][c], 1) for c in blocks},
                    "cls": round(r["cls"], 5), "shifts": r["shifts"]} for r in runs]
    return row


def timings(loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(Quiet, directory=str(SITE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/help/demo/"
    out: dict = {"viewport": VIEWPORT, "settle_ms": SETTLE_MS,
                 "playwright": metadata.version("playwright")}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--no-sandbox"])
            out["chromium"] = browser.version
            # One untimed load per page: warms up the browser process and measures the
            # blocks' final heights for the reserved-room variants.
            heights = {}
            for page, blocks in PAGES.items():
                first = load(browser, base + f"{page}.html", blocks)
                heights[page] = {c: round(first["heights"][c], 1) for c in blocks}
            variants = {
                "product": PAGES["product"], "cart": PAGES["cart"],
                variant("product", "product-reserved", heights["product"]): PAGES["product"],
                variant("cart", "cart-reserved", heights["cart"]): PAGES["cart"],
                variant("product", "product-below", below=True): PAGES["product"],
                variant("product", "product-below-reserved", heights["product"],
                        below=True): PAGES["product"],
            }
            out["reserved_min_height_px"] = {
                page: {c: math.ceil(h) for c, h in hs.items()} for page, hs in heights.items()}
            runs: dict[str, list[dict]] = {name: [] for name in variants}
            for round_ in range(loads):
                for name, blocks in variants.items():
                    runs[name].append(load(browser, base + f"{name}.html", blocks))
                if (round_ + 1) % 10 == 0 or round_ + 1 == loads:
                    print(f"   {round_ + 1}/{loads} loads of each page", flush=True)
            out["pages"] = {name: summarize(runs[name], blocks)
                            for name, blocks in variants.items()}
            browser.close()
    finally:
        server.shutdown()
    return out


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def report(result: dict) -> str:
    s, b = result["sizes"], result["browser"]
    w, mat = s["widget"], s["material"]
    lines = [
        f"**Widget:** kb-help.js {w['kb-help.js']['gzip']:,} B + kb-help.css "
        f"{w['kb-help.css']['gzip']:,} B = **{s['widget_gzip_total']:,} B gzipped** of "
        f"{BUDGET:,} B ({s['headroom']:,} B to spare). kb-help.js is "
        f"{s['widget_js_share_of_material_js']:.1%} of Material's bundle.js "
        f"({mat['bundle.js']['gzip']:,} B gzipped) in the same build.",
        "",
        "| demo page | help files fetched | gzip B |",
        "|---|---|---:|",
    ]
    for page, row in s["demo_pages"].items():
        lines.append(f"| {page} | {', '.join(row['files'])} | {row['gzip']:,} |")
    lines += [
        "",
        f"Chromium {b['chromium']}, {b['pages']['product']['loads']} cold loads per page:",
        "",
        "| page | DCL median ms | ready − DCL median ms | p95 ms | load end median ms "
        "| CLS median | CLS max | loads with shift |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in b["pages"].items():
        lines.append(
            f"| {name} | {row['dcl_ms']['median']} | {row['after_dcl_ms']['median']} "
            f"| {row['after_dcl_ms']['p95']} | {row['load_event_end_ms']['median']} "
            f"| {row['cls']['median']} | {row['cls']['max']} "
            f"| {row['cls']['loads_with_shift']}/{row['loads']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=30,
                        help="cold loads of each demo page and variant (default: 30)")
    parser.add_argument("--json", metavar="FILE",
                        default=os.path.join(HERE, "results", f"helpblocks-{date.today()}.json"),
                        help="where to write the results (default: "
                             "benchmarks/results/helpblocks-<today>.json)")
    args = parser.parse_args(argv)
    if args.loads < 1:
        parser.error("--loads must be at least 1")

    info = build.show_machine(build.machine())
    busy = build.busy_cores()
    print(f"Other processes: {busy:.2f} cores busy", flush=True)
    built = kb_build()
    print(f"Built the demo ({built['command']}, {built['seconds']} s)", flush=True)
    result = {"command": "python " + " ".join(sys.argv), "today": TODAY, "machine": info,
              "busy_cores_before": round(busy, 2), "build": built, "sizes": sizes()}
    result["browser"] = timings(args.loads)
    result["busy_cores_after"] = round(build.busy_cores(), 2)

    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(result, indent=1) + "\n")
    print()
    print(report(result))
    print(f"\nWrote {os.path.relpath(args.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
