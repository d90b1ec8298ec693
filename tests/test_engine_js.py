"""The answer engine's JavaScript analysis (kb/assets/engine/analysis.js) gives what
kb.analysis gives: the same folds, cleaned text, words, stop words, stems, Dutch word
forms, compound splits, edit distances, difflib ratios, spelling look-ups and synonym
phrases, on the demo's content, the eval questions, the synonym lists, English prose
and generated hard cases, for nl and en.

Node runs the JavaScript once for the whole module (tests/js/analysis_driver.js reads
one JSON batch); each test compares one kind of call with Python, item by item."""

from __future__ import annotations

import difflib
import itertools
import json
import random
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kb.analysis import (
    Analyzer,
    analysis_spec,
    analyzer_for,
    clean,
    deletion_forms,
    fold,
    thesaurus_for,
    within_distance,
)
from kb.engine import FEATURES, MAX_LOOKUP, Engine, Spellings, Tuning
from kb.project import load_project
from kb.settings import Settings
from kb.synonyms import Thesaurus
from tests.conftest import eval_questions

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "tests" / "js" / "analysis_driver.js"
NODE = shutil.which("node")
LANGUAGES = ("nl", "en")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH (.ci/run installs "
                                                     "it): the JavaScript cannot run")

# Strings that differ between Python's and JavaScript's notions of text: case folding
# beyond lowercase, compatibility forms, Turkish I, digits that are not decimal, mixed
# scripts, emoji, zero-width and other space characters, markup, addresses, long tokens.
HARD_CASES = [
    "Straße STRASSE straße ẞ GROẞ", "Cafeïne ÉÉN Ethiopië hèhè één ideeën",
    "ﬁets ﬂes ﬀ ﬃ ﬄ ﬅ ﬆ Ĳsland ĳs ǅemal ǈ ǋ ǲ", "İstanbul ıi IĞDIR i̇ İİ",
    "½ ² ³ ¹ ① ⑴ ⒈ ❶ ፩ 🄂 ٣ ४ 𝟙 ⓪ ⓵ ➀ x² H₂O 10³ 2⁵ ²²",
    "ΣΑΣ σας ΌΣΟΣ. ΟΔΟΣ ᾼ ᾳ ᾀ ᾈ ΐ ΰ ⅀x aΣ", "µ μ Μ K Å Ω ſ ẛ ŉ ǰ ẖ ẗ ẘ ẙ ẚ ʼn",
    "™ ℡ № ℃ ㎏ ㍱ ㈱ ⑽ ¼kg", "Ꭰꭰ ᏸ Ᏸ ᲀ ᲈ Ꙋ ꙋ", "e\u0301 a\u0308 o\u0302\u0323 A\u030a",
    "a\u0483b क्षि नमस्ते ไทย ภาษา", "zero\u200bwidth zw\u200cnj zw\u200dj \ufeffbom w\u2060j",
    "😀 emoji 👍🏽 family 👨‍👩‍👧 flag 🇳🇱 keycap 1️⃣ #️⃣", "中文 日本語 한국어 العربية עברית Русский "
    "ελληνικά हिन्दी ไทย ქართული Հայերեն", "𝐁𝐨𝐥𝐝 𝔉𝔯𝔞𝔨𝔱𝔲𝔯 𝒮𝒸𝓇𝒾𝓅𝓉 ｆｕｌｌ ｗｉｄｔｈ",
    "𐐀𐐨 𐐀𐐨𐐨s Deseret 𠀀𠀁 𠀀en 𐐨heden a𐐨ing", "a_b snake_case under__score _lead trail_",
    "long " + "a" * 300 + " " + "x" * 60 + "1 " + "bestelling" * 6,
    "order 100234567 code 3SABCD1234567890 postcode 1234AB 12 123 1234 12345 1e5 ab12 ²³⁴⁵⁶",
    "tab\tnl\nvt\x0bff\x0ccr\r fs\x1cgs\x1drs\x1eus\x1f nel\x85 nbsp\xa0 ogham\u1680 "
    "quad\u2000 hair\u200a ls\u2028 ps\u2029 nnbsp\u202f mmsp\u205f ideo\u3000 bom\ufeff",
    "{{ page.title }} {% if x %}y{% endif %} {# c #} ${var} [[wiki link]] {: .class #id } "
    "{:target=_blank} [Tekst](https://x.nl/a) ![alt](img.png) <b>bold</b> &amp; &#123; "
    "&nbsp; &nosemicolon mail@example.com www.example.com https://a.b/c?d=e http://x",
    "prefix_www.example.com éwww.test.nl ﬁwww.x.nl a://b user@host x@y.z x@y.é "
    "a@b.c_d 1www.x www.", "{ :not attr } {\u3000.cls} {\x85#id} {\ufeff.cls} {\x1c:k}",
    "[[unclosed {{unclosed {{multi\nline}} <a\nhref='x'>y</a> &#x27; &#39; &_under; &é;",
    "[a](b) [](c) [d]() ![e](f) [g] (h) [[i]](j) [k](l(m)) {{a}}}} {%%} {##} ${} ${a}b}",
    "ijsje bonnetje kopjes kaasje bezorgd gebezorgd betaald geleverd huisnummertje",
    "yoghurt ayuda kooien Yvonne ijzer boeien uitbetaald gemeente gemeenten geheden",
    "generously communication arsenal skies dying news 'quoted' it's ‘curly’ ’tis",
    "", " ", "!!!", "a", "1", "²", "ß", "İ", "Σ", "ς", "ᾀ", "𐐀", "\u0345", "\u0130\u0345",
]

