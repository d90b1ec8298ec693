"""Compacting Material's search index: what shoppers see stays, every word stays findable."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from kb.articles import Article, Collection
from kb.settings import Settings, parse_settings
from kb.site import SitePlan, plan_site
from kb.siteindex import (
    TERMS_FIELD,
    TEXT_FIELD,
    compact,
    compact_site,
    finish_index,
    separator,
    words,
)

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


# --- The site's index after a build -----------------------------------------------------

def plan_with(*articles: Article) -> tuple[SitePlan, Settings]:
    settings, problems = parse_settings({"language": "nl"}, "mkdocs.yml")
    assert not problems
    return plan_site(Collection("docs", list(articles)), settings, date(2026, 11, 22),
                     "Shop Help"), settings


def an_article(slug: str, title: str, keywords: list[str]) -> Article:
    return Article(slug=slug, src_uri=f"{slug}.md", path=f"docs/{slug}.md", title=title,
                   summary="Kort.", policy="returns", stages=["returns"],
                   reviewed=date(2026, 10, 1), review_every=180, owner="team",
                   keywords=keywords)


def url_of(src_uri: str) -> str | None:
    return src_uri[:-3] + "/"


def extended_index() -> dict:
    config = dict(CONFIG, fields={"title": {}, "text": {}, TERMS_FIELD: {}, TEXT_FIELD: {}})
    return {"config": config, "docs": [
        {"location": "retour/termijn/", "title": "Hoe lang mag ik retourneren?", "text": "x"},
        {"location": "retour/termijn/#kop", "title": "Kop", "text": "<p>Dertig dagen</p>"},
        {"location": "contact/", "title": "Contact", "text": "<p>Bel ons</p>"}]}


def test_the_articles_in_the_index_get_their_shopper_words_and_compact_sections() -> None:
    plan, settings = plan_with(an_article("retour/termijn", "Hoe lang mag ik retourneren?",
                                          ["ruilen"]),
                               an_article("retour/kosten", "Wat kost het?", ["prijs"]))
    result = compact_site(extended_index(), plan, url_of, settings)
    page, section, contact = result["docs"]
    assert "ruilen" in page[TERMS_FIELD].split()
    assert section["text"] == "" and section[TEXT_FIELD] == "dagen dertig"
    assert contact == {"location": "contact/", "title": "Contact", "text": "<p>Bel ons</p>"}
    # retour/kosten/ was not rendered in this build: nothing is added for it.
    assert all(doc["location"].startswith(("retour/termijn/", "contact/"))
               for doc in result["docs"])


def test_the_index_file_is_rewritten_only_when_the_search_indexes_kbs_fields(
        tmp_path: Path) -> None:
    plan, settings = plan_with(an_article("retour/termijn", "Hoe lang mag ik retourneren?",
                                          ["ruilen"]))
    path = tmp_path / "search" / "search_index.json"
    finish_index(str(tmp_path), plan, url_of, settings)  # no index: nothing to do
    assert not path.exists()
    path.parent.mkdir()
    plain = json.dumps({"config": dict(CONFIG), "docs": [{"location": "retour/termijn/#kop",
                                                          "title": "Kop", "text": "Tekst"}]})
    path.write_text(plain, encoding="utf-8")
    finish_index(str(tmp_path), plan, url_of, settings)
    assert path.read_text(encoding="utf-8") == plain
    finish_index(str(tmp_path), plan, url_of, settings, merge=lambda index: "merged")
    assert path.read_text(encoding="utf-8") == "merged"
    path.write_text(json.dumps(extended_index()), encoding="utf-8")
    finish_index(str(tmp_path), plan, url_of, settings)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["docs"][1] == {"location": "retour/termijn/#kop", "title": "Kop",
                                  "text": "", TEXT_FIELD: "dagen dertig"}
