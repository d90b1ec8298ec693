"""Review dates: which articles are overdue on a given day (pure; today is passed in)."""

from __future__ import annotations

from datetime import date

from kb.articles import Article
from kb.problems import ERROR, WARNING, Problem


def overdue(articles: list[Article], today: date) -> list[Article]:
    """Articles whose next review date has passed, most overdue first."""
    late = [a for a in articles if a.review_due < today]
    return sorted(late, key=lambda a: (a.review_due, a.slug))


def review_problems(articles: list[Article], today: date, policy: str) -> list[Problem]:
    """One problem per overdue article; errors when the review policy is 'fail'."""
    severity = ERROR if policy == "fail" else WARNING
    return [
        Problem(a.path, f"review overdue by {(today - a.review_due).days} days (last reviewed "
                        f"{a.reviewed.isoformat()}, every {a.review_every} days, owner "
                        f"{a.owner}); check the answer and update 'reviewed'",
                a.line("reviewed"), "reviewed", severity)
        for a in overdue(articles, today)
    ]