# Suffixes that take each path of Whoosh's Dutch and English stemmers.
SUFFIXES = """heden ene en se s e heid baar lijk bar end ing ig igend igingen lijke lijkheid
    baarheid etjes etje tjes je jes pje ske d t de te 's 's' ' sses ied ies us ss eedly ingly
    edly eed ed y ational tional enci anci abli entli izer ization ation ator alism aliti
    alli fulness ousli ousness iveness iviti biliti bli ogi logi fulli lessli li bli cli
    alize icate iciti ative ical ness ful ement ance ence able ible ment ant ent ism ate iti
    ous ive ize ion sion tion al er ic l ll at bl iz bb dd ff tt kk ee aa oo uu""".split()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def questions() -> list[str]:
    return [q for _, q in eval_questions()]


def corpus() -> dict[str, list[str]]:
    """Texts by where they come from."""
    synonym_files = sorted((ROOT / "kb" / "synonyms").glob("*.txt"))
    english = [ROOT / "README.md", ROOT / "BENCHMARKS.md",
               *sorted((ROOT / "kb" / "starter" / "en").rglob("*.md"))]
    return {
        "content": [read(p) for p in sorted((ROOT / "content").rglob("*.md"))],
        "questions": questions(),
        "synonyms": [line for p in synonym_files for line in read(p).splitlines()],
        "english": [read(p) for p in english],
        "hard": HARD_CASES,
        "random": random_texts(),
    }


def random_texts() -> list[str]:
    """Random mixes of letters, marks (inside and outside the ranges fold drops),
    compatibility characters, digits, spaces and markup characters."""
    pool = ("aAeEiIyYsSzZ ßẞİıΣσςᾀᾈͅǅĲﬁ½²①❶٣𝟙𐐀𐐨𠀀ᏸꭰᲀµK가각ㄱ\u0301\u0308\u0323\u0345\u0483"
            "\u093f\u094d\u1ab0\u1dc0\u20d0\ufe20\u200b\u200d\ufeff\x85\xa0\u3000\x1c_-'’"
            "{}[]()<>&#;:.@/%$!?0123456789")
    rng = random.Random(16)
    return ["".join(rng.choice(pool) for _ in range(rng.randint(1, 14))) for _ in range(6000)]


def generated_words(vocabulary: Sequence[str]) -> list[str]:
    """Random lowercase words and words with every suffix the stemmers know."""
    rng = random.Random(1616)
    letters = "aaaeeeiiooouuyybcdfghjklmnprsstvwxz"
    found = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 12)))
             for _ in range(20_000)]
    bases = sorted({w for w in vocabulary if w.isalpha()})[::7][:400]
    bases += ["gener", "commun", "arsen", "y", "ay", "ij", "bo", "a", "", "𐐨", "é", "è"]
    found += [b + s for b in bases for s in SUFFIXES]
    found += ["cafè", "ïdeeën", "yoghurt", "ayuda", "kooien", "è", "ä", "ü", "y", "yy"]
    return found


def as_json(value: Any) -> Any:
    """Python's result as the driver's JSON gives it back (tuples are lists)."""
    return json.loads(json.dumps(value))


