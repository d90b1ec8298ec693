#!/usr/bin/env python
"""Engine parity: today's Whoosh `kb ask` beside the engine over the static answer index.

For each eval set in benchmarks/eval/ (the demo, day 2026-11-22) it prints hit@1,
hit@3, MRR and the share of '-' questions declined, as `kb eval` computes them, for:

- `kb ask`: kb.search's Searcher over the Whoosh index of every article (drafts,
  scheduled and expired ones included, as a fresh `kb ask` cache holds them);
- `whoosh-live`: the same Searcher over a Whoosh index of the live articles only;
- `engine`: kb.engine over the answer index of the live articles (kb.answerindex).

Then every question whose ten ranked slugs, decline or spelling suggestion differ
between `kb ask` and the engine, and the bytes each question reads from the index on
its own (a fresh reader: what a first question downloads), raw and gzipped, with the
index's total size. `--sizes 1000 10000` adds the index size and bytes per question
at synthetic sizes (benchmarks/build.py's generator, answers.py's questions).

Run:  python benchmarks/engine_parity.py [--sizes 1000 10000] [--scale 1000]
"""

from __future__ import annotations

import argparse
import glob
import gzip
import os
import statistics
import sys
import time
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from kb.answerindex import (  # noqa: E402
    IMPACT_SCALE,
    IndexFiles,
    build_answer_index,
    memory_loader,
)
from kb.checks import check_project  # noqa: E402
from kb.engine import Engine  # noqa: E402
from kb.evaluate import DEPTH, evaluate, read_cases  # noqa: E402
from kb.project import load_project  # noqa: E402
from kb.search import AnswerIndex, memory_index  # noqa: E402

