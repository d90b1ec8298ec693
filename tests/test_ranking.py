"""The order of questions on the site (kb.ranking): pinned first, then most popular,
then by title."""

from __future__ import annotations

import functools
import itertools
import random
from datetime import date

from kb.articles import Article
from kb.ranking import rank, rank_key


def make(slug: str, title: str = "", weight: int | None = None) -> Article:
    return Article(slug=slug, src_uri=f"{slug}.md", path=f"docs/{slug}.md",
                   title=title or slug, summary="", policy="returns", stages=["returns"],
                   reviewed=date(2026, 10, 1), review_every=180, owner="team",
                   weight=weight)


def slugs(articles) -> list[str]:
    return [a.slug for a in articles]


def comes_before(a: Article, b: Article, counts: dict[str, float]) -> int:
    """The rules as the module describes them, one at a time: -1 when `a` is listed
    before `b`, 1 after, 0 when nothing tells them apart."""
    if (a.weight is None) != (b.weight is None):
        return -1 if a.weight is not None else 1
    if a.weight is not None and b.weight is not None and a.weight != b.weight:
        return -1 if a.weight < b.weight else 1
    if counts.get(a.slug, 0) != counts.get(b.slug, 0):
        return -1 if counts.get(a.slug, 0) > counts.get(b.slug, 0) else 1
    if a.title.casefold() != b.title.casefold():
        return -1 if a.title.casefold() < b.title.casefold() else 1
    return (a.slug > b.slug) - (a.slug < b.slug)


def test_without_counts_questions_are_in_the_alphabetical_order_of_their_title():
    articles = [make("c", "Wanneer?"), make("a", "betalen?"), make("b", "Afhalen?")]
    assert slugs(rank(articles)) == ["b", "a", "c"]


def test_the_more_popular_question_comes_first():
    articles = [make("a", "Afhalen?"), make("b", "Betalen?"), make("c", "Cadeau?")]
    assert slugs(rank(articles, {"c": 10, "b": 3})) == ["c", "b", "a"]


def test_a_pinned_question_comes_before_every_popular_one_lowest_weight_first():
    articles = [make("a", "Afhalen?"), make("b", "Betalen?", weight=2),
                make("c", "Cadeau?", weight=1), make("d", "Doos?", weight=0)]
    assert slugs(rank(articles, {"a": 1000})) == ["d", "c", "b", "a"]


def test_popularity_orders_pinned_questions_of_the_same_weight():
    articles = [make("a", "Afhalen?", weight=1), make("b", "Betalen?", weight=1)]
    assert slugs(rank(articles, {"b": 5})) == ["b", "a"]


def test_equal_titles_are_ordered_by_slug():
    articles = [make("z/vraag", "Vraag?"), make("a/vraag", "vraag?")]
    assert slugs(rank(articles)) == ["a/vraag", "z/vraag"]


def test_rank_leaves_its_input_as_it_was():
    articles = [make("b"), make("a")]
    rank(articles, {"b": 1})
    assert slugs(articles) == ["b", "a"]


def test_the_order_follows_the_rules_for_random_sites():
    rng = random.Random(15)
    titles = ["Afhalen?", "afhalen?", "Betalen?", "Cadeau?", "cadeau?", "Doos?"]
    for _ in range(300):
        articles = [make(f"s{n}", rng.choice(titles), rng.choice([None, None, 0, 1, 2]))
                    for n in range(rng.randint(0, 12))]
        counts = {a.slug: rng.choice([1, 2, 2.5, 7]) for a in articles if rng.random() < 0.6}
        ranked = rank(articles, counts)
        expected = sorted(articles, key=functools.cmp_to_key(
            lambda a, b, counts=counts: comes_before(a, b, counts)))
        assert slugs(ranked) == slugs(expected)


def test_the_order_does_not_depend_on_the_order_given():
    articles = [make("a", "Vraag?"), make("b", "vraag?", weight=3), make("c", "Ander?"),
                make("d", "Vraag?", weight=3), make("e", "Ander?")]
    counts = {"a": 2, "c": 2, "d": 1}
    orders = {tuple(slugs(rank(p, counts))) for p in itertools.permutations(articles)}
    assert orders == {("d", "b", "c", "a", "e")}


def test_the_key_sorts_like_rank():
    articles = [make("a", weight=1), make("b"), make("c")]
    counts = {"c": 4}
    assert sorted(articles, key=lambda a: rank_key(a, counts)) == rank(articles, counts)
