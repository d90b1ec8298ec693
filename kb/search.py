"""Answers to shoppers' questions from a Whoosh index: what `kb ask`, `kb eval` and `kb gaps`
used before the static answer index (kb.answerindex, kb.engine, kb.answercache). No kb
command uses it any more; the engine's tests compare with it (to be removed with them).

The only module that imports Whoosh's index (the maintained `whoosh-reloaded`
fork); kb.analysis uses its stemmers only. No MkDocs import: it works on any docs
folder.

Text is analysed by kb.analysis into terms and handed to Whoosh already
analysed, so indexing, querying, related questions and duplicate detection all
see the same terms. A question is turned into *concepts*, one per meaningful
word, each with weighted variants: the word's own term, other forms of it found
in the content (`betaald` -> `betalen`), synonyms, spelling corrections for
words the content does not know and the parts of unknown compounds. Concepts
are summed; of one concept's variants only the best counts, so a synonym never
scores twice. kb scores on Whoosh's postings itself (BM25F, see `Searcher`).

The index lives in a cache folder and is brought up to date before every
question: files whose size or modification time changed are read again, new
ones added, removed ones dropped. A cache that cannot be read is rebuilt.
"""

from __future__ import annotations

import difflib
import hashlib
import heapq
import json
import math
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, islice, repeat
from operator import ge

from whoosh import fields as wf
from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.filedb.filestore import RamStorage

from kb import __version__
from kb.analysis import (
    Analyzer,
    analyzer_for,
    base_language,
    deletion_forms,
    thesaurus_for,
    within_distance,
)
from kb.answercache import url_for as url_for  # its old place, for older imports
from kb.articles import Article, in_pages, iter_markdown, read_article, slug_for
from kb.settings import Settings
from kb.synonyms import Phrase, Thesaurus

INDEX_FORMAT = 2  # 2: no positions, one term per day, spelling lengths
INDEX_FOLDER = "ask-index"
MANIFEST = "kb-manifest.json"
MAX_CONCEPTS = 32  # a pasted e-mail is cut to its most telling words
MAX_CORRECTED = 8  # unknown words looked up for spelling, per question
MAX_SUGGESTED = 20  # longer questions get no "did you mean" rewrite
MAX_LOOKUP = 48  # longer "words" (a pasted token) get no spelling or compound lookup
SPELLINGS_AFTER = 12  # spelling lookups by one searcher (more than one question makes)
# before it holds the words in memory
# Per-article scores of recent concepts one searcher keeps, counted in articles (about
# 60 bytes each): a hundred concepts that match all of 10,000 articles.
CONCEPT_CACHE = 1_000_000
# Whoosh sorts a commit's postings in memory up to this size, then on disk: each posting
# written, read back and merged again, half as much work more. Its default (128) is
# reached at about 3,000 articles; at about 190 bytes a posting 512 hold 10,000 or more
# (a full build of 10,000 synthetic articles peaks at 570 MB, 240 MB with the default).
POOL_MB = 512

# Relative weight of each field and of each kind of variant of a concept.
FIELD_WEIGHTS = {"title": 2.0, "keywords": 3.0, "summary": 1.5, "body": 1.0}
SHORT_FIELDS = ("title", "keywords", "summary")
SAME = 1.0
B, K1 = 0.6, 1.2  # BM25: length normalisation, term-frequency saturation
FORM = 0.85  # another form of the word found in the content
SYNONYM = 0.7
COMPOUND = 0.8
KNOWN_COMPOUND = 0.6  # the parts of a compound the content also has whole
ALL = "+"  # marks a variant whose terms must all occur, in any order and field
SPELLING = (0.75, 0.55)  # corrections at edit distance 1, 2
CANDIDATES = 20  # best matches re-ranked by how much of the question they cover
COVERAGE_BASE = 0.5  # score = BM25F x (COVERAGE_BASE + coverage)
TITLE_MATCH = 0.1  # bonus for an article whose title the question covers entirely
GOOD_COVERAGE = 0.3  # share of the question's information the best answer must match
# Each step of question analysis can be switched off to measure what it brings.
FEATURES = frozenset({"forms", "synonyms", "spelling", "compounds"})