def same(name: str, inputs: Sequence[Any], python: Callable[[Any], Any],
         javascript: Sequence[Any]) -> int:
    """Assert that python(x) equals the JavaScript result for every input; the
    number compared."""
    assert len(inputs) == len(javascript), name
    differ = [(x, expected, got) for x, got in zip(inputs, javascript)
              if (expected := as_json(python(x))) != got]
    shown = "\n".join(f"  {short(x)}: python {short(e)}, javascript {short(g)}"
                      for x, e, g in differ[:10])
    assert not differ, f"{name}: {len(differ)} of {len(inputs)} differ\n{shown}"
    return len(inputs)


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 160 else text[:150] + "...(" + str(len(text)) + ")"


def attempt(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except IndexError:
        return {"error": "IndexError"}


@dataclass
class Language:
    analyzer: Analyzer
    thesaurus: Thesaurus
    texts: list[str]
    vocabulary: list[str]
    known: set[str]
    jobs: dict[str, Any] = field(default_factory=dict)


def english_thesaurus() -> Thesaurus:
    """kb's English lists and a site's own groups of longer phrases."""
    extra = [("track and trace", "follow my parcel", "where is my order"),
             ("money back", "refund", "refunds"), ("refund", "reimbursement")]
    return thesaurus_for(Settings(language="en", synonyms=list(extra)))


@dataclass
class Case:
    texts: list[str]
    languages: dict[str, Language]
    batch: dict[str, Any]
    results: dict[str, Any]


def batch_for(texts: list[str], languages: dict[str, Language],
              vocabulary: list[str]) -> dict[str, Any]:
    rng = random.Random(7)
    small = ["".join(p) for n in range(5) for p in itertools.product("abc", repeat=n)]
    astral = ["𐐨", "a𐐨", "𐐨a𐐨", "𠀀𠀁", "𐐨b", "𝟙2"]
    words = sorted(set(vocabulary)) + astral
    pairs = [(a, b) for a in small for b in small]
    pairs += [(rng.choice(words), rng.choice(words)) for _ in range(5000)]
    for _ in range(5000):
        word = rng.choice(words)
        edited = list(word)
        for _ in range(rng.randint(1, 3)):
            spot = rng.randrange(len(edited) + 1)
            choice = rng.random()
            if choice < 0.4 and spot < len(edited):
                del edited[spot]
            elif choice < 0.7:
                edited.insert(spot, rng.choice("aeiousnt𐐨"))
            elif spot < len(edited):
                edited[spot] = rng.choice("aeiousnt𐐨")
        pairs.append((word, "".join(edited)))
    pairs += [(a, b) for a in astral for b in astral]
    long = [t for t in (p.strip() for text in texts[:40] for p in text.split("\n\n"))
            if 200 <= len(t) <= 700][:30]
    shorter = [x for x in (w for w in words if len(w) <= 12)][::3][:1500]
    return {
        "characters": True,
        "fold": texts, "clean": texts, "words": texts,
        "within": [[a, b, d] for a, b in pairs for d in (0, 1, 2)],
        "ratio": [list(p) for p in pairs + list(zip(long, long[1:])) + list(zip(long, long))],
        "deletions": [[w, 1] for w in words + small] + [[w, 2] for w in shorter + small]
                     + [[w, 0] for w in small],
        "sort": [sorted(set(astral + ["\ue000", "\uffff", "z", "é", "a", ""]))[::-1],
                 words[::-1]],
        "spellings": {
            "words": sorted({w for w in vocabulary if not w.isdigit()}),
            "queries": [[w, 1 if len(w) < 7 else 2, prefix]
                        for w in sorted({w for q in questions() for w in fold_words(q)})
                        for prefix in (1, 0) if 4 <= len(w) <= MAX_LOOKUP],
        },
        "specs": {name: analysis_spec(name, lang.thesaurus) for name, lang in languages.items()},
        "languages": {name: lang.jobs for name, lang in languages.items()},
    }


def fold_words(text: str) -> list[str]:
    return analyzer_for("nl").words(text)


def compounds(lang: Language) -> list[str]:
    """Words the content knows joined as a compound, with and without a linking s."""
    rng = random.Random(3)
    parts = [w for w in lang.vocabulary
             if w.isalpha() and 3 <= len(w) <= 9 and lang.analyzer.stem(w) in lang.known]
    return [rng.choice(parts) + link + rng.choice(parts)
            for _ in range(4000) for link in ("", "s", "en")]


def language_jobs(lang: Language, stems: list[str]) -> dict[str, Any]:
    analyzer = lang.analyzer
    phrases = sorted(lang.thesaurus.index)
    return {
        "words": lang.texts, "terms": lang.texts,
        "meaningful": [analyzer.words(t) for t in lang.texts],
        "stem": stems, "forms": stems,
        "known": sorted(lang.known), "max_lookup": MAX_LOOKUP,
        "compound": lang.vocabulary + compounds(lang),
        "matches": [analyzer.terms(t) for t in lang.texts]
                   + [list(p) + list(q) for p, q in zip(phrases, phrases[1:])],
        "alternatives": [list(p) for p in phrases] + [["nowhere"], []],
    }


@pytest.fixture(scope="module")
def case() -> Case:
    by_source = corpus()
    texts = [t for source in by_source.values() for t in source]
    nl_thesaurus = thesaurus_for(load_project(str(ROOT / "mkdocs.yml")).settings)
    languages = {}
    vocabulary: list[str] = []
    for name, thesaurus in (("nl", nl_thesaurus), ("en", english_thesaurus())):
        analyzer = Analyzer(name)
        own = by_source["english"] if name == "en" else by_source["content"]
        words = sorted({w for t in texts for w in analyzer.words(t)})
        vocabulary += words
        known = {t for text in own for t in analyzer.terms(text)}
        languages[name] = Language(analyzer, thesaurus, texts, words, known)
    stems = sorted(set(vocabulary)) + generated_words(vocabulary)
    for lang in languages.values():
        lang.jobs = language_jobs(lang, stems)
    content_words = sorted({w for t in by_source["content"] for w in fold_words(t)})
    batch = batch_for(texts, languages, content_words)
    done = subprocess.run([NODE or "node", str(DRIVER)], input=json.dumps(batch),
                          capture_output=True, text=True, encoding="utf-8", check=True)
    return Case(texts, languages, batch, json.loads(done.stdout))


# --- Characters ------------------------------------------------------------------------

def python_flags(c: str) -> int:
    return ((1 if c.isspace() else 0) + (2 if re.match(r"\w", c) else 0)
            + (4 if c.isdigit() else 0) + (8 if c.isalpha() else 0))


def test_every_character_folds_lowers_and_classifies_as_in_python(case):
    """Every code point Python's Unicode database (14.0 in Python 3.11) assigns. One
    that only a newer Unicode assigns may differ: Node's and a browser's tables are
    newer; such a character in a question would be kept or dropped differently."""
    found = case.results["characters"]
    folds, lowers, flags = found["folds"], found["lowers"], found["flags"]
    differ = []
    unassigned = 0
    spot = 0
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        got = (folds.get(str(cp), c), lowers.get(str(cp), c), ord(flags[spot]) - 48)
        spot += 1
        if got != (fold(c), c.lower(), python_flags(c)):
            if unicodedata.category(c) == "Cn":
                unassigned += 1
            else:
                differ.append(hex(cp))
    assert spot == len(flags)
    assert not differ, f"{len(differ)} characters differ: {differ[:20]}"
    assert unassigned < 20_000  # Unicode 15 to 17 assigned about 14,000 letters


# --- Text --------------------------------------------------------------------------------

def test_fold_is_pythons_casefold_nfkd_and_accent_removal(case):
    same("fold", case.texts, fold, case.results["fold"])


def test_clean_removes_the_same_markup_placeholders_links_and_addresses(case):
    same("clean", case.texts, clean, case.results["clean"])


def test_words_are_the_same_folded_words_without_noise(case):
    same("words", case.texts, analyzer_for("nl").words, case.results["words"])


@pytest.mark.parametrize("name", LANGUAGES)
def test_each_language_keeps_the_same_words_and_meaningful_words(case, name):
    lang, got = case.languages[name], case.results["languages"][name]
    same(f"{name} words", lang.jobs["words"], lang.analyzer.words, got["words"])
    same(f"{name} meaningful", lang.jobs["meaningful"], lang.analyzer.meaningful,
         got["meaningful"])


@pytest.mark.parametrize("name", LANGUAGES)
def test_each_language_stems_every_word_as_whoosh_does(case, name):
    lang, got = case.languages[name], case.results["languages"][name]
    same(f"{name} stem", lang.jobs["stem"], lambda w: attempt(lambda: lang.analyzer.stem(w)),
         got["stem"])


@pytest.mark.parametrize("name", LANGUAGES)
def test_each_language_makes_the_same_terms_of_every_text(case, name):
    lang, got = case.languages[name], case.results["languages"][name]
    same(f"{name} terms", lang.jobs["terms"], lang.analyzer.terms, got["terms"])


@pytest.mark.parametrize("name", LANGUAGES)
def test_dutch_word_forms_are_the_same_and_other_languages_have_none(case, name):
    lang, got = case.languages[name], case.results["languages"][name]
    same(f"{name} forms", lang.jobs["forms"], lambda w: attempt(lambda: lang.analyzer.forms(w)),
         got["forms"])


@pytest.mark.parametrize("name", LANGUAGES)
def test_compounds_split_where_the_engine_splits_them(case, name):
    lang, got = case.languages[name], case.results["languages"][name]
    engine = SimpleNamespace(features=FEATURES, analyzer=lang.analyzer,
                             tuning=Tuning.default(), df=lambda term: int(term in lang.known))
    split = [w for w in got["compound"] if w]
    assert len(split) > 50  # the content's terms do make compounds
    same(f"{name} compound", lang.jobs["compound"],
         lambda w: Engine._compound(engine, w), got["compound"])


# --- Synonyms ------------------------------------------------------------------------

@pytest.mark.parametrize("name", LANGUAGES)
def test_the_thesaurus_matches_the_same_phrases_in_the_same_order(case, name):
    lang, got = case.languages[name], case.results["languages"][name]
    assert sum(map(len, got["matches"])) > 100
    same(f"{name} matches", lang.jobs["matches"], lang.thesaurus.matches, got["matches"])


@pytest.mark.parametrize("name", LANGUAGES)
def test_every_phrase_has_the_same_alternatives(case, name):
    lang, got = case.languages[name], case.results["languages"][name]
    same(f"{name} alternatives", lang.jobs["alternatives"],
         lambda p: lang.thesaurus.alternatives(tuple(p)), got["alternatives"])


def test_a_spec_is_data_a_browser_can_load():
    spec = analysis_spec("nl-BE", Thesaurus())
    assert spec == as_json(spec)
    assert (spec["language"], spec["stemmer"], spec["thesaurus"]) == ("nl", "nl", [])
    assert "de" in spec["stop_words"] and "bedankt" in spec["extra_stop_words"]
    assert analysis_spec("pl", Thesaurus())["stemmer"] is None


# --- Distances and spellings ---------------------------------------------------------

def levenshtein(a: str, b: str) -> int:
    """The brute-force oracle: every edit, no early exit."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row, last = [i], row
        for j, cb in enumerate(b, 1):
            row.append(min(last[j] + 1, row[j - 1] + 1, last[j - 1] + (ca != cb)))
    return row[-1]


def test_within_distance_agrees_with_python_and_with_a_full_levenshtein(case):
    inputs = case.batch["within"]
    same("within_distance", inputs, lambda x: within_distance(*x), case.results["within"])
    assert case.results["within"] == [levenshtein(a, b) <= d for a, b, d in inputs]


def test_deletion_forms_are_the_same_sets(case):
    inputs = case.batch["deletions"]
    got = [sorted(forms) for forms in case.results["deletions"]]
    same("deletion_forms", inputs, lambda x: sorted(deletion_forms(*x)), got)


def test_ratio_is_difflibs_to_the_last_bit(case):
    same("ratio", case.batch["ratio"],
         lambda x: difflib.SequenceMatcher(None, *x).ratio(), case.results["ratio"])


def test_strings_sort_by_code_point_as_in_python(case):
    same("sort", case.batch["sort"], sorted, case.results["sort"])


def test_spellings_within_finds_every_word_within_the_distance_in_order(case):
    """As kb.engine's Spellings on every query, and on every fifth as brute force: every
    word of the vocabulary with the prefix within the distance (within_distance, itself
    held to a full Levenshtein above), in code point order."""
    words = case.batch["spellings"]["words"]
    queries = case.batch["spellings"]["queries"]
    assert sum(map(len, case.results["spellings"])) > 100
    # By first letter and length only to be quick: a word more letters longer or shorter
    # than the distance is not within it.
    pools: dict[tuple[str, int], list[str]] = {}
    for word in words:
        for first in (word[:1], ""):
            pools.setdefault((first, len(word)), []).append(word)

    def brute_force(word: str, maxdist: int, prefix: int) -> list[str]:
        first = word[:1] if prefix else ""
        return sorted(w for n in range(len(word) - maxdist, len(word) + maxdist + 1)
                      for w in pools.get((first, n), ()) if within_distance(word, w, maxdist))

    spellings = Spellings(words)
    same("spellings", queries, lambda q: spellings.within(*q), case.results["spellings"])
    same("spellings by brute force", queries[::5], lambda q: brute_force(*q),
         case.results["spellings"][::5])
