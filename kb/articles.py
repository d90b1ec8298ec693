"""Articles: reading a docs folder into articles and pages, collecting problems.

A Markdown file below the docs folder is an article (one shopper question)
unless it is a *page*: it lies in one of the `pages` folders (default
`blog/`) or its front matter says `article: false`. Pages are left to MkDocs
and never validated as articles. Reading a file splits off its front matter
and checks it for control characters; kb.frontmatter checks each field.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kb import yamlio
from kb.frontmatter import Report, field_name, validate
from kb.problems import (
    CONTROL,
    CONTROL_EXPECTED,
    ERROR,
    WARNING,
    Problem,
    closest,
    control_character,
    display_path,
    short_repr,
)
from kb.settings import Settings

# Control characters (kb.problems.CONTROL) in UTF-8: C0 and DEL are single bytes, C1
# starts with 0xc2. Deleting bytes is four times quicker than the regular expression
# over a whole answer.
_CONTROL_BYTES = bytes([*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])
_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass
class Article:
    slug: str
    src_uri: str  # path below the docs folder, with forward slashes
    path: str  # as shown in messages
    title: str
    summary: str
    policy: str
    stages: list[str]
    reviewed: date
    review_every: int
    owner: str
    contexts: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    covers: list[str] = field(default_factory=list)
    draft: bool = False
    publish: date | None = None
    expires: date | None = None
    weight: int | None = None  # pinned: lower first, before every unpinned question
    body: str = ""
    body_line: int = 1  # the line of the file on which `body` starts
    lines: dict[str, int] = field(default_factory=dict)
    # The front matter as MkDocs reads it (its dates as dates): the renderer is
    # handed this and `body` instead of parsing every file a second time.
    meta: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def is_live(self, today: date) -> bool:
        """Published on `today`: not a draft, past `publish`, before `expires`."""
        if self.draft:
            return False
        if self.publish and today < self.publish:
            return False
        if self.expires and today >= self.expires:
            return False
        return True

    @property
    def review_due(self) -> date:
        """`reviewed` plus `review_every` days; date.max (never) beyond the calendar's end."""
        return add_days(self.reviewed, self.review_every)

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass
class Collection:
    """Everything found in one docs folder."""

    docs_dir: str
    articles: list[Article] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # src_uris of non-article pages
    broken: list[str] = field(default_factory=list)  # slugs of articles with errors
    # Counts per slug from the `popularity` source; None until it has been read.
    popularity: dict[str, float] | None = None

    @property
    def checked(self) -> int:
        """How many article files were read, valid or not."""
        return len(self.articles) + len(self.broken)
    problems: list[Problem] = field(default_factory=list)

    def by_slug(self) -> dict[str, Article]:
        return {a.slug: a for a in self.articles}

    def live(self, today: date) -> list[Article]:
        return [a for a in self.articles if a.is_live(today)]


def add_days(day: date, days: int) -> date:
    """`day` plus `days` (negative: minus), kept within date.min and date.max: a
    review due after the year 9999 is never due, and nothing goes live before year 1."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _control_in(value: Any) -> tuple[str, str] | None:
    """The first text in `value` (lists and mappings included) with a control
    character: (where, the text)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            where = control_character(item)
            if where:
                return where, item
        elif isinstance(item, dict):
            stack += reversed([v for pair in item.items() for v in pair])
        elif isinstance(item, list):
            stack += reversed(item)
    return None


def slug_for(src_uri: str) -> str:
    """`retour/termijn.md` -> `retour/termijn`; `retour/index.md` -> `retour`."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    for index in ("/index", "/README"):
        if stem.endswith(index):
            return stem[: -len(index)]
    return "" if stem in ("index", "README") else stem


def slugify(text: str, max_length: int = 60) -> str:
    """A file-name-safe slug: accents folded, lowercase, words joined by '-'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "vraag"


def normal_title(title: str) -> str:
    """The form in which two titles count as the same question."""
    return re.sub(r"[\W_]+", " ", title.casefold()).strip()


def in_pages(src_uri: str, pages: Iterable[str]) -> bool:
    """Whether `src_uri` lies in one of the `pages` folders (pages, not articles)."""
    return any(src_uri == p or src_uri.startswith(p + "/") for p in pages)


