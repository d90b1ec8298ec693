"""Related questions: "people who asked this also ask" on every answer page.

An article's related questions are the ones its editor listed (`related`),
then those closest to it in what they say (kb.similarity) and where they sit in
the help centre (same policy area, shared journey stages and contexts), most
popular first among equals. `RelatedIndex` finds them in near-linear time;
`RelatedInBackground` does so on another core while the renderer works.
"""

from __future__ import annotations

import heapq
from itertools import islice

from kb import background
from kb.articles import Article
from kb.similarity import neighbours, vectors

MAX_RELATED = 5

Signature = tuple[str, frozenset, frozenset]  # policy, stages, contexts
# What sharing a place in the help centre adds to two articles' text similarity (0..1).
SAME_AREA = 0.15
SHARED_STAGE = 0.05
SHARED_CONTEXT = 0.02


def _signature(article: Article) -> Signature:
    return (article.policy, frozenset(article.stages), frozenset(article.contexts))


def structural_closeness(same_policy: bool, stages: int, contexts: int) -> float:
    return SAME_AREA * same_policy + SHARED_STAGE * min(2, stages) \
        + SHARED_CONTEXT * min(2, contexts)


def closeness(a: Article, b: Article, text: float) -> float:
    """How related b is to a: text similarity (0..1) plus a shared place."""
    return text + structural_closeness(a.policy == b.policy, len(set(a.stages) & set(b.stages)),
                                       len(set(a.contexts) & set(b.contexts)))


class RelatedIndex:
    """"People who asked this also ask": manual `related` first, then the questions
    closest in what they say and where they sit (same policy area, shared stages
    and contexts), most popular first among equals.

    Candidates come from two cheap sources, so the cost stays near-linear in the
    number of articles: each article's nearest neighbours by text (see
    `kb.similarity`) and the best articles of its own signature (area, stages,
    contexts), computed once per signature.
    """

    def __init__(self, live: list[Article], language: str = "en"):
        self.order = {a.slug: i for i, a in enumerate(live)}
        self.by_slug = {a.slug: a for a in live}
        self.groups: dict[Signature, list[Article]] = {}
        for article in live:  # `live` is ranked, so each group is in popularity order
            self.groups.setdefault(_signature(article), []).append(article)
        # Any article of the same area is closer than one of another area (SAME_AREA
        # outweighs shared stages and contexts), so an area with enough articles
        # ranks its own groups only: without this the ranking is quadratic in the
        # number of signatures.
        self.area_groups: dict[str, dict[Signature, list[Article]]] = {}
        for sig, members in self.groups.items():
            self.area_groups.setdefault(sig[0], {})[sig] = members
        self.area_size = {p: sum(map(len, g.values())) for p, g in self.area_groups.items()}
        longest = max((len(a.related) for a in live), default=0)
        self.depth = MAX_RELATED + 1 + longest  # enough after dropping self and manual
        self.ranked: dict[Signature, list[Article]] = {}
        self.text: dict[str, list[tuple[Article, float]]] = {}
        if len(live) > 1:
            found = neighbours(vectors(live, language))
            self.text = {a.slug: [(live[j], score) for j, score in found[i]]
                         for i, a in enumerate(live)}

    def _ranking(self, sig: Signature) -> list[Article]:
        if sig not in self.ranked:
            policy, stages, contexts = sig
            by_score: dict[float, list[list[Article]]] = {}
            # The article itself is in its area: it needs `depth` others besides.
            groups = self.area_groups[policy] if self.area_size[policy] > self.depth \
                else self.groups
            for (other_policy, other_stages, other_contexts), members in groups.items():
                same_policy = other_policy == policy
                shared = len(stages & other_stages)
                if not same_policy and not shared:
                    continue
                score = structural_closeness(same_policy, shared,
                                             len(contexts & other_contexts))
                by_score.setdefault(score, []).append(members)
            ranking: list[Article] = []
            for score in sorted(by_score, reverse=True):
                merged = heapq.merge(*by_score[score], key=lambda a: self.order[a.slug])
                ranking += islice(merged, self.depth - len(ranking))
                if len(ranking) >= self.depth:
                    break
            self.ranked[sig] = ranking
        return self.ranked[sig]

    def related(self, article: Article) -> list[Article]:
        chosen = [self.by_slug[s] for s in article.related
                  if s in self.by_slug and self.by_slug[s] is not article]
        seen = {a.slug for a in chosen} | {article.slug}
        text = {b.slug: score for b, score in self.text.get(article.slug, ())}
        candidates = {b.slug: b for b in self._ranking(_signature(article))}
        candidates.update((b.slug, b) for b, _ in self.text.get(article.slug, ()))
        ranked = sorted((b for slug, b in candidates.items() if slug not in seen),
                        key=lambda b: (-closeness(article, b, text.get(b.slug, 0.0)),
                                       self.order[b.slug]))
        return (chosen + ranked)[:MAX_RELATED]


class RelatedInBackground:
    """`RelatedIndex(live).related` for every live article, worked out on another
    core (kb.background); `related` waits for the answer the first time it is asked."""

    def __init__(self, live: list[Article], language: str, minimum: int | None = None):
        self.by_uri = {a.src_uri: a for a in live}
        minimum = background.BACKGROUND_FROM if minimum is None else minimum
        self.work = background.Background(_related_uris, live, language,
                                          enabled=len(live) >= minimum)
        self.found: dict[str, list[Article]] | None = None

    def related(self, article: Article) -> list[Article]:
        if self.found is None:
            self.found = {uri: [self.by_uri[u] for u in related]
                          for uri, related in self.work.result().items()}
        return self.found[article.src_uri]


def _related_uris(live: list[Article], language: str) -> dict[str, list[str]]:
    # src_uris travel back from the child; the parent maps them to its own Articles.
    index = RelatedIndex(live, language)
    return {a.src_uri: [b.src_uri for b in index.related(a)] for a in live}
