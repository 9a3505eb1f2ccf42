"""The marks: sentences above the target and terms with plain words, numbered in reading
order, and the prose with the marks in place."""

import re
from dataclasses import dataclass, field

from articles.plain_language.checklist import Check, checklist_of
from articles.plain_language.text import (
    LONG_WORD_SYLLABLES,
    SENTENCE_WORDS_AIM,
    SENTENCE_WORDS_MAX,
    Sentence,
    sentences_of,
)
from articles.plain_language.vocabulary import PlainWords, Vocabulary, explained_at, term_key
from articles.readability import ProseBlock, Report, prose_blocks

SENTENCE_MARK = "Reads at grade {grade:.1f} on its own, above the target of {target}: {reasons}."
LONG_SENTENCE_MARK = (
    "{words} words long: in plain language, keep each sentence to {max} words or fewer. Split it."
)
REASON_LONG = "{words} words long (aim for {aim} or fewer): split it or cut words"
REASON_LONG_WORDS = "{count} long word{s} ({words}): use shorter, everyday words"
REASON_DENSE = "many words of two or more syllables: use shorter, everyday words"
TERM_KEEP = "If you keep \u201c{term}\u201d, explain it where it first appears."
TERM_MARK = "\u201c{term}\u201d has a plain equivalent: \u201c{plain}\u201d. " + TERM_KEEP


@dataclass(frozen=True)
class Mark:
    """A passage to look at again, numbered in reading order, saying why and what instead."""

    number: int
    kind: str  # "sentence" or "term"
    text: str
    explanation: str  # the whole reason (a mark's title)
    suggestion: str = ""  # a term's plain words
    advice: str = ""  # a term's reason beside its suggestion
    source: str = ""


@dataclass(frozen=True)
class Piece:
    text: str
    mark: Mark | None = None


@dataclass(frozen=True)
class MarkedSentence:
    space: str  # the white space before it
    pieces: list[Piece]
    mark: Mark | None


@dataclass(frozen=True)
class MarkedBlock:
    kind: str
    sentences: list[MarkedSentence]


@dataclass(frozen=True)
class PlainLanguage:
    """The marks of one version, its prose with the marks in place, and (written in plain
    language) its checklist."""

    marks: list[Mark]
    blocks: list[MarkedBlock]
    checklist: list[Check] = field(default_factory=list)

    @property
    def checks_failed(self) -> int:
        return sum(not check.passed for check in self.checklist)


def plain_language_review(
    *, report: Report, markdown: str, vocabulary: Vocabulary
) -> PlainLanguage | None:
    """The marks (and checklist) of `markdown` written for `report.audience`, whose scores and
    target `report` holds; None when its level has no target and is not written in plain
    language, or the text has no prose. No query."""
    level = report.audience
    if report.target is None and not level.plain_language:
        return None
    prose = [(block, sentences_of(block.text)) for block in prose_blocks(markdown)]
    if not prose:
        return None
    undefined, defined = _terms_used(prose, vocabulary) if level.plain_language else ({}, [])
    marks: list[Mark] = []
    blocks = []
    target = float(report.target) if report.above_target and report.target is not None else None
    for block, sentences in prose:
        marked = []
        for sentence in sentences:
            mark = None
            if target is not None and sentence.scored and (grade := sentence.grade()) > target:
                explanation = _sentenceexplained_at(sentence, grade, report)
            elif level.plain_language and len(sentence.words) > SENTENCE_WORDS_MAX:
                # Within the target, but the checklist counts it: say which one it is.
                explanation = LONG_SENTENCE_MARK.format(
                    words=len(sentence.words), max=SENTENCE_WORDS_MAX
                )
            else:
                explanation = ""
            if explanation:
                mark = Mark(
                    number=len(marks) + 1,
                    kind="sentence",
                    text=sentence.text,
                    explanation=explanation,
                )
                marks.append(mark)
            pieces = _term_pieces(sentence.text, vocabulary, undefined, marks)
            marked.append(MarkedSentence(space=sentence.space, pieces=pieces, mark=mark))
        blocks.append(MarkedBlock(kind=block.kind, sentences=marked))
    checklist = checklist_of(prose, undefined, defined) if level.plain_language else []
    return PlainLanguage(marks=marks, blocks=blocks, checklist=checklist)


def _sentenceexplained_at(sentence: Sentence, grade: float, report: Report) -> str:
    reasons = []
    if len(sentence.words) > SENTENCE_WORDS_AIM:
        reasons.append(REASON_LONG.format(words=len(sentence.words), aim=SENTENCE_WORDS_AIM))
    long_words = [
        word
        for word, count in zip(sentence.words, sentence.syllables, strict=True)
        if count >= LONG_WORD_SYLLABLES
    ]
    if long_words:
        reasons.append(
            REASON_LONG_WORDS.format(
                count=len(long_words),
                s="" if len(long_words) == 1 else "s",
                words=", ".join(dict.fromkeys(long_words)),
            )
        )
    if not reasons:
        reasons.append(REASON_DENSE)
    target = f"{report.target:f}".rstrip("0").rstrip(".")
    return SENTENCE_MARK.format(grade=grade, target=target, reasons="; ".join(reasons))


def _terms_used(
    prose: list[tuple[ProseBlock, list[Sentence]]], vocabulary: Vocabulary
) -> tuple[dict[str, PlainWords], list[str]]:
    """The vocabulary's terms the text uses: those not explained where first used (by their
    lower-case form), and the names of those that are, in reading order."""
    first_use: dict[str, tuple[Sentence, re.Match[str], PlainWords]] = {}
    for _, sentences in prose:
        for sentence in sentences:
            for match, words in vocabulary.find(sentence.text):
                first_use.setdefault(term_key(words.term), (sentence, match, words))
    undefined: dict[str, PlainWords] = {}
    defined: list[str] = []
    for key, (sentence, match, words) in first_use.items():
        if explained_at(sentence.text, match, words):
            defined.append(words.term)
        else:
            undefined[key] = words
    return undefined, defined


def _term_pieces(
    text: str, vocabulary: Vocabulary, undefined: dict[str, PlainWords], marks: list[Mark]
) -> list[Piece]:
    pieces: list[Piece] = []
    end = 0
    for match, words in vocabulary.find(text) if undefined else ():
        if term_key(words.term) not in undefined:
            continue
        mark = Mark(
            number=len(marks) + 1,
            kind="term",
            text=match.group(),
            explanation=TERM_MARK.format(term=match.group(), plain=words.plain),
            suggestion=words.plain,
            advice=TERM_KEEP.format(term=match.group()),
            source=words.source,
        )
        marks.append(mark)
        if match.start() > end:
            pieces.append(Piece(text[end : match.start()]))
        pieces.append(Piece(match.group(), mark))
        end = match.end()
    return [*pieces, Piece(text[end:])] if end < len(text) or not pieces else pieces
