"""kb.tables: reading the CSV exports editors hand to kb."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.tables import MAX_PROBLEMS, Table, TableError, open_table


def write(tmp_path: Path, data: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path


def opened(path: Path) -> Table:
    return open_table(str(path), "data.csv", "'slug,views'")


def rows(path: Path) -> list[tuple[int, list[str]]]:
    return list(opened(path).rows())


def problems(path: Path) -> list[str]:
    with pytest.raises(TableError) as caught:
        table = opened(path)
        list(table.rows())
    assert all(p.path == "data.csv" for p in caught.value.problems)
    return [f"{p.line}: {p.message}" for p in caught.value.problems]


# --- Encodings ------------------------------------------------------------------

def test_utf8(tmp_path: Path) -> None:
    table = opened(write(tmp_path, "vraag,aantal\ncafeïne,3\n"))
    assert table.encoding == "utf-8-sig"
    assert list(table.rows()) == [(2, ["cafeïne", "3"])]


def test_utf8_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfslug,views\nretour,5\n")
    table = opened(path)
    # The mark must not stick to the first column name, or 'slug' is not found.
    assert table.header == ["slug", "views"]
    assert table.column(["slug"], "the page") == 0
    assert list(table.rows()) == [(2, ["retour", "5"])]


def test_windows_1252(tmp_path: Path) -> None:
    path = write(tmp_path, "vraag;prijs\ncafeïne;€ 5\n".encode("cp1252"))
    table = opened(path)
    assert table.encoding == "cp1252"
    assert list(table.rows()) == [(2, ["cafeïne", "€ 5"])]


def test_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid UTF-8 on their own.
    path = write(tmp_path, b"slug,views\nretour,5\nabc\x81\x8d,3\n")
    assert problems(path) == [
        "3: is neither UTF-8 nor Windows-1252 (byte 0x81); save it as CSV UTF-8"]


@pytest.mark.parametrize("codec, mark", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                         ("utf-32-le", b"\xff\xfe\x00\x00"),
                                         ("utf-32-be", b"\x00\x00\xfe\xff")])
def test_excel_unicode_text_in_utf16_or_utf32_with_a_byte_order_mark(tmp_path: Path, codec: str,
                                                                      mark: bytes) -> None:
    # Excel's "Unicode text": UTF-16 with its mark, separated by tabs.
    path = write(tmp_path, mark + "slug\tviews\r\ncafeïne/€\t3\r\n".encode(codec))
    table = opened(path)
    assert table.header == ["slug", "views"] and table.delimiter == "\t"
    assert list(table.rows()) == [(2, ["cafeïne/€", "3"])]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_recognised_by_its_zero_bytes(tmp_path: Path,
                                                                        codec: str) -> None:
    path = write(tmp_path, "slug,views\nretour,5\n".encode(codec))
    table = opened(path)
    assert table.encoding == codec
    assert list(table.rows()) == [(2, ["retour", "5"])]


def test_a_file_marked_as_utf16_that_is_not_names_the_encoding(tmp_path: Path) -> None:
    # An odd number of bytes: the last character is cut in half.
    path = write(tmp_path, "slug,views\nretour,5\n".encode("utf-16")[:-1])
    assert problems(path) == [
        "2: is marked as UTF-16 but is not valid UTF-16 (at byte 40); save it as CSV UTF-8"]


@pytest.fixture
def small_csv_limit():
    """csv's cell limit (16 MB in kb) at 100 characters, restored afterwards."""
    import csv
    before = csv.field_size_limit(100)
    yield
    csv.field_size_limit(before)


@pytest.mark.usefixtures("small_csv_limit")
def test_a_cell_longer_than_the_csv_limit_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "slug,views\nretour,5\n\"" + "x" * 200 + "\",3\nlater,4\n")
    assert problems(path) == [
        "3: cannot be read as CSV from line 3 on: field larger than field limit (100)"]


@pytest.mark.usefixtures("small_csv_limit")
def test_the_header_longer_than_the_csv_limit_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "slug" + "x" * 200 + ",views\nretour,5\n")
    assert problems(path) == [
        "1: cannot be read as CSV: field larger than field limit (100)"]


