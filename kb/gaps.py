"""Content gaps: which real shopper questions the help centre does not answer.

Input is an export of what shoppers asked (e-mails, chat transcripts, search
logs), one question per row. Each question is cleaned (quoted replies,
greetings, signatures, addresses and order numbers go), reduced to the words
`kb ask` analyses, and asked once per distinct wording: a search log repeats
the same few queries thousands of times. A question is answered when `kb ask`
would offer an answer (`Answer.answers`).

The unanswered questions are grouped into clusters an editor can write one
article for: TF-IDF vectors over their analysed terms (synonyms counted as one
term), joined greedily to the closest cluster found through an inverted index
on each cluster's top terms, so the cost grows with the number of questions,
not its square. Each cluster keeps a count, a few examples and its term
weights, never all its questions. Its policy area and journey stage are
guessed from the articles the search still found for its questions, however
weakly, else from the words typical of each area's articles.

Pure core: no MkDocs and no click; the CLI (`kb gaps`) formats and writes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from kb.articles import Article, normal_title, slugify
from kb.problems import Problem
from kb.scaffold import FileTaken, NewArticle, create_article
from kb.search import Analyzer, Searcher, deletion_forms, fold, within_distance
from kb.settings import Settings
from kb.tables import Table, TableError, open_table
from kb.taxonomy import Taxonomy
from kb.text import dumps, shorten, visible

DEFAULT_COLUMN = "question"
EXAMPLES = 5  # example questions kept per cluster
HITS = 3  # weak hits per unanswered question that vote for its area
JOIN = 0.45  # cosine from which a question joins a cluster
MERGE = 0.5  # cosine from which two clusters' centres are merged afterwards
ATTACH = 0.35  # ... and from which a cluster of one or two wordings joins a larger one
SEEDS = 4  # a question's most telling terms that find candidate clusters
CANDIDATES = 8  # candidate clusters whose full cosine is computed
CENTRE_TERMS = 40  # terms kept in a cluster's centre
MAX_MESSAGE = 5_000  # characters of a cell looked at: a pasted thread holds no more question
MAX_EXAMPLE = 240  # characters of an example shown in a report
MAX_TITLE = 110  # characters of a draft's title
KEYWORDS = 5  # keywords written into a draft
TOP_ARTICLES = 10
MAX_RAW = 50_000  # raw wordings whose cleaned form is remembered
NO_AREA = "no article comes close"

# Where a quoted earlier message or a forwarded one starts: everything after it
# is someone else's text.
_QUOTE_START = re.compile(
    r"(?im)^\s*(?:>|-{2,}\s*(?:original|oorspronkelijk|origineel|doorgestuurd|forwarded)"
    r"|(?:op|on)\s.{4,100}?\s(?:schreef|wrote)\b.*:|(?:van|from|verzonden|sent)\s*:\s)")
# Where a signature starts; at the start of a line or after a sentence.
_SIGN_OFF = re.compile(
    r"(?i)(?:^|[\s.,!?])(?:met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+groet(?:en)?"
    r"|hartelijke\s+groet(?:en)?|groetjes|groeten|groet|mvg|m\.v\.g\."
    r"|liefs|kind\s+regards|best\s+regards|regards|cheers|best\s+wishes|looking\s+forward"
    r"|verzonden\s+(?:vanaf|vanuit|met)\s+(?:mijn|m'n)|sent\s+from\s+my|^--\s*$)\b")
_GREETING = re.compile(
    r"(?i)^\s*(?:hallo|hoi|hey|hi|hello|dear|beste|geachte|goedemorgen|goedemiddag|goedenavond|"
    r"goeiedag|dag|morning|good\s+(?:morning|afternoon|evening))\b(?:[^,.!?:\n]{0,40}[,!:\n]"
    r"|\s*[.!])?")
# Thanks at the end, perhaps followed by a first name.
_THANKS = re.compile(
    r"(?i)(?:^|[\s.,!?])(?:alvast\s+)?(?:heel\s+erg\s+|hartelijk\s+)?(?:bedankt|dank\s*(?:je|u)?"
    r"(?:\s*wel)?|dankjewel|dankuwel|thanks|thank\s+you)\b(?:\s+(?:alvast|voor\s+(?:je|jullie|"
    r"uw|de|het)\s+(?:hulp|antwoord|reactie|moeite)|in\s+advance|for\s+your\s+help))*"
    r"[\s.,!]*(?:[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*){0,2}[\s.!]*)?$")
_SPEAKER = re.compile(r"(?im)^\s*(?:klant|bezoeker|gebruiker|customer|visitor|user|ik)\s*:\s*")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_PHONE = re.compile(r"\+?\d[\d \-]{7,}\d")
_POSTCODE = re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b")
# Order numbers and tracking codes, with the label in front of them.
_CODE = re.compile(r"(?i)(?:\b(?:order|bestel|retour)(?:nummer|nr)?\.?\s*[:#]\s*"
                   r"|\b(?:ordernummer|bestelnummer|ordernr|bestelnr|retournummer)\.?\s*:?\s*)?"
                   r"(?:#?\b(?=[\w-]*\d)[\w-]{5,}\b|#\d+)")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")


def clean_question(text: str) -> str:
    """The shopper's own question out of a messy message, readable for an editor:
    quoted replies, signatures, greetings, thanks, addresses and codes removed."""
    text = text[:MAX_MESSAGE]
    quoted = _QUOTE_START.search(text)
    if quoted and quoted.start() > 0:
        text = text[: quoted.start()]
    text = _SPEAKER.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _CODE.sub(" ", text)
    text = _PHONE.sub(" ", text)
    text = _POSTCODE.sub(" ", text)
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    # Greetings first: "Groetjes" alone must not cut "Hallo groetjes ..." to nothing.
    text = _GREETING.sub("", text, count=1).strip()
    sign = _SIGN_OFF.search(text)
    if sign and sign.start() > 0:
        text = text[: sign.start()]
    text = _THANKS.sub("", text)
    text = text.strip(" ,;:-")
    text = re.sub(r"\s+([?.!,])", r"\1", text)
    text = re.sub(r"([?!.])\1+", r"\1", text)
    return text


def as_title(text: str, limit: int = MAX_TITLE) -> str:
    """A cleaned question as a shopper would ask it: its first question (or
    sentence), a capital first letter and one question mark."""
    sentences = [s.strip() for s in re.split(r"(?<=[?.!])\s+", text) if s.strip()]
    asked = [s for s in sentences if s.endswith("?")]
    title = asked[0] if asked else (sentences[0] if sentences else text)
    title = shorten(title.rstrip(" ?.!,;:"), limit).rstrip("…").rstrip(" ,;:-")
    if not title:
        return ""
    return title[0].upper() + title[1:] + "?"


# --- Reading the export ------------------------------------------------------------

def open_questions(path: str, shown: str, column: str = DEFAULT_COLUMN) -> tuple[Table, int]:
    """The opened table and the index of its question column; TableError when the
    file cannot be used or has no such column (the message lists those it has)."""
    table = open_table(path, shown, f"with a column {column!r}")
    index = table.column([column], "the shoppers' questions")
    table.check()
    assert index is not None  # check() raised otherwise
    return table, index


def questions(table: Table, index: int,
              progress: Callable[[int], None] | None = None) -> Iterator[tuple[int, str]]:
    """(line, question) for every row; TableError at the end when rows were ragged,
    or when there was not one row."""
    seen = False
    for line, cells in table.rows(progress):
        seen = True
        yield line, cells[index]
    if not seen:
        raise TableError([Problem(table.shown, "has a header but no questions; expected one "
                                               "question per row", 1)])


# --- Clustering ----------------------------------------------------------------------

Vector = dict[str, float]


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(w * large.get(t, 0.0) for t, w in small.items())


def _unit(weights: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


@dataclass
class _Open:
    """An unanswered distinct question waiting to be clustered."""

    text: str  # cleaned, for people
    words: tuple[str, ...]  # the words `kb ask` looked at
    count: int
    first: int  # order of first appearance, for stable results
    votes: tuple[tuple[str, float], ...]  # (slug, weight) of the weak hits
    question: str | None = None  # a wording of it that is a whole question, for a title


_QUESTION_WORDS = frozenset("""hoe wat waar wanneer waarom welk welke wie waarmee hoeveel hoelang
    kan kun kunnen kunt mag moet heb hebben hebt is zijn zit krijg wordt doen geven verkopen
    leveren how what where when why which who can could do does is are will""".split())


def _question_like(text: str) -> bool:
    """Whether `text` reads as a whole question rather than a search-box fragment."""
    words = text.split()
    return 3 <= len(words) <= 20 and len(text) <= MAX_TITLE and (
        text.endswith("?") or words[0].casefold() in _QUESTION_WORDS)


@dataclass
class _Group:
    centre: dict[str, float] = field(default_factory=dict)  # sum of member vectors
    size: int = 0  # rows
    distinct: int = 0
    examples: list[tuple[str, int, Vector, int]] = field(default_factory=list)
    question: tuple[str, int] | None = None  # most asked wording that is a whole question
    votes: Counter[str] = field(default_factory=Counter)  # slug -> weight

    def add(self, item: _Open, vec: Vector) -> None:
        self.size += item.count
        self.distinct += 1
        for term, weight in vec.items():
            self.centre[term] = self.centre.get(term, 0.0) + weight
        if len(self.centre) > 2 * CENTRE_TERMS:
            self._prune()
        if len(self.examples) < EXAMPLES:
            self.examples.append((item.text, item.count, vec, item.first))
        wording = item.text if _question_like(item.text) else item.question
        if wording and (self.question is None or item.count > self.question[1]):
            self.question = (wording, item.count)
        for slug, weight in item.votes:
            self.votes[slug] += weight * item.count

    def _prune(self) -> None:
        kept = sorted(self.centre.items(), key=lambda kv: -kv[1])[:CENTRE_TERMS]
        self.centre = dict(kept)

    def absorb(self, other: _Group) -> None:
        self.size += other.size
        self.distinct += other.distinct
        for term, weight in other.centre.items():
            self.centre[term] = self.centre.get(term, 0.0) + weight
        if len(self.centre) > 2 * CENTRE_TERMS:
            self._prune()
        self.examples = sorted(self.examples + other.examples, key=lambda e: -e[1])[:EXAMPLES]
        if other.question and (self.question is None or other.question[1] > self.question[1]):
            self.question = other.question
        self.votes.update(other.votes)


UNKNOWN_BOOST = 2.0  # a word the content lacks is most likely what the question is about
COMPOUND_SELF = 0.5  # a split compound's own term, next to its parts


class _Vocabulary:
    """Terms of the unanswered questions, with the misspellings and compounds that
    `kb ask` could not resolve against the content resolved against each other:
    `abbonement` and `abonement` count as `abonnement`, `spaarpunten` also as
    `sparen` and `punten`."""

    def __init__(self, items: Sequence[_Open], analyzer: Analyzer, same: Mapping[str, str],
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

    def vector(self, item: _Open) -> Vector:
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
        return _unit(weights)


def cluster(items: Sequence[_Open], vocabulary: _Vocabulary, join: float = JOIN,
            merge: float = MERGE) -> list[_Group]:
    """Greedy leader clustering, most frequent questions first so that they lead."""
    n = len(items)
    groups: list[_Group] = []
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
            score = _cosine(vec, _unit(groups[g].centre))
            if score > best_score:
                best, best_score = g, score
        if best < 0 or best_score < join:
            best = len(groups)
            groups.append(_Group())
        group = groups[best]
        before = set(group.centre)
        group.add(item, vec)
        for term in group.centre.keys() - before:
            postings.setdefault(term, []).append(best)
    return _merge(groups, merge)


def _merge(groups: list[_Group], threshold: float) -> list[_Group]:
    """Join clusters whose centres ended up close: the leader of a cluster is one
    wording, and a later cluster may have started from another wording of it."""
    order = sorted(range(len(groups)), key=lambda g: -groups[g].size)
    kept: list[int] = []
    postings: dict[str, list[int]] = {}
    units: dict[int, Vector] = {}
    for g in order:
        unit = _unit(groups[g].centre)
        top = sorted(unit, key=lambda t: -unit[t])[:SEEDS]
        candidates = {k for t in top for k in postings.get(t, ())[-200:]}
        target = max(candidates, key=lambda k: _cosine(unit, units[k]), default=None)
        # One or two wordings on their own are more likely another wording of a
        # larger cluster than a topic of their own.
        needed = threshold if groups[g].distinct > 2 else min(threshold, ATTACH)
        if target is not None and _cosine(unit, units[target]) >= needed:
            groups[target].absorb(groups[g])
            units[target] = _unit(groups[target].centre)
            continue
        kept.append(g)
        units[g] = unit
        for term in sorted(unit, key=lambda t: -unit[t])[:CENTRE_TERMS]:
            postings.setdefault(term, []).append(g)
    return [groups[g] for g in kept]


# --- The report ----------------------------------------------------------------------

@dataclass
class Cluster:
    size: int  # questions (rows)
    distinct: int  # distinct wordings
    representative: str
    title: str  # the question a draft article would ask
    examples: list[str]
    keywords: list[str]
    policy: str | None  # guessed policy-area id; None when nothing points anywhere
    stage: str | None


@dataclass
class AreaGaps:
    policy: str | None
    label: str
    answered: int
    unanswered: int
    clusters: int

    @property
    def share_unanswered(self) -> float:
        total = self.answered + self.unanswered
        return self.unanswered / total if total else 0.0


@dataclass
class TopArticle:
    slug: str
    title: str
    questions: int


@dataclass
class GapReport:
    rows: int = 0  # rows read
    questions: int = 0  # rows that held a question
    distinct: int = 0  # distinct questions asked
    answered: int = 0  # rows answered
    clusters: list[Cluster] = field(default_factory=list)
    areas: list[AreaGaps] = field(default_factory=list)
    top_articles: list[TopArticle] = field(default_factory=list)

    @property
    def unanswered(self) -> int:
        return self.questions - self.answered

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0

    def as_dict(self, top: int | None = None) -> dict:
        return {
            "rows": self.rows,
            "questions": self.questions,
            "skipped": self.rows - self.questions,
            "distinct": self.distinct,
            "answered": self.answered,
            "unanswered": self.unanswered,
            "answered_share": round(self.answered_share, 4),
            "clusters": [vars(c) for c in self.clusters[:top]],
            "cluster_count": len(self.clusters),
            "areas": [{"policy": a.policy, "label": a.label, "answered": a.answered,
                       "unanswered": a.unanswered, "clusters": a.clusters,
                       "share_unanswered": round(a.share_unanswered, 4)} for a in self.areas],
            "top_articles": [vars(a) for a in self.top_articles],
        }


class _AreaGuess:
    """Policy area and stage from weak hits, else from the words typical of each
    area's articles."""

    def __init__(self, articles: Sequence[Article], analyzer: Analyzer,
                 same: Mapping[str, str]):
        self.by_slug = {a.slug: a for a in articles}
        counts: dict[str, Counter[str]] = {}
        sizes: Counter[str] = Counter()
        self.stages: dict[str, Counter[str]] = {}
        for a in articles:
            sizes[a.policy] += 1
            self.stages.setdefault(a.policy, Counter()).update(a.stages)
            text = " ".join([a.title, *a.keywords, a.summary])
            terms = {same.get(t, t) for t in analyzer.terms(text)}
            counts.setdefault(a.policy, Counter()).update(terms)
        areas = len(counts) or 1
        spread = Counter(t for c in counts.values() for t in c)
        # A word counts for an area by the share of its articles that use it, and
        # more when few other areas use it too.
        self.typical = {p: {t: n / sizes[p] * math.log(1 + areas / spread[t])
                            for t, n in c.items()} for p, c in counts.items()}

    def guess(self, votes: Counter[str], centre: Mapping[str, float]
              ) -> tuple[str | None, str | None]:
        policies: Counter[str] = Counter()
        stages: Counter[str] = Counter()
        for slug, weight in votes.items():
            article = self.by_slug.get(slug)
            if article is None:
                continue
            policies[article.policy] += weight
            for stage in article.stages:
                stages[stage] += weight / len(article.stages)
        if not policies:
            for policy, typical in self.typical.items():
                score = sum(w * typical.get(t, 0.0) for t, w in centre.items())
                if score > 0:
                    policies[policy] = score
        if not policies:
            return None, None
        policy = max(policies, key=lambda p: (policies[p], p))
        own = Counter({s: w for s, w in stages.items()
                       if s in self.stages.get(policy, {})}) or self.stages.get(policy)
        stage = max(own, key=lambda s: (own[s], s)) if own else None
        return policy, stage


