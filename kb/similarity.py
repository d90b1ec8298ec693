"""How close two articles are in what they say: related questions and near-duplicates.

Articles become TF-IDF vectors over the same terms `kb ask` searches (folded,
stemmed, stop words dropped). Only each article's most telling terms are kept
and candidates are found through an inverted index that skips terms most
articles share, so comparing every article with every other costs far less
than the square of their number: a per-article search query would be
roughly a hundred times slower at a thousand articles.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from kb.articles import Article
from kb.problems import WARNING, Problem
from kb.search import analyzer_for, thesaurus_for
from kb.settings import Settings

TOP_TERMS = 24  # terms kept per article
COMMON = 0.05  # a term in more than this share of articles finds no candidates
NEIGHBOURS = 12  # text neighbours kept per article
SEEDS = 8  # an article's most telling terms that find its candidates
MIN_POSTINGS = 25  # in small help centres a term this many share is not too common
DUPLICATE = 0.7  # cosine of question + short answer from which two articles ask the same

Vector = dict[str, float]


def _question_text(article: Article) -> list[tuple[str, int]]:
    return [(article.title, 2), (" ".join(article.keywords), 1), (article.summary, 1)]


def _full_text(article: Article) -> list[tuple[str, int]]:
    return [(article.title, 3), (" ".join(article.keywords), 2), (article.summary, 2),
            (article.body, 1)]


def vectors(articles: Sequence[Article], language: str,
            parts: Callable[[Article], Iterable[tuple[str, int]]] = _full_text,
            top: int | None = TOP_TERMS, same: Mapping[str, str] | None = None) -> list[Vector]:
    """Unit-length TF-IDF vectors, one per article, each cut to its `top` terms;
    `same` maps terms to one term standing for all their synonyms."""
    analyzer = analyzer_for(language)
    same = same or {}
    counts = []
    for article in articles:
        tf: Counter[str] = Counter()
        for text, weight in parts(article):
            for term in analyzer.terms(text):
                tf[same.get(term, term)] += weight
        counts.append(tf)
    df: Counter[str] = Counter()
    for tf in counts:
        df.update(tf.keys())
    n = len(articles)
    result = []
    for tf in counts:
        weights = {t: (1 + math.log(c)) * math.log(1 + n / df[t]) for t, c in tf.items()}
        if top is not None and len(weights) > top:
            weights = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:top])
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        result.append({t: w / norm for t, w in weights.items()})
    return result


def neighbours(vecs: Sequence[Vector], k: int = NEIGHBOURS,
               common: float = COMMON) -> list[list[tuple[int, float]]]:
    """For each vector the `k` most similar others as (position, cosine), best first.

    Candidates are found through a vector's SEEDS most telling terms, skipping
    terms shared by too many articles; the best candidates by that partial score
    then get their exact cosine."""
    postings: dict[str, list[tuple[int, float]]] = {}
    for i, vec in enumerate(vecs):
        for term, weight in vec.items():
            postings.setdefault(term, []).append((i, weight))
    limit = max(MIN_POSTINGS, int(common * len(vecs)))
    result = []
    for i, vec in enumerate(vecs):
        seeds = sorted((t for t in vec if len(postings[t]) <= limit), key=lambda t: -vec[t])
        partial: dict[int, float] = {}
        for term in seeds[:SEEDS]:
            weight = vec[term]
            for j, other in postings[term]:
                partial[j] = partial.get(j, 0.0) + weight * other
        partial.pop(i, None)
        best = sorted(partial, key=lambda j: -partial[j])[: 3 * k]
        scores = []
        for j in best:
            other = vecs[j]
            small, large = (vec, other) if len(vec) <= len(other) else (other, vec)
            scores.append((j, sum(w * large.get(t, 0.0) for t, w in small.items())))
        scores.sort(key=lambda kv: (-kv[1], kv[0]))
        result.append(scores[:k])
    return result


def _overlap(a: Article, b: Article) -> bool:
    """Whether the two could ever be published on the same day."""
    start = max(a.publish or date.min, b.publish or date.min)
    end = min(a.expires or date.max, b.expires or date.max)
    return start < end


def synonym_map(settings: Settings) -> dict[str, str]:
    """Each one-word synonym -> the first one-word entry of its first group."""
    thesaurus = thesaurus_for(settings)
    same: dict[str, str] = {}
    for phrases in thesaurus.phrases:
        words = [p[0] for p in phrases if len(p) == 1]
        for word in words:
            same.setdefault(word, words[0])
    return same


def near_duplicates(articles: Sequence[Article], settings: Settings,
                    threshold: float = DUPLICATE) -> list[tuple[Article, Article, float]]:
    """Pairs of articles whose question and short answer say the same thing, synonyms
    counted as the same word."""
    vecs = vectors(articles, settings.language, _question_text, top=None,
                   same=synonym_map(settings))
    pairs = []
    for i, found in enumerate(neighbours(vecs, k=5)):
        for j, score in found:
            if j > i and score >= threshold and _overlap(articles[i], articles[j]):
                pairs.append((articles[i], articles[j], score))
    return pairs


def duplicate_problems(articles: Sequence[Article], settings: Settings) -> list[Problem]:
    problems = []
    for a, b, score in near_duplicates(articles, settings):
        problems.append(Problem(
            b.path, f"answers nearly the same question as {a.path} ({b.title!r} and "
                    f"{a.title!r}, {score:.0%} alike); merge them, or make each question "
                    "and short answer say what sets it apart", b.line("title"), "title",
            WARNING))
    return problems
