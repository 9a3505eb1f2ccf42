"""The vocabulary as the analysis uses it: the terms of articles.PlainTerm, one pattern that
finds them (whole words, any case, a plural in "s" or "es"), and what counts as explaining one."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from articles.models import AudienceLevel, PlainTerm

# What explains a term right after it: "(...)", ", or ...", " - meaning ...", " means ...".
_EXPLAINED_AFTER = re.compile(
    r"\s*\(|\s*[,\u2013\u2014-]\s*(?:or|meaning|that is|which is|which means|i\.e\.)\b"
    r"|\s+(?:means|is\s+(?:when|what|a|an|the))\b",
    re.IGNORECASE,
)
# ... or right before it: "high blood pressure, called hypertension".
_EXPLAINED_BEFORE = re.compile(
    r"\b(?:called|known as|named|term for)\s+[\"\u201c]?$", re.IGNORECASE
)


@dataclass(frozen=True)
class PlainWords:
    term: str
    plain: str
    source: str


@dataclass(frozen=True)
class Vocabulary:
    """The terms to mark, by their lower-case form, and one pattern that finds them all."""

    words: dict[str, PlainWords]
    pattern: re.Pattern[str] | None

    def find(self, text: str) -> Iterable[tuple[re.Match[str], PlainWords]]:
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            yield match, self.words[term_key(match.group(1))]


EMPTY_VOCABULARY = Vocabulary(words={}, pattern=None)


def term_key(term: str) -> str:
    return " ".join(term.lower().split())


@lru_cache(maxsize=8)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so that "cardiac arrest" wins over "cardiac"; whole words, any spacing,
    # and a plural in "s" or "es".
    alternatives = "|".join(
        re.escape(term).replace(r"\ ", r"\s+") for term in sorted(terms, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w-])({alternatives})(?:e?s)?(?![\w-])", re.IGNORECASE)


def vocabulary_build(words: Iterable[PlainWords]) -> Vocabulary:
    found = {term_key(w.term): w for w in words if term_key(w.term)}
    if not found:
        return EMPTY_VOCABULARY
    return Vocabulary(words=found, pattern=_pattern(tuple(sorted(found))))


def vocabulary_for(levels: Iterable[AudienceLevel]) -> Vocabulary:
    """The vocabulary (one query), or an empty one without a query when none of `levels` is
    written in plain language."""
    if not any(level.plain_language for level in levels):
        return EMPTY_VOCABULARY
    rows = PlainTerm.objects.values_list("term", "plain", "source")
    return vocabulary_build(PlainWords(*row) for row in rows)


def explained_at(sentence: str, match: re.Match[str], words: PlainWords) -> bool:
    plain = words.plain.split("(")[0].strip().lower()
    return (
        bool(plain and plain in sentence.lower())
        or bool(_EXPLAINED_AFTER.match(sentence, match.end()))
        or bool(_EXPLAINED_BEFORE.search(sentence[: match.start()]))
    )
