"""Popularity: how often shoppers look for each question, read from a CSV export.

The `popularity` option names a CSV with a page column and a count column
(page views, searches or contacts). Counts decide the order of every list of
questions (see `kb.ranking`). The file usually comes straight out of an
analytics tool or a help desk, so a page may be given as a slug, a file name,
a path or a full URL; all of them become a slug here. The same page on
several rows (one per URL variant or per day) adds up.

Nothing here imports MkDocs: `kb.project` (kb check, kb build) and the
plugin (a plain `mkdocs build`) both call `load_popularity`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Set
from urllib.parse import unquote, urlsplit

from kb.articles import Collection, display_path, slug_for
from kb.problems import WARNING, Problem, closest, short_repr
from kb.settings import Settings
from kb.tables import MAX_PROBLEMS, TableError, open_table

OPTION = "plugins.kb.popularity"
# Column names as analytics tools, help desks and Dutch spreadsheets write them;
# matched without regard to case, the first one present wins.
SLUG_COLUMNS = ("slug", "page", "path", "url", "page path", "page location", "landing page",
                "pagina", "paginapad", "page path and screen class")
COUNT_COLUMNS = ("count", "views", "pageviews", "page views", "visits", "visitors", "hits",
                 "searches", "contacts", "aantal", "weergaven", "paginaweergaven", "bezoeken",
                 "bezoekers", "zoekopdrachten", "contacten")
EXPECTED = "'slug,views'"
# Rows in which spreadsheets and analytics exports sum the column.
TOTALS = {"total", "totals", "grand total", "totaal", "eindtotaal", "(total)", "(other)"}
MAX_UNKNOWN = 10  # unknown slugs reported one by one; a big export lists many old pages
# Pages of the site that are not articles: counted by analytics, never ranked.
GENERATED = ("contact", "topics", "stages", "help", "search", "404")

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACES = re.compile(r"[ \u00a0\u202f]")


class PopularityError(ValueError):
    """A count that cannot be read; the message completes "expected ..."."""


def parse_count(text: str) -> float:
    """A count as exports write it, in English or Dutch notation.

    The rule does not depend on the file's separator: a sign followed by
    exactly three digits groups thousands (`1,234`, `1.234`, `1.234.567` and
    `12 345` are whole numbers), any other is the decimal sign (`1,5`, `2.75`).
    With both signs the last one is the decimal sign (`1.234,5`, `1,234.5`).
    A count never has three decimals, so `1.234` is read as 1234 whichever
    language the export was made in; `0,125` keeps its leading zero and is a
    fraction.
    """
    raw = text.strip()
    if not raw:
        raise PopularityError("expected a count but found an empty cell")
    value = _SPACES.sub("", raw)
    if value.startswith("-") and _NUMBER.fullmatch(value[1:]):
        raise PopularityError(f"expected a count of 0 or more but found {short_repr(raw)}")
    if not _NUMBER.fullmatch(value):
        raise PopularityError(f"expected a count (a number such as 1234 or 1.234) but "
                              f"found {short_repr(raw)}")
    signs = [c for c in value if c in ".,"]
    if not signs:
        return float(value)
    if len(set(signs)) == 2:
        decimal = signs[-1]
        if signs.count(decimal) > 1:
            raise PopularityError(f"expected one decimal sign but found {short_repr(raw)}")
        whole, fraction = value.rsplit(decimal, 1)
        return _grouped(whole, raw) + float("0." + fraction)
    groups = value.split(signs[0])
    if len(groups) == 2 and not (len(groups[1]) == 3 and 1 <= len(groups[0]) <= 3
                                 and groups[0] != "0"):
        return float(f"{groups[0]}.{groups[1]}")
    return _grouped(value, raw)


def _grouped(value: str, raw: str) -> float:
    """`1.234.567` or `1,234`: digits in groups of three after the first."""
    groups = re.split(r"[.,]", value)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3
                            or any(len(g) != 3 for g in groups[1:])):
        raise PopularityError(f"expected digits in groups of three between thousands "
                              f"separators but found {short_repr(raw)}")
    return float("".join(groups))


def site_prefix(site_url: str | None) -> str:
    """The path the site lives under (`hulp/` for https://shop.nl/hulp/), or ''."""
    if not site_url:
        return ""
    path = urlsplit(site_url).path.strip("/")
    return path + "/" if path else ""


def page_slug(text: str, prefix: str = "") -> str:
    """The slug a page cell names: a slug, a file (`.md`, `.html`), a path or a URL.

    `https://help.example.nl/retourneren/termijn/?utm=x`, `/retourneren/termijn/`,
    `retourneren/termijn.html` and `retourneren/termijn.md` all give
    `retourneren/termijn`; the home page (`/`, `index.html`) gives ''.
    """
    value = text.strip()
    if "://" in value or value.startswith("//"):
        value = urlsplit(value).path
    value = re.split(r"[?#]", value, maxsplit=1)[0]
    value = unquote(value).replace("\\", "/").strip().strip("/")
    if prefix and (value + "/").startswith(prefix):
        value = value[len(prefix):].strip("/")
    if value.endswith(".html") or value.endswith(".htm"):
        value = value[: value.rindex(".")] + ".md"
    value = re.sub(r"/{2,}", "/", value)
    return slug_for(value) if value.endswith(".md") else value


def _ignored(slug: str, skipped: Iterable[str]) -> bool:
    return any(slug == s or slug.startswith(s + "/") for s in skipped)


def read_popularity(path: str, shown: str, slugs: Set[str], *, prefix: str = "",
                    skipped: Iterable[str] = ()) -> tuple[dict[str, float], list[Problem]]:
    """Counts by slug, and every problem in the file.

    `slugs` are the slugs of every article, published or not: a count for a
    draft is not a mistake. Pages below `skipped` (the home page, contact and
    listing pages, the blog) are left out silently. A slug no article has is a
    warning; any error empties the counts, so a broken file never half-applies.
    """
    skipped = tuple(skipped)
    try:
        table = open_table(path, shown, EXPECTED)
        page_col = table.column(SLUG_COLUMNS, "the page: a slug, path or URL")
        count_col = table.column(COUNT_COLUMNS, "its page views, searches or contacts")
        table.check()
    except TableError as exc:
        return {}, exc.problems
    assert page_col is not None and count_col is not None
    counts: dict[str, float] = {}
    errors: list[Problem] = []
    more = 0
    unknown: dict[str, int] = {}  # slug -> first line
    rows = 0
    # Some analytics tools report paths as typed; the file names decide the case.
    by_case = {s.casefold(): s for s in slugs}

    def error(message: str, line: int) -> None:
        nonlocal more
        if len(errors) < MAX_PROBLEMS:
            errors.append(Problem(shown, message, line))
        else:
            more += 1

    try:
        for line, cells in table.rows():
            rows += 1
            page, count = cells[page_col], cells[count_col]
            if page.strip().casefold() in TOTALS:
                continue  # the export's own sum row
            if not page.strip():
                error("expected a page (slug, path or URL) in column "
                      f"{short_repr(table.header[page_col])} but found an empty cell", line)
                continue
            try:
                value = parse_count(count)
            except PopularityError as exc:
                error(f"{exc} in column {short_repr(table.header[count_col])}", line)
                continue
            slug = page_slug(page, prefix)
            slug = slug if slug in slugs else by_case.get(slug.casefold(), slug)
            if slug not in slugs:
                if slug and not _ignored(slug, skipped):
                    unknown.setdefault(slug, line)
                continue
            counts[slug] = counts.get(slug, 0.0) + value
    except TableError as exc:
        errors = sorted(errors + exc.problems, key=lambda p: (p.line is None, p.line or 0))
    if more:
        errors.append(Problem(shown, f"and {more} more rows with a problem in their page or "
                                     "count"))
    if not rows and not errors:
        errors.append(Problem(shown, f"has a header but no rows; expected one row per page "
                                     f"with its count under the header {', '.join(table.header)}",
                              1))
    problems = errors + _unknown_problems(unknown, slugs, shown)
    return ({} if errors else counts), problems


def _unknown_problems(unknown: dict[str, int], slugs: Set[str], shown: str) -> list[Problem]:
    problems = []
    for slug, line in list(unknown.items())[:MAX_UNKNOWN]:
        guess = closest(slug, slugs)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        problems.append(Problem(shown, f"no article has the slug {short_repr(slug)}{hint}; its "
                                       "count is ignored", line, severity=WARNING))
    if len(unknown) > MAX_UNKNOWN:
        rest = len(unknown) - MAX_UNKNOWN
        problems.append(Problem(shown, f"and {rest} more unknown slug{'s' if rest != 1 else ''} "
                                       "(pages that were moved or removed?)", severity=WARNING))
    return problems


def popularity_path(root: str, settings: Settings) -> str | None:
    """Where the `popularity` option points, resolved against mkdocs.yml's folder."""
    if not settings.popularity:
        return None
    return os.path.normpath(os.path.join(root, settings.popularity))


def load_popularity(root: str, config_shown: str, settings: Settings, collection: Collection,
                    site_url: str | None = None) -> tuple[dict[str, float], list[Problem]]:
    """The counts of the configured popularity CSV for `collection`, and its problems.

    `root` is the folder of mkdocs.yml (the option is relative to it),
    `config_shown` is mkdocs.yml as messages show it. Without the option there
    are no counts and no problems.
    """
    path = popularity_path(root, settings)
    if path is None:
        return {}, []
    if not os.path.exists(path):
        return {}, [Problem(config_shown, f"no such file: {display_path(path)} (the path is "
                                          "relative to mkdocs.yml)", field=OPTION)]
    slugs = {a.slug for a in collection.articles} | set(collection.broken)
    skipped = (*GENERATED, *settings.pages, *(slug_for(p) for p in collection.pages))
    return read_popularity(path, display_path(path), slugs, prefix=site_prefix(site_url),
                           skipped=skipped)

