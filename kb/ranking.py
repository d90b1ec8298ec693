"""The order in which questions are shown: most popular first.

Every list of questions on the site goes through `rank`, so a popularity
source (page views, searches, contacts per slug) changes every list at once.
Without counts, questions come in alphabetical order of their title.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from kb.articles import Article


def rank(articles: Iterable[Article], counts: Mapping[str, float] | None = None) -> list[Article]:
    counts = counts or {}
    return sorted(articles, key=lambda a: (-counts.get(a.slug, 0), a.title.casefold(), a.slug))
