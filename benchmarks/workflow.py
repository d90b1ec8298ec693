#!/usr/bin/env python
"""Editorial-workflow benchmark: `kb check`, `kb review` and `kb report` on big help centres.

For every size N this script writes one synthetic kb project (the articles of
benchmarks/build.py, same generator and seed) into benchmarks/work/workflow/<N>/,
with a popularity export that names every article (page views falling off like
real traffic, as URL paths with a trailing slash, plus a few rows for pages that
no longer exist). Then it times, in turns and --repeats times each:

* ``kb check``                       validation, coverage, schedule, popularity
* ``kb review``                      the review worklist (table)
* ``kb review --format json``
* ``kb report --format html -o ...`` the content-health report

Each command is a child process reaped with os.wait4 (benchmarks/build.py's
``run``): wall time, CPU time and the child's own peak RSS. Medians are reported;
CPU time is far less disturbed by other work on the machine than wall time.
The baseline measured in the same run is ``kb --version`` (interpreter start and
imports), so "work" = command - baseline is what the command itself adds.

Target (issue 5): ``kb check`` at 3,000 articles <= 3 s.
Run:  python benchmarks/workflow.py [--sizes 1000 3000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import build  # noqa: E402  (generator, child-process timing, machine details)

WORK = os.path.join(HERE, "work", "workflow")
TODAY = date(2026, 11, 22)
SEED = 7
TARGET_CHECK_3000 = 3.0


def write_popularity(project: str, seed: int) -> int:
    """A page-view export for every article of the project: Zipf-like counts."""
    docs = os.path.join(project, "docs")
    slugs = []
    for root, _, files in os.walk(docs):
        for name in files:
            if name.endswith(".md"):
                rel = os.path.relpath(os.path.join(root, name), docs)
                slugs.append(rel[:-3].replace(os.sep, "/"))
    rng = random.Random(seed)
    rng.shuffle(slugs)
    rows = ["page,pageviews"]
    for rank, slug in enumerate(slugs, 1):
        rows.append(f"/{slug}/,{int(50_000 / rank ** 0.9) + rng.randint(0, 9)}")
    rows += ["/oude-pagina/,120", "/zoeken/,4000"]  # gone or not an article
    with open(os.path.join(project, "popularity.csv"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(rows) + "\n")
    config = os.path.join(project, "mkdocs.yml")
    with open(config, encoding="utf-8") as fh:
        text = fh.read()
    marker = "  - kb:\n"
    if marker not in text:
        sys.exit(f"{config}: no '- kb:' entry to add the popularity option to")
    text = text.replace(marker, marker + "      popularity: popularity.csv\n", 1)
    with open(config, "w", encoding="utf-8") as fh:
        fh.write(text)
    return len(slugs)


def bench_size(n: int, repeats: int) -> dict:
    root = os.path.join(WORK, str(n))
    print(f"\n== N = {n}: generating a project in {os.path.relpath(root)}/", flush=True)
    project = build.generate(n, TODAY, SEED, root=root, baseline=False)["kb"]
    write_popularity(project, SEED)
    kb = build.tool("kb")
    day = ["--today", TODAY.isoformat()]
    commands = {
        "baseline (kb --version)": [kb, "--version"],
        "kb check": [kb, "check", *day],
        "kb review": [kb, "review", *day],
        "kb review --format json": [kb, "review", "--format", "json", *day],
        "kb report --format html": [kb, "report", "--format", "html", "-o",
                                    os.path.join(root, "report.html"), *day],
    }
    logs = {name: os.path.join(root, f"{i}.log") for i, name in enumerate(commands)}
    # One untimed pass: every command must work, and the file cache gets warm.
    for name, cmd in commands.items():
        result = build.run(cmd, project, logs[name])
        if result.returncode not in (0, 1) or (name == "kb check" and result.returncode):
            build.checked(result, name, logs[name])
    with open(logs["kb check"], encoding="utf-8") as fh:
        summary = fh.read().strip().splitlines()[-1]
    runs: dict[str, list[build.Run]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, cmd in commands.items():
            runs[name].append(build.run(cmd, project, logs[name]))
    base = statistics.median(r.seconds for r in runs["baseline (kb --version)"])
    rows = {}
    for name, results in runs.items():
        wall = statistics.median(r.seconds for r in results)
        rows[name] = {
            "wall_s": round(wall, 3),
            "wall_min_s": round(min(r.seconds for r in results), 3),
            "cpu_s": round(statistics.median(r.cpu_seconds for r in results), 3),
            "work_s": round(wall - base, 3),
            "peak_mb": round(max(r.peak_mb for r in results), 1),
            "others_cores": round(statistics.median(r.others_during for r in results), 2),
            "runs_s": [round(r.seconds, 3) for r in results],
        }
        print(f"   {name:26} wall {wall:6.2f} s  (min {rows[name]['wall_min_s']:.2f})  "
              f"cpu {rows[name]['cpu_s']:.2f} s  peak {rows[name]['peak_mb']:.0f} MB",
              flush=True)
    return {"n": n, "check_summary": summary, "commands": rows}


def table(results: list[dict]) -> str:
    lines = ["| N | command | wall median s | CPU s | minus start-up s | peak MB |",
             "|---:|---|---:|---:|---:|---:|"]
    for result in results:
        for name, row in result["commands"].items():
            lines.append(f"| {result['n']:,} | `{name}` | {row['wall_s']:.2f} | "
                         f"{row['cpu_s']:.2f} | {row['work_s']:.2f} | {row['peak_mb']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000],
                        help="numbers of articles (default: 1000 3000)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed runs of each command per size (default: 5)")
    parser.add_argument("--json", metavar="FILE",
                        default=os.path.join(HERE, "results", f"workflow-{date.today()}.json"),
                        help="where to write the results")
    args = parser.parse_args(argv)
    if args.repeats < 1 or any(n < 10 for n in args.sizes):
        parser.error("--repeats must be at least 1 and every size at least 10")
    info = build.show_machine(build.machine())
    results = [bench_size(n, args.repeats) for n in args.sizes]
    check_3000 = next((r["commands"]["kb check"]["wall_s"] for r in results if r["n"] == 3000),
                      None)
    out = {"command": "python " + " ".join(sys.argv), "today": TODAY.isoformat(),
           "machine": info, "results": results,
           "target": {"kb check at 3000 articles, s": TARGET_CHECK_3000,
                      "measured": check_3000}}
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(out, indent=1) + "\n")
    print()
    print(table(results))
    if check_3000 is not None:
        verdict = "met" if check_3000 <= TARGET_CHECK_3000 else "NOT met"
        print(f"\nkb check at 3,000 articles: {check_3000:.2f} s (target <= "
              f"{TARGET_CHECK_3000:.0f} s: {verdict})")
    print(f"Wrote {os.path.relpath(args.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
