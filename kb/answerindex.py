"""The static answer index: the files `kb build` writes for the site's answer engine,
and the reading side both runtimes use (kb.engine in Python, kb/assets/engine/ in the
browser and Node).

Format 3. Every file is a script, `<name>.js`, whose whole content is
`kbIndex(<name as a JSON string>,<JSON data>);` and a newline (`wrap_script`,
`unwrap_script`): help blocks run on a shop's own domain, where a `<script src>` from
the help host works without CORS and under a Content-Security-Policy whose
connect-src does not list the help host. Names are paths below search/ without
".js". The articles live on the build's day are in search/; blog posts and
hand-written pages in an index of the same format in search/pages/ (`build_page_index`).

- `meta`: the format, the corpus ("articles" or "pages"), the language, the build's
  day, `site_url`, the number of documents (`total`), an unknown term's weight, the
  algorithm's constants, BM25's k1 and b, the impact scale, the doc block size, the
  first term of every lexicon range (`lex`) and, for articles, the spelling buckets
  (`spelling`: first-letter shard -> the shortest word length of each bucket).
- `analysis` (articles only): `kb.analysis.analysis_spec`, the stop words, the stemmer
  and the synonym groups. The pages index answers with the articles' analysis and
  spelling (kb.engine's `base`): this file is 8 KB gzipped on the demo.
- `lex/<n>`: the terms of one range of the sorted vocabulary, each
  `term -> [df, weight, idf, postings]`. `df` is the number of documents that have
  the term in the field that has it in most (the Whoosh searcher's df); `weight` the
  term's weight in a question (`term_weight`); `idf` its BM25 idf. Both are logarithms,
  stored because Python's and JavaScript's logarithms differ in the last unit for one
  number in twelve. `postings` is the number of the term's `post/<n>` file, or, for a
  term in at most INLINE documents, the postings themselves. A term that is in no
  range's file is unknown: looking it up costs one small file at most.
- `post/<n>`: one term's postings, `{field: postings}`, fields without it left out.
  Postings hold term frequencies: `[gap, tf, gap, tf, ...]` (a document's number is
  the previous one's plus `gap`). A field that has the term in more than 1/DENSE of
  the documents is a string instead, one character per document: chr(48 + tf), "0"
  where it is absent. A term in the body of more than half of the documents counts
  once per body (`common_body`: the bytes of further questions at 10,000 articles).
- `len`: every document's field lengths as Whoosh stores them (one byte, an index
  into `steps`, as chr(48 + byte), one string per field, `fields`), the lengths the
  bytes stand for (`steps`, up to the largest byte used), each field's exact average
  length (`avg`) and each document's number of distinct title terms (`sizes`, as
  chr(48 + n): the re-rank's title match). The engine computes each BM25 part,
  round(idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average)) * scale),
  with the same operations in both runtimes: the numbers format 1 stored. The title
  sizes were in every title posting (format 2): once per document, a title's postings
  are plain and can be a dense string too (1.4 KB less for a term in half of the
  titles at 10,000 articles). One file, not one per field: every question at 10,000
  synthetic articles has words in all four fields, so a split moved bytes from the
  first question to later ones (further questions' median +1.7 KB, p95 the same).
- `docs/<n>`: the documents `n * doc_block` up to the next block; an article is
  `{"slug", "src_uri", "url", "title", "summary", "policy"}`, a page `{"url", "title",
  "summary", "kind"}` (url relative to the site's root); read for the hits shown only.
- `spelling/<shard>-<length>` (articles only): the words the articles use (three
  letters or more, digits left out) with the number of articles using each, by first
  letter (`spelling_shard`) and in buckets of word lengths from `length`: a word
  within two typing mistakes is at most two letters longer or shorter, so a lookup
  reads the one or two buckets that hold those lengths.

Only what a question needs is read: `meta` and `analysis` first, then the lexicon
range of every term looked up, the postings of the known ones that the question's
concepts score and the field lengths (`IndexFiles.scoring_files`), the spelling
buckets of an unknown word and the doc blocks of the hits shown. Every file the engine
asks for exists (meta names them), so a file that cannot be loaded is an error.
"""