# --- Separators and quoting ---------------------------------------------------------

@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separators(tmp_path: Path, sep: str) -> None:
    table = opened(write(tmp_path, f"slug{sep}views\nretour/termijn{sep}1,5\n".replace(
        "1,5", '"1,5"' if sep == "," else "1,5")))
    assert table.delimiter == sep
    assert list(table.rows()) == [(2, ["retour/termijn", "1,5"])]


def test_semicolon_wins_when_a_header_name_holds_a_comma(tmp_path: Path) -> None:
    table = opened(write(tmp_path, '"pagina, pad";aantal\nretour;3\n'))
    assert table.delimiter == ";"
    assert table.header == ["pagina, pad", "aantal"]


def test_quoted_cells_keep_their_separators_and_line_breaks(tmp_path: Path) -> None:
    path = write(tmp_path, 'question,expected\n"Kan ik, als ik wil; ruilen?",a\n'
                           '"twee\nregels",b\nlaatste,c\n')
    assert rows(path) == [(2, ["Kan ik, als ik wil; ruilen?", "a"]),
                          (3, ["twee\nregels", "b"]),
                          (5, ["laatste", "c"])]


def test_blank_rows_are_skipped_and_lines_still_count(tmp_path: Path) -> None:
    path = write(tmp_path, "slug,views\r\n\r\na,1\r\n,\r\nb,2\r\n")
    assert rows(path) == [(3, ["a", "1"]), (5, ["b", "2"])]


# --- Empty files and headers ---------------------------------------------------------

def test_empty_file(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "")) == [
        "1: is empty; expected a header line 'slug,views' and one row per line"]


def test_comment_and_blank_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    # As Google Analytics exports it: comments, a blank line, then the table.
    path = write(tmp_path, "# Pages and screens\n# 1 Nov - 22 Nov 2026\n\nslug,views\n"
                           "a,1\n\nb,2,3\n")
    table = open_table(str(path), "p.csv", "'slug,views'")
    assert table.header == ["slug", "views"]
    rows = []
    with pytest.raises(TableError) as caught:
        for row in table.rows():
            rows.append(row)
    assert rows == [(5, ["a", "1"])]
    # Line numbers count the skipped lines.
    assert [p.line for p in caught.value.problems] == [7]


def test_only_comments_is_an_empty_file(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "# nothing here\n\n")) == [
        "1: is empty; expected a header line 'slug,views' and one row per line"]


def test_a_missing_column_names_the_header_line(tmp_path: Path) -> None:
    table = open_table(str(write(tmp_path, "#x\nfoo,bar\n")), "p.csv", "'slug,views'")
    assert table.column(["slug"], "the page") is None
    assert table.problems[0].line == 2


def test_header_of_empty_names(tmp_path: Path) -> None:
    assert problems(write(tmp_path, ",,\na,1,2\n")) == [
        "1: has no column names; expected a header line 'slug,views'"]


def test_a_folder_is_not_a_table(tmp_path: Path) -> None:
    (tmp_path / "data.csv").mkdir()
    assert problems(tmp_path / "data.csv") == ["None: expected a CSV file but found a folder"]


def test_a_missing_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "data.csv") == ["None: cannot be read: No such file or directory"]


# --- Columns ------------------------------------------------------------------------

def test_columns_are_found_by_any_of_their_names_ignoring_case(tmp_path: Path) -> None:
    table = opened(write(tmp_path, " Page Views ,URL\n1,/a/\n"))
    assert table.column(["slug", "url"], "the page") == 1
    assert table.column(["views", "page views"], "the count") == 0
    table.check()  # nothing missing


def test_missing_column_is_named_with_what_was_found(tmp_path: Path) -> None:
    table = opened(write(tmp_path, "titel,datum\na,b\n"))
    assert table.column(["slug", "page"], "the page") is None
    with pytest.raises(TableError) as caught:
        table.check()
    [problem] = caught.value.problems
    assert problem.line == 1
    assert problem.message == ("expected a column 'slug' or 'page' (the page) but found "
                               "'titel', 'datum'")


