"""The browser's answer engine (kb/assets/engine/engine.js) answers every question as
kb.engine does over the same answer index: the same ranked articles with the same
scores and coverages, the same decline and the same spelling suggestion, reading the
same files.

Node runs the JavaScript once per index (tests/js/engine_driver.js reads one JSON
batch, and the index files as the scripts they are): the demo's index of the day the
eval sets were written for, over every question of benchmarks/eval/ with every feature
and with each one left out, and over generated hard questions; the demo's blog posts
and pages in a pages index; a synthetic corpus of a few hundred articles
(benchmarks/build.py) over generated questions; the English starter content."""

from __future__ import annotations

import importlib
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kb.answerindex import (
    IndexFiles,
    PageDoc,
    build_page_index,
    folder_loader,
    pages_loader,
    unwrap_script,
    write_answer_index,
    write_files,
)
from kb.articles import load_collection
from kb.engine import FEATURES, Answer, Engine
from kb.settings import Settings
from tests import conftest

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "tests" / "js" / "engine_driver.js"
NODE = shutil.which("node")
EVAL_DAY = date(2026, 11, 22)  # the day the eval sets were written for
LIMIT = 10
FRESH = 5  # every fifth question is also asked on a new engine, for the files it reads

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH (.ci/run installs "
                                                     "it): the JavaScript cannot run")


def eval_questions() -> list[str]:
    return [q for _, q in conftest.eval_questions()]


def vocabulary(folder: Path) -> list[str]:
    """The words of an index's spelling buckets: what its articles say."""
    return sorted(w for p in sorted((folder / "spelling").glob("*.js"))
                  for w in unwrap_script(p.read_bytes())[1])


def misspelt(rng: random.Random, word: str) -> str:
    """`word` with one or two typing mistakes: a letter left out, added, replaced, or
    two letters swapped."""
    letters = "abcdefghijklmnopqrstuvwxyzéë"
    for _ in range(rng.choice([1, 1, 2])):
        i = rng.randrange(len(word))
        kind = rng.randrange(4)
        if kind == 0 and len(word) > 1:
            word = word[:i] + word[i + 1:]
        elif kind == 1:
            word = word[:i] + rng.choice(letters) + word[i:]
        elif kind == 2:
            word = word[:i] + rng.choice(letters) + word[i + 1:]
        elif i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word


def hard_questions(words: Sequence[str], count: int, seed: int) -> list[str]:
    """Questions made of an index's words with misspellings, compounds of two words,
    unknown words, digits, other scripts, repeated words and messages longer than the
    engine's limits on concepts and suggestions."""
    rng = random.Random(seed)
    long_words = [w for w in words if len(w) >= 4] or list(words)
    unknown = ["xqzvw", "bloemkoolwolk", "zzzzzz", "qwertyuiop", "ŝĉĥ", "日本語", "😀",
               "a" * 60, "123456", "4u2", "ÉTHIOPIË", "straße"]
    found = []
    for n in range(count):
        kind = n % 7
        picked = [rng.choice(long_words) for _ in range(rng.randint(1, 4))]
        if kind == 0:
            picked = [misspelt(rng, w) if rng.random() < 0.6 else w for w in picked]
        elif kind == 1:
            picked = [rng.choice(long_words) + rng.choice(["", "s"]) + rng.choice(long_words)]
            picked += [rng.choice(long_words)] if rng.random() < 0.5 else []
        elif kind == 2:
            picked.insert(rng.randrange(len(picked) + 1), rng.choice(unknown))
        elif kind == 3:
            picked = [misspelt(rng, rng.choice(long_words)) for _ in range(rng.randint(1, 3))]
        elif kind == 4:
            picked = [rng.choice(words) for _ in range(rng.randint(30, 45))]
            picked += [misspelt(rng, rng.choice(long_words)) for _ in range(3)]
        elif kind == 5:
            picked = [w.upper() if rng.random() < 0.3 else w for w in picked * 2]
            picked.append(str(rng.randint(1, 99999)))
        else:
            picked = ["ik", "wil", "de", *picked, "graag", "terug", "geld", "terug"]
        found.append(" ".join(picked))
    return found


def engine_for(load, features: frozenset[str] = FEATURES, pages: bool = False) -> Engine:
    """The engine over an article index, or over its pages index with it as the base."""
    engine = Engine(IndexFiles(load), features=features)
    return Engine(IndexFiles(pages_loader(load)), features=features, base=engine) \
        if pages else engine


def python_answers(folder: Path, questions: Sequence[str], features: frozenset[str],
                   pages: bool = False) -> list[dict[str, Any]]:
    engine = engine_for(folder_loader(str(folder)), features, pages)
    return [shown(engine.ask(q, LIMIT)) for q in questions]


