"""Article bodies made safe to publish.

An editor's Markdown may hold raw HTML. Unchecked, a `<script>`, an `<iframe>`,
an `onerror` attribute or a `javascript:` link in one answer runs in every
shopper's browser and travels on in `answers.json` to whatever shows it there.
Hosted help centres strip such content unless an admin allows it; so does kb,
unless the site sets `unsafe_html: true`. One policy, the allowlists below,
serves three uses:

- `sanitize_html`: a page's HTML as Markdown rendered it, cleaned by nh3
  (ammonia, an allowlist sanitizer on a real HTML5 parser) before anything
  captures it: the page, the search index, `answers.json`.
- `findings` and `body_problems`: what that would remove from an article, with
  its line, for `kb check`. Read from the Markdown with the standard HTML parser,
  code blocks and code spans masked, without rendering: `kb check` stays fast.
- `safe_markdown`: the body with those parts cut out, for the Markdown copies
  and `llms-full.txt`, which publish the Markdown itself.

Everything Markdown and the usual extensions write (admonitions, details,
content tabs, tables, highlighted code, footnotes, heading permalinks, task
lists, attr_list classes and ids, Material's SVG icons) is allowed.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape, unescape
from html.parser import HTMLParser

import nh3

from kb.articles import Article
from kb.problems import WARNING, Problem

# --- The policy ---------------------------------------------------------------

_SVG = frozenset({"svg", "g", "path", "circle", "ellipse", "line", "polygon", "polyline",
                  "rect"})
TAGS = frozenset({
    "a", "abbr", "acronym", "area", "article", "aside", "audio", "b", "bdi", "bdo",
    "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "data", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "i", "img", "input", "ins", "kbd",
    "label", "li", "map", "mark", "nav", "ol", "p", "picture", "pre", "q", "rp", "rt", "rtc",
    "ruby", "s", "samp", "section", "small", "source", "span", "strike", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "track",
    "tt", "u", "ul", "var", "video", "wbr",
}) | _SVG
# Removed together with everything inside them: their content is code, a document
# of its own or form controls, never text of the answer. Any other tag outside TAGS
# (<form>, <font>, <meta>...) is removed and its text kept.
DROPPED = frozenset({"script", "style", "iframe", "frame", "frameset", "noframes", "object",
                     "embed", "applet", "noscript", "noembed", "template", "textarea",
                     "select", "xmp", "title"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                   "meta", "source", "track", "wbr", "frame", "param", "keygen"})

GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "style", "role",
                               "hidden", "translate"})
ATTRIBUTE_PREFIXES = ("data-", "aria-")
_PAINT = {"fill", "fill-opacity", "fill-rule", "clip-rule", "stroke", "stroke-width",
          "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
          "stroke-opacity", "opacity", "transform"}
_CELL = {"align", "valign", "colspan", "rowspan", "headers", "width"}
ATTRIBUTES = {tag: frozenset(names) for tag, names in {
    "a": {"href", "hreflang", "name", "rel", "target", "type", "download"},
    "area": {"href", "alt", "shape", "coords", "target", "rel"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "align"},
    "picture": set(),
    "source": {"src", "type", "media", "width", "height"},
    "video": {"src", "poster", "controls", "width", "height", "loop", "muted", "playsinline",
              "preload", "autoplay"},
    "audio": {"src", "controls", "loop", "muted", "preload", "autoplay"},
    "track": {"src", "kind", "srclang", "label", "default"},
    # Task lists (checkbox) and content tabs (radio); other types are dropped.
    "input": {"type", "checked", "disabled", "name", "value"},
    "label": {"for"},
    "ol": {"start", "reversed", "type"},
    "ul": {"type"},
    "li": {"value"},
    "td": _CELL,
    "th": _CELL | {"scope", "abbr"},
    "table": {"align", "width", "summary"},
    "col": {"span", "width", "align"},
    "colgroup": {"span", "width", "align"},
    "tr": {"align", "valign"},
    "thead": {"align", "valign"},
    "tbody": {"align", "valign"},
    "tfoot": {"align", "valign"},
    "details": {"open"},
    "time": {"datetime"},
    "data": {"value"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "map": {"name"},
    "svg": _PAINT | {"viewBox", "xmlns", "width", "height", "preserveAspectRatio",
                     "focusable", "version", "x", "y"},
    "g": _PAINT,
    "path": _PAINT | {"d"},
    "circle": _PAINT | {"cx", "cy", "r"},
    "ellipse": _PAINT | {"cx", "cy", "rx", "ry"},
    "line": _PAINT | {"x1", "y1", "x2", "y2"},
    "polygon": _PAINT | {"points"},
    "polyline": _PAINT | {"points"},
    "rect": _PAINT | {"x", "y", "width", "height", "rx", "ry"},
}.items()}
# Layout and looks, not placement over the page (position, z-index, transform would
# let an answer cover the site's own header or search) and no url(), which could
# load from anywhere (background, list-style, border-image, cursor, content).
STYLE_PROPERTIES = frozenset({
    "text-align", "vertical-align", "color", "background-color", "font-weight", "font-style",
    "font-size", "font-family", "font-variant", "text-decoration", "text-transform",
    "text-indent", "white-space", "word-break", "overflow-wrap", "line-height",
    "letter-spacing", "width", "height", "max-width", "max-height", "min-width", "min-height",
    "margin", "margin-top", "margin-right", "margin-bottom", "margin-left", "padding",
    "padding-top", "padding-right", "padding-bottom", "padding-left", "border",
    "border-top", "border-right", "border-bottom", "border-left", "border-color",
    "border-style", "border-width", "border-radius", "border-collapse", "border-spacing",
    "float", "clear", "display", "list-style-type", "caption-side", "table-layout",
    "overflow", "overflow-x", "overflow-y", "object-fit", "aspect-ratio", "gap",
})
# nh3's list of schemes that cannot run script (http, https, mailto, tel, ...), and
# data: for images only (see _keep).
SCHEMES = frozenset(nh3.ALLOWED_URL_SCHEMES) | {"data"}
URL_ATTRIBUTES = frozenset({"href", "src", "poster"})
# An image can carry itself as a data: URL. SVG is among them: in an <img> it is
# drawn without running its scripts; as a link target it is not allowed.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp",
                         "image/avif", "image/bmp", "image/x-icon", "image/svg+xml"})
# kb.js and Material act on these attributes (kb.js turns data-kb-href into a
# link's href); an answer may only place a help block (data-kb-help).
RESERVED_PREFIXES = ("data-kb-", "data-md-")
ALLOWED_RESERVED = frozenset({"data-kb-help"})
# An element with one of these ids would stand in for kb.js's global of that name.
RESERVED_IDS = frozenset({"kbHelp", "kbHelpData"})
INPUT_TYPES = frozenset({"checkbox", "radio"})

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
# What a browser's URL parser ignores: control characters and spaces around the
# URL, tabs and line breaks anywhere in it ("java\tscript:" is "javascript:").
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_URL_NOISE = re.compile(r"[\t\n\r]")


def url_scheme(value: str) -> str | None:
    """The scheme of a URL as a browser reads it (lowercase), None when relative."""
    m = _SCHEME.match(_URL_NOISE.sub("", value.strip(_URL_EDGES)))
    return m.group(1).lower() if m else None


def _data_type(value: str) -> str:
    """The media type of a data: URL, such as 'image/png'."""
    rest = _URL_NOISE.sub("", value.strip()).partition(":")[2]
    return rest.split(",", 1)[0].split(";", 1)[0].strip().lower()


def _keep(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: the value to keep, or None to drop the attribute.
    nh3 calls it for the attributes the allowlists let through, after its own URL
    scheme check."""
    if name in URL_ATTRIBUTES:
        if url_scheme(value) == "data" and not (
                tag == "img" and name == "src" and _data_type(value) in IMAGE_TYPES):
            return None
    elif name.startswith(RESERVED_PREFIXES) and name not in ALLOWED_RESERVED:
        return None
    elif name == "id" and value in RESERVED_IDS:
        return None
    elif name == "type" and tag == "input" and value.lower() not in INPUT_TYPES:
        return None
    return value


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS), clean_content_tags=set(DROPPED),
        attributes={"*": set(GLOBAL_ATTRIBUTES), **{t: set(a) for t, a in ATTRIBUTES.items()}},
        generic_attribute_prefixes=set(ATTRIBUTE_PREFIXES), attribute_filter=_keep,
        url_schemes=set(SCHEMES), filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None, strip_comments=True)


