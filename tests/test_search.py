"""Answers to shoppers' questions: the questions asked of kb.engine (what kb ask, kb eval
and kb gaps use) and of kb.search's Searcher, and the Whoosh index's on-disk cache.
Text analysis is tested in test_analysis.py, kb ask's cache in test_answercache.py."""

from __future__ import annotations

import math
import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from kb import search
from kb.analysis import thesaurus_for
from kb.answerindex import IndexFiles, build_answer_index, memory_loader
from kb.articles import load_collection
from kb.engine import Engine
from kb.search import (
    FEATURES,
    INDEX_FOLDER,
    K1,
    MANIFEST,
    AnswerIndex,
    B,
    memory_index,
)
from kb.settings import Settings
from tests.conftest import article

TODAY = date(2026, 11, 22)

# A small Dutch help centre. The texts avoid the shoppers' words the tests ask with
# (terugsturen, zending, geld terug...), so only synonyms, forms or spelling can match.
ARTICLES = {
    "retourneren/termijn.md": article(
        title="Hoe kan ik mijn bestelling retourneren?",
        summary="Je kunt binnen 30 dagen gratis retourneren via je account.",
        body="Meld de retour aan in je account en stuur de doos naar ons magazijn."),
    "retourneren/terugbetaling.md": article(
        title="Wanneer krijg ik een terugbetaling?",
        summary="Binnen vijf werkdagen na ontvangst van je retour.",
        body="Het bedrag komt op je rekening."),
    "bezorging/wanneer.md": article(
        title="Wanneer wordt mijn pakket bezorgd?", policy="shipping", stage="delivery",
        summary="We bezorgen binnen twee werkdagen.", body="Je pakket komt met PostNL."),
    "betalen/methoden.md": article(
        title="Welke betaalmethoden kan ik gebruiken?", policy="payment", stage="order",
        summary="iDEAL, creditcard of achteraf via Klarna.",
        body="Je betaalt veilig bij de kassa."),
    "account/wachtwoord.md": article(
        title="Ik ben mijn wachtwoord vergeten", policy="privacy", stage="order",
        summary="Vraag een nieuw wachtwoord aan op de inlogpagina.",
        body="Klik op de link in de mail."),
    "product/cafeine.md": article(
        title="Hoeveel cafeïne zit er in de koffie?", policy="product", stage="research",
        summary="Een kop bevat ongeveer 80 mg cafeïne.", body="Decaf bevat bijna geen cafeïne."),
    "product/bonen.md": article(
        title="Waar komen jullie bonen vandaan?", policy="product", stage="research",
        summary="Uit Ethiopië en Colombia, biologisch geteeld.",
        body="We branden ze zelf in Utrecht.", keywords=["barista"]),
    "verzending/kosten.md": article(
        title="Wat kost verzending?", policy="shipping", stage="order",
        summary="Verzending is gratis vanaf 40 euro.", body="Daaronder betaal je 4,95 euro."),
    "acties/cadeaubon.md": article(
        title="Kan ik met een cadeaubon betalen?", policy="payment", stage="order",
        summary="Ja, vul de code in bij de kassa.", draft=True),
    "acties/kerst.md": article(
        title="Bezorgen jullie een kerstpakket?", policy="shipping", stage="order",
        summary="Vanaf december.", publish="2026-12-01"),
    "acties/zomer.md": article(
        title="Wat is de zomeractie?", policy="product", stage="research",
        summary="IJskoffie met korting.", expires="2026-09-01"),
}

NL = Settings(language="nl")
# The articles published on TODAY.
LIVE = [src_uri for src_uri, text in ARTICLES.items()
        if not any(key in text for key in ("draft:", "publish:", "expires:"))]


def write_docs(docs: Path, articles: dict[str, str] = ARTICLES) -> Path:
    for src_uri, text in articles.items():
        path = docs / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return docs


class EngineIndex:
    """The answer index kb build ships, asked with kb.engine as kb ask asks it, in the
    shape of kb.search's index: one index per day, of the articles live that day."""

    def __init__(self, articles: list, settings: Settings):
        self.articles = articles
        self.settings = settings
        self.days: dict[date, dict[str, bytes]] = {}

    @contextmanager
    def searcher(self, today: date, features=FEATURES):
        if today not in self.days:
            self.days[today] = build_answer_index(self.articles, self.settings, today)
        yield Engine(IndexFiles(memory_loader(self.days[today])), features=features)


