"""Problems and the three ways they are printed (text, JSON, GitHub annotations)."""

from __future__ import annotations

import json
import re

import pytest

from kb.problems import (
    ERROR,
    WARNING,
    ContentError,
    Problem,
    closest,
    expected_one_of,
    format_github,
    format_github_group,
    format_json,
    format_text,
    has_errors,
    sort_problems,
    summary_line,
)


def test_str_has_path_line_severity_field_and_message():
    problem = Problem("docs/retour/termijn.md", "missing required field", 4, "policy")
    assert str(problem) == "docs/retour/termijn.md:4: error: policy: missing required field"


def test_str_of_a_warning():
    problem = Problem("docs/a.md", "in the future", 6, "reviewed", WARNING)
    assert str(problem) == "docs/a.md:6: warning: reviewed: in the future"


def test_str_without_line_or_field_leaves_them_out():
    assert str(Problem("docs/a.md", "the file is empty")) == "docs/a.md: error: the file is empty"
    assert str(Problem("mkdocs.yml", "bad", field="plugins.kb.owner")) == \
        "mkdocs.yml: error: plugins.kb.owner: bad"
    assert str(Problem("docs/a.md", "bad", 3)) == "docs/a.md:3: error: bad"


def test_problem_defaults_to_an_error():
    problem = Problem("a.md", "x")
    assert problem.severity == ERROR
    assert problem.is_error
    assert not Problem("a.md", "x", severity=WARNING).is_error


def test_has_errors_ignores_warnings():
    assert not has_errors([])
    assert not has_errors([Problem("a.md", "x", severity=WARNING)])
    assert has_errors([Problem("a.md", "x", severity=WARNING), Problem("b.md", "y")])


def test_sort_problems_by_path_then_line_then_field():
    problems = [Problem("b.md", "1", 2), Problem("a.md", "2", 9), Problem("a.md", "3", None),
                Problem("a.md", "4", 2, "title"), Problem("a.md", "5", 2, "policy")]
    assert [p.message for p in sort_problems(problems)] == ["3", "5", "4", "2", "1"]


def test_format_text_is_one_sorted_line_per_problem():
    problems = [Problem("b.md", "late", 1), Problem("a.md", "early", 2, "title")]
    assert format_text(problems) == "a.md:2: error: title: early\nb.md:1: error: late"
    assert format_text([]) == ""


def test_content_error_carries_all_problems():
    problems = [Problem("a.md", "one", 1), Problem("b.md", "two", 2)]
    error = ContentError(problems)
    assert error.problems == problems
    assert str(error) == "a.md:1: error: one\nb.md:2: error: two"


@pytest.mark.parametrize("problems, articles, expected", [
    ([], 1, "1 article checked: 0 errors, 0 warnings."),
    ([Problem("a", "x")], 2, "2 articles checked: 1 error, 0 warnings."),
    ([Problem("a", "x"), Problem("a", "y"), Problem("a", "z", severity=WARNING)], 0,
     "0 articles checked: 2 errors, 1 warning."),
])
def test_summary_line_counts_with_plurals(problems, articles, expected):
    assert summary_line(problems, articles) == expected


def test_format_json_structure():
    problems = [Problem("docs/b.md", "in the future", 6, "reviewed", WARNING),
                Problem("docs/a.md", "missing required field", 1, "title"),
                Problem("mkdocs.yml", "bad")]
    data = json.loads(format_json(problems, 12))
    assert data["ok"] is False
    assert data["articles"] == 12
    assert data["errors"] == 2
    assert data["warnings"] == 1
    assert data["problems"] == [
        {"path": "docs/a.md", "line": 1, "field": "title", "severity": "error",
         "message": "missing required field"},
        {"path": "docs/b.md", "line": 6, "field": "reviewed", "severity": "warning",
         "message": "in the future"},
        {"path": "mkdocs.yml", "line": None, "field": None, "severity": "error",
         "message": "bad"},
    ]


def test_format_json_is_ok_with_only_warnings():
    data = json.loads(format_json([Problem("a.md", "x", 1, severity=WARNING)], 1))
    assert data["ok"] is True
    assert (data["errors"], data["warnings"]) == (0, 1)


def test_format_json_with_no_problems():
    assert json.loads(format_json([], 3)) == {
        "ok": True, "articles": 3, "errors": 0, "warnings": 0, "problems": []}


def test_format_json_keeps_non_ascii_text():
    output = format_json([Problem("docs/één.md", "België", 1)], 1)
    assert "één" in output and "België" in output
    assert json.loads(output)["problems"][0]["path"] == "docs/één.md"


def test_format_github_error_and_warning_lines():
    problems = [Problem("docs/a.md", "missing required field", 4, "policy"),
                Problem("docs/b.md", "in the future", 6, "reviewed", WARNING)]
    assert format_github(problems).splitlines() == [
        "::error file=docs/a.md,line=4,title=policy::missing required field",
        "::warning file=docs/b.md,line=6,title=reviewed::in the future",
    ]


def test_format_github_leaves_out_unknown_line_and_field():
    assert format_github([Problem("docs/a.md", "the file is empty")]) == \
        "::error file=docs/a.md::the file is empty"


