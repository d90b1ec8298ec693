"""Measured answer quality: `kb eval` runs a set of shopper questions through `kb ask`.

The CSV has a `question` and an `expected` column; `expected` holds the slug of
the article that answers the question, or several separated by `|` when more
than one does. The result: hit@1 and hit@3 (share of questions whose expected
answer came first, or among the first three), MRR (mean of 1/rank of the first
expected answer, 0 when it is not among the first ten) and every miss with what
came first instead.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field

from kb.problems import Problem, closest

COLUMNS = ("question", "expected")
DEPTH = 10  # ranks looked at for MRR


class EvalError(Exception):
    """The question file cannot be used; `problems` says why, all at once."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class Case:
    line: int
    question: str
    expected: list[str]


@dataclass
class Miss:
    line: int
    question: str
    expected: list[str]
    first: str | None  # slug of what came first
    first_title: str | None
    rank: int | None  # rank of the first expected answer, None beyond DEPTH


@dataclass
class Report:
    n: int = 0
    hit_at_1: float = 0.0
    hit_at_3: float = 0.0
    mrr: float = 0.0
    misses: list[Miss] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"n": self.n, "hit_at_1": round(self.hit_at_1, 4),
                "hit_at_3": round(self.hit_at_3, 4), "mrr": round(self.mrr, 4),
                "misses": [asdict(m) for m in self.misses]}


def read_cases(path: str, shown: str, slugs: Mapping[str, object],
               live: Callable[[str], bool]) -> list[Case]:
    """Parse the question file; raise EvalError listing every problem in it."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise EvalError([Problem(shown, f"cannot be read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EvalError([Problem(shown, f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                                        "save the file as UTF-8", line)]) from None
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if not header or not any(cell.strip() for cell in header):
        raise EvalError([Problem(shown, "is empty; expected a header line "
                                        f"'{','.join(COLUMNS)}' and one question per line", 1)])
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        found = ", ".join(repr(n) for n in names)
        raise EvalError([Problem(shown, f"expected the columns {', '.join(COLUMNS)} but "
                                        f"found {found} (missing: {', '.join(missing)})", 1)])
    qi, ei = names.index("question"), names.index("expected")
    problems: list[Problem] = []
    cases = []
    known = list(slugs)
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(qi, ei):
            problems.append(Problem(shown, f"expected {len(names)} columns but found {len(row)}",
                                    line))
            continue
        question = " ".join(row[qi].split())
        expected = [s.strip().strip("/") for s in row[ei].split("|") if s.strip()]
        if not question:
            problems.append(Problem(shown, "the question is empty", line, "question"))
        if not expected:
            problems.append(Problem(shown, "expected a slug such as "
                                           f"{known[0] if known else 'retourneren/termijn'!r} "
                                           "but found nothing", line, "expected"))
        for slug in expected:
            if slug.endswith(".md"):
                slug = slug[:-3]
            if slug not in slugs:
                guess = closest(slug, known)
                hint = f" (did you mean {guess!r}?)" if guess else ""
                problems.append(Problem(shown, f"no article has the slug {slug!r}{hint}", line,
                                        "expected"))
            elif not live(slug):
                problems.append(Problem(shown, f"{slug!r} is not published on the evaluation "
                                               "day (draft, scheduled or expired); pass --today "
                                               "or pick another article", line, "expected"))
        if question and expected:
            cases.append(Case(line, question, [s[:-3] if s.endswith(".md") else s
                                               for s in expected]))
    if problems:
        raise EvalError(problems)
    if not cases:
        raise EvalError([Problem(shown, "has a header but no questions", 1)])
    return cases


def evaluate(cases: list[Case], rank: Callable[[str], list[tuple[str, str]]]) -> Report:
    """Score `rank` (question -> [(slug, title)], best first) on `cases`."""
    report = Report(n=len(cases))
    hits1 = hits3 = 0
    reciprocal = 0.0
    for case in cases:
        ranked = rank(case.question)[:DEPTH]
        position = next((i + 1 for i, (slug, _) in enumerate(ranked)
                         if slug in case.expected), None)
        if position == 1:
            hits1 += 1
        else:
            first = ranked[0] if ranked else (None, None)
            report.misses.append(Miss(case.line, case.question, case.expected, first[0],
                                      first[1], position))
        if position and position <= 3:
            hits3 += 1
        if position:
            reciprocal += 1 / position
    if cases:
        report.hit_at_1 = hits1 / len(cases)
        report.hit_at_3 = hits3 / len(cases)
        report.mrr = reciprocal / len(cases)
    return report


def format_text(report: Report, shown: str) -> str:
    lines = []
    if report.misses:
        lines.append(f"Misses ({len(report.misses)}): expected answer not first")
        for miss in report.misses:
            where = f"rank {miss.rank}" if miss.rank else f"not in the first {DEPTH}"
            first = f"{miss.first} ({miss.first_title})" if miss.first else "nothing"
            lines.append(f"  {shown}:{miss.line}: {miss.question!r}")
            lines.append(f"      expected {' | '.join(miss.expected)} ({where}); first: {first}")
        lines.append("")
    noun = "question" if report.n == 1 else "questions"
    lines.append(f"{report.n} {noun}: hit@1 {report.hit_at_1:.3f}, "
                 f"hit@3 {report.hit_at_3:.3f}, MRR {report.mrr:.3f}")
    return "\n".join(lines)


def format_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
