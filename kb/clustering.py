"""Clustering the unanswered questions into groups an editor can write one article for.

Each distinct question becomes a TF-IDF vector over the terms `kb ask` analysed
(synonyms counted as one term, misspellings and compounds resolved against the
other questions by `Vocabulary`). Questions join greedily the closest cluster
found through an inverted index on each cluster's top terms, so the cost grows
with the number of questions, not its square; clusters whose centres end up
close are merged afterwards. A cluster keeps a count, a few examples and its
term weights, never all its questions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from kb.analysis import Analyzer, deletion_forms
from kb.messages import question_like

EXAMPLES = 5  # example questions kept per cluster
JOIN = 0.45  # cosine from which a question joins a cluster
MERGE = 0.5  # cosine from which two clusters' centres are merged afterwards
ATTACH = 0.35  # ... and from which a cluster of one or two wordings joins a larger one
SEEDS = 4  # a question's most telling terms that find candidate clusters
CANDIDATES = 8  # candidate clusters whose full cosine is computed
CENTRE_TERMS = 40  # terms kept in a cluster's centre
UNKNOWN_BOOST = 2.0  # a word the content lacks is most likely what the question is about
COMPOUND_SELF = 0.5  # a split compound's own term, next to its parts

Vector = dict[str, float]


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """The cosine of two unit vectors (their dot product), walking the shorter one."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(w * large.get(t, 0.0) for t, w in small.items())


def unit_vector(weights: Mapping[str, float]) -> Vector:
    """`weights` scaled to length 1; all zeros stay zeros."""
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


@dataclass
class OpenQuestion:
    """An unanswered distinct question waiting to be clustered."""

    text: str  # cleaned, for people
    words: tuple[str, ...]  # the words `kb ask` looked at
    count: int
    first: int  # order of first appearance, for stable results
    votes: tuple[tuple[str, float], ...]  # (slug, weight) of the weak hits
    question: str | None = None  # a wording of it that is a whole question, for a title


@dataclass
class Group:
    """A cluster while it grows: the sum of its members' vectors, its first examples
    and the weak hits of its questions."""

    centre: dict[str, float] = field(default_factory=dict)  # sum of member vectors
    size: int = 0  # rows
    distinct: int = 0
    examples: list[tuple[str, int, Vector, int]] = field(default_factory=list)
    question: tuple[str, int] | None = None  # most asked wording that is a whole question
    votes: dict[str, float] = field(default_factory=dict)  # slug -> weight

    def add(self, item: OpenQuestion, vec: Vector) -> None:
        self.size += item.count
        self.distinct += 1
        for term, weight in vec.items():
            self.centre[term] = self.centre.get(term, 0.0) + weight
        if len(self.centre) > 2 * CENTRE_TERMS:
            self._prune()
        if len(self.examples) < EXAMPLES:
            self.examples.append((item.text, item.count, vec, item.first))
        wording = item.text if question_like(item.text) else item.question
        if wording and (self.question is None or item.count > self.question[1]):
            self.question = (wording, item.count)
        for slug, weight in item.votes:
            self.votes[slug] = self.votes.get(slug, 0.0) + weight * item.count

    def _prune(self) -> None:
        kept = sorted(self.centre.items(), key=lambda kv: -kv[1])[:CENTRE_TERMS]
        self.centre = dict(kept)

    def absorb(self, other: Group) -> None:
        self.size += other.size
        self.distinct += other.distinct
        for term, weight in other.centre.items():
            self.centre[term] = self.centre.get(term, 0.0) + weight
        if len(self.centre) > 2 * CENTRE_TERMS:
            self._prune()
        self.examples = sorted(self.examples + other.examples, key=lambda e: -e[1])[:EXAMPLES]
        if other.question and (self.question is None or other.question[1] > self.question[1]):
            self.question = other.question
        for slug, weight in other.votes.items():
            self.votes[slug] = self.votes.get(slug, 0.0) + weight


