"""kb's own scripts and stylesheets without comments and indentation.

Every page of the help centre loads `kb.css` and `kb.js`, and every shop page
with a help block loads the widget: every byte travels to every shopper, so
they are sent minified. The minifiers rely on how kb writes these files; they
are not meant for anyone else's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources

# Where each asset goes in the site (below the site root) -> its file in kb/assets/.
SITE_ASSETS = {"assets/kb/kb.css": "kb.css", "assets/kb/kb.js": "kb.js"}
# The answer engine's runtime (kb.engine in JavaScript), beside the site's answer index.
ENGINE_ASSETS = {"assets/kb/engine/analysis.js": "engine/analysis.js",
                 "assets/kb/engine/engine.js": "engine/engine.js"}
# The search UI and public API over it (kbHelp.ask). Loaded only when a shopper searches.
SEARCH_ASSETS = {"assets/kb/search.js": "search.js", "assets/kb/search.css": "search.css"}


def asset(*path: str) -> str:
    """The text of a file below kb/assets/."""
    return resources.files("kb").joinpath("assets", *path).read_text(encoding="utf-8")


def site_assets() -> dict[str, str]:
    """The stylesheet and script every page loads, minified, by their place in the site."""
    return {uri: minify(name, asset(name)) for uri, name in SITE_ASSETS.items()}


def engine_assets() -> dict[str, str]:
    """The answer engine's two scripts and the search's script and stylesheet, minified,
    by their place in the site. search.js also carries its stylesheet, for the shadow
    root of a help block on a shop's page: a constructed stylesheet, which a CSP whose
    style-src does not list the help host still applies (a <link> it would block)."""
    found = {uri: minify(name, asset(*name.split("/")))
             for uri, name in {**ENGINE_ASSETS, **SEARCH_ASSETS}.items()}
    found["assets/kb/search.js"] = with_stylesheet(found["assets/kb/search.js"],
                                                   found["assets/kb/search.css"], "search.js")
    return found


CSS_MARKER = '/*KB_CSS*/""'  # where a script expects its stylesheet, as a string


def with_stylesheet(script: str, css: str, name: str) -> str:
    """`script` with its stylesheet `css` in place of CSS_MARKER, as a JavaScript string
    of ASCII only (a shop page in another charset loads the script without a charset)."""
    if CSS_MARKER not in script:
        raise RuntimeError(f"{name} lacks its stylesheet marker")
    # json.dumps escapes quotes and backslashes; "</" cannot end a script it is not inside.
    script = script.replace(CSS_MARKER, json.dumps(css), 1)
    return re.sub(r"[^\x00-\x7f]", lambda m: json.dumps(m.group())[1:-1], script)


def minify(name: str, text: str) -> str:
    return minify_js(text) if name.endswith(".js") else minify_css(text)


def minify_css(css: str) -> str:
    """Comments and runs of white space out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    css = re.sub(r"\s*([{};,>])\s*", r"\1", css)
    # An attribute's value that is a plain word needs no quotes.
    css = re.sub(r'\[([\w-]+)="([A-Za-z_][\w-]*)"\]', r"[\1=\2]", css)
    # After a colon white space never counts (a space before one does: "a :focus").
    return re.sub(r":\s+", ":", css).replace(";}", "}").strip()


def minify_js(js: str) -> str:
    """Comments and the white space code does not need out; the code's tokens and the
    line breaks that may end a statement stay (a line break is dropped only where it
    cannot: after "{", ";", ",", an operator; before a closing bracket or an operator),
    so automatic semicolon insertion reads the result as it read the source. A comment
    such as /*KB_CSS*/ (capitals, no space) is a build marker and stays. Relies on kb's
    own scripts: no template literal with ${...}, no regular expression after ")"."""
    out: list[str] = []
    last = ""  # the last token written
    gap = newline = False
    for kind, text in js_tokens(js):
        if kind == "space" or kind == "comment" and not _MARKER.fullmatch(text):
            gap = True
            newline = newline or "\n" in text
            continue
        if last:
            if newline and last not in _JOIN_AFTER and text not in _JOIN_BEFORE:
                out.append("\n")
            elif gap and (_word_end(last) and _word_start(text) or
                          last[-1] in "+-/" and text[0] == last[-1]):
                out.append(" ")
        out.append(text)
        last = text
        gap = newline = False
    return "".join(out) + "\n"


_JS_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\$]|\\.)*`)
  | (?P<word>[\w$\\\u0080-\uffff]+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<punct>>>>=?|[=!]==|\*\*=|\.\.\.|(?:&&|\|\||\?\?|<<|>>)=|=>|\?\.(?!\d)
              |[=!<>+\-*/%&|^]=|&&|\|\||\?\?|\+\+|--|<<|>>|\*\*|[{}()\[\];,<>+\-*/%&|^!~?:=.])
""", re.S | re.X)
_JS_REGEX = re.compile(r"/(?:[^/\\\[\n]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[a-z]*")
_MARKER = re.compile(r"/\*[A-Z_]+\*/")
# After one of these a "/" starts a regular expression; after anything else it divides.
_REGEX_AFTER = frozenset(
    "( , = : [ ! & | ? { } ; + - * % < > ~ ^ => == === != !== <= >= && || ?? += -= *= "
    "/= %= return typeof instanceof in of new delete void throw case do else".split())
# A line break after these, or before the second set, never ends a statement.
_JOIN_AFTER = frozenset("{ ; , ( [ : ? = => == === != !== < > <= >= && || ?? + - * / % & | "
                        "^ ! ~ += -= *= /= %= . ?.".split())
_JOIN_BEFORE = frozenset("} ) ] , ; . ?. : ? = == === != !== && || ?? * / % & | ^ < > <= >= "
                         "+= -= *= /= %=".split())


def js_tokens(js: str) -> Iterator[tuple[str, str]]:
    """The tokens of a script of kb's, as (kind, text): kind "space", "comment",
    "string", "regex", "word" (names, keywords, numbers) or "punct"."""
    at, before = 0, "("
    while at < len(js):
        match = None
        if js[at] == "/" and before in _REGEX_AFTER and js[at + 1:at + 2] not in ("/", "*"):
            match = _JS_REGEX.match(js, at)
        kind = "regex" if match else ""
        match = match or _JS_TOKEN.match(js, at)
        if not match:
            raise ValueError(f"minify_js cannot read {js[at:at + 30]!r}")
        kind = kind or str(match.lastgroup)
        if kind not in ("space", "comment"):
            before = match.group() if kind in ("word", "punct") else kind
        yield kind, match.group()
        at = match.end()


def _word_end(token: str) -> bool:
    return token[-1].isalnum() or token[-1] in "_$\\" or token[-1] > "\x7f"


def _word_start(token: str) -> bool:
    return token[0].isalnum() or token[0] in "_$\\" or token[0] > "\x7f"
