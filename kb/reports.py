"""One content-health report for the team (`kb report`): coverage, reviews, what goes
live or expires, problems and, given real questions, the biggest gaps.

The report is built as data first (`HealthReport`), then written as Markdown (for
a pull request or a wiki), as a self-contained HTML page (no script, no request
anywhere) or as JSON. It is not part of the public site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any

from kb.articles import Collection
from kb.coverage import Coverage, measure
from kb.coverage import as_dict as coverage_dict
from kb.problems import Problem, sort_problems
from kb.reviews import ReviewReport, review_report, reviewable, when_due
from kb.reviews import as_dict as reviews_dict
from kb.taxonomy import Taxonomy
from kb.text import dumps, md_escape, shorten

MAX_CLUSTERS = 10  # gaps shown in the report; `kb gaps` lists more


@dataclass
class HealthReport:
    site_name: str
    language: str
    today: date
    taxonomy: Taxonomy
    checked: int  # article files read
    published: int
    drafts: int
    scheduled: int  # not a draft, not yet live
    coverage: Coverage
    reviews: ReviewReport
    problems: list[Problem] = field(default_factory=list)
    gaps: dict[str, Any] | None = None  # kb.gaps' report as a dict, when questions were given

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    def policy(self, pid: str) -> str:
        term = self.taxonomy.policies.get(pid)
        return term.title(self.language) if term else pid

    def stage(self, sid: str) -> str:
        term = self.taxonomy.stages.get(sid)
        return term.title(self.language) if term else sid

    def context(self, cid: str) -> str:
        term = self.taxonomy.contexts.get(cid)
        return term.title(self.language) if term else cid

    def item(self, pid: str, item: str) -> str:
        term = self.taxonomy.policies.get(pid)
        return term.item_title(item, self.language) if term else item


def build_report(collection: Collection, problems: list[Problem], taxonomy: Taxonomy,
                 language: str, site_name: str, today: date, within: int = 30,
                 gaps: dict[str, Any] | None = None) -> HealthReport:
    live = collection.live(today)
    drafts = sum(a.draft for a in collection.articles)
    scheduled = sum(1 for a in collection.articles
                    if not a.draft and a.publish and today < a.publish)
    return HealthReport(
        site_name, language, today, taxonomy, collection.checked, len(live), drafts, scheduled,
        measure(collection, taxonomy, today, within),
        review_report(reviewable(collection.articles, today), today, within),
        sort_problems(problems), gaps,
    )


def _headline(report: HealthReport) -> list[tuple[str, str]]:
    covered, items = report.coverage.items
    rows = [
        ("Published articles", f"{report.published} (drafts: {report.drafts}, "
                               f"scheduled: {report.scheduled})"),
        ("Problems", f"{report.errors} errors, {report.warnings} warnings"),
        ("Reviews", f"{report.reviews.overdue} overdue, {report.reviews.due_soon} due within "
                    f"{report.reviews.within} days"),
        ("Checklist items covered", f"{covered} of {items}"),
        ("Policy areas without any article", str(len(report.coverage.empty_policies))),
        ("Contexts without questions", str(len(report.coverage.empty_contexts))),
    ]
    if report.gaps is not None:
        rows.append(("Shoppers' questions answered", _answered(report.gaps)))
    return rows


def _matrix(report: HealthReport) -> tuple[list[str], list[list[str]]]:
    cov = report.coverage
    head = ["Policy area", *(report.stage(s) for s in cov.stages), "Total"]
    rows = [[report.policy(p), *(str(cov.counts[(p, s)]) for s in cov.stages),
             str(cov.by_policy[p])] for p in cov.policies]
    rows.append(["Total", *(str(cov.by_stage[s]) for s in cov.stages), str(cov.total)])
    return head, rows


def _review_rows(report: HealthReport) -> list[list[str]]:
    return [[item.owner, item.title, item.path, item.reviewed.isoformat(), when_due(item)]
            for item in report.reviews.items]


def _schedule_rows(report: HealthReport) -> list[list[str]]:
    return [[c.day.isoformat(), "goes live" if c.kind == "publish" else "expires",
             c.article.title, c.article.path] for c in report.coverage.schedule]


def _answered(gaps: dict[str, Any]) -> str:
    return (f"{gaps['answered_share'] * 100:.1f}% ({gaps['answered']:,} of "
            f"{gaps['questions']:,})")


GAP_HEAD = ["Questions", "Representative question", "Policy area", "Also asked as"]
AREA_HEAD = ["Policy area", "Unanswered", "Answered", "Share unanswered", "Groups"]


def _gap_rows(report: HealthReport) -> list[list[str]]:
    gaps = report.gaps or {}
    return [[f"{cluster['size']:,}", cluster["title"],
             report.policy(cluster["policy"]) if cluster.get("policy") else "-",
             shorten("; ".join(e for e in cluster["examples"]
                       if e.casefold().rstrip("?") != cluster["title"].casefold().rstrip("?")),
                     200)]
            for cluster in gaps.get("clusters", [])[:MAX_CLUSTERS]]


def _area_rows(report: HealthReport) -> list[list[str]]:
    return [[report.policy(a["policy"]) if a["policy"] else a["label"],
             f"{a['unanswered']:,}", f"{a['answered']:,}",
             f"{a['share_unanswered'] * 100:.0f}%", str(a["clusters"])]
            for a in (report.gaps or {}).get("areas", [])]


# --- Markdown --------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    # A pipe ends a cell and a newline ends the table; the rest as in any Markdown text.
    return md_escape(" ".join(str(text).split())).replace("|", "\\|")


def _md_code(text: str) -> str:
    """A code span: nothing inside is escaped, so the fence must outgrow any backticks."""
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_table(head: list[str], rows: list[list[str]], right: int = 0) -> list[str]:
    """`right`: how many trailing columns hold numbers (right-aligned)."""
    align = ["---"] * (len(head) - right) + ["---:"] * right
    lines = ["| " + " | ".join(_md_cell(h) for h in head) + " |",
             "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def format_markdown(report: HealthReport) -> str:
    cov = report.coverage
    lines = [f"# Content health: {_md_cell(report.site_name)}", "",
             f"On {report.today.isoformat()}.", ""]
    lines += _md_table(["", ""], [[k, v] for k, v in _headline(report)])
    head, rows = _matrix(report)
    lines += ["", "## Coverage", "",
              "Published articles per policy area and journey stage; an article with "
              "several stages counts in each.", ""]
    lines += _md_table(head, rows, right=len(head) - 1)
    missing = [(p, items) for p, items in cov.uncovered.items() if items]
    if missing or cov.empty_contexts or cov.empty_policies:
        lines.append("")
    for pid in cov.empty_policies:
        lines.append(f"- **{_md_cell(report.policy(pid))}** has no article at all.")
    for pid, items in missing:
        names = ", ".join(_md_cell(report.item(pid, i)) for i in items)
        lines.append(f"- {_md_cell(report.policy(pid))}: no article covers {names}.")
    if cov.empty_contexts:
        names = ", ".join(_md_cell(report.context(c)) for c in cov.empty_contexts)
        lines.append(f"- Help blocks without questions: {names}.")
    lines += ["", f"## Reviews due within {report.reviews.within} days", ""]
    rows = _review_rows(report)
    lines += _md_table(["Owner", "Question", "File", "Last reviewed", "Due"], rows) if rows \
        else ["Every article's review is up to date."]
    lines += ["", f"## Going live or expiring within {report.reviews.within} days", ""]
    rows = _schedule_rows(report)
    lines += _md_table(["Date", "Change", "Question", "File"], rows) if rows \
        else ["Nothing is scheduled."]
    if report.gaps is not None:
        lines += ["", "## Questions the help centre does not answer", "",
                  f"Answered: {_answered(report.gaps)} of the shoppers' questions. The "
                  "largest groups of the rest:", ""]
        lines += _md_table(GAP_HEAD, _gap_rows(report), right=0)
        lines += ["", "Where the gaps are:", ""]
        lines += _md_table(AREA_HEAD, _area_rows(report), right=4)
    lines += ["", "## Problems", ""]
    if report.problems:
        lines += [f"- {_md_code(p.path + (f':{p.line}' if p.line else ''))} {p.severity}: "
                  f"{_md_cell(p.field) + ': ' if p.field else ''}{_md_cell(p.message)}"
                  for p in report.problems]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


# --- HTML ------------------------------------------------------------------------------

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;color:#1d1d1f;max-width:70rem;margin:2rem auto;
padding:0 1rem}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;
text-align:left;vertical-align:top}td.n,th.n{text-align:right}td.zero{background:#fde8e8;
color:#8a1c1c}.error{color:#8a1c1c}.warning{color:#7a4d00}caption{text-align:left;
font-weight:600}code{font-size:.9em}
""".strip()


