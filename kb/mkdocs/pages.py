"""The site search's pages corpus: blog posts and the editor's own pages, as read
while MkDocs renders them (kb.answerindex.build_page_index indexes them).

Shoppers find them after the answers (contract 3 of issue 16). kb's own pages are
not in it: articles have the answer index, and the home, area, stage, contact and
search pages list what is findable already. Neither are the blog's own listings
(its index, archive and category pages) nor a page whose front matter says
`search: {exclude: true}`, Material's way of keeping a page out of its search.

A page's text is taken from its HTML as rendered, not from its Markdown: it is what
shoppers read, after every Markdown extension, snippet and macro has run and after
kb.sanitize removed what could run script; Markdown would need a second conversion
or leave its syntax in the words. The standard library's html.parser reads it
(0.1 ms for a typical page); the page's heading and the heading links' pilcrows
are left out.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

from material.plugins.blog.structure import Post, View  # type: ignore[import-untyped]
from mkdocs.structure.pages import Page

from kb.answerindex import PageDoc

SUMMARY_CHARS = 240  # a page without a description: its first paragraph, cut here
_SKIPPED = frozenset({"script", "style", "template", "svg"})


def page_kind(page: Page) -> str | None:
    """"blog" for a blog post, "page" for another page of the editor's own, None for a
    page the corpus leaves out (the caller has left out kb's own pages)."""
    if isinstance(page, View):
        return None
    search = page.meta.get("search")
    if isinstance(search, dict) and search.get("exclude") is True:
        return None
    return "blog" if isinstance(page, Post) else "page"


def page_doc(page: Page, html: str, kind: str) -> PageDoc:
    """The page as the corpus holds it: its URL (relative to the site root), title,
    summary (its `description`, else its first paragraph) and text."""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    title = unescape(str(page.title or reader.heading or "")).strip()
    description = page.meta.get("description")
    summary = str(description).strip() if description else _cut(reader.first_paragraph)
    return PageDoc(url=page.url, title=title, summary=unescape(summary),
                   text=" ".join(reader.text.split()), kind=kind)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


class _TextReader(HTMLParser):
    """The text of a page's HTML: `text` without its first <h1> (the title) and
    the pilcrows of heading links; `heading` that <h1>'s text; `first_paragraph`
    the text of the first <p> outside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.heading: str | None = None
        self.first_paragraph = ""
        self._skip = 0  # depth inside elements whose text is not read
        self._in_heading: list[str] | None = None
        self._paragraph: list[str] | None = None

    @property
    def text(self) -> str:
        return " ".join(self.parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._skip or tag in _SKIPPED or "headerlink" in classes:
            self._skip += tag not in _VOID
        elif tag == "h1" and self.heading is None and self._in_heading is None:
            self._in_heading = []
        elif tag == "p" and not self.first_paragraph and self._paragraph is None:
            self._paragraph = []
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            self._skip -= 1
            return
        if tag == "h1" and self._in_heading is not None:
            self.heading = " ".join("".join(self._in_heading).split())
            self._in_heading = None
        elif tag == "p" and self._paragraph is not None:
            self.first_paragraph = "".join(self._paragraph).strip()
            self._paragraph = None
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_heading is not None:
            self._in_heading.append(data)
            return
        if self._paragraph is not None:
            self._paragraph.append(data)
        self.parts.append(data)


# Elements without an end tag, and those that separate words.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                   "meta", "source", "track", "wbr"})
_BLOCKS = frozenset({"p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "br",
                     "tr", "dt", "dd", "pre", "blockquote", "section", "details", "summary"})
