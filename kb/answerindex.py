"""The static answer index: the files `kb build` writes for the site's answer engine,
and the reading side both runtimes use (kb.engine in Python, the browser's runtime).

The index holds the articles live on one day, the build's day: no drafts, nothing
scheduled or expired. Its files are JSON (UTF-8, compact), in one folder:

- `meta.json`: the format, the language, the build's day, the number of articles
  (`total`), an unknown term's weight (`unknown_idf`), the algorithm's constants, the
  BM25 impact scale, how many term shards there are, the doc block size and the
  names of the spelling shards.
- `analysis.json`: what analysis needs besides code, `kb.analysis.analysis_spec`: the
  stop words, the stemmer and the synonym groups as analysed phrases (lists of terms).
- `terms/<n>.json`: the terms whose shard is n (see `shard_of`), each
  `term -> {"df": int, "i": float, "f": {field: postings}}`, fields without the term
  left out. `df` is the number of articles that have the term in the field that has it
  in most articles (kb.search's `Searcher.df`). `i` is the term's weight in a
  question, `term_weight`: a logarithm, stored because Python's and JavaScript's
  logarithms differ in the last unit for one number in twelve, which could move a
  coverage across a rounding step in one runtime only. The postings are one flat
  list, articles ascending: `[gap, impact, gap, impact, ...]`, where an article's
  number is the previous one's plus `gap` (the first one's is its gap), which halves
  the gzipped size at 1,000 articles and more. `impact` is the term's BM25 part in
  that field of that article times `impact_scale`, rounded to an integer, so both
  runtimes read the same numbers. The `title` field's postings have a third number
  each, `[gap, impact, size, ...]`: how many distinct terms that article's title has
  (the re-rank's title match needs it, only for articles whose title has a word asked).
- `docs/<n>.json`: the articles `n * doc_block` up to the next block, each
  `{"slug", "src_uri", "title", "summary", "policy"}`; read for the hits shown only.
- `spelling/<name>.json`: the words the articles use (those of three letters or
  more, digits left out), each with the number of articles that use it, in shards
  by first letter (see `spelling_shard`).

Only what a question needs is read: `meta.json` and `analysis.json`, the shard of
every term it looks up, the spelling shard of an unknown word's first letter (all of
them for a long word with no correction there) and the doc blocks of its hits. A
missing term shard means that no term of it is known.
"""

from __future__ import annotations

import gzip
import json
import math
import os
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from kb.analysis import analysis_spec, analyzer_for, thesaurus_for
from kb.articles import Article
from kb.engine import FIELD_WEIGHTS, K1, B, Tuning
from kb.settings import Settings
from kb.synonyms import Thesaurus

FORMAT = 1
FOLDER = "search"
IMPACT_SCALE = 1000
DOC_BLOCK = 32  # articles per doc block: a block is read for each hit shown
SHARD_TARGET = 12_000  # gzipped bytes a term shard aims at
MIN_SPELLING = 3  # shortest word kept for spelling corrections

Files = dict[str, bytes]
Loader = Callable[[str], "bytes | None"]


# --- Names ----------------------------------------------------------------------

def fnv1a(text: str) -> int:
    """FNV-1a, 32 bits, over the UTF-8 bytes of `text`: start at 2166136261; for
    each byte, XOR it in, then multiply by 16777619 modulo 2**32."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def shard_of(term: str, shards: int) -> int:
    """The term shard that holds `term`: its FNV-1a hash modulo the number of shards."""
    return fnv1a(term) % shards


def term_file(shard: int) -> str:
    return f"terms/{shard}.json"


def doc_file(block: int) -> str:
    return f"docs/{block}.json"


def spelling_shard(word: str) -> str:
    """The spelling shard of a word: its first character when that is a-z or 0-9, else
    `u` and the character's code point in lowercase hex (`é` -> `ue9`)."""
    first = word[:1]
    return first if first.isascii() and first.isalnum() else f"u{ord(first):x}"


def spelling_file(name: str) -> str:
    return f"spelling/{name}.json"


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- Writing ----------------------------------------------------------------------

# Whoosh keeps an article's field length in one byte, on a logarithmic scale, and
# BM25 reads it back rounded up to the scale's next step (1-10 exact, then 12, 13, 15,
# ...). kb.search's scores use those lengths, so the index does too; the average
# length is the exact one.
_LENGTH_STEPS = [int(round((1.033 ** n - 1) * 27)) for n in range(256)]


