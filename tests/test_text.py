"""Text as it lands somewhere: kb.text."""

from __future__ import annotations

import json

import pytest

from kb.text import dumps, md_escape, shorten, visible


def test_md_escape_keeps_markdown_syntax_literal():
    assert md_escape("[a](b) *c* _d_ <img> `e` \\") == \
        "\\[a\\](b) \\*c\\* \\_d\\_ \\<img\\> \\`e\\` \\\\"
    assert md_escape("Hoe lang duurt het?") == "Hoe lang duurt het?"


@pytest.mark.parametrize("text, limit, short", [
    ("kort", 10, "kort"),
    ("hoe lang duurt een retour", 14, "hoe lang…"),
    ("hoe lang, duurt het", 10, "hoe lang…"),  # no comma before the ellipsis
])
def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis(text, limit, short):
    assert shorten(text, limit) == short


def test_visible_writes_unprintable_characters_as_their_escapes():
    assert visible("gewoon: é ü ✓") == "gewoon: é ü ✓"
    assert visible("a\x1b[31mb\x07\x00\x9b\u202e") == "a\\x1b[31mb\\x07\\x00\\x9b\\u202e"
    assert visible("regel\nregel") == "regel\\nregel"


def test_dumps_escapes_what_a_terminal_acts_on_and_reads_back_the_same():
    data = {"vraag": "a\x1b[2J\x7f\x9b\u202e\U000e0041 é", "regels": ["een\ntwee"]}
    text = dumps(data)
    assert text.replace("\n", "").isprintable()
    assert "\\u007f\\u009b\\u202e\\udb40\\udc41 é" in text
    assert json.loads(text) == data


def test_dumps_is_indented_json():
    assert dumps({"a": [1]}) == '{\n  "a": [\n    1\n  ]\n}'
