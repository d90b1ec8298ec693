#!/usr/bin/env python
"""Answers benchmark: the `kb ask` index, related questions and answer quality.

One run measures three things and writes them, with the machine, to
benchmarks/results/answers-<date>.json:

1. ``kb ask`` at each size N (default 1,000 and 3,000 synthetic articles, the same
   generator as build.py, written to benchmarks/work/answers-<N>/kb/). `kb ask`
   answers with kb.engine from the answer index kb build ships, which kb.answercache
   builds from the docs folder and keeps in the cache folder as one ZIP named by a
   key of everything it depends on:
   * a full build of that index (``open_answers`` on an empty cache folder), the
     ZIP's size;
   * what every ``kb ask`` pays when nothing changed (the key: stat every file;
     then the cached ZIP read), and ``open_answers`` after one file was edited
     (a new key: the whole index built again);
   * warm latency in one process: one engine, a few warm-up questions, then ~200
     shopper-like questions (title paraphrases, single words, typos, long 30-word
     messages) asked ``--repeats`` times; then each once more on a fresh engine,
     as a single ``kb ask`` process does (no scores kept from earlier questions),
     split into question analysis and scoring;
   * the end-to-end time of ``kb ask "..."`` as a child process, next to the
     start-up of Python alone and of ``kb --version`` (imports only).
   build.py runs the full index build and the warm latency through ``child``, in
   child processes of its own.
2. Related questions at 1,000 articles: ``RelatedIndex`` construction and
   ``related()`` for every live article (what ``plan_site`` does for them), the
   near-duplicate check ``kb check`` and ``kb build`` run, and one timed ``kb build``
   of the same project to put them in proportion.
3. Answer quality on the demo help centre (mkdocs.yml / content/, day 2026-11-22)
   for benchmarks/eval/demo-nl.csv, demo-nl-holdout.csv and demo-nl-fresh.csv:
   printed@1 (what `kb ask` and the site show first; a decline shows nothing), hit@1,
   hit@3, MRR of a plain Whoosh baseline (Whoosh's own Dutch analyser and
   BM25F), of kb with every question-analysis feature off, of each feature added
   alone and removed alone, and of kb in full (kb.engine over the answer index).

Standard library, kb and whoosh (the baseline) only. Run:  python benchmarks/answers.py
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import whoosh  # noqa: E402
from whoosh import fields as wf  # noqa: E402
from whoosh.analysis import LanguageAnalyzer  # noqa: E402
from whoosh.filedb.filestore import RamStorage  # noqa: E402
from whoosh.qparser import MultifieldParser, OrGroup  # noqa: E402

import kb  # noqa: E402
from kb.answercache import FOLDER, cache_key, open_answers  # noqa: E402
from kb.answerindex import IndexFiles, build_answer_index, memory_loader  # noqa: E402
from kb.articles import load_collection  # noqa: E402
from kb.engine import FEATURES, Engine  # noqa: E402
from kb.evaluate import DEPTH, evaluate, printed, read_cases  # noqa: E402
from kb.project import load_project  # noqa: E402
from kb.ranking import rank  # noqa: E402
from kb.related import RelatedIndex  # noqa: E402
from kb.similarity import near_duplicates  # noqa: E402
from kb.site import plan_site  # noqa: E402

import build  # noqa: E402  (the content generator and the child-process timer)

EVAL_TODAY = date(2026, 11, 22)
EVAL_SETS = ["benchmarks/eval/demo-nl.csv", "benchmarks/eval/demo-nl-holdout.csv",
             "benchmarks/eval/demo-nl-fresh.csv"]
KINDS = ("paraphrase", "word", "typo", "long")
LIMIT = 3  # answers `kb ask` shows by default
P95_TARGET_MS = 50
RELATED_SHARE_TARGET = 0.15


# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    data = sorted(values)
    if not data:
        return float("nan")
    k = (len(data) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def spread(values: list[float]) -> dict:
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "max": max(values), "mean": statistics.fmean(values)}


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def own_cpu() -> float:
    """CPU seconds used by this process and its reaped children."""
    me, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                    resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def measured(fn, *args):
    """Run one part of the benchmark after waiting for a quiet machine (see build.py's
    --idle-threshold); record how many cores other processes used meanwhile."""
    before = build.wait_for_idle()
    ticks, cpu, started = build._cpu_ticks(), own_cpu(), time.perf_counter()
    row = fn(*args)
    seconds = time.perf_counter() - started
    ticks_after = build._cpu_ticks()
    others = float("nan")
    if ticks and ticks_after and seconds > 0:
        busy = (ticks_after[0] - ticks[0]) / os.sysconf("SC_CLK_TCK")
        others = max(0.0, busy - (own_cpu() - cpu)) / seconds
    row["other_processes_cores"] = {"before": before, "during": others}
    print(f"   (other processes: {before:.2f} cores before, {others:.2f} during)", flush=True)
    return row


# --------------------------------------------------------------------------
# Shopper-like questions from the synthetic content's vocabulary
# --------------------------------------------------------------------------

# Words a shopper leaves out when retyping a question in their own words.
FUNCTION_WORDS = set("""de het een van naar ik mijn is er in met bij voor als wat hoe welke
    waar wanneer waarom wie kan jullie op te zijn nog om je doe heb krijg staan wordt
    gebeurt niet laten het best gemaakt zitten""".split())
OPENERS = ["", "", "hoi, ", "vraagje: ", "hallo ", "even een vraag, ", "goedemiddag, "]
TAILS = ["", "", "?", " graag snel antwoord", " aub", " ??"]
EXTRA_WORDS = ["retourkosten", "verzendkosten", "levertijd", "bezorgtijd", "terugbetaling",
               "afleveradres", "garantie", "retourneren", "track", "annuleren", "factuur",
               "vervoerder", "cadeaubon", "espressomachine", "ontkalken", "betaalmethode"]
NAMES = ["Sanne", "Joost", "Fatima", "Pieter", "Noor", "Daan", "Lotte", "Mehmet"]
# What shoppers tell before they get to the point in a long message.
STORY = [
    "ik heb vorige week iets besteld en nog steeds niets ontvangen",
    "de bevestiging kwam wel binnen per e-mail maar daarna hoorde ik niets meer",
    "het is een cadeau voor mijn moeder dus het moet voor het weekend binnen zijn",
    "ik heb al eerder contact opgenomen met de klantenservice maar nog geen antwoord",
    "mijn account geeft een foutmelding als ik probeer in te loggen",
    "op de pagina met het overzicht staat iets anders dan in de mail",
    "ik bestel vaker bij jullie en ben eigenlijk altijd heel tevreden",
    "de bezorger is niet langs geweest terwijl ik de hele dag thuis was",
    "ik twijfel nog of ik het product wil houden",
    "in de winkelwagen zag ik een andere prijs dan op de factuur",
    "mijn buurvrouw heeft een pakket voor mij aangenomen maar dat was het niet",
    "ik heb de link in de mail geprobeerd maar die doet het niet",
    "ik wacht al drie dagen",
    "de vorige keer ging alles goed",
    "ik heb het pakket nog niet geopend",
    "het gaat om mijn laatste bestelling",
]


def _title_words(title: str) -> list[str]:
    title = re.sub(r"\s*\(bestelling vanaf [^)]*\)", "", title)
    words = re.findall(r"[\w&'-]+", title.lower())
    return [w for w in words if w not in FUNCTION_WORDS and w != "&"]


def paraphrase(rng: random.Random, title: str) -> str:
    words = _title_words(title) or title.lower().split()
    if len(words) > 3 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]  # one word forgotten
    if len(words) > 2 and rng.random() < 0.4:
        cut = rng.randrange(1, len(words))
        words = words[cut:] + words[:cut]  # the object first
    return (rng.choice(OPENERS) + " ".join(words) + rng.choice(TAILS)).strip()


def typo(rng: random.Random, word: str) -> str:
    """Delete one letter, or swap two neighbouring letters."""
    for _ in range(10):
        i = rng.randrange(1, len(word) - 1)
        if rng.random() < 0.5:
            wrong = word[:i] + word[i + 1:]
        else:
            wrong = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if wrong != word:
            return wrong
    return word[:-1]


def with_typos(rng: random.Random, text: str) -> str:
    words = text.split()
    long_enough = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    for i in rng.sample(long_enough, min(len(long_enough), rng.choice([1, 1, 2]))):
        words[i] = typo(rng, words[i])
    return " ".join(words)


def long_message(rng: random.Random, title: str) -> str:
    """About 30 words: a greeting, some story, the question, an order number, thanks."""
    opening = rng.choice(["Hallo,", "Goedemorgen,", "Hoi,", "Beste klantenservice,"])
    question = paraphrase(rng, title)
    order = f"Mijn bestelnummer is BB-2611-{rng.randint(10000, 99999)}."
    closing = f"Alvast bedankt, groet {rng.choice(NAMES)}"
    words = len(f"{opening} {question} {order} {closing}".split())
    story = []
    for line in rng.sample(STORY, len(STORY)):  # whole sentences while they fit in ~30
        if words + len(line.split()) <= 32:
            story.append(line[0].upper() + line[1:] + ".")
            words += len(line.split())
    return " ".join([opening, *story, question, order, closing])


def make_questions(specs: list, count: int, seed: int) -> list[tuple[str, str]]:
    """`count` (kind, question) pairs, the four kinds in equal shares."""
    rng = random.Random(seed)
    singles = (build.WORDS + EXTRA_WORDS + build.FILLERS["method"] + build.FILLERS["country"]
               + [o.split()[-1] for o in build.FILLERS["obj"]])
    questions = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        title = rng.choice(specs).title
        if kind == "paraphrase":
            text = paraphrase(rng, title)
        elif kind == "word":
            text = rng.choice(singles)
        elif kind == "typo":
            short = rng.choice(singles) if rng.random() < 0.3 else paraphrase(rng, title)
            if not any(len(w) >= 5 for w in short.split()):
                short = rng.choice(EXTRA_WORDS)
            text = with_typos(rng, short)
        else:
            text = long_message(rng, title)
        questions.append((kind, text))
    return questions


# --------------------------------------------------------------------------
# 1. The `kb ask` index at one size
# --------------------------------------------------------------------------

def folder_size(path: str) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total


def full_index_build(project, today: date) -> tuple[float, float, object]:
    """Build the `kb ask` index from nothing: remove the project's cache folder, then
    open the answers (kb.answercache builds and stores the index). Returns the wall
    and CPU seconds of `open_answers` alone (not the removal) and its ProjectAnswers."""
    cache = project.cache_dir
    shutil.rmtree(cache, ignore_errors=True)
    cpu = time.process_time()
    seconds, answers = timed(open_answers, project.docs_dir, project.settings, cache, today)
    cpu = time.process_time() - cpu
    assert answers.built and not answers.broken and not answers.note, answers
    return seconds, cpu, answers


def indexed(answers) -> int:
    """The articles in the index (those live on its day)."""
    return answers.engine.files.meta["total"]


def _docs(engine: Engine) -> list[dict]:
    """The stored documents of an engine's index, in doc order."""
    return [engine.files.doc(d) for d in range(engine.files.meta["total"])]


