"""Measured answer quality: `kb eval` runs a set of shopper questions through kb's
answer engine, as `kb ask` and the site answer them.

The CSV has a `question` and an `expected` column; `expected` holds the slug of
the article that answers the question, or several separated by `|` when more
than one does, or `-` when nothing in the help centre answers it (then kb should
say so instead of offering an answer).

The figures, for the questions an article answers, lead with what shoppers see:
printed@1 and printed@3, the share whose expected answer is shown first, or among
the first three shown (`printed`: a question kb declines shows nothing, so it is a
miss there). Then the ranking's own: hit@1 and hit@3 (the same, of the ranking
whether kb declines or not), MRR (mean of 1/rank of the first expected answer, 0
when it is not among the first ten); then the share kb declines and the share shown
a wrong answer first (with printed@1 they add up to 1). Every question whose expected
answer is not shown first is listed with what came first instead. For the `-`
questions: the share kb declines, and every false answer.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from kb.problems import CONTROL_EXPECTED, Problem, closest, control_character, short_repr
from kb.tables import decode_problem, delimiter, marked_encoding, records
from kb.text import dumps

if TYPE_CHECKING:
    from kb.engine import Answer, Hit

COLUMNS = ("question", "expected")
NO_ANSWER = "-"  # in `expected`: no article answers this question
DEPTH = 10  # ranks looked at for MRR
PRINTED = 5  # results the site shows: an answer card and up to four more


class EvalError(Exception):
    """The question file cannot be used; `problems` says why, all at once."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class Case:
    line: int
    question: str
    expected: list[str]  # empty: nothing answers the question

    @property
    def answerable(self) -> bool:
        return bool(self.expected)


@dataclass
class Miss:
    """A question whose expected answer is not shown first."""

    line: int
    question: str
    expected: list[str]
    first: str | None  # slug of what the ranking has first
    first_title: str | None
    rank: int | None  # rank of the first expected answer, None beyond DEPTH
    declined: bool = False  # kb declined: nothing was shown


@dataclass
class FalseAnswer:
    line: int
    question: str
    offered: str  # slug of the answer offered
    offered_title: str


@dataclass
class Report:
    n: int = 0  # answerable questions
    printed_at_1: float = 0.0
    printed_at_3: float = 0.0
    hit_at_1: float = 0.0
    hit_at_3: float = 0.0
    mrr: float = 0.0
    unanswered: float = 0.0  # share of n that kb declines
    wrong_first: float = 0.0  # share of n shown a wrong answer first
    misses: list[Miss] = field(default_factory=list)
    no_answer: int = 0  # questions nothing answers
    declined: float | None = None  # share of those that get no answer
    false_answers: list[FalseAnswer] = field(default_factory=list)

    def as_dict(self) -> dict:
        data: dict = {"n": self.n}
        for name in ("printed_at_1", "printed_at_3", "hit_at_1", "hit_at_3", "mrr",
                     "unanswered", "wrong_first"):
            data[name] = round(getattr(self, name), 4)
        if self.no_answer:
            data["no_answer"] = self.no_answer
            data["declined"] = round(self.declined or 0.0, 4)
            data["false_answer_rate"] = round(1 - (self.declined or 0.0), 4)
        data["misses"] = [asdict(m) for m in self.misses]
        if self.no_answer:
            data["false_answers"] = [asdict(f) for f in self.false_answers]
        return data


def read_cases(path: str, shown: str, slugs: Mapping[str, object],
               live: Callable[[str], bool]) -> list[Case]:
    """Parse the question file; raise EvalError listing every problem in it."""
    text = _decode(path, shown)
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""),
                        delimiter=delimiter(text.split("\n", 1)[0]))
    rows = records(reader, shown, problems)
    header = next(rows, None)
    if problems:
        raise EvalError(problems)
    names = _columns(header, shown)
    qi, ei = names.index("question"), names.index("expected")
    cases = []
    slug_check = _SlugCheck(shown, slugs, live)
    for row in rows:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(qi, ei):
            problems.append(Problem(shown, f"expected {len(names)} columns but found {len(row)}",
                                    line))
            continue
        case = _case(row[qi], row[ei], line, shown, slug_check, problems)
        if case:
            cases.append(case)
    if problems:
        raise EvalError(problems)
    if not cases:
        raise EvalError([Problem(shown, "has a header but no questions", 1)])
    return cases


