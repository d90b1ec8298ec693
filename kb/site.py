"""What the help-centre site consists of, independent of the renderer.

`plan_site` turns a validated collection into the generated pages (home,
one per policy area, one per journey stage, contact) and the extra data each
article page shows; the plan also says what each page is titled and what a
generated page's Markdown holds. Destinations are src_uris (paths below the
docs folder); the renderer turns them into URLs. Nothing here imports MkDocs.
Related questions are worked out in kb.related, problems of the whole site
found in kb.checks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial

from kb.articles import Article, Collection
from kb.contact import Channel
from kb.helpblocks import HelpBlock, plan_blocks
from kb.i18n import Translator
from kb.ranking import rank
from kb.related import RelatedInBackground, RelatedIndex
from kb.settings import Settings
from kb.taxonomy import Term

HOME = "index.md"
CONTACT = "contact.md"
TOPICS_DIR = "topics"
STAGES_DIR = "stages"


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
        return dict(self._pages)

    @cached_property
    def _pages(self) -> dict[str, tuple[str, str]]:
        pages = {HOME: ("home", self.home_title), CONTACT: ("contact", self.t("contact.title"))}
        for listing in self.topics + self.stages:
            pages[listing.src_uri] = (listing.kind, listing.title)
        return pages

    def listing(self, src_uri: str) -> Listing | None:
        return next((x for x in self.topics + self.stages if x.src_uri == src_uri), None)

    def kind(self, src_uri: str) -> str | None:
        """What kb makes of the page at `src_uri`: "article", a generated page's kind
        ("home", "topic", "stage", "contact"), or None for a page kb leaves alone."""
        if src_uri in self.articles:
            return "article"
        generated = self._pages.get(src_uri)
        return generated[0] if generated else None

    def stub(self, src_uri: str) -> str:
        """The Markdown of the generated page at `src_uri`: only page settings; its
        HTML comes from templates, its title from `page_meta`."""
        home = self._pages[src_uri][0] == "home"
        hide = ["navigation", "toc"] if home else ["toc"]
        # (No `search: exclude`: kb's search indexes articles and the editor's own pages,
        # never kb's generated ones, and Material's search is switched off.)
        return f"---\nhide: {json.dumps(hide)}\n---\n"

    def page_meta(self, src_uri: str, meta: Mapping[str, object]) -> tuple[str, str] | None:
        """The title and description of one of kb's pages (None for another page): an
        article's question and short answer, a generated page's title and what its
        area or stage is about; a `description` in the page's front matter (`meta`)
        wins. The description is "" when there is none."""
        extras = self.articles.get(src_uri)
        if extras is not None:
            title, description = extras.article.title, extras.article.summary
        elif src_uri in self._pages:
            listing = self.listing(src_uri)
            title = self._pages[src_uri][1]
            description = listing.term.describe(self.lang) if listing else ""
        else:
            return None
        written = meta.get("description")
        return title, str(written or description or "")


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