def question_sets(specs: list, count: int, seed: int) -> tuple[list, list]:
    """The `count` timed questions and the 20 other warm-up questions for a content seed."""
    return make_questions(specs, count, seed + 7), make_questions(specs, 20, seed + 99)


def warm_latency(engine: Engine, questions: list[tuple[str, str]],
                 warmup: list[tuple[str, str]], repeats: int) -> dict:
    """One engine for everything: the warm-up questions first, then every question
    `repeats` times, each round in another shuffled order. Milliseconds per question:
    "all", "samples" (by kind), "per_question", "first_round", and "all_cpu" (this
    process's CPU time, little disturbed by other work on the machine); "good" counts the
    good answers of the first round."""
    samples: dict[str, list[float]] = {k: [] for k in KINDS}
    cpu_samples: list[float] = []
    per_question: list[list[float]] = [[] for _ in questions]
    first_round: list[float] = []
    good = 0
    for _, q in warmup:
        engine.ask(q, LIMIT)
    order = list(range(len(questions)))
    for round_ in range(repeats):
        random.Random(round_).shuffle(order)
        for i in order:
            kind, q = questions[i]
            cpu = time.process_time()
            seconds, answer = timed(engine.ask, q, LIMIT)
            cpu_samples.append((time.process_time() - cpu) * 1000)
            samples[kind].append(seconds * 1000)
            per_question[i].append(seconds * 1000)
            if round_ == 0:
                first_round.append(seconds * 1000)
                good += answer.good
    return {"all": [s for k in KINDS for s in samples[k]], "all_cpu": cpu_samples,
            "samples": samples, "per_question": per_question, "first_round": first_round,
            "good": good}