# --- Ragged rows ----------------------------------------------------------------------

def test_ragged_rows_are_all_reported_with_their_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "slug,views\na,1\nb\nc,3,4\nd,4\n")
    table = opened(path)
    good = []
    with pytest.raises(TableError) as caught:
        for row in table.rows():
            good.append(row)
    assert good == [(2, ["a", "1"]), (5, ["d", "4"])]  # every good row before the error
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (3, "expected 2 cells (as in the header) but found 1"),
        (4, "expected 2 cells (as in the header) but found 3; quote a cell that contains ','"),
    ]


def test_ragged_rows_in_a_tab_separated_file(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "slug\tviews\na\t1\t2\n")) == [
        "2: expected 2 cells (as in the header) but found 3; a cell contains a tab"]


def test_ragged_rows_are_capped(tmp_path: Path) -> None:
    extra = 7
    body = "".join(f"row{n}\n" for n in range(MAX_PROBLEMS + extra))
    found = problems(write(tmp_path, "slug,views\n" + body))
    assert len(found) == MAX_PROBLEMS + 1
    assert found[0] == "2: expected 2 cells (as in the header) but found 1"
    assert found[MAX_PROBLEMS - 1].startswith(f"{MAX_PROBLEMS + 1}: ")
    assert found[-1] == f"None: and {extra} more rows with the wrong number of cells"


def test_spreadsheet_padding_with_empty_cells_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "slug,views\na,1,,\nb,2, \n")
    assert rows(path) == [(2, ["a", "1"]), (3, ["b", "2"])]


# --- Progress -------------------------------------------------------------------------

def test_progress_reaches_the_file_size(tmp_path: Path) -> None:
    body = "".join(f"artikel/{n},{n}\n" for n in range(20000))
    path = write(tmp_path, "slug,views\n" + body)
    seen: list[int] = []
    table = opened(path)
    assert sum(1 for _ in table.rows(seen.append)) == 20000
    size = path.stat().st_size
    assert table.size == size
    assert len(seen) > 2  # reported while reading, not only at the end
    assert seen == sorted(seen)
    assert seen[-1] == size


def test_kb_gaps_reads_an_excel_unicode_text_export(project) -> None:
    from click.testing import CliRunner

    from kb.cli import cli
    from tests.conftest import SHOP_ARTICLES
    project.config()
    for src_uri, text in SHOP_ARTICLES.items():
        project.write(src_uri, text)
    (project.root / "vragen.csv").write_bytes(
        "question\tchannel\r\nhoe kan ik mijn bestelling retourneren\tmail\r\n"
        "waar is mijn pakket\tchat\r\n".encode("utf-16"))
    result = CliRunner().invoke(cli, ["gaps", "vragen.csv"])
    assert result.exit_code == 0, result.output
    assert "vragen.csv: 2 rows, 2 questions (2 distinct)" in result.output


# A device or a FIFO never ends: read in a child process, so that a regression fails
# on the timeout instead of hanging the test run.
_OPEN_IN_A_CHILD = """
import sys
from kb.tables import TableError, open_table
try:
    open_table(sys.argv[1], "data.csv", "'slug,views'")
except TableError as exc:
    print("; ".join(str(p) for p in exc.problems))
"""


def refusal_of(path: str) -> str:
    done = subprocess.run([sys.executable, "-c", _OPEN_IN_A_CHILD, path],
                          cwd=Path(__file__).parent.parent, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "data.csv")
    assert refusal_of(str(tmp_path / "data.csv")) == (
        "data.csv: error: expected a CSV file but found a FIFO (named pipe)")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_such_as_dev_zero_is_refused_without_being_read() -> None:
    assert refusal_of("/dev/zero") == "data.csv: error: expected a CSV file but found a device"


def test_a_link_to_a_regular_file_is_read(tmp_path: Path) -> None:
    target = write(tmp_path, "slug,views\na,1\n")
    (tmp_path / "link.csv").symlink_to(target)
    table = open_table(str(tmp_path / "link.csv"), "link.csv", "'slug,views'")
    assert table.header == ["slug", "views"]
