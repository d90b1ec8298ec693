"""A shopper's message as an editor reads it: the question out of an e-mail, a chat
transcript or a search query, without the quoted replies, greetings, thanks,
signatures, addresses and order numbers around it, and that question as the title
of an article. Pure text work: nothing here searches or reads a file."""

from __future__ import annotations

import re

from kb.text import shorten

MAX_MESSAGE = 5_000  # characters of a cell looked at: a pasted thread holds no more question
MAX_TITLE = 110  # characters of a draft's title

# Where a quoted earlier message or a forwarded one starts: everything after it
# is someone else's text.
_QUOTE_START = re.compile(
    r"(?im)^\s*(?:>|-{2,}\s*(?:original|oorspronkelijk|origineel|doorgestuurd|forwarded)"
    r"|(?:op|on)\s.{4,100}?\s(?:schreef|wrote)\b.*:|(?:van|from|verzonden|sent)\s*:\s)")
# Where a signature starts; at the start of a line or after a sentence.
_SIGN_OFF = re.compile(
    r"(?i)(?:^|[\s.,!?])(?:met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+groet(?:en)?"
    r"|hartelijke\s+groet(?:en)?|groetjes|groeten|groet|mvg|m\.v\.g\."
    r"|liefs|kind\s+regards|best\s+regards|regards|cheers|best\s+wishes|looking\s+forward"
    r"|verzonden\s+(?:vanaf|vanuit|met)\s+(?:mijn|m'n)|sent\s+from\s+my|^--\s*$)\b")
_GREETING = re.compile(
    r"(?i)^\s*(?:hallo|hoi|hey|hi|hello|dear|beste|geachte|goedemorgen|goedemiddag|goedenavond|"
    r"goeiedag|dag|morning|good\s+(?:morning|afternoon|evening))\b(?:[^,.!?:\n]{0,40}[,!:\n]"
    r"|\s*[.!])?")
# Thanks at the end, perhaps followed by a first name.
_THANKS = re.compile(
    r"(?i)(?:^|[\s.,!?])(?:alvast\s+)?(?:heel\s+erg\s+|hartelijk\s+)?(?:bedankt|dank\s*(?:je|u)?"
    r"(?:\s*wel)?|dankjewel|dankuwel|thanks|thank\s+you)\b(?:\s+(?:alvast|voor\s+(?:je|jullie|"
    r"uw|de|het)\s+(?:hulp|antwoord|reactie|moeite)|in\s+advance|for\s+your\s+help))*"
    r"[\s.,!]*(?:[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*){0,2}[\s.!]*)?$")
_SPEAKER = re.compile(r"(?im)^\s*(?:klant|bezoeker|gebruiker|customer|visitor|user|ik)\s*:\s*")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_PHONE = re.compile(r"\+?\d[\d \-]{7,}\d")
_POSTCODE = re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b")
# Order numbers and tracking codes, with the label in front of them.
_CODE = re.compile(r"(?i)(?:\b(?:order|bestel|retour)(?:nummer|nr)?\.?\s*[:#]\s*"
                   r"|\b(?:ordernummer|bestelnummer|ordernr|bestelnr|retournummer)\.?\s*:?\s*)?"
                   r"(?:#?\b(?=[\w-]*\d)[\w-]{5,}\b|#\d+)")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_SPACE = re.compile(r"\s+")


def clean_question(text: str) -> str:
    """The shopper's own question out of a messy message, readable for an editor:
    quoted replies, signatures, greetings, thanks, addresses and codes removed."""
    text = text[:MAX_MESSAGE]
    quoted = _QUOTE_START.search(text)
    if quoted and quoted.start() > 0:
        text = text[: quoted.start()]
    text = _SPEAKER.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _CODE.sub(" ", text)
    text = _PHONE.sub(" ", text)
    text = _POSTCODE.sub(" ", text)
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    # Greetings first: "Groetjes" alone must not cut "Hallo groetjes ..." to nothing.
    text = _GREETING.sub("", text, count=1).strip()
    sign = _SIGN_OFF.search(text)
    if sign and sign.start() > 0:
        text = text[: sign.start()]
    text = _THANKS.sub("", text)
    text = text.strip(" ,;:-")
    text = re.sub(r"\s+([?.!,])", r"\1", text)
    text = re.sub(r"([?!.])\1+", r"\1", text)
    return text


def as_title(text: str, limit: int = MAX_TITLE) -> str:
    """A cleaned question as a shopper would ask it: its first question (or
    sentence), a capital first letter and one question mark."""
    sentences = [s.strip() for s in re.split(r"(?<=[?.!])\s+", text) if s.strip()]
    asked = [s for s in sentences if s.endswith("?")]
    title = asked[0] if asked else (sentences[0] if sentences else text)
    title = shorten(title.rstrip(" ?.!,;:"), limit).rstrip("…").rstrip(" ,;:-")
    if not title:
        return ""
    return title[0].upper() + title[1:] + "?"


_QUESTION_WORDS = frozenset("""hoe wat waar wanneer waarom welk welke wie waarmee hoeveel hoelang
    kan kun kunnen kunt mag moet heb hebben hebt is zijn zit krijg wordt doen geven verkopen
    leveren how what where when why which who can could do does is are will""".split())


def question_like(text: str) -> bool:
    """Whether `text` reads as a whole question rather than a search-box fragment."""
    words = text.split()
    return 3 <= len(words) <= 20 and len(text) <= MAX_TITLE and (
        text.endswith("?") or words[0].casefold() in _QUESTION_WORDS)