from __future__ import annotations

import json
import math
import os
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from operator import itemgetter
from typing import Any

from kb.analysis import Analyzer, analysis_spec, analyzer_for, clean, thesaurus_for
from kb.articles import Article
from kb.engine import FIELD_WEIGHTS, K1, B, Tuning
from kb.settings import Settings
from kb.synonyms import Thesaurus

FORMAT = 3
FOLDER = "search"
PAGES = "pages/"  # the pages index, below FOLDER
IMPACT_SCALE = 1000
DOC_BLOCK = 8  # documents per doc block: a block is read for each hit shown (32: +7 KB
# gzipped per question at 10,000 articles, five hits rarely share a block)
INLINE = 8  # a term in at most this many documents keeps its postings in the lexicon
DENSE = 8  # a field that has a term in more than 1/DENSE of the documents: a string
# Raw bytes a lexicon range and a spelling bucket aim at, about 2 KB and 1.5 KB
# gzipped: a question's lookups read one range per term, and a further question
# costs little for the ranges it shares with the first.
LEX_TARGET = 6_000
SPELLING_TARGET = 4_000
MIN_SPELLING = 3  # shortest word kept for spelling corrections
_DENSE_TF = 0xD000 - 48  # one UTF-16 unit per document in a dense string
FIELDS = tuple(FIELD_WEIGHTS)

Files = dict[str, bytes]
Loader = Callable[[str], "bytes | None"]


# --- Scripts ------------------------------------------------------------------------

def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def wrap_script(name: str, data: Any) -> bytes:
    """The file `<name>.js` of the index: `kbIndex("<name>",<data>);` and a newline."""
    return b"kbIndex(" + _json(name) + b"," + _json(data) + b");\n"


_HEAD = b'kbIndex("'
_TAIL = b");\n"


def unwrap_script(content: bytes) -> tuple[str, Any]:
    """The name and data of an index file written by `wrap_script`."""
    if not (content.startswith(_HEAD) and content.endswith(_TAIL)):
        raise ValueError("not a kb answer index file: it does not start with "
                         "'kbIndex(\"' and end with ');'")
    text = content[len(b"kbIndex("):-len(_TAIL)].decode("utf-8")
    name, end = json.JSONDecoder().raw_decode(text)
    if not isinstance(name, str) or text[end:end + 1] != ",":
        raise ValueError("not a kb answer index file: no name and data")
    return name, json.loads(text[end + 1:])


def script_file(name: str) -> str:
    """The path of the file of index name `name`, below the index's folder."""
    return name + ".js"


# --- Names ----------------------------------------------------------------------------

def lex_name(number: int) -> str:
    return f"lex/{number}"


def post_name(number: int) -> str:
    return f"post/{number}"


def doc_name(block: int) -> str:
    return f"docs/{block}"


def spelling_shard(word: str) -> str:
    """The spelling shard of a word: its first character when that is a-z or 0-9, else
    `u` and the character's code point in lowercase hex (`é` -> `ue9`)."""
    first = word[:1]
    return first if first.isascii() and first.isalnum() else f"u{ord(first):x}"


def spelling_name(shard: str, start: int) -> str:
    return f"spelling/{shard}-{start}"


def lex_range(firsts: Sequence[str], term: str) -> int:
    """The lexicon range that would hold `term`: the last whose first term is not
    after it (the first range for a term before every range)."""
    return max(bisect_right(firsts, term) - 1, 0)


def spelling_buckets(starts: Sequence[int], low: int, high: int) -> list[int]:
    """The buckets (by their shortest length, of `starts`, ascending) holding words of
    `low` to `high` letters."""
    first = max(bisect_right(starts, low) - 1, 0)
    return [s for s in starts[first:] if s <= high]