def stored_length(length: int) -> int:
    """A field's length as Whoosh stores it."""
    if length >= _LENGTH_STEPS[-1]:
        return _LENGTH_STEPS[-1]
    return _LENGTH_STEPS[bisect_left(_LENGTH_STEPS, length)]


def article_fields(article: Article, analyze: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """The terms of each field of an article, in order."""
    return {"title": analyze(article.title), "keywords": analyze(" ".join(article.keywords)),
            "summary": analyze(article.summary), "body": analyze(article.body)}


def bm25_impacts(fields: Sequence[dict[str, list[str]]], scale: int = IMPACT_SCALE
                 ) -> dict[str, dict[str, list[list[int]]]]:
    """term -> field -> [[doc, impact], ...] for documents given as their fields' terms,
    scored as kb.search's `Searcher._score_term` scores them."""
    total = max(len(fields), 1)
    average = {name: sum(len(doc[name]) for doc in fields) / total or 1.0
               for name in FIELD_WEIGHTS}
    counted: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for doc, terms in enumerate(fields):
        for name in FIELD_WEIGHTS:
            for term, tf in Counter(terms[name]).items():
                counted.setdefault(term, {}).setdefault(name, []).append((doc, tf))
    norms = {name: [K1 * (1 - B + B * stored_length(len(doc[name])) / average[name])
                    for doc in fields] for name in FIELD_WEIGHTS}
    impacts: dict[str, dict[str, list[list[int]]]] = {}
    for term, per_field in counted.items():
        articles = {doc for postings in per_field.values() for doc, _ in postings}
        idf = math.log(total / (len(articles) + 1)) + 1
        impacts[term] = {
            name: [[doc, round(idf * tf * (K1 + 1) / (tf + norms[name][doc]) * scale)]
                   for doc, tf in postings]
            for name, postings in per_field.items()}
    return impacts


def term_weight(total: int, df: int) -> float:
    """A question's term's weight (kb.search's idf) when `df` of `total` articles have
    it; for an unknown term (df 0), as if half an article had it."""
    return math.log(1 + total / (df or 0.5))


def encode_postings(postings: Iterable[Sequence[int]]) -> list[int]:
    """[[doc, impact, ...], ...] as one flat list, each doc as the gap from the last."""
    flat: list[int] = []
    last = 0
    for doc, *rest in postings:
        flat += [doc - last, *rest]
        last = doc
    return flat


def decode_postings(flat: Sequence[int], stride: int) -> list[tuple[int, ...]]:
    """The (doc, impact[, size]) tuples of a flat list of postings."""
    found = []
    doc = 0
    for start in range(0, len(flat), stride):
        doc += flat[start]
        found.append((doc, *flat[start + 1:start + stride]))
    return found


def spelling_words(article: Article, words: Callable[[str], list[str]]) -> set[str]:
    """The words of an article that spelling corrections may suggest."""
    texts = (article.title, " ".join(article.keywords), article.summary, article.body)
    return {w for text in texts for w in words(text)
            if len(w) >= MIN_SPELLING and not w.isdigit()}


def shard_count(entries: dict[str, Any]) -> int:
    """Enough term shards for each to be about SHARD_TARGET bytes gzipped."""
    size = len(gzip.compress(_json(entries), 6))
    return max(1, round(size / SHARD_TARGET))


def build_answer_index(articles: Iterable[Article], settings: Settings, today: date,
                       shards: int | None = None, scale: int = IMPACT_SCALE) -> Files:
    """The index's files, name -> content, of those of `articles` live on `today`, the
    build's day; their doc numbers follow the order of `articles`. `shards` (the
    number of term shards) is chosen from the content's size unless given."""
    articles = [a for a in articles if a.is_live(today)]
    analyzer = analyzer_for(settings.language)
    fields = [article_fields(a, analyzer.cached_terms) for a in articles]
    impacts = bm25_impacts(fields, scale)
    title_sizes = [len(set(doc["title"])) for doc in fields]
    total = max(len(articles), 1)
    entries: dict[str, Any] = {}
    for term, per_field in sorted(impacts.items()):
        if "title" in per_field:
            per_field["title"] = [[doc, impact, title_sizes[doc]]
                                  for doc, impact in per_field["title"]]
        df = max(map(len, per_field.values()))
        entries[term] = {"df": df, "i": term_weight(total, df),
                         "f": {name: encode_postings(postings)
                               for name, postings in per_field.items()}}
    shards = shards or shard_count(entries)
    sharded: list[dict[str, Any]] = [{} for _ in range(shards)]
    for term, entry in entries.items():
        sharded[shard_of(term, shards)][term] = entry
    spelling: Counter[str] = Counter()
    for article in articles:
        spelling.update(spelling_words(article, analyzer.words))
    by_letter: dict[str, dict[str, int]] = {}
    for word in sorted(spelling):
        by_letter.setdefault(spelling_shard(word), {})[word] = spelling[word]
    meta = {"format": FORMAT, "language": analyzer.language, "day": today.isoformat(),
            "total": len(articles), "unknown_idf": term_weight(total, 0),
            "constants": Tuning.default().as_json(), "impact_scale": scale,
            "term_shards": shards, "doc_block": DOC_BLOCK,
            "spelling_shards": sorted(by_letter)}
    files: Files = {"meta.json": _json(meta), "analysis.json": _json(
        analysis_spec(settings.language, thesaurus_for(settings)))}
    for number, shard in enumerate(sharded):
        if shard:
            files[term_file(number)] = _json(shard)
    for start in range(0, len(articles), DOC_BLOCK):
        block = [{"slug": a.slug, "src_uri": a.src_uri, "title": a.title,
                  "summary": a.summary, "policy": a.policy}
                 for a in articles[start:start + DOC_BLOCK]]
        files[doc_file(start // DOC_BLOCK)] = _json(block)
    for name, words in by_letter.items():
        files[spelling_file(name)] = _json(words)
    return files


def write_answer_index(articles: Iterable[Article], settings: Settings, today: date,
                       folder: str, shards: int | None = None) -> Files:
    """Write the index of the articles live on `today` into `folder`; its files."""
    files = build_answer_index(articles, settings, today, shards)
    for name, data in files.items():
        path = os.path.join(folder, *name.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
    return files


# --- Reading ----------------------------------------------------------------------

def memory_loader(files: Files) -> Loader:
    """Read the files of `build_answer_index` from memory."""
    return files.get


def folder_loader(folder: str) -> Loader:
    """Read the files of an index folder; None for a file that is not there."""
    def load(name: str) -> bytes | None:
        try:
            with open(os.path.join(folder, *name.split("/")), "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            return None
    return load


class IndexFiles:
    """The files of one answer index as the engine reads them: each at most once, and
    only when needed. `read` lists the names read, and `bytes_read` their size."""

    def __init__(self, load: Loader):
        self.load = load
        self.read: list[str] = []
        self.bytes_read = 0
        self._cache: dict[str, Any] = {}
        meta = self.file("meta.json")
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError("not a kb answer index of format "
                             f"{FORMAT}: {'no meta.json' if meta is None else 'other format'}")
        self.meta: dict[str, Any] = meta
        self._words: dict[tuple[str, ...], dict[str, int]] = {}

    def file(self, name: str) -> Any:
        """The parsed content of file `name`; None when it does not exist."""
        if name not in self._cache:
            data = self.load(name)
            if data is not None:
                self.read.append(name)
                self.bytes_read += len(data)
            self._cache[name] = None if data is None else json.loads(data)
        return self._cache[name]

    def term(self, term: str) -> dict[str, Any] | None:
        """The entry of `term`, None when no article has it."""
        shard = self.file(term_file(shard_of(term, self.meta["term_shards"])))
        return shard.get(term) if shard else None

    def postings(self, term: str, name: str) -> list[tuple[int, ...]]:
        """(doc, impact) of each article with `term` in field `name`; (doc, impact,
        title size) in the title field."""
        entry = self.term(term)
        flat = entry["f"].get(name) if entry else None
        return decode_postings(flat, 3 if name == "title" else 2) if flat else []

    def doc(self, doc: int) -> dict[str, Any]:
        block = self.meta["doc_block"]
        return self.file(doc_file(doc // block))[doc % block]

    def spelling_shard(self, word: str) -> str:
        return spelling_shard(word)

    def spelling_words(self, names: Iterable[str]) -> dict[str, int]:
        """The spelling words of the shards `names`, with their article counts."""
        key = tuple(names)
        found = self._words.get(key)
        if found is None:
            found = {}
            for name in key:
                found.update(self.file(spelling_file(name)) or {})
            self._words[key] = found
        return found

    def thesaurus(self) -> Thesaurus:
        """The synonym groups the index was built with."""
        data = self.file("analysis.json") or {}
        groups = [[" ".join(phrase) for phrase in group] for group in data.get("thesaurus", ())]
        return Thesaurus.build(groups, str.split)