def sanitize_html(html: str) -> str:
    """`html` (rendered from an editor's Markdown) with everything that could run
    script, load a frame or post a form removed."""
    return _cleaner().clean(html) if html else html


@functools.cache
def _probe() -> nh3.Cleaner:
    """nh3 deciding one URL or one style attribute, for `kb check`."""
    return nh3.Cleaner(tags={"a", "span"}, attributes={"a": {"href"}, "span": {"style"}},
                       url_schemes=set(SCHEMES), filter_style_properties=set(STYLE_PROPERTIES),
                       link_rel=None)


def url_allowed(tag: str, name: str, value: str) -> bool:
    """Whether `sanitize_html` keeps `value` as the URL attribute `name` of `<tag>`."""
    scheme = url_scheme(value)
    if scheme is not None and scheme not in SCHEMES:
        # nh3 has the last word on what it reads as the scheme.
        kept = _probe().clean(f'<a href="{escape(value, quote=True)}"></a>')
        if "href" not in kept:
            return False
    return _keep(tag, name, value) is not None


_STYLE_VALUE = re.compile(r'style="([^"]*)"')


def _filtered_style(value: str) -> str:
    kept = _probe().clean(f'<span style="{escape(value, quote=True)}"></span>')
    m = _STYLE_VALUE.search(kept)
    return unescape(m.group(1)) if m else ""