def answers_of(articles: list, kind: str = "engine"):
    return EngineIndex(articles, NL) if kind == "engine" else memory_index(articles, NL)


# The questions' tests run on kb.engine, which kb ask, kb eval and kb gaps use, and on
# kb.search's Searcher as long as it exists.
@pytest.fixture(scope="module", params=["engine", "whoosh"])
def index(request, tmp_path_factory):
    docs = write_docs(tmp_path_factory.mktemp("search") / "docs")
    collection = load_collection(str(docs), NL, TODAY)
    assert collection.problems == [] and len(collection.articles) == len(ARTICLES)
    return answers_of(collection.articles, request.param)


def ask(index, question: str, today: date = TODAY, features=FEATURES, limit: int = 5):
    with index.searcher(today, features) as searcher:
        return searcher.ask(question, limit)


def slugs(answer) -> list[str]:
    return [hit.slug for hit in answer.hits]


@pytest.fixture
def docs(tmp_path):
    return write_docs(tmp_path / "docs")


@pytest.fixture
def cache(tmp_path):
    return str(tmp_path / "cache")


def refresh(docs, cache, settings: Settings = NL, today: date = TODAY):
    answers = AnswerIndex(str(docs), settings, cache)
    return answers, answers.refresh(today)


def counts(result) -> tuple[int, int, int]:
    return result.added, result.updated, result.removed


def edit(path: Path, text: str) -> None:
    """Rewrite a file so that both its size and its modification time change."""
    before = path.stat()
    assert len(text.encode()) != before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 5_000_000_000))


# --- Asking ----------------------------------------------------------------------------


def test_the_exact_question_finds_its_article_first(index):
    assert len(LIVE) == 8
    for src_uri in LIVE:
        title = ARTICLES[src_uri].split("title: ", 1)[1].split("\n", 1)[0]
        answer = ask(index, title)
        assert answer.good, title
        assert answer.hits[0].slug == src_uri[:-3], title
        assert answer.hits[0].src_uri == src_uri
        assert answer.hits[0].coverage == 1.0


