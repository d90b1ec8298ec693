"""The CSV files editors hand to kb: popularity counts, exports of shoppers' questions.

They come out of analytics tools, help desks and spreadsheets, so a table is
read the way such exports are written: UTF-8 with or without a byte-order
mark, Windows-1252 (Excel's "CSV" on a Dutch or English Windows), or UTF-16
(Excel's "Unicode text", with a byte-order mark; also without one) and the rarer
UTF-32 with its mark; commas, semicolons (Excel where the comma is the decimal
sign) or tabs; comment lines starting with '#' above the header are skipped. Rows are
streamed, so a file of 100,000 questions is never held in memory, and every
problem in the file is reported at once, with its line.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from kb.problems import Problem, short_repr

ENCODINGS = ("utf-8-sig", "cp1252")  # tried in turn when the file has no byte-order mark
# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
DELIMITERS = (",", ";", "\t")
MAX_PROBLEMS = 20  # per file; a broken export would otherwise print one per row
_CHUNK = 1 << 16

csv.field_size_limit(1 << 24)  # a pasted e-mail thread in one cell is a normal row


class TableError(Exception):
    """The file cannot be used; `problems` says why, all at once."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def marked_encoding(head: bytes) -> tuple[str, str] | None:
    """(codec, name for messages) of a file starting with `head` (its first few
    kilobytes) when that says which Unicode encoding it is: a byte-order mark, or
    UTF-16 without one, which puts a zero byte beside every ASCII character."""
    for mark, codec, name in BOMS:
        if head.startswith(mark):
            return codec, name
    pairs = len(head) // 2
    if pairs >= 2 and b"\0" in head:
        even, odd = head[0: 2 * pairs: 2].count(0), head[1: 2 * pairs: 2].count(0)
        if odd * 2 > pairs and not even:
            return "utf-16-le", "UTF-16"
        if even * 2 > pairs and not odd:
            return "utf-16-be", "UTF-16"
    return None


def decode_problem(raw: bytes, codec: str, name: str) -> tuple[int, str] | None:
    """(line, message) when `raw` does not decode with `codec`, else None."""
    try:
        raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode(codec, errors="replace").count("\n") + 1
        return line, (f"is marked as {name} but is not valid {name} (at byte {exc.start}); "
                      "save it as CSV UTF-8")
    return None


def _encoding(path: str) -> str | None:
    """The encoding of the file: the one its start names (marked_encoding), else the
    first of ENCODINGS that decodes the whole file, read in chunks."""
    with open(path, "rb") as fh:
        marked = marked_encoding(fh.read(4096))
    for name in (marked[0],) if marked else ENCODINGS:
        decoder = codecs.getincrementaldecoder(name)()
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return name
    return None


def _not_decoded(path: str, shown: str) -> Problem:
    """Why the file could not be decoded, with the line of the first bad byte."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    marked = marked_encoding(head)
    if marked:
        with open(path, "rb") as fh:
            found = decode_problem(fh.read(), *marked)
        line, message = found or (1, f"is not valid {marked[1]}; save it as CSV UTF-8")
        return Problem(shown, message, line)
    line, byte = _first_bad_line(path)
    return Problem(shown, f"is neither UTF-8 nor Windows-1252 (byte 0x{byte:02x}); save it as "
                         "CSV UTF-8", line)


def _first_bad_line(path: str) -> tuple[int, int]:
    """Line and byte value of the first byte that is not UTF-8, for the message."""
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1, raw[exc.start]
    return 1, 0


def delimiter(header: str) -> str:
    """The separator the header line uses most, outside quotes; ',' when it has none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def records(reader, shown: str, bad: list[Problem], skip: int = 0) -> Iterator[list[str]]:
    """The rows of a csv.reader; one it cannot read (a cell longer than
    csv.field_size_limit) ends them, noted in `bad`."""
    try:
        yield from reader
    except csv.Error as exc:
        line = reader.line_num + skip
        bad.append(Problem(shown, f"cannot be read as CSV from line {line} on: {exc}", line))


def normal_name(name: str) -> str:
    """A column name as matched: lower case, no surrounding spaces or quotes."""
    return name.strip().strip('"').strip().casefold()


