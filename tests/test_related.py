"""Related questions: the manual ones first, then the closest in text and place."""

from __future__ import annotations

import json
import random
import threading
from datetime import date

from kb.articles import Article
from kb.related import MAX_RELATED, RelatedInBackground, RelatedIndex, closeness
from kb.similarity import neighbours, vectors
from tests.conftest import in_fresh_python

POLICIES = ["product", "order-status", "payment", "shipping", "returns", "privacy"]
STAGES = ["research", "discovery", "order", "delivery", "returns"]
CONTEXTS = ["home", "product", "cart", "checkout", "order-status", "returns", "account"]


def make(slug: str, policy: str, stages: list[str], contexts: list[str] | None = None,
         related: list[str] | None = None, title: str | None = None) -> Article:
    return Article(slug=slug, src_uri=f"{slug}.md", path=f"docs/{slug}.md",
                   title=title or slug, summary="s", policy=policy, stages=stages,
                   reviewed=date(2026, 1, 1), review_every=180, owner="team",
                   contexts=contexts or [], related=related or [])


def brute_force(article: Article, live: list[Article]) -> list[Article]:
    """The definition: manual first, then by closeness (text similarity among each
    article's nearest neighbours plus a shared place), then by popularity (list order)."""
    by_slug = {a.slug: a for a in live}
    chosen = [by_slug[s] for s in article.related if s in by_slug and by_slug[s] is not article]
    seen = {a.slug for a in chosen} | {article.slug}
    position = live.index(article)
    text = {live[j].slug: score for j, score in neighbours(vectors(live, "nl"))[position]}
    rest = [a for a in live if a.slug not in seen and (
        a.slug in text or a.policy == article.policy or set(a.stages) & set(article.stages))]
    rest.sort(key=lambda a: -closeness(article, a, text.get(a.slug, 0.0)))  # stable
    return (chosen + rest)[:MAX_RELATED]


def test_manual_related_come_first_then_same_area_and_stage() -> None:
    a = make("a", "returns", ["returns"], related=["d"])
    b = make("b", "returns", ["returns"])
    c = make("c", "returns", ["order"])
    d = make("d", "payment", ["order"])
    e = make("e", "privacy", ["research"])
    related = RelatedIndex([a, b, c, d, e]).related(a)
    assert [x.slug for x in related] == ["d", "b", "c"]


def test_related_never_includes_the_article_itself_or_unrelated_ones() -> None:
    a = make("a", "returns", ["returns"], related=["a"])
    b = make("b", "privacy", ["research"])
    assert RelatedIndex([a, b]).related(a) == []


WORDS = ["pakket", "retour", "factuur", "betalen", "bezorging", "koffie", "molen",
         "wachtwoord", "account", "kosten", "garantie", "cadeaubon"]


def test_related_prefers_questions_that_say_the_same_across_areas() -> None:
    a = make("a", "returns", ["returns"], title="Wat kost een retour van een koffiemolen?")
    b = make("b", "product", ["research"], title="Hoeveel garantie heeft een koffiemolen?")
    c = make("c", "returns", ["returns"], title="Mag ik een cadeaubon ruilen?")
    d = make("d", "privacy", ["research"], title="Welke cookies gebruiken jullie?")
    related = [x.slug for x in RelatedIndex([a, b, c, d], "nl").related(a)]
    assert related[:2] == ["c", "b"] or related[:2] == ["b", "c"]
    assert "d" not in related


def test_related_index_matches_the_definition_on_random_help_centres() -> None:
    rng = random.Random(7)
    for _ in range(20):
        live = []
        # Up to 90: areas both smaller and larger than the ranking depth.
        for n in range(rng.randint(1, 90)):
            live.append(make(f"q{n}", rng.choice(POLICIES),
                             rng.sample(STAGES, rng.randint(1, 2)),
                             rng.sample(CONTEXTS, rng.randint(0, 2)),
                             title=" ".join(rng.sample(WORDS, 3))))
        for article in live:
            article.related = [a.slug for a in rng.sample(live, rng.randint(0, min(3, len(live))))]
        index = RelatedIndex(live, "nl")
        for article in live:
            assert index.related(article) == brute_force(article, live), article.slug


def random_centre(seed: int, n: int) -> list[Article]:
    rng = random.Random(seed)
    live = [make(f"q{i}", rng.choice(POLICIES), rng.sample(STAGES, rng.randint(1, 2)),
                 rng.sample(CONTEXTS, rng.randint(0, 2)), title=" ".join(rng.sample(WORDS, 3)))
            for i in range(n)]
    for article in live:
        article.related = [a.slug for a in rng.sample(live, rng.randint(0, 3))]
    return live


def expected_related(live: list[Article]) -> dict[str, list[str]]:
    index = RelatedIndex(live, "nl")
    return {a.slug: [b.slug for b in index.related(a)] for a in live}


def found_related(background: RelatedInBackground, live: list[Article]) -> dict[str, list[str]]:
    found = {a.slug: background.related(a) for a in live}
    # The very same Article objects come back, not copies from the other process.
    assert all(b is background.by_uri[b.src_uri] for related in found.values() for b in related)
    return {slug: [b.slug for b in related] for slug, related in found.items()}


def test_related_worked_out_in_another_process_are_the_same() -> None:
    found = json.loads(in_fresh_python("""
        import json
        from kb.background import can_fork
        from kb.related import RelatedInBackground
        from tests.test_related import expected_related, found_related, random_centre

        live = random_centre(11, 150)
        background = RelatedInBackground(live, "nl", minimum=0)
        print(json.dumps({"can_fork": can_fork(), "forked": background.work.process is not None,
                          "same": found_related(background, live) == expected_related(live)}))
    """))
    assert found["same"]
    assert found["forked"] == found["can_fork"]


def test_related_are_worked_out_here_when_another_thread_runs() -> None:
    live = random_centre(12, 60)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        background = RelatedInBackground(live, "nl", minimum=0)
    finally:
        stop.set()
        other.join()
    assert background.work.process is None  # forking a threaded process is not safe
    assert found_related(background, live) == expected_related(live)


def test_small_sites_are_not_forked() -> None:
    live = random_centre(14, 20)
    assert RelatedInBackground(live, "nl").work.process is None
