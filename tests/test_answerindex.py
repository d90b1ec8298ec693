"""The static answer index (kb.answerindex), format 3: what `kb build` writes for the
site's answer engine and how it is read. The engine over it is tested in
test_engine.py, the browser's reading of it in test_engine_parity.py."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kb.analysis import analyzer_for
from kb.answerindex import (
    DENSE,
    FOLDER,
    IMPACT_SCALE,
    INLINE,
    LENGTH_STEPS,
    IndexFiles,
    PageDoc,
    article_fields,
    article_url,
    build_answer_index,
    build_page_index,
    common_body,
    decode_field,
    decode_postings,
    encode_field,
    encode_postings,
    folder_loader,
    lex_range,
    memory_loader,
    pages_loader,
    spelling_buckets,
    spelling_shard,
    stored_length,
    unwrap_script,
    wrap_script,
    write_answer_index,
)
from kb.articles import load_collection
from kb.engine import FIELD_WEIGHTS, K1, B, Engine
from kb.settings import Settings
from tests.conftest import ARTICLES, LIVE, NL, write_docs
from tests.conftest import SMALL_TODAY as TODAY


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    docs = write_docs(tmp_path_factory.mktemp("answerindex") / "docs")
    found = load_collection(str(docs), NL, TODAY)
    assert found.problems == [] and len(found.articles) == len(ARTICLES)
    return found


@pytest.fixture(scope="module")
def files(collection):
    return build_answer_index(collection.articles, NL, TODAY)


@pytest.fixture(scope="module")
def many(collection):
    """The live articles twenty times over: terms in more than INLINE articles have a
    postings file, and terms in more than 1/DENSE of them a dense string."""
    live = collection.live(TODAY)
    copies = [replace(a, slug=f"{a.slug}-{n}", src_uri=f"{n}/{a.src_uri}")
              for n in range(20) for a in live]
    return copies, build_answer_index(copies, NL, TODAY)


def data(files: dict[str, bytes], name: str):
    return unwrap_script(files[name + ".js"])[1]


def names(files: dict[str, bytes], folder: str) -> list[str]:
    return sorted(n[:-3] for n in files if n.startswith(folder + "/"))


def lexicon(files: dict[str, bytes]) -> dict[str, list]:
    found: dict[str, list] = {}
    for name in names(files, "lex"):
        found.update(data(files, name))
    return found


def docs_in(files: dict[str, bytes]) -> list[dict]:
    blocks = sorted((int(n[len("docs/"):]), data(files, n)) for n in names(files, "docs"))
    return [doc for _, block in blocks for doc in block]


def spelling_in(files: dict[str, bytes]) -> dict[str, int]:
    return {w: c for n in names(files, "spelling") for w, c in data(files, n).items()}


# --- Scripts ----------------------------------------------------------------------

def test_every_file_is_a_script_handing_its_name_and_data_to_kbindex(files) -> None:
    assert "meta.js" in files and "analysis.js" in files and "len.js" in files
    for path, content in files.items():
        assert path.endswith(".js")
        name = path[:-len(".js")]
        assert content.startswith(b"kbIndex(" + json.dumps(name).encode() + b",")
        assert content.endswith(b");\n") and content.count(b"\n") == 1
        assert unwrap_script(content) == (name, json.loads(content[len(name) + 11:-3]))


def test_wrap_and_unwrap_are_each_others_inverse() -> None:
    for name, value in [("meta", {"a": [1, 2.5, None, "x\"y\\z"]}), ("lex/3", {}),
                        ("pages/docs/0", [{"title": "Wat kost één “kop”?\u2028"}]),
                        ("spelling/ue9-3", {"été": 2})]:
        content = wrap_script(name, value)
        assert unwrap_script(content) == (name, value)
        assert content.decode("utf-8").startswith(f'kbIndex("{name}",')


@pytest.mark.parametrize("content", [b'{"format":2}', b'kbIndex("meta",{"a":1})',
                                     b'kbIndex(meta,{"a":1});\n', b'kbIndex("meta");\n',
                                     b'alert(1);kbIndex("meta",{});\n'])
def test_anything_else_is_not_an_index_file(content: bytes) -> None:
    with pytest.raises(ValueError, match="not a kb answer index file"):
        unwrap_script(content)


# --- What the index holds -----------------------------------------------------------

def test_the_index_holds_only_the_articles_live_on_the_build_day(collection, files) -> None:
    meta = data(files, "meta")
    live = [a for a in collection.articles if a.src_uri in LIVE]
    assert meta["total"] == len(live) and meta["day"] == TODAY.isoformat()
    assert meta["format"] == 3 and meta["corpus"] == "articles"
    assert [d["src_uri"] for d in docs_in(files)] == [a.src_uri for a in live]
    # Words only the draft, the scheduled and the expired article use are nowhere.
    spelling = spelling_in(files)
    for word in ("cadeaubon", "kerstpakket", "zomeractie", "ijskoffie"):
        assert word not in spelling
        assert analyzer_for("nl").stem(word) not in lexicon(files)
    assert "wachtwoord" in spelling


def test_a_later_day_holds_the_scheduled_article_and_not_the_expired_one(collection) -> None:
    later = build_answer_index(collection.articles, NL, date(2026, 12, 5))
    slugs = [d["slug"] for d in docs_in(later)]
    assert "acties/kerst" in slugs and "acties/zomer" not in slugs and "acties/cadeaubon" \
        not in slugs


def test_docs_hold_what_a_hit_shows_with_the_pages_address(collection, files) -> None:
    doc = next(d for d in docs_in(files) if d["slug"] == "account/wachtwoord")
    article = next(a for a in collection.articles if a.slug == "account/wachtwoord")
    assert doc == {"slug": article.slug, "src_uri": article.src_uri,
                   "url": "account/wachtwoord/", "title": article.title,
                   "summary": article.summary, "policy": article.policy}
    flat = build_answer_index(collection.articles, NL, TODAY, directory_urls=False)
    assert {d["url"] for d in docs_in(flat)} >= {"account/wachtwoord.html"}
    assert article_url("index.md") == "" and article_url("a/index.md") == "a/"
    assert article_url("a/b.md") == "a/b/" and article_url("a/b.md", False) == "a/b.html"


def test_meta_carries_the_sites_address_for_the_browser(collection, files) -> None:
    assert data(files, "meta")["site_url"] is None
    shop = build_answer_index(collection.articles, NL, TODAY,
                              site_url="https://help.example.com/")
    assert data(shop, "meta")["site_url"] == "https://help.example.com/"


def test_an_index_in_another_language_says_so(collection) -> None:
    english = build_answer_index(collection.articles, Settings(language="en"), TODAY)
    assert data(english, "meta")["language"] == "en"


def test_the_index_carries_the_sites_synonym_groups(files) -> None:
    from kb.analysis import thesaurus_for

    expected = thesaurus_for(NL)
    found = IndexFiles(memory_loader(files)).thesaurus()
    assert len(found) == len(expected) > 100
    assert (found.phrases, found.index, found.longest) == \
        (expected.phrases, expected.index, expected.longest)


# --- Scores -------------------------------------------------------------------------

def bm25_oracle(articles, scale: int = IMPACT_SCALE) -> dict[str, dict[str, list[tuple]]]:
    """BM25 per term, field and article from the articles' terms as kb.analysis makes
    them: idf over the articles having the term in any field, lengths in Whoosh's
    one-byte form, the exact average length per field."""
    from whoosh.util.numeric import byte_to_length, length_to_byte

    analyzer = analyzer_for("nl")
    fields = [article_fields(a, analyzer.terms) for a in articles]
    n = len(articles)
    expected: dict[str, dict[str, list[tuple]]] = {}
    for term in {t for doc in fields for terms in doc.values() for t in terms}:
        having = sum(any(term in doc[name] for name in FIELD_WEIGHTS) for doc in fields)
        idf = math.log(n / (having + 1)) + 1
        for name in FIELD_WEIGHTS:
            average = sum(len(doc[name]) for doc in fields) / n
            for number, doc in enumerate(fields):
                tf = Counter(doc[name])[term]
                if tf:
                    length = byte_to_length(length_to_byte(len(doc[name])))
                    score = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
                    expected.setdefault(term, {}).setdefault(name, []).append(
                        (number, round(score * scale)))
    return expected


def read_impacts(files: dict[str, bytes]) -> dict[str, dict[str, list[tuple]]]:
    reader = IndexFiles(memory_loader(files))
    found: dict[str, dict[str, list[tuple]]] = {}
    for term in lexicon(files):
        for name in FIELD_WEIGHTS:
            postings = reader.postings(term, name)
            if postings:
                found.setdefault(term, {})[name] = postings
    return found


def test_scores_read_back_are_bm25_of_the_terms_as_whoosh_stores_lengths(collection,
                                                                          files) -> None:
    live = [a for a in collection.articles if a.src_uri in LIVE]
    assert read_impacts(files) == bm25_oracle(live)


def test_each_title_says_how_many_distinct_terms_it_has(collection, files) -> None:
    """The re-rank's title match divides by it."""
    live = [a for a in collection.articles if a.src_uri in LIVE]
    analyzer = analyzer_for("nl")
    sizes = IndexFiles(memory_loader(files)).title_sizes()
    assert [ord(c) - 48 for c in sizes] == [len(set(analyzer.terms(a.title))) for a in live]
    assert data(files, "len")["sizes"] == sizes and len(sizes) == len(live)


