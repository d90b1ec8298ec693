"""Contact channels: hours, closed dates, response times, links, and how they read."""

from __future__ import annotations

from datetime import date

import pytest

from kb.contact import (
    WEEKDAYS,
    Channel,
    Duration,
    browser_timezones,
    format_ranges,
    group_days,
    parse_contact,
    parse_duration,
)
from kb.i18n import Translator
from kb.problems import short_repr

BASE = "plugins.kb.contact"


def contact(value):
    return parse_contact(value, "mkdocs.yml")


def one_channel(spec: dict, **shared):
    result, problems = contact({**shared, "channels": [spec]})
    assert problems == [], [str(p) for p in problems]
    (channel,) = result.channels
    return channel


def only_problem(value):
    result, problems = contact(value)
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].path == "mkdocs.yml"
    assert problems[0].is_error
    return problems[0]


def phone(**extra):
    return {"type": "phone", "number": "020 123 45 67", **extra}


# --- the model ----------------------------------------------------------------------


def test_no_contact_option_means_no_channels():
    result, problems = contact(None)
    assert problems == []
    assert result.channels == []
    assert result.timezone == "Europe/Amsterdam"


def test_a_list_is_read_as_the_channels():
    result, problems = contact([phone()])
    assert problems == []
    assert [c.type for c in result.channels] == ["phone"]


def test_channel_defaults():
    channel = one_channel(phone())
    assert channel.id == "phone"
    assert channel.label == {"nl": "Telefoon", "en": "Phone"}
    assert channel.title("en") == "Phone"
    assert channel.hours is None
    assert channel.closed == []
    assert channel.timezone == "Europe/Amsterdam"
    assert channel.response_time is None
    assert channel.display == "020 123 45 67"


def test_label_and_note_per_language():
    channel = one_channel(phone(label={"nl": "Bel ons", "en": "Call us"}, note="Gratis"))
    assert channel.title("nl") == "Bel ons"
    assert channel.title("en") == "Call us"
    assert channel.note_for("en") == "Gratis"


def test_timezone_of_the_contact_is_inherited_and_may_be_overridden():
    result, problems = contact({"timezone": "Europe/Brussels", "channels": [
        phone(), {"type": "email", "address": "a@b.nl", "timezone": "Europe/London"}]})
    assert problems == []
    assert result.timezone == "Europe/Brussels"
    assert [c.timezone for c in result.channels] == ["Europe/Brussels", "Europe/London"]


# --- hours --------------------------------------------------------------------------


def test_hours_per_weekday_with_a_range_and_missing_days_closed():
    channel = one_channel(phone(hours={"mon-fri": "08:30-17:30", "sat": "10:00-16:00"}))
    assert channel.hours == {
        "mon": [(510, 1050)], "tue": [(510, 1050)], "wed": [(510, 1050)],
        "thu": [(510, 1050)], "fri": [(510, 1050)], "sat": [(600, 960)], "sun": [],
    }


def test_split_hours_and_closed_days():
    channel = one_channel(phone(hours={
        "mon": "09:00-12:00, 13:00-17:00", "tue": "closed", "wed": "gesloten", "thu": False,
        "fri": ["09:00-12:00", "12:00-24:00"],
    }))
    assert channel.hours["mon"] == [(540, 720), (780, 1020)]
    assert channel.hours["tue"] == channel.hours["wed"] == channel.hours["thu"] == []
    assert channel.hours["fri"] == [(540, 720), (720, 1440)]
    assert channel.hours["sat"] == channel.hours["sun"] == []


@pytest.mark.parametrize("hours, field, message", [
    ({"mon-fri": "08:30-20:00", "mon": "07:00-08:00"}, "mon",
     "mon is set by both 'mon-fri' and 'mon'; give each day once"),
    ({"mon": "07:00-08:00", "mon-fri": "08:30-20:00"}, "mon-fri",
     "mon is set by both 'mon' and 'mon-fri'; give each day once"),
    ({"sat-sun": "10:00-16:00", "sun": "closed"}, "sun",
     "sun is set by both 'sat-sun' and 'sun'; give each day once"),
    ({"mon-fri": "09:00-17:00", "wed-sat": "10:00-12:00"}, "wed-sat",
     "wed, thu, fri are set by both 'mon-fri' and 'wed-sat'; give each day once"),
    ({"Mon": "09:00-17:00", "mon": "closed"}, "mon",
     "mon is set by both 'Mon' and 'mon'; give each day once"),
])
def test_a_day_under_two_hours_keys_is_an_error_naming_both_keys_and_the_day(
        hours, field, message):
    problem = only_problem({"channels": [phone(hours=hours)]})
    assert problem.field == f"{BASE}.channels[0].hours.{field}"
    assert problem.message == message


