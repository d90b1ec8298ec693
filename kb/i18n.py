"""Interface strings and date formatting in the languages kb ships (nl, en).

A region variant uses its base language (`nl-BE` reads Dutch); other site
languages fall back to English strings. An editor can override any template to
change wording.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection

from kb.contact import Channel, Duration, format_ranges, group_days

# ISO 639-1, plus 'sh', which Material still ships a translation for. A site
# language must start with one of these, so a typo such as 'zz' is an error in
# `kb check` rather than a missing template in the middle of a build.
LANGUAGE_CODES = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo
lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps
pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl
tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())
_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")


def normalise_language(value: object) -> str | None:
    """A language tag in its usual spelling: 'nl_BE' and 'NL-be' -> 'nl-BE', 'EN' -> 'en',
    'zh_hant' -> 'zh-Hant'; None when it does not start with a known language code."""
    if not isinstance(value, str):
        return None
    first, *rest = re.split(r"[-_]", value.strip())
    if first.lower() not in LANGUAGE_CODES:
        return None
    tag = [first.lower()]
    for part in rest:
        if not _SUBTAG.fullmatch(part):
            return None
        if len(part) == 4 and part.isalpha():  # a script: Hant, Latn
            tag.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            tag.append(part.upper())  # a region: BE, 419
        else:
            tag.append(part.lower())
    return "-".join(tag)


def base_language(tag: str) -> str:
    """'nl-BE' -> 'nl'."""
    return re.split(r"[-_]", tag, maxsplit=1)[0].lower()


def theme_language(tag: str, available: Collection[str]) -> str:
    """The theme translation to use for `tag`: the variant itself when the theme has it
    ('pt-BR'), else the longest prefix it has ('nl' for 'nl-BE'), else English."""
    parts = tag.split("-")
    for end in range(len(parts), 0, -1):
        candidate = "-".join(parts[:end])
        if candidate in available:
            return candidate
    return "en"

STRINGS: dict[str, dict[str, str]] = {
    "nl": {
        "home": "Home",
        "search.title": "Hoe kunnen we je helpen?",
        "search.label": "Stel je vraag",
        "search.placeholder": "Bijvoorbeeld: waar blijft mijn pakket?",
        "search.button": "Zoeken",
        # the search UI (assets/kb/search.js)
        "search.none": "Daar hebben we nog geen antwoord op",
        "search.suggest": "Bedoel je {word}?",
        "search.results": "Antwoorden",
        "search.count.one": "1 antwoord gevonden",
        "search.count.other": "{n} antwoorden gevonden",
        "search.blog": "Blog",
        "search.page": "Pagina",
        "search.close": "Sluiten",
        "search.error": "Zoeken lukt nu even niet. Probeer het zo nog eens.",
        "top": "Meest gestelde vragen",
        "topics": "Onderwerpen",
        "topics.intro": "Kies een onderwerp",
        "stages": "Waar sta je?",
        "stages.nav": "Jouw situatie",
        "contact": "Contact",
        "contact.title": "Contact met de klantenservice",
        "contact.intro": "Staat je antwoord er niet bij? Kies hieronder hoe je ons bereikt.",
        "contact.all": "Alle contactmogelijkheden",
        "fallback.title": "Niet gevonden wat je zocht?",
        "fallback.text": "Onze klantenservice helpt je graag verder.",
        "answer.short": "Kort antwoord",
        "answer.more": "Lees het hele antwoord",
        "reviewed": "Laatst gecontroleerd op {date}",
        "related": "Anderen vroegen ook",
        "questions.one": "1 vraag",
        "questions.other": "{n} vragen",
        "questions.none": "Over dit onderwerp staan nog geen vragen online. "
                          "Neem gerust contact met ons op.",
        "topic.all": "Alle vragen over {topic}",
        "hours": "Openingstijden",
        "closed": "gesloten",
        "closed.dates": "Ook gesloten op",
        "anytime": "Je kunt ons altijd een bericht sturen",
        "response": "Reactie meestal binnen {duration}",
        "response.phone": "Wachttijd meestal minder dan {duration}",
        "breadcrumb": "Kruimelpad",
        "duration.minutes.one": "1 minuut",
        "duration.minutes.other": "{n} minuten",
        "duration.hours.one": "1 uur",
        "duration.hours.other": "{n} uur",
        "duration.days.one": "1 dag",
        "duration.days.other": "{n} dagen",
        "duration.workdays.one": "1 werkdag",
        "duration.workdays.other": "{n} werkdagen",
        "ask.none": "Hier hebben we (nog) geen goed antwoord op.",
        "ask.suggest": "Bedoelde je: {suggestion}?",
        "ask.contact": "Onze klantenservice helpt je graag verder:",
        "help.questions": "Veelgestelde vragen",
        "help.search": "Zoek in de klantenservice",
        # the search page
        "searchpage.title": "Zoeken in de klantenservice",
        "searchpage.areas": "Of kies een onderwerp",
        "searchpage.header": "Zoek een antwoord",
        "help.contact": "Liever iemand spreken?",
        "help.open": "nu open",
        "help.today": "vandaag vanaf {time}",
        "help.tomorrow": "morgen vanaf {time}",
        "help.weekday": "{day} vanaf {time}",
        "help.date": "{date} vanaf {time}",
        "help.your_time": "jouw tijd",
        "help.start_chat": "Start de chat",
        "help.invite": "Kom je er niet uit? Onze chat is nu open.",
        "help.invite_close": "Nee, bedankt",
        "notfound.title": "Deze pagina bestaat niet (meer)",
        "notfound.text": "Misschien is de pagina verhuisd of klopt het adres niet helemaal. "
                         "Zoek hieronder je antwoord of kies een van de meest gestelde vragen.",
        "machine.summary": "Antwoorden van de klantenservice op de vragen die klanten het "
                           "vaakst stellen.",
        "machine.about": "Dit is het helpcentrum van de webwinkel: {answers}, per onderwerp "
                         "en de meest gestelde vragen eerst. Elke link leidt naar het antwoord "
                         "als Markdown; {full} bevat ze allemaal en {json} ook de gegevens per "
                         "antwoord (beleid, fases, controledatum). Bijgewerkt op {date}.",
        "machine.answers.one": "1 antwoord",
        "machine.answers.other": "{n} antwoorden",
        "machine.contact": "Kanalen, openingstijden en reactietijden van de klantenservice",
        "machine.reviewed": "Laatst gecontroleerd: {date}",
        "machine.source": "Bron",
    },
    "en": {
        "home": "Home",
        "search.title": "How can we help?",
        "search.label": "Ask your question",
        "search.placeholder": "For example: where is my parcel?",
        "search.button": "Search",
        # the search UI (assets/kb/search.js)
        "search.none": "We don't have an answer to that yet",
        "search.suggest": "Did you mean {word}?",
        "search.results": "Answers",
        "search.count.one": "1 answer found",
        "search.count.other": "{n} answers found",
        "search.blog": "Blog",
        "search.page": "Page",
        "search.close": "Close",
        "search.error": "Search is not available right now. Please try again in a moment.",
        "top": "Most asked questions",
        "topics": "Topics",
        "topics.intro": "Choose a topic",
        "stages": "Where are you?",
        "stages.nav": "Your situation",
        "contact": "Contact",
        "contact.title": "Contact customer service",
        "contact.intro": "Can't find your answer? Choose how to reach us below.",
        "contact.all": "All ways to reach us",
        "fallback.title": "Didn't find what you were looking for?",
        "fallback.text": "Our customer service team is happy to help.",
        "answer.short": "Short answer",
        "answer.more": "Read the full answer",
        "reviewed": "Last reviewed on {date}",
        "related": "People also ask",
        "questions.one": "1 question",
        "questions.other": "{n} questions",
        "questions.none": "There are no questions on this topic online yet. "
                          "Feel free to contact us.",
        "topic.all": "All questions about {topic}",
        "hours": "Opening hours",
        "closed": "closed",
        "closed.dates": "Also closed on",
        "anytime": "You can send us a message at any time",
        "response": "Usually answers within {duration}",
        "response.phone": "Usual waiting time under {duration}",
        "breadcrumb": "Breadcrumb",
        "duration.minutes.one": "1 minute",
        "duration.minutes.other": "{n} minutes",
        "duration.hours.one": "1 hour",
        "duration.hours.other": "{n} hours",
        "duration.days.one": "1 day",
        "duration.days.other": "{n} days",
        "duration.workdays.one": "1 working day",
        "duration.workdays.other": "{n} working days",
        "ask.none": "We don't have a good answer to that (yet).",
        "ask.suggest": "Did you mean: {suggestion}?",
        "ask.contact": "Our customer service team is happy to help:",
        "help.questions": "Frequently asked questions",
        "help.search": "Search our help centre",
        # the search page
        "searchpage.title": "Search the help centre",
        "searchpage.areas": "Or choose a topic",
        "searchpage.header": "Search for an answer",
        "help.contact": "Rather talk to someone?",
        "help.open": "open now",
        "help.today": "today from {time}",
        "help.tomorrow": "tomorrow from {time}",
        "help.weekday": "{day} from {time}",
        "help.date": "{date} from {time}",
        "help.your_time": "your time",
        "help.start_chat": "Start the chat",
        "help.invite": "Stuck? Our chat is open right now.",
        "help.invite_close": "No, thanks",
        "notfound.title": "This page doesn't exist (any more)",
        "notfound.text": "The page may have moved, or the address is not quite right. "
                         "Search for your answer below or pick one of the most asked questions.",
        "machine.summary": "Customer service answers to the questions shoppers ask most.",
        "machine.about": "This is the shop's help centre: {answers}, by topic and most asked "
                         "first. Each link leads to the answer in Markdown; {full} holds them "
                         "all and {json} also the data of each answer (policy, stages, review "
                         "date). Updated on {date}.",
        "machine.answers.one": "1 answer",
        "machine.answers.other": "{n} answers",
        "machine.contact": "Customer service channels, opening hours and response times",
        "machine.reviewed": "Last reviewed: {date}",
        "machine.source": "Source",
    },
}

WEEKDAY_NAMES = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
WEEKDAY_SHORT = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTH_NAMES = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


class Translator:
    """`t("reviewed", date="1 oktober 2026")` in one language."""

    def __init__(self, lang: str):
        base = base_language(lang)
        self.lang = base if base in STRINGS else "en"

    def __call__(self, key: str, **values: object) -> str:
        text = STRINGS[self.lang].get(key) or STRINGS["en"][key]
        return text.format(**values) if values else text

    def plural(self, key: str, n: int, **values: object) -> str:
        return self(f"{key}.{'one' if n == 1 else 'other'}", n=n, **values)

    def date(self, value: datetime.date) -> str:
        month = MONTH_NAMES[self.lang][value.month - 1]
        return f"{value.day} {month} {value.year}"

    def weekday(self, index: int) -> str:
        return WEEKDAY_NAMES[self.lang][index]

    def duration(self, value: Duration) -> str:
        return self.plural(f"duration.{value.unit}", value.amount)

    def response(self, channel: Channel) -> str:
        """How fast a channel answers: a waiting time for phones, a response time else;
        nothing for a channel that does not say."""
        if channel.response_time is None:
            return ""
        key = "response.phone" if channel.type == "phone" else "response"
        return self(key, duration=self.duration(channel.response_time))

    def hours(self, hours: dict[str, list[tuple[int, int]]]) -> str:
        """Opening hours in one line: 'ma–vr 08:30–17:30 · za 10:00–16:00'."""
        short = WEEKDAY_SHORT[self.lang]
        parts = []
        for first, last, ranges in group_days(hours):
            days = short[first] if first == last else f"{short[first]}–{short[last]}"
            parts.append(f"{days} {format_ranges(ranges)}")
        return " · ".join(parts) or self("closed")
