"""kb's own scripts and stylesheets without comments and indentation.

Every page of the help centre loads `kb.css` and `kb.js`, and every shop page
with a help block loads the widget: every byte travels to every shopper, so
they are sent minified. The minifiers rely on how kb writes these files; they
are not meant for anyone else's.
"""

from __future__ import annotations

import re
from importlib import resources

# Where each asset goes in the site (below the site root) -> its file in kb/assets/.
SITE_ASSETS = {"assets/kb/kb.css": "kb.css", "assets/kb/kb.js": "kb.js"}
# The answer engine's runtime (kb.engine in JavaScript), beside the site's answer index.
ENGINE_ASSETS = {"assets/kb/engine/analysis.js": "engine/analysis.js",
                 "assets/kb/engine/engine.js": "engine/engine.js"}


def asset(*path: str) -> str:
    """The text of a file below kb/assets/."""
    return resources.files("kb").joinpath("assets", *path).read_text(encoding="utf-8")


def site_assets() -> dict[str, str]:
    """The stylesheet and script every page loads, minified, by their place in the site."""
    found = {}
    for uri, name in SITE_ASSETS.items():
        text = asset(name)
        found[uri] = minify_js(text) if name.endswith(".js") else minify_css(text)
    return found


def engine_assets() -> dict[str, str]:
    """The answer engine's two scripts, minified, by their place in the site."""
    return {uri: minify_js(asset(*name.split("/"))) for uri, name in ENGINE_ASSETS.items()}


def minify_css(css: str) -> str:
    """Comments and runs of white space out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    css = re.sub(r"\s*([{};,>])\s*", r"\1", css)
    # After a colon white space never counts (a space before one does: "a :focus").
    return re.sub(r":\s+", ":", css).replace(";}", "}").strip()


def minify_js(js: str) -> str:
    """Comments and indentation out, relying on how kb's scripts are written:
    a comment stands on lines of its own or follows code after white space
    ("//" then a space); no string holds " // " or starts a line with "/*"."""
    js = re.sub(r"^[ \t]*/\*(?:(?!\*/).)*\*/[ \t]*\n", "", js, flags=re.S | re.M)
    js = re.sub(r"^[ \t]*//.*\n", "", js, flags=re.M)
    js = re.sub(r"[ \t]+//[ \t].*$", "", js, flags=re.M)
    return re.sub(r"^[ \t]+", "", js, flags=re.M)