# --- Lengths and scores ---------------------------------------------------------

# Whoosh keeps a document's field length in one byte, on a logarithmic scale, and
# BM25 reads it back rounded up to the scale's next step (1-10 exact, then 12, 13, 15,
# ...). kb's Whoosh searcher scored with those lengths, so the index does too; the
# average length is the exact one.
LENGTH_STEPS = [int(round((1.033 ** n - 1) * 27)) for n in range(256)]


def length_byte(length: int) -> int:
    """A field's length as Whoosh stores it: the index of its step."""
    return min(bisect_left(LENGTH_STEPS, length), len(LENGTH_STEPS) - 1)


def stored_length(length: int) -> int:
    """A field's length as Whoosh reads it back."""
    return LENGTH_STEPS[length_byte(length)]


def bm25_idf(total: int, having: int) -> float:
    """BM25's idf of a term `having` of `total` documents have in any field."""
    return math.log(total / (having + 1)) + 1


def term_weight(total: int, df: int) -> float:
    """A question's term's weight (the Whoosh searcher's idf) when `df` of `total`
    documents have it; for an unknown term (df 0), as if half a document had it."""
    return math.log(1 + total / (df or 0.5))


# --- Postings -------------------------------------------------------------------

def encode_postings(postings: Iterable[Sequence[int]]) -> list[int]:
    """[[doc, tf, ...], ...] as one flat list, each doc as the gap from the last."""
    flat: list[int] = []
    last = 0
    for doc, *rest in postings:
        flat += [doc - last, *rest]
        last = doc
    return flat


def decode_postings(flat: Sequence[int], stride: int) -> list[tuple[int, ...]]:
    """The (doc, tf[, size]) tuples of a flat list of postings."""
    found = []
    doc = 0
    for start in range(0, len(flat), stride):
        doc += flat[start]
        found.append((doc, *flat[start + 1:start + stride]))
    return found


def encode_field(postings: Sequence[tuple[int, int]], total: int) -> list[int] | str:
    """One field's postings: a dense string when the term is in more than 1/DENSE of the
    documents, else gaps."""
    if len(postings) * DENSE > total and max(tf for _, tf in postings) <= _DENSE_TF:
        chars = ["0"] * total
        for doc, tf in postings:
            chars[doc] = chr(48 + tf)
        return "".join(chars)
    return encode_postings(postings)


def common_body(name: str, postings: list[tuple[int, int]],
                total: int) -> list[tuple[int, int]]:
    """A field's postings as the index keeps them: in the body of more than half of the
    documents, a term counts once per document (its idf is then below 0.7, a few
    thousandths of a question's score per occurrence). Measured at 10,000 synthetic
    articles, where ~100 words are in 92% of the bodies: long messages asked after
    another question fetched p95 63.0 KB (term frequencies carry ~3 bits per article,
    4.4 KB gzipped per such word; no exact encoding is much smaller); with presence only,
    36.8 KB. Ranking: the four demo eval sets within one question each; synthetic 10k
    printed@3 2 of 200 lower. Both runtimes read the same numbers."""
    if name != "body" or len(postings) * 2 <= total:
        return postings
    return [(doc, 1) for doc, _ in postings]


def decode_field(data: list[int] | str) -> list[tuple[int, ...]]:
    if isinstance(data, str):
        return [(doc, ord(c) - 48) for doc, c in enumerate(data) if c != "0"]
    return decode_postings(data, 2)


# --- Writing --------------------------------------------------------------------------

@dataclass(frozen=True)
class PageDoc:
    """A blog post or hand-written page for the pages index: `url` relative to the
    site's root (`blog/2026/11/02/nieuwe-thee/`), `kind` "blog" or "page"."""

    url: str
    title: str
    summary: str
    text: str
    kind: str