def test_each_overlap_of_hours_keys_is_reported_once_per_pair_of_keys():
    _, problems = contact({"channels": [phone(hours={
        "mon-sun": "09:00-17:00", "sat": "closed", "sun": "closed"})]})
    assert [p.message for p in problems] == [
        "sat is set by both 'mon-sun' and 'sat'; give each day once",
        "sun is set by both 'mon-sun' and 'sun'; give each day once",
    ]


def test_hours_keys_that_share_no_day_are_fine():
    channel = one_channel(phone(hours={"mon-fri": "09:00-17:00", "sat-sun": "10:00-12:00"}))
    assert channel.hours["fri"] == [(540, 1020)]
    assert channel.hours["sat"] == channel.hours["sun"] == [(600, 720)]


def test_split_ranges_are_sorted():
    channel = one_channel(phone(hours={"mon": "13:00-17:00, 09:00-12:00"}))
    assert channel.hours["mon"] == [(540, 720), (780, 1020)]


@pytest.mark.parametrize("hours", ["9-5", "17:00-09:00", "09:00-09:00",
                                   "09:00-12:00, 11:00-13:00", "25:00-26:00", "09:60-10:00",
                                   "09:00-24:30", "open", "09:00"])
def test_bad_hours_are_an_error(hours):
    problem = only_problem({"channels": [phone(hours={"mon": hours})]})
    assert problem.field == f"{BASE}.channels[0].hours.mon"
    assert problem.message == ("expected hours such as '09:00-17:00', '09:00-12:00, "
                               f"13:00-17:00' or 'closed' but found {hours!r}")


@pytest.mark.parametrize("day, hint", [("maandag", ""), ("mo", " (did you mean 'mon'?)"),
                                       ("fri-mon", None), ("weekend", None)])
def test_bad_weekday_is_an_error(day, hint):
    problem = only_problem({"channels": [phone(hours={day: "09:00-17:00"})]})
    assert problem.field == f"{BASE}.channels[0].hours.{day}"
    assert problem.message.startswith(
        f"expected one of mon, tue, wed, thu, fri, sat, sun, mon-fri but found {day!r}")
    if hint is not None:
        assert problem.message.endswith(f"found {day!r}{hint}")


def test_hours_that_are_not_a_mapping_is_an_error():
    problem = only_problem({"channels": [phone(hours="09:00-17:00")]})
    assert problem.field == f"{BASE}.channels[0].hours"
    assert "mapping of weekday" in problem.message


# --- durations ----------------------------------------------------------------------


@pytest.mark.parametrize("value, amount, unit", [
    ("2 minutes", 2, "minutes"), ("2 min", 2, "minutes"), ("10 minuten", 10, "minutes"),
    ("4 hours", 4, "hours"), ("1 uur", 1, "hours"), ("3 dagen", 3, "days"),
    ("1 werkdag", 1, "workdays"), ("2 werkdagen", 2, "workdays"),
    ("1 working day", 1, "workdays"), ("2 business days", 2, "workdays"),
    ("4 Hours", 4, "hours"), (30, 30, "minutes"), (0, 0, "minutes"),
])
def test_parse_duration(value, amount, unit):
    assert parse_duration(value) == Duration(amount, unit)


@pytest.mark.parametrize("value", ["2 weeks", "soon", "1.5 hours", "-1 hours", -1, True, None,
                                   ["2 minutes"]])
def test_parse_duration_rejects_what_it_does_not_understand(value):
    assert parse_duration(value) is None


def test_duration_in_minutes():
    assert Duration(2, "minutes").minutes == 2
    assert Duration(4, "hours").minutes == 240
    assert Duration(1, "days").minutes == 1440


def test_response_time_is_parsed():
    channel = one_channel({"type": "email", "address": "a@b.nl", "response_time": "1 werkdag"})
    assert channel.response_time == Duration(1, "workdays")


def test_bad_response_time_is_an_error():
    problem = only_problem({"channels": [phone(response_time="2 weeks")]})
    assert problem.field == f"{BASE}.channels[0].response_time"
    assert "expected a duration such as '2 minutes'" in problem.message
    assert "found '2 weeks'" in problem.message


# --- time zones and closed dates ----------------------------------------------------


