"""The file of real shopper questions: kb.questionfile."""

from __future__ import annotations

import pytest

from kb.questionfile import open_questions, questions
from kb.tables import TableError


def write(tmp_path, text: str) -> str:
    path = tmp_path / "vragen.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_every_row_gives_its_line_and_its_question(tmp_path):
    path = write(tmp_path, "datum,Question\n2026-11-01,waar is mijn pakket?\n"
                           "2026-11-02,\"retour, hoe?\"\n")
    table, index = open_questions(path, "vragen.csv")
    assert list(questions(table, index)) == [(2, "waar is mijn pakket?"), (3, "retour, hoe?")]


def test_another_column_is_found_by_name_in_any_case(tmp_path):
    path = write(tmp_path, "Vraag;kanaal\nvacatures?;chat\n")
    table, index = open_questions(path, "vragen.csv", column="vraag")
    assert [q for _, q in questions(table, index)] == ["vacatures?"]


def test_a_missing_column_is_a_problem_that_lists_the_columns_there_are(tmp_path):
    path = write(tmp_path, "datum,tekst\n2026-11-01,hallo\n")
    with pytest.raises(TableError) as raised:
        open_questions(path, "vragen.csv")
    [problem] = raised.value.problems
    assert "'question'" in problem.message and "tekst" in problem.message


def test_a_header_without_questions_is_a_problem_once_the_rows_are_read(tmp_path):
    table, index = open_questions(write(tmp_path, "question\n"), "vragen.csv")
    with pytest.raises(TableError) as raised:
        list(questions(table, index))
    [problem] = raised.value.problems
    assert problem.message == "has a header but no questions; expected one question per row"
    assert (problem.path, problem.line) == ("vragen.csv", 1)