class GapFinder:
    """Feeds questions through `searcher` one by one (`add`), holding one entry per
    distinct question, then clusters what was not answered (`report`)."""

    def __init__(self, searcher: Searcher, articles: Sequence[Article],
                 same: Mapping[str, str] | None = None):
        self.searcher = searcher
        self.articles = articles
        self.same = dict(same or {})  # synonym -> one term standing for all of its group
        self.analyzer = searcher.analyzer
        self.totals = GapReport()
        self._answered: dict[str, str] = {}  # key -> answering slug
        self._open: dict[str, _Open] = {}
        self._by_article: Counter[str] = Counter()
        # A search log repeats its rows word for word: clean each wording once.
        self._raw: dict[str, tuple[str, str]] = {}

    def key(self, text: str) -> str:
        """The words `kb ask` looks at, in order: two questions with the same key get
        the same answer."""
        return " ".join(self.analyzer.meaningful(self.analyzer.words(text)))

    def add(self, raw: str) -> None:
        report = self.totals
        report.rows += 1
        seen = self._raw.get(raw)
        if seen is None:
            text = clean_question(raw)
            seen = (text, self.key(text))
            if len(self._raw) < MAX_RAW:
                self._raw[raw] = seen
        text, key = seen
        if not key:
            return  # empty, or only a greeting, a thank-you or an order number
        report.questions += 1
        slug = self._answered.get(key)
        if slug is not None:
            report.answered += 1
            self._by_article[slug] += 1
            return
        item = self._open.get(key)
        if item is not None:
            item.count += 1
            # "vacatures" and "Hebben jullie vacatures?" ask the same; the second
            # makes a title.
            if item.question is None and _question_like(text) \
                    and not _question_like(item.text):
                item.question = shorten(text, MAX_EXAMPLE)
            return
        report.distinct += 1
        answer = self.searcher.ask(key, HITS)
        if answer.answers:
            slug = answer.answers[0].slug
            self._answered[key] = slug
            report.answered += 1
            self._by_article[slug] += 1
            return
        # An article that matches more of the question says more about its area.
        weights = [h.score * h.coverage for h in answer.hits]
        total = sum(weights) or 1.0
        votes = tuple((h.slug, w / total) for h, w in zip(answer.hits, weights))
        self._open[key] = _Open(shorten(text, MAX_EXAMPLE), tuple(key.split()), 1,
                                report.distinct, votes)

    def report(self, taxonomy: Taxonomy, language: str) -> GapReport:
        report = self.totals
        guesser = _AreaGuess(self.articles, self.analyzer, self.same)
        items = list(self._open.values())
        self._vocabulary = _Vocabulary(items, self.analyzer, self.same,
                                       self.searcher.published)
        groups = cluster(items, self._vocabulary)
        self._open.clear()
        clusters = [self._describe(g, guesser) for g in groups]
        clusters.sort(key=lambda c: (-c.size, -c.distinct, c.representative))
        report.clusters = clusters

        by_slug = {a.slug: a for a in self.articles}
        answered: Counter[str | None] = Counter()
        for slug, n in self._by_article.items():
            article = by_slug.get(slug)
            answered[article.policy if article else None] += n
        gaps: Counter[str | None] = Counter()
        counts: Counter[str | None] = Counter()
        for c in clusters:
            gaps[c.policy] += c.size
            counts[c.policy] += 1
        order = list(taxonomy.policies) + [None]
        report.areas = [AreaGaps(p, taxonomy.policies[p].title(language) if p else NO_AREA,
                                 answered[p], gaps[p], counts[p])
                        for p in order if p is not None or gaps[p] or answered[p]]
        report.areas.sort(key=lambda a: (-a.unanswered, order.index(a.policy)))
        report.top_articles = [
            TopArticle(slug, by_slug[slug].title if slug in by_slug else slug, n)
            for slug, n in sorted(self._by_article.items(),
                                  key=lambda kv: (-kv[1], kv[0]))[:TOP_ARTICLES]]
        return report

    def _describe(self, group: _Group, guesser: _AreaGuess) -> Cluster:
        unit = _unit(group.centre)
        # The most asked wording, among those close to the cluster's centre, and
        # short enough to be read as one question.
        # Ties go to the wording seen first: a misspelling is rarely the first.
        ranked = sorted(group.examples, key=lambda e: (-e[1] * (0.5 + _cosine(e[2], unit)),
                                                       e[3]))
        short = [e for e in ranked if len(e[0]) <= MAX_TITLE] or ranked
        representative = short[0][0]
        examples = [representative] + [e[0] for e in ranked if e[0] != representative]
        policy, stage = guesser.guess(group.votes, unit)
        title = as_title(group.question[0] if group.question else representative)
        return Cluster(group.size, group.distinct, representative, title, examples,
                       self._keywords(examples, unit), policy, stage)

    def _keywords(self, examples: Iterable[str], unit: Mapping[str, float]) -> list[str]:
        """The words shoppers wrote for the cluster's top terms, as most of them wrote
        them; a word only one question used (a name, a typing mistake) is no keyword."""
        vocabulary = self._vocabulary
        words: dict[str, Counter[str]] = {}
        for text in examples:
            for word in _WORD.findall(text.lower()):
                expanded = vocabulary.expand.get(fold(word))
                if not expanded:
                    continue
                term = expanded[0][0]
                # The spelling whose own term it is beats a misspelling mapped onto it.
                own = vocabulary.stem.get(fold(word)) == term
                words.setdefault(term, Counter())[word] += 2 if own else 1
        found = []
        for term in sorted(unit, key=lambda t: (-unit[t], t)):
            if term in words and (vocabulary.rows[term] >= 2
                                  or self.searcher.published(term)):
                word = words[term].most_common(1)[0][0]
                # A misspelling of it is all the examples have: as most questions spell it.
                if vocabulary.stem.get(fold(word)) != term and term in vocabulary.spelling:
                    word = vocabulary.spelling[term]
                if not any(within_distance(fold(word), fold(w), 1 if len(word) < 7 else 2)
                           for w in found):
                    found.append(word)
            if len(found) == KEYWORDS:
                break
        return found


