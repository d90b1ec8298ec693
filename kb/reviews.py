"""Review dates: which articles are overdue on a given day (pure; today is passed in).

Besides the problems `kb check` reports, this module builds the worklist of
`kb review` (overdue and soon-due articles, grouped by owner) and rewrites the
`reviewed` date of an article file for `kb review --mark` without touching
anything else in it.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kb import yamlio
from kb.articles import Article, Collection, display_path, in_pages, iter_markdown, slug_for
from kb.files import Snapshot, UnsafeWrite, read_stable, refuse_hard_links, rewrite_file
from kb.problems import ERROR, WARNING, Problem, closest
from kb.safety import link_refusal
from kb.text import dumps

OVERDUE = "overdue"
DUE = "due"
CSV_COLUMNS = ("owner", "slug", "path", "title", "reviewed", "due", "days_overdue", "status")


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


def reviewable(articles: list[Article], today: date) -> list[Article]:
    """Articles whose reviews count: not drafts and not expired on `today`.

    Scheduled articles stay in: they should be right on the day they go live.
    """
    return [a for a in articles if not a.draft and not (a.expires and a.expires <= today)]


# --- the worklist ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """One article on the worklist; `days_overdue` is negative while days are left."""

    owner: str
    slug: str
    path: str
    title: str
    reviewed: date
    due: date
    days_overdue: int

    @property
    def status(self) -> str:
        # Due today is not late yet, the same as for `kb check`.
        return OVERDUE if self.days_overdue > 0 else DUE


@dataclass
class ReviewGroup:
    owner: str
    items: list[ReviewItem] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(item.status == OVERDUE for item in self.items)

    @property
    def due_soon(self) -> int:
        return len(self.items) - self.overdue


@dataclass
class ReviewReport:
    today: date
    within: int
    groups: list[ReviewGroup] = field(default_factory=list)

    @property
    def items(self) -> list[ReviewItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def overdue(self) -> int:
        return sum(group.overdue for group in self.groups)

    @property
    def due_soon(self) -> int:
        return sum(group.due_soon for group in self.groups)


def owners(articles: list[Article]) -> list[str]:
    return sorted({a.owner for a in articles}, key=lambda o: (o.casefold(), o))


def closest_owner(name: str, known: list[str]) -> str | None:
    """The known owner that `name` was probably meant to be, ignoring case."""
    folded = {o.casefold(): o for o in known}
    guess = closest(name.strip().casefold(), folded)
    return folded[guess] if guess else None


def review_items(articles: list[Article], today: date, within: int,
                 owner: str | None = None) -> list[ReviewItem]:
    """Articles overdue or due within `within` days of `today`, by owner, most overdue first.

    The caller decides which articles count (see `reviewable`); `owner` keeps
    only that owner's articles, ignoring case.
    """
    wanted = owner.strip().casefold() if owner is not None else None
    items = [
        ReviewItem(a.owner, a.slug, a.path, a.title, a.reviewed, a.review_due,
                   (today - a.review_due).days)
        for a in articles
        if (a.review_due - today).days <= within
        and (wanted is None or a.owner.casefold() == wanted)
    ]
    return sorted(items, key=lambda i: (i.owner.casefold(), i.owner, i.due, i.slug))


def review_report(articles: list[Article], today: date, within: int,
                  owner: str | None = None) -> ReviewReport:
    report = ReviewReport(today, within)
    for item in review_items(articles, today, within, owner):
        if not report.groups or report.groups[-1].owner != item.owner:
            report.groups.append(ReviewGroup(item.owner))
        report.groups[-1].items.append(item)
    return report


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def when_due(item: ReviewItem) -> str:
    if item.days_overdue > 0:
        return f"{_days(item.days_overdue)} overdue"
    if item.days_overdue == 0:
        return "due today"
    return f"due in {_days(-item.days_overdue)}"


def summary(report: ReviewReport) -> str:
    return f"{report.overdue} overdue, {report.due_soon} due within {_days(report.within)}."


def format_table(report: ReviewReport) -> str:
    """For people: a block per owner, the columns aligned across all blocks."""
    if not report.groups:
        return f"Nothing to review: {summary(report)}"
    header = ("status", "due", "reviewed", "slug", "file", "title")
    rows = [(when_due(i), i.due.isoformat(), i.reviewed.isoformat(), i.slug, i.path, i.title)
            for i in report.items]
    # The title is last and left unpadded: it is the longest and varies most.
    widths = [max(len(row[col]) for row in [header, *rows]) for col in range(len(header) - 1)]

    def line(cells: tuple[str, ...]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths)]
        return "  " + "  ".join([*padded, cells[-1]])

    out: list[str] = []
    rows_left = iter(rows)
    for group in report.groups:
        if out:
            out.append("")
        out.append(f"{group.owner}: {group.overdue} overdue, {group.due_soon} due within "
                   f"{_days(report.within)}")
        out.append(line(header))
        out += [line(next(rows_left)) for _ in group.items]
    out += ["", summary(report)]
    return "\n".join(out)


def item_data(item: ReviewItem) -> dict[str, object]:
    return {"slug": item.slug, "path": item.path, "title": item.title,
            "reviewed": item.reviewed.isoformat(), "due": item.due.isoformat(),
            "days_overdue": item.days_overdue, "status": item.status}


def as_dict(report: ReviewReport) -> dict[str, object]:
    return {
        "today": report.today.isoformat(),
        "within": report.within,
        "overdue": report.overdue,
        "due_soon": report.due_soon,
        "owners": [{"owner": g.owner, "overdue": g.overdue, "due_soon": g.due_soon,
                    "articles": [item_data(i) for i in g.items]} for g in report.groups],
    }


def format_json(report: ReviewReport) -> str:
    return dumps(as_dict(report))


def format_csv(report: ReviewReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in report.items:
        data = item_data(item)
        writer.writerow([item.owner] + [data[c] for c in CSV_COLUMNS[1:]])
    return buffer.getvalue().rstrip("\n")


# --- kb review --mark -----------------------------------------------------------------


class MarkError(Exception):
    """The file's `reviewed` date cannot be rewritten safely; `line` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


