"""The renderer-neutral site plan: listings, navigation, what each page is and is titled."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from kb.articles import Article, Collection
from kb.settings import Settings, parse_settings
from kb.site import CONTACT, HOME, is_reserved, plan_site, site_nav, stage_uri, topic_uri

TODAY = date(2026, 11, 22)


def make(slug: str, policy: str = "returns", stages: tuple[str, ...] = ("returns",),
         title: str | None = None, summary: str = "Kort antwoord.",
         reviewed: date = date(2026, 10, 1)) -> Article:
    return Article(slug=slug, src_uri=f"{slug}.md", path=f"docs/{slug}.md",
                   title=title or f"{slug}?", summary=summary, policy=policy,
                   stages=list(stages), reviewed=reviewed, review_every=180, owner="team")


def plan_of(articles: list[Article], lang: str = "nl"):
    settings, problems = parse_settings({"language": lang}, "mkdocs.yml")
    assert not problems
    return plan_site(Collection("docs", articles), settings, TODAY, "Shop Help")


def test_nav_lists_sections_not_articles() -> None:
    nav = site_nav(Settings(language="nl"), "blog/index.md")
    assert nav[0] == {"Home": "index.md"}
    assert list(nav[1]) == ["Onderwerpen"] and len(nav[1]["Onderwerpen"]) == 6
    assert {"Ik wil bestellen": "stages/order.md"} in nav[2]["Jouw situatie"]
    assert nav[3] == {"Contact": "contact.md"}
    assert nav[4] == {"Blog": "blog/index.md"}


def test_only_live_articles_are_planned_and_listed_most_asked_first() -> None:
    gone = make("returns/gone")
    gone.expires = TODAY
    a, b = make("returns/a"), make("returns/b", stages=("order",))
    settings, _ = parse_settings({"language": "nl"}, "mkdocs.yml")
    collection = Collection("docs", [a, b, gone])
    live = collection.live(TODAY)
    plan = plan_site(collection, settings, TODAY, "Shop Help", counts={"returns/b": 9})
    assert set(plan.articles) == {x.src_uri for x in live} == {"returns/a.md", "returns/b.md"}
    returns = plan.listing(topic_uri("returns"))
    assert returns is not None
    assert [x.slug for x in returns.questions] == ["returns/b", "returns/a"]
    assert plan.articles["returns/a.md"].topic is returns


def test_every_page_is_of_a_kind_and_other_pages_of_none() -> None:
    plan = plan_of([make("returns/a")])
    assert plan.kind("returns/a.md") == "article"
    assert plan.kind(HOME) == "home" and plan.kind(CONTACT) == "contact"
    assert plan.kind(topic_uri("returns")) == "topic"
    assert plan.kind(stage_uri("order")) == "stage"
    assert plan.kind("blog/index.md") is None
    assert {uri: kind for uri, (kind, _title) in plan.pages().items()} == {
        uri: plan.kind(uri) for uri in plan.pages()}
    assert all(is_reserved(uri) for uri in plan.pages())


@pytest.mark.parametrize("src_uri", [HOME, CONTACT, "topics/returns.md", "stages/order.md"])
def test_a_generated_page_holds_page_settings_only(src_uri: str) -> None:
    plan = plan_of([make("returns/a")])
    text = plan.stub(src_uri)
    assert text.startswith("---\n") and text.endswith("\n---\n")
    settings = yaml.safe_load(text.strip().strip("-"))
    hidden = ["navigation", "toc"] if src_uri == HOME else ["toc"]
    assert settings == {"hide": hidden}


def test_pages_are_titled_with_the_question_or_the_listing_and_described() -> None:
    plan = plan_of([make("returns/a", title="Hoe lang mag ik retourneren?",
                         summary="30 dagen.")])
    assert plan.page_meta("returns/a.md", {}) == ("Hoe lang mag ik retourneren?", "30 dagen.")
    returns = plan.listing(topic_uri("returns"))
    assert returns is not None
    assert plan.page_meta(topic_uri("returns"), {}) == (returns.title,
                                                        returns.term.describe("nl"))
    assert plan.page_meta(CONTACT, {}) == (plan.t("contact.title"), "")
    assert plan.page_meta(HOME, {})[0] == "Shop Help"
    assert plan.page_meta("blog/index.md", {"title": "Blog"}) is None


def test_a_description_in_the_front_matter_wins() -> None:
    plan = plan_of([make("returns/a", summary="30 dagen.")])
    assert plan.page_meta("returns/a.md", {"description": "Eigen tekst"})[1] == "Eigen tekst"
    assert plan.page_meta("returns/a.md", {"description": ""})[1] == "30 dagen."
    assert plan.page_meta(CONTACT, {"description": 42}) == (plan.t("contact.title"), "42")