def _decode(path: str, shown: str) -> str:
    """The file's text; EvalError when it cannot be read or decoded."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise EvalError([Problem(shown, f"cannot be read: {exc.strerror}")]) from None
    # Excel's "Unicode text" is UTF-16 and separated by tabs.
    marked = marked_encoding(raw[:4096])
    if marked:
        try:
            return raw.decode(marked[0]).lstrip("\ufeff")
        except UnicodeDecodeError:
            found = decode_problem(raw, *marked)
            assert found is not None  # the same decoding failed a moment ago
            raise EvalError([Problem(shown, found[1], found[0])]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EvalError([Problem(shown, f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                                        "save the file as UTF-8", line)]) from None


def _columns(header: list[str] | None, shown: str) -> list[str]:
    """The header's column names, lowercase; EvalError when COLUMNS are not all there."""
    if not header or not any(cell.strip() for cell in header):
        raise EvalError([Problem(shown, "is empty; expected a header line "
                                        f"'{','.join(COLUMNS)}' and one question per line", 1)])
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        found = ", ".join(short_repr(n) for n in names)
        raise EvalError([Problem(shown, f"expected the columns {', '.join(COLUMNS)} but "
                                        f"found {found} (missing: {', '.join(missing)})", 1)])
    return names


def _case(question_cell: str, expected_cell: str, line: int, shown: str,
          slug_check: _SlugCheck, problems: list[Problem]) -> Case | None:
    """The case of one row; None, with its problems added to `problems`, when it has none."""
    question = " ".join(question_cell.split())
    expected = [s.strip().strip("/") for s in expected_cell.split("|") if s.strip()]
    if not question:
        problems.append(Problem(shown, "the question is empty", line, "question"))
    # The report prints the question and the slugs to a terminal.
    controls = [(name, control_character(cell))
                for name, cell in zip(COLUMNS, (question_cell, expected_cell))]
    problems += [Problem(shown, f"{CONTROL_EXPECTED} but found {where}", line, name)
                 for name, where in controls if where]
    if any(where for _, where in controls):
        return None
    if expected == [NO_ANSWER]:
        return Case(line, question, []) if question else None
    if not expected:
        problems.append(Problem(shown, "expected a slug such as "
                                       f"{slug_check.example!r}, or {NO_ANSWER!r} when nothing "
                                       "answers the question, but found nothing", line,
                                "expected"))
    for slug in expected:
        problems += slug_check.problems(slug[:-3] if slug.endswith(".md") else slug, line)
    if question and expected:
        return Case(line, question, [s[:-3] if s.endswith(".md") else s for s in expected])
    return None


class _SlugCheck:
    """Whether an expected slug names an article live on the evaluation day."""

    def __init__(self, shown: str, slugs: Mapping[str, object], live: Callable[[str], bool]):
        self.shown = shown
        self.slugs = slugs
        self.live = live
        self.known = list(slugs)
        self.example = self.known[0] if self.known else "retourneren/termijn"

    def problems(self, slug: str, line: int) -> list[Problem]:
        if slug not in self.slugs:
            guess = closest(slug, self.known)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            return [Problem(self.shown, f"no article has the slug {short_repr(slug)}{hint}",
                            line, "expected")]
        if not self.live(slug):
            return [Problem(self.shown, f"{short_repr(slug)} is not published on the "
                                        "evaluation day (draft, scheduled or expired); "
                                        "pass --today or pick another article", line,
                            "expected")]
        return []


def printed(answer: Answer, limit: int = PRINTED) -> list[Hit]:
    """What the site shows a shopper for `answer`, in order: nothing when kb declines;
    else, of the first `limit` hits, those that answer well enough, then the others
    (the order of window.kbHelp.ask, which the site's search and the help blocks show,
    without the blog and pages: kb eval measures the articles)."""
    if not answer.good:
        return []
    top = answer.hits[:limit]
    offered = {id(hit) for hit in answer.answers}
    return [h for h in top if id(h) in offered] + [h for h in top if id(h) not in offered]