def child(argv: list[str]) -> int:
    """What build.py starts as a child process, so that os.wait4 gives the CPU time and
    peak memory of this work alone. Prints its figures as one line of JSON.

    ``index PROJECT_DIR TODAY``: a full index build on an empty cache folder
    (``seconds``: `open_answers` alone, without start-up and imports).
    ``latency PROJECT_DIR TODAY N SEED QUESTIONS REPEATS``: warm latency (warm_latency)
    on the index built before, for the questions bench_ask asks at size N.
    """
    task, project_dir, today = argv[0], argv[1], date.fromisoformat(argv[2])
    project = load_project(os.path.join(project_dir, "mkdocs.yml"))
    if task == "index":
        seconds, cpu, answers = full_index_build(project, today)
        out = {"seconds": seconds, "cpu_seconds": cpu, "indexed": indexed(answers),
               "index_bytes": folder_size(os.path.join(project.cache_dir, FOLDER))}
    elif task == "latency":
        n, seed, count, repeats = (int(v) for v in argv[3:7])
        questions, warmup = question_sets(build.plan_articles(n, today, seed), count, seed)
        answers = open_answers(project.docs_dir, project.settings, project.cache_dir, today)
        warm = warm_latency(answers.engine, questions, warmup, repeats)
        out = {"questions": len(questions), "repeats": repeats, "rebuilt": answers.built,
               "latency_ms": spread(warm["all"]), "latency_cpu_ms": spread(warm["all_cpu"]),
               "latency_by_kind_ms": {k: spread(v) for k, v in warm["samples"].items()},
               "good_answer_share": warm["good"] / len(questions)}
    else:
        raise SystemExit(f"unknown task {task!r}; expected index or latency")
    print(json.dumps(out), flush=True)
    return 0


def bench_cli(cmd: list[str], cwd: str, runs: int, log: str) -> dict:
    build.checked(build.run(cmd, cwd, log), " ".join(cmd[:2]), log)  # untimed warm-up
    results = [build.checked(build.run(cmd, cwd, log), " ".join(cmd[:2]), log)
               for _ in range(runs)]
    seconds = [r.seconds for r in results]
    return {"runs": runs, "median_s": statistics.median(seconds),
            "p95_s": percentile(seconds, 95), "max_s": max(seconds),
            "cpu_median_s": statistics.median(r.cpu_seconds for r in results),
            "seconds": seconds}


