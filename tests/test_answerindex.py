"""The static answer index (kb.answerindex): what `kb build` writes for the site's
answer engine and how it is read. The engine over it is tested in test_engine.py."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from kb.analysis import analyzer_for
from kb.answerindex import (
    FOLDER,
    IMPACT_SCALE,
    IndexFiles,
    build_answer_index,
    decode_postings,
    encode_postings,
    fnv1a,
    folder_loader,
    memory_loader,
    shard_of,
    spelling_shard,
    stored_length,
    write_answer_index,
)
from kb.articles import load_collection
from kb.engine import FIELD_WEIGHTS, K1, B, Engine
from kb.settings import Settings
from tests.test_search import ARTICLES, LIVE, NL, TODAY, write_docs


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    docs = write_docs(tmp_path_factory.mktemp("answerindex") / "docs")
    found = load_collection(str(docs), NL, TODAY)
    assert found.problems == [] and len(found.articles) == len(ARTICLES)
    return found


@pytest.fixture(scope="module")
def files(collection):
    return build_answer_index(collection.articles, NL, TODAY, shards=3)


def terms_in(files: dict[str, bytes]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for name, data in files.items():
        if name.startswith("terms/"):
            found.update(json.loads(data))
    return found


def docs_in(files: dict[str, bytes]) -> list[dict]:
    blocks = sorted((int(n[5:-5]), json.loads(d)) for n, d in files.items()
                    if n.startswith("docs/"))
    return [doc for _, block in blocks for doc in block]


def test_the_index_holds_only_the_articles_live_on_the_build_day(collection, files) -> None:
    meta = json.loads(files["meta.json"])
    live = [a for a in collection.articles if a.src_uri in LIVE]
    assert meta["total"] == len(live) and meta["day"] == TODAY.isoformat()
    assert [d["src_uri"] for d in docs_in(files)] == [a.src_uri for a in live]
    # Words only the draft, the scheduled and the expired article use are nowhere.
    spelling = {w for n, d in files.items() if n.startswith("spelling/") for w in json.loads(d)}
    for word in ("cadeaubon", "kerstpakket", "zomeractie", "ijskoffie"):
        assert word not in spelling
        assert analyzer_for("nl").stem(word) not in terms_in(files)
    assert "wachtwoord" in spelling


def test_a_later_day_holds_the_scheduled_article_and_not_the_expired_one(collection) -> None:
    later = build_answer_index(collection.articles, NL, date(2026, 12, 5))
    slugs = [d["slug"] for d in docs_in(later)]
    assert "acties/kerst" in slugs and "acties/zomer" not in slugs and "acties/cadeaubon" \
        not in slugs


def test_impacts_are_bm25_of_the_raw_terms_as_whoosh_stores_lengths(collection, files) -> None:
    """An oracle from the articles' terms: idf over the articles having the term in any
    field, lengths in Whoosh's one-byte form, the exact average length per field."""
    from whoosh.util.numeric import byte_to_length, length_to_byte

    analyzer = analyzer_for("nl")
    live = [a for a in collection.articles if a.src_uri in LIVE]
    fields = [{"title": analyzer.terms(a.title), "keywords": analyzer.terms(" ".join(a.keywords)),
               "summary": analyzer.terms(a.summary), "body": analyzer.terms(a.body)}
              for a in live]
    n = len(live)
    expected: dict[str, dict[str, list[list[int]]]] = {}
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
                    posting = [number, round(score * IMPACT_SCALE)]
                    if name == "title":
                        posting.append(len(set(doc["title"])))
                    expected.setdefault(term, {}).setdefault(name, []).append(posting)
    stored = terms_in(files)
    assert {t: {name: [list(p) for p in decode_postings(flat, 3 if name == "title" else 2)]
                for name, flat in e["f"].items()}
            for t, e in stored.items()} == expected
    assert all(e["df"] == max(len(p) for p in expected[t].values()) for t, e in stored.items())


def test_each_term_stores_its_weight_in_a_question_as_kb_search_computes_it(files) -> None:
    """The idf of a question's term, log(1 + articles / df), is stored, so that the
    browser does not compute it with a logarithm of its own."""
    meta = json.loads(files["meta.json"])
    total = meta["total"]
    assert total > 1
    assert all(e["i"] == math.log(1 + total / e["df"]) for e in terms_in(files).values())
    assert meta["unknown_idf"] == math.log(1 + 2 * total)


def test_postings_are_stored_as_gaps_between_articles() -> None:
    postings = [[0, 1500], [3, 20], [4, 7], [90, 123456]]
    assert encode_postings(postings) == [0, 1500, 3, 20, 1, 7, 86, 123456]
    assert decode_postings(encode_postings(postings), 2) == [tuple(p) for p in postings]
    titles = [[2, 10, 3], [5, 11, 4]]
    assert encode_postings(titles) == [2, 10, 3, 3, 11, 4]
    assert decode_postings([2, 10, 3, 3, 11, 4], 3) == [(2, 10, 3), (5, 11, 4)]
    assert encode_postings([]) == []


