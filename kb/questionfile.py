"""The file of real shopper questions that `kb gaps` and `kb report --questions` read:
an export of e-mails, chat transcripts or search logs as a table, one question per
row in a named column."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kb.problems import Problem
from kb.tables import Table, TableError, open_table

DEFAULT_COLUMN = "question"

def open_questions(path: str, shown: str, column: str = DEFAULT_COLUMN) -> tuple[Table, int]:
    """The opened table and the index of its question column; TableError when the
    file cannot be used or has no such column (the message lists those it has)."""
    table = open_table(path, shown, f"with a column {column!r}")
    index = table.column([column], "the shoppers' questions")
    table.check()
    assert index is not None  # check() raised otherwise
    return table, index


def questions(table: Table, index: int,
              progress: Callable[[int], None] | None = None) -> Iterator[tuple[int, str]]:
    """(line, question) for every row; TableError at the end when rows were ragged,
    or when there was not one row."""
    seen = False
    for line, cells in table.rows(progress):
        seen = True
        yield line, cells[index]
    if not seen:
        raise TableError([Problem(table.shown, "has a header but no questions; expected one "
                                               "question per row", 1)])

