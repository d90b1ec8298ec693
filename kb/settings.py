"""The `kb` plugin options as a plain model, validated without MkDocs.

The MkDocs plugin (config.py) and the CLI both hand the raw option mapping
to `parse_settings`, so both report the same problems in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

OPTIONS = (
    "enabled", "language", "review_every", "owner", "review_policy", "coverage_policy", "pages",
    "top_questions", "taxonomy", "contact", "synonyms", "builtin_synonyms", "cache_dir",
    "help_questions", "chat_invite_after", "popularity", "machine_answers", "unsafe_html",
)


@dataclass
class Settings:
    language: str = "en"
    review_every: int = DEFAULT_REVIEW_EVERY
    owner: str = DEFAULT_OWNER
    review_policy: str = "warn"
    coverage_policy: str = "fail"  # what a policy area without any article does
    pages: tuple[str, ...] = DEFAULT_PAGES
    top_questions: int = DEFAULT_TOP_QUESTIONS
    taxonomy: Taxonomy = field(default_factory=default_taxonomy)
    contact: Contact = field(default_factory=Contact)
    synonyms: list[Group] = field(default_factory=list)  # the site's own groups
    builtin_synonyms: bool = True
    cache_dir: str = DEFAULT_CACHE_DIR  # relative to mkdocs.yml
    help_questions: int = DEFAULT_HELP_QUESTIONS
    chat_invite_after: int = DEFAULT_CHAT_INVITE_AFTER  # seconds; 0: never
    popularity: str | None = None  # CSV of counts per slug, relative to mkdocs.yml
    machine_answers: bool = True  # answers.json, llms.txt and Markdown copies
    unsafe_html: bool = False  # publish raw HTML in article bodies as written


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def parse_settings(options: dict[str, Any] | None, path: str,
                   theme_language: str | None = None) -> tuple[Settings, list[Problem]]:
    """Validate the plugin options; `path` names mkdocs.yml in messages."""
    options = options or {}
    problems: list[Problem] = []
    settings = Settings()
    base = "plugins.kb"

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, message, field=f"{base}.{key}"))

    for key in options:
        if key not in OPTIONS:
            bad(key, expected_one_of(key, OPTIONS))

    # A NUL in a path makes the operating system refuse it outright; any control
    # character in a name or folder is a typo or worse.
    controlled = [key for key in ("owner", "pages", "cache_dir", "popularity")
                  if key in options and has_control_characters(options[key])]
    for key in controlled:
        bad(key, f"{CONTROL_EXPECTED} but found {short_repr(options[key])}")
    options = {key: value for key, value in options.items() if key not in controlled}

    if not isinstance(options.get("enabled", True), bool):
        bad("enabled", f"expected true or false but found {short_repr(options['enabled'])}")

    language, where = options.get("language"), f"{base}.language"
    if language is None or language == "":
        language, where = theme_language, "theme.language"
    if language is None or language == "":
        language = "en"
    tag = normalise_language(language)
    if tag:
        settings.language = tag
    else:
        problems.append(Problem(path, f"expected a language code such as 'nl' or 'en' but "
                                      f"found {short_repr(language)}", field=where))

    if "review_every" in options:
        value = options["review_every"]
        if _positive_int(value) and value <= MAX_REVIEW_EVERY:
            settings.review_every = value
        elif _positive_int(value):
            # The same bound as an article's own review_every: a larger number is
            # usually meant as "never", which a published answer should not be.
            bad("review_every", f"expected a whole number of days from 1 to {MAX_REVIEW_EVERY} "
                                f"(10 years) but found {short_repr(value)}")
        else:
            bad("review_every", f"expected a whole number of days above 0 but found "
                                f"{short_repr(value)}")
    for key in ("top_questions", "help_questions"):
        if key in options:
            if _positive_int(options[key]):
                setattr(settings, key, options[key])
            else:
                bad(key, f"expected a whole number above 0 but found {short_repr(options[key])}")
    if "chat_invite_after" in options:
        value = options["chat_invite_after"]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            settings.chat_invite_after = value
        else:
            bad("chat_invite_after", f"expected a whole number of seconds (0 to turn the "
                                     f"invitation off) but found {short_repr(value)}")
    if "owner" in options:
        if isinstance(options["owner"], str) and options["owner"].strip():
            settings.owner = options["owner"].strip()
        else:
            bad("owner", f"expected a team or person name but found {short_repr(options['owner'])}")
    if "review_policy" in options:
        if options["review_policy"] in REVIEW_POLICIES:
            settings.review_policy = options["review_policy"]
        else:
            bad("review_policy", expected_one_of(options["review_policy"], REVIEW_POLICIES))
    if "coverage_policy" in options:
        if options["coverage_policy"] in COVERAGE_POLICIES:
            settings.coverage_policy = options["coverage_policy"]
        else:
            bad("coverage_policy", expected_one_of(options["coverage_policy"],
                                                   COVERAGE_POLICIES))
    if "pages" in options:
        pages = options["pages"]
        if isinstance(pages, str):
            pages = [pages]
        if isinstance(pages, list) and all(isinstance(p, str) and p.strip("/ ") for p in pages):
            settings.pages = tuple(p.strip("/ ") for p in pages)
        else:
            bad("pages", f"expected a list of folders below the docs folder but found "
                         f"{short_repr(pages)}")
    settings.synonyms, synonym_problems = parse_option(options.get("synonyms"), path)
    problems += synonym_problems
    for key in ("machine_answers", "builtin_synonyms", "unsafe_html"):
        if key in options:
            if isinstance(options[key], bool):
                setattr(settings, key, options[key])
            else:
                bad(key, f"expected true or false but found {short_repr(options[key])}")
    if "cache_dir" in options:
        if isinstance(options["cache_dir"], str) and options["cache_dir"].strip():
            settings.cache_dir = options["cache_dir"].strip()
        else:
            bad("cache_dir", f"expected a folder name but found {short_repr(options['cache_dir'])}")
    if options.get("popularity") is not None:
        value = options["popularity"]
        if isinstance(value, str) and value.strip():
            settings.popularity = value.strip()
        else:
            bad("popularity", f"expected the path of a CSV file (relative to mkdocs.yml) "
                              f"but found {short_repr(value)}")
    problems += merge(settings.taxonomy, options.get("taxonomy"), path)
    settings.contact, contact_problems = parse_contact(options.get("contact"), path)
    problems += contact_problems
    return settings, problems
