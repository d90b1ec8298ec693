"""Text analysis (kb.analysis): words to terms, synonym groups as terms, and the edit
distance spelling corrections rely on."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from kb.analysis import (
    Analyzer,
    analyzer_for,
    deletion_forms,
    fold,
    thesaurus_for,
    within_distance,
)
from kb.settings import Settings
from tests.conftest import in_fresh_python

ROOT = Path(__file__).resolve().parent.parent
NL = Settings(language="nl")


# --- Words and terms ------------------------------------------------------------------


def test_fold_drops_accents_and_case():
    assert fold("Cafeïne") == "cafeine"
    assert fold("ÉÉN Ethiopië") == "een ethiopie"


def test_accents_do_not_matter():
    nl = Analyzer("nl")
    assert nl.terms("Cafeïne") == nl.terms("cafeine") == nl.terms("CAFEINE")
    assert len(nl.terms("cafeïne")) == 1


def test_stop_words_and_greetings_are_dropped():
    nl = Analyzer("nl")
    assert nl.terms("Hallo, ik wil graag dat jullie het even vertellen. Alvast bedankt!") == []
    assert nl.words("ik wil") == ["ik", "wil"]  # words() keeps them; terms() does not
    assert nl.terms("de retour") == nl.terms("retour")


def test_stemming_joins_plural_and_singular():
    nl = Analyzer("nl")
    assert nl.terms("bezorgingen") == nl.terms("bezorging")
    assert nl.terms("pakketten") == nl.terms("pakket")
    en = Analyzer("en")
    assert en.terms("parcels") == en.terms("parcel")


def test_order_numbers_tracking_codes_placeholders_urls_and_tags_are_ignored():
    nl = Analyzer("nl")
    noisy = ("Bestelling 100234567 met code 3SABCD1234567890, postcode 1234AB, "
             "{{ klant.naam }} {% if x %}sjabloon{% endif %} ${voornaam} "
             "zie https://shop.example/retourneren of www.shop.example/pakket "
             "of mail info@shop.example <span class='groot'>nu</span> &nbsp; "
             "[lees meer](https://shop.example/faq){: .knop}")
    assert nl.terms(noisy) == nl.terms("Bestelling met code, postcode, sjabloon zie of of mail "
                                       "nu lees meer")
    for gone in ("100234567", "3sabcd1234567890", "1234ab", "klant", "naam", "voornaam",
                 "retourn", "shop", "info", "span", "groot", "nbsp", "faq", "knop"):
        assert gone not in nl.terms(noisy)
    assert nl.stem("sjabloon") in nl.terms(noisy)  # text between template tags is kept


def test_short_numbers_are_kept():
    nl = Analyzer("nl")
    assert "30" in nl.terms("binnen 30 dagen")
    assert "2026" in nl.terms("sinds 2026")


def test_dutch_forms_find_participles_conjugations_and_diminutives():
    nl = Analyzer("nl")
    assert nl.stem("betalen") in nl.forms("betaald")
    assert nl.stem("pakket") in nl.forms("pakketje")
    assert nl.stem("bon") in nl.forms("bonnetje")
    assert nl.stem("bezorgen") in nl.forms("bezorgd")
    assert nl.stem("bestellen") in nl.forms("besteld")
    assert nl.stem("pakketje") not in nl.forms("pakketje")  # never the word's own term
    assert nl.forms("pak") == []  # too short to guess at


def test_forms_are_only_guessed_for_dutch():
    assert Analyzer("en").forms("delivered") == []


def test_language_variants_share_an_analyzer():
    assert Analyzer("nl-BE").language == "nl"
    assert Analyzer("nl_NL").terms("bezorgingen") == Analyzer("nl").terms("bezorging")
    assert analyzer_for("nl") is analyzer_for("nl")


@pytest.mark.parametrize("language", ["pl", "ja", "ro", "xx"])
def test_a_language_without_a_stemmer_or_stop_list_still_works(language):
    # Whoosh has neither for pl and ja, a stemmer but no stop list for ro.
    other = Analyzer(language)
    assert other.terms("Ärger, ÄRGER!") == [other.stem("arger")] * 2
    assert other.forms("betaald") == []


def test_word_terms_are_the_terms_of_a_keyword_kept_for_the_next_article():
    analyzer = Analyzer("nl")
    first = analyzer.word_terms("Track & Trace codes")
    assert first == tuple(analyzer.terms("Track & Trace codes"))
    # Kept: the same keyword in the next article is not analysed again.
    assert analyzer.word_terms("Track & Trace codes") is first


# Text that takes every turn of analysis: markup, placeholders, links, addresses,
# entities, accents (composed and not), ligatures, digits, odd white space.
VARIED = [
    "Hoe kan ik mijn bestelling retourneren?",
    "Cafeïne in de KOFFIE: café, naïef, Ærø, ﬁlter, ½ kilo, x² en ΟΔΟΣ ΟΔΟΣ.",
    "Cafe\u0301 met losse accenten: e\u0301\u0301n \u0301begin en eind\u0301",
    "Lees [de voorwaarden](../retour/voorwaarden.md), ![logo](img.png) of [[wiki]].",
    "Mail service@shop.example of ga naar https://shop.example/retour en www.shop.nl!",
    "Order 12345678, postcode 1234AB, code A1B2, 3 dagen, 2026 en 0,5 kg",
    "<b>Vet</b> &amp; &#39; {{ placeholder }} {% tag %} {#c#} ${var} {: .class } tekst",
    "De\u00a0tijd\u2003is\tnu\nklaar\u2028— e-mail, e\u2011mail, 't is o'clock _x_",
    "",
]


@pytest.mark.parametrize("language", ["nl", "en", "de", "pl"])
def test_cached_terms_are_the_terms(language):
    texts = VARIED + [path.read_text(encoding="utf-8")
                      for path in sorted((ROOT / "content").rglob("*.md"))[:40]]
    analyzer = Analyzer(language)
    for text in texts + texts:  # the second time from the cache
        assert analyzer.cached_terms(text) == analyzer.terms(text), text


def test_markup_and_addresses_are_no_words():
    text = ("a {{ x }} b {: .c } [link](target) https://x.example/y m@x.nl c <b>d</b> "
            "e &amp; f")
    assert analyzer_for("en").words(text) == ["a", "b", "link", "c", "d", "e", "f"]


def test_whoosh_is_loaded_with_the_first_analyzer_not_with_the_module():
    loaded = in_fresh_python("""
        import sys
        import kb.analysis
        before = sorted(m for m in sys.modules if m.startswith("whoosh"))
        kb.analysis.analyzer_for("nl").terms("pakketten")
        after = sorted(m for m in sys.modules if m.startswith("whoosh"))
        print(before, "whoosh.lang.snowball.dutch" in after,
              [m for m in after if not m.startswith(("whoosh.lang", "whoosh.compat"))])
    """)
    assert loaded.split() == ["[]", "True", "['whoosh']"]


# --- Synonyms and the site's search terms ----------------------------------------------


def test_a_site_uses_the_builtin_groups_and_its_own():
    nl = analyzer_for("nl")
    builtin = thesaurus_for(NL)
    assert ("retour",) in builtin.alternatives((nl.stem("terugsturen"),))
    none = thesaurus_for(Settings(language="nl", builtin_synonyms=False))
    assert len(none) == 0 and none.alternatives((nl.stem("terugsturen"),)) == []


# --- Edit distance ---------------------------------------------------------------------


def _levenshtein(a: str, b: str) -> int:
    """The textbook table, every cell filled: the oracle for the early exits."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i, j in itertools.product(range(1, len(a) + 1), range(1, len(b) + 1)):
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1,
                          table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return table[len(a)][len(b)]


