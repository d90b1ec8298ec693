"""The gap report: what `kb gaps` found in a file of shopper questions (the answered
share, the clusters of unanswered questions, the gaps per policy area, the most used
answers), and that report as text for people or as JSON. `kb report` embeds its JSON
form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kb.text import dumps, visible


@dataclass
class Cluster:
    """One gap: unanswered questions an article could answer, as the report shows it."""

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
    """Answered and unanswered questions of one policy area."""

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
    """An article that answered questions of the file, and how many."""

    slug: str
    title: str
    questions: int


@dataclass
class GapReport:
    """The counts of one file of questions and what was found in it."""

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

    def as_dict(self, top: int | None = None) -> dict[str, Any]:
        """The report as JSON data, with the `top` largest clusters (all: None)."""
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
        for used in report.top_articles:
            lines.append(f"  {_n(used.questions):>{width}}  {visible(used.slug)}  "
                         f"{visible(used.title)}")
    return "\n".join(lines)


def format_json(report: GapReport, top: int | None = None) -> str:
    """The report as one JSON object, safe to print on a terminal."""
    return dumps(report.as_dict(top))