def bench_ask(n: int, args: argparse.Namespace, today: date) -> dict:
    root = os.path.join(build.WORK, f"answers-{n}")
    print(f"\n== N = {n}: generating the kb project in {os.path.relpath(root)}/", flush=True)
    specs = build.plan_articles(n, today, args.seed)
    project_dir = build.generate(n, today, args.seed, root=root, baseline=False)["kb"]
    project = load_project(os.path.join(project_dir, "mkdocs.yml"))
    cache = project.cache_dir
    folder = os.path.join(cache, FOLDER)
    row: dict = {"n": n, "project": os.path.relpath(project_dir, ROOT)}

    # Full build on an empty cache folder.
    builds = []
    for i in range(args.repeats):
        seconds, _cpu, built = full_index_build(project, today)
        builds.append(seconds)
        print(f"   full index build {i + 1}/{args.repeats}: {seconds:.2f} s "
              f"({indexed(built)} articles)", flush=True)
    row.update(indexed=indexed(built), full_build_s=statistics.median(builds),
               full_build_runs_s=builds, index_bytes=folder_size(folder),
               index_files=len(os.listdir(folder)))

    # No change: what every `kb ask` pays before answering (the key, which stats every
    # file, then the cached ZIP read), and the key alone.
    opens, keys = [], []
    for _ in range(10 * args.repeats):
        seconds, answers = timed(open_answers, project.docs_dir, project.settings, cache,
                                 today)
        assert not answers.built, answers
        opens.append(seconds)
        keys.append(timed(cache_key, project.docs_dir, project.settings, today)[0])
    row.update(nochange_open=spread([s * 1000 for s in opens]),
               nochange_key_only=spread([s * 1000 for s in keys]))
    print(f"   no change: {row['nochange_open']['p50']:.1f} ms median to open "
          f"(the key alone {row['nochange_key_only']['p50']:.1f} ms)", flush=True)

    # Warm latency, in process: one engine.
    questions, warmup = question_sets(specs, args.questions, args.seed)
    warm = warm_latency(answers.engine, questions, warmup, args.repeats)
    samples, per_question = warm["samples"], warm["per_question"]
    analysis: list[dict] = []
    # A fresh engine per question, as in a `kb ask` process (which opens the cached
    # index for its single question): nothing kept from earlier questions. Each
    # question is asked of one fresh engine and only analysed (concepts) by another,
    # to split the time between analysing the question (words, forms, synonyms,
    # spelling and compound lookups) and scoring the articles.
    for kind, q in questions:
        opened, fresh = timed(open_answers, project.docs_dir, project.settings, cache, today)
        asked = timed(fresh.engine.ask, q, LIMIT)[0]
        other = open_answers(project.docs_dir, project.settings, cache, today).engine
        analysed = timed(other.concepts, q)[0]
        analysis.append({"kind": kind, "open": opened * 1000, "ask": asked * 1000,
                         "analysis": analysed * 1000})
    row["latency_ms"] = spread(warm["all"])
    row["latency_cpu_ms"] = spread(warm["all_cpu"])
    row["latency_first_round_ms"] = spread(warm["first_round"])
    row["latency_by_kind_ms"] = {k: spread(v) for k, v in samples.items()}
    row["fresh_engine_ms"] = spread([p["ask"] for p in analysis])
    row["fresh_engine_open_ms"] = spread([p["open"] for p in analysis])
    row["fresh_by_kind_ms"] = {
        kind: {"ask": spread([p["ask"] for p in analysis if kind in ("all", p["kind"])]),
               "analysis_mean": statistics.fmean(
                   p["analysis"] for p in analysis if kind in ("all", p["kind"])),
               "ask_mean": statistics.fmean(
                   p["ask"] for p in analysis if kind in ("all", p["kind"]))}
        for kind in (*KINDS, "all")}
    row["good_answer_share"] = warm["good"] / len(questions)
    row["questions"] = [{"kind": k, "question": q, "median_ms": statistics.median(t)}
                        for (k, q), t in zip(questions, per_question)]
    print(f"   warm latency ({len(questions)} questions x {args.repeats}): "
          f"p50 {row['latency_ms']['p50']:.1f} ms, p95 {row['latency_ms']['p95']:.1f} ms, "
          f"max {row['latency_ms']['max']:.1f} ms", flush=True)

    # The command line: Python start-up, kb's imports, one `kb ask`.
    if not args.skip_cli:
        kb_cmd = build.tool("kb")
        log = os.path.join(root, "cli.log")
        step = len(questions) // args.cli_runs
        asked = [questions[(i * step + i) % len(questions)][1]  # every kind in turn
                 for i in range(args.cli_runs)]
        python = bench_cli([sys.executable, "-c", "pass"], project_dir, args.cli_runs, log)
        version = bench_cli([kb_cmd, "--version"], project_dir, args.cli_runs, log)
        build.checked(build.run([kb_cmd, "ask", asked[0], "--today", today.isoformat()],
                                project_dir, log), "kb ask", log)
        runs = [build.checked(build.run([kb_cmd, "ask", q, "--today", today.isoformat()],
                                        project_dir, log), "kb ask", log) for q in asked]
        seconds = [r.seconds for r in runs]
        row["cli"] = {
            "python_startup": python, "kb_version": version,
            "kb_ask": {"runs": len(runs), "median_s": statistics.median(seconds),
                       "p95_s": percentile(seconds, 95), "max_s": max(seconds),
                       "cpu_median_s": statistics.median(r.cpu_seconds for r in runs),
                       "seconds": seconds, "questions": asked},
        }
        print(f"   CLI: python {python['median_s'] * 1000:.0f} ms, kb --version "
              f"{version['median_s'] * 1000:.0f} ms, kb ask median "
              f"{row['cli']['kb_ask']['median_s'] * 1000:.0f} ms, p95 "
              f"{row['cli']['kb_ask']['p95_s'] * 1000:.0f} ms", flush=True)

    # One file edited: a new key, so the next `kb ask` builds the whole index again.
    edits = []
    sources = sorted(d["src_uri"] for d in _docs(answers.engine))
    for i in range(args.repeats):
        path = os.path.join(project.docs_dir, sources[(i * 37) % len(sources)])
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"\nAangepast: {build.sentence(random.Random(i))}\n")
        seconds, answers = timed(open_answers, project.docs_dir, project.settings, cache,
                                 today)
        assert answers.built, answers
        edits.append(seconds)
    row["one_edit_rebuild"] = spread([s * 1000 for s in edits])
    print(f"   one file edited: {row['one_edit_rebuild']['p50']:.0f} ms median", flush=True)
    return row


