"""An article's front matter checked field by field: each check reports what is wrong
with its field (with the field's line) and reads the field into its value.

`validate` runs the checks in a fixed order, so that `kb check` lists the problems
of a file in the same order every time: unknown keys, missing fields, then each
field from the title down to the weight. Reading the file and splitting off the
front matter is kb.articles' job; this module sees the parsed mapping only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from kb.contact import parse_date
from kb.problems import ERROR, WARNING, closest, expected_one_of, short_repr
from kb.settings import Settings, is_whole, review_days_refusal
from kb.taxonomy import Taxonomy

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
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--|&[a-zA-Z]+;|&#\d+;")
_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNPRINTABLE_KEY = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Report(Protocol):
    """Records one problem of the file being read."""

    def __call__(self, message: str, line: int | None = None, key: str | None = None,
                 severity: str = ERROR) -> None: ...


@dataclass
class Fields:
    """The front matter of a valid article, each field read into its value."""

    title: str
    summary: str
    policy: str
    stages: list[str]
    reviewed: date
    review_every: int
    owner: str
    contexts: list[str]
    keywords: list[str]
    related: list[str]  # as written; kb.articles turns them into slugs
    covers: list[str]
    draft: bool
    publish: date | None
    expires: date | None
    weight: int | None
    # The front matter as MkDocs reads it, its dates as dates.
    meta: dict[str, Any]


def field_name(key: str) -> str:
    """A front-matter key as messages show it: quoted when it has control characters or
    line breaks, so that a terminal shows them instead of acting on them, and the
    message stays one line."""
    return short_repr(key) if _UNPRINTABLE_KEY.search(key) else key


def _is_word(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


class _Checker:
    """The front matter of one file while it is checked: reports each problem on the
    line of its key and remembers whether one of them was an error."""

    def __init__(self, data: dict[str, Any], lines: dict[str, int], report: Report):
        self.data = data
        self.lines = lines
        self.report = report
        self.broken = False

    def fail(self, key: str, message: str) -> None:
        self.broken = True
        self.report(message, self.lines.get(key, 1), field_name(key), ERROR)

    def warn(self, key: str, message: str, line: int | None) -> None:
        self.report(message, line, field_name(key), WARNING)

    def text(self, key: str) -> str:
        """A text field, its white space collapsed; "" when absent or wrong."""
        value = self.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(key, f"expected a text but found {short_repr(value)}")
            return ""
        if not value.strip():
            self.fail(key, "must not be empty")
        return " ".join(value.split())

    def id_list(self, key: str, choices: list[str], *, required: bool = False) -> list[str]:
        """A list of ids out of `choices` (one id alone counts as a list), without repeats."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.fail(key, f"expected a list such as [{choices[0] if choices else 'x'}] "
                           f"but found {short_repr(value)}")
            return []
        if required and not value:
            self.fail(key, f"expected at least one of {', '.join(choices)} but found an "
                           "empty list")
        result: list[str] = []
        for item in value:
            if not isinstance(item, str) or item not in choices:
                self.fail(key, expected_one_of(item, choices))
            elif item not in result:
                result.append(item)
        return result

    def word_list(self, key: str) -> list[str]:
        """A list of words (numbers count as words), blanks dropped."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(_is_word(v) for v in value):
            self.fail(key, f"expected a list of words but found {short_repr(value)}")
            return []
        return [str(v).strip() for v in value if str(v).strip()]

    def day(self, key: str) -> date | None:
        """A date as YYYY-MM-DD; None when absent or wrong."""
        value = self.data.get(key)
        if value is None:
            return None
        # A YAML `!!timestamp` with a time is a datetime, which a date cannot be
        # compared with.
        parsed = None if isinstance(value, datetime) else parse_date(value)
        if parsed is None:
            if isinstance(value, str) and _DATE_SHAPE.match(value.strip()):
                self.fail(key, f"{short_repr(value)} is not a real date")
            else:
                self.fail(key, f"expected a date as YYYY-MM-DD but found {short_repr(value)}")
        return parsed


def _unknown_keys(check: _Checker) -> None:
    for key in check.data:
        if key not in FIELDS and key not in THEME_KEYS:
            guess = closest(key, FIELDS)
            hint = f"; did you mean {guess!r}?" if guess else ""
            check.warn(key, f"unknown front-matter key{hint} (known keys: {', '.join(FIELDS)})",
                       check.lines.get(key))


def _required(check: _Checker) -> None:
    data = check.data
    for key in REQUIRED:
        empty_summary = key == "summary" and not str(data.get(key) or "").strip()
        if empty_summary and data.get("draft", False) is True:
            # Drafts are where unfinished answers live; publishing needs the summary.
            check.warn(key, "missing; a draft may go without, but it cannot be published "
                            "without a short answer", check.lines.get(key, 1))
            data.pop(key, None)
        elif key not in data or data[key] is None:
            check.fail(key, "missing required field")


def _summary(check: _Checker) -> str:
    summary = check.text("summary")
    if summary:
        if len(summary) > MAX_SUMMARY:
            check.fail("summary", f"expected at most {MAX_SUMMARY} characters but found "
                                  f"{len(summary)}; move the detail into the answer below")
        tag = _HTML_TAG.search(summary)
        if tag:
            check.fail("summary", f"expected plain text but found HTML "
                                  f"{short_repr(tag.group(0))}")
    return summary


def _policy(check: _Checker, taxonomy: Taxonomy) -> str | None:
    policy = check.data.get("policy")
    if policy is None:
        return None
    # A list or a mapping here cannot be looked up (it is unhashable) and is no id.
    if not isinstance(policy, str) or policy not in taxonomy.policies:
        check.fail("policy", expected_one_of(policy, taxonomy.policies))
        return None
    return policy


def _dates(check: _Checker, today: date) -> tuple[date | None, date | None, date | None]:
    """(reviewed, publish, expires)."""
    reviewed = check.day("reviewed")
    publish = check.day("publish")
    expires = check.day("expires")
    if reviewed and reviewed > today:
        check.warn("reviewed", f"{reviewed.isoformat()} is in the future; use the date of "
                               "the review", check.lines.get("reviewed"))
    if publish and expires and expires <= publish:
        check.fail("expires", f"expected a date after publish ({publish.isoformat()}) but "
                              f"found {expires.isoformat()}")
    return reviewed, publish, expires


def _review_every(check: _Checker, settings: Settings) -> Any:
    review_every = check.data.get("review_every", settings.review_every)
    refusal = review_days_refusal(review_every) if "review_every" in check.data else None
    if refusal is not None:
        check.fail("review_every", refusal)
    return review_every


def _owner(check: _Checker, settings: Settings) -> Any:
    owner = check.data.get("owner", settings.owner)
    if not isinstance(owner, str) or not owner.strip():
        check.fail("owner", f"expected a team or person name but found {short_repr(owner)}")
    return owner


def _draft(check: _Checker) -> Any:
    draft = check.data.get("draft", False)
    if not isinstance(draft, bool):
        check.fail("draft", f"expected true or false but found {short_repr(draft)}")
    return draft


def _theme_keys(check: _Checker) -> None:
    for key, (kinds, what) in THEME_TYPES.items():
        value = check.data.get(key)
        if kinds == _TEXTS:
            fits = isinstance(value, str) or isinstance(value, list) and all(
                _is_word(v) for v in value)
        else:
            fits = isinstance(value, kinds)
        if value is not None and not fits:
            check.fail(key, f"expected {what} but found {short_repr(value)}")


def _weight(check: _Checker) -> int | None:
    weight = check.data.get("weight")
    if weight is None or is_whole(weight) and abs(weight) <= MAX_WEIGHT:
        return weight
    digits = " of at most 15 digits" if is_whole(weight) else ""
    check.fail("weight", f"expected a whole number{digits} (1 is shown first) but found "
                         f"{short_repr(weight)}")
    return None


def validate(data: dict[str, Any], lines: dict[str, int], settings: Settings, today: date,
             report: Report) -> Fields | None:
    """The fields of an article's front matter `data` (`lines`: the line of each key),
    or None when one of them has an error; every problem goes to `report`. A draft
    without a summary loses the empty `summary` key from `data`."""
    taxonomy = settings.taxonomy
    check = _Checker(data, lines, report)
    _unknown_keys(check)
    _required(check)
    title = check.text("title")
    summary = _summary(check)
    policy = _policy(check, taxonomy)
    stages = check.id_list("stages", list(taxonomy.stages), required=True)
    contexts = check.id_list("contexts", list(taxonomy.contexts))
    covers = check.id_list("covers", list(taxonomy.policies[policy].items)) if policy else []
    keywords = check.word_list("keywords")
    related = check.word_list("related")
    reviewed, publish, expires = _dates(check, today)
    review_every = _review_every(check, settings)
    owner = _owner(check, settings)
    draft = _draft(check)
    _theme_keys(check)
    weight = _weight(check)
    if check.broken or reviewed is None or policy is None or not title:
        return None
    dates = {"reviewed": reviewed, "publish": publish, "expires": expires}
    return Fields(
        title=title, summary=summary, policy=policy, stages=stages, reviewed=reviewed,
        review_every=review_every, owner=owner.strip(), contexts=contexts, keywords=keywords,
        related=related, covers=covers, draft=bool(draft), publish=publish, expires=expires,
        weight=weight, meta={**data, **{k: v for k, v in dates.items() if k in data}})