class Vocabulary:
    """Terms of the unanswered questions, with the misspellings and compounds that
    `kb ask` could not resolve against the content resolved against each other:
    `abbonement` and `abonement` count as `abonnement`, `spaarpunten` also as
    `sparen` and `punten`."""

    def __init__(self, items: Sequence[OpenQuestion], analyzer: Analyzer, same: Mapping[str, str],
                 known: Callable[[str], bool]):
        self.analyzer = analyzer
        self.known = known
        word_df: Counter[str] = Counter()
        for item in items:
            word_df.update(set(item.words))
        self.stem = {w: self._term(w, same) for w in word_df}
        term_df: Counter[str] = Counter()
        for word, n in word_df.items():
            term_df[self.stem[word]] += n
        # Plurals in -s the stemmer keeps whole (loan words: workshops, vacatures).
        for word in word_df:
            if len(word) >= 5 and word.endswith("s"):
                single = self._term(word[:-1], same)
                if single != self.stem[word] and term_df.get(single):
                    term_df[single] += word_df[word]
                    term_df[self.stem[word]] -= word_df[word]
                    self.stem[word] = single
        fixes = self._typos(term_df)
        stop_forms = {form for w in self.analyzer.stop_words if len(w) >= 4
                      for form in deletion_forms(w)}
        self.expand: dict[str, list[tuple[str, float]]] = {}
        for word in word_df:
            term = self.stem[word]
            term = fixes.get(term, term)
            if len(word) >= 5 and not known(term) and stop_forms.intersection(deletion_forms(word)):
                term = ""  # a misspelt stop word: `hebbben`, `kunenn`
            if not term:
                self.expand[word] = []
                continue
            parts = None
            if len(word) >= 8 and not known(term):
                parts = self._split(word, term_df, same)
            self.expand[word] = ([(term, COMPOUND_SELF)] + [(p, 1.0) for p in parts]
                                 if parts else [(term, 1.0)])
        self.df: Counter[str] = Counter()
        self.rows: Counter[str] = Counter()  # questions, repeats counted
        for item in items:
            terms = {t for w in item.words for t, _ in self.expand[w]}
            self.df.update(terms)
            for term in terms:
                self.rows[term] += item.count
        # Each term as most questions spell it, for keywords.
        self.spelling: dict[str, str] = {}
        for word in sorted(word_df, key=lambda w: (-word_df[w], w)):
            self.spelling.setdefault(self.stem[word], word)
        self.n = len(items)
        self._known: dict[str, bool] = {}

    def _term(self, word: str, same: Mapping[str, str]) -> str:
        term = self.analyzer.stem(word)
        return same.get(term, term)

    def _typos(self, df: Mapping[str, int]) -> dict[str, str]:
        """Rare terms -> a more frequent term one or two typing mistakes away, found
        through shared one-letter deletions rather than comparing every pair."""
        def rank(term: str) -> tuple[int, int, str]:
            return df[term], -len(term), term

        variants: dict[str, list[str]] = {}
        for term, n in df.items():
            if len(term) >= 6 and n >= 1:
                for form in deletion_forms(term):
                    variants.setdefault(form, []).append(term)
        fixes = {}
        for term, n in df.items():
            if len(term) < 6 or n < 1 or self.known(term):
                continue
            found = {c for form in deletion_forms(term) for c in variants.get(form, ())}
            found.discard(term)
            best = max(found, key=rank, default=None)
            if best is not None and rank(best) > rank(term):
                fixes[term] = best
        return fixes

    def _split(self, word: str, df: Mapping[str, int], same: Mapping[str, str]
               ) -> list[str] | None:
        """The parts of a compound whose parts the questions or the content use."""
        stops = self.analyzer.stop_words
        best: tuple[int, list[str]] | None = None
        for cut in range(3, len(word) - 3):
            head, tail = word[:cut], word[cut:]
            for h in (head, head[:-1]) if head.endswith("s") and cut > 4 else (head,):
                if h in stops or tail in stops:
                    continue
                parts = [self._term(h, same), self._term(tail, same)]
                if all(len(p) >= 3 and (df.get(p, 0) or self.known(p)) for p in parts):
                    score = min(len(h), len(tail))
                    if best is None or score > best[0]:
                        best = (score, parts)
        return best[1] if best else None

    def vector(self, item: OpenQuestion) -> Vector:
        tf: dict[str, float] = {}
        for word in item.words:
            for term, weight in self.expand[word]:
                tf[term] = tf.get(term, 0.0) + weight
        weights = {}
        for term, count in tf.items():
            known = self._known.get(term)
            if known is None:
                known = self._known[term] = self.known(term)
            tf_weight = 1 + math.log(count) if count >= 1 else count
            if known:
                # Context (coffee, order, month): the more unanswered questions share
                # it, the less it tells them apart.
                weights[term] = tf_weight * math.log(1 + self.n / self.df[term]) \
                    / math.log(1 + self.n)
            else:
                # The likely topic: the more unanswered questions use a word the
                # content lacks, the more it is what they are about (a name in one
                # e-mail is not).
                weights[term] = tf_weight * UNKNOWN_BOOST * (1 + math.log(self.df[term]))
        return unit_vector(weights)


