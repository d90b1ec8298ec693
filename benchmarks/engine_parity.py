#!/usr/bin/env python
"""The answer index's quality and weight: the engine over the static answer index as
the site ships it, and what each question downloads.

For each eval set in benchmarks/eval/ (the demo, day 2026-11-22) it prints hit@1,
hit@3, MRR and the share of '-' questions declined, as `kb eval` computes them, for:

- `exact`: kb.engine over an index of the live articles with every BM25 part stored
  to five decimals (the algorithm's own ranking, tests/test_engine.py);
- `engine`: kb.engine over the answer index as `kb build` writes it (three decimals).

Then every question whose ten ranked slugs, decline or spelling suggestion differ
between the two, and the index's weight: its files by kind, the build's
seconds, and per question (five hits, as the site search asks) the gzipped bytes and
files it loads: a first question on a new engine (meta, analysis and the field lengths
included; the engine's two minified scripts counted apart), and a further question, on
an engine that answered the one before it. `--sizes 1000 10000` adds synthetic sizes
(benchmarks/build.py's generator, answers.py's 200 questions; the generated projects
are kept in --work and reused).

Run:  python benchmarks/engine_parity.py [--sizes 1000 10000] [--work DIR] [--skip-demo]
"""

from __future__ import annotations

import argparse
import glob
import gzip
import os
import statistics
import sys
import time
from collections import Counter
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from kb.answerindex import IndexFiles, build_answer_index, memory_loader  # noqa: E402
from kb.checks import check_project  # noqa: E402
from kb.engine import Engine  # noqa: E402
from kb.evaluate import DEPTH, evaluate, read_cases  # noqa: E402
from kb.minify import ENGINE_ASSETS, asset, minify_js  # noqa: E402
from kb.project import load_project  # noqa: E402