_BOM = b"\xef\xbb\xbf"
_CLOSING = re.compile(r"(---|\.\.\.)[ \t]*")
_KEY = re.compile(r"""(?P<head>[ \t]*(?:reviewed|'reviewed'|"reviewed")[ \t]*:)(?P<rest>.*)""")
# Plain scalars cannot start with these; such a value is a list, block, anchor, tag...
_INDICATORS = "[]{}|>&*!%@`,"
# The line breaks `kb check` reads (kb.articles): CRLF, LF and the lone CR of old Macs.
_BREAK = re.compile(r"(\r\n|\r|\n)")
_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


def _split(text: str) -> tuple[list[str], list[str]]:
    """The lines of `text` without their breaks, and each line's own break ('' for the last)."""
    parts = _BREAK.split(text)
    return parts[0::2], [*parts[1::2], ""]


def _front_matter(lines: list[str]) -> tuple[int, yamlio.Mapping]:
    """The index of the closing line and the parsed front matter of `lines`."""
    if not lines or lines[0].strip() != "---":
        raise MarkError("has no front matter starting with a '---' line; run 'kb check'", 1)
    end = next((n for n in range(1, len(lines)) if _CLOSING.fullmatch(lines[n])), None)
    if end is None:
        raise MarkError("the front matter is never closed with '---'; run 'kb check'", 1)
    yaml_text = "".join(line + "\n" for line in lines[1:end])
    try:
        parsed = yamlio.load_mapping(yaml_text)
    except yamlio.YamlError as exc:
        raise MarkError(f"the front matter is not valid YAML ({exc.message}); fix it first, "
                        "'kb check' shows what is wrong", (exc.line or 0) + 1) from None
    if not isinstance(parsed, yamlio.Mapping):
        raise MarkError("the front matter is not a mapping of keys to values; run 'kb check'",
                        2)
    return end, parsed


