"""The order in which questions are shown: pinned first, then most popular.

Every list of questions on the site goes through `rank`, so a popularity
source (page views, searches, contacts per slug) changes every list at once.
An article with a front-matter `weight` is pinned: pinned articles come
before all others, lowest weight first (1 before 2), so an editor can put a
question on top ahead of a policy change, before shoppers have found it.
Among equals the more popular question comes first, then the alphabetical
order of the title, so a site without counts lists questions alphabetically.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kb.articles import Article


def rank_key(article: Article, counts: Mapping[str, float]) -> tuple:
    pinned = article.weight is not None
    return (not pinned, article.weight if pinned else 0, -counts.get(article.slug, 0),
            article.title.casefold(), article.slug)


def rank(articles: Iterable[Article], counts: Mapping[str, float] | None = None) -> list[Article]:
    counts = counts or {}
    return sorted(articles, key=lambda a: rank_key(a, counts))
