"""Answers for machines: `answers.json`, `llms.txt` and a Markdown copy per answer.

A shop's chatbot or virtual assistant grounds itself on the help centre
through these files instead of scraping its pages:

- `answers.json`: every published article with its short and full answer
  (as plain text and as HTML), its place in the taxonomy and its review date,
  most asked first;
- `<page>.md`: a plain-Markdown copy of each answer, next to its page (the
  page's URL with its `/` or `.html` ending replaced by `.md`), so the
  editor's relative links between articles lead from copy to copy;
- `llms.txt` (https://llmstxt.org): an index of those copies per policy area;
- `llms-full.txt`: every copy in one file, for assistants that take the whole
  help centre in one request.

Nothing here imports MkDocs: the renderer hands over each article's URL and
the HTML of the editor's answer, and writes the returned texts.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote

from kb.articles import Article
from kb.i18n import Translator
from kb.sanitize import safe_markdown
from kb.site import CONTACT, SitePlan
from kb.text import md_escape

ANSWERS_JSON = "answers.json"
LLMS_TXT = "llms.txt"
LLMS_FULL_TXT = "llms-full.txt"


@dataclass
class SiteInfo:
    name: str
    url: str = ""  # site_url; empty: links are relative to the site root
    description: str = ""
    language: str = "en"
    unsafe_html: bool = False  # the Markdown copies keep raw HTML as written

    def link(self, path: str) -> str:
        """`path` (relative to the site root, URL-encoded) as the files show it."""
        return self.url.rstrip("/") + "/" + path if self.url else path


# --- HTML to readable text ---------------------------------------------------

BLOCKS = {"address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
          "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
          "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
          "ul"}
SKIPPED = {"script", "style", "template", "noscript"}
# Links that only make sense on the page: heading permalinks and footnote back-references.
PAGE_ONLY_LINKS = {"headerlink", "footnote-backref"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


# Rendered answers are small, well-formed HTML: splitting them with one regular
# expression is several times faster than html.parser, which was most of the
# time machine_files took at 10,000 articles.
_TOKEN = re.compile(r"""
    <!--.*?(?:-->|\Z)                                  # comment
  | <(/?)([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>  # tag: end?, name, attributes
  | <[!?][^>]*>                                        # doctype, processing instruction
""", re.DOTALL | re.VERBOSE)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_SPACES = re.compile(r"\s+")
RAW_TEXT = {"script", "style"}  # their content is text up to the end tag, never markup
_RAW_END = {tag: re.compile(rf"</{tag}[^>]*(?:>|\Z)", re.IGNORECASE) for tag in RAW_TEXT}


def _attributes(source: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in _ATTRIBUTE.finditer(source):
        value = next((v for v in m.group(2, 3, 4) if v is not None), "")
        found.setdefault(m.group(1).lower(), unescape(value))
    return found


class _Text:
    """Collects text with paragraph, heading, list, row and line breaks kept."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.pending = 0  # line breaks owed before the next text
        self.fresh = True  # nothing written on the current line yet
        self.skip: list[str] = []  # open elements whose content is left out
        self.pre = 0
        self.lists: list[list] = []  # per open list: [tag, next number, indent]
        self.cells = 0  # cells written in the current table row

    def _indent(self, lists: list[list] | None = None) -> str:
        return "".join(" " * item[2] for item in (self.lists if lists is None else lists))

    def _break(self, lines: int) -> None:
        self.pending = max(self.pending, lines)

    def _trim(self) -> None:
        """Drop spaces at the end of the current line."""
        if self.out and not self.fresh:
            self.out[-1] = self.out[-1].rstrip(" ")

    def _newline(self, indent: str) -> None:
        if self.out:
            self._trim()
            self.out.append("\n" * max(self.pending, 1) + indent)
        elif indent:
            self.out.append(indent)
        self.pending = 0
        self.fresh = True

    def _emit(self, text: str) -> None:
        if not self.pre and (self.fresh or self.pending
                             or (self.out and self.out[-1].endswith(" "))):
            text = text.lstrip(" ")
        if not text:
            return
        if self.pending:
            self._newline(self._indent())
        self.out.append(text)
        self.fresh = False

    def feed(self, html: str) -> None:
        at = 0
        for m in _TOKEN.finditer(html):
            if m.start() < at:
                continue  # inside a script or style skipped below
            if m.start() > at:
                self._data(html[at:m.start()])
            at = m.end()
            end, tag, source = m.group(1, 2, 3)
            if tag is None:
                continue
            tag = tag.lower()
            if end:
                self.handle_endtag(tag)
                continue
            self.handle_starttag(tag, source)
            if tag in RAW_TEXT:
                # Searched in `html` itself: lower() may change its length (İ).
                close = _RAW_END[tag].search(html, at)
                at = close.end() if close else len(html)
                self.handle_endtag(tag)
            elif source.rstrip().endswith("/") and tag not in VOID:
                self.handle_endtag(tag)
        self._data(html[at:])

    def _data(self, raw: str) -> None:
        self.handle_data(unescape(raw) if "&" in raw else raw)

    def handle_starttag(self, tag: str, source: str) -> None:
        if self.skip:
            if tag not in VOID:
                self.skip.append(tag)
            return
        attributes = _attributes(source) if tag in ("a", "img") else {}
        classes = set((attributes.get("class") or "").split())
        if tag in SKIPPED or (tag == "a" and classes & PAGE_ONLY_LINKS):
            self.skip.append(tag)
            return
        if tag in ("ul", "ol"):
            self._break(1 if self.lists else 2)
            self.lists.append([tag, 1, 2 if tag == "ul" else 3])
        elif tag == "li" and self.lists:
            self._list_item()
        elif tag == "tr":
            self._break(1)
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                self._trim()
                self.out.append(" | ")
                self.fresh = True
            self.cells += 1
        elif tag == "br":
            self._break(1)
        elif tag == "img":
            alt = (attributes.get("alt") or "").strip()
            if alt:
                self.handle_data(alt)
        elif tag == "pre":
            self._break(1 if self.lists else 2)
            self.pre += 1
        elif tag in BLOCKS:
            # A list item's first paragraph stays on the marker's line.
            if not (self.lists and self.fresh and not self.pending):
                self._break(1 if self.lists else 2)

    def _list_item(self) -> None:
        """An item's marker on a line of its own, indented as its list."""
        current = self.lists[-1]
        marker = "- "
        if current[0] == "ol":
            marker = f"{current[1]}. "
            current[1] += 1
        self._break(1)
        self._newline(self._indent(self.lists[:-1]))
        self.out.append(marker)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if self.skip[-1] == tag:
                self.skip.pop()
            return
        if tag in ("ul", "ol"):
            if self.lists and self.lists[-1][0] == tag:
                self.lists.pop()
            self._break(1 if self.lists else 2)
        elif tag in ("li", "tr"):
            self._break(1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._break(1 if self.lists else 2)
        elif tag in BLOCKS:
            self._break(1 if self.lists else 2)

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if self.pre:
            for n, line in enumerate(data.split("\n")):
                if n:
                    self._break(1)
                if line:
                    self._emit(line)
            return
        self._emit(_SPACES.sub(" ", data))

    def text(self) -> str:
        lines = "".join(self.out).split("\n")
        text = "\n".join(line.rstrip() for line in lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Readable plain text of rendered HTML: tags and permalinks dropped, entities
    decoded, paragraphs apart, list items and table rows on their own lines."""
    parser = _Text()
    parser.feed(html)
    return parser.text()


_PAGE_ONLY = re.compile(
    r'<a\b[^>]*\bclass="[^"]*\b(?:headerlink|footnote-backref)\b[^"]*"[^>]*>.*?</a>',
    re.DOTALL)


def clean_html(html: str) -> str:
    """The answer's HTML without links that only work on its page (heading
    permalinks, footnote back-references)."""
    return _PAGE_ONLY.sub("", html).strip()


# --- Markdown ------------------------------------------------------------------

def markdown_path(url: str) -> str:
    """Where the Markdown copy of the page at `url` (relative to the site root)
    lives: `retourneren/termijn/` and `retourneren/termijn.html` become
    `retourneren/termijn.md`. MkDocs never writes `.md` files, so it cannot
    collide with a page. The copy sits where the editor's source file sits (but
    for a folder's `index.md` under directory URLs: `retourneren/` becomes
    `retourneren.md`), so relative links between articles lead from copy to copy."""
    path = url.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    if path.endswith(".html"):
        path = path[: -len(".html")]
    path = path.rstrip("/")
    return (path or "index") + ".md"


def markdown_copy(article: Article, page_url: str, t: Translator, safe: bool = True) -> str:
    """The answer as a plain Markdown document: question, short answer, the
    editor's full answer as written (`safe`: without what the page leaves out,
    see kb.sanitize), review date and the page it comes from."""
    body = safe_markdown(article.body) if safe else article.body
    body = body.strip("\n").rstrip()
    parts = [f"# {md_escape(article.title)}", f"> {md_escape(article.summary)}"]
    if body:
        parts.append(body)
    parts.append(t("machine.reviewed", date=article.reviewed.isoformat()))
    parts.append(f"{t('machine.source')}: {page_url}")
    return "\n\n".join(parts) + "\n"


# --- The files -------------------------------------------------------------------

@dataclass
class Entry:
    """One published article with where it lives."""

    article: Article
    url: str  # page, relative to the site root (URL-encoded, as MkDocs gives it)
    html: str  # the editor's answer as rendered
    policy_label: str

    @property
    def markdown(self) -> str:
        return markdown_path(self.url)


def entries(plan: SitePlan, html: Mapping[str, str],
            url_of: Callable[[str], str | None]) -> list[Entry]:
    """The plan's published articles in popularity order."""
    found = []
    for src_uri, extras in plan.articles.items():
        url = url_of(src_uri)
        if url is None:
            continue
        found.append(Entry(extras.article, url, html.get(src_uri, ""), extras.topic.title))
    return found


def answer_texts(html: str, memo: dict[str, tuple[str, str]] | None = None) -> tuple[str, str]:
    """`html_to_text` and `clean_html` of an answer; `memo` (by HTML) keeps them between
    the rebuilds of `kb serve`, which renders only the answers that changed."""
    found = memo.get(html) if memo is not None else None
    if found is None:
        found = html_to_text(html), clean_html(html)
        if memo is not None:
            memo[html] = found
    return found


def answers_document(entries: Iterable[Entry], site: SiteInfo, generated: str,
                     memo: dict[str, tuple[str, str]] | None = None) -> dict:
    answers = [{
        "slug": e.article.slug,
        "url": site.link(e.url),
        "title": e.article.title,
        "summary": e.article.summary,
        "answer_text": text,
        "answer_html": cleaned,
        "policy": e.article.policy,
        "policy_label": e.policy_label,
        "stages": list(e.article.stages),
        "contexts": list(e.article.contexts),
        "keywords": list(e.article.keywords),
        "reviewed": e.article.reviewed.isoformat(),
        "markdown": site.link(e.markdown),
    } for e in entries for text, cleaned in [answer_texts(e.html, memo)]]
    return {
        "site": {"name": site.name, "url": site.url, "language": site.language},
        "generated": generated,
        "count": len(answers),
        "answers": answers,
    }


def answers_json(document: dict) -> str:
    """JSON as UTF-8 text; the line and paragraph separators escaped too, so the
    text stays valid wherever it is pasted as JavaScript."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def llms_txt(plan: SitePlan, entries: list[Entry], site: SiteInfo,
             url_of: Callable[[str], str | None]) -> str:
    """The llmstxt.org index: name, summary, what this is, then per policy area
    its answers (most asked first) and an `Optional` section with the overview pages."""
    t = plan.t
    count = len(entries)
    summary = " ".join(site.description.split()) or t("machine.summary")
    lines = [f"# {md_escape(site.name)}", "", f"> {md_escape(summary)}", "",
             t("machine.about", answers=t.plural("machine.answers", count),
               json=f"[{ANSWERS_JSON}]({site.link(ANSWERS_JSON)})",
               full=f"[{LLMS_FULL_TXT}]({site.link(LLMS_FULL_TXT)})",
               date=plan.today.isoformat())]
    by_policy: dict[str, list[Entry]] = {}
    for entry in entries:
        by_policy.setdefault(entry.article.policy, []).append(entry)
    for topic in plan.topics:
        listed = by_policy.get(topic.term.id)
        if not listed:
            continue
        lines += ["", f"## {md_escape(topic.title)}", ""]
        lines += [f"- [{md_escape(e.article.title)}]({site.link(e.markdown)}): "
                  f"{md_escape(e.article.summary)}" for e in listed]
    optional = []
    contact = url_of(CONTACT)
    if contact is not None:
        optional.append(f"- [{md_escape(t('contact.title'))}]({site.link(contact)}): "
                        f"{md_escape(t('machine.contact'))}")
    for listing in plan.topics + plan.stages:
        url = url_of(listing.src_uri)
        if url is None or not listing.questions:
            continue
        about = listing.term.describe(plan.lang)
        line = f"- [{md_escape(listing.title)}]({site.link(url)})"
        optional.append(line + (f": {md_escape(about)}" if about else ""))
    if optional:
        lines += ["", "## Optional", ""] + optional
    return "\n".join(lines) + "\n"


def llms_full_txt(copies: Iterable[str]) -> str:
    return "\n---\n\n".join(copies)


def machine_files(plan: SitePlan, html: Mapping[str, str],
                  url_of: Callable[[str], str | None], site: SiteInfo,
                  memo: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """Every file for machines: path below the site folder -> text.

    `html` holds, by src_uri, the editor's answer as rendered; `url_of` gives a
    src_uri's page URL relative to the site root (None when it has no page);
    `memo` as for `answer_texts`."""
    found = entries(plan, html, url_of)
    document = answers_document(found, site, plan.today.isoformat(), memo)
    files = {ANSWERS_JSON: answers_json(document)}
    copies = []
    for entry in found:
        copy = markdown_copy(entry.article, site.link(entry.url), plan.t,
                             safe=not site.unsafe_html)
        files[unquote(entry.markdown)] = copy
        copies.append(copy)
    files[LLMS_TXT] = llms_txt(plan, found, site, url_of)
    files[LLMS_FULL_TXT] = llms_full_txt(copies)
    return files


def write_machine_files(site_dir: str, plan: SitePlan, html: Mapping[str, str],
                        url_of: Callable[[str], str | None], site: SiteInfo,
                        taken: Iterable[str] = (),
                        memo: dict[str, tuple[str, str]] | None = None,
                        changed: Callable[[dict[str, str]], dict[str, str]] | None = None
                        ) -> list[str]:
    """Work out every file for machines (`machine_files`) and write it below `site_dir`
    (`write_files`); return the paths left alone. `changed` (kb serve) keeps of the
    files those that differ from what the last build wrote."""
    files = machine_files(plan, html, url_of, site, memo)
    return write_files(site_dir, changed(files) if changed else files, taken)


def write_files(site_dir: str, files: Mapping[str, str], taken: Iterable[str] = ()) -> list[str]:
    """Write `files` below `site_dir` and return the paths left alone because the
    site has them already (`taken`: an editor's own `llms.txt` in the docs folder
    wins). MkDocs never writes `.md` files, so the copies are never left out."""
    taken = set(taken)
    root = os.path.abspath(site_dir)
    skipped = []
    for path, text in files.items():
        if path in taken:
            skipped.append(path)
            continue
        target = os.path.abspath(os.path.join(root, *path.split("/")))
        if not target.startswith(root + os.sep):
            raise ValueError(f"{path!r} lies outside the site folder")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    return skipped