def _properties(style: str) -> list[str]:
    return [d.partition(":")[0].strip().lower() for d in style.split(";")
            if d.partition(":")[0].strip()]


# --- Finding it in the Markdown -----------------------------------------------

_TAGS_LOWER = {t.lower() for t in TAGS}
_ATTRIBUTES_LOWER = {t: {a.lower() for a in names} for t, names in ATTRIBUTES.items()}
_GLOBAL_LOWER = {a.lower() for a in GLOBAL_ATTRIBUTES}
# Markdown's own attribute: `<div markdown>` (md_in_html) never reaches the page.
_MARKDOWN_ATTRIBUTES = frozenset({"markdown"})
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_AUTOLINK = re.compile(r"<(?:(?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>\s]*|[^<> !]+@[^@<> ]+)>")
_HTML_LINE = re.compile(r"^ {0,3}<[a-zA-Z!/?]")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


# Character references that can hide a scheme from the plain tests below: any
# number, and the names of the characters a URL parser drops or reads as ':'.
_SCHEME_REFERENCES = ("&#", "&colon;", "&Tab;", "&NewLine;")


def _suspect(body: str) -> bool:
    """Whether `body` can hold what `sanitize_html` removes: markup, or a
    javascript:, vbscript: or data: address (also spelled with character
    references). A Markdown link with another unknown scheme (nh3 drops its
    address too) is only looked for in a body with markup. Plain string tests:
    a regular expression took 0.1 ms a body, a second at 10,000 articles."""
    if "<" in body:
        return True
    if "&" in body and any(ref in body for ref in _SCHEME_REFERENCES):
        return True
    at = body.find(":")
    while at >= 0:  # a few colons a body; lower() of every body took longer
        before = body[max(0, at - 6):at].lower()
        if before.endswith(("script", "data")):
            return True
        at = body.find(":", at + 1)
    return False


