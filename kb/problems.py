"""Problems found in content or configuration, and the three ways to print them.

Every check in kb reports into a list of `Problem`s instead of raising on the
first one, so an editor sees everything that is wrong in one run.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
import reprlib
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from kb.text import dumps

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file.

    `path` is the file as the editor would type it (relative to the working
    directory where possible); `line` is 1-based and None when unknown;
    `field` names the front-matter key or configuration option.
    """

    path: str
    message: str
    line: int | None = None
    field: str | None = None
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {self.severity}: {field}{self.message}"


class ContentError(Exception):
    """Raised when content or configuration has errors; carries all of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


MAX_SHOWN = 80  # characters of a value quoted in a message


class _ShortRepr(reprlib.Repr):
    """repr() that looks at no more of a value than it shows: an alias-expanded YAML
    list of a billion items, or a number of a million digits, costs no more than
    a short one."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = 6
        self.maxdeque = self.maxarray = self.maxdict = 6
        self.maxstring = self.maxother = self.maxlong = MAX_SHOWN

    def repr_dict(self, x: dict, level: int) -> str:
        # reprlib sorts the keys; a message should show them in the order written.
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        shown = [f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
                 for k, v in itertools.islice(x.items(), self.maxdict)]
        more = ", ..." if len(x) > self.maxdict else ""
        return "{" + ", ".join(shown) + more + "}"

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 4 * self.maxlong:  # repr() itself refuses beyond 4300 digits
            return f"a number of about {int(x.bit_length() * 0.30103) + 1} digits"
        return super().repr_int(x, level)


_short = _ShortRepr()


def short_repr(value: object, limit: int = MAX_SHOWN) -> str:
    """repr(value) cut to `limit` characters with '…', for quoting in a message."""
    text = _short.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_path(path: str) -> str:
    """A path relative to the working directory when it lies below it, as an editor
    would type it in a message."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel.startswith("..") else rel


# Control characters (BEL, NUL, ESC...) have no place in a text kb publishes or
# prints: browsers draw them as boxes, XML (the sitemap, feeds) forbids most, and a
# terminal acts on ESC sequences. Tabs and line breaks are just white space.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_EXPECTED = "expected a text without control characters"


def control_character(value: str) -> str | None:
    """Where the first control character of `value` is, as 'U+0007 at position 5', or
    None when it has none."""
    found = CONTROL.search(value)
    return f"U+{ord(found.group()):04X} at position {found.start() + 1}" if found else None


def has_control_characters(value: Any) -> bool:
    """Whether `value`, or a text directly inside it (a list's items, a mapping's keys
    and values), holds a control character."""
    if isinstance(value, str):
        return CONTROL.search(value) is not None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, (list, tuple)):
        return any(isinstance(v, str) and CONTROL.search(v) is not None for v in value)
    return False


def closest(value: object, choices: Iterable[str]) -> str | None:
    """The choice that `value` most likely meant to be, or None."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None  # a list or a mapping was not a misspelling of an id
    text = value if isinstance(value, str) else short_repr(value)
    if len(text) > 200:
        return None  # difflib's cost grows with the length; no id is that long
    matches = difflib.get_close_matches(text, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def expected_one_of(value: object, choices: Iterable[str]) -> str:
    """The standard message for a value outside a fixed set of ids."""
    choices = list(choices)
    message = f"expected one of {', '.join(choices)} but found {short_repr(value)}"
    guess = closest(value, choices)
    if guess:
        message += f" (did you mean {guess!r}?)"
    return message


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.field or ""))


def summary_line(problems: list[Problem], articles: int) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    noun = "article" if articles == 1 else "articles"
    return (
        f"{articles} {noun} checked: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}."
    )


def format_text(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in sort_problems(problems))


def format_json(problems: list[Problem], articles: int, extra: dict | None = None) -> str:
    """One JSON object; `extra` adds keys (such as the coverage report)."""
    data = {
        "ok": not has_errors(problems),
        "articles": articles,
        "errors": sum(p.is_error for p in problems),
        "warnings": sum(not p.is_error for p in problems),
        "problems": [asdict(p) for p in sort_problems(problems)],
        **(extra or {}),
    }
    return dumps(data)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem]) -> str:
    """GitHub Actions workflow commands, which show up as file annotations."""
    lines = []
    for p in sort_problems(problems):
        props = [f"file={_escape_property(p.path)}"]
        if p.line is not None:
            props.append(f"line={p.line}")
        if p.field:
            props.append(f"title={_escape_property(p.field)}")
        lines.append(f"::{p.severity} {','.join(props)}::{_escape_data(p.message)}")
    return "\n".join(lines)


def format_github_group(title: str, text: str) -> str:
    """`text` as a collapsible group in a GitHub Actions log. Workflow commands are
    off inside it: a file name or title in the text with a line break followed by
    '::error ...' would otherwise add an annotation of its own. The runner starts
    a new line at a CR as well as at an LF, so escaping LF alone is not enough."""
    token = secrets.token_hex(16)  # unguessable, so the text cannot switch commands back on
    return "\n".join([f"::group::{_escape_data(title)}", f"::stop-commands::{token}", text,
                      f"::{token}::", "::endgroup::"])