TODAY = date(2026, 11, 22)
SEED = 2026


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def percentile(values: list[int], p: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def index_size(files: dict[str, bytes]) -> str:
    raw = sum(map(len, files.values()))
    packed = sum(gzipped(d) for d in files.values())
    parts = []
    for kind in ("terms/", "docs/", "spelling/"):
        chosen = [d for n, d in files.items() if n.startswith(kind)]
        sizes = [gzipped(d) for d in chosen]
        parts.append(f"{kind[:-1]} {len(chosen)} files, {sum(sizes) / 1000:.1f} KB gz "
                     f"(largest {max(sizes, default=0) / 1000:.1f} KB)")
    return (f"index: {len(files)} files, {raw / 1000:.1f} KB raw, {packed / 1000:.1f} KB "
            f"gzipped; " + "; ".join(parts) + f"; meta+analysis "
            f"{(gzipped(files['meta.json']) + gzipped(files['analysis.json'])) / 1000:.1f} KB gz")


def bytes_per_question(files: dict[str, bytes], questions: list[str], limit: int = 5) -> str:
    """What each question reads on its own, from a fresh reader."""
    packed = {name: gzipped(data) for name, data in files.items()}
    raw, gz, counts = [], [], []
    for question in questions:
        reader = IndexFiles(memory_loader(files))
        Engine(reader).ask(question, limit)
        raw.append(reader.bytes_read)
        gz.append(sum(packed[name] for name in reader.read))
        counts.append(len(reader.read))
    return (f"bytes per question ({len(questions)}, first question, limit {limit}): gzipped "
            f"median {statistics.median(gz) / 1000:.1f} KB, p95 {percentile(gz, 0.95) / 1000:.1f}"
            f" KB, max {max(gz) / 1000:.1f} KB; raw median {statistics.median(raw) / 1000:.1f} "
            f"KB, max {max(raw) / 1000:.1f} KB; files median {statistics.median(counts)}, "
            f"max {max(counts)}")


class Ranker:
    """One way of answering, remembered per question, in the shapes kb.evaluate wants."""

    def __init__(self, ask):
        self.ask = ask
        self.answers: dict = {}

    def __call__(self, question: str):
        if question not in self.answers:
            self.answers[question] = self.ask(question, DEPTH)
        return self.answers[question]

    def rank(self, question: str) -> list[tuple[str, str]]:
        return [(h.slug, h.title) for h in self(question).hits]

    def offered(self, question: str) -> list[tuple[str, str]]:
        return [(h.slug, h.title) for h in self(question).answers]


def _differs_at_top(old, new) -> bool:
    """Whether two answers differ in what a shopper sees: the first three, the decline
    or the suggestion."""
    return [h.slug for h in old.hits[:3]] != [h.slug for h in new.hits[:3]] or \
        old.good != new.good or old.suggestion != new.suggestion


def demo(scale: int) -> None:
    project = load_project(os.path.join(ROOT, "mkdocs.yml"))
    collection, _ = check_project(project, TODAY, duplicates=False)
    live = collection.live(TODAY)
    slugs = collection.by_slug()
    started = time.perf_counter()
    files = build_answer_index(live, project.settings, TODAY, scale=scale)
    built = time.perf_counter() - started
    print(f"demo: {len(collection.articles)} articles, {len(live)} live on {TODAY}; "
          f"answer index built in {built * 1000:.0f} ms, impact scale {scale}")
    print(index_size(files))
    full = AnswerIndex(project.docs_dir, project.settings, None)
    full.refresh(TODAY)
    rankers = {
        "kb ask": Ranker(full.searcher(TODAY).ask),
        "whoosh-live": Ranker(memory_index(live, project.settings).searcher(TODAY).ask),
        "engine": Ranker(Engine(IndexFiles(memory_loader(files))).ask),
    }
    questions = []
    differ = []
    for path in sorted(glob.glob(os.path.join(HERE, "eval", "*.csv"))):
        shown = os.path.relpath(path, ROOT)
        cases = read_cases(path, shown, slugs, lambda s: slugs[s].is_live(TODAY))
        print(f"\n{shown} ({len(cases)} questions)")
        print(f"  {'':12} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'declined':>9}")
        for name, ranker in rankers.items():
            report = evaluate(cases, ranker.rank, ranker.offered)
            declined = "" if report.declined is None else f"{report.declined:.3f}"
            print(f"  {name:12} {report.hit_at_1:6.3f} {report.hit_at_3:6.3f} "
                  f"{report.mrr:6.3f} {declined:>9}")
        for case in cases:
            questions.append(case.question)
            old, new = rankers["kb ask"](case.question), rankers["engine"](case.question)
            if [h.slug for h in old.hits] != [h.slug for h in new.hits] or \
                    old.good != new.good or old.suggestion != new.suggestion:
                differ.append((shown, case, old, new))
    print(f"\nquestions whose answer differs between kb ask and the engine: {len(differ)} "
          f"of {len(questions)}")
    deeper = [d for d in differ if not _differs_at_top(d[2], d[3])]
    for shown, case, old, new in differ:
        if (shown, case, old, new) in deeper:
            continue
        print(f"  {shown}:{case.line}: {case.question!r}")
        for name, answer in (("kb ask", old), ("engine", new)):
            hits = ", ".join(f"{h.slug} {h.score}" for h in answer.hits[:5])
            print(f"    {name:7} {'answers' if answer.good else 'declines'}"
                  f"{' (' + answer.suggestion + ')' if answer.suggestion else ''}: {hits}")
    print(f"  {len(deeper)} more differ only below rank 3: "
          + ", ".join(f"{os.path.basename(s)}:{c.line}" for s, c, _, _ in deeper))
    print()
    print(bytes_per_question(files, questions))


def synthetic(n: int, scale: int) -> None:
    import answers

    import build

    root = os.path.join(build.WORK, f"engine-{n}")
    folder = build.generate(n, TODAY, SEED, root=root, baseline=False)["kb"]
    project = load_project(os.path.join(folder, "mkdocs.yml"))
    collection, _ = check_project(project, TODAY, duplicates=False)
    live = collection.live(TODAY)
    started = time.perf_counter()
    files = build_answer_index(live, project.settings, TODAY, scale=scale)
    built = time.perf_counter() - started
    print(f"\nsynthetic {n}: {len(live)} live articles; answer index built in {built:.2f} s")
    print(index_size(files))
    specs = build.plan_articles(n, TODAY, SEED)
    questions = [q for _, q in answers.make_questions(specs, 200, SEED + 7)]
    print(bytes_per_question(files, questions))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[],
                        help="synthetic sizes to measure too (e.g. 1000 10000)")
    parser.add_argument("--scale", type=int, default=IMPACT_SCALE,
                        help="the impact scale to build with")
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_demo:
        demo(args.scale)
    for n in args.sizes:
        synthetic(n, args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
