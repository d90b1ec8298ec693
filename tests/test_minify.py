"""kb's own scripts and stylesheets lose comments and indentation, never code."""

from __future__ import annotations

import re

from kb.minify import SITE_ASSETS, asset, minify_css, minify_js, site_assets


def test_a_script_loses_its_comments_but_not_its_code() -> None:
    source = ('var a = "https://x"; // why\n  /* a block\n     comment */\n'
              '  b(a); /* kept: it shares its line */\n  // a line\n  c();\n')
    assert minify_js(source) == 'var a = "https://x";\nb(a); /* kept: it shares its line */\nc();\n'


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
