"""Text analysis: words to the terms kb searches and compares articles by.

Text is cleaned of markup, template placeholders and addresses, accent-folded,
cut into words, stripped of stop words and of noise such as order numbers, and
stemmed with the Snowball stemmers that come with Whoosh (`whoosh.lang`). The
answer index and its engine (kb.answerindex, kb.engine), related questions and
near-duplicates (kb.similarity) and content gaps all see text through `Analyzer`, so
each finds the same terms (the browser's engine repeats it, kb/assets/engine/analysis.js,
from `analysis_spec`). Also here: the synonym groups a site uses as terms (`thesaurus_for`)
and the edit distance spelling corrections and gap clusters rely on.

Nothing of Whoosh's index is needed: only its stemmer and stop word data, loaded
when the first `Analyzer` is made.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

from kb.i18n import base_language
from kb.synonyms import Thesaurus, builtin_groups

if TYPE_CHECKING:
    from kb.settings import Settings

# Words that carry no question in a help-centre message, on top of Whoosh's stop lists.
EXTRA_STOP_WORDS = {
    "nl": """hallo hoi hey hi beste goedemorgen goedemiddag goedenavond goeiedag dag
        graag alstublieft alsjeblieft aub svp bedankt dank dankjewel dankuwel alvast
        groet groeten mvg vriendelijke even eigenlijk gewoon echt jullie jij jou
        jouw u uw ik mij me mijn we wij ons onze zij hun kun kunt kan mag moet
        wil wilt zou zouden ga gaat gaan heb hebt heeft had ben bent is zijn was
        waren word wordt worden er nou oke ok okay he hè pls plz vraagje
        iemand weet weten zeggen vertellen""",
    "en": """hello hi hey dear please pls thanks thank regards cheers kind ok okay
        would could can may might must need want wanted know tell let get got im ive
        dont cant question""",
}

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\$\{[^}]*\}|\[\[[^\]]*\]\]",
                          re.S)
_ATTR_LIST = re.compile(r"\{\s*[:.#][^}]*\}")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_TAG = re.compile(r"<[^>]+>")
_ENTITY = re.compile(r"&#?\w+;")
_WORD = re.compile(r"[^\W_]+")


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lowercase without accents: `Cafeïne` -> `cafeine`."""
    text = text.casefold()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def clean(text: str) -> str:
    """Text without markup, template placeholders, links' targets and addresses."""
    # A pattern tries a match at every character (the address pattern cost most
    # of the time it takes to analyse an article's body), though each needs one of
    # these strings to match at all.
    if "{" in text or "[[" in text:
        text = _PLACEHOLDER.sub(" ", text)
        text = _ATTR_LIST.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    if "@" in text or "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    text = _TAG.sub(" ", text)
    return _ENTITY.sub(" ", text)


def _noise(word: str) -> bool:
    """Order numbers, postcodes, tracking codes: digits that answer no question."""
    if word.isalpha() or not any(c.isdigit() for c in word):
        return False
    return len(word) > 4 or not word.isdigit()


def _words_of(text: str) -> list[str]:
    """Folded words of text without markup, noise dropped."""
    return [w for w in _WORD.findall(fold(text)) if not _noise(w)]


class _Memo(dict):
    """A bounded cache that fills itself: a hit, looked up from C through `map`,
    costs no Python call at all."""

    def __init__(self, compute: Callable[[str], tuple[str, ...]], size: int = 200_000):
        super().__init__()
        self.compute = compute
        self.size = size

    def __missing__(self, key: str) -> tuple[str, ...]:
        value = self.compute(key)
        if len(self) < self.size:
            self[key] = value
        return value