def find_gaps(rows: Iterable[str], searcher: Searcher, articles: Sequence[Article],
              taxonomy: Taxonomy, language: str,
              same: Mapping[str, str] | None = None) -> GapReport:
    """The report for the questions in `rows`, answered by `searcher`."""
    finder = GapFinder(searcher, articles, same)
    for text in rows:
        finder.add(text)
    return finder.report(taxonomy, language)


# --- Drafts --------------------------------------------------------------------------

@dataclass
class Drafted:
    cluster: Cluster
    path: str | None  # None when skipped
    note: str = ""


def write_drafts(report: GapReport, folder: str, settings: Settings, today: date,
                 existing_titles: Iterable[str] = (), limit: int = 10,
                 min_size: int = 2) -> list[Drafted]:
    """A draft article for each of the `limit` largest clusters of at least `min_size`
    questions, in `folder`; a file or a title that already exists is skipped, never
    overwritten."""
    taxonomy = settings.taxonomy
    titles = {normal_title(t) for t in existing_titles}
    done: list[Drafted] = []
    for c in report.clusters:
        if len(done) >= limit or c.size < min_size:
            break
        title = c.title
        if not title:
            continue
        if normal_title(title) in titles:
            done.append(Drafted(c, None, f"an article asks {title!r} already"))
            continue
        policy = c.policy if c.policy in taxonomy.policies else next(iter(taxonomy.policies))
        stage = c.stage if c.stage in taxonomy.stages else next(iter(taxonomy.stages))
        new = NewArticle(title, policy, [stage], [], "", draft=True, keywords=c.keywords)
        try:
            path = create_article(folder, "", new, settings, today)
        except FileTaken:
            done.append(Drafted(c, None, f"{slugify(title)}.md exists already"))
            continue
        titles.add(normal_title(title))
        done.append(Drafted(c, path))
    return done


