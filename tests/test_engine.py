"""The answer engine (kb.engine) over the static answer index gives the answers of
kb.search's Searcher over a Whoosh index of the same live articles."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kb import engine, search
from kb.answerindex import IndexFiles, build_answer_index, folder_loader, memory_loader
from kb.articles import load_collection
from kb.engine import FEATURES, Engine, Hit, Spellings, Tuning
from kb.search import memory_index
from tests import conftest
from tests.test_search import NL, TODAY, write_docs

ROOT = Path(__file__).resolve().parent.parent
EVAL_DAY = date(2026, 11, 22)  # the day the eval sets were written for
DEPTH = 10

QUESTIONS = [
    "retour sturen", "terugsturen", "ik wil mijn geld terug", "wanneer wordt het bezorgd",
    "betaald", "bonnetje", "wachtwoort vergeten", "hoeveel kafeine", "koffiebonen herkomst",
    "verzendkosten", "wat kost het verzenden", "cadeaubon", "kerstpakket", "zomeractie",
    "vacatures", "", "de het een", "12345", "BB-2611-48213 bestelling", "barista",
    "Hallo, ik heb gisteren besteld en wil graag weten wanneer mijn pakket komt, groet Piet",
    " ".join(f"woord{i} retourneren" for i in range(40)),
    "retourneren " * 3, "Cafeïne", "ÉTHIOPIË", "klarna achteraf betalen",
]


@pytest.fixture(scope="module", autouse=True)
def searcher_without_the_every_letter_spelling_pass():
    """kb.search's Searcher as the engine corrects spelling: among the words of the
    same first letter only (kb.engine says why)."""
    within = search._Spellings.within
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SPELLINGS_AFTER", 1)  # the word table, not Whoosh's look-up
        patch.setattr(search._Spellings, "within",
                      lambda self, word, maxdist, prefix: within(self, word, maxdist, prefix)
                      if prefix else [])
        yield


def comparable(answer) -> tuple:
    return ([(h.slug, h.title, h.summary, h.src_uri, h.coverage) for h in answer.hits],
            answer.good, answer.suggestion, answer.unknown)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    docs = write_docs(tmp_path_factory.mktemp("engine") / "docs")
    collection = load_collection(str(docs), NL, TODAY)
    live = collection.live(TODAY)
    return (memory_index(live, NL), build_answer_index(collection.articles, NL, TODAY),
            build_answer_index(collection.articles, NL, TODAY, scale=100_000))


def test_the_constants_are_kb_searchs() -> None:
    for name in ("FIELD_WEIGHTS", "SHORT_FIELDS", "B", "K1", "SAME", "FORM", "SYNONYM",
                 "COMPOUND", "KNOWN_COMPOUND", "SPELLING", "CANDIDATES", "COVERAGE_BASE",
                 "TITLE_MATCH", "GOOD_COVERAGE", "MAX_CONCEPTS", "MAX_CORRECTED",
                 "MAX_SUGGESTED", "MAX_LOOKUP", "ALL", "FEATURES"):
        assert getattr(engine, name) == getattr(search, name), name


def test_the_engine_reads_its_constants_from_the_index(small) -> None:
    _, files, _ = small
    reader = IndexFiles(memory_loader(files))
    assert Tuning.from_json(reader.meta["constants"]) == Tuning.default()


@pytest.mark.parametrize("features", [FEATURES, frozenset(),
                                      *(FEATURES - {f} for f in sorted(FEATURES))],
                         ids=lambda f: "-".join(sorted(f)) or "none")
def test_the_engine_answers_as_the_searcher_on_the_same_live_articles(small, features) -> None:
    whoosh, _, exact = small
    answers = Engine(IndexFiles(memory_loader(exact)), features=features)
    with whoosh.searcher(TODAY, features) as searcher:
        for question in QUESTIONS:
            old, new = searcher.ask(question, 10), answers.ask(question, 10)
            assert comparable(new) == comparable(old), question
            assert [h.score for h in new.hits] == pytest.approx([h.score for h in old.hits],
                                                                abs=0.01)


def test_an_answer_offers_only_the_hits_that_cover_enough(small) -> None:
    _, files, _ = small
    answer = Engine(IndexFiles(memory_loader(files))).ask("wachtwoord vergeten")
    assert answer.good and answer.answers[0].slug == "account/wachtwoord"
    assert all(h.coverage >= answer.good_coverage for h in answer.answers)
    assert answer.hits[0].policy == "privacy"
    declined = Engine(IndexFiles(memory_loader(files))).ask("vacatures")
    assert not declined.good and declined.answers == []


def test_spelling_lookups_find_every_word_within_the_distance() -> None:
    from kb.analysis import within_distance

    words = ["bezorgen", "bezorger", "besteld", "bestellen", "retour", "retourneren",
             "pakket", "pakje", "paket", "wachtwoord", "koffie", "kofie", "thee", "tee"]
    spellings = Spellings(words)
    # As the engine looks up: words of four letters or more, two edits from seven.
    for word in ["bezorgn", "bestelen", "retuor", "pakkeet", "wachtwort", "kofie", "thea",
                 "xoffie", "ffie", "retourneeren"]:
        maxdist = 1 if len(word) < 7 else 2
        for prefix in (0, 1):
            expected = sorted(w for w in words if w[:prefix] == word[:prefix]
                              and within_distance(word, w, maxdist))
            assert spellings.within(word, maxdist, prefix) == expected, (word, prefix)


def test_a_correction_reads_only_the_spelling_buckets_of_its_first_letter_and_length(
        small) -> None:
    _, files, _ = small
    reader = IndexFiles(memory_loader(files))
    answer = Engine(reader).ask("wahctwoord")
    assert answer.hits and answer.hits[0].slug == "account/wachtwoord"
    assert [n for n in reader.read if n.startswith("spelling/")] == \
        reader.spelling_files("wahctwoord", 2) != []
    assert all(n.startswith("spelling/w-") for n in reader.spelling_files("wahctwoord", 2))
    # A mistyped first letter finds nothing: no word of another letter is looked at.
    reader = IndexFiles(memory_loader(files))
    assert Engine(reader).ask("xachtwoord").hits == []
    assert [n for n in reader.read if n.startswith("spelling/")] == \
        reader.spelling_files("xachtwoord", 2)


def test_the_engine_imports_no_whoosh_but_its_stemmers(tmp_path) -> None:
    from kb.answerindex import write_answer_index

    folder = tmp_path / "search"
    docs = write_docs(tmp_path / "docs")
    write_answer_index(load_collection(str(docs), NL, TODAY).articles, NL, TODAY, str(folder))
    code = ("import sys\n"
            "from kb.answerindex import IndexFiles, folder_loader\n"
            "from kb.engine import Engine\n"
            f"answer = Engine(IndexFiles(folder_loader({str(folder)!r}))).ask('retour sturen')\n"
            "assert answer.good, answer\n"
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    assert [m for m in out if m not in ("whoosh", "whoosh.compat", "whoosh.lang")
            and not m.startswith("whoosh.lang.")] == []
    assert folder_loader(str(folder))("meta")


# --- Parity on the eval sets -----------------------------------------------------

def eval_questions() -> list[tuple[str, str]]:
    return [(where, " ".join(q.split())) for where, q in conftest.eval_questions()]


@pytest.fixture(scope="module")
def demo():
    from kb.checks import check_project
    from kb.project import load_project

    project = load_project(str(ROOT / "mkdocs.yml"))
    collection, _ = check_project(project, EVAL_DAY, duplicates=False)
    live = collection.live(EVAL_DAY)
    with memory_index(live, project.settings).searcher(EVAL_DAY) as searcher:
        expected = {q: searcher.ask(q, DEPTH) for _, q in eval_questions()}
    return collection, project.settings, expected


def near_ties_only(old: list[Hit], new: list[Hit], tolerance: float) -> bool:
    """Whether `new` ranks as `old` but for hits whose old scores are within `tolerance`."""
    scores = {h.slug: h.score for h in old}
    for before, after in zip(old, new):
        if before.slug != after.slug:
            other = scores.get(after.slug, after.score)
            if abs(other - before.score) > tolerance:
                return False
    return len(old) == len(new)


def test_every_eval_question_gets_the_searchers_answer_from_the_index(demo) -> None:
    """With impacts stored to five decimals the engine ranks as the Searcher, to the
    tenth hit, on every question of every eval set."""
    collection, settings, expected = demo
    files = build_answer_index(collection.articles, settings, EVAL_DAY, scale=100_000)
    answers = Engine(IndexFiles(memory_loader(files)))
    differ = [where for where, q in eval_questions()
              if comparable(answers.ask(q, DEPTH)) != comparable(expected[q])]
    assert differ == []


def test_the_shipped_index_changes_no_decision_and_only_the_order_of_near_ties(demo) -> None:
    """With three decimals (the shipped scale) the answer, the decline and the suggestion
    are the Searcher's on every eval question; hits may swap only when their scores
    are within rounding of each other."""
    collection, settings, expected = demo
    files = build_answer_index(collection.articles, settings, EVAL_DAY)
    answers = Engine(IndexFiles(memory_loader(files)))
    swapped = []
    for where, question in eval_questions():
        old, new = expected[question], answers.ask(question, DEPTH)
        assert (new.good, new.suggestion) == (old.good, old.suggestion), where
        assert [h.slug for h in new.answers[:3]] == [h.slug for h in old.answers[:3]], where
        assert near_ties_only(old.hits, new.hits, 0.005), where
        swapped += [where] if [h.slug for h in new.hits] != [h.slug for h in old.hits] else []
    assert len(swapped) <= 5, swapped


def test_answers_from_a_folder_equal_answers_from_memory_on_the_eval_sets(demo, tmp_path) -> None:
    from kb.answerindex import write_answer_index

    collection, settings, _ = demo
    files = write_answer_index(collection.articles, settings, EVAL_DAY, str(tmp_path))
    on_disk = Engine(IndexFiles(folder_loader(str(tmp_path))))
    in_memory = Engine(IndexFiles(memory_loader(files)))
    for where, question in eval_questions()[::7]:
        assert on_disk.ask(question, DEPTH) == in_memory.ask(question, DEPTH), where
