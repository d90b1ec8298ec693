#!/usr/bin/env python
"""Live-preview benchmark: from saving an article to `kb serve` serving the new page.

For every size N this script writes one synthetic kb project (benchmarks/build.py's
generator and seed) into benchmarks/work/serve/<N>/, starts the real ``kb serve``
on a free local port and waits until the first build is served. Then it edits
one article --edits times per kind of edit, a few seconds apart as an editor
would, and measures for each save:

* seconds from writing the file to the HTTP server answering with the new
  content (polling the page every 20 ms; during a rebuild MkDocs' server holds a
  request until the rebuild is done, so this is what a browser reloading sees);
* the CPU seconds the serve process used in that time (from /proc; it includes
  the file watcher's polling), far less disturbed by other work on the machine;
* for a title edit, also when the policy area page shows the new title.

Kinds of edit: ``body`` (a sentence added to the answer: only that page is
rendered again) and ``title`` (the question changes: its area, stage and home
pages and the pages linking it as related question are rendered too).

For comparison it does the same with ``kb serve --full`` (every rebuild renders
the whole site, as kb serve did before dirty rebuilds), --full-edits times.

Target (issue 7): an edit visible within 2 s at 3,000 articles.
Only the standard library is used, besides the ``kb`` command.
Run:  python benchmarks/serve.py [--sizes 3000] [--edits 5] [--full-edits 2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import build  # noqa: E402  (generator, idle wait, machine details)

WORK = os.path.join(HERE, "work", "serve")
TODAY = date(2026, 11, 22)
SEED = 2026
TARGET_S = 2.0
POLL_S = 0.02
PAUSE_S = 3.0  # between saves, so that each rebuild (and its background work) is done
SETTLE_S = 10.0  # after the first build, whose background work takes longer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 120) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, seconds: float) -> float:
    """Poll `url` until it shows `text`; returns when (time.perf_counter())."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter()
        time.sleep(POLL_S)
    raise TimeoutError(f"{url} did not show {text!r} within {seconds:.0f} s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pick_article(docs: str) -> tuple[str, str]:
    """An article to edit (the first in the area with the most articles) and its topic."""
    folders = sorted(os.listdir(docs), key=lambda d: -len(os.listdir(os.path.join(docs, d))))
    folder = folders[0]
    name = sorted(os.listdir(os.path.join(docs, folder)))[0]
    return f"{folder}/{name}", folder


def front_matter_value(text: str, key: str) -> str:
    for line in text.splitlines()[1:]:
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    raise ValueError(f"no {key!r} in the front matter")


def edited(original: str, kind: str, n: int) -> tuple[str, str]:
    """The article text after edit number n of `kind`, and a text the page then shows."""
    if kind == "body":
        marker = f"Bewerking {n} van de benchmark."
        return original.rstrip("\n") + f"\n\n{marker}\n", marker
    written = front_matter_value(original, "title")
    marker = f"(versie {n})"  # nothing in it that HTML escapes
    new = f"{written.strip(chr(39) + chr(34)).rstrip('?')} {marker}?"
    text = original.replace(f"title: {written}",
                            f"title: {json.dumps(new, ensure_ascii=False)}", 1)
    return text, marker


def topic_of(text: str) -> str:
    return front_matter_value(text, "policy")


def serve_session(project: str, full: bool, kinds: list[str], edits: int,
                  log: str) -> dict:
    """Start kb serve (--full when `full`), time the edits, stop it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [build.tool("kb"), "serve", "--dev-addr", f"127.0.0.1:{port}",
           "--today", TODAY.isoformat()] + (["--full"] if full else [])
    docs = os.path.join(project, "docs")
    src_uri, _ = pick_article(docs)
    path = os.path.join(docs, src_uri)
    with open(path, encoding="utf-8") as fh:
        original = fh.read()
    page_url = url + src_uri[: -len(".md")] + "/"
    topic_url = url + f"topics/{topic_of(original)}/"
    label = "kb serve --full" if full else "kb serve"
    print(f"   {label}: editing {src_uri}", flush=True)
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=project, stdout=out, stderr=subprocess.STDOUT)
        try:
            first = wait_for(page_url, "<h1", 1200) - started
            print(f"     first build served after {first:.1f} s", flush=True)
            time.sleep(SETTLE_S)
            runs = []
            for kind in kinds:
                for n in range(1, edits + 1):
                    time.sleep(PAUSE_S)
                    busy = build.wait_for_idle()
                    text, shown = edited(original, kind, n)
                    cpu_before = cpu_seconds(proc.pid)
                    written = time.perf_counter()
                    with open(path, "w", encoding="utf-8") as fh:
                        fh.write(text)
                    visible = wait_for(page_url, shown, 600) - written
                    cpu = cpu_seconds(proc.pid) - cpu_before
                    row = {"kind": kind, "seconds": round(visible, 3),
                           "serve_cpu_s": round(cpu, 3), "others_cores": round(busy, 2)}
                    if kind == "title":
                        row["area_page_s"] = round(wait_for(topic_url, shown, 600) - written, 3)
                    runs.append(row)
                    print(f"     {kind:5} edit {n}: visible after {visible:.2f} s "
                          f"(serve process CPU {cpu:.2f} s; others {busy:.2f} cores)",
                          flush=True)
        finally:
            # Ctrl-C, as a person stops it: MkDocs then removes its temporary site.
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(original)
    summary = {}
    for kind in kinds:
        seconds = [r["seconds"] for r in runs if r["kind"] == kind]
        summary[kind] = {"median_s": round(statistics.median(seconds), 3),
                         "max_s": round(max(seconds), 3),
                         "median_serve_cpu_s": round(statistics.median(
                             r["serve_cpu_s"] for r in runs if r["kind"] == kind), 3)}
    return {"command": " ".join(["kb"] + cmd[1:]), "article": src_uri,
            "first_build_s": round(first, 2), "summary": summary, "runs": runs}


def bench_size(n: int, edits: int, full_edits: int) -> dict:
    root = os.path.join(WORK, str(n))
    print(f"\n== N = {n}: generating a project in {os.path.relpath(root)}/", flush=True)
    project = build.generate(n, TODAY, SEED, root=root, baseline=False)["kb"]
    result = {"n": n, "dirty": serve_session(project, False, ["body", "title"], edits,
                                             os.path.join(root, "serve.log"))}
    if full_edits:
        result["full"] = serve_session(project, True, ["body"], full_edits,
                                       os.path.join(root, "serve-full.log"))
    return result


def table(results: list[dict]) -> str:
    lines = ["| N | command | edit | median s | max s | serve CPU s (median) | edits |",
             "|---:|---|---|---:|---:|---:|---:|"]
    for result in results:
        for mode in ("dirty", "full"):
            session = result.get(mode)
            if session is None:
                continue
            for kind, row in session["summary"].items():
                count = sum(1 for r in session["runs"] if r["kind"] == kind)
                lines.append(f"| {result['n']:,} | `{session['command'].split(' --dev')[0]}"
                             f"{' --full' if mode == 'full' else ''}` | {kind} "
                             f"| {row['median_s']:.2f} | {row['max_s']:.2f} "
                             f"| {row['median_serve_cpu_s']:.2f} | {count} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000],
                        help="numbers of articles (default: 3000)")
    parser.add_argument("--edits", type=int, default=5,
                        help="saves per kind of edit with kb serve (default: 5)")
    parser.add_argument("--full-edits", type=int, default=2,
                        help="saves with kb serve --full for comparison; 0 skips it "
                             "(default: 2)")
    build.add_idle_options(parser, "before each save")
    parser.add_argument("--json", metavar="FILE",
                        default=os.path.join(HERE, "results", f"serve-{date.today()}.json"),
                        help="where to write the results")
    args = parser.parse_args(argv)
    if args.edits < 1 or args.full_edits < 0 or any(n < 10 for n in args.sizes):
        parser.error("--edits must be at least 1, --full-edits at least 0 and every size "
                     "at least 10")
    build.use_idle_options(args)
    info = build.show_machine(build.machine())
    results = [bench_size(n, args.edits, args.full_edits) for n in args.sizes]
    at_3000 = next((r["dirty"]["summary"] for r in results if r["n"] == 3000), None)
    out = {"command": "python " + " ".join(sys.argv), "today": TODAY.isoformat(),
           "machine": info, "results": results,
           "target": {"edit visible at 3000 articles, s": TARGET_S,
                      "measured max": max(row["max_s"] for row in at_3000.values())
                      if at_3000 else None}}
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(out, indent=1) + "\n")
    print()
    print(table(results))
    if at_3000:
        worst = out["target"]["measured max"]
        verdict = "met" if worst <= TARGET_S else "NOT met"
        print(f"\nEdit visible at 3,000 articles: at most {worst:.2f} s "
              f"(target <= {TARGET_S:.0f} s: {verdict})")
    print(f"Wrote {os.path.relpath(args.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
