#!/usr/bin/env python
"""Help-block benchmark: what the embed weighs and how soon a shopper sees it.

1. Builds the demo help centre (``kb build``) into benchmarks/work/helpblocks/site.
2. Sizes, raw and gzip -9: help/kb-help.js (its CSS inlined) and help/kb-help.css
   against the 6 KB budget; each context's .json, .js and .html; and, as a reference
   from the same build, Material's own JavaScript bundle and main stylesheet.
3. In Debian's Chromium (Playwright, /usr/bin/chromium), each demo shop page is
   loaded --loads times, every load in a fresh browser context (cold cache), from a
   local HTTP server. An init script notes the moment each block's section appears in
   its shadow root and sums the page's layout shifts. The baseline is the same
   load's own DOMContentLoaded: the figure is "block ready - DOMContentLoaded".
   The product page is loaded once more with room reserved for the block
   (min-height of its drawn height) to show what that does to layout shift.

Results with the machine go to benchmarks/results/helpblocks-<date>.json.
Run:  python benchmarks/helpblocks.py [--loads 30] [--json FILE]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import statistics
import subprocess
import sys
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import build  # noqa: E402  (machine details, idle check)

SITE = HERE / "work" / "helpblocks" / "site"
BUDGET = 6 * 1024
CHROMIUM = "/usr/bin/chromium"

# Runs before the page's scripts: times each block and sums layout shifts.
PROBE = """
window.__kbReady = {}; window.__cls = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({type: "layout-shift", buffered: true});
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  const root = attach.call(this, init), host = this;
  new MutationObserver((_, observer) => {
    if (root.querySelector(".kb-help")) {
      window.__kbReady[host.getAttribute("data-kb-help")] = performance.now();
      observer.disconnect();
    }
  }).observe(root, {childList: true});
  return root;
};
"""


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def sizes() -> dict:
    help_dir = SITE / "help"
    widget = {name: {"raw": (help_dir / name).stat().st_size, "gzip": gz(help_dir / name)}
              for name in ("kb-help.js", "kb-help.css")}
    total = sum(v["gzip"] for v in widget.values())
    contexts = {}
    for path in sorted(help_dir.glob("*.json")):
        ctx = path.stem
        contexts[ctx] = {ext: {"raw": (help_dir / f"{ctx}.{ext}").stat().st_size,
                               "gzip": gz(help_dir / f"{ctx}.{ext}")}
                         for ext in ("json", "js", "html") if (help_dir / f"{ctx}.{ext}").exists()}
    material_js = next((SITE / "assets" / "javascripts").glob("bundle.*.min.js"))
    material_css = next((SITE / "assets" / "stylesheets").glob("main.*.min.css"))
    material = {"bundle.js": {"raw": material_js.stat().st_size, "gzip": gz(material_js)},
                "main.css": {"raw": material_css.stat().st_size, "gzip": gz(material_css)}}
    demo = {"product": widget["kb-help.js"]["gzip"] + contexts["product"]["json"]["gzip"],
            "cart": widget["kb-help.js"]["gzip"] + contexts["cart"]["json"]["gzip"]
            + contexts["checkout"]["json"]["gzip"]}
    return {"widget": widget, "widget_gzip_total": total, "budget": BUDGET,
            "headroom": BUDGET - total, "contexts": contexts, "material": material,
            "shopper_download_gzip": demo,
            "widget_js_share_of_material_js": round(
                widget["kb-help.js"]["gzip"] / material["bundle.js"]["gzip"], 4)}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"median": round(statistics.median(ordered), 2),
            "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
            "max": round(ordered[-1], 2)}


def load_page(browser, url: str, blocks: int) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(PROBE)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(f"Object.keys(window.__kbReady).length >= {blocks}")
    page.wait_for_timeout(300)
    result = page.evaluate("""() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
              ready: Math.max(...Object.values(window.__kbReady)), cls: window.__cls,
              height: document.querySelector("[data-kb-help]").getBoundingClientRect().height};
    }""")
    context.close()
    return result


def timings(loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/help/demo/"
    out: dict = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            out["chromium"] = browser.version
            height = load_page(browser, base + "product.html", 1)["height"]
            product = (SITE / "help" / "demo" / "product.html").read_text(encoding="utf-8")
            reserved = product.replace('data-kb-help="product"',
                                       f'data-kb-help="product" style="min-height:{height:.0f}px"')
            (SITE / "help" / "demo" / "product-reserved.html").write_text(reserved, encoding="utf-8")
            for name, blocks in (("product", 1), ("cart", 2), ("product-reserved", 1)):
                runs = [load_page(browser, base + f"{name}.html", blocks) for _ in range(loads)]
                out[name] = {
                    "loads": loads,
                    "after_dcl_ms": summary([r["ready"] - r["dcl"] for r in runs]),
                    "dcl_ms": summary([r["dcl"] for r in runs]),
                    "ready_ms": summary([r["ready"] for r in runs]),
                    "cls": {"median": round(statistics.median(r["cls"] for r in runs), 4),
                            "max": round(max(r["cls"] for r in runs), 4)},
                }
            out["reserved_height_px"] = round(height)
            browser.close()
    finally:
        server.shutdown()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=30, help="page loads per demo page")
    parser.add_argument("--json", default=str(HERE / "results" / f"helpblocks-{date.today()}.json"),
                        help="where to write the results")
    args = parser.parse_args(argv)
    busy = build.busy_cores()
    subprocess.run(["kb", "build", "-d", str(SITE)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, KB_TODAY="2026-11-22"))
    result = {"machine": build.machine(), "busy_cores_before": busy, "sizes": sizes(),
              "browser": timings(args.loads)}
    Path(args.json).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    s, b = result["sizes"], result["browser"]
    print(f"kb-help.js + kb-help.css gzip: {s['widget_gzip_total']} B of {BUDGET} B "
          f"({s['headroom']} B to spare); Material bundle.js gzip {s['material']['bundle.js']['gzip']} B")
    for name in ("product", "cart", "product-reserved"):
        row = b[name]
        print(f"{name}: block ready {row['after_dcl_ms']['median']} ms after DOMContentLoaded "
              f"(p95 {row['after_dcl_ms']['p95']}), CLS median {row['cls']['median']}")
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