def _html_table(head: list[str], rows: list[list[str]], right: int = 0,
                caption: str = "", zero_cells: bool = False) -> str:
    first = len(head) - right

    def cell(tag: str, text: str, i: int) -> str:
        classes = []
        if i >= first:
            classes.append("n")
            if zero_cells and text == "0":
                classes.append("zero")
        attr = f' class="{" ".join(classes)}"' if classes else ""
        scope = ' scope="col"' if tag == "th" else ""
        return f"<{tag}{attr}{scope}>{escape(text)}</{tag}>"

    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{escape(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(cell("th", h, i) for i, h in enumerate(head))
                 + "</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(cell("td", c, i) for i, c in enumerate(row)) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def format_html(report: HealthReport) -> str:
    cov = report.coverage
    title = f"Content health: {report.site_name}"
    out = ["<!doctype html>", f'<html lang="{escape(report.language)}">', "<head>",
           '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<meta name="robots" content="noindex">',
           f"<title>{escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
           f"<h1>{escape(title)}</h1>", f"<p>On {report.today.isoformat()}.</p>",
           "<table><tbody>" + "".join(f"<tr><th scope=\"row\">{escape(k)}</th>"
                                      f"<td>{escape(v)}</td></tr>"
                                      for k, v in _headline(report)) + "</tbody></table>"]
    head, rows = _matrix(report)
    out += ["<h2>Coverage</h2>",
            "<p>Published articles per policy area and journey stage; an article with "
            "several stages counts in each. Empty cells are marked.</p>",
            _html_table(head, rows, right=len(head) - 1, zero_cells=True)]
    notes = [f"<li><strong>{escape(report.policy(p))}</strong> has no article at all.</li>"
             for p in cov.empty_policies]
    notes += [f"<li>{escape(report.policy(p))}: no article covers "
              f"{escape(', '.join(report.item(p, i) for i in items))}.</li>"
              for p, items in cov.uncovered.items() if items]
    if cov.empty_contexts:
        notes.append("<li>Help blocks without questions: "
                     f"{escape(', '.join(report.context(c) for c in cov.empty_contexts))}.</li>")
    if notes:
        out.append("<ul>" + "".join(notes) + "</ul>")
    out.append(f"<h2>Reviews due within {report.reviews.within} days</h2>")
    rows = _review_rows(report)
    out.append(_html_table(["Owner", "Question", "File", "Last reviewed", "Due"], rows)
               if rows else "<p>Every article's review is up to date.</p>")
    out.append(f"<h2>Going live or expiring within {report.reviews.within} days</h2>")
    rows = _schedule_rows(report)
    out.append(_html_table(["Date", "Change", "Question", "File"], rows) if rows
               else "<p>Nothing is scheduled.</p>")
    if report.gaps is not None:
        out += ["<h2>Questions the help centre does not answer</h2>",
                f"<p>Answered: {escape(_answered(report.gaps))} of the shoppers' questions. "
                "The largest groups of the rest:</p>",
                _html_table(GAP_HEAD, _gap_rows(report)),
                _html_table(AREA_HEAD, _area_rows(report), right=4,
                            caption="Where the gaps are")]
    out.append("<h2>Problems</h2>")
    if report.problems:
        out.append("<ul>" + "".join(
            f'<li class="{escape(p.severity)}"><code>{escape(p.path)}'
            f"{':' + str(p.line) if p.line else ''}</code> {escape(p.severity)}: "
            f"{escape((p.field + ': ') if p.field else '')}{escape(p.message)}</li>"
            for p in report.problems) + "</ul>")
    else:
        out.append("<p>None.</p>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# --- JSON ------------------------------------------------------------------------------

def as_dict(report: HealthReport) -> dict[str, Any]:
    return {
        "site": report.site_name,
        "today": report.today.isoformat(),
        "articles": {"checked": report.checked, "published": report.published,
                     "drafts": report.drafts, "scheduled": report.scheduled},
        "problems": {"errors": report.errors, "warnings": report.warnings,
                     "list": [{"path": p.path, "line": p.line, "field": p.field,
                               "severity": p.severity, "message": p.message}
                              for p in report.problems]},
        "coverage": coverage_dict(report.coverage),
        "reviews": reviews_dict(report.reviews),
        "gaps": report.gaps,
    }


def format_json(report: HealthReport) -> str:
    return dumps(as_dict(report))


FORMATS = {"md": format_markdown, "html": format_html, "json": format_json}
