"""Interface strings and dates in the site's language (kb.i18n)."""

from __future__ import annotations

import itertools
import string
from datetime import date

import pytest

from kb.contact import WEEKDAYS, Channel, Duration
from kb.i18n import (
    LANGUAGE_CODES,
    MONTH_NAMES,
    STRINGS,
    WEEKDAY_SHORT,
    Translator,
    base_language,
    normalise_language,
    theme_language,
)

# --- normalise_language -------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("nl", "nl"), ("NL", "nl"), (" en ", "en"),
    ("nl_BE", "nl-BE"), ("NL-be", "nl-BE"), ("pt_br", "pt-BR"),
    ("zh_hant", "zh-Hant"), ("ZH-HANT-tw", "zh-Hant-TW"), ("es-419", "es-419"),
    ("de-CH-1996", "de-CH-1996"), ("sl-ROZAJ", "sl-rozaj"), ("sh", "sh"),
])
def test_a_tag_is_written_in_its_usual_spelling(value, expected):
    assert normalise_language(value) == expected


@pytest.mark.parametrize("value", [
    "zz", "", "   ", "dutch", "nl-", "nl--BE", "nl-BE-", "nl-abcdefghi", "nl-B!", "-nl",
    None, 3, ["nl"], {"nl": True},
])
def test_what_does_not_start_with_a_known_language_code_is_none(value):
    assert normalise_language(value) is None


def test_every_known_code_in_any_case_and_with_any_region_and_separator():
    # Brute force over every ISO 639-1 code: case and separator never matter, and the
    # result is the code in lower case and the region in upper case.
    for code in sorted(LANGUAGE_CODES):
        assert normalise_language(code.upper()) == code
        for region, sep in itertools.product(("be", "BR", "Us"), ("-", "_")):
            tag = normalise_language(f"{code.upper()}{sep}{region}")
            assert tag == f"{code}-{region.upper()}"
            assert normalise_language(tag) == tag  # already normal: unchanged


def test_only_codes_of_two_letters_are_known():
    assert all(len(code) == 2 and code.isalpha() and code.islower() for code in LANGUAGE_CODES)
    two_letters = ("".join(p) for p in itertools.product(string.ascii_lowercase, repeat=2))
    assert {c for c in two_letters if normalise_language(c)} == LANGUAGE_CODES


# --- base_language and theme_language --------------------------------------------------


@pytest.mark.parametrize("tag", ["nl", "nl-BE", "nl_BE", "NL-be", "zh-Hant-TW", "es-419"])
def test_the_base_language_is_the_first_subtag_in_lower_case(tag):
    assert base_language(tag) == tag.replace("_", "-").split("-")[0].lower()


def _longest_prefix(tag: str, available: set[str]) -> str:
    """What theme_language must pick, found the other way round: every prefix the
    theme has, the longest of them."""
    parts = tag.split("-")
    prefixes = ["-".join(parts[:n]) for n in range(1, len(parts) + 1)]
    found = [p for p in prefixes if p in available]
    return max(found, key=len) if found else "en"


def test_the_theme_translation_is_the_longest_prefix_the_theme_has_else_english():
    tags = ["nl", "nl-BE", "pt-BR", "zh-Hant-TW", "sr-Latn", "de-CH-1996"]
    candidates = sorted({p for t in tags for n in range(1, 4)
                         for p in ["-".join(t.split("-")[:n])]} | {"en", "fr"})
    # Every tag against every set of translations a theme could have (2^13 sets).
    for size in range(len(candidates) + 1):
        for available in itertools.combinations(candidates, size):
            for tag in tags:
                assert theme_language(tag, set(available)) == _longest_prefix(tag,
                                                                              set(available))


def test_a_region_variant_uses_the_variant_when_the_theme_has_it():
    assert theme_language("pt-BR", {"pt", "pt-BR"}) == "pt-BR"
    assert theme_language("nl-BE", {"nl", "en"}) == "nl"
    assert theme_language("xx", {"nl"}) == "en"


# --- Translator -------------------------------------------------------------------------