def iter_markdown(docs_dir: str) -> list[str]:
    """All Markdown files below `docs_dir` as sorted src_uris, skipping dot-folders."""
    found = []
    for root, dirs, files in os.walk(docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        folder = os.path.relpath(root, docs_dir).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"  # one relpath per folder, not per file
        found += [prefix + name for name in files
                  if name.endswith(".md") and not name.startswith(".")]
    return sorted(found)


# read_article's signature: what load_collection calls for each file (kb serve and
# kb check hand in their own).
Reader = Callable[[str, str, Settings, date, list[Problem]], "Article | None | bool"]


def load_collection(docs_dir: str, settings: Settings, today: date,
                    read: Reader | None = None) -> Collection:
    """Read and validate every Markdown file below `docs_dir`; `read` stands in for
    `read_article` (kb serve passes one that remembers unchanged files)."""
    collection = Collection(docs_dir)
    read = read or read_article
    for src_uri in iter_markdown(docs_dir):
        path = os.path.join(docs_dir, src_uri)
        result = read(path, src_uri, settings, today, collection.problems)
        if isinstance(result, Article):
            collection.articles.append(result)
        elif result is None:
            collection.pages.append(src_uri)
        else:
            collection.broken.append(slug_for(src_uri))
    collection.problems += _check_unique(collection)
    collection.problems += _check_related(collection, today)
    return collection


def read_article(path: str, src_uri: str, settings: Settings, today: date,
                 problems: list[Problem]) -> Article | None | bool:
    """Read one file, appending what is wrong with it to `problems`.

    Returns the Article, None for a page (not an article), or False when the
    file is broken.
    """
    shown = display_path(path)
    if in_pages(src_uri, settings.pages):
        return None

    def error(message: str, line: int | None = None, key: str | None = None,
              severity: str = ERROR) -> None:
        problems.append(Problem(shown, message, line, key, severity))

    read = _read_text(path, error)
    if read is None:
        return False
    raw, text = read
    split = _split_front_matter(text, settings, error)
    if split is None:
        return False
    yaml_text, body_start = split
    parsed = _parse_front_matter(yaml_text, error)
    if parsed is None:
        return False
    data = parsed.data
    lines = {key: line + 1 for key, line in parsed.lines.items()}
    for key, line in parsed.duplicates:
        error("is set twice; the last value wins, remove the other one", line + 1,
              field_name(key))
    marker = data.get("article", True)
    if marker is False:
        return None
    if marker is not True:
        error(f"expected true or false but found {short_repr(marker)}", lines.get("article"),
              "article")
    body = text[body_start:]
    body_line = text.count("\n", 0, body_start) + 1
    suspect = b"\xc2" in raw or len(raw.translate(None, _CONTROL_BYTES)) != len(raw)
    # Escapes in quoted YAML ("\a", "\x1b") make control characters of plain text.
    controlled = _control_in_front_matter(data, lines, error) \
        if suspect or "\\" in yaml_text else False
    if suspect and _control_in_body(body, body_line, error):
        controlled = True
    fields = validate(data, lines, settings, today, error)
    if fields is None or controlled:
        return False
    # Editors sometimes write the file name; the slug is what links resolve to.
    related = [slug_for(r.strip("/")) if r.endswith(".md") else r.strip("/")
               for r in fields.related]
    # Every field of the front matter by name: one that Fields gains and Article lacks
    # fails here, in every test, rather than being dropped.
    return Article(slug=slug_for(src_uri), src_uri=src_uri, path=shown, body=body,
                   body_line=body_line, lines=lines, **{**vars(fields), "related": related})


def _read_text(path: str, error: Report) -> tuple[bytes, str] | None:
    """The file's bytes and its text with every line ending a LF; None when it cannot
    be read, is empty or is not UTF-8."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        error(f"cannot be read: {exc.strerror}")
        return None
    if not raw.strip():
        error("the file is empty; an article needs front matter and an answer")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        error(f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
              line)
        return None
    # Old Mac files end lines with a lone CR; the YAML parser counts it as a line
    # break too, so line numbers stay those of an editor.
    return raw, text.replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(text: str, settings: Settings, error: Report
                        ) -> tuple[str, int] | None:
    """(the front matter's YAML, where the body starts in `text`); None when the file
    has no front matter between two '---' lines."""
    if not text.startswith("---"):
        error("has no front matter; an article starts with a '---' line followed by "
              "title, summary, policy, stages and reviewed (mark a page that is not an "
              "article with 'article: false' or put it under "
              f"{', '.join(p + '/' for p in settings.pages)})", 1)
        return None
    first_newline = text.find("\n")
    if text[:first_newline].strip() != "---":
        error("the front matter must start with a line of exactly '---'", 1)
        return None
    end = _FRONT_MATTER_END.search(text, first_newline + 1)
    if not end:
        error("the front matter starts with '---' on line 1 but is never closed with '---'", 1)
        return None
    body_start = end.end()
    while text.startswith("\n", body_start):
        body_start += 1
    return text[first_newline + 1: end.start()], body_start


def _parse_front_matter(yaml_text: str, error: Report) -> yamlio.Mapping | None:
    try:
        parsed = yamlio.load_mapping(yaml_text)
    except yamlio.YamlError as exc:
        what = "" if exc.too_big else "is not valid YAML: "
        error(f"the front matter {what}{exc.message}", (exc.line or 0) + 1)
        return None
    if not isinstance(parsed, yamlio.Mapping):
        found = ("nothing" if parsed is None
                 else f"{type(parsed).__name__} {short_repr(parsed)}")
        error(f"the front matter must be a mapping of keys to values but found {found}", 2)
        return None
    return parsed


def _control_in_front_matter(data: dict[str, Any], lines: dict[str, int],
                             error: Report) -> bool:
    """Whether a key or a value has a control character; one error per such key."""
    found = False
    for key, value in data.items():
        where = _control_in([key, value])
        if where:
            error(f"{CONTROL_EXPECTED} but found {where[0]} in {short_repr(where[1])}",
                  lines.get(key, 1), field_name(key))
            found = True
    return found


def _control_in_body(body: str, body_line: int, error: Report) -> bool:
    """Whether the answer has a control character; one error for all of them."""
    found = CONTROL.search(body)
    if not found:
        return False
    # The answer goes to every page, feed and terminal the title goes to.
    more = len(CONTROL.findall(body)) - 1
    column = found.start() - body.rfind("\n", 0, found.start())
    error(f"{CONTROL_EXPECTED} in the answer but found U+{ord(found.group()):04X} at "
          f"column {column}{f' (and {more} more)' if more else ''}",
          body_line + body.count("\n", 0, found.start()))
    return True


def _check_unique(collection: Collection) -> list[Problem]:
    problems = []
    slugs: dict[str, Article] = {}
    titles: dict[str, Article] = {}
    for article in collection.articles:
        key = article.slug.casefold()
        if key in slugs:
            problems.append(Problem(article.path, f"same slug {article.slug!r} as "
                                    f"{slugs[key].path}; both would be published at one "
                                    f"address, rename one file", 1, "slug"))
        else:
            slugs[key] = article
        norm = normal_title(article.title)
        if norm in titles:
            problems.append(Problem(article.path, f"same question as {titles[norm].path} "
                                    f"({short_repr(article.title)}); merge them or rephrase one",
                                    article.line("title"), "title"))
        else:
            titles[norm] = article
    return problems


def _check_related(collection: Collection, today: date) -> list[Problem]:
    problems = []
    by_slug = collection.by_slug()
    slugs = list(by_slug)
    for article in collection.articles:
        for slug in article.related:
            line = article.line("related")
            target = by_slug.get(slug)
            if target is None and slug in collection.broken:
                continue  # that file's own errors are reported already
            if target is None:
                guess = closest(slug, slugs)
                hint = f" (did you mean {guess!r}?)" if guess else ""
                problems.append(Problem(article.path, "no article has the slug "
                                        f"{short_repr(slug)}{hint}", line, "related"))
            elif target is article:
                problems.append(Problem(article.path, "an article cannot be related to itself",
                                        line, "related"))
            elif article.is_live(today) and not target.is_live(today):
                problems.append(Problem(article.path, f"{short_repr(slug)} is not published today "
                                        f"(draft, scheduled or expired) and is left out of the "
                                        f"related questions", line, "related", WARNING))
    return problems