class Analyzer:
    """Words -> terms for one language; stems are cached."""

    def __init__(self, language: str):
        # Imported here: what imports this module without analysing text (kb.similarity
        # for a kb build that leaves near-duplicates to kb check, kb.answerindex in the
        # plugin's imports) does not load Whoosh's stemmers.
        from whoosh.lang import (
            has_stemmer,
            has_stopwords,
            stemmer_for_language,
            stopwords_for_language,
        )

        self.language = base_language(language)
        # Whoosh has no stop list for some languages a site may use (pl, ja...).
        stop_list = stopwords_for_language(self.language) if has_stopwords(self.language) else ()
        self.stop_words = frozenset(fold(w) for w in stop_list) \
            | frozenset(EXTRA_STOP_WORDS.get(self.language, "").split())
        self._stem: Callable[[str], str] = (
            stemmer_for_language(self.language) if has_stemmer(self.language)
            else (lambda w: w))
        self._cache: dict[str, str] = {}
        self._words: dict[str, tuple[str, ...]] = {}
        self._pieces = _Memo(self._piece_terms)

    def words(self, text: str) -> list[str]:
        """Folded words, noise dropped, stop words kept."""
        return _words_of(clean(text))

    def stem(self, word: str) -> str:
        term = self._cache.get(word)
        if term is None:
            term = self._stem(word) or word
            if len(self._cache) < 200_000:
                self._cache[word] = term
        return term

    def meaningful(self, words: Iterable[str]) -> list[str]:
        return [w for w in words if w not in self.stop_words and (len(w) > 1 or w.isdigit())]

    def terms(self, text: str) -> list[str]:
        """The index terms of `text`."""
        return [self.stem(w) for w in self.meaningful(self.words(text))]

    def cached_terms(self, text: str) -> list[str]:
        """`terms(text)`, the same list, several times faster on long text (related
        questions analyse every article's body). Once markup is gone no word, accent
        or folded letter spans white space, so each piece between spaces is analysed
        once and then only looked up."""
        return list(chain.from_iterable(map(self._pieces.__getitem__, clean(text).split())))

    def _piece_terms(self, piece: str) -> tuple[str, ...]:
        return tuple(self.stem(w) for w in self.meaningful(_words_of(piece)))

    def word_terms(self, text: str) -> tuple[str, ...]:
        """`terms` of a keyword or synonym, cached: the same few thousand recur in
        every article (10,000 articles analyse them 375,000 times)."""
        found = self._words.get(text)
        if found is None:
            found = tuple(self.terms(text))
            if len(self._words) < 200_000:
                self._words[text] = found
        return found

    def forms(self, word: str) -> list[str]:
        """Candidate terms for other forms of `word` (participles, diminutives,
        conjugations) that the stemmer does not join; the caller keeps those
        the content knows."""
        if self.language != "nl" or len(word) < 4:
            return []
        bases = []
        for ending in ("etjes", "etje"):  # bonnetje -> bon
            if word.endswith(ending) and len(word) > len(ending) + 3:
                stem = word[: -len(ending)]
                if stem[-1] == stem[-2]:
                    bases.append(stem[:-1])
        for ending in ("tjes", "tje", "jes", "je", "pje", "pjes", "ske", "skes"):
            if word.endswith(ending) and len(word) > len(ending) + 2:
                bases.append(word[: -len(ending)])
        if word.endswith(("d", "t")) and len(word) > 4:
            bare = word[:-1]
            bases.append(bare)
            if bare.startswith("ge") and len(bare) > 4:
                bases.append(bare[2:])
        candidates = []
        for base in bases + [word]:
            stems = [base]
            if len(base) > 3 and base[-2] == base[-3] and base[-2] in "aeou":
                stems.append(base[:-2] + base[-1])  # betaal -> betal(en)
            if len(base) > 2 and base[-1] not in "aeiou" and base[-2] in "aeiou":
                stems.append(base + base[-1])  # bestel -> bestell(en)
            for stem in stems:
                candidates += [stem, stem + "en", stem + "ing"]
            # Conjugations and participles of the base: bezorg -> bezorgd, bezorgt,
            # gebezorgd.
            for ending in ("d", "t", "de", "te"):
                candidates += [base + ending, "ge" + base + ending]
        own = self.stem(word)
        return list(dict.fromkeys(t for t in (self.stem(c) for c in candidates) if t != own))


@lru_cache(maxsize=8)
def analyzer_for(language: str) -> Analyzer:
    return Analyzer(language)


def thesaurus_for(settings: Settings) -> Thesaurus:
    """The synonym groups a site uses: kb's curated lists and the site's own."""
    analyzer = analyzer_for(settings.language)
    builtin = builtin_groups(analyzer.language) if settings.builtin_synonyms else ()
    return Thesaurus.build([*builtin, *settings.synonyms], analyzer.terms)


# --- Edit distance: spelling corrections (kb.engine) and gap clusters ------------

def within_distance(a: str, b: str, maxdist: int) -> bool:
    """Whether the Levenshtein distance of `a` and `b` is at most `maxdist`."""
    if abs(len(a) - len(b)) > maxdist:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        if min(current) > maxdist:
            return False
        previous = current
    return previous[-1] <= maxdist


def deletion_forms(word: str, depth: int = 1) -> set[str]:
    """`word` and every form of it with up to `depth` letters left out: two words
    within `depth` edits of each other share one of these forms."""
    forms = {word}
    edge = {word}
    for _ in range(depth):
        edge = {w[:i] + w[i + 1:] for w in edge for i in range(len(w))}
        forms |= edge
    return forms


# --- The answer engine's JavaScript analysis (kb/assets/engine/analysis.js) ---------

def analysis_spec(language: str, thesaurus: Thesaurus) -> dict[str, object]:
    """What the browser needs to analyse a question as `Analyzer(language)` does, as
    JSON data: the stop words (Whoosh's, folded, and kb's extra ones apart), which
    Snowball stemmer to use (None: words are their own terms) and `thesaurus`'s
    groups as analysed phrases. The code is in analysis.js; tests/test_engine_js.py
    holds the two to the same results."""
    from whoosh.lang import has_stemmer

    analyzer = analyzer_for(language)
    extra = frozenset(EXTRA_STOP_WORDS.get(analyzer.language, "").split())
    return {
        "language": analyzer.language,
        "stemmer": analyzer.language if has_stemmer(analyzer.language) else None,
        "stop_words": sorted(analyzer.stop_words - extra),
        "extra_stop_words": sorted(extra),
        "thesaurus": [[list(phrase) for phrase in group] for group in thesaurus.phrases],
    }