# --- The documents ---------------------------------------------------------------

def _schema() -> wf.Schema:
    # Building the index costs per posting (an article's distinct terms per field), so
    # the schema keeps none that nothing reads: kb matches no phrases (no positions),
    # and a day needs one term, not eight for fast ranges over years. The spelling
    # field is scorable only for its length column: Whoosh looks for that column on
    # disk for every posting of a field that has none.
    terms = SpaceSeparatedTokenizer()
    return wf.Schema(
        slug=wf.ID(stored=True, unique=True),
        src_uri=wf.STORED(),
        title_text=wf.STORED(),
        summary_text=wf.STORED(),
        policy=wf.ID(stored=True),
        title=wf.TEXT(analyzer=terms, phrase=False),
        keywords=wf.TEXT(analyzer=terms, phrase=False),
        summary=wf.TEXT(analyzer=terms, phrase=False),
        body=wf.TEXT(analyzer=terms, phrase=False),
        spelling=wf.KEYWORD(lowercase=False, scorable=True),
        publish=wf.NUMERIC(int, bits=32, stored=True, shift_step=0),
        expires=wf.NUMERIC(int, bits=32, stored=True, shift_step=0),
        draft=wf.BOOLEAN(stored=True),
    )


def _day(value: date | None, default: int) -> int:
    return int(value.strftime("%Y%m%d")) if value else default


def article_document(article: Article, analyzer: Analyzer) -> dict:
    """The fields Whoosh stores and indexes for one article."""
    keywords = " ".join(article.keywords)
    texts = (article.title, keywords, article.summary, article.body)
    spelling = {w for text in texts for w in analyzer.words(text)
                if len(w) > 2 and not w.isdigit()}
    return {
        "slug": article.slug, "src_uri": article.src_uri, "title_text": article.title,
        "summary_text": article.summary, "policy": article.policy,
        "title": " ".join(analyzer.terms(article.title)),
        "keywords": " ".join(analyzer.terms(keywords)),
        "summary": " ".join(analyzer.terms(article.summary)),
        "body": " ".join(analyzer.terms(article.body)),
        "spelling": " ".join(sorted(spelling)),
        "publish": _day(article.publish, 0), "expires": _day(article.expires, 99991231),
        "draft": article.draft,
    }


# --- The cache -------------------------------------------------------------------

@dataclass
class Refresh:
    """What bringing the index up to date did."""

    rebuilt: bool = False
    added: int = 0
    updated: int = 0
    removed: int = 0
    broken: list[str] = field(default_factory=list)  # paths of files with errors
    in_memory: bool = False  # the cache folder could not be written
    reason: str = ""


def _signature(settings: Settings) -> str:
    tax = settings.taxonomy
    parts = [INDEX_FORMAT, __version__, base_language(settings.language), sorted(settings.pages),
             {pid: sorted(term.items) for pid, term in tax.policies.items()},
             sorted(tax.stages), sorted(tax.contexts)]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _scan(docs_dir: str, pages: Sequence[str]) -> dict[str, list[int]]:
    found = {}
    for src_uri in iter_markdown(docs_dir):
        if in_pages(src_uri, pages):
            continue
        try:
            st = os.stat(os.path.join(docs_dir, src_uri))
        except OSError:
            continue
        found[src_uri] = [st.st_mtime_ns, st.st_size]
    return found