def article_url(src_uri: str, directory_urls: bool = True) -> str:
    """The address of an article's page relative to the site's root, as MkDocs makes
    it."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if not directory_urls:
        return stem + ".html"
    if stem in ("index", "README"):
        return ""
    return stem[:-len("index")] if stem.endswith("/index") else stem + "/"


_first, _second = itemgetter(0), itemgetter(1)


class _Pieces(dict):
    """Index terms and spelling words of texts in one pass: once markup is gone no word
    spans white space (kb.analysis `Analyzer.cached_terms`), so each piece between
    spaces is analysed once, then looked up (from C, through `map`). At 10,000
    articles: 2.3 s for the whole index, where analysing every text twice, for its
    terms and for its words, took 4.1 s."""

    def __init__(self, analyzer: Analyzer, size: int = 500_000):
        super().__init__()
        self.analyzer = analyzer
        self.size = size

    def __missing__(self, piece: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        analyzer = self.analyzer
        words = analyzer.words(piece)
        found = (tuple(analyzer.stem(w) for w in analyzer.meaningful(words)),
                 tuple(w for w in words if len(w) >= MIN_SPELLING and not w.isdigit()))
        if len(self) < self.size:
            self[piece] = found
        return found

    def text(self, text: str, spelling: set[str] | None) -> list[str]:
        """The terms of `text`, in order; its spelling words added to `spelling`."""
        found = list(map(self.__getitem__, clean(text).split()))
        if spelling is not None:
            spelling.update(chain.from_iterable(map(_second, found)))
        return list(chain.from_iterable(map(_first, found)))


def article_texts(article: Article) -> dict[str, str]:
    return {"title": article.title, "keywords": " ".join(article.keywords),
            "summary": article.summary, "body": article.body}


def article_fields(article: Article, analyze: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """The terms of each field of an article, in order."""
    return {name: analyze(text) for name, text in article_texts(article).items()}


class _Corpus:
    """Postings of term frequencies, field lengths and spelling words of documents given
    as their fields' texts, in one pass."""

    def __init__(self, analyzer: Analyzer, spelling: bool):
        self.pieces = _Pieces(analyzer)
        self.total = 0
        self.counted: dict[str, dict[str, list[tuple[int, int]]]] = {}
        self.lengths: dict[str, list[int]] = {name: [] for name in FIELDS}
        self.title_sizes: list[int] = []
        self.spelling: Counter[str] | None = Counter() if spelling else None

    def add(self, texts: dict[str, str]) -> None:
        doc = self.total
        self.total += 1
        words: set[str] | None = set() if self.spelling is not None else None
        counted = self.counted
        for name in FIELDS:
            terms = self.pieces.text(texts[name], words)
            self.lengths[name].append(len(terms))
            if name == "title":
                self.title_sizes.append(len(set(terms)))
            for term, tf in Counter(terms).items():
                per_field = counted.get(term)
                if per_field is None:
                    per_field = counted[term] = {}
                postings = per_field.get(name)
                if postings is None:
                    per_field[name] = [(doc, tf)]
                else:
                    postings.append((doc, tf))
        if self.spelling is not None and words is not None:
            self.spelling.update(words)

    def entries(self) -> tuple[dict[str, list[Any]], dict[int, dict[str, Any]]]:
        """The lexicon (term -> [df, weight, idf, postings]) and the postings files."""
        total = max(self.total, 1)
        lexicon: dict[str, list[Any]] = {}
        posts: dict[int, dict[str, Any]] = {}
        for term in sorted(self.counted):
            per_field = self.counted[term]
            df = max(map(len, per_field.values()))
            having = df if len(per_field) == 1 else \
                len({doc for postings in per_field.values() for doc, _ in postings})
            fields: dict[str, Any] = {}
            for name in FIELDS:
                postings = per_field.get(name)
                if postings is not None:
                    fields[name] = encode_field(common_body(name, postings, self.total),
                                                self.total)
            where: int | dict[str, Any] = fields
            if having > INLINE:
                where = len(posts)
                posts[where] = fields
            lexicon[term] = [df, term_weight(total, df), bm25_idf(total, having), where]
        return lexicon, posts

    def length_table(self) -> dict[str, Any]:
        total = max(self.total, 1)
        stored = {name: [length_byte(n) for n in self.lengths[name]] for name in FIELDS}
        top = max((max(b, default=0) for b in stored.values()), default=0)
        # One UTF-16 unit per document: a title of more distinct terms than _DENSE_TF
        # (53,200) counts as that many.
        return {"steps": LENGTH_STEPS[:top + 1],
                "avg": {name: sum(self.lengths[name]) / total or 1.0 for name in FIELDS},
                "sizes": "".join(chr(48 + min(n, _DENSE_TF)) for n in self.title_sizes),
                "fields": {name: "".join(chr(48 + n) for n in stored[name])
                           for name in FIELDS}}


