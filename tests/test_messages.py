"""A shopper's message as an editor reads it: kb.messages."""

from __future__ import annotations

import pytest

from kb.messages import MAX_MESSAGE, MAX_TITLE, as_title, clean_question, question_like


def test_clean_question_keeps_the_question_of_an_email():
    mail = ("Hallo,\n\nIk heb bestelling #100234871 geplaatst maar nog niks ontvangen. "
            "Zie https://bonenbaai.example/account. Bel me op 06-12345678!\n\n"
            "Met vriendelijke groet,\nMarieke de Boer\n\nVerzonden vanaf mijn iPhone\n\n"
            "Op 5 okt. 2026 om 10:12 schreef Bonenbaai <klantenservice@bonenbaai.example>:\n"
            "> Bedankt voor je bestelling.\n> Team Bonenbaai")
    assert clean_question(mail) == ("Ik heb bestelling geplaatst maar nog niks ontvangen. "
                                    "Zie Bel me op!")


@pytest.mark.parametrize("raw, cleaned", [
    ("Klant: hoi waar blijft mijn pakket?? besteld op maandag",
     "waar blijft mijn pakket? besteld op maandag"),
    ("Kan ik achteraf betalen? (order #123456789) Alvast bedankt! Femke",
     "Kan ik achteraf betalen?"),
    ("Dear team,\nDo you ship to Texel? Looking forward to hearing from you.\nKind regards,\nTom",
     "Do you ship to Texel?"),
    ("verzendkosten naar postcode 1234 AB", "verzendkosten naar postcode"),
    ("wat kost 250 gr koffie", "wat kost 250 gr koffie"),
    ("ik ben dankbaar, waar is mijn pakket?", "ik ben dankbaar, waar is mijn pakket?"),
    ("Bedankt!", ""),
    ("hallo", ""),
])
def test_clean_question(raw, cleaned):
    assert clean_question(raw) == cleaned


@pytest.mark.parametrize("text, title", [
    ("kunnen jullie het als cadeau inpakken", "Kunnen jullie het als cadeau inpakken?"),
    ("Ik heb een Nespresso. Verkopen jullie capsules? Dan bestel ik die.",
     "Verkopen jullie capsules?"),
    ("vacatures!!", "Vacatures?"),
    ("", ""),
])
def test_as_title(text, title):
    assert as_title(text) == title




def test_only_the_start_of_a_very_long_message_is_looked_at():
    pasted = "Waar blijft mijn pakket? " + "bla " * MAX_MESSAGE + "Kan ik retourneren?"
    cleaned = clean_question(pasted)
    assert cleaned.startswith("Waar blijft mijn pakket?")
    assert "retourneren" not in cleaned and len(cleaned) <= MAX_MESSAGE


def test_a_long_question_makes_a_title_of_at_most_the_limit():
    title = as_title("kan ik " + "heel " * 60 + "lang wachten")
    assert len(title) <= MAX_TITLE + 1 and title.endswith("?") and "…" not in title


@pytest.mark.parametrize("text, whole", [
    ("hebben jullie vacatures", True),  # starts with a question word
    ("mijn pakket is kapot?", True),  # ends with a question mark
    ("vacatures", False),  # a search-box fragment
    ("koffie bonen decafe", False),
    ("waarom " + "heel " * 25 + "lang", False),  # more than twenty words
])
def test_question_like_tells_a_whole_question_from_a_search_fragment(text, whole):
    assert question_like(text) is whole