def evaluate(cases: list[Case], rank: Callable[[str], list[tuple[str, str]]],
             shown: Callable[[str], list[tuple[str, str]]]) -> Report:
    """Score `cases`: `rank` gives the ranking (question -> [(slug, title)], best
    first), `shown` what a shopper is shown (the same, or nothing when kb declines)."""
    answerable = [c for c in cases if c.answerable]
    unanswerable = [c for c in cases if not c.answerable]
    report = Report(n=len(answerable), no_answer=len(unanswerable))
    for case in unanswerable:
        given = shown(case.question)
        if given:
            report.false_answers.append(FalseAnswer(case.line, case.question, *given[0]))
    if unanswerable:
        report.declined = 1 - len(report.false_answers) / len(unanswerable)
    counts: Counter[str] = Counter()
    reciprocal = 0.0
    for case in answerable:
        ranked = rank(case.question)[:DEPTH]
        position = _position(ranked, case.expected)
        offered = shown(case.question)
        where = _position(offered, case.expected)
        counts.update({"printed1": where == 1, "printed3": bool(where and where <= 3),
                       "hit1": position == 1, "hit3": bool(position and position <= 3),
                       "declined": not offered, "wrong": bool(offered) and where != 1})
        if where != 1:
            first = ranked[0] if ranked else (None, None)
            report.misses.append(Miss(case.line, case.question, case.expected, first[0],
                                      first[1], position, not offered))
        if position:
            reciprocal += 1 / position
    if answerable:
        n = len(answerable)
        report.printed_at_1, report.printed_at_3 = counts["printed1"] / n, counts["printed3"] / n
        report.hit_at_1, report.hit_at_3 = counts["hit1"] / n, counts["hit3"] / n
        report.mrr = reciprocal / n
        report.unanswered, report.wrong_first = counts["declined"] / n, counts["wrong"] / n
    return report


def _position(slugs: list[tuple[str, str]], expected: list[str]) -> int | None:
    """The rank (1, 2, ...) of the first expected slug in `slugs`; None when absent."""
    return next((i + 1 for i, (slug, _) in enumerate(slugs) if slug in expected), None)


def format_text(report: Report, shown: str) -> str:
    """The misses and false answers, then the figures (what shoppers are shown first)."""
    lines = []
    if report.misses:
        lines.append(f"Misses ({len(report.misses)}): expected answer not shown first")
        for miss in report.misses:
            where = f"rank {miss.rank}" if miss.rank else f"not in the first {DEPTH}"
            first = f"{miss.first} ({miss.first_title})" if miss.first else "nothing"
            note = "; declined: nothing shown" if miss.declined else ""
            lines.append(f"  {shown}:{miss.line}: {miss.question!r}")
            lines.append(f"      expected {' | '.join(miss.expected)} ({where}); "
                         f"first: {first}{note}")
        lines.append("")
    if report.false_answers:
        lines.append(f"False answers ({len(report.false_answers)}): nothing answers these, "
                     "but kb offers an answer")
        for false in report.false_answers:
            lines.append(f"  {shown}:{false.line}: {false.question!r}")
            lines.append(f"      offered: {false.offered} ({false.offered_title})")
        lines.append("")
    if report.n or not report.no_answer:
        noun = "question" if report.n == 1 else "questions"
        lines.append(f"{report.n} {noun}: printed@1 {report.printed_at_1:.3f}, "
                     f"printed@3 {report.printed_at_3:.3f}")
        lines.append(f"  ranking: hit@1 {report.hit_at_1:.3f}, hit@3 {report.hit_at_3:.3f}, "
                     f"MRR {report.mrr:.3f}")
        lines.append(f"  declined {report.unanswered:.3f}, wrong answer first "
                     f"{report.wrong_first:.3f}")
    if report.no_answer:
        noun = "question" if report.no_answer == 1 else "questions"
        declined = report.declined or 0.0
        lines.append(f"{report.no_answer} {noun} nothing answers: declined {declined:.3f}, "
                     f"false answers {1 - declined:.3f}")
    return "\n".join(lines)


def format_json(report: Report) -> str:
    return dumps(report.as_dict())