# --------------------------------------------------------------------------
# 2. Related questions
# --------------------------------------------------------------------------

def bench_related(n: int, args: argparse.Namespace, today: date) -> dict:
    root = os.path.join(build.WORK, f"answers-{n}")
    project_dir = os.path.join(root, "kb")
    if not os.path.isfile(os.path.join(project_dir, "mkdocs.yml")):
        build.generate(n, today, args.seed, root=root, baseline=False)
    print(f"\n== Related questions at N = {n}", flush=True)
    project = load_project(os.path.join(project_dir, "mkdocs.yml"))
    settings = project.settings
    collection = load_collection(project.docs_dir, settings, today)
    live = rank(collection.live(today))
    # Wall and CPU time of each part; CPU time is far less disturbed by other work on
    # the machine, so the shares are given both ways.
    parts = ("construct", "related_all", "related", "plan_site", "near_duplicates")
    runs: dict[str, list[float]] = {f"{p}_{k}": [] for p in parts for k in ("s", "cpu_s")}

    def note(name: str, fn, *fn_args):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn(*fn_args)
        runs[f"{name}_s"].append(time.perf_counter() - wall)
        runs[f"{name}_cpu_s"].append(time.process_time() - cpu)
        return result

    for _ in range(max(5, args.repeats)):
        index = note("construct", RelatedIndex, live, settings.language)
        note("related_all", lambda index=index: [index.related(a) for a in live])
        for key in ("s", "cpu_s"):
            runs[f"related_{key}"].append(runs[f"construct_{key}"][-1]
                                          + runs[f"related_all_{key}"][-1])
        note("plan_site", plan_site, collection, settings, today, "Bench")
        note("near_duplicates", near_duplicates, collection.articles, settings)
    row = {"n": n, "live": len(live), "runs": runs}
    for name, values in runs.items():
        row[name] = statistics.median(values)

    recorded = recorded_build(n)
    if recorded:
        row["recorded_kb_build_s"], row["recorded_kb_build_file"] = recorded
        row["related_share_of_recorded_build"] = row["related_s"] / recorded[0]
    if not args.skip_build:
        log = os.path.join(root, "kb_build.log")
        result = build.checked(build.run([build.tool("kb"), "build", "--today",
                                          today.isoformat()], project_dir, log), "kb build", log)
        # (No peak memory: a child started from this large process inherits its
        # high-water mark in ru_maxrss; build.py measures kb build's memory.)
        row.update(kb_build_s=result.seconds, kb_build_cpu_s=result.cpu_seconds)
        for key in ("s", "cpu_s"):
            row[f"related_share_of_build_{key}"] = row[f"related_{key}"] / row[f"kb_build_{key}"]
            row[f"related_and_duplicates_share_of_build_{key}"] = \
                (row[f"related_{key}"] + row[f"near_duplicates_{key}"]) / row[f"kb_build_{key}"]
    print(f"   RelatedIndex {row['construct_s']:.3f} s + related() for {len(live)} articles "
          f"{row['related_all_s']:.3f} s; plan_site {row['plan_site_s']:.3f} s; "
          f"near-duplicates {row['near_duplicates_s']:.3f} s"
          + (f"; kb build {row['kb_build_s']:.2f} s" if "kb_build_s" in row else ""),
          flush=True)
    return row


def recorded_build(n: int) -> tuple[float, str] | None:
    """The median `kb build` time at size n from build.py's newest results file."""
    folder = os.path.join(HERE, "results")
    files = sorted(f for f in os.listdir(folder) if f.startswith("build-") and f.endswith(".json"))
    for name in reversed(files):
        with open(os.path.join(folder, name), encoding="utf-8") as fh:
            saved = json.load(fh)
        for r in saved.get("results", []):
            if r.get("n") == n and "kb_build_s" in r:
                return r["kb_build_s"], f"benchmarks/results/{name}"
    return None


# --------------------------------------------------------------------------
# 3. Answer quality on the demo content
# --------------------------------------------------------------------------