class AnswerIndex:
    """The Whoosh index of one docs folder, kept in `cache_dir`."""

    def __init__(self, docs_dir: str, settings: Settings, cache_dir: str | None):
        self.docs_dir = docs_dir
        self.settings = settings
        self.analyzer = analyzer_for(settings.language)
        self.folder = os.path.join(cache_dir, INDEX_FOLDER) if cache_dir else None
        self.signature = _signature(settings)
        self.index: windex.Index | None = None
        self.files: dict[str, dict] = {}

    # Reading and writing the manifest: which file state each document reflects.
    def _load(self, folder: str) -> str | None:
        """Open the cached index; the reason it cannot be used, or None."""
        if not os.path.isdir(folder):
            return "no index yet"
        try:
            with open(os.path.join(folder, MANIFEST), encoding="utf-8") as fh:
                manifest = json.load(fh)
        except (OSError, ValueError):
            return "the cache folder holds no kb index"
        if not isinstance(manifest, dict) or manifest.get("signature") != self.signature \
                or not isinstance(manifest.get("files"), dict):
            return "the index was made by another kb version or with other settings"
        try:
            self.index = windex.open_dir(folder)
            with self.index.searcher() as searcher:
                searcher.doc_count()
        except Exception:  # Whoosh raises many kinds on damaged files
            self.index = None
            return "the index files are damaged"
        self.files = manifest["files"]
        return None

    def _save(self) -> None:
        if self.folder is None:
            return
        path = os.path.join(self.folder, MANIFEST)
        with open(path + ".tmp", "w", encoding="utf-8") as fh:
            json.dump({"signature": self.signature, "files": self.files}, fh)
        os.replace(path + ".tmp", path)

    def _create(self) -> windex.Index:
        if self.folder is not None:
            if os.path.isdir(self.folder) and not os.path.islink(self.folder):
                shutil.rmtree(self.folder)
            elif os.path.lexists(self.folder):
                os.remove(self.folder)
            os.makedirs(self.folder)
            self.index = windex.create_in(self.folder, _schema())
        else:
            self.index = RamStorage().create_index(_schema())
        self.files = {}
        return self.index

    def _open(self, result: Refresh) -> windex.Index:
        """The index to update: the one open, else the cached one, else a new one (in
        memory when the cache folder cannot be written); `result` says which."""
        if self.index is not None:
            return self.index
        reason = self._load(self.folder) if self.folder else "no cache folder"
        if self.index is not None:
            return self.index
        result.rebuilt, result.reason = True, reason or ""
        try:
            return self._create()
        except OSError as exc:
            result.in_memory = True
            result.reason = f"the cache folder cannot be written ({exc.strerror})"
            self.folder = None
            return self._create()

    def refresh(self, today: date) -> Refresh:
        """Bring the index up to date with the docs folder."""
        result = Refresh()
        index = self._open(result)
        current = _scan(self.docs_dir, self.settings.pages)
        changed = [s for s, stat in current.items()
                   if self.files.get(s, {}).get("stat") != stat]
        gone = [s for s in self.files if s not in current]
        for src_uri, state in self.files.items():
            if state.get("broken") and src_uri in current and src_uri not in changed:
                result.broken.append(state["broken"])
        if not changed and not gone:
            return result
        try:
            writer = index.writer(timeout=30.0, limitmb=POOL_MB)
        except (OSError, windex.LockError) as exc:
            if self.folder is None:
                raise
            # A read-only checkout, or another process holding the lock for too long.
            self.folder = None
            self.index = None
            fallback = self.refresh(today)
            fallback.in_memory, fallback.rebuilt = True, True
            fallback.reason = f"the cache folder cannot be updated ({exc})"
            return fallback
        try:
            for src_uri in gone:
                writer.delete_by_term("slug", slug_for(src_uri))
                del self.files[src_uri]
                result.removed += 1
            for src_uri in changed:
                known = src_uri in self.files
                path = os.path.join(self.docs_dir, src_uri)
                problems: list = []
                article = read_article(path, src_uri, self.settings, today, problems)
                entry: dict = {"stat": current[src_uri]}
                if isinstance(article, Article):
                    writer.update_document(**article_document(article, self.analyzer))
                    result.updated += known
                    result.added += not known
                else:
                    writer.delete_by_term("slug", slug_for(src_uri))
                    if article is False:
                        entry["broken"] = problems[0].path if problems else src_uri
                        result.broken.append(entry["broken"])
                self.files[src_uri] = entry
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        # Replaced versions linger until segments merge, and they count in the
        # average field lengths BM25 uses: merge once they are a tenth of the index.
        if index.doc_count_all() - index.doc_count() > index.doc_count_all() / 10:
            index.optimize(limitmb=POOL_MB)
        self._save()
        return result

    def searcher(self, today: date, features: frozenset[str] = FEATURES) -> Searcher:
        return Searcher(self.index, self.analyzer, thesaurus_for(self.settings), today,
                        features)