def test_scores_of_postings_files_and_dense_strings_are_bm25_too(many) -> None:
    articles, files = many
    assert read_impacts(files) == bm25_oracle(articles)
    posts = [data(files, n) for n in names(files, "post")]
    assert posts and any(isinstance(v, str) for p in posts for v in p.values())
    assert any(isinstance(p.get("title"), str) for p in posts)  # titles too


def test_another_scale_stores_scores_to_more_decimals(collection) -> None:
    live = [a for a in collection.articles if a.src_uri in LIVE]
    files = build_answer_index(collection.articles, NL, TODAY, scale=100_000)
    assert read_impacts(files) == bm25_oracle(live, 100_000)


def test_each_term_stores_its_df_weight_and_idf(collection, files) -> None:
    """The weight of a question's term, log(1 + articles / df), and BM25's idf are
    stored, so that the browser does not compute them with a logarithm of its own."""
    meta = data(files, "meta")
    total = meta["total"]
    live = [a for a in collection.articles if a.src_uri in LIVE]
    analyzer = analyzer_for("nl")
    fields = [article_fields(a, analyzer.terms) for a in live]
    assert total == len(live) > 1
    for term, (df, weight, idf, _) in lexicon(files).items():
        per_field = [sum(term in doc[name] for doc in fields) for name in FIELD_WEIGHTS]
        having = sum(any(term in terms for terms in doc.values()) for doc in fields)
        assert df == max(per_field)
        assert weight == math.log(1 + total / df)
        assert idf == math.log(total / (having + 1)) + 1
    assert meta["unknown_idf"] == math.log(1 + 2 * total)


