"""Contact channels: how a shopper reaches a person, when, and how fast.

Parsed from the `contact:` option; used by the contact page, the fallback
block under every answer and (later) the help blocks on the shop's pages.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from kb.problems import (
    CONTROL_EXPECTED,
    Problem,
    closest,
    expected_one_of,
    has_control_characters,
    short_repr,
)
from kb.taxonomy import Labels, label_message, parse_labels, pick

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TYPES = ("chat", "phone", "email", "whatsapp", "form", "store")
UNITS = {
    "minutes": ("m", "min", "mins", "minute", "minutes", "minuut", "minuten"),
    "hours": ("h", "hr", "hrs", "hour", "hours", "uur", "uren"),
    "days": ("d", "day", "days", "dag", "dagen"),
    "workdays": ("workday", "workdays", "working day", "working days",
                 "business day", "business days", "werkdag", "werkdagen"),
}
_UNIT_OF = {alias: unit for unit, aliases in UNITS.items() for alias in aliases}
# Opening hours of one day: (start, end) in minutes after midnight, in order.
Ranges = list[tuple[int, int]]
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_DURATION = re.compile(r"^(\d{1,9})\s*([a-z ]+)$")
# Largest amount of a response time; the widget computes with it in JavaScript numbers,
# and no shop promises an answer within a hundred thousand days.
MAX_DURATION = 99_999
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_JS_NAME = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$")

DEFAULT_LABELS: dict[str, Labels] = {
    "chat": {"nl": "Chat", "en": "Chat"},
    "phone": {"nl": "Telefoon", "en": "Phone"},
    "email": {"nl": "E-mail", "en": "E-mail"},
    "whatsapp": {"nl": "WhatsApp", "en": "WhatsApp"},
    "form": {"nl": "Contactformulier", "en": "Contact form"},
    "store": {"nl": "Winkel", "en": "Shop"},
}


@dataclass
class Duration:
    amount: int
    unit: str  # one of UNITS

    @property
    def minutes(self) -> int:
        per = {"minutes": 1, "hours": 60, "days": 1440, "workdays": 1440}
        return self.amount * per[self.unit]


@dataclass
class Channel:
    id: str
    type: str
    label: Labels
    link: str | None = None
    number: str | None = None
    address: str | None = None
    action: str | None = None
    hours: dict[str, Ranges] | None = None  # None: no fixed hours
    closed: list[date] = field(default_factory=list)
    timezone: str = "Europe/Amsterdam"
    response_time: Duration | None = None
    note: Labels = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return pick(self.label, lang, self.id)

    def note_for(self, lang: str) -> str:
        return pick(self.note, lang)

    @property
    def href(self) -> str | None:
        """Where a click on the channel goes, derived when not configured."""
        if self.link:
            return self.link
        if self.type == "phone" and self.number:
            # "+31 (0)20 ..." is written for people; the (0) is not dialled.
            return "tel:" + re.sub(r"[^\d+]", "", self.number.replace("(0)", ""))
        if self.type == "email" and self.address:
            return "mailto:" + self.address
        if self.type == "whatsapp" and self.number and self.number.strip().startswith("+"):
            return "https://wa.me/" + re.sub(r"\D", "", self.number)
        return None

    @property
    def display(self) -> str | None:
        """The number or address as a shopper reads it."""
        return self.number or self.address


@dataclass
class Contact:
    timezone: str = "Europe/Amsterdam"
    channels: list[Channel] = field(default_factory=list)


_CHANNEL_KEYS = ("id", "type", "label", "link", "number", "address", "action", "hours",
                 "closed", "timezone", "response_time", "note")


def parse_duration(value: Any) -> Duration | None:
    """'2 min', '4 hours', '1 werkdag' -> Duration; None when not understood."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DURATION:
        return Duration(value, "minutes")
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value.strip().lower())
    if not match or match.group(2).strip() not in _UNIT_OF or int(match.group(1)) > MAX_DURATION:
        return None
    return Duration(int(match.group(1)), _UNIT_OF[match.group(2).strip()])