class _Counting(io.RawIOBase):
    """A binary file that remembers how many bytes were read, for a progress bar."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.fh.readinto(buffer)
        self.done += n or 0
        return n


@dataclass
class Table:
    """An opened CSV file: its header, encoding and separator; rows come from `rows`."""

    path: str
    shown: str  # the path as messages show it
    encoding: str
    delimiter: str
    header: list[str]
    size: int  # bytes, for progress
    skip: int = 0  # comment and blank lines before the header
    problems: list[Problem] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [normal_name(n) for n in self.header]

    def column(self, wanted: Iterable[str], what: str) -> int | None:
        """The index of the first column named one of `wanted` (case does not matter);
        None, with a problem noted, when there is none."""
        wanted = [normal_name(w) for w in wanted]
        names = self.names
        for name in wanted:
            if name in names:
                return names.index(name)
        named = [short_repr(n) for n in self.header if n.strip()]
        found = ", ".join(named[:10] + ([f"and {len(named) - 10} more"] if len(named) > 10
                                        else [])) or "no column names"
        options = " or ".join(repr(w) for w in wanted)
        self.problems.append(Problem(self.shown, f"expected a column {options} ({what}) but "
                                                 f"found {found}", self.skip + 1))
        return None

    def check(self) -> None:
        """Raise TableError when a `column` lookup found nothing."""
        if self.problems:
            raise TableError(self.problems)

    def rows(self, progress: Callable[[int], None] | None = None
             ) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for every row after the header that is not blank.

        A row with more or fewer cells than the header is not yielded but
        reported; once the file is read, TableError lists every such row (the
        first MAX_PROBLEMS of them, and how many more). `progress` is called
        with the bytes read so far.
        """
        width = len(self.header)
        bad: list[Problem] = []
        more = 0
        with open(self.path, "rb") as raw:
            counting = _Counting(raw)
            text = io.TextIOWrapper(io.BufferedReader(counting, _CHUNK),
                                    encoding=self.encoding, newline="")
            for _ in range(self.skip):
                text.readline()
            reader = csv.reader(text, delimiter=self.delimiter)
            lines = records(reader, self.shown, bad, self.skip)
            next(lines, None)
            last = reader.line_num + self.skip
            reported = 0
            for cells in lines:
                line, last = last + 1, reader.line_num + self.skip
                if progress is not None and counting.done != reported:
                    reported = counting.done
                    progress(reported)
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != width:
                    # Spreadsheets pad rows with empty cells at the end; those are fine.
                    if len(cells) > width and not any(c.strip() for c in cells[width:]):
                        cells = cells[:width]
                    else:
                        if len(bad) < MAX_PROBLEMS:
                            bad.append(Problem(self.shown, self._ragged(len(cells)), line))
                        else:
                            more += 1
                        continue
                yield line, cells
        if progress is not None:
            progress(self.size)
        if bad:
            if more:
                bad.append(Problem(self.shown, f"and {more} more rows with the wrong number "
                                               "of cells"))
            raise TableError(bad)

    def _ragged(self, found: int) -> str:
        width = len(self.header)
        hint = ""
        if found > width:
            hint = (f"; quote a cell that contains {self.delimiter!r}" if self.delimiter != "\t"
                    else "; a cell contains a tab")
        return (f"expected {width} cell{'s' if width != 1 else ''} (as in the header) but "
                f"found {found}{hint}")


def file_problem(path: str, shown: str) -> Problem | None:
    """Why `path` cannot be read as a CSV file, or None when it is a regular file (or a
    link to one). Reading a device such as /dev/zero or a FIFO would never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return Problem(shown, f"cannot be read: {exc.strerror}")
    if stat.S_ISREG(mode):
        return None
    kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    return Problem(shown, f"expected a CSV file but found {kind}")


def open_table(path: str, shown: str, expected: str) -> Table:
    """Open `path`, read its header and settle its encoding and separator.

    `expected` describes the header for messages (e.g. "'slug,views'"). Raises
    TableError when the file cannot be read, is empty or is in none of the
    encodings above.
    """
    problem = file_problem(path, shown)
    if problem:
        raise TableError([problem])
    size = os.path.getsize(path)
    encoding = _encoding(path)
    if encoding is None:
        raise TableError([_not_decoded(path, shown)])
    # Analytics exports (Google Analytics among them) put '#' comment lines and blank
    # lines above the header.
    skip = 0
    first = ""
    with open(path, encoding=encoding, newline="") as fh:
        for line in fh:
            if line.strip() and not line.lstrip("\ufeff").startswith("#"):
                first = line
                break
            skip += 1
    if not first:
        raise TableError([Problem(shown, f"is empty; expected a header line {expected} and "
                                         "one row per line", 1)])
    separator = delimiter(first)
    try:
        header = next(csv.reader([first], delimiter=separator))
    except csv.Error as exc:
        raise TableError([Problem(shown, f"cannot be read as CSV: {exc}", skip + 1)]) from None
    if not any(cell.strip() for cell in header):
        raise TableError([Problem(shown, f"has no column names; expected a header line "
                                         f"{expected}", skip + 1)])
    return Table(path, shown, encoding, separator, header, size, skip)
