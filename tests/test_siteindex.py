"""Compacting Material's search index: what shoppers see stays, every word stays findable."""

from __future__ import annotations

import re

from kb.siteindex import TERMS_FIELD, TEXT_FIELD, compact, separator, words

CONFIG = {"lang": ["nl"], "separator": r"[\s\-]+", "fields": {}}


def index(*docs: dict) -> dict:
    return {"config": dict(CONFIG), "docs": [dict(d) for d in docs]}


def test_sections_of_articles_keep_their_heading_and_only_their_distinct_words() -> None:
    result = compact(index(
        {"location": "retour/termijn/", "title": "Hoe lang mag ik retourneren?",
         "text": "<p>Binnen 30 dagen.</p>"},
        {"location": "retour/termijn/#uitzonderingen", "title": "Uitzonderingen",
         "text": "<p>Geopende <b>koffie</b> en koffie-apparaten: "
                 "de koffie blijft &amp; België.</p>"},
    ), {"retour/termijn/"}, {}, stop_words={"de", "en"})
    page, section = result["docs"]
    assert page["text"] == "<p>Binnen 30 dagen.</p>"  # the preview stays as it was
    assert TEXT_FIELD not in page
    assert section["title"] == "Uitzonderingen" and section["text"] == ""
    # Lowercased, accents kept, entities decoded, tags and stop words gone, each once.
    assert section[TEXT_FIELD] == "apparaten belgië blijft geopende koffie"


def test_pages_that_are_not_articles_are_left_as_they_are() -> None:
    contact = {"location": "contact/#chat", "title": "Chat", "text": "<p>Van 9 tot 5.</p>"}
    result = compact(index(contact), {"retour/termijn/"}, {})
    assert result["docs"] == [contact]


def test_shopper_words_go_into_their_own_field() -> None:
    result = compact(index({"location": "a/", "title": "A?", "text": "x"},
                           {"location": "b/", "title": "B?", "text": "y"}),
                     {"a/", "b/"}, {"a/": "terugsturen herroepingsrecht"})
    assert result["docs"][0][TERMS_FIELD] == "terugsturen herroepingsrecht"
    assert TERMS_FIELD not in result["docs"][1]


def test_a_section_of_only_stop_words_gets_no_hidden_field() -> None:
    result = compact(index({"location": "a/#b", "title": "B", "text": "<p>de en het</p>"}),
                     {"a/"}, {}, stop_words={"de", "en", "het"})
    assert result["docs"][0]["text"] == "" and TEXT_FIELD not in result["docs"][0]


def test_stop_words_are_compared_folded() -> None:
    result = compact(index({"location": "a/#b", "title": "B", "text": "Één café"}),
                     {"a/"}, {}, stop_words={"een"},
                     fold=lambda w: w.replace("é", "e").replace("É", "E").lower())
    assert result["docs"][0][TEXT_FIELD] == "café"


def test_separator_falls_back_when_python_cannot_read_the_pattern() -> None:
    assert separator(r"[\s\-]+").split("a-b c") == ["a", "b", "c"]
    assert separator("[").pattern == r"[\s\-]+"
    assert separator(None).pattern == r"[\s\-]+"


def test_words_drop_punctuation_at_their_edges_only() -> None:
    assert words("“Kan dat?” Ja, 2,5 kilo (max.) & = e-mail _ kan", re.compile(r"\s+")) == \
        {"kan", "dat", "ja", "2,5", "kilo", "max", "e-mail"}