@dataclass(frozen=True)
class Finding:
    """Something `sanitize_html` would remove: `line` in the body (1-based) and what."""

    line: int
    what: str

    def message(self) -> str:
        return (f"expected HTML that is safe to publish but found {self.what}; kb removes "
                f"it from the page, answers.json and the Markdown copies "
                f"(unsafe_html: true allows raw HTML)")


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    replacement: str = ""


def _mask(body: str) -> str:
    """`body` with code (closed fences, code spans, autolinks) blanked out,
    the same length and lines, so that only raw HTML looks like HTML."""
    if "`" not in body and "~~~" not in body:  # most answers: no code at all
        return _AUTOLINK.sub(_blank, body) if "<" in body else body
    lines = body.split("\n")
    out: list[str] = []
    fence: tuple[str, int] | None = None  # the open fence's character and length
    opened_at = 0
    in_html = False  # a raw HTML block: backticks there are not code
    for n, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1] \
                    and not m.group(2).strip():
                for k in range(opened_at, n + 1):
                    out[k] = " " * len(lines[k])
                fence = None
            continue
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            # Masked once closed: Markdown renders a fence never closed as text,
            # raw HTML and all.
            fence, opened_at = (m.group(1)[0], len(m.group(1))), n
            out.append(line)
            continue
        if not line.strip():
            in_html = False
        elif _HTML_LINE.match(line):
            in_html = True
        line = _AUTOLINK.sub(_blank, line)
        out.append(line if in_html else _mask_code_spans(line))
    return "\n".join(out)


def _blank(m: re.Match) -> str:
    return " " * len(m.group(0))


def _mask_code_spans(line: str) -> str:
    if "`" not in line:
        return line
    chars = list(line)
    i = 0
    while i < len(line):
        if line[i] != "`":
            i += 1
            continue
        run = i
        while run < len(line) and line[run] == "`":
            run += 1
        ticks = line[i:run]
        escaped = (i - len(line[:i].rstrip("\\"))) % 2 == 1
        close = _closing_run(line, run, len(ticks)) if not escaped else -1
        if close < 0:
            i = run
            continue
        for k in range(i, close + len(ticks)):
            chars[k] = " "
        i = close + len(ticks)
    return "".join(chars)


def _closing_run(line: str, start: int, size: int) -> int:
    at = start
    while True:
        at = line.find("`", at)
        if at < 0:
            return -1
        end = at
        while end < len(line) and line[end] == "`":
            end += 1
        if end - at == size:
            return at
        at = end


