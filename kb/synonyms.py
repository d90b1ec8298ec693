"""Shoppers' words: groups of words and short phrases that mean the same thing.

kb ships curated lists of web-shop vocabulary per language (`kb/synonyms/<lang>.txt`);
a site adds its own groups under the `synonyms` option, and every article's
`keywords` act as synonyms for that article alone. Groups are matched on analysed
terms (folded, stemmed), so a group entry also matches its plurals and the
other forms the stemmer joins.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kb.problems import CONTROL_EXPECTED, Problem, has_control_characters, short_repr

SYNONYMS_DIR = os.path.join(os.path.dirname(__file__), "synonyms")
MAX_WORDS = 3  # longest phrase in a group, in words

Group = tuple[str, ...]
Phrase = tuple[str, ...]  # analysed terms


def parse_lines(lines: Iterable[str]) -> list[Group]:
    """Groups from the text format: one group per line, entries separated by
    commas, `#` starts a comment line."""
    groups = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        entries = tuple(dict.fromkeys(" ".join(e.split()).lower() for e in line.split(",")
                                      if e.strip()))
        if len(entries) > 1:
            groups.append(entries)
    return groups


@cache
def builtin_groups(language: str) -> tuple[Group, ...]:
    """The curated groups shipped for `language` (none for other languages)."""
    base = language.split("-")[0].split("_")[0].lower()
    path = os.path.join(SYNONYMS_DIR, f"{base}.txt")
    if not os.path.isfile(path):
        return ()
    with open(path, encoding="utf-8") as fh:
        return tuple(parse_lines(fh))


def parse_option(value: Any, path: str, key: str = "plugins.kb.synonyms"
                 ) -> tuple[list[Group], list[Problem]]:
    """The `synonyms` option: a list of groups, each a list of words or one
    comma-separated text."""
    problems: list[Problem] = []
    if value is None:
        return [], problems
    if not isinstance(value, list):
        return [], [Problem(path, "expected a list of groups such as "
                                  "[[pakket, pakketje, zending]] but found " + short_repr(value),
                            field=key)]
    groups = []
    for number, item in enumerate(value):
        where = f"{key}[{number}]"
        if isinstance(item, str):
            entries = [e for e in item.split(",")]
        elif isinstance(item, list) and all(isinstance(e, (str, int)) and not isinstance(e, bool)
                                            for e in item):
            entries = [str(e) for e in item]
        else:
            problems.append(Problem(path, "expected a list of words or a text such as "
                                          f"'retour, terugsturen' but found {short_repr(item)}",
                                    field=where))
            continue
        if has_control_characters(item):
            problems.append(Problem(path, f"{CONTROL_EXPECTED} but found {short_repr(item)}",
                                    field=where))
            continue
        words = tuple(dict.fromkeys(" ".join(e.split()).lower() for e in entries if e.strip()))
        if len(words) < 2:
            problems.append(Problem(path, f"expected at least two words in a group but found "
                                          f"{short_repr(item)}", field=where))
            continue
        long = [w for w in words if len(w.split()) > MAX_WORDS]
        if long:
            problems.append(Problem(path, f"expected phrases of at most {MAX_WORDS} words but "
                                          f"found {short_repr(long[0])}", field=where))
            continue
        groups.append(words)
    return groups, problems


@dataclass
class Thesaurus:
    """Synonym groups as analysed phrases, for matching in a stream of terms."""

    phrases: list[list[Phrase]] = field(default_factory=list)  # per group
    words: list[list[str]] = field(default_factory=list)  # per group, as written
    index: dict[Phrase, set[int]] = field(default_factory=dict)
    longest: int = 1

    @classmethod
    def build(cls, groups: Iterable[Sequence[str]],
              analyse: Callable[[str], list[str]]) -> Thesaurus:
        thesaurus = cls()
        seen: dict[frozenset[Phrase], int] = {}
        for group in groups:
            phrases = list(dict.fromkeys(p for p in (tuple(analyse(e)) for e in group) if p))
            key = frozenset(phrases)
            if len(phrases) < 2 or key in seen:
                continue
            number = len(thesaurus.phrases)
            seen[key] = number
            thesaurus.phrases.append(phrases)
            thesaurus.words.append(list(group))
            for phrase in phrases:
                thesaurus.index.setdefault(phrase, set()).add(number)
                thesaurus.longest = max(thesaurus.longest, len(phrase))
        return thesaurus

    def __len__(self) -> int:
        return len(self.phrases)

    def __contains__(self, phrase: Phrase) -> bool:
        return phrase in self.index

    def matches(self, terms: Sequence[str]) -> list[tuple[int, int, Phrase, list[Phrase]]]:
        """Every phrase of `terms` that belongs to a group: (start, end, phrase,
        the group's other phrases), longest phrases first at each position."""
        found = []
        for start in range(len(terms)):
            for length in range(min(self.longest, len(terms) - start), 0, -1):
                phrase = tuple(terms[start:start + length])
                if phrase in self.index:
                    found.append((start, start + length, phrase, self.alternatives(phrase)))
        return found

    def alternatives(self, phrase: Phrase) -> list[Phrase]:
        """The other phrases of every group `phrase` is in."""
        others: list[Phrase] = []
        for number in sorted(self.index.get(phrase, ())):
            others += [p for p in self.phrases[number] if p != phrase and p not in others]
        return others

    def written(self, phrase: Phrase) -> list[str]:
        """Every entry, as written in the lists, of every group `phrase` is in."""
        return [w for number in sorted(self.index.get(phrase, ())) for w in self.words[number]]