class PlainWhoosh:
    """What a first attempt with Whoosh alone looks like: its Dutch analyser (stop words,
    Snowball stemmer), four fields, any word may match (OrGroup), default BM25F."""

    FIELDS = ["title", "summary", "keywords", "body"]

    def __init__(self, articles):
        analyzer = LanguageAnalyzer("nl")
        schema = wf.Schema(slug=wf.ID(stored=True, unique=True), title_text=wf.STORED(),
                           **{name: wf.TEXT(analyzer=analyzer) for name in self.FIELDS})
        self.index = RamStorage().create_index(schema)
        writer = self.index.writer()
        for a in articles:
            writer.add_document(slug=a.slug, title_text=a.title, title=a.title,
                                summary=a.summary, keywords=" ".join(a.keywords), body=a.body)
        writer.commit()
        self.parser = MultifieldParser(self.FIELDS, schema, group=OrGroup)
        self.searcher = self.index.searcher()

    def rank(self, question: str) -> list[tuple[str, str]]:
        hits = self.searcher.search(self.parser.parse(question), limit=DEPTH)
        return [(h["slug"], h["title_text"]) for h in hits]


def configurations() -> list[tuple[str, str, frozenset[str] | None]]:
    """(name, group, features); features None is the plain Whoosh baseline."""
    configs = [("plain Whoosh", "baseline", None), ("kb, all features off", "base",
                                                     frozenset())]
    configs += [(f"+ {f}", "added alone", frozenset({f})) for f in sorted(FEATURES)]
    configs += [(f"− {f}", "removed alone", FEATURES - {f}) for f in sorted(FEATURES)]
    configs.append(("kb full", "full", FEATURES))
    return configs


def rankers(engine: Engine):
    """kb eval's two views of an engine's answers: the ranking, and what a shopper is
    shown (kb.evaluate.printed: nothing when kb declines); each question asked once."""
    asked: dict = {}

    def ask(q: str):
        if q not in asked:
            asked[q] = engine.ask(q, DEPTH)
        return asked[q]

    def ranking(q: str) -> list[tuple[str, str]]:
        return [(h.slug, h.title) for h in ask(q).hits]

    def shown(q: str) -> list[tuple[str, str]]:
        return [(h.slug, h.title) for h in printed(ask(q))]

    return ranking, shown


def bench_quality() -> dict:
    print("\n== Answer quality on the demo content", flush=True)
    project = load_project(os.path.join(ROOT, "mkdocs.yml"))
    collection = load_collection(project.docs_dir, project.settings, EVAL_TODAY)
    slugs = collection.by_slug()
    live = collection.live(EVAL_TODAY)
    sets = {}
    for path in EVAL_SETS:
        sets[os.path.basename(path)] = read_cases(os.path.join(ROOT, path), path, slugs,
                                                  lambda s: slugs[s].is_live(EVAL_TODAY))
    files = build_answer_index(collection.articles, project.settings, EVAL_TODAY)
    plain = PlainWhoosh(live)
    rows = []
    for name, group, features in configurations():
        row = {"name": name, "group": group,
               "features": None if features is None else sorted(features), "sets": {}}
        ranker, shown = (plain.rank, plain.rank) if features is None else rankers(
            Engine(IndexFiles(memory_loader(files)), features=features))
        for set_name, cases in sets.items():
            seconds, report = timed(evaluate, cases, ranker, shown)
            result = {"n": report.n, "printed_at_1": report.printed_at_1,
                      "printed_at_3": report.printed_at_3, "hit_at_1": report.hit_at_1,
                      "hit_at_3": report.hit_at_3, "mrr": report.mrr, "seconds": seconds,
                      "misses": [{"question": m.question, "expected": m.expected,
                                  "first": m.first, "rank": m.rank} for m in report.misses]}
            row["sets"][set_name] = result
        rows.append(row)
        print("   " + f"{name:<24}" + "  ".join(
            f"{s}: printed@1 {r['printed_at_1']:.3f} hit@1 {r['hit_at_1']:.3f} "
            f"hit@3 {r['hit_at_3']:.3f} MRR {r['mrr']:.3f}"
            for s, r in row["sets"].items()), flush=True)
    return {"today": EVAL_TODAY.isoformat(), "articles": len(collection.articles),
            "live": len(live), "sets": {k: len(v) for k, v in sets.items()}, "rows": rows}


# --------------------------------------------------------------------------
# Machine and report
# --------------------------------------------------------------------------

