"""Synonym groups: the text format, kb's curated lists, the `synonyms` option, matching."""

from __future__ import annotations

import pytest

from kb.analysis import analyzer_for
from kb.settings import parse_settings
from kb.synonyms import MAX_WORDS, Thesaurus, builtin_groups, parse_lines, parse_option

NL = analyzer_for("nl")


def thesaurus(groups) -> Thesaurus:
    return Thesaurus.build(groups, NL.terms)


# --- parse_lines ---------------------------------------------------------------------


def test_parse_lines_skips_comments_and_blanks_and_cleans_entries():
    lines = [
        "# a comment, with, commas\n",
        "\n",
        "   \n",
        "Retour,  Terugsturen ,terugsturen, RETOUR ,\n",
        "  # an indented comment\n",
        "geld   terug, Terugbetaling\n",
        "alleen\n",  # one word is no group
        "dubbel, Dubbel\n",  # one word after dedupe
        ",,\n",
    ]
    assert parse_lines(lines) == [
        ("retour", "terugsturen"),
        ("geld terug", "terugbetaling"),
    ]


def test_parse_lines_keeps_the_order_of_first_occurrence():
    assert parse_lines(["c, a, b, a, c"]) == [("c", "a", "b")]


@pytest.mark.parametrize("language", ["nl", "en", "nl-BE", "en_GB", "NL"])
def test_builtin_groups_ship_for_dutch_and_english(language):
    groups = builtin_groups(language)
    assert len(groups) >= 70
    assert all(len(group) >= 2 for group in groups)
    assert all(entry == entry.lower().strip() and entry for g in groups for entry in g)
    assert all(len(entry.split()) <= MAX_WORDS for g in groups for entry in g)


def test_builtin_groups_hold_the_expected_vocabulary():
    nl = builtin_groups("nl")
    assert any({"retourneren", "terugsturen"} <= set(g) for g in nl)
    assert any({"pakket", "pakketje", "zending"} <= set(g) for g in nl)
    assert any({"geld terug", "terugbetaling"} <= set(g) for g in nl)
    en = builtin_groups("en")
    assert any({"refund", "money back"} <= set(g) for g in en)
    assert any({"parcel", "package"} <= set(g) for g in en)


def test_builtin_groups_for_an_unknown_language_are_empty():
    assert builtin_groups("fr") == ()


# --- parse_option ------------------------------------------------------------------


def test_parse_option_accepts_lists_and_comma_separated_texts():
    groups, problems = parse_option(
        [["Spaarkaart", "stempelkaart", " bonenpas "], "decaf, cafeinevrij, decaf", [7, "zeven"]],
        "mkdocs.yml")
    assert problems == []
    assert groups == [("spaarkaart", "stempelkaart", "bonenpas"), ("decaf", "cafeinevrij"),
                      ("7", "zeven")]


def test_parse_option_none_is_no_groups():
    assert parse_option(None, "mkdocs.yml") == ([], [])


def test_parse_option_not_a_list():
    groups, problems = parse_option("retour, terugsturen", "mkdocs.yml")
    assert groups == []
    assert len(problems) == 1
    assert problems[0].field == "plugins.kb.synonyms"
    assert problems[0].path == "mkdocs.yml"
    assert "expected a list of groups" in problems[0].message
    assert problems[0].is_error


@pytest.mark.parametrize("item, fragment", [
    (["alleen"], "expected at least two words in a group"),
    ("alleen", "expected at least two words in a group"),
    (["zelfde", "Zelfde "], "expected at least two words in a group"),
    (["retour", "een veel te lange zin"], "expected phrases of at most 3 words"),
    ({"retour": "terugsturen"}, "expected a list of words or a text"),
    (["retour", True], "expected a list of words or a text"),
    (["retour", ["terugsturen"]], "expected a list of words or a text"),
    (42, "expected a list of words or a text"),
    (None, "expected a list of words or a text"),
])
def test_parse_option_reports_each_bad_group_with_its_position(item, fragment):
    groups, problems = parse_option([["retour", "terugsturen"], item], "mkdocs.yml")
    assert groups == [("retour", "terugsturen")]  # the good group is kept
    assert len(problems) == 1
    assert problems[0].field == "plugins.kb.synonyms[1]"
    assert fragment in problems[0].message
    assert problems[0].is_error