def _ranges(entries: dict[str, Any], target: int) -> list[dict[str, Any]]:
    """Sorted `entries` cut into consecutive ranges of about `target` bytes of JSON."""
    ranges: list[dict[str, Any]] = []
    size = target
    for key, value in entries.items():
        piece = len(key) + len(_json(value)) + 4
        if size + piece > target:
            ranges.append({})
            size = 0
        ranges[-1][key] = value
        size += piece
    return ranges


def _spelling_files(words: Counter[str]) -> tuple[dict[str, list[int]], dict[str, Any]]:
    """Spelling buckets: per first-letter shard, consecutive word lengths together up to
    SPELLING_TARGET bytes; the shards' bucket starts and the files' contents."""
    by_shard: dict[str, dict[int, dict[str, int]]] = {}
    for word in sorted(words):
        by_shard.setdefault(spelling_shard(word), {}).setdefault(len(word), {})[word] = words[word]
    starts: dict[str, list[int]] = {}
    contents: dict[str, Any] = {}
    for shard, by_length in sorted(by_shard.items()):
        bucket: dict[str, int] = {}
        size = SPELLING_TARGET
        for length in sorted(by_length):
            group = by_length[length]
            piece = len(_json(group))
            if size + piece > SPELLING_TARGET:
                starts.setdefault(shard, []).append(length)
                bucket = contents[spelling_name(shard, length)] = {}
                size = 0
            bucket.update(group)
            size += piece
    for name, bucket in contents.items():
        contents[name] = dict(sorted(bucket.items()))
    return starts, contents