def test_bad_time_zone_is_an_error_with_the_closest_zone():
    problem = only_problem({"timezone": "Europe/Amsterdm", "channels": [phone()]})
    assert problem.field == f"{BASE}.timezone"
    assert problem.message == ("expected an IANA time zone such as 'Europe/Amsterdam' but "
                               "found 'Europe/Amsterdm' (did you mean 'Europe/Amsterdam'?)")


@pytest.mark.parametrize("value", ["Mars/Olympus", 5, "../etc/passwd"])
def test_bad_channel_time_zone_is_an_error(value):
    problem = only_problem({"channels": [phone(timezone=value)]})
    assert problem.field == f"{BASE}.channels[0].timezone"
    assert problem.message.startswith(
        f"expected an IANA time zone such as 'Europe/Amsterdam' but found {value!r}")


@pytest.mark.parametrize("value, guess", [
    ("posix/Europe/Amsterdam", "Europe/Amsterdam"), ("right/UTC", "UTC"),
    ("right/Europe/Brussels", "Europe/Brussels"), ("localtime", None), ("posixrules", None),
    ("Factory", None), ("europe/amsterdam", "Europe/Amsterdam"),
])
def test_time_zones_python_loads_but_browsers_reject_are_an_error(value, guess):
    # Chromium's Intl.DateTimeFormat throws a RangeError for all but 'Factory' (a
    # placeholder meaning "not set") and the lower-case spelling (which only loads in
    # Python on a case-insensitive file system), and the help widget then draws nothing.
    problem = only_problem({"timezone": value, "channels": [phone()]})
    assert problem.field == f"{BASE}.timezone"
    expected = f"expected an IANA time zone such as 'Europe/Amsterdam' but found {value!r}"
    assert problem.message == expected + (f" (did you mean {guess!r}?)" if guess else "")


def test_posix_time_zone_of_a_channel_is_an_error_suggesting_the_plain_name():
    problem = only_problem({"channels": [phone(timezone="posix/America/New_York")]})
    assert problem.field == f"{BASE}.channels[0].timezone"
    assert problem.message.endswith("(did you mean 'America/New_York'?)")


