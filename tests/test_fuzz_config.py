"""Property-based fuzz test of the kb options in mkdocs.yml: whatever an editor (or an
attacker) writes under `plugins: - kb:`, validation reports problems and `kb check`
exits 0 or 1 with messages; never a traceback.

The budget of examples is fixed and the examples are derandomized, so every run checks
the same inputs (about 20 s here); KB_FUZZ_EXAMPLES=<n> runs more of them: n per test of
the parsers, n / 5 for `kb check`, which writes a project each time (default 150).
"""

from __future__ import annotations

import os
import re
import tempfile
import tracemalloc
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.cli import cli
from kb.contact import TYPES, WEEKDAYS, browser_timezones, parse_contact
from kb.problems import Problem, format_github, format_text
from kb.settings import OPTIONS, Settings, parse_settings
from kb.synonyms import parse_option
from kb.taxonomy import default_taxonomy, merge
from tests.conftest import TODAY, ProjectFactory

EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "150"))
CHECK_EXAMPLES = max(EXAMPLES // 5, 10)
MEMORY_BOUND = 64 * 1024 * 1024  # bytes parse_settings may allocate at its peak

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Texts with control characters, line breaks, quotes, YAML and workflow-command syntax.
nasty_text = st.one_of(
    st.text(max_size=20),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x9f), max_size=12),
    st.sampled_from(["", " ", "\x00", "\x07", "\x1b[31m", "a\nb", "a\rb", "::error::x", "%0A",
                     "~", "null", "yes", "0", "-", "mon-fri", "__proto__", "../etc/passwd",
                     "\ufeff", "\u2028", "é" * 3, "x" * 500]),
)
# kb's YAML reader refuses numbers of more than 50 digits, so larger ones only reach
# parse_settings directly (and Python cannot print ints of over 4300 digits at all).
huge_ints = st.sampled_from([10 ** 18, -(10 ** 18), 2 ** 63, 10 ** 49, -(10 ** 49), 10 ** 400])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), huge_ints,
    st.floats(allow_nan=True, allow_infinity=True), nasty_text, st.dates(),
)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(nasty_text, st.integers()), inner,
                                            max_size=4)),
    max_leaves=12,
)

languages = st.one_of(
    st.sampled_from(["nl", "en", "nl-BE", "nl_BE", "en_US", "EN", "Nl", "zz", "pt-BR",
                     "zh_hant_TW", "de", "ga", "nl-", "-nl", "nl--BE", "nl-B/E", "x" * 40]),
    nasty_text,
)
time_zones = st.sampled_from([
    "Europe/Amsterdam", "UTC", "Etc/GMT+5", "posix/Europe/Amsterdam", "right/UTC",
    "localtime", "posixrules", "Factory", "europe/amsterdam", "Mars/Olympus", "../../etc/passwd",
    "Europe/Amsterdam\x00", "/etc/localtime", "",
])
day_keys = st.one_of(
    st.sampled_from([*WEEKDAYS, "mon-fri", "sat-sun", "mon-sun", "fri-mon", "Mon", " mon ",
                     "weekend", "mon-", "-"]),
    nasty_text,
)
hour_values = st.one_of(
    st.sampled_from(["09:00-17:00", "08:30-20:00, 21:00-22:00", "closed", "gesloten", "",
                     "17:00-09:00", "00:00-24:00", "99:99-99:99", "9" * 5000 + ":00-10:00"]),
    st.lists(st.sampled_from(["09:00-12:00", "13:00-17:00", "x"]), max_size=3),
    junk,
)
channels = st.fixed_dictionaries({}, optional={
    "type": st.one_of(st.sampled_from(TYPES), junk),
    "id": junk,
    "label": st.one_of(nasty_text, st.dictionaries(st.sampled_from(["nl", "en", "nl-BE"]),
                                                   nasty_text, max_size=2), junk),
    "note": junk,
    "link": st.one_of(st.sampled_from(["https://example.com/chat", "javascript:alert(1)",
                                       "tel:+31", "/contact"]), junk),
    "number": st.one_of(st.sampled_from(["+31 20 123", "020\x00123"]), huge_ints, junk),
    "address": st.one_of(st.just("service@example.com"), junk),
    "action": st.one_of(st.sampled_from(["Shop.openChat", "alert(1)", "a..b"]), junk),
    "hours": st.one_of(st.dictionaries(day_keys, hour_values, max_size=5), junk),
    "closed": st.one_of(st.lists(st.one_of(st.dates(), nasty_text), max_size=3), junk),
    "timezone": st.one_of(time_zones, junk),
    "response_time": st.one_of(st.sampled_from(["2 minutes", "1 werkdag", "9" * 5000 + " min",
                                                "-1 hours"]), huge_ints, junk),
})
contact = st.one_of(
    st.fixed_dictionaries({}, optional={
        "timezone": st.one_of(time_zones, junk),
        "closed": st.one_of(st.lists(st.dates(), max_size=2), junk),
        "channels": st.one_of(st.lists(channels, max_size=3), junk),
    }),
    st.lists(channels, max_size=3),
    junk,
)
term_ids = st.one_of(st.sampled_from(["returns", "account", "after-sales", "Bad Id", "-x"]),
                     nasty_text)
