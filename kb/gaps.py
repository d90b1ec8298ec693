"""Content gaps: which real shopper questions the help centre does not answer.

Each question of an export (kb.questionfile) is cleaned (kb.messages), reduced to
the words the answer engine analyses, and asked once per distinct wording: a search
log repeats the same few queries thousands of times. A question is answered when the
engine (kb.engine, over the articles live on the day, as the site and `kb ask`
answer) offers an answer (`Answer.answers`): when a shopper would be shown one. The
unanswered ones are clustered (kb.clustering) and each cluster is described for an
editor: its most asked wording, a title, keywords, and its policy area and journey
stage, guessed from the articles the search still found for its questions, however
weakly, else from the words typical of each area's articles. The result is a GapReport
(kb.gapreport).

Pure core: no MkDocs and no click; the CLI (`kb gaps`) formats and writes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from kb.analysis import Analyzer, fold, within_distance
from kb.articles import Article
from kb.clustering import Group, OpenQuestion, Vocabulary, cluster, cosine, unit_vector
from kb.engine import Engine
from kb.gapreport import AreaGaps, Cluster, GapReport, TopArticle
from kb.messages import MAX_TITLE, as_title, clean_question, question_like
from kb.taxonomy import Taxonomy
from kb.text import shorten

HITS = 3  # weak hits per unanswered question that vote for its area
MAX_EXAMPLE = 240  # characters of an example shown in a report
KEYWORDS = 5  # keywords written into a draft
TOP_ARTICLES = 10
MAX_RAW = 50_000  # raw wordings whose cleaned form is remembered
NO_AREA = "no article comes close"

_WORD = re.compile(r"[^\W_]+")


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

    def guess(self, votes: Mapping[str, float], centre: Mapping[str, float]
              ) -> tuple[str | None, str | None]:
        """(policy, stage) for a cluster with these weak hits (slug -> weight) and
        this centre; (None, None) when nothing points anywhere."""
        policies: dict[str, float] = {}
        stages: dict[str, float] = {}
        for slug, weight in votes.items():
            article = self.by_slug.get(slug)
            if article is None:
                continue
            policies[article.policy] = policies.get(article.policy, 0) + weight
            for step in article.stages:
                stages[step] = stages.get(step, 0) + weight / len(article.stages)
        if not policies:
            for policy, typical in self.typical.items():
                score = sum(w * typical.get(t, 0.0) for t, w in centre.items())
                if score > 0:
                    policies[policy] = score
        if not policies:
            return None, None
        policy = max(policies, key=lambda p: (policies[p], p))
        known = self.stages.get(policy, Counter())
        own: Mapping[str, float] = {s: w for s, w in stages.items() if s in known} or known
        stage = max(own, key=lambda s: (own[s], s)) if own else None
        return policy, stage


class GapFinder:
    """Feeds questions through `engine` one by one (`add`), holding one entry per
    distinct question, then clusters what was not answered (`report`)."""

    def __init__(self, engine: Engine, articles: Sequence[Article],
                 same: Mapping[str, str] | None = None):
        self.engine = engine
        self.articles = articles
        self.same = dict(same or {})  # synonym -> one term standing for all of its group
        self.analyzer = engine.analyzer
        self.totals = GapReport()
        self._answered: dict[str, str] = {}  # key -> answering slug
        self._open: dict[str, OpenQuestion] = {}
        self._by_article: Counter[str] = Counter()
        # A search log repeats its rows word for word: clean each wording once.
        self._raw: dict[str, tuple[str, str]] = {}

    def published(self, term: str) -> bool:
        """Whether a live article has `term`: the index holds only those."""
        return self.engine.df(term) > 0

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
            if item.question is None and question_like(text) \
                    and not question_like(item.text):
                item.question = shorten(text, MAX_EXAMPLE)
            return
        report.distinct += 1
        answer = self.engine.ask(key, HITS)
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
        self._open[key] = OpenQuestion(shorten(text, MAX_EXAMPLE), tuple(key.split()), 1,
                                       report.distinct, votes)

    def report(self, taxonomy: Taxonomy, language: str) -> GapReport:
        report = self.totals
        guesser = _AreaGuess(self.articles, self.analyzer, self.same)
        items = list(self._open.values())
        self._vocabulary = Vocabulary(items, self.analyzer, self.same, self.published)
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

    def _describe(self, group: Group, guesser: _AreaGuess) -> Cluster:
        unit = unit_vector(group.centre)
        # The most asked wording, among those close to the cluster's centre, and
        # short enough to be read as one question.
        # Ties go to the wording seen first: a misspelling is rarely the first.
        ranked = sorted(group.examples, key=lambda e: (-e[1] * (0.5 + cosine(e[2], unit)),
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
        found: list[str] = []
        for term in sorted(unit, key=lambda t: (-unit[t], t)):
            if term in words and (vocabulary.rows[term] >= 2
                                  or self.published(term)):
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


def find_gaps(rows: Iterable[str], engine: Engine, articles: Sequence[Article],
              taxonomy: Taxonomy, language: str,
              same: Mapping[str, str] | None = None) -> GapReport:
    """The report for the questions in `rows`, answered by `engine`."""
    finder = GapFinder(engine, articles, same)
    for text in rows:
        finder.add(text)
    return finder.report(taxonomy, language)

