"""The `kb` plugin options: one schema, read without MkDocs.

Each field of `Settings` is one option under `plugins: - kb:` in mkdocs.yml: its
name, its default, the text that explains it to the user (MkDocs shows it as the
option's docstring, kb/mkdocs/config.py) and the function that reads a written
value. `parse_settings` reads the options with that schema for `kb check` and for
the MkDocs plugin alike, so a mistake gets one message, in the same words,
whichever command finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any, TypeGuard, TypeVar

from kb.contact import Contact, parse_contact
from kb.i18n import normalise_language
from kb.problems import (
    CONTROL_EXPECTED,
    Problem,
    expected_one_of,
    has_control_characters,
    short_repr,
)
from kb.synonyms import Group, parse_option
from kb.taxonomy import Taxonomy, default_taxonomy, merge

DEFAULT_REVIEW_EVERY = 180
# Longest `review_every`: ten years. A larger number is usually meant as "never",
# which an article that is still published should not be.
MAX_REVIEW_EVERY = 3650
DEFAULT_OWNER = "unassigned"
DEFAULT_PAGES = ("blog",)
DEFAULT_TOP_QUESTIONS = 8
DEFAULT_CACHE_DIR = ".kb-cache"
DEFAULT_HELP_QUESTIONS = 5
DEFAULT_CHAT_INVITE_AFTER = 45
REVIEW_POLICIES = ("warn", "fail")
COVERAGE_POLICIES = ("fail", "warn")
FIELD = "plugins.kb"  # the options' place in mkdocs.yml, as messages name it

T = TypeVar("T")


# --- reading one option ---------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """What reading an option needs besides its value: mkdocs.yml as shown, the
    option's field in messages and the theme's language (`language` defaults to it)."""

    path: str
    field: str
    theme_language: str | None = None

    def problem(self, message: str) -> Problem:
        return Problem(self.path, message, field=self.field)


# Reads a written value: the value to use (_KEEP: the default) and every problem.
Parse = Callable[[Any, Where], tuple[Any, list[Problem]]]
_KEEP: Any = object()


class _Refused(ValueError):
    """A value a simple option cannot use; the message says what was expected."""


def _simple(check: Callable[[Any], Any], *, text: bool = False) -> Parse:
    """The Parse of an option holding one value: what `check` makes of it, or one
    problem with `check`'s message while the option keeps its default. `text`: a
    control character anywhere in the value is refused first."""

    def parse(value: Any, where: Where) -> tuple[Any, list[Problem]]:
        try:
            # A NUL in a path makes the operating system refuse it outright; any
            # control character in a name or folder is a typo or worse.
            if text and has_control_characters(value):
                raise _Refused(f"{CONTROL_EXPECTED} but found {short_repr(value)}")
            return check(value), []
        except _Refused as refused:
            return _KEEP, [where.problem(str(refused))]

    return parse


def is_whole(value: object) -> TypeGuard[int]:
    """A whole number as YAML gives it (its true and false are ints to Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


def review_days_refusal(value: object) -> str | None:
    """Why `value` is no `review_every`, the option's or an article's; None if it is one.
    Longer than ten years is usually meant as "never", which a published answer
    should not be."""
    if is_whole(value) and 0 < value <= MAX_REVIEW_EVERY:
        return None
    return (f"expected a whole number of days from 1 to {MAX_REVIEW_EVERY} (10 years) but "
            f"found {short_repr(value)}")


def _true_or_false(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _Refused(f"expected true or false but found {short_repr(value)}")


def _review_days(value: Any) -> int:
    refusal = review_days_refusal(value)
    if refusal is not None:
        raise _Refused(refusal)
    return value


def _above_zero(value: Any) -> int:
    if is_whole(value) and value > 0:
        return value
    raise _Refused(f"expected a whole number above 0 but found {short_repr(value)}")


def _seconds(value: Any) -> int:
    if is_whole(value) and value >= 0:
        return value
    raise _Refused(f"expected a whole number of seconds (0 to turn the invitation off) "
                  f"but found {short_repr(value)}")


def _name(expected: str) -> Callable[[Any], str]:
    """A check for a text that is not blank (a name, a folder), read without the
    spaces around it."""

    def check(value: Any) -> str:
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise _Refused(f"{expected} but found {short_repr(value)}")

    return check


def _optional(check: Callable[[Any], T]) -> Callable[[Any], T | None]:
    """`check`, with null meaning "none"."""
    return lambda value: None if value is None else check(value)


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value in choices:
            return value
        raise _Refused(expected_one_of(value, choices))

    return check


def _folders(value: Any) -> tuple[str, ...]:
    pages = [value] if isinstance(value, str) else value
    if isinstance(pages, list) and all(isinstance(p, str) and p.strip("/ ") for p in pages):
        return tuple(p.strip("/ ") for p in pages)
    raise _Refused(f"expected a list of folders below the docs folder but found "
                  f"{short_repr(pages)}")


def _language(value: Any, where: Where) -> tuple[Any, list[Problem]]:
    if value is None or value == "":
        value, where = where.theme_language, replace(where, field="theme.language")
    if value is None or value == "":
        return "en", []
    tag = normalise_language(value)
    if tag:
        return tag, []
    return _KEEP, [where.problem(f"expected a language code such as 'nl' or 'en' but found "
                                f"{short_repr(value)}")]


def _taxonomy(value: Any, where: Where) -> tuple[Taxonomy, list[Problem]]:
    taxonomy = default_taxonomy()
    return taxonomy, merge(taxonomy, value, where.path)


def _contact(value: Any, where: Where) -> tuple[Contact, list[Problem]]:
    return parse_contact(value, where.path)


def _synonyms(value: Any, where: Where) -> tuple[list[Group], list[Problem]]:
    return parse_option(value, where.path, where.field)


# --- the schema -----------------------------------------------------------------------


def _option(default: T, parse: Parse, doc: str) -> T:
    """A field of `Settings` that is an option: `doc` is the user's explanation of it
    (white space in it is one space), `parse` reads what they wrote."""
    return field(default=default, metadata={"doc": " ".join(doc.split()), "parse": parse})


def _made_option(factory: Callable[[], T], parse: Parse, doc: str) -> T:
    """An option whose default is made fresh for each `Settings` (callers change it)."""
    return field(default_factory=factory,
                 metadata={"doc": " ".join(doc.split()), "parse": parse})


@dataclass
class Settings:
    """The kb options as read from mkdocs.yml: each field is one option, in the order
    the messages list them."""

    enabled: bool = _option(True, _simple(_true_or_false), """
        Turn the plugin off (for example for a quick preview of plain pages).""")
    language: str = _option("en", _language, """
        Language of the site and its interface strings (`nl` or `en`); defaults to
        `theme.language`. Also sets the search language, with stemming enabled.
        A two-letter ISO 639-1 code, optionally with a region or script in any case or
        separator (`nl-BE`, `nl_be`, `EN`, `pt-BR`): kb's strings use the base language
        (Dutch for `nl-BE`, English for languages other than nl and en), Material's
        interface the variant if it has one (`pt-BR`), else the base language, else
        English. Anything else (`zz`) is an error in `kb check` and `kb build`.""")
    review_every: int = _option(DEFAULT_REVIEW_EVERY, _simple(_review_days), """
        Days between content reviews for articles without `review_every`.""")
    owner: str = _option(DEFAULT_OWNER, _simple(
        _name("expected a team or person name"), text=True), """
        Who reviews articles without an `owner` (a team or person name).""")
    review_policy: str = _option("warn", _simple(_one_of(REVIEW_POLICIES)), """
        What an overdue review does to `kb check` and `kb build`: `warn` or `fail`.""")
    coverage_policy: str = _option("fail", _simple(_one_of(COVERAGE_POLICIES)), """
        What a policy area without any article does to `kb check` and `kb build`:
        `fail` (every shop must answer questions in all its policy areas) or `warn`.""")
    pages: tuple[str, ...] = _option(DEFAULT_PAGES, _simple(_folders, text=True), """
        Folders below the docs folder whose Markdown files are pages, not articles
        (the blog, hand-written pages). A file elsewhere becomes a page with
        `article: false` in its front matter.""")
    top_questions: int = _option(DEFAULT_TOP_QUESTIONS, _simple(_above_zero), """
        How many questions the home page shows under "most asked".""")
    taxonomy: Taxonomy = _made_option(default_taxonomy, _taxonomy, """
        Relabel or extend policy areas (with checklist `items`), journey `stages`
        and `contexts`: `{policies: {account: {label: {nl: ..., en: ...}}}}`.""")
    contact: Contact = _made_option(Contact, _contact, """
        Contact channels: `timezone`, shared `closed` dates and `channels`, each with
        `type`, `label`, `link`/`number`/`address`, `hours`, `closed`, `response_time`.""")
    synonyms: list[Group] = _made_option(list, _synonyms, """
        The site's own synonym groups, added to the curated lists kb ships for the
        site language: `[[bonenpas, spaarkaart, stempelkaart], "decaf, cafeinevrij"]`.
        Used by `kb ask` and by the site search.""")
    builtin_synonyms: bool = _option(True, _simple(_true_or_false), """
        Use the curated web-shop synonym lists that ship with kb (`nl`, `en`).""")
    cache_dir: str = _option(DEFAULT_CACHE_DIR, _simple(
        _name("expected a folder name"), text=True), """
        Folder, relative to mkdocs.yml, for the `kb ask` index; keep it out of git.""")
    help_questions: int = _option(DEFAULT_HELP_QUESTIONS, _simple(_above_zero), """
        How many questions each help block (`help/<context>.json`) lists.""")
    chat_invite_after: int = _option(DEFAULT_CHAT_INVITE_AFTER, _simple(_seconds), """
        Seconds a shopper may search the help centre without opening a result before
        a chat invitation appears (only while a chat channel is open); 0 turns it off.""")
    popularity: str | None = _option(None, _simple(_optional(_name(
        "expected the path of a CSV file (relative to mkdocs.yml)")), text=True), """
        A CSV file, relative to mkdocs.yml, with a page column (`slug`, `page`, `path`
        or `url`) and a count column (`views`, `pageviews`, `visits`, `searches`,
        `contacts`...): the most counted questions come first in every list. An
        analytics export works as it is: URLs and paths become slugs, rows of the same
        page add up.""")
    machine_answers: bool = _option(True, _simple(_true_or_false), """
        Write `answers.json`, `llms.txt`, `llms-full.txt` and a Markdown copy of each
        answer (`<page>.md`) for a shop's chatbot or virtual assistant.""")
    unsafe_html: bool = _option(False, _simple(_true_or_false), """
        Publish the raw HTML in article bodies as written. By default kb removes
        what could run script or load foreign content (`<script>`, `<iframe>`,
        `<object>`, `<embed>`, `<form>`, `on...` event attributes, `javascript:`
        links, `data:` URLs other than images) from the pages, `answers.json`, the
        Markdown copies and `llms-full.txt`, and `kb check` warns about each. With
        `true` nothing is removed: anyone who can change an article can then run
        script in every shopper's browser on the help centre's address (read what
        they type, show a fake login or payment form) and in any chatbot or
        assistant that displays `answer_html` from `answers.json`. Only for a site
        whose every editor is trusted like a developer of the shop.""")


@dataclass(frozen=True)
class Option:
    """One option of the schema, as the MkDocs adapter and `parse_settings` use it."""

    name: str
    doc: str
    parse: Parse


SCHEMA = tuple(Option(f.name, f.metadata["doc"], f.metadata["parse"]) for f in fields(Settings))
OPTIONS = tuple(option.name for option in SCHEMA)


def parse_settings(options: dict[str, Any] | None, path: str,
                   theme_language: str | None = None) -> tuple[Settings, list[Problem]]:
    """Validate the plugin options; `path` names mkdocs.yml in messages."""
    options = options or {}
    problems = [Problem(path, expected_one_of(key, OPTIONS), field=f"{FIELD}.{key}")
                for key in options if key not in OPTIONS]
    # No `language`, like an empty one, means the theme's.
    written = {"language": None, **options}
    values: dict[str, Any] = {}
    for option in SCHEMA:
        if option.name in written:
            value, found = option.parse(written[option.name],
                                        Where(path, f"{FIELD}.{option.name}", theme_language))
            problems += found
            if value is not _KEEP:
                values[option.name] = value
    return Settings(**values), problems