def test_format_github_escapes_message_data():
    line = format_github([Problem("a.md", "100% sure\nsecond line\r", 1)])
    assert line == "::error file=a.md,line=1::100%25 sure%0Asecond line%0D"
    assert "\n" not in line


def test_format_github_keeps_colons_and_commas_in_the_message():
    line = format_github([Problem("a.md", "expected one of a, b: found c", 1)])
    assert line.endswith("::expected one of a, b: found c")


def test_format_github_escapes_colon_comma_and_percent_in_properties():
    line = format_github([Problem("docs/a,b:c%.md", "x", 2, "plugins.kb.contact:x,y")])
    assert line == ("::error file=docs/a%2Cb%3Ac%25.md,line=2,"
                    "title=plugins.kb.contact%3Ax%2Cy::x")


def test_format_github_is_sorted():
    problems = [Problem("b.md", "2", 1), Problem("a.md", "1", 1)]
    assert [x.split("::")[-1] for x in format_github(problems).splitlines()] == ["1", "2"]


def workflow_commands(log: str) -> list[str]:
    """The lines of `log` GitHub's runner acts on, as its documentation describes: a
    line starting with '::', where a line ends at CR, LF or CRLF, except between
    '::stop-commands::TOKEN' and '::TOKEN::'."""
    commands, stopped_until = [], None
    for line in re.split(r"\r\n|\r|\n", log):
        if stopped_until is not None:
            if line == stopped_until:
                stopped_until = None
                commands.append(line)
            continue
        if line.startswith("::"):
            commands.append(line)
            if line.startswith("::stop-commands::"):
                stopped_until = f"::{line[len('::stop-commands::'):]}::"
    return commands


def unescape(value: str) -> str:
    for code, char in (("%3A", ":"), ("%2C", ","), ("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        value = value.replace(code, char)
    return value


NASTY_PATHS = [
    "docs/a\n::error file=x::Injected annotation.md", "docs/b\r::warning::CR.md",
    "docs/c\r\n::notice::CRLF.md", "docs/d%0A::error::literal.md", "docs/e::error::f,g.md",
    "docs/::error file=y::h.md",
]


@pytest.mark.parametrize("path", NASTY_PATHS)
def test_a_nasty_file_name_gives_exactly_one_annotation_naming_that_file(path):
    problems = [Problem(path, f"same question as {path} ('Waar?')", 3, "title"),
                Problem("docs/ok.md", f"same question as {path}", 2, f"title{path}", WARNING)]
    commands = workflow_commands(format_github(problems))
    assert len(commands) == 2, commands
    files = []
    for command in commands:
        match = re.fullmatch(r"::(error|warning) file=([^,:]*),line=\d+,title=([^,:]*)::(.*)",
                             command)
        assert match, command
        files.append(unescape(match.group(2)))
        assert unescape(match.group(4)).startswith("same question as " + path)
    assert sorted(files) == sorted([path, "docs/ok.md"])


def test_the_github_log_group_switches_workflow_commands_off_for_its_text():
    text = "\n".join(f"  2026-12-01  goes live  {path}  (Straks?)" for path in NASTY_PATHS)
    text += "\n::endgroup::\n::stop-commands::x\n::x::\n::error::after the guesses"
    log = format_github_group("Coverage and schedule", text)
    commands = workflow_commands(log)
    assert commands[0] == "::group::Coverage and schedule"
    assert commands[1].startswith("::stop-commands::")
    token = commands[1][len("::stop-commands::"):]
    assert len(token) >= 32
    assert commands[2:] == [f"::{token}::", "::endgroup::"]
    assert text in log


def test_each_github_log_group_switches_commands_off_with_a_token_of_its_own():
    first = workflow_commands(format_github_group("a", "x"))[1]
    second = workflow_commands(format_github_group("a", "x"))[1]
    assert first != second


def test_the_title_of_a_github_log_group_stays_on_its_line():
    assert workflow_commands(format_github_group("a\n::error::b", "x"))[0] == \
        "::group::a%0A::error::b"


def test_closest_finds_a_likely_typo_or_nothing():
    assert closest("retour", ["product", "returns", "privacy"]) == "returns"
    assert closest("sumary", ["title", "summary"]) == "summary"
    assert closest("zzzz", ["product", "returns"]) is None
    assert closest(42, ["42a", "x"]) == "42a"
    assert closest("x", []) is None


def test_expected_one_of_names_all_choices_and_the_closest():
    assert expected_one_of("retour", ["product", "returns"]) == \
        "expected one of product, returns but found 'retour' (did you mean 'returns'?)"


def test_expected_one_of_without_a_close_match_has_no_hint():
    assert expected_one_of("zzz", ("warn", "fail")) == "expected one of warn, fail but found 'zzz'"


def test_expected_one_of_shows_the_found_value_as_python_repr():
    assert expected_one_of(5, ["a"]).endswith("but found 5")
    assert expected_one_of(None, ["a"]).endswith("but found None")


def test_short_repr_shows_mapping_keys_in_the_order_written():
    from kb.problems import short_repr

    assert short_repr({"nl": "Retour", "en": "Returns"}) == "{'nl': 'Retour', 'en': 'Returns'}"
    assert short_repr({i: i for i in range(10)}).endswith(", ...}")
