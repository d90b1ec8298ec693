"""How close two articles are in what they say: related questions and near-duplicates.

Articles become TF-IDF vectors over the same terms `kb ask` searches (folded,
stemmed, stop words dropped). Only each article's most telling terms are kept
and candidates are found through an inverted index that skips terms most
articles share, so comparing every article with every other costs far less
than the square of their number: a per-article search query would be
roughly a hundred times slower at a thousand articles. Near-duplicates are not
approximate: every pair of questions at the threshold is found, through an
all-pairs search that only compares pairs that could reach it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from itertools import accumulate, chain, repeat
from operator import itemgetter, mul, truediv

from kb.analysis import analyzer_for, thesaurus_for
from kb.articles import Article
from kb.problems import WARNING, Problem
from kb.settings import Settings

TOP_TERMS = 24  # terms kept per article
COMMON = 0.05  # a term in more than this share of articles finds no candidates
NEIGHBOURS = 12  # text neighbours kept per article
SEEDS = 8  # an article's most telling terms that find its candidates
MIN_POSTINGS = 25  # in small help centres a term this many share is not too common
DUPLICATE = 0.7  # cosine of question + short answer from which two articles ask the same
ROUNDING = 1e-9  # slack for bounds that are added up in another order than the cosine
FREQUENT = 0.1  # before a near-duplicate's cosine, terms in more than this share of
# articles are bounded by their length together, the others added up

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
    counts = []
    df: Counter[str] = Counter()
    for article in articles:
        terms: list[str] = []
        for text, weight in parts(article):
            # A part repeated `weight` times counts as often, and the terms stay in
            # the order they are first met in, which decides ties at the `top` cut.
            terms += analyzer.cached_terms(text) * weight
        if same:
            terms = list(map(same.get, terms, terms))
        tf = Counter(terms)
        counts.append(tf)
        df.update(tf.keys())
    n = len(articles)
    idf = {t: math.log(1 + n / d) for t, d in df.items()}
    damped = {c: 1 + math.log(c) for c in set(chain.from_iterable(map(dict.values, counts)))}
    result = []
    for tf in counts:
        weights = dict(zip(tf, map(mul, map(damped.__getitem__, tf.values()),
                                   map(idf.__getitem__, tf))))
        if top is not None and len(weights) > top:
            weights = dict(sorted(weights.items(), key=itemgetter(1), reverse=True)[:top])
        values = weights.values()
        norm = math.sqrt(sum(map(mul, values, values))) or 1.0
        result.append(dict(zip(weights, map(truediv, values, repeat(norm)))))
    return result


def _dot(a: Vector, b: Vector) -> float:
    """The cosine of two unit vectors: the products of the terms they share, in the
    shorter vector's order (else `a`'s). Adding 0.0 changes no sum, so this is to
    the last bit the sum of a product for each of that vector's terms."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    shared = list(filter(large.__contains__, small))
    return sum(map(mul, map(small.__getitem__, shared), map(large.__getitem__, shared)))


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
        seeds = sorted([t for t in vec if len(postings[t]) <= limit], key=vec.__getitem__,
                       reverse=True)
        partial: dict[int, float] = {}
        get = partial.get
        for term in seeds[:SEEDS]:
            weight = vec[term]
            for j, other in postings[term]:
                partial[j] = get(j, 0.0) + weight * other
        partial.pop(i, None)
        best = sorted(partial, key=partial.__getitem__, reverse=True)[: 3 * k]
        scores = [(j, _dot(vec, vecs[j])) for j in best]
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
    counted as the same word: every pair at `threshold` or above."""
    vecs = vectors(articles, settings.language, _question_text, top=None,
                   same=synonym_map(settings))
    found = sorted(similar_pairs(vecs, threshold), key=lambda p: (p[0], -p[2], p[1]))
    return [(articles[i], articles[j], score) for i, j, score in found
            if _overlap(articles[i], articles[j])]


def similar_pairs(vecs: Sequence[Vector], threshold: float) -> list[tuple[int, int, float]]:
    """Every pair (i, j, cosine) of unit vectors with i < j and a cosine of at least
    `threshold`, without comparing every pair.

    All-pairs search with prefix filtering (after Bayardo, Ma and Srikant, "Scaling
    up all pairs similarity search", 2007, and the length bounds of Anastasiu and
    Karypis' L2AP). Terms are ranked most common first. A vector indexes only its
    terms after the longest head that cannot reach the threshold with any vector
    (bounded by each term's largest weight anywhere, or by the head's length), so
    two vectors that reach it share an indexed term: the rarest one they share. A
    later vector looks up its terms rarest first, so it meets an earlier one first
    at that term, where the rest of what they share is bounded by the lengths of
    their more common terms. Only the pairs that pass that and a bound that adds up
    their infrequent terms exactly get their cosine.
    """
    df = Counter(t for vec in vecs for t in vec)
    rank = {t: n for n, t in enumerate(sorted(df, key=lambda t: (-df[t], t)))}
    largest: dict[str, float] = {}
    for vec in vecs:
        for term, weight in vec.items():
            if weight > largest.get(term, 0.0):
                largest[term] = weight
    frequent = FREQUENT * len(vecs)
    floor = threshold - ROUNDING
    # term -> (earlier vector, its weight, the length of its more common terms)
    index: dict[str, list[tuple[int, float, float]]] = {}
    rarer: list[tuple[list[str], list[float]]] = []  # each vector's infrequent terms
    frequent_lengths: list[float] = []
    pairs = []
    for j, vec in enumerate(vecs):
        terms = sorted(vec, key=rank.__getitem__)
        before = list(accumulate((vec[t] * vec[t] for t in terms), initial=0.0))
        common = sum(df[t] > frequent for t in terms)
        rarer.append((terms[common:], [vec[t] for t in terms[common:]]))
        length = math.sqrt(before[common])
        frequent_lengths.append(length)
        seen: set[int] = set()
        get, zeros = vec.get, repeat(0.0)
        for n in range(len(terms) - 1, -1, -1):
            if math.sqrt(before[n + 1]) < floor:
                break  # a vector first met here could not reach the threshold
            weight, rest = vec[terms[n]], math.sqrt(before[n])
            for i, other, other_rest in index.get(terms[n], ()):
                if i in seen:
                    continue
                seen.add(i)
                if weight * other + rest * other_rest < floor:
                    continue
                own, weights = rarer[i]
                if sum(map(mul, weights, map(get, own, zeros))) \
                        + frequent_lengths[i] * length < floor:
                    continue
                score = _dot(vecs[i], vec)
                if score >= threshold:
                    pairs.append((i, j, score))
        bound = 0.0
        for n, term in enumerate(terms):
            bound += vec[term] * largest[term]
            if min(bound, math.sqrt(before[n + 1])) >= floor:
                for m in range(n, len(terms)):
                    index.setdefault(terms[m], []).append((j, vec[terms[m]],
                                                           math.sqrt(before[m])))
                break
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