def parse_date(value: Any) -> date | None:
    """A real calendar date written as YYYY-MM-DD, else None."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _parse_ranges(value: Any) -> Ranges | None:
    if value is None or value is False:
        return []
    if isinstance(value, str) and value.strip().lower() in ("closed", "gesloten", ""):
        return []
    parts = value if isinstance(value, list) else str(value).split(",")
    ranges = []
    for part in parts:
        match = _RANGE.match(str(part).strip())
        if not match:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or end > 1440 or end <= start:
            return None
        ranges.append((start, end))
    ranges.sort()
    if any(a[1] > b[0] for a, b in zip(ranges, ranges[1:])):
        return None
    return ranges


# Names Python's zoneinfo loads that browsers reject (Intl.DateTimeFormat throws a
# RangeError, so the help widget would draw nothing): the system's own `localtime`,
# and the placeholder `Factory`, which some browsers accept but which means "not
# set". available_timezones() already leaves out posix/, right/ and posixrules.
_NOT_FOR_BROWSERS = frozenset({"localtime", "Factory"})


@functools.cache
def browser_timezones() -> frozenset[str]:
    """The IANA names a shopper's browser accepts, spelled exactly (a case-insensitive
    file system would let ZoneInfo load 'europe/amsterdam')."""
    return frozenset(available_timezones()) - _NOT_FOR_BROWSERS


def _check_timezone(value: Any, where: str, path: str, problems: list[Problem]) -> str | None:
    if isinstance(value, str) and value in browser_timezones():
        try:
            ZoneInfo(value)
            return value
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    message = f"expected an IANA time zone such as 'Europe/Amsterdam' but found {short_repr(value)}"
    guess = None
    if isinstance(value, str):
        # 'posix/Europe/Amsterdam', 'right/UTC': the same zone under a system folder.
        bare = value.split("/", 1)[1] if value.startswith(("posix/", "right/")) else value
        guess = bare if bare in browser_timezones() else closest(bare, browser_timezones())
    if guess:
        message += f" (did you mean {guess!r}?)"
    problems.append(Problem(path, message, field=where))
    return None


def _dates(value: Any, where: str, path: str, problems: list[Problem]) -> list[date]:
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    result = []
    for item in value:
        parsed = parse_date(item)
        if parsed is None:
            problems.append(Problem(path, f"expected a date as YYYY-MM-DD but found "
                                          f"{short_repr(item)}", field=where))
        else:
            result.append(parsed)
    return sorted(set(result))


def parse_contact(value: Any, path: str) -> tuple[Contact, list[Problem]]:
    """Read the `contact:` option; returns the model and every problem found."""
    problems: list[Problem] = []
    base = "plugins.kb.contact"
    contact = Contact()
    if value is None:
        return contact, problems
    if isinstance(value, list):
        value = {"channels": value}
    if not isinstance(value, dict):
        return contact, [Problem(path, f"expected a mapping but found {short_repr(value)}",
                                 field=base)]
    for key in value:
        if key not in ("timezone", "closed", "channels"):
            problems.append(Problem(path, expected_one_of(key, ("timezone", "closed", "channels")),
                                    field=f"{base}.{key}"))
    if "timezone" in value:
        contact.timezone = _check_timezone(value["timezone"], f"{base}.timezone", path,
                                           problems) or contact.timezone
    shared_closed = _dates(value.get("closed"), f"{base}.closed", path, problems)
    channels = value.get("channels") or []
    if not isinstance(channels, list):
        problems.append(Problem(path, f"expected a list of channels but found "
                                      f"{short_repr(channels)}", field=f"{base}.channels"))
        channels = []
    seen: set[str] = set()
    for index, spec in enumerate(channels):
        channel = _parse_channel(spec, f"{base}.channels[{index}]", path, problems, contact)
        if channel is None:
            continue
        channel.closed = sorted(set(channel.closed) | set(shared_closed))
        if channel.id in seen:
            problems.append(Problem(path, f"two channels have the id {short_repr(channel.id)}; "
                                          f"give one an 'id'",
                                    field=f"{base}.channels[{index}].id"))
        seen.add(channel.id)
        contact.channels.append(channel)
    return contact, problems


def _parse_channel(spec: Any, where: str, path: str, problems: list[Problem],
                   contact: Contact) -> Channel | None:
    """One entry of `channels`; None when it has a problem (reported in `problems`)."""
    if not isinstance(spec, dict):
        problems.append(Problem(path, f"expected a mapping but found {short_repr(spec)}",
                                field=where))
        return None
    before = len(problems)
    for key in spec:
        if key not in _CHANNEL_KEYS:
            problems.append(Problem(path, expected_one_of(key, _CHANNEL_KEYS),
                                    field=f"{where}.{key}"))
    kind = spec.get("type")
    if kind not in TYPES:
        problems.append(Problem(path, expected_one_of(kind, TYPES), field=f"{where}.type"))
        return None
    channel = Channel(id=str(spec.get("id") or kind), type=kind,
                      label=dict(DEFAULT_LABELS[kind]), timezone=contact.timezone)
    _read_labels(spec, channel, where, path, problems)
    _check_id(spec, where, path, problems)
    _read_addresses(spec, channel, where, path, problems)
    _check_reachable(channel, where, path, problems)
    _read_times(spec, channel, where, path, problems)
    return channel if len(problems) == before else None


def _read_labels(spec: dict, channel: Channel, where: str, path: str,
                 problems: list[Problem]) -> None:
    for key in ("label", "note"):
        if key in spec:
            labels = parse_labels(spec[key])
            if labels is None:
                problems.append(Problem(path, label_message(spec[key]), field=f"{where}.{key}"))
            else:
                getattr(channel, key).update(labels)


def _check_id(spec: dict, where: str, path: str, problems: list[Problem]) -> None:
    if "id" not in spec:
        return
    given = spec["id"]
    if has_control_characters(given):
        problems.append(Problem(path, f"{CONTROL_EXPECTED} but found {short_repr(given)}",
                                field=f"{where}.id"))
    elif not ((isinstance(given, str) and given.strip())
              or (isinstance(given, int) and not isinstance(given, bool))):
        problems.append(Problem(path, f"expected an id such as 'chat-nl' but found "
                                      f"{short_repr(given)}", field=f"{where}.id"))


def _read_addresses(spec: dict, channel: Channel, where: str, path: str,
                    problems: list[Problem]) -> None:
    """Where the channel reaches a person: `link`, `number`, `address` and `action`."""
    for key in ("link", "number", "address"):
        if key in spec:
            if has_control_characters(spec[key]):
                problems.append(Problem(path, f"{CONTROL_EXPECTED} but found "
                                              f"{short_repr(spec[key])}", field=f"{where}.{key}"))
            elif isinstance(spec[key], (str, int)) and str(spec[key]).strip():
                setattr(channel, key, str(spec[key]).strip())
            else:
                problems.append(Problem(path, f"expected a text but found {short_repr(spec[key])}",
                                        field=f"{where}.{key}"))
    if channel.link and not re.match(r"^(https?:|mailto:|tel:|/|\.)", channel.link):
        problems.append(Problem(path, f"expected a link starting with https://, mailto:, tel: "
                                      f"or / but found {short_repr(channel.link)}",
                                field=f"{where}.link"))
    if "action" in spec:
        if isinstance(spec["action"], str) and _JS_NAME.match(spec["action"]):
            channel.action = spec["action"]
        else:
            problems.append(Problem(path, f"expected the name of a JavaScript function such as "
                                          f"'Shop.openChat' but found {short_repr(spec['action'])}",
                                    field=f"{where}.action"))


def _check_reachable(channel: Channel, where: str, path: str, problems: list[Problem]) -> None:
    """Each type of channel needs its own way to reach it."""
    kind = channel.type
    if kind == "email" and not channel.address and not channel.link:
        problems.append(Problem(path, "an e-mail channel needs an 'address' or a 'link'",
                                field=f"{where}.address"))
    if kind in ("phone", "whatsapp") and not channel.number and not channel.link:
        problems.append(Problem(path, f"a {kind} channel needs a 'number' or a 'link'",
                                field=f"{where}.number"))
    if kind in ("chat", "form") and not channel.link and not channel.action:
        problems.append(Problem(path, f"a {kind} channel needs a 'link' or an 'action'",
                                field=f"{where}.link"))


def _read_times(spec: dict, channel: Channel, where: str, path: str,
                problems: list[Problem]) -> None:
    """When the channel is open and how fast it answers: `timezone`, `hours`, `closed`
    and `response_time`."""
    if "timezone" in spec:
        channel.timezone = _check_timezone(spec["timezone"], f"{where}.timezone", path,
                                           problems) or channel.timezone
    if "hours" in spec:
        channel.hours = _parse_hours(spec["hours"], f"{where}.hours", path, problems)
    channel.closed = _dates(spec.get("closed"), f"{where}.closed", path, problems)
    if "response_time" in spec:
        channel.response_time = parse_duration(spec["response_time"])
        if channel.response_time is None:
            problems.append(Problem(path, f"expected a duration such as '2 minutes', '4 hours' "
                                          f"or '1 workday' but found "
                                          f"{short_repr(spec['response_time'])}",
                                    field=f"{where}.response_time"))


def _parse_hours(value: Any, where: str, path: str,
                 problems: list[Problem]) -> dict[str, Ranges] | None:
    if not isinstance(value, dict):
        problems.append(Problem(path, f"expected a mapping of weekday (mon..sun) to hours "
                                      f"such as '09:00-17:00' but found {short_repr(value)}",
                                field=where))
        return None
    hours: dict[str, Ranges] = {day: [] for day in WEEKDAYS}
    set_by: dict[str, object] = {}  # weekday -> the key that gave its hours
    for day, spec in value.items():
        days = _expand_days(str(day))
        if days is None:
            problems.append(Problem(path, expected_one_of(day, WEEKDAYS + ("mon-fri",)),
                                    field=f"{where}.{day}"))
            continue
        # A day under two keys ('mon-fri' and 'mon') is a mistake either way round:
        # which one was meant depends on the order of the keys, which YAML hides.
        for other in dict.fromkeys(set_by[one] for one in days if one in set_by):
            both = [one for one in days if set_by.get(one) == other]
            verb = "is" if len(both) == 1 else "are"
            problems.append(Problem(path, f"{', '.join(both)} {verb} set by both "
                                          f"{short_repr(other)} and {short_repr(day)}; give "
                                          f"each day once",
                                    field=f"{where}.{day}"))
        set_by.update((one, day) for one in days if one not in set_by)
        ranges = _parse_ranges(spec)
        if ranges is None:
            problems.append(Problem(path, f"expected hours such as '09:00-17:00', "
                                          f"'09:00-12:00, 13:00-17:00' or 'closed' but found "
                                          f"{short_repr(spec)}", field=f"{where}.{day}"))
            continue
        for one in days:
            hours[one] = ranges
    return hours


def _expand_days(key: str) -> list[str] | None:
    """'mon' -> ['mon']; 'mon-fri' -> ['mon', ..., 'fri']."""
    key = key.strip().lower()
    if key in WEEKDAYS:
        return [key]
    if "-" in key:
        first, _, last = key.partition("-")
        if first in WEEKDAYS and last in WEEKDAYS and WEEKDAYS.index(first) <= WEEKDAYS.index(last):
            return list(WEEKDAYS[WEEKDAYS.index(first): WEEKDAYS.index(last) + 1])
    return None


def format_minutes(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def format_ranges(ranges: Ranges) -> str:
    """[(510, 1050)] -> '08:30–17:30'; empty when closed."""
    return ", ".join(f"{format_minutes(a)}–{format_minutes(b)}" for a, b in ranges)


def group_days(hours: dict[str, Ranges]) -> list[tuple[int, int, Ranges]]:
    """Runs of consecutive open weekdays with equal hours: (first, last, ranges)."""
    runs: list[tuple[int, int, Ranges]] = []
    for index, day in enumerate(WEEKDAYS):
        ranges = hours.get(day, [])
        if runs and runs[-1][2] == ranges and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index, ranges)
        else:
            runs.append((index, index, ranges))
    return [run for run in runs if run[2]]
