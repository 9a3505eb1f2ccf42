"""The checklist of a version written in plain language: short sentences, a summary first,
"you", terms explained. Each check says what it found and what to do."""

import re
from dataclasses import dataclass

from articles.plain_language.text import SENTENCE_WORDS_AIM, SENTENCE_WORDS_MAX, Sentence
from articles.plain_language.vocabulary import PlainWords, term_key
from articles.readability import ProseBlock

SUMMARY_MAX_SENTENCES = 3
SUMMARY_MAX_WORDS = 60
SECOND_PERSON_SHARE = 0.25  # at least one sentence in four speaks to the reader
SUMMARY_HEADINGS = frozenset(
    {
        "summary",
        "in summary",
        "key points",
        "key facts",
        "key messages",
        "main points",
        "in short",
        "in brief",
        "at a glance",
        "short answer",
        "the short answer",
        "quick answer",
        "the answer",
        "what you need to know",
        "overview",
    }
)

CHECK_SENTENCES = "Short sentences"
SENTENCES_MET = "Average {average:.0f} words a sentence; none over {max}."
SENTENCES_UNMET = (
    "Average {average:.0f} words a sentence (aim for {aim} or fewer); {over} over {max} words."
)
CHECK_SUMMARY = "A summary first"
SUMMARY_HEADING_MET = "Starts with \u201c{heading}\u201d."
SUMMARY_PARAGRAPH_MET = "Starts with a short paragraph ({sentences} sentence{s}, {words} words)."
SUMMARY_HEADING_UNMET = (
    "Starts with the heading \u201c{heading}\u201d: put the main message first, in a few short "
    "sentences or under a heading such as \u201cKey points\u201d."
)
SUMMARY_PARAGRAPH_UNMET = (
    "The first paragraph has {sentences} sentences and {words} words: open with the main "
    "message in {max_sentences} sentences or fewer ({max_words} words at most)."
)
SUMMARY_LIST_UNMET = (
    "Starts with a list: open with a sentence or two that sum up the answer, or put the list "
    "under a heading such as \u201cKey points\u201d."
)
CHECK_YOU = "Speaks to the reader (\u201cyou\u201d)"
YOU_MET = "{count} of {total} sentences say \u201cyou\u201d or \u201cyour\u201d."
YOU_UNMET = (
    "{count} of {total} sentences say \u201cyou\u201d or \u201cyour\u201d: write to the reader "
    "(\u201cyou can\u201d, \u201cyour doctor\u201d) in at least one sentence in four."
)
YOU_PATIENTS = " The text says \u201cpatient\u201d {times} time{s}."
CHECK_TERMS = "Medical terms explained"
TERMS_MET_NONE = "No term of the vocabulary is used."
TERMS_MET = "Explained where first used: {terms}."
TERMS_UNMET = (
    "Used without an explanation: {terms}. Use the plain words, or explain each term the first "
    "time (\u201chypertension (high blood pressure)\u201d)."
)

_YOU = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)
_PATIENT = re.compile(r"\bpatients?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    passed: bool
    detail: str


def checklist_of(
    prose: list[tuple[ProseBlock, list[Sentence]]],
    undefined: dict[str, PlainWords],
    defined: list[str],
) -> list[Check]:
    # Headings are no sentences to the reader: they count for "a summary first" only.
    body = [s for block, found in prose if block.kind != "heading" for s in found]
    return [
        _check_sentences([s for s in body if s.scored]),
        _check_summary(prose),
        _check_you(body),
        _check_terms(undefined, defined),
    ]


def _check_sentences(sentences: list[Sentence]) -> Check:
    lengths = [len(s.words) for s in sentences] or [0]
    average = sum(lengths) / len(lengths)
    over = sum(length > SENTENCE_WORDS_MAX for length in lengths)
    if average <= SENTENCE_WORDS_AIM and not over:
        detail = SENTENCES_MET.format(average=average, max=SENTENCE_WORDS_MAX)
        return Check("sentences", CHECK_SENTENCES, True, detail)
    said = f"{over} sentence{'' if over == 1 else 's'}" if over else "none"
    detail = SENTENCES_UNMET.format(
        average=average, aim=SENTENCE_WORDS_AIM, over=said, max=SENTENCE_WORDS_MAX
    )
    return Check("sentences", CHECK_SENTENCES, False, detail)


def _check_summary(prose: list[tuple[ProseBlock, list[Sentence]]]) -> Check:
    block, sentences = prose[0]
    if block.kind == "heading":
        heading = block.text.rstrip(".!?:; ")
        if term_key(heading) in SUMMARY_HEADINGS:
            return Check(
                "summary", CHECK_SUMMARY, True, SUMMARY_HEADING_MET.format(heading=heading)
            )
        detail = SUMMARY_HEADING_UNMET.format(heading=heading)
        return Check("summary", CHECK_SUMMARY, False, detail)
    if block.kind != "paragraph":
        return Check("summary", CHECK_SUMMARY, False, SUMMARY_LIST_UNMET)
    count, words = len(sentences), sum(len(s.words) for s in sentences)
    if count <= SUMMARY_MAX_SENTENCES and words <= SUMMARY_MAX_WORDS:
        detail = SUMMARY_PARAGRAPH_MET.format(
            sentences=count, s="" if count == 1 else "s", words=words
        )
        return Check("summary", CHECK_SUMMARY, True, detail)
    detail = SUMMARY_PARAGRAPH_UNMET.format(
        sentences=count,
        words=words,
        max_sentences=SUMMARY_MAX_SENTENCES,
        max_words=SUMMARY_MAX_WORDS,
    )
    return Check("summary", CHECK_SUMMARY, False, detail)


def _check_you(sentences: list[Sentence]) -> Check:
    total = len(sentences)
    count = sum(bool(_YOU.search(s.text)) for s in sentences)
    if total and count / total >= SECOND_PERSON_SHARE:
        return Check("you", CHECK_YOU, True, YOU_MET.format(count=count, total=total))
    detail = YOU_UNMET.format(count=count, total=total)
    if times := sum(len(_PATIENT.findall(s.text)) for s in sentences):
        detail += YOU_PATIENTS.format(times=times, s="" if times == 1 else "s")
    return Check("you", CHECK_YOU, False, detail)


def _check_terms(undefined: dict[str, PlainWords], defined: list[str]) -> Check:
    if undefined:
        terms = ", ".join(words.term for words in undefined.values())
        return Check("terms", CHECK_TERMS, False, TERMS_UNMET.format(terms=terms))
    if defined:
        return Check("terms", CHECK_TERMS, True, TERMS_MET.format(terms=", ".join(defined)))
    return Check("terms", CHECK_TERMS, True, TERMS_MET_NONE)