def _index_files(corpus: _Corpus, meta: dict[str, Any], docs: list[dict[str, Any]],
                 prefix: str, scale: int = IMPACT_SCALE) -> Files:
    lexicon, posts = corpus.entries()
    ranges = _ranges(lexicon, LEX_TARGET)
    meta = {**meta, "total": corpus.total,
            "unknown_idf": term_weight(max(corpus.total, 1), 0),
            "constants": Tuning.default().as_json(), "bm25": {"k1": K1, "b": B},
            "impact_scale": scale, "doc_block": DOC_BLOCK,
            "lex": [next(iter(r)) for r in ranges]}
    contents: dict[str, Any] = {"len": corpus.length_table()}
    for number, terms in enumerate(ranges):
        contents[lex_name(number)] = terms
    for number, fields in posts.items():
        contents[post_name(number)] = fields
    for start in range(0, len(docs), DOC_BLOCK):
        contents[doc_name(start // DOC_BLOCK)] = docs[start:start + DOC_BLOCK]
    if corpus.spelling is not None:
        meta["spelling"], spelling = _spelling_files(corpus.spelling)
        contents.update(spelling)
    contents["meta"] = meta
    return {script_file(prefix + name): wrap_script(prefix + name, data)
            for name, data in contents.items()}


def build_answer_index(articles: Iterable[Article], settings: Settings, today: date,
                       site_url: str | None = None, directory_urls: bool = True,
                       scale: int = IMPACT_SCALE) -> Files:
    """The index's files, path below search/ -> content, of those of `articles` live on
    `today`, the build's day; their doc numbers follow the order of `articles`.
    `site_url` (the site's address, or None) is written to meta for the browser;
    `scale` multiplies each BM25 part before it is rounded to an integer."""
    articles = [a for a in articles if a.is_live(today)]
    analyzer = analyzer_for(settings.language)
    corpus = _Corpus(analyzer, spelling=True)
    for article in articles:
        corpus.add(article_texts(article))
    docs = [{"slug": a.slug, "src_uri": a.src_uri, "url": article_url(a.src_uri, directory_urls),
             "title": a.title, "summary": a.summary, "policy": a.policy} for a in articles]
    meta = {"format": FORMAT, "corpus": "articles", "language": analyzer.language,
            "day": today.isoformat(), "site_url": site_url}
    files = _index_files(corpus, meta, docs, "", scale)
    files[script_file("analysis")] = wrap_script(
        "analysis", analysis_spec(settings.language, thesaurus_for(settings)))
    return files


def build_page_index(pages: Iterable[PageDoc], settings: Settings,
                     site_url: str | None = None) -> Files:
    """The pages index (blog posts and hand-written pages), path below search/ ->
    content, all under `pages/`. Its own df and average lengths; no analysis and no
    spelling files: the engine over it takes both from the article index
    (kb.engine's `base`). Pages have no keywords field."""
    analyzer = analyzer_for(settings.language)
    corpus = _Corpus(analyzer, spelling=False)
    docs = []
    for page in pages:
        corpus.add({"title": page.title, "keywords": "", "summary": page.summary,
                    "body": page.text})
        docs.append({"url": page.url, "title": page.title, "summary": page.summary,
                     "kind": page.kind})
    meta = {"format": FORMAT, "corpus": "pages", "language": analyzer.language,
            "day": None, "site_url": site_url}
    return _index_files(corpus, meta, docs, PAGES)


def write_files(files: Files, folder: str) -> None:
    """Write index files (path below `folder` -> content) into `folder`."""
    for name, data in files.items():
        path = os.path.join(folder, *name.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)


def write_answer_index(articles: Iterable[Article], settings: Settings, today: date,
                       folder: str, site_url: str | None = None,
                       directory_urls: bool = True) -> Files:
    """Write the index of the articles live on `today` into `folder`; its files."""
    files = build_answer_index(articles, settings, today, site_url, directory_urls)
    write_files(files, folder)
    return files


# --- Reading --------------------------------------------------------------------------

def memory_loader(files: Files) -> Loader:
    """Read the files of `build_answer_index` (or `build_page_index`) from memory, by
    index name ("meta", "pages/meta")."""
    return lambda name: files.get(script_file(name))


def folder_loader(folder: str) -> Loader:
    """Read the files of an index folder by index name; None for a file that is not
    there."""
    def load(name: str) -> bytes | None:
        try:
            with open(os.path.join(folder, *script_file(name).split("/")), "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            return None
    return load


def pages_loader(load: Loader) -> Loader:
    """The loader of the pages index below the article index `load` reads."""
    return lambda name: load(PAGES + name)


class IndexFiles:
    """The files of one answer index as the engine reads them: each at most once, and
    only when needed. `read` lists the names read, and `bytes_read` their size."""

    def __init__(self, load: Loader):
        self.load = load
        self.read: list[str] = []
        self.bytes_read = 0
        self._cache: dict[str, Any] = {}
        meta = self.file("meta")
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            found = "no meta.js" if meta is None else (
                f"format {meta.get('format')}" if isinstance(meta, dict) else "no meta")
            raise ValueError(f"not a kb answer index of format {FORMAT}: {found}; "
                             "build the site again with this kb")
        self.meta: dict[str, Any] = meta
        self.firsts: list[str] = meta["lex"]
        self.scale: int = meta["impact_scale"]
        self.k1: float = meta["bm25"]["k1"]
        self.b: float = meta["bm25"]["b"]
        self._norms: dict[str, tuple[str, dict[str, float]]] = {}

    def file(self, name: str) -> Any:
        """The data of file `name`; None for a meta that does not exist. Every other file
        the engine asks for is named by meta or the lexicon: a damaged index when it
        is missing."""
        if name not in self._cache:
            content = self.load(name)
            data = None
            if content is not None:
                self.read.append(name)
                self.bytes_read += len(content)
                data = unwrap_script(content)[1]
            elif name != "meta":
                raise ValueError(f"the answer index has no {script_file(name)}")
            self._cache[name] = data
        return self._cache[name]

    def lex_file(self, term: str) -> str:
        return lex_name(lex_range(self.firsts, term))

    def term(self, term: str) -> list[Any] | None:
        """The lexicon entry of `term`, [df, weight, idf, postings]; None when no
        document has it."""
        if not self.firsts:
            return None
        terms = self.file(self.lex_file(term))
        return terms.get(term) if terms else None

    def post_file(self, term: str) -> str | None:
        """The postings file a known term's scores need, None when they are inline."""
        entry = self.term(term)
        return post_name(entry[3]) if entry and isinstance(entry[3], int) else None

    def _fields(self, entry: list[Any]) -> dict[str, Any]:
        where = entry[3]
        return self.file(post_name(where)) if isinstance(where, int) else where

    def scoring_files(self, terms: Iterable[str]) -> list[str]:
        """What scoring `terms` reads: the postings files of the known ones and the
        field lengths. The engine reads them before it scores a question, as the
        browser's runtime fetches them together, so that both read the same files
        (even for a question whose only known words are in a phrase and in bodies,
        where the lengths end up unused)."""
        entries = [e for e in map(self.term, terms) if e]
        names = [post_name(e[3]) for e in entries if isinstance(e[3], int)]
        return list(dict.fromkeys(names)) + (["len"] if entries else [])

    def _lengths(self, name: str) -> tuple[str, dict[str, float]]:
        """The stored lengths of field `name` (a character per document) and BM25's
        length part per stored length (by that character)."""
        found = self._norms.get(name)
        if found is None:
            table = self.file("len")
            average, k1, b = table["avg"][name], self.k1, self.b
            norms = {chr(48 + n): k1 * (1 - b + b * length / average)
                     for n, length in enumerate(table["steps"])}
            found = self._norms[name] = (table["fields"][name], norms)
        return found

    def postings(self, term: str, name: str) -> list[tuple[int, int]]:
        """(doc, impact) of each document with `term` in field `name`, impact its BM25
        part times the scale as format 1 stored it."""
        entry = self.term(term)
        data = self._fields(entry).get(name) if entry else None
        if not data:
            return []
        idf, scale, k1 = entry[2], self.scale, self.k1  # type: ignore[index]
        lengths, norms = self._lengths(name)
        return [(doc, round(idf * tf * (k1 + 1) / (tf + norms[lengths[doc]]) * scale))
                for doc, tf in decode_field(data)]

    def title_sizes(self) -> str:
        """Each document's number of distinct title terms, as chr(48 + n)."""
        return self.file("len")["sizes"]

    def doc(self, doc: int) -> dict[str, Any]:
        block = self.meta["doc_block"]
        return self.file(doc_name(doc // block))[doc % block]

    def spelling_files(self, word: str, maxdist: int) -> list[str]:
        """The spelling buckets that hold every word of `word`'s first letter within
        `maxdist` typing mistakes."""
        shard = spelling_shard(word)
        starts = self.meta.get("spelling", {}).get(shard, [])
        return [spelling_name(shard, s)
                for s in spelling_buckets(starts, len(word) - maxdist, len(word) + maxdist)]

    def thesaurus(self) -> Thesaurus:
        """The synonym groups the index was built with."""
        data = self.file("analysis") or {}
        groups = [[" ".join(phrase) for phrase in group] for group in data.get("thesaurus", ())]
        return Thesaurus.build(groups, str.split)
