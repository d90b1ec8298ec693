"""Text as it lands somewhere: Markdown that shows it as written, a terminal that must
not act on it, a line with a length limit. Small helpers that reports, the files for
machines, gaps and the CLI share; nothing here imports another kb module."""

from __future__ import annotations

import json
import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def md_escape(text: str) -> str:
    """Plain text that Markdown shows as written (no links, emphasis or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def visible(text: str) -> str:
    """`text` safe to print on a terminal: each control or other unprintable character
    (ESC, BEL, NUL, C1, bidi overrides...) written as its escape, such as '\\x1b'."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # JSON spells these as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def dumps(data: object) -> str:
    """`data` as indented JSON that reads back the same but holds nothing a terminal
    acts on: json.dumps escapes the C0 controls only, not DEL, C1 or bidi overrides.
    A raw line break in its output is indentation; those in strings are escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if text.replace("\n", "").isprintable():
        return text
    return "".join(c if c.isprintable() or c == "\n" else _json_escape(c) for c in text)