def test_postings_are_term_frequencies_as_gaps_between_articles() -> None:
    postings = [[0, 1], [3, 20], [4, 7], [90, 2]]
    assert encode_postings(postings) == [0, 1, 3, 20, 1, 7, 86, 2]
    assert decode_postings(encode_postings(postings), 2) == [tuple(p) for p in postings]
    assert decode_field(encode_postings(postings)) == [tuple(p) for p in postings]
    assert encode_postings([]) == []


def test_a_term_in_more_than_an_eighth_of_the_articles_is_one_character_each() -> None:
    common = [(0, 1), (3, 44), (5, 300), (9, 2)]
    dense = encode_field(common, 10)
    assert dense == "100\\0\u015c0002"  # tf 44 is a backslash, 300 U+015C
    assert decode_field(dense) == common
    assert len(common) * DENSE > 10
    rare = [(0, 1), (3, 2)]
    assert encode_field(rare, 17) == [0, 1, 3, 2]  # 2 of 17 is not more than 1/8
    assert isinstance(encode_field(rare, 15), str)
    assert encode_field([(0, 60_000)], 1) == [0, 60_000]  # beyond one UTF-16 unit


def test_the_lengths_steps_reach_the_longest_field_and_no_further(many) -> None:
    _, files = many
    table = data(files, "len")
    top = max(ord(c) - 48 for lengths in table["fields"].values() for c in lengths)
    assert len(table["steps"]) == top + 1 and table["steps"] == LENGTH_STEPS[:top + 1]


