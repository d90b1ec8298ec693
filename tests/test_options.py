"""One option schema (kb.settings): `kb check` and `mkdocs build` give the same message
for a mistake in the kb options, and MkDocs' KbConfig and the README follow the schema."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.config import base
from mkdocs.exceptions import Abort, PluginError

from kb.cli import cli
from kb.mkdocs.config import KbConfig
from kb.problems import format_text
from kb.project import load_project
from kb.settings import OPTIONS, SCHEMA
from tests.conftest import ProjectFactory, mkdocs_build

pytestmark = pytest.mark.usefixtures("restore_mkdocs_state")

README = Path(__file__).resolve().parent.parent / "README.md"

# A value of the wrong type for every option; a new option needs one here.
WRONG_TYPE = {
    "enabled": "yes", "language": 5, "review_every": "90", "owner": 7, "review_policy": 3,
    "coverage_policy": ["fail"], "pages": 3, "top_questions": "8", "taxonomy": ["policies"],
    "contact": "020 123", "synonyms": "decaf", "builtin_synonyms": "yes", "cache_dir": 5,
    "help_questions": 1.5, "chat_invite_after": "45s", "popularity": 5,
    "machine_answers": "nee", "unsafe_html": "yes",
}

OTHER_MISTAKES = {
    "an unknown option": {"review_evry": 90},
    "an unknown option far from any": {"zzzzzz": 1},
    "a misspelt choice": {"review_policy": "fial"},
    "a choice that is no choice": {"coverage_policy": "strict"},
    "enabled as a number": {"enabled": 0},
    "enabled left empty": {"enabled": None},
    "an owner left empty": {"owner": None},
    "a number out of range": {"review_every": 9999999},
    "a control character": {"cache_dir": ".kb\x07cache"},
    "an unknown language": {"language": "zz"},
    "an unknown taxonomy kind": {"taxonomy": {"policy": {"account": "Account"}}},
    "a bad taxonomy id and icon": {"taxonomy": {"policies": {"Bad Id": "x",
                                                             "payment": {"icon": 3}}}},
    "a new area without a label": {"taxonomy": {"policies": {"account": {"icon": "x/y"}}}},
    "an unknown channel type": {"contact": {"channels": [{"type": "fax", "number": "1"}]}},
    "a phone channel without a number": {"contact": {"channels": [{"type": "phone"}]}},
    "bad opening hours and time zone": {"contact": {"timezone": "Europe/Amsterdm",
                                                    "channels": [{"type": "chat", "link": "/c",
                                                                  "hours": {"mon": "9-5"}}]}},
    "a synonym group of one word": {"synonyms": [["decaf"]]},
    "several mistakes at once": {"owner": "", "review_evry": 1, "top_questions": 0,
                                 "contact": {"channels": [{"type": "email"}]}},
}

MISTAKES = [pytest.param({name: value}, id=f"{name} of the wrong type")
            for name, value in WRONG_TYPE.items()]
MISTAKES += [pytest.param(options, id=name) for name, options in OTHER_MISTAKES.items()]


def test_the_mistakes_give_every_option_a_value_of_the_wrong_type():
    assert list(WRONG_TYPE) == list(OPTIONS)


@pytest.mark.parametrize("options", MISTAKES)
def test_kb_check_and_mkdocs_build_give_the_same_message_for_a_mistake_in_the_options(
        project: ProjectFactory, caplog: pytest.LogCaptureFixture, options: dict) -> None:
    config = project.config(options)
    project.one_per_area()
    found = load_project(str(config)).problems
    assert found and all(p.field and p.is_error for p in found), found
    expected = format_text(found)

    checked = CliRunner().invoke(cli, ["check"])
    assert checked.exit_code == 1, checked.output
    assert all(line in checked.output.splitlines() for line in expected.splitlines())

    with pytest.raises((PluginError, Abort)):
        mkdocs_build(project)
    # The build's only message is kb's, which ends with what kb check says: MkDocs
    # says nothing of its own ("Expected type", "Unrecognised configuration name").
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(said) == 1 and said[0].endswith("\n" + expected), said


def test_enabled_false_still_switches_the_plugin_off_in_mkdocs_build(
        project: ProjectFactory) -> None:
    project.config({"enabled": False})
    project.one_per_area()
    site = mkdocs_build(project)
    assert (site / "returns" / "vraag" / "index.html").is_file()
    assert not (site / "topics").exists()
    assert not (site / "answers.json").exists()


def test_mkdocs_build_reads_the_options_as_written(project: ProjectFactory) -> None:
    # `pages: blog` (one folder, not a list) is what kb check accepts; MkDocs' own
    # ListOfItems refused it before the schema.
    project.config({"language": "en", "owner": " team-cs ", "pages": "blog"})
    project.one_per_area()
    project.write("blog/nieuws.md", "# Nieuws\n\nGeen front matter: een pagina.\n")
    site = mkdocs_build(project)
    assert "Most asked questions" in (site / "index.html").read_text(encoding="utf-8")
    news = (site / "blog" / "nieuws" / "index.html").read_text(encoding="utf-8")
    assert "Geen front matter: een pagina." in news


def test_every_option_of_the_schema_is_an_option_of_the_mkdocs_plugin_with_its_text():
    schema = dict(base.get_schema(KbConfig))
    assert list(schema) == list(OPTIONS)
    for option in SCHEMA:
        assert option.doc and "  " not in option.doc
        assert schema[option.name].__doc__ == option.doc, option.name


def test_the_readme_option_table_lists_every_option():
    listed: set[str] = set()
    for table in re.findall(r"^\| option \| default \| meaning \|\n(?:\|.*\n)+",
                            README.read_text(encoding="utf-8"), re.MULTILINE):
        listed |= set(re.findall(r"^\| `([a-z_]+)[`.]", table, re.MULTILINE))
    assert set(OPTIONS) <= listed, sorted(set(OPTIONS) - listed)
