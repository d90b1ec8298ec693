"""kb's own scripts and stylesheets lose comments and white space, never code."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kb.minify import (
    CSS_MARKER,
    ENGINE_ASSETS,
    SEARCH_ASSETS,
    SITE_ASSETS,
    asset,
    engine_assets,
    js_tokens,
    minify_css,
    minify_js,
    site_assets,
    with_stylesheet,
)

SCRIPTS = ["kb.js", "search.js", "help/kb-help.js", "engine/analysis.js", "engine/engine.js"]


def code(js: str) -> list[str]:
    return [text for kind, text in js_tokens(js) if kind not in ("space", "comment")]


def test_a_script_loses_its_comments_and_the_white_space_code_does_not_need() -> None:
    source = ('var a = "https://x // y"; // why\n  /* a block\n     comment */\n'
              '  b(a, function (x) { return x + 1; }); /* shares its line */\n  // a line\n'
              '  c();\n')
    assert minify_js(source) == 'var a="https://x // y";b(a,function(x){return x+1;});c();\n'


def test_strings_and_regular_expressions_keep_their_spaces() -> None:
    source = "var s = 'a  b', r = / +x\\/ [ /]/g, q = s.split(/ /);\nvar d = a / b / c;\n"
    assert minify_js(source) == "var s='a  b',r=/ +x\\/ [ /]/g,q=s.split(/ /);var d=a/b/c;\n"


def test_operators_that_would_fuse_keep_a_space() -> None:
    assert minify_js("a = b + +c - -d;\n") == "a=b+ +c- -d;\n"
    assert minify_js("x = typeof y;\nreturn new Z();\n") == "x=typeof y;return new Z();\n"


def test_a_line_break_that_may_end_a_statement_stays() -> None:
    # After `return` a line break ends the statement; before `++` it decides what
    # the operator belongs to; after `}` and `)` the next line may start another.
    source = "function f() {\n  return\n  x;\n}\na\n++b\nif (c) d()\ne()\n"
    assert minify_js(source) == "function f(){return\nx;}\na\n++b\nif(c)d()\ne()\n"


def test_a_build_marker_comment_stays() -> None:
    assert minify_js('var CSS = /*KB_CSS*/"";\n') == 'var CSS=/*KB_CSS*/"";\n'


def test_a_template_literal_with_a_placeholder_is_refused_not_mangled() -> None:
    with pytest.raises(ValueError, match="minify_js cannot read"):
        minify_js("var a = `x ${y}`;\n")


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_script_of_kbs_keeps_every_token_of_its_code(name: str) -> None:
    source = asset(*name.split("/"))
    shipped = minify_js(source)
    assert code(shipped) == code(source)
    assert len(shipped) < 0.95 * len(source)


@pytest.mark.skipif(not shutil.which("node"), reason="Node is not installed")
@pytest.mark.parametrize("name", SCRIPTS)
def test_every_minified_script_is_valid_javascript(name: str, tmp_path: Path) -> None:
    path = tmp_path / "script.js"
    path.write_text(minify_js(asset(*name.split("/"))), encoding="utf-8")
    result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_stylesheet_loses_comments_and_white_space_but_not_a_descendant_space() -> None:
    assert minify_css("a :focus { color:  red ; }\n/* x */ b > i {margin: 0 1px;}") == \
        "a :focus{color:red}b>i{margin:0 1px}"


def test_every_page_gets_kbs_stylesheet_and_script_minified() -> None:
    found = site_assets()
    assert list(found) == list(SITE_ASSETS) == ["assets/kb/kb.css", "assets/kb/kb.js"]
    css, js = asset("kb.css"), asset("kb.js")
    assert found["assets/kb/kb.css"] == minify_css(css)
    assert found["assets/kb/kb.js"] == minify_js(js)
    assert len(found["assets/kb/kb.css"]) < len(css) and len(found["assets/kb/kb.js"]) < len(js)
    assert "/*" not in found["assets/kb/kb.css"]
    assert not re.search(r"^[ \t]+", found["assets/kb/kb.js"], re.M)


def test_the_engine_and_the_search_are_written_minified_beside_each_other() -> None:
    found = engine_assets()
    assert list(found) == list(ENGINE_ASSETS) + list(SEARCH_ASSETS) == [
        "assets/kb/engine/analysis.js", "assets/kb/engine/engine.js",
        "assets/kb/search.js", "assets/kb/search.css"]
    css = minify_css(asset("search.css"))
    assert found["assets/kb/search.css"] == css
    # search.js carries the same stylesheet, as a string, for help blocks' shadow roots.
    assert CSS_MARKER in minify_js(asset("search.js"))
    assert found["assets/kb/search.js"] == with_stylesheet(minify_js(asset("search.js")), css, "x")
    assert json.dumps(css) in found["assets/kb/search.js"] and CSS_MARKER not in found[
        "assets/kb/search.js"]


def test_a_script_without_its_stylesheet_marker_is_refused() -> None:
    with pytest.raises(RuntimeError, match="search.js lacks its stylesheet marker"):
        with_stylesheet("var CSS = '';", "a{}", "search.js")


def test_an_embedded_stylesheet_is_ascii_only_and_cannot_end_the_string() -> None:
    script = with_stylesheet('var CSS = /*KB_CSS*/"";', 'a::after{content:"é\\""}', "x")
    assert script.isascii() and "\\u00e9" in script
    assert script == 'var CSS = ' + json.dumps('a::after{content:"é\\""}', ensure_ascii=True) + ";"
