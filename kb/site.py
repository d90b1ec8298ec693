"""What the help-centre site consists of, independent of the renderer.

`plan_site` turns a validated collection into the generated pages (home,
one per policy area, one per journey stage, contact) and the extra data each
article page shows. Destinations are src_uris (paths below the docs folder);
the renderer turns them into URLs. Nothing here imports MkDocs.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import islice

from kb.articles import Article, Collection
from kb.background import Background
from kb.contact import Channel
from kb.coverage import coverage_problems, measure
from kb.helpblocks import HelpBlock, plan_blocks
from kb.i18n import Translator
from kb.problems import Problem
from kb.ranking import rank
from kb.reviews import review_problems, reviewable
from kb.settings import Settings
from kb.similarity import neighbours, vectors
from kb.taxonomy import Term

HOME = "index.md"
CONTACT = "contact.md"
TOPICS_DIR = "topics"
STAGES_DIR = "stages"
MAX_RELATED = 5


def topic_uri(policy: str) -> str:
    return f"{TOPICS_DIR}/{policy}.md"


def stage_uri(stage: str) -> str:
    return f"{STAGES_DIR}/{stage}.md"


def is_reserved(src_uri: str) -> bool:
    return src_uri in (HOME, CONTACT) or src_uri.startswith((TOPICS_DIR + "/", STAGES_DIR + "/"))


@dataclass
class Listing:
    """A generated page that lists questions (a policy area or a journey stage)."""

    kind: str  # "topic" or "stage"
    term: Term
    src_uri: str
    title: str
    questions: list[Article]


@dataclass
class ArticleExtras:
    """What an article page shows around the editor's answer; the related questions
    may be given as a function that works them out when first needed."""

    article: Article
    topic: Listing
    stages: list[Listing]
    _related: list[Article] | Callable[[], list[Article]]

    @property
    def related(self) -> list[Article]:
        if callable(self._related):
            self._related = self._related()
        return self._related


@dataclass
class SitePlan:
    lang: str
    t: Translator
    today: date
    home_title: str
    top: list[Article]
    topics: list[Listing]
    stages: list[Listing]
    channels: list[Channel]
    articles: dict[str, ArticleExtras] = field(default_factory=dict)  # by src_uri
    help_blocks: list[HelpBlock] = field(default_factory=list)  # one per context

    def pages(self) -> dict[str, tuple[str, str]]:
        """Every generated page: src_uri -> (kind, title)."""
        pages = {HOME: ("home", self.home_title), CONTACT: ("contact", self.t("contact.title"))}
        for listing in self.topics + self.stages:
            pages[listing.src_uri] = (listing.kind, listing.title)
        return pages

    def listing(self, src_uri: str) -> Listing | None:
        return next((x for x in self.topics + self.stages if x.src_uri == src_uri), None)


def site_nav(settings: Settings, blog_uri: str | None = None) -> list[dict]:
    """A small navigation in MkDocs' `nav` shape: sections, never articles.

    Listing every article would make each page embed thousands of links and
    the build quadratic in the number of articles.
    """
    lang = settings.language
    t = Translator(lang)
    tax = settings.taxonomy
    nav: list[dict] = [
        {t("home"): HOME},
        {t("topics"): [{term.title(lang): topic_uri(pid)} for pid, term in tax.policies.items()]},
        {t("stages.nav"): [{term.ask(lang): stage_uri(sid)} for sid, term in tax.stages.items()]},
        {t("contact"): CONTACT},
    ]
    if blog_uri:
        nav.append({"Blog": blog_uri})
    return nav


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


# From this many live articles a multi-core machine works out related questions
# in a second process while the renderer converts Markdown (7 s of a 10,000-article
# build on 2 cores); below it the fork costs more than it saves.
BACKGROUND_FROM = 1000


class RelatedInBackground:
    """`RelatedIndex(live).related` for every live article, worked out on another
    core (kb.background); `related` waits for the answer the first time it is asked."""

    def __init__(self, live: list[Article], language: str, minimum: int | None = None):
        self.by_uri = {a.src_uri: a for a in live}
        minimum = BACKGROUND_FROM if minimum is None else minimum
        self.work = Background(_related_uris, live, language, enabled=len(live) >= minimum)
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


def plan_site(collection: Collection, settings: Settings, today: date, site_name: str,
              counts: Mapping[str, float] | None = None,
              related_of: Callable[[Article], list[Article]] | None = None,
              background: bool = False) -> SitePlan:
    """The site for `today`; `related_of` gives an article's related questions (default:
    a RelatedIndex of the live articles; kb serve passes one that reuses the last).
    With `background` a large site's related questions are worked out in another
    process (RelatedInBackground) until a page first needs them."""
    lang = settings.language
    t = Translator(lang)
    tax = settings.taxonomy
    live = rank(collection.live(today), counts)
    topics = [Listing("topic", term, topic_uri(pid), term.title(lang),
                      [a for a in live if a.policy == pid])
              for pid, term in tax.policies.items()]
    stages = [Listing("stage", term, stage_uri(sid), term.title(lang),
                      [a for a in live if sid in a.stages])
              for sid, term in tax.stages.items()]
    plan = SitePlan(lang, t, today, site_name, live[: settings.top_questions], topics, stages,
                    settings.contact.channels,
                    help_blocks=plan_blocks(live, tax.contexts, lang, settings.help_questions))
    lazy = related_of is None and background
    if related_of is None:
        related_of = (RelatedInBackground(live, settings.language) if background
                      else RelatedIndex(live, settings.language)).related
    topic_of = {x.term.id: x for x in topics}
    stage_of = {x.term.id: x for x in stages}
    for article in live:
        plan.articles[article.src_uri] = ArticleExtras(
            article, topic_of[article.policy], [stage_of[s] for s in article.stages],
            partial(related_of, article) if lazy else related_of(article),
        )
    return plan


def site_problems(collection: Collection, settings: Settings, today: date) -> list[Problem]:
    """Problems that only show when looking at the whole site."""
    problems = []
    for article in collection.articles:
        if is_reserved(article.src_uri):
            problems.append(Problem(article.path, "this path is reserved for a page kb "
                                    f"generates ({HOME}, {CONTACT}, {TOPICS_DIR}/, "
                                    f"{STAGES_DIR}/); move the article to another folder", 1))
    for src_uri in collection.pages:
        if is_reserved(src_uri):
            problems.append(Problem(src_uri, "this path is reserved for a page kb generates; "
                                    "move the page to another folder", 1))
    tax = settings.taxonomy
    problems += coverage_problems(measure(collection, tax, today), collection, tax,
                                  settings.language, settings.coverage_policy)
    problems += review_problems(reviewable(collection.articles, today), today,
                                settings.review_policy)
    return problems