TODAY = date(2026, 11, 22)
SEED = 2026
LIMIT = 5  # hits per question, as the site search shows them
BUDGET_FURTHER = 50_000  # issue 16: each further question at 10,000 articles
KINDS = ("meta", "analysis", "len", "lex/", "post/", "docs/", "spelling/")


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def percentile(values: list[int], p: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def kind(name: str) -> str:
    return next(k for k in KINDS if name == k or name.startswith(k))


def engine_scripts() -> int:
    """The engine's two scripts as the site ships them (minified), gzipped."""
    return sum(gzipped(minify_js(asset(*name.split("/"))).encode("utf-8"))
               for name in ENGINE_ASSETS.values())


def index_size(files: dict[str, bytes]) -> str:
    raw = sum(map(len, files.values()))
    packed = {name[:-len(".js")]: gzipped(d) for name, d in files.items()}
    parts = []
    for k in KINDS:
        sizes = [size for name, size in packed.items() if kind(name) == k]
        parts.append(f"{k.rstrip('/')} {len(sizes)} file{'s' * (len(sizes) != 1)} "
                     f"{sum(sizes) / 1000:.1f} KB (largest {max(sizes, default=0) / 1000:.1f})")
    return (f"index: {len(files)} files, {raw / 1000:.1f} KB raw, "
            f"{sum(packed.values()) / 1000:.1f} KB gzipped; " + "; ".join(parts))


def kb(values: list[int]) -> str:
    return (f"median {statistics.median(values) / 1000:.1f} KB, p95 "
            f"{percentile(values, 0.95) / 1000:.1f} KB, max {max(values) / 1000:.1f} KB")


def by_kind(loads: list[list[str]], packed: dict[str, int]) -> str:
    """The mean gzipped bytes per question of each kind of file."""
    total: Counter[str] = Counter()
    for names in loads:
        for name in names:
            total[kind(name)] += packed[name]
    return ", ".join(f"{k} {n / len(loads) / 1000:.1f}" for k, n in total.most_common())


def bytes_per_question(files: dict[str, bytes], questions: list[str]) -> str:
    """What a first and a further question load, gzipped, and how many files."""
    packed = {name[:-len(".js")]: gzipped(data) for name, data in files.items()}
    first, first_loads = [], []
    for question in questions:
        reader = IndexFiles(memory_loader(files))
        Engine(reader).ask(question, LIMIT)
        first.append(sum(packed[name] for name in reader.read))
        first_loads.append(reader.read)
    further, further_loads, over = [], [], Counter()
    for before, question in zip(questions, questions[1:]):
        reader = IndexFiles(memory_loader(files))
        engine = Engine(reader)
        engine.ask(before, LIMIT)
        done = len(reader.read)
        engine.ask(question, LIMIT)
        new = reader.read[done:]
        further.append(sum(packed[name] for name in new))
        further_loads.append(new)
        if further[-1] > BUDGET_FURTHER:
            for name in new:
                over[kind(name)] += packed[name]
    scripts = engine_scripts()

    def files_per(loads: list[list[str]]) -> str:
        counts = [len(names) for names in loads]
        return (f"files median {statistics.median(counts):g}, p95 {percentile(counts, 0.95)}, "
                f"max {max(counts)}")

    lines = [f"per question ({len(questions)}, {LIMIT} hits), gzipped:",
             f"  first question, index files: {kb(first)}; {files_per(first_loads)}",
             f"    mean KB by kind: {by_kind(first_loads, packed)}",
             f"  first question with the engine's scripts ({scripts / 1000:.1f} KB): "
             f"{kb([n + scripts for n in first])}",
             f"  further question: {kb(further)}; {files_per(further_loads)}",
             f"    mean KB by kind: {by_kind(further_loads, packed)}"]
    count = sum(n > BUDGET_FURTHER for n in further)
    lines.append(f"  {count} of {len(further)} further questions over "
                 f"{BUDGET_FURTHER // 1000} KB" + ("; their bytes by kind: " + ", ".join(
                     f"{k} {n / 1000:.0f} KB" for k, n in over.most_common()) if over else ""))
    return "\n".join(lines)


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


def demo() -> None:
    project = load_project(os.path.join(ROOT, "mkdocs.yml"))
    collection, _ = check_project(project, TODAY, duplicates=False)
    live = collection.live(TODAY)
    slugs = collection.by_slug()
    started = time.perf_counter()
    files = build_answer_index(live, project.settings, TODAY)
    built = time.perf_counter() - started
    print(f"demo: {len(collection.articles)} articles, {len(live)} live on {TODAY}; "
          f"answer index built in {built * 1000:.0f} ms")
    print(index_size(files))
    exact = build_answer_index(live, project.settings, TODAY, scale=100_000)
    rankers = {
        "exact": Ranker(Engine(IndexFiles(memory_loader(exact))).ask),
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
            old, new = rankers["exact"](case.question), rankers["engine"](case.question)
            if [h.slug for h in old.hits] != [h.slug for h in new.hits] or \
                    old.good != new.good or old.suggestion != new.suggestion:
                differ.append((shown, case, old, new))
    print(f"\nquestions whose answer differs between exact and the engine: {len(differ)} "
          f"of {len(questions)}")
    deeper = [d for d in differ if not _differs_at_top(d[2], d[3])]
    for shown, case, old, new in differ:
        if (shown, case, old, new) in deeper:
            continue
        print(f"  {shown}:{case.line}: {case.question!r}")
        for name, answer in (("exact", old), ("engine", new)):
            hits = ", ".join(f"{h.slug} {h.score}" for h in answer.hits[:5])
            print(f"    {name:7} {'answers' if answer.good else 'declines'}"
                  f"{' (' + answer.suggestion + ')' if answer.suggestion else ''}: {hits}")
    print(f"  {len(deeper)} more differ only below rank 3: "
          + ", ".join(f"{os.path.basename(s)}:{c.line}" for s, c, _, _ in deeper))
    print()
    print(bytes_per_question(files, questions))


def synthetic(n: int, work: str) -> None:
    import answers

    import build

    root = os.path.join(work, f"engine-{n}")
    folder = os.path.join(root, "kb")
    if not os.path.isfile(os.path.join(folder, "mkdocs.yml")):
        folder = build.generate(n, TODAY, SEED, root=root, baseline=False)["kb"]
    project = load_project(os.path.join(folder, "mkdocs.yml"))
    collection, _ = check_project(project, TODAY, duplicates=False)
    live = collection.live(TODAY)
    build_answer_index(live[:50], project.settings, TODAY)  # imports, stemmer tables
    started = time.perf_counter()
    files = build_answer_index(live, project.settings, TODAY)
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
    parser.add_argument("--work", default=None,
                        help="where the synthetic projects are generated and kept "
                             "(default benchmarks/work/)")
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_demo:
        demo()
    if args.sizes:
        import build

        for n in args.sizes:
            synthetic(n, args.work or build.WORK)
    return 0


if __name__ == "__main__":
    sys.exit(main())