def test_stored_lengths_are_whooshs_one_byte_lengths() -> None:
    from whoosh.util.numeric import byte_to_length, length_to_byte

    for length in [*range(1, 5000), 35254, 106373, 106374, 106375, 10**7]:
        assert stored_length(length) == byte_to_length(length_to_byte(length)), length


def test_fnv1a_is_the_32_bit_hash_of_the_utf8_bytes() -> None:
    # The published FNV-1a test vectors.
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert fnv1a("foobar") == 0xBF9CF968
    assert fnv1a("é") == fnv1a("\u00e9") != fnv1a("e\u0301")


def test_a_term_is_in_the_shard_its_hash_names(files) -> None:
    shards = json.loads(files["meta.json"])["term_shards"]
    assert shards == 3
    for name, data in files.items():
        if name.startswith("terms/"):
            number = int(name[len("terms/"):-len(".json")])
            assert all(shard_of(term, shards) == number for term in json.loads(data))


def test_spelling_shards_are_named_by_first_letter() -> None:
    assert spelling_shard("bezorgen") == "b"
    assert spelling_shard("3d") == "3"
    assert spelling_shard("ijs") == "i"
    assert spelling_shard("été") == "ue9"
    assert spelling_shard("ørsted") == "uf8"


def test_spelling_words_count_the_live_articles_that_use_them(files) -> None:
    meta = json.loads(files["meta.json"])
    words = {}
    for name in meta["spelling_shards"]:
        shard = json.loads(files[f"spelling/{name}.json"])
        assert all(spelling_shard(w) == name for w in shard)
        words.update(shard)
    assert words["binnen"] == 3  # the summaries of termijn, terugbetaling and wanneer
    assert "de" not in words and "30" not in words  # short words and numbers: none


def test_the_shard_count_grows_with_the_content(collection) -> None:
    small = json.loads(build_answer_index(collection.articles, NL, TODAY)["meta.json"])
    assert small["term_shards"] == 1


def test_the_written_folder_answers_as_the_files_in_memory(collection, tmp_path) -> None:
    folder = tmp_path / FOLDER
    files = write_answer_index(collection.articles, NL, TODAY, str(folder), shards=3)
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.json")) == sorted(files)
    from_disk = Engine(IndexFiles(folder_loader(str(folder))))
    in_memory = Engine(IndexFiles(memory_loader(files)))
    for question in ("retour sturen", "wanneer komt mijn pakket", "wachtwoort vergeten",
                     "hoeveel kafeine", "vacatures", ""):
        assert from_disk.ask(question) == in_memory.ask(question), question


def test_a_missing_term_shard_means_its_terms_are_unknown(files) -> None:
    reader = IndexFiles(memory_loader(files))
    term = "wachtwoord"
    assert reader.term(term) is not None
    gone = {n: d for n, d in files.items() if n != f"terms/{shard_of(term, 3)}.json"}
    reader = IndexFiles(memory_loader(gone))
    assert reader.term(term) is None
    answer = Engine(reader).ask("wachtwoord")
    assert answer.hits == [] and not answer.good


def test_an_index_without_meta_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no meta.json"):
        IndexFiles(folder_loader(str(tmp_path)))


def test_a_question_reads_only_the_files_it_needs(files) -> None:
    reader = IndexFiles(memory_loader(files))
    Engine(reader).ask("wachtwoord vergeten", limit=1)
    assert reader.read[0] == "meta.json"
    assert not any(name.startswith("spelling/") for name in reader.read)  # all words known
    assert [n for n in reader.read if n.startswith("docs/")] == ["docs/0.json"]
    assert reader.bytes_read == sum(len(files[name]) for name in reader.read)
    reader = IndexFiles(memory_loader(files))
    Engine(reader).ask("wachtwort")  # unknown: one spelling shard, its first letter's
    assert [n for n in reader.read if n.startswith("spelling/")] == ["spelling/w.json"]


def test_an_index_in_another_language_says_so(collection) -> None:
    meta = json.loads(build_answer_index(collection.articles, Settings(language="en"),
                                         TODAY)["meta.json"])
    assert meta["language"] == "en"


def test_the_index_carries_the_sites_synonym_groups(files) -> None:
    from kb.analysis import thesaurus_for

    expected = thesaurus_for(NL)
    found = IndexFiles(memory_loader(files)).thesaurus()
    assert len(found) == len(expected) > 100
    assert (found.phrases, found.index, found.longest) == \
        (expected.phrases, expected.index, expected.longest)
