#!/usr/bin/env python
"""Content-gaps benchmark: `kb gaps` on large exports of shopper questions.

For each size N (default 10,000 and 100,000) this script writes a synthetic,
messy question export to benchmarks/work/gaps/questions-<N>.csv: search-box
fragments, chat lines and e-mails with greetings, signatures, order numbers
and quoted replies, built from templates about what the demo help centre
(mkdocs.yml / content/) answers and about what it lacks, with typing mistakes
and the heavy repetition of real search logs (seeded RNG).

Each size then runs in a child process of its own (`python benchmarks/gaps.py
--child ...`), which does what `kb gaps` does: a fresh cache folder under
benchmarks/work/gaps/ (so the answer index is built from scratch), the demo
project loaded, every row streamed through `kb.gaps` and the report formatted.
The child reports its phases (index, questions, clustering) with
time.perf_counter(); the parent reaps it with os.wait4(), whose ru_maxrss is
the peak resident set size of that one run, and whose CPU time is far less
disturbed by other work on the machine than wall time is.

Results, with the machine, go to benchmarks/results/gaps-<date>.json.
Standard library and kb only. Run:  python benchmarks/gaps.py
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work", "gaps")
sys.path.insert(0, HERE)

import build  # noqa: E402  (machine details and the child-process timer)

TODAY = date(2026, 11, 22)
TARGET_SECONDS_AT_10000 = 30

# --------------------------------------------------------------------------
# Synthetic questions
# --------------------------------------------------------------------------

# Topics the demo answers: (search-box fragments, whole questions).
ANSWERED = [
    (["pakket volgen", "track en trace", "track trace", "waar is mijn pakket"],
     ["waar blijft mijn pakket", "hoe kan ik mijn bestelling volgen",
      "ik heb nog geen track en trace gekregen"]),
    (["retourneren", "retour", "terugsturen", "retour aanmelden"],
     ["hoe stuur ik mijn bestelling terug", "hoe meld ik een retour aan",
      "kan ik de molen nog terugsturen"]),
    (["verzendkosten", "gratis verzending", "wat kost verzenden"],
     ["vanaf welk bedrag is verzenden gratis", "wat zijn de verzendkosten naar belgie"]),
    (["betaalmethoden", "achteraf betalen", "klarna", "ideal", "paypal"],
     ["kan ik achteraf betalen", "kan ik met paypal betalen", "welke betaalmethoden zijn er"]),
    (["levertijd", "wanneer bezorgd", "express levering"],
     ["hoe snel wordt mijn bestelling bezorgd", "kan het morgen al in huis zijn",
      "bezorgen jullie ook op zondag"]),
    (["cadeaubon", "cadeaubon saldo", "tegoedbon"],
     ["hoe gebruik ik mijn cadeaubon", "hoe lang is een cadeaubon geldig"]),
    (["wachtwoord vergeten", "inloggen lukt niet"],
     ["ik kan niet inloggen, wachtwoord kwijt", "hoe reset ik mijn wachtwoord"]),
    (["annuleren", "bestelling annuleren", "adres wijzigen"],
     ["kan ik mijn bestelling nog annuleren", "ik heb het verkeerde adres ingevuld"]),
    (["beschadigd", "kapot aangekomen", "garantie molen"],
     ["mijn bestelling is beschadigd aangekomen", "valt mijn kapotte molen onder de garantie"]),
    (["terugbetaling", "geld terug", "retourkosten"],
     ["wanneer krijg ik mijn geld terug", "moet ik de retour zelf betalen"]),
    (["cafeinevrij", "decaf", "allergenen", "biologisch"],
     ["hebben jullie cafeinevrije koffie", "zit er gluten in de koekjes",
      "is jullie koffie fairtrade"]),
    (["factuur", "factuur downloaden", "geen bevestiging"],
     ["waar vind ik mijn factuur", "ik heb geen bevestigingsmail gekregen"]),
]
# Topics it lacks.
UNANSWERED = [
    (["abonnement", "koffie abonnement", "abonnement opzeggen"],
     ["hebben jullie een koffieabonnement", "kan ik mijn abonnement een maand overslaan",
      "hoe zeg ik mijn abonnement op"]),
    (["capsules", "nespresso capsules", "dolce gusto cups"],
     ["verkopen jullie nespresso capsules", "zijn jullie capsules compatibel met nespresso"]),
    (["workshop", "barista workshop", "proeverij"],
     ["geven jullie workshops koffie zetten", "kunnen we met ons team een proeverij doen"]),
    (["spaarpunten", "loyaliteitsprogramma", "klantenpas"],
     ["kan ik punten sparen voor korting", "waar zie ik mijn spaarpunten"]),
    (["vacatures", "werken bij bonenbaai", "sollicitatie"],
     ["hebben jullie vacatures in de branderij", "hoe kan ik solliciteren"]),
    (["studentenkorting", "student korting"],
     ["hebben jullie studentenkorting", "krijg ik korting als student"]),
    (["statiegeld", "lege zakken inleveren"],
     ["krijg ik statiegeld terug op de glazen pot", "kan ik lege koffiezakken inleveren"]),
    (["wederverkoper", "influencer samenwerking"],
     ["kunnen wij wederverkoper worden", "werken jullie samen met influencers"]),
]
GREETINGS = ["", "", "", "hoi ", "hallo, ", "Beste klantenservice,\n\n", "Goedemorgen,\n\n",
             "Klant: "]
SIGN_OFFS = ["", "", "", " alvast bedankt!", "\n\nMet vriendelijke groet,\n{name}",
             "\n\nGroetjes, {name}", "\n\nMvg {name}\n\nVerzonden vanaf mijn iPhone"]
EXTRAS = ["", "", "", " bestelling {order}", " (order #{order})", " ik heb op {day} besteld",
          "\n\nOp {day} schreef Bonenbaai <klantenservice@bonenbaai.example>:\n> Bedankt "
          "voor je bestelling.\n> Team Bonenbaai"]
# Details shoppers add, so that most questions are worded a little differently.
MODIFIERS = ["kosten", "nederland", "belgie", "duitsland", "2026", "vandaag", "morgen",
             "espressobonen", "filterkoffie", "molen", "v60", "ethiopie", "colombia",
             "decaf", "thee", "kerst", "december", "weekend", "account", "app", "mail",
             "snel", "hoe lang", "hoeveel", "kan dat", "graag", "nog", "ook", "waarom"]
CONTEXTS = [" voor mijn moeder", " voor kerst", " deze week", " voor op kantoor",
            " want ik ben op vakantie", " voor de Ethiopië espressobonen",
            " van de handmolen", " met de V60", " in december", " voor de koffiemolen",
            " want het is een cadeau", " als ik in Antwerpen woon", " voor 2 kilo bonen",
            " ik bestel vaker", " het is dringend", " net als vorige keer",
            " want de website doet raar", " en ik heb nog niks gehoord"]
NAMES = ["Sanne", "Peter de Vries", "Anouk", "Mehmet", "Joost", "Ilse", "Femke", "Daan"]
CHANNELS = ["zoekbalk", "zoekbalk", "zoekbalk", "chat", "chat", "email", "whatsapp"]


def typo(text: str, rng: random.Random) -> str:
    """One typing mistake in a longer word: a letter dropped, doubled or swapped."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    kind = rng.random()
    if kind < 0.4:
        w = w[:j] + w[j + 1:]
    elif kind < 0.7:
        w = w[:j] + w[j] + w[j:]
    else:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    words[i] = w
    return " ".join(words)


