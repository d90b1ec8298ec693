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
import json
import os
import re
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING

from kb.analysis import analyzer_for, fold, site_terms, thesaurus_for

if TYPE_CHECKING:
    from kb.settings import Settings
    from kb.site import SitePlan

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


INDEX_PATH = ("search", "search_index.json")  # below the site folder


def finish_index(site_dir: str, plan: SitePlan, url_of: Callable[[str], str | None],
                 settings: Settings, merge: Callable[[dict], str] | None = None) -> None:
    """Compact the articles in the search plugin's index below `site_dir` and add
    the words shoppers use for them (`compact_site`), when the plugin indexes kb's
    fields. `merge` (a dirty rebuild of kb serve, whose index holds the pages it
    rendered only) gives the whole index as text: see Session.search_index."""
    path = os.path.join(site_dir, *INDEX_PATH)
    if not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as fh:
        index = json.load(fh)
    if TERMS_FIELD in index.get("config", {}).get("fields", {}):
        compact_site(index, plan, url_of, settings)
    elif merge is None:
        return  # a search plugin that does not index extra fields
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":")) if merge is None \
        else merge(index)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def compact_site(index: dict, plan: SitePlan, url_of: Callable[[str], str | None],
                 settings: Settings) -> dict:
    """`compact` for the plan's articles in `index` (in a dirty rebuild only those it
    rendered: the others are compact from earlier builds already), with the words
    shoppers use for them (kb.analysis.site_terms). `url_of` gives a src_uri's page
    URL relative to the site root, None when it has none."""
    indexed = {str(doc.get("location", "")).partition("#")[0] for doc in index.get("docs", [])}
    analyzer = analyzer_for(settings.language)
    thesaurus = thesaurus_for(settings)
    terms, articles = {}, set()
    for src_uri, extras in plan.articles.items():
        url = url_of(src_uri)
        if url is None or url not in indexed:
            continue
        articles.add(url)
        words = site_terms(extras.article, analyzer, thesaurus)
        if words:
            terms[url] = " ".join(words)
    return compact(index, articles, terms, analyzer.stop_words, fold)