def test_stored_lengths_are_whooshs_one_byte_lengths() -> None:
    from whoosh.util.numeric import byte_to_length, length_to_byte

    for length in [*range(1, 5000), 35254, 106373, 106374, 106375, 10**7]:
        assert stored_length(length) == byte_to_length(length_to_byte(length)), length


def test_the_one_pass_analysis_finds_the_terms_and_words_of_each_text() -> None:
    """Terms and spelling words per piece between spaces equal kb.analysis's over the
    whole text, on texts that differ between Python and JavaScript notions of text."""
    from kb.analysis import Analyzer
    from kb.answerindex import MIN_SPELLING, _Pieces
    from tests.test_engine_js import HARD_CASES

    for language in ("nl", "en"):
        analyzer = Analyzer(language)
        pieces = _Pieces(analyzer)
        for text in [*HARD_CASES, " ".join(HARD_CASES), *ARTICLES.values()]:
            words: set[str] = set()
            assert pieces.text(text, words) == analyzer.terms(text), text
            assert words == {w for w in analyzer.words(text)
                             if len(w) >= MIN_SPELLING and not w.isdigit()}, text


# --- The lexicon --------------------------------------------------------------------

def test_the_lexicon_is_sorted_ranges_whose_first_terms_are_in_meta(many, monkeypatch) -> None:
    monkeypatch.setattr("kb.answerindex.LEX_TARGET", 1_000)
    files = build_answer_index(many[0], NL, TODAY)
    firsts = data(files, "meta")["lex"]
    ranges = [list(data(files, f"lex/{n}")) for n in range(len(firsts))]
    assert names(files, "lex") == sorted(f"lex/{n}" for n in range(len(firsts)))
    assert [r[0] for r in ranges] == firsts
    terms = [t for r in ranges for t in r]
    assert terms == sorted(terms) and len(terms) == len(set(terms))
    assert len(ranges) > 3
    assert all(len(files[f"lex/{n}.js"]) < 2_000 for n in range(len(firsts)))
    for number, found in enumerate(ranges):
        assert all(lex_range(firsts, t) == number for t in found)


def test_an_unknown_term_costs_one_lexicon_file(many) -> None:
    _, files = many
    for term in ("aaaa", "mmmzz", "zzzzzz", "0", "été"):
        reader = IndexFiles(memory_loader(files))
        assert reader.term(term) is None
        assert reader.read == ["meta", reader.lex_file(term)]


def test_a_rare_term_keeps_its_postings_in_the_lexicon_others_have_a_file(many) -> None:
    _, files = many
    entries = lexicon(files)
    analyzer = analyzer_for("nl")
    posts = names(files, "post")
    assert posts
    for term, (_, _, _, where) in entries.items():
        fields = where if isinstance(where, dict) else data(files, f"post/{where}")
        having = {d for flat in fields.values() for d, _ in decode_field(flat)}
        assert isinstance(where, dict) == (len(having) <= INLINE), term
    assert sorted(f"post/{w}" for *_, w in entries.values() if isinstance(w, int)) == posts
    assert analyzer.stem("wachtwoord") in entries


