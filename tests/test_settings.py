"""The kb plugin options (kb.settings.parse_settings), validated without MkDocs."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from kb.cli import cli
from kb.i18n import Translator, theme_language
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
    ("language", "zz", "expected a language code such as 'nl' or 'en' but found 'zz'"),
    ("language", "nl-", "expected a language code such as 'nl' or 'en' but found 'nl-'"),
    ("language", "nl-B/E", "expected a language code such as 'nl' or 'en' but found 'nl-B/E'"),
    ("language", ["nl"], "expected a language code such as 'nl' or 'en' but found ['nl']"),
    ("review_every", 0, "expected a whole number of days from 1 to 3650 (10 years) but found 0"),
    ("review_every", -30,
     "expected a whole number of days from 1 to 3650 (10 years) but found -30"),
    ("review_every", "90",
     "expected a whole number of days from 1 to 3650 (10 years) but found '90'"),
    ("review_every", True,
     "expected a whole number of days from 1 to 3650 (10 years) but found True"),
    ("review_every", 1.5,
     "expected a whole number of days from 1 to 3650 (10 years) but found 1.5"),
    ("review_every", 9999999, "expected a whole number of days from 1 to 3650 (10 years) but "
                              "found 9999999"),
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
    # Only false switches the plugin off; `mkdocs build` reports these in the same words.
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


# --- languages ----------------------------------------------------------------------


@pytest.mark.parametrize("written, language", [
    ("nl-BE", "nl-BE"), ("nl_BE", "nl-BE"), ("NL-be", "nl-BE"), ("en_US", "en-US"),
    ("EN", "en"), ("Nl", "nl"), ("pt_br", "pt-BR"), ("zh-hant", "zh-Hant"), ("es-419", "es-419"),
    ("de", "de"),
])
def test_region_variants_and_case_of_a_language_are_read_in_their_usual_spelling(
        written, language):
    for options, theme in (({"language": written}, None), ({}, written)):
        settings, problems = parse(options, theme)
        assert problems == []
        assert settings.language == language


def test_unknown_theme_language_is_an_error_on_the_theme_option():
    problem = only_problem({}, theme_language="zz")
    assert problem.field == "theme.language"
    assert problem.message == "expected a language code such as 'nl' or 'en' but found 'zz'"


def test_a_valid_kb_language_makes_an_unknown_theme_language_irrelevant():
    settings, problems = parse({"language": "nl-BE"}, theme_language="zz")
    assert problems == []
    assert settings.language == "nl-BE"


@pytest.mark.parametrize("lang, strings, theme", [
    ("nl-BE", "nl", "nl"), ("en-US", "en", "en"), ("nl", "nl", "nl"), ("pt-BR", "en", "pt-BR"),
    ("pt-PT", "en", "pt"), ("zh-Hant-TW", "en", "zh-Hant"), ("ga", "en", "en"),
])
def test_kb_strings_use_the_base_language_and_the_theme_its_closest_translation(
        lang, strings, theme):
    material = {"en", "nl", "pt", "pt-BR", "zh", "zh-Hant", "zh-TW"}
    assert Translator(lang).lang == strings
    assert theme_language(lang, material) == theme


def test_labels_in_the_base_language_serve_a_region_variant():
    settings, _ = parse({"language": "nl-BE"})
    assert settings.taxonomy.stages["order"].title(settings.language) == "Bestellen"


# --- control characters -------------------------------------------------------------


@pytest.mark.parametrize("option, value, field, found", [
    ("owner", "team\x07cs", "owner", "'team\\x07cs'"),
    ("cache_dir", ".kb\x00cache", "cache_dir", "'.kb\\x00cache'"),
    ("popularity", "views\x00.csv", "popularity", "'views\\x00.csv'"),
    ("pages", ["blog", "hulp\x1b"], "pages", "['blog', 'hulp\\x1b']"),
    ("synonyms", [["pakket", "zen\x00ding"]], "synonyms[0]", "['pakket', 'zen\\x00ding']"),
])
def test_control_characters_in_text_options_are_an_error(option, value, field, found):
    problem = only_problem({option: value})
    assert problem.field == f"plugins.kb.{field}"
    assert problem.message == f"expected a text without control characters but found {found}"


def test_an_option_refused_for_control_characters_keeps_its_default():
    settings, _ = parse({"owner": "team\x07", "cache_dir": "x\x00"})
    assert (settings.owner, settings.cache_dir) == ("unassigned", ".kb-cache")


# --- mkdocs.yml as kb check reads it ------------------------------------------------


@pytest.mark.parametrize("options, shown", [(["x"], "['x']"), ("x", "'x'"), (5, "5"),
                                            (True, "True")])
def test_kb_check_reports_plugin_options_that_are_not_a_mapping(project, options, shown):
    project.config()
    project.one_per_area()
    text = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["plugins"] = [{"kb": options}]
    (project.root / "mkdocs.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1, result.output
    assert (f"mkdocs.yml: error: plugins.kb: expected a mapping of options but found {shown}"
            in result.output)


def test_kb_check_reads_plugin_options_left_empty_as_none(project):
    project.config()
    project.one_per_area()
    path = project.root / "mkdocs.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["plugins"] = [{"kb": None}]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output


def test_control_characters_in_the_site_name_or_description_are_an_error(project):
    from kb.project import load_project

    project.config(site_name="Bonen\x07baai", site_description="Hulp\x1b[31m")
    found = {p.field: p.message for p in load_project(str(project.root / "mkdocs.yml")).problems
             if p.is_error}
    assert found == {
        "site_name": "expected a text without control characters but found U+0007 at "
                     "position 6",
        "site_description": "expected a text without control characters but found U+001B "
                            "at position 5",
    }


def test_an_alias_bomb_in_mkdocs_yml_is_named_as_such_not_as_broken_yaml(project):
    from kb.project import ProjectError, load_project

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
              f"*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 9)]
    path = project.root / "mkdocs.yml"
    path.write_text("\n".join(lines + ["plugins: [kb]", "site_name: *a8", ""]),
                    encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        load_project(str(path))
    message = str(caught.value)
    assert "not valid YAML" not in message
    assert "aliases" in message and message.endswith(".")
