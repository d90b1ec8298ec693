"""The kb plugin options (kb.settings.parse_settings), validated without MkDocs."""

from __future__ import annotations

import pytest

from kb.settings import OPTIONS, parse_settings
from kb.taxonomy import default_taxonomy


def parse(options, theme_language=None):
    return parse_settings(options, "mkdocs.yml", theme_language)


def only_problem(options, theme_language=None):
    settings, problems = parse(options, theme_language)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.path == "mkdocs.yml"
    assert problem.is_error
    assert problem.line is None
    return problem


@pytest.mark.parametrize("options", [None, {}])
def test_defaults(options):
    settings, problems = parse(options)
    assert problems == []
    assert settings.language == "en"
    assert settings.review_every == 180
    assert settings.owner == "unassigned"
    assert settings.review_policy == "warn"
    assert settings.pages == ("blog",)
    assert settings.top_questions == 8
    assert settings.help_questions == 5
    assert settings.chat_invite_after == 45
    assert list(settings.taxonomy.policies) == list(default_taxonomy().policies)
    assert settings.contact.channels == []


def test_settings_do_not_share_their_taxonomy():
    first, _ = parse({"taxonomy": {"policies": {"account": "Account"}}})
    second, _ = parse(None)
    assert "account" in first.taxonomy.policies
    assert "account" not in second.taxonomy.policies


def test_language_comes_from_the_theme():
    settings, problems = parse({}, theme_language="nl")
    assert problems == []
    assert settings.language == "nl"


def test_language_option_wins_over_the_theme():
    settings, problems = parse({"language": "en"}, theme_language="nl")
    assert problems == []
    assert settings.language == "en"


def test_every_option_is_read():
    settings, problems = parse({
        "enabled": True, "language": "nl", "review_every": 90, "owner": " team-cs ",
        "review_policy": "fail", "pages": ["hulp/", "/blog"], "top_questions": 5,
        "help_questions": 3, "chat_invite_after": 0,
        "taxonomy": {"stages": {"order": "Kopen"}},
        "contact": {"channels": [{"type": "phone", "number": "020 123"}]},
    })
    assert problems == []
    assert settings.language == "nl"
    assert settings.review_every == 90
    assert settings.owner == "team-cs"
    assert settings.review_policy == "fail"
    assert settings.pages == ("hulp", "blog")
    assert settings.top_questions == 5
    assert settings.help_questions == 3
    assert settings.chat_invite_after == 0
    assert settings.taxonomy.stages["order"].label["nl"] == "Kopen"
    assert [c.type for c in settings.contact.channels] == ["phone"]


def test_pages_may_be_a_single_folder():
    settings, problems = parse({"pages": "hulp"})
    assert problems == []
    assert settings.pages == ("hulp",)


@pytest.mark.parametrize("option, value, message", [
    ("language", 5, "expected a language code such as 'nl' or 'en' but found 5"),
    ("language", "x", "expected a language code such as 'nl' or 'en' but found 'x'"),
    ("language", ["nl"], "expected a language code such as 'nl' or 'en' but found ['nl']"),
    ("review_every", 0, "expected a whole number of days above 0 but found 0"),
    ("review_every", -30, "expected a whole number of days above 0 but found -30"),
    ("review_every", "90", "expected a whole number of days above 0 but found '90'"),
    ("review_every", True, "expected a whole number of days above 0 but found True"),
    ("review_every", 1.5, "expected a whole number of days above 0 but found 1.5"),
    ("owner", "", "expected a team or person name but found ''"),
    ("owner", "  ", "expected a team or person name but found '  '"),
    ("owner", 7, "expected a team or person name but found 7"),
    ("review_policy", "fial", "expected one of warn, fail but found 'fial' (did you mean 'fail'?)"),
    ("review_policy", "error", "expected one of warn, fail but found 'error'"),
    ("pages", [""], "expected a list of folders below the docs folder but found ['']"),
    ("pages", ["blog", 3], "expected a list of folders below the docs folder but found "
                           "['blog', 3]"),
    ("pages", 3, "expected a list of folders below the docs folder but found 3"),
    ("top_questions", 0, "expected a whole number above 0 but found 0"),
    ("top_questions", "8", "expected a whole number above 0 but found '8'"),
    ("top_questions", False, "expected a whole number above 0 but found False"),
    ("help_questions", 0, "expected a whole number above 0 but found 0"),
    ("chat_invite_after", -1, "expected a whole number of seconds (0 to turn the invitation "
                              "off) but found -1"),
    ("chat_invite_after", "45s", "expected a whole number of seconds (0 to turn the "
                                 "invitation off) but found '45s'"),
    ("taxonomy", ["policies"], "expected a mapping but found ['policies']"),
    ("contact", "020 123", "expected a mapping but found '020 123'"),
])
def test_bad_option_value_is_an_error_naming_the_option(option, value, message):
    problem = only_problem({option: value})
    assert problem.field == f"plugins.kb.{option}"
    assert problem.message == message


@pytest.mark.parametrize("value", ["yes", 1, "false"])
def test_enabled_must_be_true_or_false(value):
    # MkDocs' typed config rejects these; `kb check` must report them too.
    problem = only_problem({"enabled": value})
    assert problem.field == "plugins.kb.enabled"


def test_bad_option_keeps_the_default():
    settings, _ = parse({"review_every": 0, "top_questions": -1, "review_policy": "x"})
    assert (settings.review_every, settings.top_questions, settings.review_policy) == (
        180, 8, "warn")


def test_unknown_option_is_an_error_with_the_closest_option():
    problem = only_problem({"review_evry": 90})
    assert problem.field == "plugins.kb.review_evry"
    assert problem.message == (f"expected one of {', '.join(OPTIONS)} but found "
                               "'review_evry' (did you mean 'review_every'?)")


def test_unknown_option_far_from_any_option_has_no_hint():
    problem = only_problem({"zzzzzz": 1})
    assert "did you mean" not in problem.message


def test_nested_problems_come_with_the_others():
    settings, problems = parse({
        "owner": "", "taxonomy": {"policy": {}},
        "contact": {"channels": [{"type": "phone"}]},
    })
    assert [p.field for p in problems] == [
        "plugins.kb.owner", "plugins.kb.taxonomy.policy", "plugins.kb.contact.channels[0].number",
    ]