def test_hits_carry_title_summary_and_descending_scores(index):
    answer = ask(index, "Hoe kan ik mijn bestelling retourneren?")
    first = answer.hits[0]
    assert first.title == "Hoe kan ik mijn bestelling retourneren?"
    assert first.summary == "Je kunt binnen 30 dagen gratis retourneren via je account."
    scores = [hit.score for hit in answer.hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    assert answer.question == "Hoe kan ik mijn bestelling retourneren?"


def test_limit_caps_the_hits(index):
    question = "wanneer retour pakket betalen koffie wachtwoord"
    assert len(ask(index, question, limit=6).hits) == 6
    assert len(ask(index, question, limit=2).hits) == 2
    assert ask(index, question, limit=2).hits == ask(index, question, limit=6).hits[:2]


def test_accents_in_the_question_do_not_matter(index):
    assert slugs(ask(index, "cafeine"))[:1] == slugs(ask(index, "Cafeïne"))[:1] == \
        ["product/cafeine"]


@pytest.mark.parametrize("question, expected", [
    ("Kan ik het terugsturen?", "retourneren/termijn"),  # retour, retourneren, terugsturen
    ("waar is mijn zending", "bezorging/wanneer"),  # pakket, zending
])
def test_builtin_synonyms_find_articles_that_use_another_word(index, question, expected):
    answer = ask(index, question)
    assert answer.good
    assert answer.hits[0].slug == expected
    # Without synonyms the article is not found: the synonym is what matched.
    assert expected not in slugs(ask(index, question, features=FEATURES - {"synonyms"}))


def test_a_multi_word_synonym_finds_the_article(index):
    # "geld terug" is a phrase in the group of "terugbetaling".
    for question in ("Hoe krijg ik mijn geld terug?", "geld terug"):
        answer = ask(index, question)
        assert answer.good, question
        assert answer.hits[0].slug == "retourneren/terugbetaling"
        assert answer.unknown == []
    assert slugs(ask(index, "geld terug", features=FEATURES - {"synonyms"})) == []


def test_a_diminutive_finds_the_plain_word(index):
    answer = ask(index, "waar blijft mijn pakketje", features=FEATURES - {"synonyms"})
    assert answer.hits[0].slug == "bezorging/wanneer"


def test_a_participle_finds_the_infinitive(index):
    answer = ask(index, "ik heb met ideal betaald", features=FEATURES - {"synonyms"})
    assert answer.hits[0].slug == "betalen/methoden"


def test_builtin_synonyms_can_be_switched_off(tmp_path, docs, cache):
    settings = Settings(language="nl", builtin_synonyms=False)
    answers, _ = refresh(docs, cache, settings)
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("terugsturen").hits == []
    assert len(thesaurus_for(settings)) == 0
    assert len(thesaurus_for(NL)) >= 70


def test_a_site_synonym_group_finds_the_article(docs, cache):
    answers, _ = refresh(docs, cache)
    with answers.searcher(TODAY) as searcher:
        assert "product/bonen" not in [h.slug for h in searcher.ask("roosteren").hits]
    site = Settings(language="nl", synonyms=[("roosteren", "branden")])
    answers, result = refresh(docs, cache, site)
    assert not result.rebuilt  # synonyms apply to questions: the index stays valid
    with answers.searcher(TODAY) as searcher:
        answer = searcher.ask("Roosteren jullie zelf?")
    assert answer.good
    assert answer.hits[0].slug == "product/bonen"


def test_keywords_make_an_article_findable(index):
    answer = ask(index, "barista")  # only in the keywords of product/bonen
    assert answer.good
    assert slugs(answer) == ["product/bonen"]


def test_keywords_outweigh_the_body(tmp_path):
    docs = write_docs(tmp_path / "docs", {
        "a.md": article(title="Vraag een?", summary="Antwoord een.", body="Over espresso."),
        "b.md": article(title="Vraag twee?", summary="Antwoord twee.", keywords=["espresso"]),
    })
    collection = load_collection(str(docs), NL, TODAY)
    assert slugs(ask(memory_index(collection.articles, NL), "espresso")) == ["b", "a"]


@pytest.mark.parametrize("question, expected", [
    ("retoerneren", "retourneren/termijn"),
    ("wachtwoort", "account/wachtwoord"),
    ("ik ben mijn wachtwort vergeten", "account/wachtwoord"),
    ("betaalmetoden", "betalen/methoden"),
])
def test_a_typo_still_finds_the_article(index, question, expected):
    answer = ask(index, question)
    assert answer.good
    assert answer.hits[0].slug == expected


def test_a_typo_is_corrected_in_the_suggestion(index):
    with index.searcher(TODAY) as searcher:
        concepts, suggestion = searcher.concepts("retoerneren")
    assert suggestion == "retourneren"
    assert [c.known for c in concepts] == [True]
    # The suggestion is shown when the question as a whole has no good answer.
    answer = ask(index, "retoerneren xyzzy blubber")
    assert not answer.good
    assert answer.suggestion == "retourneren xyzzy blubber"
    assert answer.unknown == ["xyzzy", "blubber"]
    assert answer.hits[0].slug == "retourneren/termijn"  # still offered as a maybe


def test_words_only_drafts_or_scheduled_articles_have_are_no_suggestion(index):
    with index.searcher(TODAY) as searcher:
        # "cadeaubon" is only in a draft, "kerstpakket" only in a scheduled article.
        for typo in ("cadeaubonn", "kerstpakeet"):
            _, suggestion = searcher.concepts(typo)
            assert suggestion is None, typo
    with index.searcher(date(2026, 12, 1)) as searcher:  # the Christmas article is live
        assert searcher.concepts("kerstpakeet")[1] == "kerstpakket"


def test_no_suggestion_without_spelling(index):
    answer = ask(index, "retoerneren xyzzy blubber", features=FEATURES - {"spelling"})
    assert answer.suggestion is None
    assert "retourneren/termijn" not in slugs(answer)


def test_a_good_answer_needs_no_suggestion(index):
    answer = ask(index, "retoerneren")
    assert answer.good and answer.suggestion is None


@pytest.mark.parametrize("question, expected", [
    ("retourdoos", "retourneren/termijn"),  # retour + doos, both in the article
    ("verzendkosten", "verzending/kosten"),  # verzend(ing) + kost(en)
])
def test_an_unknown_compound_is_split_into_known_parts(index, question, expected):
    answer = ask(index, question)
    assert answer.good
    assert answer.hits[0].slug == expected
    assert answer.unknown == []
    # (synonym phrases such as "gratis verzending" could also reach it)
    assert expected not in slugs(ask(index, question,
                                     features=FEATURES - {"compounds", "synonyms"}))


@pytest.mark.parametrize("question", [
    "hallo, graag, bedankt!",
    "xyzzy qwertyuiop",
    "123456789 3SABCD1234567890",
    "https://shop.example/retourneren",
    "!!! ??? ...",
])
def test_noise_or_unknown_words_give_no_answer(index, question):
    answer = ask(index, question)
    assert answer.good is False
    assert answer.hits == []


def test_unknown_words_are_listed(index):
    answer = ask(index, "xyzzy qwertyuiop")
    assert answer.unknown == ["xyzzy", "qwertyuiop"]


def test_drafts_are_never_answered(index):
    answer = ask(index, "Kan ik met een cadeaubon betalen?")
    assert "acties/cadeaubon" not in slugs(answer)
    assert slugs(ask(index, "cadeaubon")) == []
    assert slugs(ask(index, "cadeaubon", today=date(2030, 1, 1))) == []


def test_scheduled_articles_appear_on_their_publish_day(index):
    assert slugs(ask(index, "kerstpakket")) == []
    assert slugs(ask(index, "kerstpakket", today=date(2026, 11, 30))) == []
    assert slugs(ask(index, "kerstpakket", today=date(2026, 12, 1))) == ["acties/kerst"]


def test_expired_articles_disappear_on_their_expiry_day(index):
    assert slugs(ask(index, "zomeractie")) == []
    assert slugs(ask(index, "zomeractie", today=date(2026, 9, 1))) == []
    assert slugs(ask(index, "zomeractie", today=date(2026, 8, 31))) == ["acties/zomer"]


@pytest.mark.parametrize("question", [
    "x" * 10_000,
    ("Hallo, ik wil graag mijn bestelling retourneren, bestelnummer 100234. " * 200)[:10_000],
    " ".join(f"woord{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(1500))[:10_000],
], ids=["one-word", "an-e-mail", "many-words"])
def test_a_very_long_question_is_answered(index, question):
    assert len(question) == 10_000
    answer = ask(index, question)
    assert isinstance(answer.hits, list)
    if "retourneren" in question:
        assert answer.hits[0].slug == "retourneren/termijn"


def test_an_article_gains_by_the_share_of_its_question_the_shopper_asked(tmp_path,
                                                                          monkeypatch):
    docs = write_docs(tmp_path / "docs", {
        **ARTICLES,
        "bestelling/annuleren.md": article(
            title="Kan ik mijn bestelling annuleren?", policy="shipping", stage="order",
            summary="Ja, zolang hij nog niet is ingepakt.", body="Mail ons je bestelnummer."),
        "bestelling/status.md": article(
            title="Wat betekent de status van mijn bestelling?", policy="shipping",
            stage="order", summary="Zo lees je de status van een bestelling.",
            body="In behandeling, verzonden, bezorgd. Een bestelling annuleren kan alleen "
                 "bij de status in behandeling."),
    })
    answers = memory_index(load_collection(str(docs), NL, TODAY).articles, NL)
    question = "hoe annuleer ik mijn bestelling"
    scores = {h.slug: h.score for h in ask(answers, question).hits}
    bonus = search.TITLE_MATCH
    monkeypatch.setattr(search, "TITLE_MATCH", 0.0)
    plain = {h.slug: h.score for h in ask(answers, question).hits}
    # All of "bestelling annuleren" was asked; of "betekent status bestelling", a third.
    assert scores["bestelling/annuleren"] == pytest.approx(
        plain["bestelling/annuleren"] * (1 + bonus), abs=0.002)
    assert scores["bestelling/status"] == pytest.approx(
        plain["bestelling/status"] * (1 + bonus / 3), abs=0.002)
    assert bonus > 0 and scores["product/cafeine"] == plain["product/cafeine"]


@pytest.fixture(scope="module")
def whoosh_index(tmp_path_factory):
    docs = write_docs(tmp_path_factory.mktemp("search") / "docs")
    return memory_index(load_collection(str(docs), NL, TODAY).articles, NL)


def test_rarity_counts_articles_not_fields(whoosh_index):
    """A word in one title but in many bodies is common: its title score uses the
    article-level document frequency (kb.answerindex's bm25_impacts stores the same,
    tests/test_answerindex.py)."""
    with whoosh_index.searcher(date(2026, 11, 22)) as searcher:
        reader = searcher.reader
        with_word = set()
        for name in ("title", "keywords", "summary", "body"):
            if (name, "wachtwoord") in reader:
                with_word.update(reader.postings(name, "wachtwoord").all_ids())
        df = len(with_word)
        assert reader.doc_frequency("title", "wachtwoord") <= df
        scores = searcher._term_scores("title", "wachtwoord")
        assert scores
        doc, score = next(iter(scores.items()))
        idf = math.log(searcher.total / (df + 1)) + 1
        length = reader.doc_field_length(doc, "title", 1)
        tf = 1.0
        norm = K1 * (1 - B + B * length / searcher.average["title"])
        expected = idf * tf * (K1 + 1) / (tf + norm)
        assert score == pytest.approx(expected)


# --- The on-disk cache -----------------------------------------------------------------


def test_first_refresh_builds_the_index_on_disk(docs, cache):
    answers, result = refresh(docs, cache)
    assert result.rebuilt and not result.in_memory
    assert counts(result) == (len(ARTICLES), 0, 0)
    assert result.broken == []
    folder = Path(cache) / INDEX_FOLDER
    assert (folder / MANIFEST).is_file()
    assert any(name.endswith(".toc") for name in os.listdir(folder))
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("retourneren").hits[0].slug == "retourneren/termijn"


def test_a_second_refresh_without_changes_does_nothing(docs, cache):
    refresh(docs, cache)
    answers, result = refresh(docs, cache)
    assert not result.rebuilt
    assert counts(result) == (0, 0, 0)
    assert result.broken == [] and result.reason == ""
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("wachtwoord").hits[0].slug == "account/wachtwoord"
    # The same object refreshed again does nothing either.
    assert counts(answers.refresh(TODAY)) == (0, 0, 0)


def test_an_edited_article_is_seen_by_the_next_refresh(docs, cache):
    refresh(docs, cache)
    edit(docs / "product/bonen.md", article(
        title="Waar komen jullie bonen vandaan?", policy="product", stage="research",
        summary="Uit Ethiopië, Colombia en Guatemala.", body="Sinds kort ook uit Guatemala."))
    answers, result = refresh(docs, cache)
    assert not result.rebuilt
    assert counts(result) == (0, 1, 0)
    with answers.searcher(TODAY) as searcher:
        answer = searcher.ask("guatemala")
        assert [h.slug for h in answer.hits] == ["product/bonen"]
        assert answer.hits[0].summary == "Uit Ethiopië, Colombia en Guatemala."
        assert searcher.ask("barista").hits == []  # the old keyword is gone


def test_a_refresh_on_the_same_object_sees_edits_new_and_deleted_files(docs, cache):
    answers, _ = refresh(docs, cache)
    (docs / "nieuw").mkdir()
    (docs / "nieuw/giftcard.md").write_text(article(
        title="Verkopen jullie een giftcard?", summary="Ja, vanaf 10 euro.",
        policy="payment", stage="order"), encoding="utf-8")
    (docs / "account/wachtwoord.md").unlink()
    result = answers.refresh(TODAY)
    assert counts(result) == (1, 0, 1)
    with answers.searcher(TODAY) as searcher:
        assert [h.slug for h in searcher.ask("giftcard").hits] == ["nieuw/giftcard"]
        assert "account/wachtwoord" not in [h.slug for h in searcher.ask("wachtwoord").hits]


def test_a_deleted_article_is_removed_from_the_results(docs, cache):
    refresh(docs, cache)
    (docs / "account/wachtwoord.md").unlink()
    answers, result = refresh(docs, cache)
    assert counts(result) == (0, 0, 1)
    with answers.searcher(TODAY) as searcher:
        answer = searcher.ask("Ik ben mijn wachtwoord vergeten")
    assert "account/wachtwoord" not in [h.slug for h in answer.hits]
    manifest = (Path(cache) / INDEX_FOLDER / MANIFEST).read_text(encoding="utf-8")
    assert "account/wachtwoord.md" not in manifest


def test_a_broken_article_is_reported_and_left_out(docs, cache):
    refresh(docs, cache)
    edit(docs / "account/wachtwoord.md", "---\ntitle: Wachtwoord\n---\nGeen front matter.\n")
    answers, result = refresh(docs, cache)
    assert len(result.broken) == 1 and result.broken[0].endswith("account/wachtwoord.md")
    with answers.searcher(TODAY) as searcher:
        assert "account/wachtwoord" not in [h.slug for h in searcher.ask("wachtwoord").hits]
    # Still reported while it stays broken, though it is not read again.
    answers, result = refresh(docs, cache)
    assert counts(result) == (0, 0, 0)
    assert len(result.broken) == 1 and result.broken[0].endswith("account/wachtwoord.md")
    # Once fixed it is back.
    edit(docs / "account/wachtwoord.md", ARTICLES["account/wachtwoord.md"])
    answers, result = refresh(docs, cache)
    assert result.broken == []
    assert counts(result) == (0, 1, 0)
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("wachtwoord").hits[0].slug == "account/wachtwoord"


def test_a_broken_file_from_the_start(docs, cache):
    (docs / "kapot.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    answers, result = refresh(docs, cache)
    assert result.rebuilt
    assert [Path(p).name for p in result.broken] == ["kapot.md"]
    assert result.added == len(ARTICLES)


def test_pages_are_not_indexed(docs, cache):
    (docs / "blog").mkdir()
    (docs / "blog/post.md").write_text("# Nieuws over de espressomachine\n", encoding="utf-8")
    (docs / "over.md").write_text("---\narticle: false\n---\nOver de espressomachine.\n",
                                  encoding="utf-8")
    answers, result = refresh(docs, cache)
    assert result.broken == []
    assert result.added == len(ARTICLES)  # the page outside blog/ is read but not added
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("espressomachine").hits == []


# Whoosh's SegmentReader leaves the file of a damaged segment open when it fails to
# read it; the file is closed when collected, which Python reports as a warning.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("damage", ["index", "manifest", "both", "empty-manifest",
                                    "manifest-list", "truncated"])
def test_a_corrupt_cache_is_rebuilt(docs, cache, damage):
    refresh(docs, cache)
    folder = Path(cache) / INDEX_FOLDER
    for path in folder.iterdir():
        is_manifest = path.name == MANIFEST
        if damage == "truncated" and path.suffix == ".seg":
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        elif damage in ("index", "both") and not is_manifest:
            path.write_bytes(b"\x00garbage" * 64)
        elif damage in ("manifest", "both") and is_manifest:
            path.write_bytes(b"{not json \xff")
        elif damage == "empty-manifest" and is_manifest:
            path.write_text("", encoding="utf-8")
        elif damage == "manifest-list" and is_manifest:
            path.write_text("[1, 2, 3]", encoding="utf-8")
    answers, result = refresh(docs, cache)
    assert result.rebuilt and not result.in_memory
    assert result.reason
    assert counts(result) == (len(ARTICLES), 0, 0)
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("retourneren").hits[0].slug == "retourneren/termijn"
    # The rebuilt cache is sound: the next run uses it as it is.
    _, result = refresh(docs, cache)
    assert not result.rebuilt and counts(result) == (0, 0, 0)


def test_foreign_content_in_the_cache_folder_is_replaced(docs, cache):
    folder = Path(cache) / INDEX_FOLDER
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text("not an index", encoding="utf-8")
    (folder / "_MAIN_1.toc").write_bytes(os.urandom(200))
    (folder / "sub/x.bin").write_bytes(os.urandom(100))
    answers, result = refresh(docs, cache)
    assert result.rebuilt
    assert result.reason == "the cache folder holds no kb index"
    assert not (folder / "notes.txt").exists() and not (folder / "sub").exists()
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("wachtwoord").hits[0].slug == "account/wachtwoord"


def test_a_file_where_the_index_folder_should_be_is_replaced(docs, cache):
    Path(cache).mkdir()
    (Path(cache) / INDEX_FOLDER).write_text("a file", encoding="utf-8")
    answers, result = refresh(docs, cache)
    assert result.rebuilt and not result.in_memory
    assert (Path(cache) / INDEX_FOLDER / MANIFEST).is_file()


def test_a_manifest_from_other_settings_rebuilds(docs, cache):
    refresh(docs, cache)
    answers, result = refresh(docs, cache, Settings(language="en"))
    assert result.rebuilt
    assert "other settings" in result.reason
    assert counts(result) == (len(ARTICLES), 0, 0)
    assert answers.analyzer.language == "en"
    _, result = refresh(docs, cache, Settings(language="en"))
    assert not result.rebuilt
    _, result = refresh(docs, cache, Settings(language="nl", pages=("blog", "nieuws")))
    assert result.rebuilt


def test_settings_used_only_at_question_time_keep_the_index(docs, cache):
    refresh(docs, cache)
    _, result = refresh(docs, cache, Settings(language="nl-BE", builtin_synonyms=False,
                                              synonyms=[("a1", "b2")], top_questions=3))
    assert not result.rebuilt


def test_an_unwritable_cache_location_falls_back_to_memory(docs, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    answers, result = refresh(docs, str(blocker))
    assert result.in_memory and result.rebuilt
    assert "cannot be written" in result.reason
    assert counts(result) == (len(ARTICLES), 0, 0)
    assert blocker.read_text(encoding="utf-8").startswith("a file")
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("retourneren").hits[0].slug == "retourneren/termijn"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write to read-only folders")
def test_a_read_only_cache_folder_falls_back_to_memory(docs, tmp_path):
    parent = tmp_path / "readonly"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        answers, result = refresh(docs, str(parent / "cache"))
        assert result.in_memory
        with answers.searcher(TODAY) as searcher:
            assert searcher.ask("retourneren").hits[0].slug == "retourneren/termijn"
    finally:
        parent.chmod(0o700)


def test_no_cache_folder_keeps_the_index_in_memory(docs):
    answers = AnswerIndex(str(docs), NL, None)
    result = answers.refresh(TODAY)
    assert result.rebuilt and not result.in_memory
    assert result.reason == "no cache folder"
    assert counts(result) == (len(ARTICLES), 0, 0)
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("wachtwoord").hits[0].slug == "account/wachtwoord"


def test_the_cached_index_answers_like_the_memory_index(docs, cache, whoosh_index):
    answers, _ = refresh(docs, cache)
    for question in ("terugsturen", "Hoeveel cafeine?", "wachtwoort", "kerstpakket"):
        with answers.searcher(TODAY) as searcher:
            on_disk = searcher.ask(question)
        assert slugs(on_disk) == slugs(ask(whoosh_index, question)), question


def test_replaced_versions_do_not_skew_scores(docs, cache, whoosh_index):
    """Whoosh keeps a replaced article until its segment merges; with many edits the
    cache is merged, so it scores exactly like a fresh index of the same files."""
    answers, _ = refresh(docs, cache)
    for src_uri in ("product/bonen.md", "product/cafeine.md"):
        path = docs / src_uri
        edit(path, path.read_text(encoding="utf-8") + "\n")
    result = answers.refresh(TODAY)
    assert counts(result) == (0, 2, 0)
    assert answers.index.doc_count_all() == answers.index.doc_count()
    for question in ("Waar komen de bonen vandaan?", "cafeine in koffie"):
        with answers.searcher(TODAY) as searcher:
            on_disk = [(h.slug, h.score) for h in searcher.ask(question).hits]
        fresh = [(h.slug, h.score) for h in ask(whoosh_index, question).hits]
        assert on_disk == fresh, question


def test_a_build_sorted_partly_on_disk_answers_like_one_sorted_in_memory(docs, cache,
                                                                         whoosh_index,
                                                                         monkeypatch):
    """Whoosh sorts a commit's postings in memory up to POOL_MB, then in runs on disk;
    the index is the same either way."""
    monkeypatch.setattr(search, "POOL_MB", 0.001)  # a run every few postings
    answers, result = refresh(docs, cache)
    assert result.rebuilt and result.added == len(ARTICLES)
    for question in WARM_QUESTIONS:
        with answers.searcher(TODAY) as searcher:
            on_disk = searcher.ask(question)
        assert on_disk == ask(whoosh_index, question), question


def test_an_index_of_an_older_format_is_rebuilt(docs, cache, monkeypatch):
    monkeypatch.setattr(search, "INDEX_FORMAT", search.INDEX_FORMAT - 1)
    refresh(docs, cache)
    monkeypatch.undo()
    _, result = refresh(docs, cache)
    assert result.rebuilt and "another kb version" in result.reason


# --- One searcher for many questions ---------------------------------------------------

# Typos, compounds, synonyms, phrases, forms, unknown words, a long message, repeats.
WARM_QUESTIONS = [
    "terugsturen", "Hoeveel cafeine?", "wachtwoort", "kerstpakket", "geld terug",
    "retourlabel", "betaald", "bonnetje", "wanneer wordt mijn pakket bezorgd",
    "Hallo, ik heb vorige week besteld, bestelnummer 100234. Wanneer krijg ik mijn geld "
    "terug als ik de bonen terugstuur? Alvast bedankt, groet Sanne",
    "xyzzy", "terugsturen", "wat kost verzending naar belgie", "Hoeveel cafeine?",
]


@pytest.mark.parametrize("concept_cache", [search.CONCEPT_CACHE, 3])
def test_a_searcher_that_answered_many_questions_answers_like_a_new_one(whoosh_index,
                                                                         monkeypatch,
                                                                         concept_cache):
    """A searcher keeps scores from question to question (terms, concepts, within a
    budget of articles); what it answers stays what a new searcher answers."""
    monkeypatch.setattr(search, "CONCEPT_CACHE", concept_cache)
    with whoosh_index.searcher(TODAY) as warm:
        for _ in range(2):
            for question in WARM_QUESTIONS:
                expected = ask(whoosh_index, question, limit=10)
                assert warm.ask(question, 10) == expected, question
        assert warm._concepts
        assert warm._concept_entries == sum(map(len, warm._concepts.values()))
        if concept_cache < search.CONCEPT_CACHE:
            assert warm._concept_entries <= concept_cache or len(warm._concepts) == 1


def test_articles_that_score_the_same_keep_their_index_order(tmp_path):
    """Only the best-scoring articles are sorted; all that tie with the last one wanted
    are among them, and ties go to the article indexed first."""
    same = {f"kopie/{i:02d}.md": article(title="Hoe ontkalk ik de machine?",
                                         summary="Met citroenzuur.", body="Spoel na.")
            for i in range(30)}
    answers = memory_index(load_collection(str(write_docs(tmp_path / "docs", same)), NL,
                                           TODAY).articles, NL)
    with answers.searcher(TODAY) as searcher:
        order = [searcher.searcher.stored_fields(d)["slug"] for d in sorted(searcher.allowed)]
        for limit in (3, 20, 25, 40):
            hits = searcher.ask("ontkalken machine", limit).hits
            assert [h.slug for h in hits] == order[:limit]
            assert len({h.score for h in hits}) == 1


# --- URLs -----------------------------------------------------------------------------


def test_an_index_that_cannot_be_updated_falls_back_to_memory(docs, cache, monkeypatch):
    answers = AnswerIndex(str(docs), NL, cache)
    answers.refresh(TODAY)
    (docs / "retourneren" / "termijn.md").write_text(
        article(title="Hoe lang mag ik iets ruilen?", summary="Je hebt 45 dagen.",
                body="Ruilen kan 45 dagen."), encoding="utf-8")

    def locked(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(answers.index, "writer", locked)
    result = answers.refresh(TODAY)
    assert result.in_memory and "cannot be updated" in result.reason
    with answers.searcher(TODAY) as searcher:
        assert searcher.ask("ruilen 45 dagen").hits[0].title == "Hoe lang mag ik iets ruilen?"
