"""Coverage of the help centre: which policy areas, journey stages, checklist items
and shop pages have answers, and what goes live or expires soon (pure; today is
passed in).

Every shop must answer questions in six policy areas at every stage of the
journey. The matrix of published articles per area and stage shows the thin
spots; checklist items that no article `covers` and contexts whose help block
would be empty show what is missing outright.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kb.articles import Article, Collection, add_days, display_path
from kb.problems import ERROR, WARNING, Problem
from kb.taxonomy import Taxonomy

SCHEDULE_DAYS = 30


@dataclass
class Change:
    """An article that goes live or expires on `day`."""

    day: date
    kind: str  # "publish" or "expire"
    article: Article


@dataclass
class Coverage:
    today: date
    policies: list[str]
    stages: list[str]
    counts: dict[tuple[str, str], int]  # (policy, stage) -> published articles
    by_policy: dict[str, int]  # published articles per area (each counted once)
    by_stage: dict[str, int]
    total: int
    uncovered: dict[str, list[str]]  # policy -> checklist items no published article covers
    empty_contexts: list[str]
    empty_policies: list[str]  # areas without any article, not even a draft
    unpublished_policies: list[str]  # areas with articles, none of them published today
    checklist: int = 0  # checklist items in the taxonomy
    schedule: list[Change] = field(default_factory=list)

    @property
    def items(self) -> tuple[int, int]:
        """(covered, all) checklist items."""
        return self.checklist - sum(len(v) for v in self.uncovered.values()), self.checklist


def measure(collection: Collection, taxonomy: Taxonomy, today: date,
            days: int = SCHEDULE_DAYS) -> Coverage:
    """Coverage of the articles published on `today`, and the changes of the next `days`."""
    live = collection.live(today)
    policies, stages = list(taxonomy.policies), list(taxonomy.stages)
    counts = {(p, s): 0 for p in policies for s in stages}
    by_policy = dict.fromkeys(policies, 0)
    by_stage = dict.fromkeys(stages, 0)
    covered: dict[str, set[str]] = {p: set() for p in policies}
    contexts: set[str] = set()
    for article in live:
        by_policy[article.policy] = by_policy.get(article.policy, 0) + 1
        covered.setdefault(article.policy, set()).update(article.covers)
        contexts.update(article.contexts)
        for stage in article.stages:
            counts[(article.policy, stage)] = counts.get((article.policy, stage), 0) + 1
            by_stage[stage] = by_stage.get(stage, 0) + 1
    written = {a.policy for a in collection.articles}
    coverage = Coverage(
        today, policies, stages, counts, by_policy, by_stage, len(live),
        uncovered={p: [i for i in term.items if i not in covered[p]]
                   for p, term in taxonomy.policies.items()},
        empty_contexts=[c for c in taxonomy.contexts if c not in contexts],
        empty_policies=[p for p in policies if p not in written],
        unpublished_policies=[p for p in policies if p in written and not by_policy[p]],
        checklist=sum(len(term.items) for term in taxonomy.policies.values()),
        schedule=schedule(collection.articles, today, days),
    )
    return coverage


def schedule(articles: list[Article], today: date, days: int = SCHEDULE_DAYS) -> list[Change]:
    """Articles that go live or expire after today and within `days`, soonest first.
    Drafts are left out: they go live on no date until an editor says so."""
    until = add_days(today, days)
    changes = []
    for article in articles:
        if article.draft:
            continue
        if article.publish and today < article.publish <= until:
            changes.append(Change(article.publish, "publish", article))
        if article.expires and today < article.expires <= until:
            changes.append(Change(article.expires, "expire", article))
    return sorted(changes, key=lambda c: (c.day, c.kind != "publish", c.article.slug))


def coverage_problems(coverage: Coverage, collection: Collection, taxonomy: Taxonomy,
                      language: str, policy: str = "fail") -> list[Problem]:
    """An area with no article at all is an error (a warning under `coverage_policy:
    warn`); an area whose articles are all unpublished today is a warning."""
    where = display_path(collection.docs_dir)
    problems = []
    for pid in coverage.empty_policies:
        problems.append(Problem(
            where, f"policy area {pid!r} ({taxonomy.policies[pid].title(language)}) has no "
                   "article; every shop must answer questions about it (write one with "
                   f"'kb new \"...\" --policy {pid} --stage ...')",
            field="policy", severity=ERROR if policy == "fail" else WARNING))
    for pid in coverage.unpublished_policies:
        problems.append(Problem(
            where, f"policy area {pid!r} ({taxonomy.policies[pid].title(language)}) has no "
                   "published article; shoppers will find an empty topic page",
            field="policy", severity=WARNING))
    return problems


# --- Text for the terminal (kb check) ------------------------------------------------

def format_text(coverage: Coverage) -> str:
    """The matrix, the gaps and the coming changes, as aligned plain text."""
    head = ["", *coverage.stages, "total"]
    rows = [head]
    for pid in coverage.policies:
        rows.append([pid, *(str(coverage.counts[(pid, s)]) for s in coverage.stages),
                     str(coverage.by_policy[pid])])
    rows.append(["total", *(str(coverage.by_stage[s]) for s in coverage.stages),
                 str(coverage.total)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [f"Coverage on {coverage.today.isoformat()}: published articles per policy area "
             "and journey stage"]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  " + "  ".join(cells).rstrip())
    covered, total = coverage.items
    missing = {p: items for p, items in coverage.uncovered.items() if items}
    if missing:
        lines.append(f"Checklist items no published article covers ({total - covered} of "
                     f"{total}):")
        lines += [f"  {pid}: {', '.join(items)}" for pid, items in missing.items()]
    elif total:
        lines.append(f"Checklist: all {total} items are covered.")
    if coverage.empty_contexts:
        lines.append("Contexts without questions (their help block is empty): "
                     + ", ".join(coverage.empty_contexts))
    if coverage.empty_policies:
        lines.append("Policy areas without any article: " + ", ".join(coverage.empty_policies))
    lines.append(format_schedule(coverage.schedule, coverage.today))
    return "\n".join(lines)


def format_schedule(changes: list[Change], today: date, days: int = SCHEDULE_DAYS) -> str:
    if not changes:
        return f"Nothing goes live or expires in the next {days} days."
    lines = [f"In the next {days} days:"]
    for change in changes:
        what = "goes live" if change.kind == "publish" else "expires  "
        lines.append(f"  {change.day.isoformat()}  {what}  {change.article.path}  "
                     f"({change.article.title})")
    return "\n".join(lines)


def as_dict(coverage: Coverage) -> dict:
    covered, total = coverage.items
    return {
        "today": coverage.today.isoformat(),
        "published": coverage.total,
        "matrix": {p: {s: coverage.counts[(p, s)] for s in coverage.stages}
                   for p in coverage.policies},
        "by_policy": coverage.by_policy,
        "by_stage": coverage.by_stage,
        "checklist": {"covered": covered, "total": total,
                      "uncovered": {p: items for p, items in coverage.uncovered.items()
                                    if items}},
        "empty_contexts": coverage.empty_contexts,
        "empty_policies": coverage.empty_policies,
        "unpublished_policies": coverage.unpublished_policies,
        "schedule": [{"date": c.day.isoformat(), "change": c.kind, "slug": c.article.slug,
                      "path": c.article.path, "title": c.article.title}
                     for c in coverage.schedule],
    }
