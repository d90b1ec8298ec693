"""Articles: reading a docs folder, validating front matter, collecting problems.

A Markdown file below the docs folder is an article (one shopper question)
unless it is a *page*: it lies in one of the `pages` folders (default
`blog/`) or its front matter says `article: false`. Pages are left to MkDocs
and never validated as articles.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kb import yamlio
from kb.contact import parse_date
from kb.problems import (
    CONTROL,
    CONTROL_EXPECTED,
    ERROR,
    WARNING,
    Problem,
    closest,
    control_character,
    display_path,
    expected_one_of,
    short_repr,
)
from kb.settings import MAX_REVIEW_EVERY, Settings

REQUIRED = ("title", "summary", "policy", "stages", "reviewed")
OPTIONAL = ("contexts", "keywords", "review_every", "owner", "related", "covers",
            "draft", "publish", "expires", "weight")
FIELDS = REQUIRED + OPTIONAL
# Keys MkDocs and Material understand; allowed on articles without a warning.
THEME_KEYS = ("article", "description", "template", "hide", "search", "icon", "status",
              "subtitle", "tags", "comments", "social")
# What Material's templates can use for each of its page keys; another type stops the
# build with a TypeError deep in a template.
_TEXT = (str,)
_TEXTS = "texts"
THEME_TYPES: dict[str, tuple[Any, str]] = {
    "description": (_TEXT, "a text"), "template": (_TEXT, "a template name such as blog.html"),
    "icon": (_TEXT, "an icon name such as material/truck"), "status": (_TEXT, "a text"),
    "subtitle": (_TEXT, "a text"), "hide": (_TEXTS, "a list such as [navigation, toc]"),
    "tags": (_TEXTS, "a list of words"), "search": ((dict,), "a mapping such as {boost: 2}"),
    "comments": ((bool,), "true or false"), "social": ((bool, dict), "true, false or a mapping"),
}
MAX_SUMMARY = 300
# Weights go into JSON for the widget, whose numbers are exact up to 2**53.
MAX_WEIGHT = 10**15 - 1
# Control characters (kb.problems.CONTROL) in UTF-8: C0 and DEL are single bytes, C1
# starts with 0xc2. Deleting bytes is four times quicker than the regular expression
# over a whole answer.
_CONTROL_BYTES = bytes([*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--|&[a-zA-Z]+;|&#\d+;")
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


_UNPRINTABLE_KEY = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def field_name(key: str) -> str:
    """A front-matter key as messages show it: quoted when it has control characters or
    line breaks, so that a terminal shows them instead of acting on them, and the
    message stays one line."""
    return short_repr(key) if _UNPRINTABLE_KEY.search(key) else key


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


def load_collection(docs_dir: str, settings: Settings, today: date,
                    read: Callable[..., Article | None | bool] | None = None) -> Collection:
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

    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        error(f"cannot be read: {exc.strerror}")
        return False
    if not raw.strip():
        error("the file is empty; an article needs front matter and an answer")
        return False
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        error(f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
              line)
        return False
    # Old Mac files end lines with a lone CR; the YAML parser counts it as a line
    # break too, so line numbers stay those of an editor.
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    if not text.startswith("---"):
        error("has no front matter; an article starts with a '---' line followed by "
              "title, summary, policy, stages and reviewed (mark a page that is not an "
              "article with 'article: false' or put it under "
              f"{', '.join(p + '/' for p in settings.pages)})", 1)
        return False
    first_newline = text.find("\n")
    if text[:first_newline].strip() != "---":
        error("the front matter must start with a line of exactly '---'", 1)
        return False
    end = _FRONT_MATTER_END.search(text, first_newline + 1)
    if not end:
        error("the front matter starts with '---' on line 1 but is never closed with '---'", 1)
        return False
    yaml_text = text[first_newline + 1: end.start()]
    body_start = end.end()
    while text.startswith("\n", body_start):
        body_start += 1
    body = text[body_start:]
    try:
        parsed = yamlio.load_mapping(yaml_text)
    except yamlio.YamlError as exc:
        what = "" if exc.too_big else "is not valid YAML: "
        error(f"the front matter {what}{exc.message}", (exc.line or 0) + 1)
        return False
    if not isinstance(parsed, yamlio.Mapping):
        found = ("nothing" if parsed is None
                 else f"{type(parsed).__name__} {short_repr(parsed)}")
        error(f"the front matter must be a mapping of keys to values but found {found}", 2)
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
    controlled = False
    suspect = b"\xc2" in raw or len(raw.translate(None, _CONTROL_BYTES)) != len(raw)
    # Escapes in quoted YAML ("\a", "\x1b") make control characters of plain text.
    if suspect or "\\" in yaml_text:
        for key, value in data.items():
            where = _control_in([key, value])
            if where:
                error(f"{CONTROL_EXPECTED} but found {where[0]} in {short_repr(where[1])}",
                      lines.get(key, 1), field_name(key))
                controlled = True
    found = CONTROL.search(body) if suspect else None
    if found:
        # The answer goes to every page, feed and terminal the title goes to.
        more = len(CONTROL.findall(body)) - 1
        column = found.start() - body.rfind("\n", 0, found.start())
        error(f"{CONTROL_EXPECTED} in the answer but found U+{ord(found.group()):04X} at "
              f"column {column}{f' (and {more} more)' if more else ''}",
              text.count("\n", 0, body_start + found.start()) + 1)
        controlled = True
    article = _validate(data, lines, body, shown, src_uri, settings, today, error)
    return False if controlled else article


def _validate(data: dict[str, Any], lines: dict[str, int], body: str, shown: str,
              src_uri: str, settings: Settings, today: date, error: Any) -> Article | bool:
    tax = settings.taxonomy
    broken = False
    draft = data.get("draft", False)

    def fail(key: str, message: str, severity: str = ERROR) -> None:
        nonlocal broken
        broken = broken or severity == ERROR
        error(message, lines.get(key, 1), field_name(key), severity)

    for key in data:
        if key not in FIELDS and key not in THEME_KEYS:
            guess = closest(key, FIELDS)
            hint = f"; did you mean {guess!r}?" if guess else ""
            error(f"unknown front-matter key{hint} (known keys: {', '.join(FIELDS)})",
                  lines.get(key), field_name(key), WARNING)
    for key in REQUIRED:
        empty_summary = key == "summary" and not str(data.get(key) or "").strip()
        if empty_summary and draft is True:
            # Drafts are where unfinished answers live; publishing needs the summary.
            error("missing; a draft may go without, but it cannot be published without "
                  "a short answer", lines.get(key, 1), key, WARNING)
            data.pop(key, None)
        elif key not in data or data[key] is None:
            fail(key, "missing required field")

    def text(key: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            fail(key, f"expected a text but found {short_repr(value)}")
            return ""
        if not value.strip():
            fail(key, "must not be empty")
        return " ".join(value.split())

    def id_list(key: str, choices: list[str], *, required: bool = False) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            fail(key, f"expected a list such as [{choices[0] if choices else 'x'}] "
                      f"but found {short_repr(value)}")
            return []
        if required and not value:
            fail(key, f"expected at least one of {', '.join(choices)} but found an empty list")
        result = []
        for item in value:
            if not isinstance(item, str) or item not in choices:
                fail(key, expected_one_of(item, choices))
            elif item not in result:
                result.append(item)
        return result

    def word_list(key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
        ):
            fail(key, f"expected a list of words but found {short_repr(value)}")
            return []
        return [str(v).strip() for v in value if str(v).strip()]

    def when(key: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        # A YAML `!!timestamp` with a time is a datetime, which a date cannot be
        # compared with.
        parsed = None if isinstance(value, datetime) else parse_date(value)
        if parsed is None:
            shape = isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip())
            why = "is not a real date" if shape else "expected a date as YYYY-MM-DD"
            fail(key, f"{why} but found {short_repr(value)}" if not shape
                 else f"{short_repr(value)} {why}")
        return parsed

    title = text("title")
    summary = text("summary")
    if summary:
        if len(summary) > MAX_SUMMARY:
            fail("summary", f"expected at most {MAX_SUMMARY} characters but found "
                            f"{len(summary)}; move the detail into the answer below")
        if _HTML_TAG.search(summary):
            fail("summary", f"expected plain text but found HTML "
                            f"{short_repr(_HTML_TAG.search(summary).group(0))}")
    policy = data.get("policy")
    # A list or a mapping here cannot be looked up (it is unhashable) and is no id.
    if policy is not None and (not isinstance(policy, str) or policy not in tax.policies):
        fail("policy", expected_one_of(policy, tax.policies))
        policy = None
    stages = id_list("stages", list(tax.stages), required=True)
    contexts = id_list("contexts", list(tax.contexts))
    items = list(tax.policies[policy].items) if policy else []
    covers = id_list("covers", items) if policy else []
    keywords = word_list("keywords")
    # Editors sometimes write the file name; the slug is what links resolve to.
    related = [slug_for(r.strip("/")) if r.endswith(".md") else r.strip("/")
               for r in word_list("related")]
    reviewed = when("reviewed")
    publish = when("publish")
    expires = when("expires")
    if reviewed and reviewed > today:
        error(f"{reviewed.isoformat()} is in the future; use the date of the review",
              lines.get("reviewed"), "reviewed", WARNING)
    if publish and expires and expires <= publish:
        fail("expires", f"expected a date after publish ({publish.isoformat()}) but found "
                        f"{expires.isoformat()}")
    review_every = data.get("review_every", settings.review_every)
    if "review_every" in data and not (
            isinstance(review_every, int) and not isinstance(review_every, bool)
            and 0 < review_every <= MAX_REVIEW_EVERY):
        fail("review_every", f"expected a whole number of days from 1 to {MAX_REVIEW_EVERY} "
                             f"(10 years) but found {short_repr(review_every)}")
    owner = data.get("owner", settings.owner)
    if not isinstance(owner, str) or not owner.strip():
        fail("owner", f"expected a team or person name but found {short_repr(owner)}")
    if not isinstance(draft, bool):
        fail("draft", f"expected true or false but found {short_repr(draft)}")
    for key, (kinds, what) in THEME_TYPES.items():
        value = data.get(key)
        if kinds == _TEXTS:
            fits = isinstance(value, str) or isinstance(value, list) and all(
                isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value)
        else:
            fits = isinstance(value, kinds)
        if value is not None and not fits:
            fail(key, f"expected {what} but found {short_repr(value)}")
    weight = data.get("weight")
    if weight is not None and (not isinstance(weight, int) or isinstance(weight, bool)
                               or abs(weight) > MAX_WEIGHT):
        whole = isinstance(weight, int) and not isinstance(weight, bool)
        digits = " of at most 15 digits" if whole else ""
        fail("weight", f"expected a whole number{digits} (1 is shown first) but found "
                       f"{short_repr(weight)}")
        weight = None
    if broken or reviewed is None or policy is None or not title:
        return False
    return Article(
        slug=slug_for(src_uri), src_uri=src_uri, path=shown, title=title, summary=summary,
        policy=policy, stages=stages, reviewed=reviewed, review_every=review_every,
        owner=owner.strip(), contexts=contexts, keywords=keywords, related=related,
        covers=covers, draft=bool(draft), publish=publish, expires=expires, weight=weight,
        body=body, lines=lines,
        meta={**data, **{k: v for k, v in (("reviewed", reviewed), ("publish", publish),
                                            ("expires", expires)) if k in data}},
    )


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