@pytest.mark.parametrize("value", ["Europe/Amsterdam", "UTC", "Etc/GMT+5", "EST5EDT",
                                   "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
def test_time_zones_browsers_accept_are_accepted(value):
    assert one_channel(phone(timezone=value)).timezone == value


def test_every_accepted_time_zone_is_a_plain_iana_name():
    names = browser_timezones()
    assert "Europe/Amsterdam" in names
    assert not {n for n in names if n.startswith(("posix/", "right/"))}
    assert not names & {"localtime", "posixrules", "Factory"}


@pytest.mark.parametrize("value", ["2026-13-01", "25-12-2026", "2026-02-30", "kerst"])
def test_bad_closed_date_is_an_error(value):
    problem = only_problem({"closed": [value], "channels": [phone()]})
    assert problem.field == f"{BASE}.closed"
    assert problem.message == f"expected a date as YYYY-MM-DD but found {value!r}"


def test_bad_closed_date_of_a_channel_is_an_error():
    problem = only_problem({"channels": [phone(closed=["2026-12-32"])]})
    assert problem.field == f"{BASE}.channels[0].closed"


def test_shared_closed_dates_are_merged_into_each_channel():
    result, problems = contact({
        "closed": ["2026-12-25", "2026-12-26"],
        "channels": [phone(closed=["2026-12-31", "2026-12-25"]),
                     {"type": "email", "address": "a@b.nl"}],
    })
    assert problems == []
    assert result.channels[0].closed == [date(2026, 12, 25), date(2026, 12, 26),
                                         date(2026, 12, 31)]
    assert result.channels[1].closed == [date(2026, 12, 25), date(2026, 12, 26)]


def test_a_single_closed_date_need_not_be_a_list():
    channel = one_channel(phone(closed="2026-12-25"))
    assert channel.closed == [date(2026, 12, 25)]


# --- channel types and what they need -----------------------------------------------


def test_unknown_channel_type_is_an_error_with_the_closest_type():
    problem = only_problem({"channels": [{"type": "emial", "address": "a@b.nl"}]})
    assert problem.field == f"{BASE}.channels[0].type"
    assert problem.message == ("expected one of chat, phone, email, whatsapp, form, store but "
                               "found 'emial' (did you mean 'email'?)")


def test_channel_without_type_is_an_error():
    problem = only_problem({"channels": [{"number": "020 123"}]})
    assert problem.field == f"{BASE}.channels[0].type"
    assert "but found None" in problem.message


@pytest.mark.parametrize("kind, field, message", [
    ("phone", "number", "a phone channel needs a 'number' or a 'link'"),
    ("whatsapp", "number", "a whatsapp channel needs a 'number' or a 'link'"),
    ("email", "address", "an e-mail channel needs an 'address' or a 'link'"),
    ("chat", "link", "a chat channel needs a 'link' or an 'action'"),
    ("form", "link", "a form channel needs a 'link' or an 'action'"),
])
def test_channel_without_its_number_address_or_link_is_an_error(kind, field, message):
    result, problems = contact({"channels": [{"type": kind}]})
    (problem,) = problems
    assert problem.field == f"{BASE}.channels[0].{field}"
    assert problem.message == message
    assert result.channels == []


def test_store_channel_needs_no_link():
    assert one_channel({"type": "store", "address": "Hoofdstraat 1"}).type == "store"


@pytest.mark.parametrize("action", ["open chat()", "Shop.", "1chat", "alert('x')", 5])
def test_bad_action_name_is_an_error(action):
    result, problems = contact({"channels": [{"type": "chat", "link": "/chat",
                                              "action": action}]})
    assert [p.field for p in problems] == [f"{BASE}.channels[0].action"]
    assert "expected the name of a JavaScript function such as 'Shop.openChat'" in \
        problems[0].message


@pytest.mark.parametrize("action", ["openChat", "Shop.openChat", "$zopim.livechat.window.show",
                                    "_chat"])
def test_good_action_names_are_accepted(action):
    assert one_channel({"type": "chat", "action": action}).action == action


def test_link_with_an_unsafe_scheme_is_an_error():
    problem = only_problem({"channels": [{"type": "chat", "link": "javascript:alert(1)"}]})
    assert problem.field == f"{BASE}.channels[0].link"


def test_unknown_channel_key_is_an_error_with_the_closest_key():
    problem = only_problem({"channels": [phone(hour={"mon": "09:00-17:00"})]})
    assert problem.field == f"{BASE}.channels[0].hour"
    assert "did you mean 'hours'?" in problem.message


def test_unknown_contact_key_is_an_error():
    problem = only_problem({"channel": [], "channels": [phone()]})
    assert problem.field == f"{BASE}.channel"
    assert "did you mean 'channels'?" in problem.message


def test_duplicate_channel_ids_are_an_error():
    result, problems = contact({"channels": [phone(), phone(number="030 111")]})
    (problem,) = problems
    assert problem.field == f"{BASE}.channels[1].id"
    assert problem.message == "two channels have the id 'phone'; give one an 'id'"


def test_channels_of_one_type_with_their_own_ids_are_fine():
    result, problems = contact({"channels": [phone(id="sales"), phone(id="service")]})
    assert problems == []
    assert [c.id for c in result.channels] == ["sales", "service"]


def test_all_channel_problems_are_reported_together():
    result, problems = contact({"timezone": "Nowhere/Land", "closed": ["x"], "channels": [
        {"type": "phone"}, {"type": "emial"}, phone(hours={"mon": "9-5"}),
    ]})
    assert [p.field for p in problems] == [
        f"{BASE}.timezone", f"{BASE}.closed", f"{BASE}.channels[0].number",
        f"{BASE}.channels[1].type", f"{BASE}.channels[2].hours.mon",
    ]


# --- links --------------------------------------------------------------------------


@pytest.mark.parametrize("spec, href", [
    ({"type": "phone", "number": "020 - 123 45 67"}, "tel:0201234567"),
    ({"type": "phone", "number": "+31 20 123 45 67"}, "tel:+31201234567"),
    ({"type": "email", "address": "klantenservice@shop.nl"}, "mailto:klantenservice@shop.nl"),
    ({"type": "whatsapp", "number": "+31 6 1234 5678"}, "https://wa.me/31612345678"),
    ({"type": "whatsapp", "number": "06 1234 5678"}, None),
    ({"type": "phone", "number": "020 123", "link": "tel:+3120123"}, "tel:+3120123"),
    ({"type": "email", "address": "a@b.nl", "link": "https://shop.nl/contact"},
     "https://shop.nl/contact"),
    ({"type": "chat", "action": "Shop.openChat"}, None),
    ({"type": "store", "address": "Hoofdstraat 1"}, None),
])
def test_channel_href(spec, href):
    assert one_channel(spec).href == href


def test_href_without_parsing():
    assert Channel("p", "phone", {}, number="(020) 123").href == "tel:020123"


# --- how hours and dates read -------------------------------------------------------


def _hours(**days):
    hours = {day: [] for day in WEEKDAYS}
    hours.update(days)
    return hours


def test_translator_groups_consecutive_days_with_equal_hours():
    week = [(510, 1050)]
    hours = _hours(mon=week, tue=week, wed=week, thu=week, fri=week, sat=[(600, 960)])
    assert Translator("nl").hours(hours) == "ma–vr 08:30–17:30 · za 10:00–16:00"
    assert Translator("en").hours(hours) == "Mon–Fri 08:30–17:30 · Sat 10:00–16:00"


def test_translator_hours_does_not_group_across_a_closed_day():
    day = [(540, 1020)]
    hours = _hours(mon=day, tue=day, thu=day, fri=day)
    assert Translator("nl").hours(hours) == "ma–di 09:00–17:00 · do–vr 09:00–17:00"


def test_translator_hours_with_split_ranges_and_single_days():
    hours = _hours(mon=[(540, 720), (780, 1020)], wed=[(540, 720)])
    assert Translator("nl").hours(hours) == "ma 09:00–12:00, 13:00–17:00 · wo 09:00–12:00"


def test_translator_hours_when_always_closed():
    assert Translator("nl").hours(_hours()) == "gesloten"
    assert Translator("en").hours(_hours()) == "closed"


def test_translator_hours_from_parsed_config():
    channel = one_channel(phone(hours={"mon-fri": "08:30-17:30", "sat": "10:00-16:00"}))
    assert Translator("nl").hours(channel.hours) == "ma–vr 08:30–17:30 · za 10:00–16:00"


def test_group_days_and_format_ranges():
    day = [(540, 1020)]
    assert group_days(_hours(sat=day, sun=day)) == [(5, 6, day)]
    assert format_ranges([(510, 1050), (1080, 1440)]) == "08:30–17:30, 18:00–24:00"
    assert format_ranges([]) == ""


@pytest.mark.parametrize("lang, expected", [("nl", "1 oktober 2026"), ("en", "1 October 2026"),
                                            ("de", "1 October 2026")])
def test_translator_dates(lang, expected):
    assert Translator(lang).date(date(2026, 10, 1)) == expected


def test_translator_durations():
    assert Translator("nl").duration(Duration(1, "workdays")) == "1 werkdag"
    assert Translator("nl").duration(Duration(2, "workdays")) == "2 werkdagen"
    assert Translator("en").duration(Duration(1, "workdays")) == "1 working day"
    assert Translator("en").duration(Duration(4, "hours")) == "4 hours"
    assert Translator("nl").duration(Duration(1, "minutes")) == "1 minuut"


def test_phone_link_drops_the_national_zero_written_in_brackets():
    contact, problems = parse_contact(
        {"channels": [{"type": "phone", "number": "+31 (0)20 123 45 67"}]}, "mkdocs.yml")
    assert problems == []
    assert contact.channels[0].href == "tel:+31201234567"


@pytest.mark.parametrize("key, value", [
    ("label", "Chat\x07"), ("label", {"nl": "Bel\x00ons", "en": "Call us"}),
    ("note", "\x1b[31mrood"), ("address", "Dam\x001"), ("id", "chat\x1b"),
])
def test_control_characters_in_channel_texts_are_an_error(key, value):
    problem = only_problem({"channels": [phone(**{key: value})]})
    assert problem.field == f"{BASE}.channels[0].{key}"
    assert problem.message == ("expected a text without control characters but found "
                               + short_repr(value))


def test_tabs_and_line_breaks_in_a_label_are_white_space_not_an_error():
    assert one_channel(phone(label="Bel\tons\n")).label["nl"] == "Bel\tons\n"


@pytest.mark.parametrize("lang, expected", [("nl-BE", "1 oktober 2026"), ("NL", "1 oktober 2026"),
                                            ("en_US", "1 October 2026")])
def test_translator_uses_the_base_language_of_a_region_variant(lang, expected):
    assert Translator(lang).date(date(2026, 10, 1)) == expected


@pytest.mark.parametrize("value", ["  ", ["chat"], {"a": 1}, True, None])
def test_a_channel_id_that_is_not_a_text_is_an_error(value):
    problem = only_problem({"channels": [phone(id=value)]})
    assert problem.field == f"{BASE}.channels[0].id"
    assert problem.message == f"expected an id such as 'chat-nl' but found {short_repr(value)}"


@pytest.mark.parametrize("value", ["9" * 5000 + " minutes", "100000 minutes", 100000, 10 ** 400])
def test_a_response_time_beyond_any_promise_is_not_understood(value):
    assert parse_duration(value) is None
    problem = only_problem({"channels": [phone(response_time=value)]})
    assert problem.field == f"{BASE}.channels[0].response_time"