def test_an_empty_index_knows_no_term() -> None:
    files = build_answer_index([], NL, TODAY)
    reader = IndexFiles(memory_loader(files))
    assert data(files, "meta")["lex"] == [] and reader.term("retour") is None
    assert Engine(reader).ask("retour").hits == []


# --- Spelling -----------------------------------------------------------------------

def test_spelling_shards_are_named_by_first_letter() -> None:
    assert spelling_shard("bezorgen") == "b"
    assert spelling_shard("3d") == "3"
    assert spelling_shard("ijs") == "i"
    assert spelling_shard("été") == "ue9"
    assert spelling_shard("ørsted") == "uf8"


def test_spelling_words_count_the_live_articles_that_use_them(files) -> None:
    words = spelling_in(files)
    assert words["binnen"] == 3  # the summaries of termijn, terugbetaling and wanneer
    assert "de" not in words and "30" not in words  # short words and numbers: none


def test_spelling_buckets_hold_consecutive_lengths_of_one_first_letter(many) -> None:
    _, files = many
    shards = data(files, "meta")["spelling"]
    assert sorted(f"spelling/{s}-{n}" for s, starts in shards.items() for n in starts) == \
        names(files, "spelling")
    for shard, starts in shards.items():
        assert starts == sorted(starts) and starts[0] >= 3
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else 10**6
            words = data(files, f"spelling/{shard}-{start}")
            assert words and all(spelling_shard(w) == shard and start <= len(w) < end
                                 for w in words)


def test_a_lookup_reads_the_buckets_of_the_lengths_within_reach() -> None:
    starts = [3, 6, 9, 14]
    assert spelling_buckets(starts, 5, 7) == [3, 6]
    assert spelling_buckets(starts, 6, 8) == [6]
    assert spelling_buckets(starts, 8, 12) == [6, 9]
    assert spelling_buckets(starts, 2, 4) == [3]
    assert spelling_buckets(starts, 20, 24) == [14]
    assert spelling_buckets([], 4, 6) == []


# --- Reading --------------------------------------------------------------------------

def test_the_written_folder_answers_as_the_files_in_memory(collection, tmp_path) -> None:
    folder = tmp_path / FOLDER
    files = write_answer_index(collection.articles, NL, TODAY, str(folder))
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.js")) == sorted(files)
    from_disk = Engine(IndexFiles(folder_loader(str(folder))))
    in_memory = Engine(IndexFiles(memory_loader(files)))
    for question in ("retour sturen", "wanneer komt mijn pakket", "wachtwoort vergeten",
                     "hoeveel kafeine", "vacatures", ""):
        assert from_disk.ask(question) == in_memory.ask(question), question


def test_an_index_without_meta_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no meta.js"):
        IndexFiles(folder_loader(str(tmp_path)))


def test_an_index_of_another_format_says_so(files) -> None:
    older = dict(files, **{"meta.js": wrap_script("meta", {"format": 1})})
    with pytest.raises(ValueError, match="not a kb answer index of format 3: format 1"):
        IndexFiles(memory_loader(older))
    old_layout = {"meta.json": b'{"format":1}'}
    with pytest.raises(ValueError, match="no meta.js"):
        IndexFiles(memory_loader(old_layout))


def test_a_missing_file_is_a_damaged_index_not_an_unknown_term(files) -> None:
    reader = IndexFiles(memory_loader(files))
    name = reader.lex_file("wachtwoord")
    damaged = {n: d for n, d in files.items() if n != name + ".js"}
    with pytest.raises(ValueError, match=f"the answer index has no {name}.js"):
        Engine(IndexFiles(memory_loader(damaged))).ask("wachtwoord")