def memory_index(articles: Iterable[Article], settings: Settings) -> AnswerIndex:
    """An index held in memory, for tests and one-off runs."""
    ai = AnswerIndex("", settings, None)
    writer = ai._create().writer(limitmb=POOL_MB)
    for article in articles:
        writer.add_document(**article_document(article, ai.analyzer))
    writer.commit()
    return ai


# --- Questions -------------------------------------------------------------------

@dataclass
class Concept:
    """One thing the question asks about, with the terms that express it."""

    word: str
    variants: dict[Phrase, float]
    known: bool = True


@dataclass
class Hit:
    slug: str
    title: str
    summary: str
    src_uri: str
    score: float
    coverage: float


@dataclass
class Answer:
    question: str
    hits: list[Hit]
    good: bool
    suggestion: str | None = None  # the question with its spelling corrected
    unknown: list[str] = field(default_factory=list)

    @property
    def answers(self) -> list[Hit]:
        """The hits that answer the question well enough to offer as answers."""
        return [h for h in self.hits if h.coverage >= GOOD_COVERAGE] if self.good else []


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()



class _Spellings:
    """The index's spelling words in memory, found by the deletions they share with a
    word (two words within two edits share a form with at most two letters deleted
    from each): the same words as Whoosh's `terms_within`, without walking the word
    list on disk for every unknown word."""

    MAX_WORDS = 10_000  # about 40 forms each; beyond this the table costs too much memory

    def __init__(self, words: Iterable[str]):
        self.table: dict[str, list[str]] = {}
        for word in words:
            for form in deletion_forms(word, 2 if len(word) >= 5 else 1):
                self.table.setdefault(form, []).append(word)

    def within(self, word: str, maxdist: int, prefix: int) -> list[str]:
        found = {c for form in deletion_forms(word, maxdist) for c in self.table.get(form, ())}
        return sorted(c for c in found if c[:prefix] == word[:prefix]
                      and within_distance(word, c, maxdist))


