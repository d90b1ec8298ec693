"""The answer engine: a shopper's question -> the articles that answer it, over the
static answer index (kb.answerindex) that `kb build` writes for the site.

This is the reference for the browser's runtime, which answers from the same files
with the same steps, so each step is spelt out here in the order the runtime takes it.
The algorithm is the one kb's Whoosh searcher had (kb.search until issue 16), and
tests/test_engine.py holds it to a brute-force oracle on the articles' texts: a
question becomes *concepts*, one per meaningful word, each with weighted variants (the
word's term, its other forms the content has, synonyms, the parts of compounds,
spelling corrections of unknown words); an article's score sums, per concept, the
best variant per field (BM25F); the best candidates are re-ranked by how much of the
question they cover and whether the question covers their title; when the best one
covers too little, kb declines to answer.

What differs is where the numbers come from. The index stores each term's term
frequencies and BM25 idf and every article's field lengths, over the articles live
on the build's day (kb.answerindex); the BM25 part of a (term, field, article) is
computed from them as an integer, and the engine only adds and multiplies those.
Nothing of Whoosh is imported here: text analysis is kb.analysis.

The same engine answers over the pages index (blog posts and hand-written pages),
with the article index's analysis and spelling: `Engine(pages, base=articles)`.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import ge
from typing import TYPE_CHECKING, Any

from kb.analysis import Analyzer, analyzer_for, deletion_forms, within_distance
from kb.synonyms import Phrase, Thesaurus

if TYPE_CHECKING:
    from kb.answerindex import IndexFiles

# The algorithm's constants, those kb's eval figures were measured with
# (tests/test_engine.py pins them). The index carries them in its meta, and the engine
# reads them from there, so that both runtimes answer from one set of numbers.
FIELD_WEIGHTS = {"title": 2.0, "keywords": 3.0, "summary": 1.5, "body": 1.0}
SHORT_FIELDS = ("title", "keywords", "summary")
B, K1 = 0.6, 1.2  # BM25: length normalisation, term-frequency saturation
SAME = 1.0
FORM = 0.85
SYNONYM = 0.7
COMPOUND = 0.8
KNOWN_COMPOUND = 0.6
SPELLING = (0.75, 0.55)
CANDIDATES = 20
COVERAGE_BASE = 0.5
TITLE_MATCH = 0.1
GOOD_COVERAGE = 0.3
MAX_CONCEPTS = 32
MAX_CORRECTED = 8
MAX_SUGGESTED = 20
MAX_LOOKUP = 48
ALL = "+"  # marks a variant whose terms must all occur, in any order and field
FEATURES = frozenset({"forms", "synonyms", "spelling", "compounds"})


@dataclass(frozen=True)
class Tuning:
    """The algorithm's constants as one index states them."""

    field_weights: dict[str, float]
    short_fields: tuple[str, ...]
    same: float
    form: float
    synonym: float
    compound: float
    known_compound: float
    spelling: tuple[float, float]
    candidates: int
    coverage_base: float
    title_match: float
    good_coverage: float
    max_concepts: int
    max_corrected: int
    max_suggested: int
    max_lookup: int

    @classmethod
    def default(cls) -> Tuning:
        return cls(dict(FIELD_WEIGHTS), SHORT_FIELDS, SAME, FORM, SYNONYM, COMPOUND,
                   KNOWN_COMPOUND, SPELLING, CANDIDATES, COVERAGE_BASE, TITLE_MATCH,
                   GOOD_COVERAGE, MAX_CONCEPTS, MAX_CORRECTED, MAX_SUGGESTED, MAX_LOOKUP)

    def as_json(self) -> dict[str, Any]:
        """The constants under the names meta gives them (the module's names)."""
        return {name.upper(): value for name, value in self.__dict__.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tuning:
        values = {name: data[name.upper()] for name in cls.__dataclass_fields__}
        values["short_fields"] = tuple(values["short_fields"])
        values["spelling"] = tuple(values["spelling"])
        return cls(**values)


@dataclass
class Concept:
    """One thing the question asks about, with the terms that express it."""

    word: str
    variants: dict[Phrase, float]
    known: bool = True


@dataclass
class Hit:
    slug: str  # "" for a page
    title: str
    summary: str
    src_uri: str  # "" for a page
    score: float
    coverage: float
    policy: str | None = ""  # None for a page
    url: str = ""  # relative to the site's root
    kind: str = "article"  # or "blog", "page"


@dataclass
class Answer:
    question: str
    hits: list[Hit]
    good: bool
    suggestion: str | None = None  # the question with its spelling corrected
    unknown: list[str] = field(default_factory=list)
    good_coverage: float = GOOD_COVERAGE

    @property
    def answers(self) -> list[Hit]:
        """The hits that answer the question well enough to offer as answers."""
        return [h for h in self.hits if h.coverage >= self.good_coverage] if self.good else []


def similarity(a: str, b: str) -> float:
    """How alike two words are: difflib's ratio, which ranks spelling corrections."""
    return difflib.SequenceMatcher(None, a, b).ratio()


class Spellings:
    """The words of a spelling bucket, found by the deletions they share with
    a word: two words within two edits share a form with at most two letters deleted
    from each, so the lookup finds every word within the distance and no other."""

    def __init__(self, words: Iterable[str]):
        self.table: dict[str, list[str]] = {}
        for word in words:
            for form in deletion_forms(word, 2 if len(word) >= 5 else 1):
                self.table.setdefault(form, []).append(word)

    def within(self, word: str, maxdist: int, prefix: int) -> list[str]:
        found = {c for form in deletion_forms(word, maxdist) for c in self.table.get(form, ())}
        return sorted(c for c in found if c[:prefix] == word[:prefix]
                      and within_distance(word, c, maxdist))


class Engine:
    """Questions against one answer index, with one set of synonyms. `base`: the engine
    of the article index whose analysis (synonyms) and spelling words an engine over
    the pages index uses; its spelling corrections are the base's."""

    def __init__(self, files: IndexFiles, analyzer: Analyzer | None = None,
                 thesaurus: Thesaurus | None = None, features: frozenset[str] = FEATURES,
                 base: Engine | None = None):
        if base is None and files.meta["corpus"] == "pages":
            raise ValueError("this answer index (pages) answers with the analysis and "
                             "spelling of the article index: Engine(pages, base=articles)")
        self.files = files
        self.base = base
        self.tuning = Tuning.from_json(files.meta["constants"])
        self.analyzer: Analyzer = analyzer or (base.analyzer if base else
                                               analyzer_for(files.meta["language"]))
        self.thesaurus: Thesaurus = thesaurus if thesaurus is not None else (
            base.thesaurus if base else files.thesaurus())
        # The field lengths come with meta and the analysis: nearly every question scores
        # a known word and reads them. Read late, they made one further question in 200
        # at 10,000 articles 54 KB (20 KB of it `len`), over the 50 KB budget.
        files.file("len")
        self.features = features
        self.unknown_idf: float = files.meta["unknown_idf"]  # an unknown term's idf
        self.scale = files.meta["impact_scale"]
        self._scores: dict[tuple[str, str], dict[int, float]] = {}
        self._fixes: dict[str, list[tuple[str, int]]] = {}
        self._spellings: dict[str, tuple[Spellings, dict[str, int]]] = {}

    # --- What the index knows ------------------------------------------------------

    def df(self, term: str) -> int:
        """In how many articles `term` occurs, in the field that has it most often."""
        entry = self.files.term(term)
        return entry[0] if entry else 0

    def known(self, phrase: Phrase) -> bool:
        return all(self.df(t) for t in phrase if t != ALL)

    def idf(self, phrase: Phrase) -> float:
        """The weight of `phrase` in a question: that of its rarest term, as the index
        stores it (computing the logarithm here would give the browser, whose Math.log
        differs from math.log in the last unit, other numbers)."""
        entries = [self.files.term(t) for t in phrase if t != ALL]
        known = [e for e in entries if e]
        if not entries or len(known) < len(entries):
            return self.unknown_idf
        return min(known, key=lambda e: e[0])[1]

    def _term_scores(self, name: str, term: str) -> dict[int, float]:
        """BM25 of `term` in field `name` for every article that has it, as stored."""
        key = (name, term)
        scores = self._scores.get(key)
        if scores is None:
            scale = self.scale
            scores = self._scores[key] = {p[0]: p[1] / scale
                                          for p in self.files.postings(term, name)}
        return scores

    def _title_sizes(self, term: str) -> dict[int, int]:
        """The articles whose title has `term`, with their titles' number of terms."""
        found = self.files.postings(term, "title")
        if not found:
            return {}
        sizes = self.files.title_sizes()
        return {doc: ord(sizes[doc]) - 48 for doc, _ in found}

    # --- Concepts --------------------------------------------------------------------

    def _add_synonyms(self, variants: dict[Phrase, float], phrase: Phrase, weight: float) -> None:
        if "synonyms" not in self.features:
            return
        for other in self.thesaurus.alternatives(phrase):
            if self.known(other) and variants.get(other, 0) < weight * self.tuning.synonym:
                variants[other] = weight * self.tuning.synonym

    def _corrections(self, word: str) -> list[tuple[str, int]]:
        """Known words within one or two typing mistakes of `word`, best first, each
        with its distance class (1 or 2): the base's, when there is one."""
        if "spelling" not in self.features:
            return []
        if self.base is not None:
            return self.base._corrections(word)
        found = self._fixes.get(word)
        if found is None:
            found = self._fixes[word] = self._find_corrections(word)
        return found

    def _bucket(self, name: str) -> tuple[Spellings, dict[str, int]]:
        found = self._spellings.get(name)
        if found is None:
            counts = self.files.file(name)
            found = self._spellings[name] = (Spellings(counts), counts)
        return found

    def _find_corrections(self, word: str) -> list[tuple[str, int]]:
        if not 4 <= len(word) <= self.tuning.max_lookup or word.isdigit():
            return []
        maxdist = 1 if len(word) < 7 else 2
        # Only words of the same first letter. kb.search looked in every letter's
        # words when those had none: that read every spelling file (100-140 ms in a
        # browser on the demo; 470 KB gzipped at 10,000 articles with a real
        # vocabulary) and on the demo's eval sets it moved one first answer to the
        # right article (holdout) and one away from it (demo-nl), and answered one
        # question nothing answers.
        found: list[str] = []
        counts: dict[str, int] = {}
        for name in self.files.spelling_files(word, maxdist):
            spellings, words = self._bucket(name)
            found += spellings.within(word, maxdist, 1)
            counts.update(words)
        alike = {w: similarity(word, w) for w in found}
        ranked = sorted(found, key=lambda w: (-alike[w], -counts[w], w))
        return [(w, 1 if alike[w] >= 1 - 1.5 / max(len(word), len(w)) else 2)
                for w in ranked[:3]]

    def _compound(self, word: str) -> list[str] | None:
        """The terms of the parts of a compound (`retourlabel` -> retour, label)."""
        best: list[str] | None = None
        if "compounds" not in self.features or len(word) > self.tuning.max_lookup:
            return None
        stops = self.analyzer.stop_words
        for cut in range(4, len(word) - 3):
            head, tail = word[:cut], word[cut:]
            heads = [head] + ([head[:-1]] if head.endswith("s") and len(head) > 4 else [])
            for h in heads:
                if h in stops or tail in stops:
                    continue
                parts = [self.analyzer.stem(h), self.analyzer.stem(tail)]
                if all(self.df(p) for p in parts):
                    if best is None or min(len(h), len(tail)) > min(map(len, best)):
                        best = [h, tail]
        return [self.analyzer.stem(p) for p in best] if best else None

    def concepts(self, question: str) -> tuple[list[Concept], str | None]:
        """The question's concepts, and the question with its spelling corrected when
        words in it are unknown."""
        analyzer = self.analyzer
        tuning = self.tuning
        words = analyzer.meaningful(analyzer.words(question))
        concepts: dict[str, Concept] = {}
        corrected: dict[str, str] = {}
        lookups = 0
        for word in words:
            if word in concepts:
                continue
            term = analyzer.stem(word)
            variants = self._known_variants(word, term)
            # Synonym phrases alone may not occur together: look further, too.
            if not any(len(v) == 1 for v in variants) and lookups < tuning.max_corrected:
                lookups += 1
                fix = self._unknown_variants(word, variants)
                if fix is not None:
                    corrected[word] = fix
            concepts[word] = Concept(word, variants or {(term,): tuning.same}, bool(variants))
        self._add_phrases(concepts, words)
        chosen = list(concepts.values())
        if len(chosen) > tuning.max_concepts:
            chosen = sorted(chosen,
                            key=lambda c: -max(map(self.idf, c.variants)))[:tuning.max_concepts]
        suggestion = None
        if corrected and len(words) <= tuning.max_suggested:
            suggestion = " ".join(corrected.get(w, w) for w in analyzer.words(question))
        return chosen, suggestion

    def _known_variants(self, word: str, term: str) -> dict[Phrase, float]:
        """The variants of `word` the content has: its own term, its other forms, their
        synonyms and, for a compound, its parts."""
        tuning = self.tuning
        variants: dict[Phrase, float] = {}
        if self.df(term):
            variants[(term,)] = tuning.same
        for form in self.analyzer.forms(word) if "forms" in self.features else ():
            if self.df(form) and (form,) not in variants:
                variants[(form,)] = tuning.form
        for phrase, weight in [((term,), tuning.same), *variants.items()]:
            self._add_synonyms(variants, phrase, weight)
        if (term,) in variants and len(word) >= 8:
            # A known compound also matches its parts apart: verzendkosten ->
            # "wat kost de verzending".
            parts = self._compound(word)
            if parts:
                variants.setdefault((ALL, *parts), tuning.compound * tuning.known_compound)
        return variants

    def _unknown_variants(self, word: str, variants: dict[Phrase, float]) -> str | None:
        """Add to `variants` what an unknown `word` may mean: the parts of a compound,
        or known words spelt alike and their synonyms. The best spelling correction, if
        any, for the "did you mean" suggestion."""
        tuning = self.tuning
        fixes = self._corrections(word)
        parts = None if fixes and fixes[0][1] == 1 else self._compound(word)
        if parts:
            # An unknown compound: its parts together, or each on its own.
            variants[(ALL, *parts)] = tuning.compound
            for part in parts:
                variants.setdefault((part,), tuning.compound / 2)
                self._add_synonyms(variants, (part,), tuning.compound / 2)
            return None
        for fix, distance in fixes:
            weight = tuning.spelling[distance - 1]
            fixed = self.analyzer.stem(fix)
            if self.df(fixed) and variants.get((fixed,), 0) < weight:
                variants[(fixed,)] = weight
                self._add_synonyms(variants, (fixed,), weight)
        return fixes[0][0] if fixes else None

    def _add_phrases(self, concepts: dict[str, Concept], words: Sequence[str]) -> None:
        """Phrases of several words that a synonym group knows ("geld terug" -> refund)
        as concepts of their own, in place of the unknown words they explain."""
        if "synonyms" not in self.features:
            return
        terms = [self.analyzer.stem(w) for w in words]
        for start, end, phrase, others in self.thesaurus.matches(terms):
            if end - start < 2:
                continue
            key = " ".join(words[start:end])
            variants = {phrase: self.tuning.same} if self.known(phrase) else {}
            for other in others:
                if self.known(other):
                    variants.setdefault(other, self.tuning.synonym)
            if variants:
                concepts[key] = Concept(key, variants)
                for word in words[start:end]:  # the phrase explains its words
                    if word in concepts and not concepts[word].known:
                        del concepts[word]

    # --- Scores ----------------------------------------------------------------------

    def _score_concept(self, concept: Concept) -> dict[int, float]:
        """Per article: for each field the best single-word variant, the fields
        added up; or a variant of several words (a phrase, a compound's parts)
        when all its words occur and that scores more. A synonym never scores twice."""
        weights = self.tuning.field_weights
        best: dict[str, dict[int, float]] = {name: {} for name in weights}
        together: dict[int, float] = {}
        for variant, weight in concept.variants.items():
            terms = variant[1:] if variant[0] == ALL else variant
            if len(terms) == 1:
                self._keep_best_per_field(best, terms[0], weight)
            else:
                # A phrase's words anywhere in a long body are no phrase: short fields only.
                names = weights if variant[0] == ALL else self.tuning.short_fields
                self._keep_best_together(together, terms, names, weight)
        scores: dict[int, float] = {}
        for field_best in best.values():
            if not scores:
                scores = field_best
                continue
            for doc, score in field_best.items():
                scores[doc] = scores.get(doc, 0.0) + score
        for doc, score in together.items():
            if score > scores.get(doc, 0.0):
                scores[doc] = score
        return scores

    def _keep_best_per_field(self, best: dict[str, dict[int, float]], term: str,
                             weight: float) -> None:
        """Raise each field's per-article best to what `term` scores there."""
        for name, boost in self.tuning.field_weights.items():
            field_best = best[name]
            found = self._term_scores(name, term)
            factor = boost * weight
            if not field_best:  # scores are positive: each one is the best
                best[name] = {doc: score * factor for doc, score in found.items()}
                continue
            for doc, score in found.items():
                score *= factor
                if score > field_best.get(doc, 0.0):
                    field_best[doc] = score

    def _keep_best_together(self, together: dict[int, float], terms: Sequence[str],
                            names: Iterable[str], weight: float) -> None:
        """Raise the per-article best to what all of `terms` score together in the
        fields `names`, in the articles that have every one of them."""
        sums: list[dict[int, float]] = []
        for term in terms:
            total: dict[int, float] = {}
            for name in names:
                boost = self.tuning.field_weights[name]
                for doc, score in self._term_scores(name, term).items():
                    total[doc] = total.get(doc, 0.0) + score * boost * weight
            sums.append(total)
        for doc in set.intersection(*(set(x) for x in sums)):
            score = sum(x[doc] for x in sums)
            if score > together.get(doc, 0.0):
                together[doc] = score

    def _title_answered(self, asked: set[str]) -> dict[int, float]:
        """Per article whose title has a term asked: the share of its title's terms
        the question covers. The title postings hold each title's size."""
        matched: dict[int, int] = {}
        sizes: dict[int, int] = {}
        for term in asked:
            for doc, size in self._title_sizes(term).items():
                matched[doc] = matched.get(doc, 0) + 1
                sizes[doc] = size
        return {doc: matched[doc] / sizes[doc] for doc in matched}

    def ask(self, question: str, limit: int = 5) -> Answer:
        tuning = self.tuning
        concepts, suggestion = self.concepts(question)
        unknown = [c.word for c in concepts if not c.known]
        if not any(c.known for c in concepts):
            return Answer(question, [], False, suggestion, unknown, tuning.good_coverage)
        weights = [max(map(self.idf, c.variants)) if c.known else self.unknown_idf
                   for c in concepts]
        total_weight = sum(weights) or 1.0
        asked = {t for c in concepts for v in c.variants for t in v if t != ALL}
        for name in self.files.scoring_files(sorted(asked)):
            self.files.file(name)  # read together, as the browser fetches them
        per_concept = [self._score_concept(c) for c in concepts]
        totals: dict[int, float] = {}
        for scores in per_concept:
            if not totals:
                totals = dict(scores)
                continue
            for doc, score in scores.items():
                totals[doc] = totals.get(doc, 0.0) + score
        wanted = max(limit, tuning.candidates)
        pool: Iterable[int] = totals
        if len(totals) > wanted:
            cutoff = heapq.nlargest(wanted, totals.values())[-1]
            pool = compress(totals, map(ge, totals.values(), repeat(cutoff)))
        candidates = sorted(pool, key=lambda d: (-totals[d], d))[:wanted]
        answered = self._title_answered(asked)
        ranked = []
        for doc in candidates:
            covered = sum(w for scores, w in zip(per_concept, weights) if doc in scores)
            coverage = covered / total_weight
            # An article whose question (its title) the shopper's words cover is
            # more likely the one asked than one that only shares a word or two.
            score = round(totals[doc] * (tuning.coverage_base + coverage)
                          * (1 + tuning.title_match * answered.get(doc, 0.0)), 3)
            ranked.append((score, round(coverage, 3), doc))
        # BM25 rewards an article for saying one of the question's words often; the
        # answer is more likely the one that matches more of what was asked.
        ranked.sort(key=lambda r: -r[0])  # stable: ties keep the BM25F order
        hits = [self._hit(doc, score, coverage) for score, coverage, doc in ranked[:limit]]
        good = bool(hits) and hits[0].coverage >= tuning.good_coverage
        return Answer(question, hits, good, suggestion if not good else None, unknown,
                      tuning.good_coverage)

    def _hit(self, doc: int, score: float, coverage: float) -> Hit:
        stored = self.files.doc(doc)
        return Hit(stored.get("slug", ""), stored["title"], stored["summary"],
                   stored.get("src_uri", ""), score, coverage, stored.get("policy"),
                   stored["url"], stored.get("kind", "article"))