def question(rng: random.Random, unanswered_share: float) -> tuple[str, str]:
    topics = UNANSWERED if rng.random() < unanswered_share else ANSWERED
    fragments, whole = rng.choice(topics)
    channel = rng.choice(CHANNELS)
    if channel == "zoekbalk":
        text = rng.choice(fragments)
        if rng.random() < 0.4:
            text += " " + rng.choice(MODIFIERS)
        if rng.random() < 0.25:
            text = typo(text, rng)
        return channel, text
    text = rng.choice(whole)
    if rng.random() < 0.5:
        text += rng.choice(CONTEXTS)
    if rng.random() < 0.3:
        text = typo(text, rng)
    text += "?" if rng.random() < 0.7 else ""
    if channel == "email" or rng.random() < 0.3:
        values = {"name": rng.choice(NAMES), "order": rng.randrange(100_000_000, 200_000_000),
                  "day": f"{rng.randrange(1, 29)} okt. 2026"}
        text = (rng.choice(GREETINGS) + text[0].upper() + text[1:]
                + rng.choice(EXTRAS).format(**values) + rng.choice(SIGN_OFFS).format(**values))
    return channel, text


def generate(n: int, path: str, seed: int, unanswered_share: float = 0.3,
             repeat_share: float = 0.5) -> dict:
    """Write `n` rows; a share of them repeat an earlier row's question word for word,
    the popular ones most often, as search logs do."""
    rng = random.Random(seed + n)
    seen: list[tuple[str, str]] = []
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["date", "channel", "question"])
        for i in range(n):
            if seen and rng.random() < repeat_share:
                # Early (popular) questions come back far more often than later ones.
                channel, text = seen[int(len(seen) * rng.random() ** 4)]
            else:
                channel, text = question(rng, unanswered_share)
                seen.append((channel, text))
            day = date(2026, 10, 1 + i * 30 // n).isoformat()
            writer.writerow([day, channel, text])
    return {"rows": n, "bytes": os.path.getsize(path)}


# --------------------------------------------------------------------------
# The child: what `kb gaps` does, in phases
# --------------------------------------------------------------------------

def project_config(cache_dir: str) -> str:
    """The demo project's mkdocs.yml with its index cached in `cache_dir`."""
    import yaml

    with open(os.path.join(ROOT, "mkdocs.yml"), encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    config["docs_dir"] = os.path.join(ROOT, "content")
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "kb" in plugin:
            plugin["kb"]["cache_dir"] = cache_dir
    path = os.path.join(os.path.dirname(cache_dir), "mkdocs.yml")
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(config, fh, allow_unicode=True)
    return path


def child(csv_path: str, config: str) -> None:
    started = time.perf_counter()
    from kb.answercache import open_answers
    from kb.articles import load_collection
    from kb.gapreport import format_text
    from kb.gaps import GapFinder
    from kb.project import load_project
    from kb.questionfile import open_questions, questions
    from kb.similarity import synonym_map

    phases = {"imports": time.perf_counter() - started}
    mark = time.perf_counter()
    project = load_project(config)
    settings = project.settings
    answers = open_answers(project.docs_dir, settings, project.cache_dir, TODAY)
    collection = load_collection(project.docs_dir, settings, TODAY)
    phases["index"] = time.perf_counter() - mark
    mark = time.perf_counter()
    table, column = open_questions(csv_path, os.path.basename(csv_path))
    finder = GapFinder(answers.engine, collection.articles, synonym_map(settings))
    for _, text in questions(table, column):
        finder.add(text)
    phases["questions"] = time.perf_counter() - mark
    mark = time.perf_counter()
    report = finder.report(settings.taxonomy, settings.language)
    phases["clustering"] = time.perf_counter() - mark
    mark = time.perf_counter()
    text = format_text(report, os.path.basename(csv_path))
    phases["format"] = time.perf_counter() - mark
    phases["total"] = time.perf_counter() - started
    print(json.dumps({"phases": phases, "rebuilt": answers.built,
                      "rows": report.rows, "questions": report.questions,
                      "distinct": report.distinct, "answered_share": report.answered_share,
                      "clusters": len(report.clusters),
                      "largest": [(c.size, c.representative) for c in report.clusters[:8]],
                      "report_lines": text.count("\n") + 1}))


# --------------------------------------------------------------------------
# The parent
# --------------------------------------------------------------------------

def bench_size(n: int, seed: int, repeat_share: float) -> dict:
    folder = os.path.join(WORK, str(n))
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    csv_path = os.path.join(folder, f"questions-{n}.csv")
    made = generate(n, csv_path, seed, repeat_share=repeat_share)
    print(f"\n== N = {n:,}: {made['bytes'] / 1e6:.1f} MB in {os.path.relpath(csv_path)}",
          flush=True)
    config = project_config(os.path.join(folder, "cache"))
    log = os.path.join(folder, "child.log")
    cmd = [sys.executable, os.path.abspath(__file__), "--child", csv_path, config]
    run = build.checked(build.run(cmd, ROOT, log), f"gaps at {n}", log)
    with open(log, encoding="utf-8") as fh:
        result = json.loads(fh.read().strip().splitlines()[-1])
    phases = result["phases"]
    row = {
        "n": n, "repeat_share": repeat_share, "bytes": made["bytes"], "wall_s": run.seconds,
        "cpu_s": run.cpu_seconds,
        "peak_rss_mb": run.peak_mb, "rows_per_s": n / run.seconds,
        "rows_per_s_questions_phase": n / phases["questions"],
        "other_processes_cores": {"before": run.busy_cores, "during": run.others_during},
        **result,
    }
    print(f"   {run.seconds:.1f} s wall, {run.cpu_seconds:.1f} s CPU, "
          f"{run.peak_mb:.0f} MB peak RSS, {row['rows_per_s']:,.0f} rows/s "
          f"(other processes: {run.busy_cores:.2f} cores before, "
          f"{run.others_during:.2f} during)", flush=True)
    print("   phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()), flush=True)
    print(f"   {result['distinct']:,} distinct questions, answered "
          f"{result['answered_share']:.1%}, {result['clusters']:,} clusters; largest: "
          + "; ".join(f"{s} × {r!r}" for s, r in result["largest"][:5]), flush=True)
    return row


def table(rows: list[dict]) -> str:
    lines = ["| questions | distinct | wall | CPU | rows/s | peak RSS | index | questions "
             "phase | clustering | answered | clusters |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        p = r["phases"]
        lines.append(f"| {r['n']:,} | {r['distinct']:,} | {r['wall_s']:.1f} s | "
                     f"{r['cpu_s']:.1f} s | {r['rows_per_s']:,.0f} | {r['peak_rss_mb']:.0f} MB | "
                     f"{p['index']:.1f} s | {p['questions']:.1f} s | {p['clustering']:.2f} s | "
                     f"{r['answered_share']:.1%} | {r['clusters']:,} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="numbers of questions (default: 10000 100000)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the questions")
    parser.add_argument("--repeat-share", type=float, default=0.5, metavar="SHARE",
                        help="share of rows that repeat an earlier row word for word, as in "
                             "search logs (default: 0.5; 0 for the worst case)")
    build.add_idle_options(parser, "before each run")
    parser.add_argument("--json", metavar="PATH",
                        help="where to write the results (default: "
                             "benchmarks/results/gaps-<date>.json; '-' for standard output)")
    parser.add_argument("--child", nargs=2, metavar=("CSV", "CONFIG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    build.use_idle_options(args)
    info = build.machine()
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                        capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    build.show_machine(info)
    if not 0 <= args.repeat_share < 1:
        parser.error("--repeat-share must be at least 0 and below 1")
    rows = [bench_size(n, args.seed, args.repeat_share) for n in args.sizes]
    payload = {"machine": info, "command": "python " + " ".join(sys.argv),
               "today": date.today().isoformat(), "seed": args.seed,
               "repeat_share": args.repeat_share,
               "targets": {"wall_s_at_10000": TARGET_SECONDS_AT_10000}, "results": rows}
    print()
    print(table(rows))
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    if args.json == "-":
        print(text)
        return 0
    path = args.json or os.path.join(HERE, "results", f"gaps-{date.today().isoformat()}.json")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    print(f"\nWrote {os.path.relpath(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