def test_every_dutch_string_has_an_english_one_with_the_same_placeholders():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert set(STRINGS["nl"]) == set(STRINGS["en"])
    assert {k for k in STRINGS["nl"] if fields(STRINGS["nl"][k]) != fields(STRINGS["en"][k])
            } == set()


@pytest.mark.parametrize("lang, expected", [
    ("nl", "nl"), ("nl-BE", "nl"), ("nl_BE", "nl"), ("en", "en"), ("en-GB", "en"),
    ("de", "en"), ("fr-CA", "en"),
])
def test_a_region_variant_reads_its_base_language_and_others_english(lang, expected):
    assert Translator(lang).lang == expected
    assert Translator(lang)("closed") == STRINGS[expected]["closed"]


def test_a_string_a_language_lacks_falls_back_to_english(monkeypatch):
    monkeypatch.delitem(STRINGS["nl"], "closed")
    assert Translator("nl")("closed") == "closed"


def test_values_fill_the_placeholders():
    assert Translator("nl")("ask.suggest", suggestion="retour") == "Bedoelde je: retour?"


@pytest.mark.parametrize("n, expected", [(0, "0 dagen"), (1, "1 dag"), (2, "2 dagen")])
def test_plural_picks_one_for_one_and_other_for_any_other_number(n, expected):
    assert Translator("nl").plural("duration.days", n) == expected


def test_every_date_of_a_year_is_day_month_year_in_words():
    for lang in ("nl", "en"):
        t = Translator(lang)
        day = date(2026, 1, 1)
        while day.year == 2026:
            assert t.date(day) == f"{day.day} {MONTH_NAMES[lang][day.month - 1]} 2026"
            day = date.fromordinal(day.toordinal() + 1)
    assert Translator("nl").date(date(2026, 10, 1)) == "1 oktober 2026"
    assert Translator("en-GB").date(date(2026, 10, 1)) == "1 October 2026"


def test_weekdays_start_on_monday():
    assert Translator("nl").weekday(0) == "maandag"
    assert Translator("en").weekday(6) == "Sunday"


@pytest.mark.parametrize("duration, expected", [
    (Duration(1, "minutes"), "1 minuut"), (Duration(15, "minutes"), "15 minuten"),
    (Duration(2, "hours"), "2 uur"), (Duration(1, "workdays"), "1 werkdag"),
])
def test_durations(duration, expected):
    assert Translator("nl").duration(duration) == expected


def test_a_phone_has_a_waiting_time_other_channels_a_response_time():
    phone = Channel("tel", "phone", {}, response_time=Duration(5, "minutes"))
    mail = Channel("mail", "email", {}, response_time=Duration(1, "workdays"))
    assert Translator("nl").response(phone) == "Wachttijd meestal minder dan 5 minuten"
    assert Translator("en").response(mail) == "Usually answers within 1 working day"


def test_a_channel_without_a_response_time_says_nothing_about_it():
    assert Translator("nl").response(Channel("mail", "email", {})) == ""


def test_opening_hours_join_consecutive_days_with_the_same_hours():
    hours = {day: [(510, 1050)] for day in WEEKDAYS[:5]} | {"sat": [(600, 960)]}
    assert Translator("nl").hours(hours) == "ma–vr 08:30–17:30 · za 10:00–16:00"
    assert Translator("en").hours({}) == "closed"


def test_opening_hours_name_every_open_day_once_for_every_week_there_can_be():
    # Brute force over all 128 sets of open days: reading the line back gives the days.
    short = WEEKDAY_SHORT["nl"]
    for open_days in itertools.product((False, True), repeat=7):
        hours = {day: [(540, 1020)] for day, is_open in zip(WEEKDAYS, open_days) if is_open}
        line = Translator("nl").hours(hours)
        if not hours:
            assert line == "gesloten"
            continue
        named: list[int] = []
        for part in line.split(" · "):
            days, times = part.split(" ")
            assert times == "09:00–17:00"
            first, _, last = days.partition("–")
            named += range(short.index(first), short.index(last or first) + 1)
        assert named == [i for i, is_open in enumerate(open_days) if is_open]