# --- Formatting ----------------------------------------------------------------------

def _n(value: int) -> str:
    return f"{value:,}"


def _plural(n: int, word: str) -> str:
    return f"{_n(n)} {word}{'' if n == 1 else 's'}"


def format_text(report: GapReport, shown: str, top: int = 20) -> str:
    """The report for people; every text from the CSV or the content goes through `visible`."""
    shown = visible(shown)
    lines = [f"{shown}: {_plural(report.rows, 'row')}, {_plural(report.questions, 'question')}"
             f" ({_n(report.distinct)} distinct)"]
    skipped = report.rows - report.questions
    if skipped:
        lines.append(f"Skipped: {_plural(skipped, 'row')} without a question (empty, only a "
                     "greeting or an order number).")
    lines.append(f"Answered: {report.answered_share:.1%} ({_n(report.answered)} of "
                 f"{_plural(report.questions, 'question')})")
    lines.append(f"Unanswered: {_plural(report.unanswered, 'question')} in "
                 f"{_plural(len(report.clusters), 'cluster')}")
    if report.clusters:
        shown_clusters = report.clusters[:top]
        lines += ["", f"Largest gaps ({len(shown_clusters)} of {len(report.clusters)}):"]
        width = len(_n(shown_clusters[0].size))
        for number, c in enumerate(shown_clusters, 1):
            where = visible(f"{c.policy or '?'} / {c.stage or '?'}")
            # repr quotes a question and escapes its unprintable characters as `visible` does.
            lines.append(f"{number:>3}. {_n(c.size):>{width}} × {c.representative!r}  [{where}]")
            for example in c.examples[1:]:
                lines.append(f"     {'':>{width}}   - {example!r}")
            if c.keywords:
                lines.append(f"     {'':>{width}}   keywords: {visible(', '.join(c.keywords))}")
    if report.areas:
        lines += ["", "Gaps per policy area (unanswered of the questions about the area, "
                      "by the guessed area of each cluster):"]
        width = max(len(visible(a.policy or "-")) for a in report.areas)
        digits = max(len(_n(a.answered + a.unanswered)) for a in report.areas)
        for a in report.areas:
            total = a.answered + a.unanswered
            area = visible(a.policy or "-")
            lines.append(f"  {area:<{width}}  {_n(a.unanswered):>{digits}} of "
                         f"{_n(total):>{digits}} unanswered ({a.share_unanswered:.0%}) in "
                         f"{_plural(a.clusters, 'cluster')}  {visible(a.label)}")
    if report.top_articles:
        lines += ["", "Most used answers:"]
        width = len(_n(report.top_articles[0].questions))
        for a in report.top_articles:
            lines.append(f"  {_n(a.questions):>{width}}  {visible(a.slug)}  {visible(a.title)}")
    return "\n".join(lines)


def format_json(report: GapReport, top: int | None = None) -> str:
    return dumps(report.as_dict(top))
