"""The site's search index (Material's `search/search_index.json`), lean enough for a phone.

Material's search worker downloads the whole index on a shopper's first search
and builds its lunr index from it, so every byte is paid by every searcher.
Material stores each section of a page with its full HTML; for a help centre
of thousands of articles that is most of the download. For each article kb
keeps what a shopper sees and everything a shopper may type:

- the page entry with its question (title) and the text before the first
  heading, the short answer and its introduction: the preview under a result;
- each section with its heading, but instead of the section's text only its
  distinct words (stop words left out), lowercased and
  in sorted order, in the hidden field `TEXT_FIELD`, weighted as body text:
  lunr needs no word order outside previews, and a shopper who searches for a
  word of the section still lands on it;
- the words shoppers use that the article does not (keywords, synonyms) in the
  hidden field `TERMS_FIELD`, weighted far above body text.

Words keep their accents: lunr matches them as the shopper types them.
Pages that are not articles (contact, blog, listings) are left as they are.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping

TERMS_FIELD = "kb"
TERMS_BOOST = 100  # below a title match (1000), far above a body match (1)
TEXT_FIELD = "kb_text"
TEXT_BOOST = 1

_TAG = re.compile(r"<[^>]*>")
_EDGES = "\"'.,:;!?()[]{}<>«»“”‘’„…*/\\|"
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_DEFAULT_SEPARATOR = re.compile(r"[\s\-]+")


def separator(pattern: str | None) -> re.Pattern[str]:
    """Material's `separator` option (a JavaScript regular expression) in Python;
    the default when Python cannot read it."""
    if pattern:
        try:
            return re.compile(pattern)
        except re.error:
            pass
    return _DEFAULT_SEPARATOR


def plain(text: str) -> str:
    return html.unescape(_TAG.sub(" ", text))


def words(text: str, split: re.Pattern[str]) -> set[str]:
    """The distinct lowercased words of indexed text, punctuation at their edges
    dropped and signs that are no word (`&`, `=`) left out."""
    found = set()
    for word in set(split.split(plain(text).lower())):
        word = word.strip(_EDGES)
        if _LETTER_OR_DIGIT.search(word):
            found.add(word)
    return found


def compact(index: dict, articles: Collection[str], terms: Mapping[str, str],
            stop_words: Collection[str] = (), fold=lambda word: word) -> dict:
    """`index` (as Material writes it) with the sections of the article pages at
    `articles` (their locations) compacted as described above and `terms`
    (location -> words) added. `fold(word)` in `stop_words` marks a word not
    worth indexing on its own."""
    split = separator(index.get("config", {}).get("separator"))
    for doc in index.get("docs", []):
        location = str(doc.get("location", ""))
        if location in terms:
            doc[TERMS_FIELD] = terms[location]
        page, _, anchor = location.partition("#")
        if not anchor or page not in articles:
            continue
        hidden = words(str(doc.get("text", "")), split)
        doc["text"] = ""
        hidden = {w for w in hidden if w not in stop_words and fold(w) not in stop_words}
        if hidden:
            doc[TEXT_FIELD] = " ".join(sorted(hidden))
    return index