def _value_span(rest: str) -> tuple[int, int] | None:
    """Where the scalar after `reviewed:` lies in `rest` (inside quotes), or None."""
    start = len(rest) - len(rest.lstrip(" \t"))
    if start == len(rest) or rest[start] == "#":
        return None  # empty: the date goes right after the colon
    quote = rest[start]
    if quote in "'\"":
        pattern = r"'(?:[^']|'')*'" if quote == "'" else r'"(?:[^"\\]|\\.)*"'
        found = re.compile(pattern).match(rest, start)
        if not found:
            raise ValueError(rest[start:].strip())
        after = rest[found.end():]
        if after.strip() and not after.lstrip(" \t").startswith("#"):
            raise ValueError(rest[start:].strip())
        return start + 1, found.end() - 1
    if quote in _INDICATORS:
        raise ValueError(rest[start:].strip())
    comment = re.search(r"[ \t]#", rest[start:])
    stop = start + comment.start() if comment else len(rest)
    return start, len(rest[:stop].rstrip(" \t"))


def mark_reviewed(raw: bytes, day: date) -> bytes:
    """`raw` with its `reviewed` date set to `day`, every other byte unchanged.

    Only the date on the line where the loader found the `reviewed` key is
    replaced (inside its quotes, before its comment); without the key one line
    `reviewed: YYYY-MM-DD` is added at the end of the front matter in the file's
    own line ending. Raises MarkError when that cannot be done safely.
    """
    bom = raw.startswith(_BOM)
    try:
        text = raw[len(_BOM) if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MarkError("is not valid UTF-8; save the file as UTF-8",
                        len(_BREAK_BYTES.findall(raw[: exc.start])) + 1) from None
    # Each line keeps its own break, so a mixed or CR-only file is written back as it was.
    lines, breaks = _split(text)
    end, parsed = _front_matter(lines)
    if parsed.data.get("article", True) is False:
        raise MarkError("is a page (article: false), not an article", parsed.lines["article"] + 1)
    stamp = day.isoformat()
    if "reviewed" in parsed.lines:
        index = parsed.lines["reviewed"]  # 1-based in the front matter = 0-based in the file
        line = lines[index]
        match = _KEY.fullmatch(line)
        if not match:
            raise MarkError("expected 'reviewed: YYYY-MM-DD' on one line; set the date by "
                            "hand", index + 1, "reviewed")
        rest = match["rest"]
        try:
            span = _value_span(rest)
        except ValueError as exc:
            raise MarkError(f"expected a date as YYYY-MM-DD but found {exc.args[0]!r}; set "
                            "the date by hand", index + 1, "reviewed") from None
        if span is None:
            rest = f" {stamp}{rest}"
        else:
            rest = rest[: span[0]] + stamp + rest[span[1]:]
        lines[index] = match["head"] + rest
        failure = (index + 1, "the 'reviewed' value does not fit on its line; set the date "
                              "by hand")
    else:
        lines.insert(end, f"reviewed: {stamp}")
        breaks.insert(end, breaks[end - 1])
        failure = (end + 1, "'reviewed' cannot be added at the end of this front matter; "
                            "add it by hand")
    result = "".join(line + brk for line, brk in zip(lines, breaks))
    # A value continued on the next line, or a key YAML reads differently than
    # the line suggests, would be half-rewritten: read the result back to be sure.
    try:
        _, after = _front_matter(_split(result)[0])
    except MarkError:
        after = None
    if after is None or after.data != {**parsed.data, "reviewed": stamp}:
        raise MarkError(failure[1], failure[0], "reviewed")
    return (_BOM if bom else b"") + result.encode("utf-8")


@dataclass
class Mark:
    """A file about to get the review date `day`; `read` is how it was when planned."""

    path: str
    shown: str
    day: date
    read: Snapshot


def _target(name: str, docs_dir: str, files: dict[str, str]) -> tuple[str | None, str]:
    """The src_uri that `name` (slug, slug.md or file path) means, and its slug."""
    cleaned = name.strip().replace("\\", "/")
    if cleaned.endswith(".md") and os.path.isfile(cleaned):
        inside = os.path.relpath(os.path.abspath(cleaned), docs_dir).replace(os.sep, "/")
        if inside.startswith("../"):
            return None, cleaned
        return (inside if inside in files.values() else None), slug_for(inside)
    slug = slug_for(cleaned.strip("/"))
    # The home page's empty slug is no article; README.md must not land on it.
    return (files.get(slug) if slug else None), slug or cleaned


def plan_marks(names: list[str], collection: Collection, pages: list[str],
               day: date, project_dir: str | None = None, private: Iterable[str] = ()
               ) -> tuple[list[Mark], list[Problem], list[str]]:
    """What `kb review --mark` would write for `names`: marks, problems and notes.

    Nothing may be written while there are problems. `pages` are the folders of
    non-article pages (settings.pages). An article that is a link is changed in the
    file it points to, which must be one `kb check` allows a link to (kb.safety): in
    `project_dir` or the docs folder, not hidden, not in a `private` folder (kb's cache).
    """
    docs_dir = os.path.abspath(collection.docs_dir)
    project_dir = os.path.abspath(project_dir) if project_dir else docs_dir
    files = {slug_for(src): src for src in iter_markdown(docs_dir)}
    article_slugs = [s for s, src in files.items()
                     if src not in collection.pages and not in_pages(src, pages)]
    marks: list[Mark] = []
    problems: list[Problem] = []
    notes: list[str] = []
    seen: set[str] = set()
    for name in names:
        src_uri, slug = _target(name, docs_dir, files)
        if src_uri is None:
            guess = closest(slug, article_slugs)
            hint = f"; did you mean {guess!r}?" if guess else ""
            if os.path.isfile(slug):
                message = f"is not in the docs folder {display_path(docs_dir)}/"
            else:
                message = f"no article has this slug{hint}"
            problems.append(Problem(name.strip() or repr(name), message))
            continue
        if src_uri in seen:
            continue
        seen.add(src_uri)
        path = os.path.join(docs_dir, src_uri)
        shown = display_path(path)
        if in_pages(src_uri, pages) or src_uri in collection.pages:
            problems.append(Problem(shown, "is a page, not an article; only articles have a "
                                           "review date"))
            continue
        refused = link_refusal(path, project_dir, docs_dir, private) \
            if os.path.islink(path) else None
        if refused is not None:
            # The same rule as kb check's, said for a command that writes, not publishes.
            problems.append(Problem(shown, f"is a link to {refused.target!r}{refused.reason}; "
                                           "kb changes no file there"))
            continue
        try:
            read = read_stable(path)
            refuse_hard_links(read.stat)
            mark_reviewed(read.data, day)  # only to find a problem before anything is written
        except OSError as exc:
            problems.append(Problem(shown, f"cannot be read: {exc.strerror}"))
            continue
        except UnsafeWrite as exc:
            problems.append(Problem(shown, exc.message))
            continue
        except MarkError as exc:
            problems.append(Problem(shown, exc.message, exc.line, exc.field))
            continue
        marks.append(Mark(path, shown, day, read))
        if any(p.path == shown and p.is_error and p.field != "reviewed"
               for p in collection.problems):
            notes.append(f"Note: {shown} has other problems; run 'kb check'.")
    return marks, problems, notes


def write_mark(mark: Mark) -> bool:
    """Write one mark; False when the file already had this date (left untouched).

    The file is read again and marked anew when it was saved since it was planned
    (see kb.files.rewrite_file); MarkError when the new save cannot be marked,
    UnsafeWrite when it keeps changing. Either way nothing was written.
    """
    return rewrite_file(mark.path, lambda raw: mark_reviewed(raw, mark.day), mark.read)


def write_or_problem(mark: Mark) -> bool | Problem:
    """`write_mark`, with a problem for the file instead of an exception."""
    try:
        return write_mark(mark)
    except MarkError as exc:
        return Problem(mark.shown, f"was saved again since kb read it: {exc.message}",
                       exc.line, exc.field)
    except UnsafeWrite as exc:
        return Problem(mark.shown, exc.message)
    except OSError as exc:
        return Problem(mark.shown, f"cannot be written: {exc.strerror or exc}")