def machine() -> dict:
    info = build.machine()
    try:
        info["whoosh-reloaded"] = metadata.version("whoosh-reloaded")
    except metadata.PackageNotFoundError:
        info["whoosh-reloaded"] = whoosh.versionstring()
    info["kb"] = f"{info['kb']} (kb.__version__ {kb.__version__})"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "kb", "content",
                                "mkdocs.yml", "benchmarks/eval"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split("\n")
        dirty = sorted({line[3:].split("/")[0] for line in dirty if line.strip()})
        info["git"] = commit + (f" + uncommitted changes in {', '.join(dirty)}" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return info


def fingerprint() -> str:
    """A hash of what the results depend on: kb's code and data, the demo content, the
    evaluation sets. Taken before and after a run to notice edits made meanwhile."""
    digest = hashlib.sha256()
    for top in ("kb", "content", "theme", "benchmarks/eval", "mkdocs.yml"):
        path = os.path.join(ROOT, top)
        names = [path] if os.path.isfile(path) else sorted(
            os.path.join(r, f) for r, dirs, files in os.walk(path)
            for f in files if "__pycache__" not in r)
        for name in names:
            digest.update(os.path.relpath(name, ROOT).encode())
            with open(name, "rb") as fh:
                digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()[:16]


def fmt_ms(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def _ask_tables(sizes: list) -> list[str]:
    out: list[str] = []
    out += ["`kb ask` index and latency (warm = in one process, index opened once)", "",
            "| N | full index build s | index size MB | no-change open ms (p50 / p95) "
            "| of which the key ms | one file edited ms (p50) | warm p50 ms | warm p95 ms "
            "| warm max ms | warm p95, first round ms | CLI `kb ask` s (median / p95) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sizes:
        cli = r.get("cli", {}).get("kb_ask")
        cli_text = f"{cli['median_s']:.2f} / {cli['p95_s']:.2f}" if cli else "skipped"
        out.append(
            f"| {r['n']:,} | {r['full_build_s']:.1f} | {r['index_bytes'] / 1e6:.1f} "
            f"| {fmt_ms(r['nochange_open']['p50'])} / "
            f"{fmt_ms(r['nochange_open']['p95'])} "
            f"| {fmt_ms(r['nochange_key_only']['p50'])} "
            f"| {fmt_ms(r['one_edit_rebuild']['p50'])} "
            f"| {fmt_ms(r['latency_ms']['p50'])} | {fmt_ms(r['latency_ms']['p95'])} "
            f"| {fmt_ms(r['latency_ms']['max'])} "
            f"| {fmt_ms(r['latency_first_round_ms']['p95'])} | {cli_text} |")
    out += ["", "Latency by kind of question, ms. Warm: one engine for all questions "
            "(p50 / p95 / max over all rounds). Fresh: a new engine per question, as in "
            "one `kb ask` process, with the share of its mean spent analysing the question.",
            "", "| N | kind | questions | warm p50 | warm p95 | warm max "
            "| fresh p50 | fresh p95 | fresh max | analysis share (fresh) |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sizes:
        for k in (*KINDS, "all"):
            w = r["latency_ms"] if k == "all" else r["latency_by_kind_ms"][k]
            f = r["fresh_by_kind_ms"][k]
            count = sum(1 for q in r["questions"] if k in ("all", q["kind"]))
            label = "**all**" if k == "all" else k
            out.append(f"| {r['n']:,} | {label} | {count} | {fmt_ms(w['p50'])} "
                       f"| {fmt_ms(w['p95'])} | {fmt_ms(w['max'])} "
                       f"| {fmt_ms(f['ask']['p50'])} | {fmt_ms(f['ask']['p95'])} "
                       f"| {fmt_ms(f['ask']['max'])} "
                       f"| {f['analysis_mean'] / f['ask_mean']:.0%} |")
    out += ["", "Opening the cached index (once per `kb ask`), ms p50 / p95: " + "; ".join(
        f"{r['n']:,} articles {fmt_ms(r['fresh_engine_open_ms']['p50'])} / "
        f"{fmt_ms(r['fresh_engine_open_ms']['p95'])}" for r in sizes)]
    if any("cli" in r for r in sizes):
        out += ["", "Command line, wall time of a child process, ms (median / p95)", "",
                "| N | `python -c pass` | `kb --version` (imports) | `kb ask \"...\"` "
                "| `kb ask` CPU (median) |",
                "|---:|---:|---:|---:|---:|"]
        for r in sizes:
            if "cli" not in r:
                continue
            c = r["cli"]
            out.append(
                f"| {r['n']:,} "
                + "".join(f"| {c[k]['median_s'] * 1000:.0f} / {c[k]['p95_s'] * 1000:.0f} "
                          for k in ("python_startup", "kb_version", "kb_ask"))
                + f"| {c['kb_ask']['cpu_median_s'] * 1000:.0f} "
                "|")
    return out


def _related_table(rel: dict) -> list[str]:
    out: list[str] = []
    out += ["", f"Related questions at {rel['n']:,} articles (medians of "
                f"{len(rel['runs']['construct_s'])} runs, in process)", "",
            "| | wall s | CPU s |", "|---|---:|---:|"]
    labels = {
        "construct": "`RelatedIndex` construction (TF-IDF vectors + neighbours)",
        "related_all": f"`related()` for all {rel['live']:,} live articles",
        "related": "**related questions in total**",
        "plan_site": "`plan_site` in total (includes the two above)",
        "near_duplicates": "near-duplicate check (`kb check`, `kb build`)"}
    for key, label in labels.items():
        out.append(f"| {label} | {rel[key + '_s']:.3f} | {rel[key + '_cpu_s']:.3f} |")
    if "kb_build_s" in rel:
        out += [f"| `kb build` of the same project, once | {rel['kb_build_s']:.2f} "
                f"| {rel['kb_build_cpu_s']:.2f} |",
                f"| **related share of that build** | {rel['related_share_of_build_s']:.1%} "
                f"| {rel['related_share_of_build_cpu_s']:.1%} |",
                f"| related + near-duplicates share "
                f"| {rel['related_and_duplicates_share_of_build_s']:.1%} "
                f"| {rel['related_and_duplicates_share_of_build_cpu_s']:.1%} |"]
    if "recorded_kb_build_s" in rel:
        out.append(f"| related share of the recorded `kb build` median "
                   f"({rel['recorded_kb_build_s']:.2f} s, {rel['recorded_kb_build_file']}) "
                   f"| {rel['related_share_of_recorded_build']:.1%} | |")
    return out


def _quality_table(quality: dict) -> list[str]:
    out: list[str] = []
    names = list(quality["sets"])
    out += ["", f"Answer quality on the demo content ({quality['live']} live articles, "
                f"day {quality['today']}); " + ", ".join(
                    f"{k}: {v} questions" for k, v in quality["sets"].items()), "",
            "| configuration | " + " | ".join(
                f"{s} printed@1 | hit@1 | hit@3 | MRR" for s in names) + " |",
            "|---|" + "---:|" * (4 * len(names))]
    for row in quality["rows"]:
        cells = []
        for s in names:
            r = row["sets"][s]
            cells += [f"{r['printed_at_1']:.3f}", f"{r['hit_at_1']:.3f}", f"{r['hit_at_3']:.3f}",
                      f"{r['mrr']:.3f}"]
        label = f"**{row['name']}**" if row["group"] in ("baseline", "full") else row["name"]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return out


def _targets(sizes: list, rel: dict | None) -> list[str]:
    out: list[str] = []
    at3000 = next((r for r in sizes if r["n"] == 3000), None)
    if at3000:
        p95 = at3000["latency_ms"]["p95"]
        out.append(f"- warm `kb ask` p95 <= {P95_TARGET_MS} ms at 3,000 articles: "
                   f"{p95:.1f} ms, {'met' if p95 <= P95_TARGET_MS else 'NOT met'}")
    if rel and "related_share_of_build_s" in rel:
        share, cpu = rel["related_share_of_build_s"], rel["related_share_of_build_cpu_s"]
        out.append(f"- related questions <= {RELATED_SHARE_TARGET:.0%} of `kb build` at "
                   f"{rel['n']:,}: {share:.1%} of wall time, {cpu:.1%} of CPU time, "
                   f"{'met' if max(share, cpu) <= RELATED_SHARE_TARGET else 'NOT met'}")
    return ["", "Targets", ""] + out if out else []


def tables(payload: dict) -> str:
    sizes, rel, quality = payload.get("ask", []), payload.get("related"), payload.get("quality")
    out = _ask_tables(sizes) if sizes else []
    if rel:
        out += _related_table(rel)
    if quality:
        out += _quality_table(quality)
    return "\n".join(out + _targets(sizes, rel))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000],
                        help="numbers of synthetic articles (default: 1000 3000)")
    parser.add_argument("--questions", type=int, default=200,
                        help="shopper-like questions asked per size (default: 200)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="full index builds, one-file edits and latency rounds per size; "
                             "the no-change open runs 10x as often (default: 3)")
    parser.add_argument("--cli-runs", type=int, default=10,
                        help="timed `kb ask` child processes per size (default: 10)")
    parser.add_argument("--related-size", type=int, default=1000,
                        help="size at which related questions are timed (default: 1000)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the content")
    parser.add_argument("--today", default=None,
                        help="day for the synthetic content and kb (default: today)")
    parser.add_argument("--skip-cli", action="store_true",
                        help="do not time `kb ask` as a child process")
    parser.add_argument("--skip-build", action="store_true",
                        help="do not run `kb build` to put related questions in proportion")
    parser.add_argument("--skip-quality", action="store_true",
                        help="do not evaluate answer quality on the demo content")
    build.add_idle_options(parser, "before each part and each child process")
    parser.add_argument("--json", metavar="PATH",
                        help="where to write the results (default: "
                             "benchmarks/results/answers-<date>.json; '-' for standard output)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.questions < len(KINDS) or args.cli_runs < 1:
        parser.error("--repeats and --cli-runs must be at least 1, --questions at least 4")
    today = date.fromisoformat(args.today) if args.today else date.today()
    build.use_idle_options(args)

    info = build.show_machine(machine())
    started = time.perf_counter()
    payload: dict = {"machine": info, "command": "python " + " ".join(sys.argv),
                     "today": today.isoformat(), "seed": args.seed,
                     "targets": {"warm_p95_ms_at_3000": P95_TARGET_MS,
                                 "related_share_of_build_at_1000": RELATED_SHARE_TARGET}}
    payload["fingerprint_before"] = fingerprint()
    gc.collect()
    payload["ask"] = [measured(bench_ask, n, args, today) for n in args.sizes]
    payload["related"] = measured(bench_related, args.related_size, args, today)
    if not args.skip_quality:
        payload["quality"] = measured(bench_quality)
    payload["seconds"] = time.perf_counter() - started
    payload["fingerprint_after"] = fingerprint()
    if payload["fingerprint_after"] != payload["fingerprint_before"]:
        print("\nWARNING: kb's code, the demo content or the evaluation sets changed during "
              "the run; the results mix two versions. Run again.", flush=True)
    payload["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(tables(payload))
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    if args.json == "-":
        print(text)
        return 0
    path = args.json or os.path.join(HERE, "results", f"answers-{today.isoformat()}.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    print(f"\nWrote {os.path.relpath(path)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
