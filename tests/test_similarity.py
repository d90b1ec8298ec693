"""How close two articles are: TF-IDF vectors, neighbours and near-duplicate warnings."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.analysis import analyzer_for
from kb.articles import load_collection
from kb.checks import check_project
from kb.cli import cli
from kb.project import load_project
from kb.settings import Settings
from kb.similarity import (
    duplicate_problems,
    near_duplicates,
    neighbours,
    similar_pairs,
    synonym_map,
    vectors,
)
from kb.synonyms import builtin_groups
from tests.conftest import article

TODAY = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parent.parent
NL = Settings(language="nl")

# Two articles that ask the same thing in other words (retourneren ~ terugsturen,
# bestelling ~ aankoop are built-in synonyms) among unrelated ones.
RETURN = article(title="Hoe kan ik mijn bestelling retourneren?",
                 summary="Je kunt je bestelling binnen 30 dagen gratis retourneren.")
SEND_BACK = article(title="Kan ik mijn aankoop terugsturen?",
                    summary="Je kunt je aankoop binnen 30 dagen gratis terugsturen.")
OTHERS = {
    "betalen/ideal.md": article(title="Kan ik met iDEAL betalen?", policy="payment",
                                stage="order",
                                summary="Ja, iDEAL werkt met alle Nederlandse banken."),
    "bezorging/wanneer.md": article(title="Wanneer wordt mijn pakket bezorgd?",
                                    policy="shipping", stage="delivery",
                                    summary="Binnen twee werkdagen na je bestelling."),
    "product/cafeine.md": article(title="Hoeveel cafeïne zit er in de koffie?",
                                  policy="product", stage="research",
                                  summary="Ongeveer 80 mg per kop."),
    "privacy/gegevens.md": article(title="Wat doen jullie met mijn gegevens?",
                                   policy="privacy", stage="research",
                                   summary="We gebruiken ze alleen voor je bestelling."),
    "retour/kosten.md": article(title="Wat kost een retour?",
                                summary="Retourneren binnen Nederland is gratis."),
}


def load(tmp_path: Path, files: dict[str, str], settings: Settings = NL):
    docs = tmp_path / "docs"
    for src_uri, text in files.items():
        path = docs / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    collection = load_collection(str(docs), settings, TODAY)
    assert [p for p in collection.problems if p.is_error] == []
    return collection.articles


def pairs(found) -> list[tuple[str, str]]:
    return [(a.slug, b.slug) for a, b, _ in found]


# --- Vectors and neighbours -------------------------------------------------------


def test_vectors_are_unit_length_and_keep_the_most_telling_terms(tmp_path):
    articles = load(tmp_path, {"retour/termijn.md": RETURN, **OTHERS})
    vecs = vectors(articles, "nl")
    assert len(vecs) == len(articles)
    for vec in vecs:
        assert math.sqrt(sum(w * w for w in vec.values())) == pytest.approx(1.0)
    short = vectors(articles, "nl", top=2)
    assert all(len(vec) <= 2 for vec in short)
    # A term every article shares weighs less than one only this article has.
    termijn = vecs[[a.slug for a in articles].index("retour/termijn")]
    assert termijn["retourner"] > termijn["antwoord"]  # "Het hele antwoord." is everywhere


def test_vectors_map_synonyms_to_one_term(tmp_path):
    articles = load(tmp_path, {"a.md": RETURN, "b.md": SEND_BACK})
    same = synonym_map(NL)
    assert same["terugstur"] == same["retourner"]
    plain = vectors(articles, "nl")
    merged = vectors(articles, "nl", same=same)
    assert "terugstur" in plain[1] and "terugstur" not in merged[1]
    assert set(merged[0]) == set(merged[1])  # the same question in other words


def test_vectors_weigh_what_the_analyzer_finds(tmp_path):
    articles = load(tmp_path, {"retour/termijn.md": RETURN, "retour/terugsturen.md": SEND_BACK,
                               **OTHERS})
    analyzer = analyzer_for("nl")
    counts = []
    for a in articles:
        tf: Counter[str] = Counter()
        for text, weight in [(a.title, 3), (" ".join(a.keywords), 2), (a.summary, 2),
                             (a.body, 1)]:
            for term in analyzer.terms(text):
                tf[term] += weight
        counts.append(tf)
    df = Counter(t for tf in counts for t in tf)
    for top in (None, 3):  # at 3 many terms tie: the first met are kept
        for tf, vec in zip(counts, vectors(articles, "nl", top=top)):
            weights = {t: (1 + math.log(c)) * math.log(1 + len(articles) / df[t])
                       for t, c in tf.items()}
            if top is not None:
                weights = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:top])
            norm = math.sqrt(sum(w * w for w in weights.values()))
            assert list(vec.items()) == [(t, w / norm) for t, w in weights.items()]


def test_neighbours_are_the_most_similar_others_best_first():
    vecs = [{"koffie": 0.8, "bonen": 0.6}, {"koffie": 0.6, "bonen": 0.8}, {"koffie": 1.0},
            {"thee": 1.0}, {"cacao": 1.0}, {"suiker": 1.0}, {"melk": 1.0}, {"water": 1.0}]
    found = neighbours(vecs, k=2, common=0.5)
    assert [j for j, _ in found[0]] == [1, 2]
    assert found[0][0][1] == pytest.approx(0.8 * 0.6 + 0.6 * 0.8)
    assert found[0][1][1] == pytest.approx(0.8)
    assert found[3] == []  # shares nothing
    assert all(j != i for i, row in enumerate(found) for j, _ in row)
    assert len(neighbours(vecs, k=1, common=0.5)[0]) == 1


def test_neighbours_skip_terms_most_articles_share():
    vecs = [{"koffie": 1.0}] * 30 + [{"thee": 1.0}] * 30
    # 30 of 60 share "koffie": too common at 20%, though small sites get some slack
    assert neighbours(vecs, common=0.2) == [[]] * 60
    assert len(neighbours(vecs, k=50, common=0.5)[0]) == 29


# --- Near-duplicates --------------------------------------------------------------


def random_vectors(seed: int, count: int) -> list[dict[str, float]]:
    """Unit vectors over a small vocabulary, a few terms far more common than the
    rest, many of them variants of an earlier one so that near pairs abound."""
    rng = random.Random(seed)
    vocabulary = [f"t{n}" for n in range(80)]
    popularity = [1 / (n + 1) for n in range(80)]
    raw: list[dict[str, float]] = [{}]
    while len(raw) < count:
        if len(raw) > 1 and rng.random() < 0.5:
            vec = dict(rng.choice(raw))
            for term in rng.sample(sorted(vec), min(len(vec), rng.randint(0, 2))):
                del vec[term]
            for term in rng.choices(vocabulary, popularity, k=rng.randint(0, 3)):
                vec[term] = rng.uniform(0.05, 1)
        else:
            vec = {t: rng.uniform(0.05, 1)
                   for t in rng.choices(vocabulary, popularity, k=rng.randint(1, 14))}
        raw.append(vec)
    vecs = []
    for vec in raw:
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        vecs.append({t: w / norm for t, w in vec.items()})
    return vecs


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.9])
def test_similar_pairs_are_every_pair_at_the_threshold(seed, threshold):
    vecs = random_vectors(seed, 300)
    expected = [(i, j, sum(w * vecs[j].get(t, 0.0) for t, w in vecs[i].items()))
                for i in range(len(vecs)) for j in range(i + 1, len(vecs))]
    expected = [(i, j, score) for i, j, score in expected if score >= threshold]
    found = sorted(similar_pairs(vecs, threshold))
    assert len(expected) > 20
    assert [(i, j) for i, j, _ in found] == [(i, j) for i, j, _ in expected]
    assert [score for _, _, score in found] == pytest.approx([s for _, _, s in expected])


def test_a_question_asked_many_times_is_flagged_for_every_pair(tmp_path):
    # Seven ways to ask the same: more than the few nearest questions of each.
    titles = ["Hoe kan ik mijn koffiebeker retourneren?", "Kan ik mijn koffiebeker retourneren?",
              "Hoe kan ik de koffiebeker retourneren?", "Hoe moet ik mijn koffiebeker retourneren?",
              "Kan ik de koffiebeker nog retourneren?", "Hoe kan ik een koffiebeker retourneren?",
              "Mag ik mijn koffiebeker nog retourneren?"]
    files = {f"retour/beker-{n}.md": article(title=title,
                                             summary="Binnen 30 dagen via het retourportaal.")
             for n, title in enumerate(titles)}
    found = near_duplicates(load(tmp_path, {**files, **OTHERS}), NL)
    assert len(found) == len(titles) * (len(titles) - 1) // 2


def test_the_same_question_in_other_words_is_a_near_duplicate(tmp_path):
    articles = load(tmp_path, {"retour/termijn.md": RETURN, "retour/terugsturen.md": SEND_BACK,
                               **OTHERS})
    found = near_duplicates(articles, NL)
    assert pairs(found) == [("retour/termijn", "retour/terugsturen")]
    assert found[0][2] >= 0.7
    problems = duplicate_problems(articles, NL)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "warning" and not problem.is_error
    assert problem.path.endswith("retour/terugsturen.md")
    assert "retour/termijn.md" in problem.message
    assert problem.field == "title" and problem.line == 2
    assert "'Kan ik mijn aankoop terugsturen?'" in problem.message
    assert "'Hoe kan ik mijn bestelling retourneren?'" in problem.message


def test_without_synonyms_the_two_are_not_alike_enough(tmp_path):
    settings = Settings(language="nl", builtin_synonyms=False)
    articles = load(tmp_path, {"retour/termijn.md": RETURN, "retour/terugsturen.md": SEND_BACK,
                               **OTHERS}, settings)
    assert near_duplicates(articles, settings) == []
    # The site's own groups count as well: here two of kb's groups, given by the site.
    settings.synonyms = [g for g in builtin_groups("nl") if {"retourneren", "bestelling"} & set(g)]
    assert len(settings.synonyms) == 2
    assert pairs(near_duplicates(articles, settings)) == [("retour/termijn",
                                                           "retour/terugsturen")]


def test_unrelated_articles_are_not_near_duplicates(tmp_path):
    articles = load(tmp_path, {"retour/termijn.md": RETURN, **OTHERS})
    assert near_duplicates(articles, NL) == []
    assert duplicate_problems(articles, NL) == []


def test_duplicates_never_live_at_the_same_time_are_not_flagged(tmp_path):
    old = RETURN.replace("reviewed: 2026-10-01\n", "reviewed: 2026-10-01\nexpires: 2026-12-31\n")
    new = SEND_BACK.replace("reviewed: 2026-10-01\n",
                            "reviewed: 2026-10-01\npublish: 2027-01-01\n")
    articles = load(tmp_path, {"retour/oud.md": old, "retour/nieuw.md": new, **OTHERS})
    assert near_duplicates(articles, NL) == []


def test_duplicates_whose_live_windows_overlap_are_flagged(tmp_path):
    old = RETURN.replace("reviewed: 2026-10-01\n", "reviewed: 2026-10-01\nexpires: 2027-01-02\n")
    new = SEND_BACK.replace("reviewed: 2026-10-01\n",
                            "reviewed: 2026-10-01\npublish: 2027-01-01\n")
    articles = load(tmp_path, {"retour/oud.md": old, "retour/nieuw.md": new, **OTHERS})
    assert sorted(pairs(near_duplicates(articles, NL))[0]) == ["retour/nieuw", "retour/oud"]


def test_check_project_warns_about_near_duplicates(project):
    project.config()
    project.one_per_area()
    project.write("retour/termijn.md", RETURN)
    project.write("retour/terugsturen.md", SEND_BACK)
    _, found = check_project(load_project(), TODAY)
    duplicates = [p for p in found if "answers nearly the same question" in p.message]
    assert len(duplicates) == 1
    assert duplicates[0].path == "docs/retour/terugsturen.md"


def test_kb_check_exits_0_with_a_warning_naming_both_files(project):
    project.config()
    project.one_per_area()
    project.write("retour/termijn.md", RETURN)
    project.write("retour/terugsturen.md", SEND_BACK)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "nearly the same question" in line]
    assert len(lines) == 1
    assert lines[0].startswith("docs/retour/terugsturen.md:2: warning: title: answers nearly "
                               "the same question as docs/retour/termijn.md")
    assert "0 errors, 1 warning." in result.output
    assert CliRunner().invoke(cli, ["check", "--strict"]).exit_code == 1


@pytest.mark.usefixtures("restore_mkdocs_state")  # kb build changes MkDocs' logger
def test_near_duplicates_are_left_to_kb_check_not_the_build(project):
    project.config()
    project.one_per_area()
    project.write("retour/termijn.md", RETURN)
    project.write("retour/terugsturen.md", SEND_BACK)
    _, found = check_project(load_project(), TODAY, duplicates=False)
    assert not [p for p in found if "nearly the same question" in p.message]
    with pytest.MonkeyPatch.context() as patch:
        # kb build never runs the search at all (its cost grows fastest with size).
        patch.setattr("kb.checks.duplicate_problems",
                      lambda *a: pytest.fail("kb build looked for near-duplicates"))
        result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output


def test_the_demo_has_no_near_duplicates():
    project = load_project(str(ROOT / "mkdocs.yml"))
    collection, found = check_project(project, TODAY)
    assert len(collection.articles) >= 45
    assert [str(p) for p in found if "nearly the same question" in p.message] == []
