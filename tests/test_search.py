"""Answers to shoppers' questions, asked of kb.engine over the answer index kb build
ships (what the site, kb ask, kb eval and kb gaps answer from). Text analysis is
tested in test_analysis.py, the index's files in test_answerindex.py, kb ask's cache
of the index in test_answercache.py, the browser's runtime in test_engine_js.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kb import engine
from kb.analysis import thesaurus_for
from kb.answerindex import IndexFiles, build_answer_index, memory_loader
from kb.articles import load_collection
from kb.engine import FEATURES, Engine
from kb.settings import Settings
from tests.conftest import ARTICLES, LIVE, NL, article, write_docs
from tests.conftest import SMALL_TODAY as TODAY


class Answers:
    """The answer index of some articles, as kb build writes it for a day, asked with
    kb.engine: one index per day, of the articles live that day."""

    def __init__(self, articles: list, settings: Settings = NL):
        self.articles = articles
        self.settings = settings
        self.days: dict[date, dict[str, bytes]] = {}

    def engine(self, today: date = TODAY, features=FEATURES) -> Engine:
        if today not in self.days:
            self.days[today] = build_answer_index(self.articles, self.settings, today)
        return Engine(IndexFiles(memory_loader(self.days[today])), features=features)


def answers_of(docs: Path, settings: Settings = NL) -> Answers:
    return Answers(load_collection(str(docs), settings, TODAY).articles, settings)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Answers:
    docs = write_docs(tmp_path_factory.mktemp("search") / "docs")
    answers = answers_of(docs)
    assert len(answers.articles) == len(ARTICLES)
    return answers


def ask(index: Answers, question: str, today: date = TODAY, features=FEATURES,
        limit: int = 5):
    return index.engine(today, features).ask(question, limit)


def slugs(answer) -> list[str]:
    return [hit.slug for hit in answer.hits]


@pytest.fixture
def docs(tmp_path):
    return write_docs(tmp_path / "docs")


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


def test_builtin_synonyms_can_be_switched_off(docs):
    settings = Settings(language="nl", builtin_synonyms=False)
    assert ask(answers_of(docs, settings), "terugsturen").hits == []
    assert ask(answers_of(docs), "terugsturen").hits != []
    assert len(thesaurus_for(settings)) == 0
    assert len(thesaurus_for(NL)) >= 70


def test_a_site_synonym_group_finds_the_article(docs):
    assert "product/bonen" not in slugs(ask(answers_of(docs), "roosteren"))
    site = Settings(language="nl", synonyms=[("roosteren", "branden")])
    answer = ask(answers_of(docs, site), "Roosteren jullie zelf?")
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
    assert slugs(ask(answers_of(docs), "espresso")) == ["b", "a"]


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
    concepts, suggestion = index.engine().concepts("retoerneren")
    assert suggestion == "retourneren"
    assert [c.known for c in concepts] == [True]
    # The suggestion is shown when the question as a whole has no good answer.
    answer = ask(index, "retoerneren xyzzy blubber")
    assert not answer.good
    assert answer.suggestion == "retourneren xyzzy blubber"
    assert answer.unknown == ["xyzzy", "blubber"]
    assert answer.hits[0].slug == "retourneren/termijn"  # still offered as a maybe


def test_words_only_drafts_or_scheduled_articles_have_are_no_suggestion(index):
    # "cadeaubon" is only in a draft, "kerstpakket" only in a scheduled article.
    for typo in ("cadeaubonn", "kerstpakeet"):
        _, suggestion = index.engine().concepts(typo)
        assert suggestion is None, typo
    # The Christmas article is live on 1 December.
    assert index.engine(date(2026, 12, 1)).concepts("kerstpakeet")[1] == "kerstpakket"


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
    question = "hoe annuleer ik mijn bestelling"
    scores = {h.slug: h.score for h in ask(answers_of(docs), question).hits}
    bonus = engine.TITLE_MATCH
    monkeypatch.setattr(engine, "TITLE_MATCH", 0.0)  # an index built now states 0
    plain = {h.slug: h.score for h in ask(answers_of(docs), question).hits}
    # All of "bestelling annuleren" was asked; of "betekent status bestelling", a third.
    assert scores["bestelling/annuleren"] == pytest.approx(
        plain["bestelling/annuleren"] * (1 + bonus), abs=0.002)
    assert scores["bestelling/status"] == pytest.approx(
        plain["bestelling/status"] * (1 + bonus / 3), abs=0.002)
    assert bonus > 0 and scores["product/cafeine"] == plain["product/cafeine"]


# --- One engine for many questions -----------------------------------------------------

# Typos, compounds, synonyms, phrases, forms, unknown words, a long message, repeats.
WARM_QUESTIONS = [
    "terugsturen", "Hoeveel cafeine?", "wachtwoort", "kerstpakket", "geld terug",
    "retourlabel", "betaald", "bonnetje", "wanneer wordt mijn pakket bezorgd",
    "Hallo, ik heb vorige week besteld, bestelnummer 100234. Wanneer krijg ik mijn geld "
    "terug als ik de bonen terugstuur? Alvast bedankt, groet Sanne",
    "xyzzy", "terugsturen", "wat kost verzending naar belgie", "Hoeveel cafeine?",
]


def test_an_engine_that_answered_many_questions_answers_like_a_new_one(index):
    """An engine keeps term scores and spelling lookups from question to question;
    what it answers stays what a new one answers."""
    warm = index.engine()
    for _ in range(2):
        for question in WARM_QUESTIONS:
            assert warm.ask(question, 10) == ask(index, question, limit=10), question
    assert warm._scores  # it did keep something


def test_articles_that_score_the_same_keep_their_index_order(tmp_path):
    """Only the best-scoring articles are sorted; all that tie with the last one wanted
    are among them, and ties go to the article indexed first."""
    same = {f"kopie/{i:02d}.md": article(title="Hoe ontkalk ik de machine?",
                                         summary="Met citroenzuur.", body="Spoel na.")
            for i in range(30)}
    answers = answers_of(write_docs(tmp_path / "docs", same))
    searcher = answers.engine()
    order = [searcher.files.doc(d)["slug"] for d in range(len(same))]
    assert sorted(order) == [f"kopie/{i:02d}" for i in range(30)]
    for limit in (3, 20, 25, 40):
        hits = searcher.ask("ontkalken machine", limit).hits
        assert [h.slug for h in hits] == order[:limit]
        assert len({h.score for h in hits}) == 1