def test_parse_option_reports_every_problem_at_once():
    _, problems = parse_option([["a"], "x, y", ["een twee drie vier", "kort"], 3], "mkdocs.yml")
    assert [p.field for p in problems] == ["plugins.kb.synonyms[0]", "plugins.kb.synonyms[2]",
                                          "plugins.kb.synonyms[3]"]


def test_settings_take_the_synonym_options():
    settings, problems = parse_settings(
        {"synonyms": [["bonenpas", "spaarkaart"]], "builtin_synonyms": False,
         "cache_dir": " tmp/cache "}, "mkdocs.yml")
    assert problems == []
    assert settings.synonyms == [("bonenpas", "spaarkaart")]
    assert settings.builtin_synonyms is False
    assert settings.cache_dir == "tmp/cache"


def test_settings_defaults_for_the_synonym_options():
    settings, problems = parse_settings({}, "mkdocs.yml")
    assert problems == []
    assert (settings.synonyms, settings.builtin_synonyms, settings.cache_dir) == \
        ([], True, ".kb-cache")


@pytest.mark.parametrize("options, field", [
    ({"synonyms": [["alleen"]]}, "plugins.kb.synonyms[0]"),
    ({"synonyms": "a, b"}, "plugins.kb.synonyms"),
    ({"builtin_synonyms": "yes"}, "plugins.kb.builtin_synonyms"),
    ({"cache_dir": ""}, "plugins.kb.cache_dir"),
    ({"cache_dir": ["x"]}, "plugins.kb.cache_dir"),
])
def test_settings_report_bad_synonym_options(options, field):
    _, problems = parse_settings(options, "mkdocs.yml")
    assert [p.field for p in problems] == [field]


# --- Thesaurus ---------------------------------------------------------------------


def test_thesaurus_matches_analysed_forms():
    t = thesaurus([("retour", "terugsturen"), ("pakket", "zending")])
    assert len(t) == 2
    # Plurals and other stemmed forms match the group entry.
    assert (NL.stem("zendingen"),) in t
    assert t.alternatives((NL.stem("zendingen"),)) == [(NL.stem("pakket"),)]
    assert t.alternatives(("onbekend",)) == []


def test_thesaurus_finds_multi_word_phrases():
    t = thesaurus([("geld terug", "terugbetaling", "refund")])
    terms = NL.terms("Hoe krijg ik mijn geld terug?")
    found = t.matches(terms)
    assert len(found) == 1
    start, end, phrase, others = found[0]
    assert terms[start:end] == list(phrase) == NL.terms("geld terug")
    assert others == [tuple(NL.terms("terugbetaling")), tuple(NL.terms("refund"))]
    assert t.matches(NL.terms("geld")) == []  # half a phrase is no match


def test_thesaurus_prefers_the_longest_phrase_at_each_position_but_lists_all():
    t = thesaurus([("wachtwoord vergeten", "inlogprobleem"), ("wachtwoord", "paswoord")])
    found = t.matches(NL.terms("wachtwoord vergeten"))
    assert [(s, e) for s, e, _, _ in found] == [(0, 2), (0, 1)]
    assert found[0][3] == [(NL.stem("inlogprobleem"),)]
    assert found[1][3] == [(NL.stem("paswoord"),)]


def test_thesaurus_merges_alternatives_of_every_group_a_phrase_is_in():
    t = thesaurus([("aanmelden", "inloggen"), ("aanmelden", "registreren")])
    assert t.alternatives((NL.stem("aanmelden"),)) == [(NL.stem("inloggen"),),
                                                       (NL.stem("registreren"),)]


def test_thesaurus_drops_groups_that_collapse_or_repeat():
    t = thesaurus([("bezorging", "bezorgingen"),  # one stem: no group
                   ("de", "het"),  # only stop words: nothing left
                   ("retour", "terugsturen"), ("terugsturen", "retour")])  # a repeat
    assert len(t) == 1
    assert t.longest == 1


def test_builtin_dutch_thesaurus_joins_real_shopper_words():
    t = thesaurus(builtin_groups("nl"))
    assert (NL.stem("retourneren"),) in t.alternatives((NL.stem("terugsturen"),))
    assert (NL.stem("pakket"),) in t.alternatives((NL.stem("zending"),))
    assert t.longest == MAX_WORDS
