"""Options of the `kb` MkDocs plugin, as written under `plugins: - kb:` in mkdocs.yml.

Simple options are typed here so MkDocs rejects a wrong type early; nested
ones (taxonomy, contact) are checked in depth by `kb.settings`, which the
CLI uses too, so both report identical messages.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from kb import settings as defaults


class KbConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off (for example for a quick preview of plain pages)."""

    language = c.Optional(c.Type(str))
    """Language of the site and its interface strings (`nl` or `en`); defaults to
    `theme.language`. Also sets the search language, with stemming enabled.
    A two-letter ISO 639-1 code, optionally with a region or script in any case or
    separator (`nl-BE`, `nl_be`, `EN`, `pt-BR`): kb's strings use the base language
    (Dutch for `nl-BE`, English for languages other than nl and en), Material's
    interface the variant if it has one (`pt-BR`), else the base language, else
    English. Anything else (`zz`) is an error in `kb check` and `kb build`."""

    review_every = c.Type(int, default=defaults.DEFAULT_REVIEW_EVERY)
    """Days between content reviews for articles without `review_every`."""

    owner = c.Type(str, default=defaults.DEFAULT_OWNER)
    """Who reviews articles without an `owner` (a team or person name)."""

    review_policy = c.Choice(defaults.REVIEW_POLICIES, default="warn")
    """What an overdue review does to `kb check` and `kb build`: `warn` or `fail`."""

    coverage_policy = c.Choice(defaults.COVERAGE_POLICIES, default="fail")
    """What a policy area without any article does to `kb check` and `kb build`:
    `fail` (every shop must answer questions in all its policy areas) or `warn`."""

    pages = c.ListOfItems(c.Type(str), default=list(defaults.DEFAULT_PAGES))
    """Folders below the docs folder whose Markdown files are pages, not articles
    (the blog, hand-written pages). A file elsewhere becomes a page with
    `article: false` in its front matter."""

    top_questions = c.Type(int, default=defaults.DEFAULT_TOP_QUESTIONS)
    """How many questions the home page shows under "most asked"."""

    taxonomy = c.Type(dict, default={})
    """Relabel or extend policy areas (with checklist `items`), journey `stages`
    and `contexts`: `{policies: {account: {label: {nl: ..., en: ...}}}}`."""

    contact = c.Type((dict, list), default={})
    """Contact channels: `timezone`, shared `closed` dates and `channels`, each with
    `type`, `label`, `link`/`number`/`address`, `hours`, `closed`, `response_time`."""

    synonyms = c.Type(list, default=[])
    """The site's own synonym groups, added to the curated lists kb ships for the
    site language: `[[bonenpas, spaarkaart, stempelkaart], "decaf, cafeinevrij"]`.
    Used by `kb ask` and by the site search."""

    builtin_synonyms = c.Type(bool, default=True)
    """Use the curated web-shop synonym lists that ship with kb (`nl`, `en`)."""

    cache_dir = c.Type(str, default=defaults.DEFAULT_CACHE_DIR)
    """Folder, relative to mkdocs.yml, for the `kb ask` index; keep it out of git."""

    help_questions = c.Type(int, default=defaults.DEFAULT_HELP_QUESTIONS)
    """How many questions each help block (`help/<context>.json`) lists."""

    chat_invite_after = c.Type(int, default=defaults.DEFAULT_CHAT_INVITE_AFTER)
    """Seconds a shopper may search the help centre without opening a result before
    a chat invitation appears (only while a chat channel is open); 0 turns it off."""

    popularity = c.Optional(c.Type(str))
    """A CSV file, relative to mkdocs.yml, with a page column (`slug`, `page`, `path`
    or `url`) and a count column (`views`, `pageviews`, `visits`, `searches`,
    `contacts`...): the most counted questions come first in every list. An
    analytics export works as it is: URLs and paths become slugs, rows of the same
    page add up."""

    machine_answers = c.Type(bool, default=True)
    """Write `answers.json`, `llms.txt`, `llms-full.txt` and a Markdown copy of each
    answer (`<page>.md`) for a shop's chatbot or virtual assistant."""

    unsafe_html = c.Type(bool, default=False)
    """Publish the raw HTML in article bodies as written. By default kb removes
    what could run script or load foreign content (`<script>`, `<iframe>`,
    `<object>`, `<embed>`, `<form>`, `on...` event attributes, `javascript:`
    links, `data:` URLs other than images) from the pages, `answers.json`, the
    Markdown copies and `llms-full.txt`, and `kb check` warns about each. With
    `true` nothing is removed: anyone who can change an article can then run
    script in every shopper's browser on the help centre's address (read what
    they type, show a fake login or payment form) and in any chatbot or
    assistant that displays `answer_html` from `answers.json`. Only for a site
    whose every editor is trusted like a developer of the shop."""

    def as_options(self) -> dict:
        """The options as the user wrote them, for `kb.settings.parse_settings`."""
        return {key: value for key, value in self.items() if value is not None}
