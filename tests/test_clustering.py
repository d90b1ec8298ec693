"""Clustering unanswered questions: kb.clustering."""

from __future__ import annotations

import math

import pytest

from kb.analysis import analyzer_for
from kb.clustering import (
    EXAMPLES,
    Group,
    OpenQuestion,
    Vocabulary,
    cluster,
    cosine,
    unit_vector,
)

ANALYZER = analyzer_for("nl")
# Terms the help centre's content has; any other term is what a question is about.
CONTENT = {"koffie", "pakket", "bestel", "maand"}


def asked(*texts: str, votes: tuple[tuple[str, float], ...] = ()) -> list[OpenQuestion]:
    """Distinct questions as the gap finder hands them over, the first asked most."""
    items = []
    for number, text in enumerate(texts, 1):
        words = tuple(ANALYZER.meaningful(ANALYZER.words(text)))
        items.append(OpenQuestion(text, words, len(texts) - number + 1, number, votes))
    return items


def clusters_of(*texts: str) -> list[list[str]]:
    items = asked(*texts)
    groups = cluster(items, Vocabulary(items, ANALYZER, {}, CONTENT.__contains__))
    return [[e[0] for e in g.examples] for g in groups]


def test_a_unit_vector_has_length_one_and_its_cosine_with_itself_is_one():
    unit = unit_vector({"a": 3.0, "b": 4.0})
    assert unit == {"a": 0.6, "b": 0.8}
    assert cosine(unit, unit) == pytest.approx(1.0)
    assert cosine(unit, {"c": 1.0}) == 0.0
    assert unit_vector({"a": 0.0}) == {"a": 0.0}


def test_misspellings_of_a_word_the_content_lacks_count_as_that_word():
    items = asked("abonnement", "abonnement opzeggen", "abbonement", "abonement")
    vocabulary = Vocabulary(items, ANALYZER, {}, CONTENT.__contains__)
    assert vocabulary.expand["abbonement"] == vocabulary.expand["abonnement"]
    assert vocabulary.expand["abonement"] == vocabulary.expand["abonnement"]
    assert vocabulary.spelling[vocabulary.stem["abonnement"]] == "abonnement"


def test_a_compound_also_counts_as_the_parts_other_questions_use():
    items = asked("spaarpunten", "punten sparen", "punten", "sparen")
    vocabulary = Vocabulary(items, ANALYZER, {}, CONTENT.__contains__)
    terms = [term for term, _ in vocabulary.expand["spaarpunten"]]
    assert set(terms[1:]) == {ANALYZER.stem("spaar"), ANALYZER.stem("punten")}


def test_a_question_vector_is_a_unit_vector_weighing_unknown_words_above_known_ones():
    items = asked("koffie abonnement", "koffie abonnement per maand", "koffie bonen")
    vocabulary = Vocabulary(items, ANALYZER, {}, CONTENT.__contains__)
    vector = vocabulary.vector(items[0])
    assert math.isclose(math.sqrt(sum(w * w for w in vector.values())), 1.0)
    assert vector[ANALYZER.stem("abonnement")] > vector[ANALYZER.stem("koffie")]


def test_wordings_of_one_topic_cluster_together_and_topics_stay_apart():
    found = clusters_of("abonnement", "koffie abonnement", "abbonement", "vacatures",
                        "vacature", "statiegeld pot")
    assert sorted(sorted(g) for g in found) == [
        ["abbonement", "abonnement", "koffie abonnement"], ["statiegeld pot"],
        ["vacature", "vacatures"]]


def test_the_most_asked_question_leads_its_cluster_and_examples_are_capped():
    texts = ["abonnement"] + [f"abonnement voor {n} kilo" for n in range(2, 12)]
    [examples] = clusters_of(*texts)
    assert examples[0] == "abonnement"
    assert len(examples) == EXAMPLES


def test_a_group_adds_up_sizes_and_the_weight_of_its_weak_hits():
    first, second = asked("abonnement", "abonnement opzeggen",
                          votes=(("abonnementen", 0.75), ("bezorging", 0.25)))
    group, other = Group(), Group()
    group.add(first, {"abonnement": 1.0})  # asked twice
    other.add(second, {"abonnement": 0.6, "opzeg": 0.8})  # asked once
    group.absorb(other)
    assert (group.size, group.distinct) == (3, 2)
    assert group.votes == {"abonnementen": 2.25, "bezorging": 0.75}
    assert group.centre == {"abonnement": 1.6, "opzeg": 0.8}
    assert group.question is None  # neither reads as a whole question