def test_a_question_reads_only_the_files_it_needs(files) -> None:
    reader = IndexFiles(memory_loader(files))
    Engine(reader).ask("wachtwoord vergeten", limit=1)
    assert reader.read[:2] == ["meta", "analysis"]
    assert not any(name.startswith("spelling/") for name in reader.read)  # all words known
    assert [n for n in reader.read if n.startswith("docs/")] == ["docs/0"]
    assert "len" in reader.read
    assert reader.bytes_read == sum(len(files[name + ".js"]) for name in reader.read)
    reader = IndexFiles(memory_loader(files))
    Engine(reader).ask("wachtwort")  # unknown: the spelling buckets of its first letter
    assert [n for n in reader.read if n.startswith("spelling/")] == \
        reader.spelling_files("wachtwort", 2)


# --- Pages --------------------------------------------------------------------------

PAGES = [
    PageDoc("blog/2026/11/02/nieuwe-thee/", "Nieuw: thee uit Japan",
            "Sencha en matcha in de winkel.", "Onze eerste thee komt uit Shizuoka.", "blog"),
    PageDoc("over-ons/", "Over ons", "Een branderij in Utrecht.",
            "Werken bij ons? Bekijk onze vacatures voor baristas.", "page"),
    PageDoc("pers/", "Pers", "",
            "Foto's en logo's voor journalisten, ook van je bestelling. <b>Retour</b>", "page"),
]


@pytest.fixture(scope="module")
def pages():
    return build_page_index(PAGES, NL)


def test_the_pages_index_is_the_same_format_under_pages(pages) -> None:
    assert pages and all(p.startswith("pages/") and p.endswith(".js") for p in pages)
    for path, content in pages.items():
        assert unwrap_script(content)[0] == path[:-3]
    meta = unwrap_script(pages["pages/meta.js"])[1]
    assert meta["format"] == 3 and meta["corpus"] == "pages" and meta["total"] == 3
    assert "spelling" not in meta
    assert not [p for p in pages if p.startswith(("pages/spelling", "pages/analysis"))]
    block = unwrap_script(pages["pages/docs/0.js"])[1]
    assert block == [{"url": p.url, "title": p.title, "summary": p.summary, "kind": p.kind}
                     for p in PAGES]


def test_the_pages_index_answers_with_the_article_index_as_base(files, pages) -> None:
    load = memory_loader({**files, **pages})
    articles = Engine(IndexFiles(load))
    reader = IndexFiles(pages_loader(load))
    engine = Engine(reader, base=articles)
    answer = engine.ask("hebben jullie vacatures")
    assert answer.good and [h.url for h in answer.answers] == ["over-ons/"]
    hit = answer.hits[0]
    assert (hit.kind, hit.slug, hit.src_uri, hit.policy, hit.title) == \
        ("page", "", "", None, "Over ons")
    # Its own numbers: three documents, its own average lengths.
    assert reader.meta["total"] == 3 and reader.file("len")["avg"] != \
        IndexFiles(load).file("len")["avg"]
    # A typo is corrected with the articles' words (not with a word only pages have).
    assert engine.ask("bestellnig").hits[0].url == "pers/"
    assert engine.ask("vacaturs").hits == []
    assert "pages/analysis" not in reader.read


def test_the_pages_index_alone_says_it_needs_the_article_index(pages) -> None:
    with pytest.raises(ValueError, match="base=articles"):
        Engine(IndexFiles(pages_loader(memory_loader(pages))))


def test_a_term_in_more_than_half_of_the_bodies_counts_once_per_body() -> None:
    postings = [(0, 3), (1, 1), (2, 2)]
    assert common_body("body", postings, 5) == [(0, 1), (1, 1), (2, 1)]
    # Half is not more than half; other fields always keep their counts.
    assert common_body("body", postings, 6) == postings
    assert common_body("title", postings, 5) == postings
    assert common_body("summary", postings, 3) == postings