def cluster(items: Sequence[OpenQuestion], vocabulary: Vocabulary, join: float = JOIN,
            merge: float = MERGE) -> list[Group]:
    """Greedy leader clustering, most frequent questions first so that they lead."""
    n = len(items)
    groups: list[Group] = []
    postings: dict[str, list[int]] = {}
    limit = max(50, n // 20)
    for item in sorted(items, key=lambda i: (-i.count, i.first)):
        vec = vocabulary.vector(item)
        seeds = sorted(vec, key=lambda t: -vec[t])[:SEEDS]
        partial: dict[int, float] = {}
        for term in seeds:
            found = postings.get(term, ())
            if len(found) > limit and term != seeds[0]:
                continue  # a word in many clusters finds nothing particular
            for g in found[-limit:]:
                partial[g] = partial.get(g, 0.0) + vec[term]
        best, best_score = -1, 0.0
        for g in sorted(partial, key=lambda g: -partial[g])[:CANDIDATES]:
            score = cosine(vec, unit_vector(groups[g].centre))
            if score > best_score:
                best, best_score = g, score
        if best < 0 or best_score < join:
            best = len(groups)
            groups.append(Group())
        group = groups[best]
        before = set(group.centre)
        group.add(item, vec)
        for term in group.centre.keys() - before:
            postings.setdefault(term, []).append(best)
    return _merge(groups, merge)


def _merge(groups: list[Group], threshold: float) -> list[Group]:
    """Join clusters whose centres ended up close: the leader of a cluster is one
    wording, and a later cluster may have started from another wording of it."""
    order = sorted(range(len(groups)), key=lambda g: -groups[g].size)
    kept: list[int] = []
    postings: dict[str, list[int]] = {}
    units: dict[int, Vector] = {}
    for g in order:
        unit = unit_vector(groups[g].centre)
        top = sorted(unit, key=lambda t: -unit[t])[:SEEDS]
        candidates = {k for t in top for k in postings.get(t, ())[-200:]}
        target = max(candidates, key=lambda k: cosine(unit, units[k]), default=None)
        # One or two wordings on their own are more likely another wording of a
        # larger cluster than a topic of their own.
        needed = threshold if groups[g].distinct > 2 else min(threshold, ATTACH)
        if target is not None and cosine(unit, units[target]) >= needed:
            groups[target].absorb(groups[g])
            units[target] = unit_vector(groups[target].centre)
            continue
        kept.append(g)
        units[g] = unit
        for term in sorted(unit, key=lambda t: -unit[t])[:CENTRE_TERMS]:
            postings.setdefault(term, []).append(g)
    return [groups[g] for g in kept]