def _words(alphabet: str, longest: int) -> list[str]:
    return ["".join(p) for n in range(longest + 1) for p in itertools.product(alphabet, repeat=n)]


def test_within_distance_agrees_with_the_full_table_for_every_pair_of_short_words():
    words = _words("ab", 5)
    for a, b in itertools.product(words, repeat=2):
        distance = _levenshtein(a, b)
        for maxdist in range(4):
            assert within_distance(a, b, maxdist) == (distance <= maxdist), (a, b, maxdist)


@pytest.mark.parametrize("depth", [1, 2])
def test_deletion_forms_are_the_word_with_up_to_depth_letters_left_out(depth):
    for word in _words("abc", 5):
        expected = {"".join(word[i] for i in kept)
                    for n in range(max(0, len(word) - depth), len(word) + 1)
                    for kept in itertools.combinations(range(len(word)), n)}
        assert deletion_forms(word, depth) == expected


@pytest.mark.parametrize("depth", [1, 2])
def test_words_within_depth_edits_share_a_deletion_form(depth):
    words = _words("abc", 4)
    forms = {w: deletion_forms(w, depth) for w in words}
    for a, b in itertools.product(words, repeat=2):
        if _levenshtein(a, b) <= depth:
            assert forms[a] & forms[b], (a, b)
