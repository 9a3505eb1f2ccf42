"""Plain language, helped and not only measured: what to change in a version written for a
reading-grade target or in plain language, said where it is. Nothing is rewritten.

- Sentences that push the score above the level's target are marked: those reading above the
  target on their own (Flesch-Kincaid of the one sentence), each saying why (too long, long
  words), while the text as a whole reads above its target. In plain language, a sentence
  over SENTENCE_WORDS_MAX words is marked even within the target.
- In a version written in plain language (AudienceLevel.plain_language), medical terms of the
  vocabulary (articles.PlainTerm, shipped and extended in the admin) are marked with their
  plain words, unless explained where first used; and the version is checked for the elements
  plain-language guides ask for (short sentences, a summary first, "you", terms explained).

The rules and thresholds live in this package only (text: sentences and syllables; vocabulary;
marks; checklist): the editor's live panel (htmx, rendered on the server as the user types),
the editor page and the review page all call plain_language_review.
"""

from articles.plain_language.checklist import Check
from articles.plain_language.marks import (
    Mark,
    MarkedBlock,
    MarkedSentence,
    Piece,
    PlainLanguage,
    plain_language_review,
)
from articles.plain_language.vocabulary import (
    EMPTY_VOCABULARY,
    PlainWords,
    Vocabulary,
    vocabulary_build,
    vocabulary_for,
)

__all__ = [
    "EMPTY_VOCABULARY",
    "Check",
    "Mark",
    "MarkedBlock",
    "MarkedSentence",
    "Piece",
    "PlainLanguage",
    "PlainWords",
    "Vocabulary",
    "plain_language_review",
    "vocabulary_build",
    "vocabulary_for",
]