class Searcher:
    """Questions against one index, on one day, with one set of synonyms."""

    def __init__(self, index: windex.Index, analyzer: Analyzer, thesaurus: Thesaurus,
                 today: date, features: frozenset[str] = FEATURES):
        self.features = features
        self.analyzer = analyzer
        self.thesaurus = thesaurus
        self.searcher = index.searcher()
        self.reader = self.searcher.reader()
        self.total = max(self.searcher.doc_count(), 1)
        self._df: dict[str, int] = {}
        day = _day(today, 0)
        published = wq.And([
            wq.Term("draft", False),
            wq.NumericRange("publish", None, day),
            wq.NumericRange("expires", day + 1, None),
        ])
        self.allowed = set(self.searcher.docs_for_query(published))
        self.average = {f: self.searcher.avg_field_length(f) or 1.0 for f in FIELD_WEIGHTS}
        # BM25's length part of each article's fields, found when first scored.
        self._norms: dict[str, dict[int, float]] = {name: {} for name in FIELD_WEIGHTS}
        self._scores: dict[tuple[str, str], dict[int, float]] = {}
        # Questions share concepts (a long message's greeting and story, `kb gaps`'
        # thousands of questions): the most recent concepts' scores, oldest first.
        self._concepts: dict[tuple, dict[int, float]] = {}
        self._concept_entries = 0
        # Looking up spellings walks the whole word list; `kb gaps` asks thousands of
        # questions that share their unknown words.
        self._fixes: dict[str, list[tuple[str, int]]] = {}
        self._spellings: _Spellings | None = None
        self._stored: dict[int, tuple[dict, set[str]]] = {}
        self._lookups = 0

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def df(self, term: str) -> int:
        """In how many articles `term` occurs in any field."""
        if term not in self._df:
            self._df[term] = max((self.reader.doc_frequency(f, term) for f in FIELD_WEIGHTS),
                                 default=0)
        return self._df[term]

    def published(self, term: str) -> bool:
        """Whether a published article has `term` in any field (`df` counts drafts too)."""
        return any(self._term_scores(name, term) for name in FIELD_WEIGHTS)

    def known(self, phrase: Phrase) -> bool:
        return all(self.df(t) for t in phrase if t != ALL)

    def idf(self, phrase: Phrase) -> float:
        df = min((self.df(t) for t in phrase if t != ALL), default=0)
        return math.log(1 + self.total / (df or 0.5))

    def _add_synonyms(self, variants: dict[Phrase, float], phrase: Phrase, weight: float) -> None:
        if "synonyms" not in self.features:
            return
        for other in self.thesaurus.alternatives(phrase):
            if self.known(other) and variants.get(other, 0) < weight * SYNONYM:
                variants[other] = weight * SYNONYM

    def _corrections(self, word: str) -> list[tuple[str, int]]:
        """Known words within one or two typing mistakes of `word`, best first."""
        found = self._fixes.get(word)
        if found is None:
            found = self._find_corrections(word)
            if len(self._fixes) < 100_000:
                self._fixes[word] = found
        return found

    def _find_corrections(self, word: str) -> list[tuple[str, int]]:
        if not 4 <= len(word) <= MAX_LOOKUP or word.isdigit() or "spelling" not in self.features:
            return []
        maxdist = 1 if len(word) < 7 else 2
        self._lookups += 1
        if self._spellings is None and self._lookups == SPELLINGS_AFTER:
            words = list(islice(self.reader.field_terms("spelling"), _Spellings.MAX_WORDS + 1))
            if len(words) <= _Spellings.MAX_WORDS:
                self._spellings = _Spellings(words)
        if self._spellings is not None:
            found = self._spellings.within(word, maxdist, 1)
            if not found and len(word) >= 5:
                found = self._spellings.within(word, maxdist, 0)
        else:
            found = list(self.reader.terms_within("spelling", word, maxdist, prefix=1))
            if not found and len(word) >= 5:
                found = list(self.reader.terms_within("spelling", word, maxdist, prefix=0))
        found = [w for w in found if self._live_word(w)]
        alike = {w: _similarity(word, w) for w in found}
        ranked = sorted(found, key=lambda w: (-alike[w],
                                              -self.reader.doc_frequency("spelling", w), w))
        return [(w, 1 if alike[w] >= 1 - 1.5 / max(len(word), len(w)) else 2)
                for w in ranked[:3]]

    def _live_word(self, word: str) -> bool:
        """Whether a published article has `word`: a draft's words are no suggestion."""
        matcher = self.reader.postings("spelling", word)
        while matcher.is_active():
            if matcher.id() in self.allowed:
                return True
            matcher.next()
        return False

    def _compound(self, word: str) -> list[str] | None:
        """The terms of the parts of a compound (`retourlabel` -> retour, label)."""
        best: list[str] | None = None
        if "compounds" not in self.features or len(word) > MAX_LOOKUP:
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
            if not any(len(v) == 1 for v in variants) and lookups < MAX_CORRECTED:
                lookups += 1
                fix = self._unknown_variants(word, variants)
                if fix is not None:
                    corrected[word] = fix
            concepts[word] = Concept(word, variants or {(term,): SAME}, bool(variants))
        self._add_phrases(concepts, words)
        chosen = list(concepts.values())
        if len(chosen) > MAX_CONCEPTS:
            chosen = sorted(chosen, key=lambda c: -max(map(self.idf, c.variants)))[:MAX_CONCEPTS]
        suggestion = None
        if corrected and len(words) <= MAX_SUGGESTED:
            suggestion = " ".join(corrected.get(w, w) for w in analyzer.words(question))
        return chosen, suggestion

    def _known_variants(self, word: str, term: str) -> dict[Phrase, float]:
        """The variants of `word` the content has: its own term, its other forms, their
        synonyms and, for a compound, its parts."""
        variants: dict[Phrase, float] = {}
        if self.df(term):
            variants[(term,)] = SAME
        for form in self.analyzer.forms(word) if "forms" in self.features else ():
            if self.df(form) and (form,) not in variants:
                variants[(form,)] = FORM
        for phrase, weight in [((term,), SAME), *variants.items()]:
            self._add_synonyms(variants, phrase, weight)
        if (term,) in variants and len(word) >= 8:
            # A known compound also matches its parts apart: verzendkosten ->
            # "wat kost de verzending".
            parts = self._compound(word)
            if parts:
                variants.setdefault((ALL, *parts), COMPOUND * KNOWN_COMPOUND)
        return variants

    def _unknown_variants(self, word: str, variants: dict[Phrase, float]) -> str | None:
        """Add to `variants` what an unknown `word` may mean: the parts of a compound,
        or known words spelt alike and their synonyms. The best spelling correction, if
        any, for the "did you mean" suggestion."""
        fixes = self._corrections(word)
        parts = None if fixes and fixes[0][1] == 1 else self._compound(word)
        if parts:
            # An unknown compound: its parts together, or each on its own.
            variants[(ALL, *parts)] = COMPOUND
            for part in parts:
                variants.setdefault((part,), COMPOUND / 2)
                self._add_synonyms(variants, (part,), COMPOUND / 2)
            return None
        for fix, distance in fixes:
            weight = SPELLING[distance - 1]
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
            variants = {phrase: SAME} if self.known(phrase) else {}
            for other in others:
                if self.known(other):
                    variants.setdefault(other, SYNONYM)
            if variants:
                concepts[key] = Concept(key, variants)
                for word in words[start:end]:  # the phrase explains its words
                    if word in concepts and not concepts[word].known:
                        del concepts[word]

    # Scoring is done here, on Whoosh's postings, rather than by Whoosh's query
    # matchers: a question becomes hundreds of term lookups (concepts x variants x
    # fields), and walking them as a tree of matchers costs about fifty times more.

    def _term_scores(self, name: str, term: str) -> dict[int, float]:
        """BM25 of `term` in field `name` for every published article that has it."""
        if (name, term) not in self._scores:
            self._score_term(term)
        return self._scores[(name, term)]

    def _score_term(self, term: str) -> None:
        """Score `term` in every field at once. Its rarity (IDF) counts articles, not
        fields (`koffie` in a title is as common as `koffie` anywhere), and only the
        articles in the index now: Whoosh keeps replaced versions until it merges."""
        postings: list[tuple[str, list[int], list[float]]] = []
        articles: set[int] = set()
        for name in FIELD_WEIGHTS:
            docs: list[int] = []
            tfs: list[float] = []
            if (name, term) in self.reader:
                matcher = self.reader.postings(name, term)  # skips deleted documents
                # A common word has a posting in most articles: the loop is the cost
                # of a word's first question, so it looks nothing up it need not.
                active, doc, weight, step = (matcher.is_active, matcher.id, matcher.weight,
                                             matcher.next)
                while active():
                    docs.append(doc())
                    tfs.append(weight())
                    step()
                articles.update(docs)
            postings.append((name, docs, tfs))
        idf = math.log(self.total / (len(articles) + 1)) + 1
        allowed = self.allowed
        for name, docs, tfs in postings:
            norms = self._norms[name]
            scores = self._scores[(name, term)] = {}
            for doc, tf in zip(docs, tfs):
                if doc in allowed:
                    norm = norms.get(doc)
                    if norm is None:
                        length = self.reader.doc_field_length(doc, name, 1)
                        norm = norms[doc] = K1 * (1 - B + B * length / self.average[name])
                    scores[doc] = idf * tf * (K1 + 1) / (tf + norm)

    def _concept_scores(self, concept: Concept) -> dict[int, float]:
        """`_score_concept`, remembered for later questions; not to be changed."""
        key = tuple(concept.variants.items())
        cache = self._concepts
        scores = cache.pop(key, None)  # put back last: the most recently used
        if scores is None:
            scores = self._score_concept(concept)
            self._concept_entries += len(scores)
            while self._concept_entries > CONCEPT_CACHE and cache:
                self._concept_entries -= len(cache.pop(next(iter(cache))))
        cache[key] = scores
        return scores

    def _score_concept(self, concept: Concept) -> dict[int, float]:
        """Per article: for each field the best single-word variant, the fields
        added up; or a variant of several words (a phrase, a compound's parts)
        when all its words occur and that scores more. A synonym never scores twice."""
        best: dict[str, dict[int, float]] = {name: {} for name in FIELD_WEIGHTS}
        together: dict[int, float] = {}
        for variant, weight in concept.variants.items():
            terms = variant[1:] if variant[0] == ALL else variant
            if len(terms) == 1:
                self._keep_best_per_field(best, terms[0], weight)
            else:
                # A phrase's words anywhere in a long body are no phrase: short fields only.
                names = FIELD_WEIGHTS if variant[0] == ALL else SHORT_FIELDS
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
        for name, boost in FIELD_WEIGHTS.items():
            field_best = best[name]
            found = self._term_scores(name, term)
            factor = boost * weight
            if not field_best:  # BM25 scores are positive: each one is the best
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
                boost = FIELD_WEIGHTS[name]
                for doc, score in self._term_scores(name, term).items():
                    total[doc] = total.get(doc, 0.0) + score * boost * weight
            sums.append(total)
        for doc in set.intersection(*(set(x) for x in sums)):
            score = sum(x[doc] for x in sums)
            if score > together.get(doc, 0.0):
                together[doc] = score

    def _stored_fields(self, doc: int) -> tuple[dict, set[str]]:
        """An article's stored fields and the terms of its title, read once per searcher."""
        found = self._stored.get(doc)
        if found is None:
            stored = self.searcher.stored_fields(doc)
            found = self._stored[doc] = (stored, set(self.analyzer.terms(stored["title_text"])))
        return found

    def ask(self, question: str, limit: int = 5) -> Answer:
        concepts, suggestion = self.concepts(question)
        unknown = [c.word for c in concepts if not c.known]
        if not any(c.known for c in concepts):
            return Answer(question, [], False, suggestion, unknown)
        weights = [max(map(self.idf, c.variants)) if c.known else math.log(1 + 2 * self.total)
                   for c in concepts]
        total_weight = sum(weights) or 1.0
        per_concept = [self._concept_scores(c) for c in concepts]
        totals: dict[int, float] = {}
        for scores in per_concept:
            if not totals:
                totals = dict(scores)
                continue
            for doc, score in scores.items():
                totals[doc] = totals.get(doc, 0.0) + score
        wanted = max(limit, CANDIDATES)
        pool: Iterable[int] = totals
        if len(totals) > wanted:
            # Sorting every matching article by a key made in Python cost more than
            # the scoring: only those that score as much as the last wanted one.
            cutoff = heapq.nlargest(wanted, totals.values())[-1]
            pool = compress(totals, map(ge, totals.values(), repeat(cutoff)))
        candidates = sorted(pool, key=lambda d: (-totals[d], d))[:wanted]
        asked = {t for c in concepts for v in c.variants for t in v if t != ALL}
        hits = []
        for doc in candidates:
            covered = sum(w for scores, w in zip(per_concept, weights) if doc in scores)
            coverage = covered / total_weight
            stored, title = self._stored_fields(doc)
            # An article whose question (its title) the shopper's words cover is
            # more likely the one asked than one that only shares a word or two.
            answered = len(title & asked) / len(title) if title else 0.0
            hits.append(Hit(stored["slug"], stored["title_text"], stored["summary_text"],
                            stored["src_uri"],
                            round(totals[doc] * (COVERAGE_BASE + coverage)
                                  * (1 + TITLE_MATCH * answered), 3),
                            round(coverage, 3)))
        # BM25 rewards an article for saying one of the question's words often; the
        # answer is more likely the one that matches more of what was asked.
        hits.sort(key=lambda h: -h.score)  # stable: ties keep the BM25F order
        hits = hits[:limit]
        good = bool(hits) and hits[0].coverage >= GOOD_COVERAGE
        return Answer(question, hits, good, suggestion if not good else None, unknown)