def shown(answer: Answer) -> dict[str, Any]:
    """An answer as the driver gives it."""
    return {"hits": [[h.slug, h.score, h.coverage, h.title, h.summary, h.src_uri, h.policy,
                      h.url, h.kind] for h in answer.hits],
            "answers": [h.slug for h in answer.answers], "good": answer.good,
            "declined": not answer.good, "suggestion": answer.suggestion,
            "unknown": answer.unknown}


def python_files(folder: Path, question: str, pages: bool = False) -> list[str]:
    """The files kb.engine asks for to answer `question` on a new engine, missing
    ones included."""
    load = folder_loader(str(folder))
    asked: list[str] = []

    def recorded(name: str) -> bytes | None:
        asked.append(name)
        return load(name)

    engine_for(recorded, pages=pages).ask(question, LIMIT)
    return sorted(set(asked))


def run_node(folder: Path, runs: list[dict[str, Any]], engine: Path | None = None,
             browser: bool = False) -> dict[str, Any]:
    batch = json.dumps({"folder": str(folder), "runs": runs,
                        "engine": str(engine) if engine else None, "browser": browser})
    done = subprocess.run([NODE or "node", str(DRIVER)], input=batch, capture_output=True,
                          text=True, encoding="utf-8", check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["runs"]


def run(name: str, questions: Sequence[str], features: frozenset[str] = FEATURES,
        fresh: int = 0, timing: bool = False, pages: bool = False) -> dict[str, Any]:
    return {"name": name, "questions": list(questions), "limit": LIMIT,
            "features": sorted(features), "fresh": fresh, "timing": timing, "pages": pages}


def differences(questions: Sequence[str], python: Sequence[Any], javascript: Sequence[Any]
                ) -> list[tuple[str, Any, Any]]:
    assert len(python) == len(javascript) == len(questions)
    return [(q, p, j) for q, p, j in zip(questions, python, javascript) if p != j]


# --- Python's numbers and names ---------------------------------------------------

def test_round3_and_round_are_pythons_and_the_names_are_kb_answerindexs() -> None:
    """Ties (odd multiples of 1/16; halves for round) go to even; everything else to the
    nearest. Lexicon ranges are found in Python's string order (code points, which
    JavaScript's < is not beyond U+FFFF)."""
    from kb.answerindex import lex_range, spelling_shard

    rng = random.Random(3)
    numbers = [j / 16 for j in range(-64, 2000)] + [j / 1000 for j in range(-100, 5000)]
    numbers += [j / 2000 for j in range(0, 4000)] + [0.0, 1e-9, 123456.0005, 2.675, 1.0005]
    numbers += [rng.uniform(0, 10) ** rng.choice([1, 2, 3]) for _ in range(20_000)]
    numbers += [rng.randrange(1, 10**6) / 1000 + rng.choice([-1, 0, 1]) * 1e-12
                for _ in range(5_000)]
    words = ["", "a", "retour", "é", "ĳs", "日本語", "😀x", "𐐀", "ß", "0day", "Zz", "ue9",
             *("".join(rng.choice("abcéëĳ日😀𐐨0") for _ in range(rng.randint(1, 8)))
               for _ in range(2_000))]
    halves = [j / 2 for j in range(0, 4000)] + [j * 1000.5 for j in range(0, 2000)]
    halves += [rng.uniform(0, 10**6) for _ in range(20_000)]
    firsts = sorted(set(words))[::37]
    ranges = [[firsts, w] for w in words] + [[[], "a"], [["b"], "a"], [["b"], "c"]]
    batch = {"runs": [], "round3": numbers, "round_even": halves, "lex_range": ranges,
             "spelling_shard": [w for w in words if w]}
    done = subprocess.run([NODE or "node", str(DRIVER)], input=json.dumps(batch),
                          capture_output=True, text=True, encoding="utf-8", check=True)
    out = json.loads(done.stdout)
    assert [n for n, r in zip(numbers, out["round3"]) if round(n, 3) != r] == []
    assert [n for n, r in zip(halves, out["round_even"]) if round(n) != r] == []
    assert out["lex_range"] == [lex_range(f, w) for f, w in ranges]
    assert out["spelling_shard"] == [spelling_shard(w) for w in words if w]


# --- The demo ------------------------------------------------------------------

def without(feature: str) -> frozenset[str]:
    return FEATURES - {feature}


def demo_pages() -> list[PageDoc]:
    """The demo's blog posts (their text before `<!-- more -->` as the summary) and two
    hand-written pages, one on what no article answers."""
    import re

    pages = []
    for path in sorted((ROOT / "content" / "blog" / "posts").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        day = re.search(r"^date: (\d{4})-(\d\d)-(\d\d)", text, re.M)
        assert day
        title = re.search(r"^# (.+)$", text, re.M)
        assert title
        intro, _, rest = text[title.end():].partition("<!-- more -->")
        pages.append(PageDoc(f"blog/{'/'.join(day.groups())}/{path.stem}/", title[1],
                             " ".join(intro.split()), rest, "blog"))
    pages.append(PageDoc("over-ons/", "Over Bonenbaai", "Een koffiebranderij in Utrecht.",
                         "Sinds 2012 branden we koffie. Werken bij ons? Bekijk de vacatures: "
                         "we zoeken een barista en een medewerker klantenservice.", "page"))
    pages.append(PageDoc("pers/", "Pers", "", "Voor journalisten: foto's en het logo.", "page"))
    return pages


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, Any]:
    from kb.checks import check_project
    from kb.project import load_project

    project = load_project(str(ROOT / "mkdocs.yml"))
    collection, _ = check_project(project, EVAL_DAY, duplicates=False)
    folder = tmp_path_factory.mktemp("demo-index")
    write_answer_index(collection.articles, project.settings, EVAL_DAY, str(folder))
    write_files(build_page_index(demo_pages(), project.settings), str(folder))
    questions = eval_questions()
    hard = hard_questions(vocabulary(folder), 350, 16)
    page_questions = questions + hard[::2] + ["hebben jullie vacatures", "welke molen",
                                              "espreso", "koffiemoelen kopen", "persfoto"]
    runs = [run("eval", questions, fresh=FRESH, timing=True), run("hard", hard, fresh=FRESH),
            run("pages", page_questions, fresh=FRESH, pages=True),
            run("pages-nospelling", page_questions, without("spelling"), pages=True)]
    runs += [run(f"eval-{f}", questions, without(f)) for f in sorted(FEATURES)]
    return {"folder": folder, "questions": questions, "hard": hard,
            "page_questions": page_questions, "node": run_node(folder, runs)}


def test_every_eval_question_gets_kb_engines_answer_in_javascript(demo) -> None:
    """675 questions: ranked slugs, scores, coverages, decline, suggestion, unknowns."""
    questions = demo["questions"]
    assert len(questions) == 675
    python = python_answers(demo["folder"], questions, FEATURES)
    assert differences(questions, python, demo["node"]["eval"]["answers"]) == []
    assert sum(bool(a["suggestion"]) for a in python) > 0  # the suggestion path is taken
    assert sum(a["good"] for a in python) > sum(not a["good"] for a in python) > 0


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_the_eval_questions_get_the_same_answer_without_each_feature(demo, feature) -> None:
    questions = demo["questions"]
    python = python_answers(demo["folder"], questions, without(feature))
    assert differences(questions, python, demo["node"][f"eval-{feature}"]["answers"]) == []


def test_misspelt_compound_unknown_and_long_questions_get_the_same_answer(demo) -> None:
    hard = demo["hard"]
    python = python_answers(demo["folder"], hard, FEATURES)
    assert differences(hard, python, demo["node"]["hard"]["answers"]) == []
    # The generated questions take the paths they are meant to take.
    engine = Engine(IndexFiles(folder_loader(str(demo["folder"]))))
    assert sum(engine.concepts(q)[1] is not None for q in hard) > 50  # corrected
    assert sum(bool(a["suggestion"]) for a in python) > 5  # and declined
    assert sum(len(q.split()) > 32 for q in hard) > 30


def test_the_pages_index_gets_the_same_answers_with_the_articles_spelling(demo) -> None:
    """Blog posts and pages, answered with the article index's analysis and spelling."""
    asked = demo["page_questions"]
    python = python_answers(demo["folder"], asked, FEATURES, pages=True)
    assert differences(asked, python, demo["node"]["pages"]["answers"]) == []
    plain = python_answers(demo["folder"], asked, without("spelling"), pages=True)
    assert differences(asked, plain, demo["node"]["pages-nospelling"]["answers"]) == []
    assert plain != python  # spelling corrections come into it
    kinds = {hit[8] for a in python for hit in a["hits"]}
    assert kinds == {"blog", "page"}
    assert all(hit[0] == hit[5] == "" and hit[6] is None for a in python for hit in a["hits"])
    files = [python_files(demo["folder"], q, pages=True) for q in asked[::FRESH]]
    assert differences(asked[::FRESH], files, demo["node"]["pages"]["files"]) == []
    assert demo["node"]["pages"]["twice"] == []
    assert any(f.startswith("pages/lex/") for fs in files for f in fs)  # six pages: inline
    assert any(f.startswith("spelling/") for fs in files for f in fs)
    assert not any(f.startswith("pages/spelling") or f == "pages/analysis"
                   for fs in files for f in fs)


def test_javascript_reads_the_files_python_reads_and_none_twice(demo) -> None:
    for name in ("eval", "hard"):
        node = demo["node"][name]
        questions = demo["questions"] if name == "eval" else demo["hard"]
        python = [python_files(demo["folder"], q) for q in questions[::FRESH]]
        assert differences(questions[::FRESH], python, node["files"]) == [], name
        assert node["twice"] == [], name


def test_the_minified_engine_answers_as_the_source(demo, tmp_path) -> None:
    """kb.minify.minify_js, as the site ships its scripts, changes no answer."""
    from kb.minify import minify_js

    for name in ("engine.js", "analysis.js"):
        source = (ROOT / "kb" / "assets" / "engine" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(minify_js(source), encoding="utf-8")
    node = run_node(demo["folder"], [run("eval", demo["questions"])], tmp_path / "engine.js")
    assert node["eval"]["answers"] == demo["node"]["eval"]["answers"]


def test_in_a_page_the_engine_is_kbengine_engine_after_analysis_js(demo) -> None:
    questions = demo["questions"][::9]
    node = run_node(demo["folder"], [run("page", questions)], browser=True)
    assert node["page"]["answers"] == demo["node"]["eval"]["answers"][::9]


def test_the_answer_times_in_node_are_reported(demo) -> None:
    timing = demo["node"]["eval"]["timing"]
    warm, first = timing["warm"], timing["first"]
    print(f"\nengine.js in Node, {warm['n']} eval questions, limit {LIMIT}: warm engine "
          f"p50 {warm['p50']:.2f} ms, p95 {warm['p95']:.2f} ms; a new engine for every "
          f"{FRESH}th question (files in memory) p50 {first['p50']:.2f} ms, p95 "
          f"{first['p95']:.2f} ms, max {first['max']:.0f} ms")
    assert timing["warm"]["p50"] < 50


# --- A synthetic corpus ----------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> dict[str, Any]:
    """300 generated articles (benchmarks/build.py), 200 questions as the answer
    benchmark asks them (benchmarks/answers.py) and 250 hard ones."""
    from kb.checks import check_project
    from kb.project import load_project

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        build = importlib.import_module("build")
        answers = importlib.import_module("answers")
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    root = tmp_path_factory.mktemp("synthetic")
    project_dir = build.generate(300, EVAL_DAY, 2026, root=str(root / "site"),
                                 baseline=False)["kb"]
    project = load_project(str(Path(project_dir) / "mkdocs.yml"))
    collection, _ = check_project(project, EVAL_DAY, duplicates=False)
    folder = root / "index"
    write_answer_index(collection.articles, project.settings, EVAL_DAY, str(folder))
    specs = build.plan_articles(300, EVAL_DAY, 2026)
    questions = [q for _, q in answers.make_questions(specs, 200, 2033)]
    questions += hard_questions(vocabulary(folder), 250, 17)
    return {"folder": folder, "questions": questions,
            "node": run_node(folder, [run("all", questions, fresh=FRESH)])}


def test_a_synthetic_corpus_gets_the_same_answers(synthetic) -> None:
    questions = synthetic["questions"]
    python = python_answers(synthetic["folder"], questions, FEATURES)
    assert differences(questions, python, synthetic["node"]["all"]["answers"]) == []
    files = [python_files(synthetic["folder"], q) for q in questions[::FRESH]]
    assert differences(questions[::FRESH], files, synthetic["node"]["all"]["files"]) == []
    assert synthetic["node"]["all"]["twice"] == []


# --- English -------------------------------------------------------------------

def test_the_english_starter_content_gets_the_same_answers(tmp_path) -> None:
    settings = Settings(language="en")
    collection = load_collection(str(ROOT / "kb" / "starter" / "en" / "content"), settings,
                                 EVAL_DAY)
    assert collection.articles
    folder = tmp_path / "index"
    write_answer_index(collection.articles, settings, EVAL_DAY, str(folder))
    questions = ["where is my order", "how do I return a parcel", "refund", "delivery costs",
                 "pasword forgotten", "cancel my subscription", "shipping abroad",
                 "payment failed twice", "gift card", "the the and", "",
                 *hard_questions(vocabulary(folder), 120, 18)]
    node = run_node(folder, [run("en", questions, fresh=FRESH)])["en"]
    python = python_answers(folder, questions, FEATURES)
    assert differences(questions, python, node["answers"]) == []
    files = [python_files(folder, q) for q in questions[::FRESH]]
    assert differences(questions[::FRESH], files, node["files"]) == []