term = st.one_of(
    nasty_text,
    st.fixed_dictionaries({}, optional={
        "label": st.one_of(nasty_text, st.dictionaries(st.sampled_from(["nl", "en"]), nasty_text,
                                                       max_size=2), junk),
        "description": junk, "prompt": junk,
        "icon": st.one_of(st.just("material/account"), junk),
        "items": st.one_of(st.dictionaries(term_ids, st.one_of(nasty_text, junk), max_size=3),
                           junk),
    }),
    junk,
)
taxonomy = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(["policies", "stages", "contexts"]), nasty_text),
                    st.one_of(st.dictionaries(term_ids, term, max_size=3), junk), max_size=3),
    junk,
)
synonyms = st.one_of(
    st.lists(st.one_of(st.lists(st.one_of(nasty_text, st.integers(), huge_ints), max_size=4),
                       nasty_text, junk), max_size=4),
    junk,
)
realistic = {key: junk for key in OPTIONS} | {
    "enabled": st.one_of(st.booleans(), junk),
    "unsafe_html": st.one_of(st.booleans(), junk),
    "language": st.one_of(languages, junk),
    "review_every": st.one_of(st.integers(), huge_ints, junk),
    "top_questions": st.one_of(st.integers(), huge_ints, junk),
    "help_questions": st.one_of(st.integers(), huge_ints, junk),
    "chat_invite_after": st.one_of(st.integers(), huge_ints, junk),
    "owner": st.one_of(nasty_text, junk),
    "review_policy": st.one_of(st.sampled_from(["warn", "fail"]), junk),
    "coverage_policy": st.one_of(st.sampled_from(["warn", "fail"]), junk),
    "pages": st.one_of(st.lists(nasty_text, max_size=3), nasty_text, junk),
    "taxonomy": taxonomy,
    "contact": contact,
    "synonyms": synonyms,
    "builtin_synonyms": st.one_of(st.booleans(), junk),
    "cache_dir": st.one_of(nasty_text, junk),
    "popularity": st.one_of(st.sampled_from(["views.csv", "../../etc/passwd", "/", "mkdocs.yml",
                                             "missing.csv"]), nasty_text, junk),
    "machine_answers": st.one_of(st.booleans(), junk),
}
options = st.one_of(
    st.fixed_dictionaries({}, optional=realistic),
    st.dictionaries(st.one_of(st.sampled_from(OPTIONS), nasty_text, st.integers()), junk,
                    max_size=6),
)
# Everything a `kb:` entry may hold: mostly options, sometimes not a mapping at all.
plugin_entries = st.one_of(options, options, options, junk)


@FUZZ
@given(options=options, theme_language=st.one_of(st.none(), languages, junk))
def test_any_kb_options_give_settings_and_problems_never_an_exception(options, theme_language):
    tracemalloc.start()
    try:
        result, problems = parse_settings(options, "mkdocs.yml", theme_language)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND
    assert isinstance(result, Settings)
    assert all(isinstance(p, Problem) and p.message and p.path == "mkdocs.yml"
               for p in problems)
    # What the CLI prints and what CI annotations carry, for every problem.
    format_text(problems)
    # GitHub's runner ends a line at CR, LF or CRLF only (not at NEL or U+2028).
    lines = re.split(r"\r\n|\r|\n", format_github(problems)) if problems else []
    assert len(lines) == len(problems)
    assert all(line.startswith(("::error ", "::warning ")) for line in lines), lines


def _only_problems(problems: list) -> None:
    assert all(isinstance(p, Problem) and p.message and p.path == "mkdocs.yml"
               for p in problems)
    format_text(problems)


# The nested options get tests of their own: inside all the options, a given shape of
# channel or term comes up too rarely for the budget to reach its corners.
@FUZZ
@given(value=contact)
def test_any_contact_option_gives_channels_and_problems_never_an_exception(value):
    result, problems = parse_contact(value, "mkdocs.yml")
    _only_problems(problems)
    for channel in result.channels:
        assert channel.timezone in browser_timezones()
        channel.href, channel.display, channel.title("nl-BE")


@FUZZ
@given(value=taxonomy, groups=synonyms)
def test_any_taxonomy_and_synonyms_give_problems_never_an_exception(value, groups):
    _only_problems(merge(default_taxonomy(), value, "mkdocs.yml"))
    _only_problems(parse_option(groups, "mkdocs.yml")[1])


def _check(config: Path, entry: object) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["plugins"] = [{"kb": entry}]
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--config", str(config)],
                                env={"KB_TODAY": TODAY})
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{result.exception!r}\n{result.output}"
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert "articles checked:" in result.output or result.output.strip().endswith(".")


@settings(FUZZ, max_examples=CHECK_EXAMPLES)
@given(entry=plugin_entries)
def test_kb_check_on_any_kb_options_exits_0_or_1_with_messages(entry):
    with tempfile.TemporaryDirectory() as folder:
        project = ProjectFactory(Path(folder))
        project.docs.mkdir()
        config = project.config()
        project.one_per_area()
        _check(config, entry)
