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

The rules and thresholds live here only: the editor's live panel (htmx, rendered on the server
as the user types), the editor page and the review page all call plain_language_review.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import textstat

from articles.models import AudienceLevel, PlainTerm
from articles.readability import ProseBlock, Report, prose_blocks

SENTENCE_WORDS_AIM = 20  # plain-language guides (CDC, NIH, NHS): about 15 to 20 words
SENTENCE_WORDS_MAX = 25  # no sentence longer than this in a plain-language version
LONG_WORD_SYLLABLES = 3  # a "polysyllabic" word, as SMOG counts them
SHORT_SENTENCE_WORDS = 2  # sentences of 2 words or fewer are not scored (textstat's rule too)
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

SENTENCE_MARK = "Reads at grade {grade:.1f} on its own, above the target of {target}: {reasons}."
LONG_SENTENCE_MARK = (
    "{words} words long: in plain language, keep each sentence to {max} words or fewer. Split it."
)
REASON_LONG = "{words} words long (aim for {aim} or fewer): split it or cut words"
REASON_LONG_WORDS = "{count} long word{s} ({words}): use shorter, everyday words"
REASON_DENSE = "many words of two or more syllables: use shorter, everyday words"
TERM_KEEP = "If you keep \u201c{term}\u201d, explain it where it first appears."
TERM_MARK = "\u201c{term}\u201d has a plain equivalent: \u201c{plain}\u201d. " + TERM_KEEP

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

# A sentence ends at . ! or ? (not at the point of a number such as 2.5), with any closing
# quote or bracket; a block's last sentence may end without one (after a colon, say).
_SENTENCE = re.compile(r"(?:[^.!?]|\.(?=\d))+(?:[.!?]+[\"'\u201d\u2019)\]]*|$)")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_YOU = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)
_PATIENT = re.compile(r"\bpatients?\b", re.IGNORECASE)
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
            yield match, self.words[_normal(match.group(1))]


EMPTY_VOCABULARY = Vocabulary(words={}, pattern=None)


def _normal(term: str) -> str:
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
    found = {_normal(w.term): w for w in words if _normal(w.term)}
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
class Check:
    name: str
    label: str
    passed: bool
    detail: str


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


@dataclass
class _Sentence:
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


def _sentences(text: str) -> list[_Sentence]:
    found: list[_Sentence] = []
    end = 0
    for match in _SENTENCE.finditer(text):
        stripped = match.group().lstrip()
        if not stripped:
            continue
        start = match.end() - len(stripped)
        words = _WORD.findall(stripped)
        syllables = [textstat.syllable_count(word) for word in words]
        found.append(_Sentence(text[end:start], stripped, words, syllables))
        end = match.end()
    return found


def plain_language_review(
    *, report: Report, markdown: str, vocabulary: Vocabulary
) -> PlainLanguage | None:
    """The marks (and checklist) of `markdown` written for `report.audience`, whose scores and
    target `report` holds; None when its level has no target and is not written in plain
    language, or the text has no prose. No query."""
    level = report.audience
    if report.target is None and not level.plain_language:
        return None
    prose = [(block, _sentences(block.text)) for block in prose_blocks(markdown)]
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
                explanation = _sentence_explained(sentence, grade, report)
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
    checklist = _checklist(prose, undefined, defined) if level.plain_language else []
    return PlainLanguage(marks=marks, blocks=blocks, checklist=checklist)


def _sentence_explained(sentence: _Sentence, grade: float, report: Report) -> str:
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
    prose: list[tuple[ProseBlock, list[_Sentence]]], vocabulary: Vocabulary
) -> tuple[dict[str, PlainWords], list[str]]:
    """The vocabulary's terms the text uses: those not explained where first used (by their
    lower-case form), and the names of those that are, in reading order."""
    first_use: dict[str, tuple[_Sentence, re.Match[str], PlainWords]] = {}
    for _, sentences in prose:
        for sentence in sentences:
            for match, words in vocabulary.find(sentence.text):
                first_use.setdefault(_normal(words.term), (sentence, match, words))
    undefined: dict[str, PlainWords] = {}
    defined: list[str] = []
    for key, (sentence, match, words) in first_use.items():
        if _explained(sentence.text, match, words):
            defined.append(words.term)
        else:
            undefined[key] = words
    return undefined, defined


def _explained(sentence: str, match: re.Match[str], words: PlainWords) -> bool:
    plain = words.plain.split("(")[0].strip().lower()
    return (
        bool(plain and plain in sentence.lower())
        or bool(_EXPLAINED_AFTER.match(sentence, match.end()))
        or bool(_EXPLAINED_BEFORE.search(sentence[: match.start()]))
    )


def _term_pieces(
    text: str, vocabulary: Vocabulary, undefined: dict[str, PlainWords], marks: list[Mark]
) -> list[Piece]:
    pieces: list[Piece] = []
    end = 0
    for match, words in vocabulary.find(text) if undefined else ():
        if _normal(words.term) not in undefined:
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


def _checklist(
    prose: list[tuple[ProseBlock, list[_Sentence]]],
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


def _check_sentences(sentences: list[_Sentence]) -> Check:
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


def _check_summary(prose: list[tuple[ProseBlock, list[_Sentence]]]) -> Check:
    block, sentences = prose[0]
    if block.kind == "heading":
        heading = block.text.rstrip(".!?:; ")
        if _normal(heading) in SUMMARY_HEADINGS:
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


def _check_you(sentences: list[_Sentence]) -> Check:
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
