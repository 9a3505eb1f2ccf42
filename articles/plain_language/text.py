"""Sentences and words of a body's prose, as articles.plain_language counts them: the same
syllables as the Flesch-Kincaid score (textstat, CMU dictionary)."""

import re
from dataclasses import dataclass

import textstat

SENTENCE_WORDS_AIM = 20  # plain-language guides (CDC, NIH, NHS): about 15 to 20 words
SENTENCE_WORDS_MAX = 25  # no sentence longer than this in a plain-language version
LONG_WORD_SYLLABLES = 3  # a "polysyllabic" word, as SMOG counts them
SHORT_SENTENCE_WORDS = 2  # sentences of 2 words or fewer are not scored (textstat's rule too)

# A sentence ends at . ! or ? (not at the point of a number such as 2.5), with any closing
# quote or bracket; a block's last sentence may end without one (after a colon, say).
_SENTENCE = re.compile(r"(?:[^.!?]|\.(?=\d))+(?:[.!?]+[\"'\u201d\u2019)\]]*|$)")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


@dataclass
class Sentence:
    """A sentence, the white space before it, its words and their syllables."""

    space: str
    text: str
    words: list[str]
    syllables: list[int]

    @property
    def scored(self) -> bool:
        return len(self.words) > SHORT_SENTENCE_WORDS

    def grade(self) -> float:
        count = len(self.words)
        return 0.39 * count + 11.8 * sum(self.syllables) / count - 15.59


def sentences_of(text: str) -> list[Sentence]:
    found: list[Sentence] = []
    end = 0
    for match in _SENTENCE.finditer(text):
        stripped = match.group().lstrip()
        if not stripped:
            continue
        start = match.end() - len(stripped)
        words = _WORD.findall(stripped)
        syllables = [textstat.syllable_count(word) for word in words]
        found.append(Sentence(text[end:start], stripped, words, syllables))
        end = match.end()
    return found