class _Scanner(HTMLParser):
    """Collects the findings and the edits that remove them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.findings: list[tuple[int, str]] = []  # (offset, what)
        self.edits: list[_Edit] = []
        self.dropping: list[tuple[str, int]] = []  # open DROPPED element and its offset

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        end = start + len(raw)
        if self.dropping:
            if tag == self.dropping[-1][0] and tag not in _VOID:
                self.dropping.append((tag, start))
            return
        if tag in DROPPED:
            self.findings.append((start, f"<{tag}>"))
            if tag in _VOID:
                self.edits.append(_Edit(start, end))
            else:
                self.dropping.append((tag, start))
            return
        if tag not in _TAGS_LOWER:
            self.findings.append((start, f"<{tag}>"))
            self.edits.append(_Edit(start, end))
            return
        kept, changed = [], False
        for name, value in attrs:
            value = value or ""
            why = self._attribute(tag, name, value)
            if why is None:
                kept.append((name, value))
                continue
            changed = True
            if isinstance(why, tuple):  # a style with some properties left out
                self.findings.append((start, why[0]))
                if why[1]:
                    kept.append((name, why[1]))
            else:
                self.findings.append((start, why))
        if changed:
            self.edits.append(_Edit(start, end, _start_tag(tag, kept, raw)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Browsers ignore the '/' of <script/> or <iframe/>: the element stays open.
        self.handle_starttag(tag, attrs)

    def _attribute(self, tag: str, name: str, value: str) -> str | tuple[str, str] | None:
        """Why `sanitize_html` removes this attribute, or None when it keeps it."""
        if name in _MARKDOWN_ATTRIBUTES:
            return None
        allowed = (name in _GLOBAL_LOWER or name in _ATTRIBUTES_LOWER.get(tag, ())
                   or name.startswith(ATTRIBUTE_PREFIXES))
        if not allowed:
            if name.startswith("on"):
                return f"the event handler '{name}' on <{tag}>"
            return f"the attribute '{name}' on <{tag}>"
        if name in URL_ATTRIBUTES:
            if not url_allowed(tag, name, value):
                return f"{_url_what(value)} in '{name}' on <{tag}>"
            return None
        if name == "style":
            filtered = _filtered_style(value)
            left = set(_properties(filtered))
            gone = [p for p in _properties(value) if p not in left]
            if gone:
                names = ", ".join(f"'{p}'" for p in dict.fromkeys(gone))
                return (f"the style {'property' if len(gone) == 1 else 'properties'} "
                        f"{names} on <{tag}>", filtered)
            return None
        if _keep(tag, name, value) is None:
            shown = value if len(value) <= 40 else value[:39] + "\u2026"
            return f"the attribute {name}={shown!r} on <{tag}>"
        return None

    def _through_gt(self, at: int) -> int:
        """The offset just past the first '>' from `at`; the end when there is none."""
        close = self.text.find(">", at)
        return len(self.text) if close < 0 else close + 1

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        end = self._through_gt(start)
        if self.dropping:
            if tag != self.dropping[-1][0]:
                return
            _, opened = self.dropping.pop()
            if not self.dropping:
                self.edits.append(_Edit(opened, end))
            return
        if tag not in _TAGS_LOWER:
            self.edits.append(_Edit(start, end))

    def _remove_markup(self) -> None:
        if not self.dropping:
            start = self._offset()
            self.edits.append(_Edit(start, self._through_gt(start)))

    def handle_comment(self, data: str) -> None:
        # Comments are left out of the page too; a note for editors is no finding.
        if not self.dropping:
            start = self._offset()
            self.edits.append(_Edit(start, self._through_gt(start + len("<!--") + len(data))))

    def handle_decl(self, decl: str) -> None:
        self._remove_markup()

    def handle_pi(self, data: str) -> None:
        self._remove_markup()

    def unknown_decl(self, data: str) -> None:
        self._remove_markup()

    def finish(self) -> None:
        self.close()
        if self.dropping:  # never closed: it takes the rest of the answer with it
            self.edits.append(_Edit(self.dropping[0][1], len(self.text)))
            self.dropping = []


def _start_tag(tag: str, attrs: list[tuple[str, str]], raw: str) -> str:
    parts = [tag] + [name if value == "" else f'{name}="{escape(value, quote=True)}"'
                     for name, value in attrs]
    return "<" + " ".join(parts) + (" />" if raw.rstrip().endswith("/>") else ">")


def _url_what(value: str) -> str:
    scheme = url_scheme(value) or ""
    if scheme == "data":
        kind = _data_type(value)
        return f"a 'data:{kind}' URL" if kind else "a 'data:' URL"
    return f"a '{scheme}:' URL"


def _markdown_links(text: str) -> Iterable[tuple[int, int, str, int]]:
    """Destinations of Markdown links and images: (start, end, url, where the
    link text ends, for `_is_image`; -1 for a reference definition)."""
    at = text.find("](")
    while at >= 0:
        start = at + 2
        while start < len(text) and text[start] in " \t":
            start += 1
        if text.startswith("<", start):
            close = text.find(">", start)
            end = close + 1 if close >= 0 and "\n" not in text[start:close] else start
            url = text[start + 1:end - 1] if end > start else ""
        else:
            end, depth = start, 0
            while end < len(text) and not text[end].isspace():
                if text[end] == "(":
                    depth += 1
                elif text[end] == ")":
                    if depth == 0:
                        break
                    depth -= 1
                end += 1
            url = text[start:end]
        if url:
            yield start, end, url, at
        at = text.find("](", at + 2)
    for m in _REFERENCE.finditer(text):
        url = m.group(1)
        yield m.start(1), m.end(1), url[1:-1] if url.startswith("<") else url, -1


def _is_image(text: str, bracket: int) -> bool:
    """Whether the link text closing at `bracket` opens with '!['."""
    depth = 0
    for i in range(bracket - 1, max(-1, bracket - 2000), -1):
        char = text[i]
        if char == "]":
            depth += 1
        elif char == "[":
            if depth == 0:
                return i > 0 and text[i - 1] == "!"
            depth -= 1
        elif char == "\n" and text.startswith("\n", i + 1):
            return False
    return False


def _scan(body: str) -> tuple[list[tuple[int, str]], list[_Edit], list[int]]:
    text = _mask(body)
    scanner = _Scanner(text)
    if "<" in text:
        scanner.feed(text)
        scanner.finish()
    findings, edits = scanner.findings, scanner.edits
    if ":" in text:
        links = []
        for start, end, url, text_end in _markdown_links(text):
            value = unescape(_ESCAPED.sub(r"\1", url)) if "&" in url or "\\" in url else url
            if url_scheme(value) is None:
                continue
            image = text_end >= 0 and _is_image(text, text_end)
            tag, name = ("img", "src") if image else ("a", "href")
            if url_allowed(tag, name, value):
                continue
            kind = "image" if image else "link"
            links.append((start, end, f"{_url_what(value)} as {kind} address"))
            edits.append(_Edit(start, end, "#"))
        if links:
            # Markup inside a link's address is part of the address, not of the page.
            findings = [f for f in findings if not any(s <= f[0] < e for s, e, _ in links)]
            findings += [(start, what) for start, _, what in links]
    return findings, edits, scanner.starts


def findings(body: str) -> list[Finding]:
    """What `sanitize_html` would remove from the page of this Markdown, in order."""
    if not _suspect(body):
        return []
    found, _, starts = _scan(body)
    return [Finding(bisect.bisect_right(starts, offset), what)
            for offset, what in sorted(found, key=lambda f: f[0])]


def _apply(body: str, edits: list[_Edit]) -> str:
    out, at = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, -e.end)):
        if edit.start < at:
            continue  # inside a part removed already
        out.append(body[at:edit.start])
        out.append(edit.replacement)
        at = edit.end
    out.append(body[at:])
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _safe(body: str) -> str:
    # Cutting one part out can join two others into something new
    # (<scr<script></script>ipt>): cut until nothing is left to cut.
    for _ in range(8):
        _, edits, _ = _scan(body)
        if not edits:
            return body
        body = _apply(body, edits)
    return body.replace("<", "&lt;")


def safe_markdown(body: str) -> str:
    """`body` without what `sanitize_html` would remove from its page, for the
    copies that publish the Markdown itself; a body without HTML comes back as is."""
    return _safe(body) if _suspect(body) else body


# --- kb check -----------------------------------------------------------------

def body_problems(articles: Iterable[Article], unsafe_html: bool = False) -> list[Problem]:
    """A warning, with file and line, per thing `sanitize_html` removes from an
    article; none when the site allows raw HTML."""
    if unsafe_html:
        return []
    problems = []
    for article in articles:
        found = findings(article.body)
        if not found:
            continue
        problems += [Problem(article.path, f.message(), article.body_line + f.line - 1,
                             "body", WARNING) for f in found]
    return problems
