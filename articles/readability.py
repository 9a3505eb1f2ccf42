"""Readability of audience bodies, computed offline with textstat 0.7.8 (no NLTK download).

Scores are taken on the prose a reader reads: citation markers, Markdown syntax, URLs and the
reference list are stripped first. The target of a level is compared with the Flesch-Kincaid
grade; SMOG is shown too, but is only valid from 30 sentences on.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

import textstat
from django.conf import settings
from markdown_it import MarkdownIt

from articles.models import AudienceBody, AudienceLevel, Revision, text_hash

SMOG_MIN_SENTENCES = 30
SMOG_NOT_VALID = "SMOG needs at least 30 sentences; this text has {count}, so treat it as rough."
ABOVE_TARGET = (
    "Cannot submit: the {audience} version reads at grade {grade:.1f}, above its target of "
    "{target}. Simplify it first."
)

# `[@key]`, `[@a; @b]`, `[see @key, p. 4]`: Pandoc citations, replaced by nothing.
_CITATION = re.compile(r"\[[^\[\]]*@[\w:.#$%&\-+?<>~/]+[^\[\]]*\]")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# A heading such as "## References" (or "Bibliography") starts the reference list: it and
# everything after it are not prose.
_REFERENCE_HEADING = re.compile(
    r"^\s{0,3}#{1,6}\s*(references|reference list|bibliography|sources)\s*#*\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# A line that ends without sentence punctuation (a heading, a list item) still ends a thought:
# give it a full stop so that it is not glued to the next sentence.
_NO_FINAL_STOP = re.compile(r"(?<![.!?:;])\s*$")
_parser = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class Scores:
    fk_grade: float
    smog: float
    reading_ease: float
    sentence_count: int
    word_count: int

    @property
    def smog_is_valid(self) -> bool:
        return self.sentence_count >= SMOG_MIN_SENTENCES

    @property
    def smog_note(self) -> str:
        return "" if self.smog_is_valid else SMOG_NOT_VALID.format(count=self.sentence_count)


@dataclass(frozen=True)
class Report:
    """Scores of one body against its level's target grade (None: no target)."""

    audience: AudienceLevel
    scores: Scores | None
    target: Decimal | None

    @property
    def above_target(self) -> bool:
        return is_above_target(self.scores, self.target)


def is_above_target(scores: Scores | None, target: Decimal | None) -> bool:
    if scores is None or target is None or scores.word_count == 0:
        return False
    return round(scores.fk_grade, 1) > float(target)


@dataclass(frozen=True)
class ProseBlock:
    """One block of a body's prose: a heading, a paragraph, a list item or a table cell."""

    kind: str  # "heading", "paragraph", "item" or "cell"
    text: str


def prose_blocks(markdown: str) -> list[ProseBlock]:
    """The prose of a Markdown body, block by block: no citations, URLs, Markdown syntax or
    reference list. Each block is one line of plain text that ends with sentence punctuation.
    """
    text = markdown.replace("\r\n", "\n")
    heading = _REFERENCE_HEADING.search(text)
    if heading is not None:
        text = text[: heading.start()]
    text = _CITATION.sub("", text)
    blocks: list[ProseBlock] = []
    opened: list[str] = []  # the open block tokens around the current one
    for token in _parser.parse(text):
        if token.nesting == 1:
            opened.append(token.type)
        elif token.nesting == -1 and opened:
            opened.pop()
        if token.type != "inline":
            continue
        parts: list[str] = []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        line = _URL.sub("", "".join(parts))
        line = " ".join(line.split())
        # Spaces left before punctuation where a citation or a URL stood.
        line = re.sub(r"\s+([.,;:!?])", r"\1", line)
        if line:
            blocks.append(
                ProseBlock(kind=_block_kind(opened), text=_NO_FINAL_STOP.sub(".", line, count=1))
            )
    return blocks


def _block_kind(opened: list[str]) -> str:
    if "heading_open" in opened:
        return "heading"
    if "list_item_open" in opened:
        return "item"
    if "td_open" in opened or "th_open" in opened:
        return "cell"
    return "paragraph"


def strip_for_scoring(markdown: str) -> str:
    """The prose of a Markdown body: no citations, URLs, Markdown syntax or reference list.

    Each block (paragraph, heading, list item, table cell) becomes one line of plain text that
    ends with sentence punctuation.
    """
    return "\n".join(block.text for block in prose_blocks(markdown))


def score_text(markdown: str) -> Scores:
    """Flesch-Kincaid grade, SMOG and Flesch reading ease of a Markdown body's prose."""
    prose = strip_for_scoring(markdown)
    if not prose:
        return Scores(fk_grade=0.0, smog=0.0, reading_ease=0.0, sentence_count=0, word_count=0)
    return Scores(
        fk_grade=round(textstat.flesch_kincaid_grade(prose), 2),
        smog=round(textstat.smog_index(prose), 2),
        reading_ease=round(textstat.flesch_reading_ease(prose), 2),
        sentence_count=textstat.sentence_count(prose),
        word_count=textstat.lexicon_count(prose),
    )


def stored_scores(body: AudienceBody) -> Scores | None:
    """The scores saved on the body, or None while they are missing or for an older text."""
    if body.fk_grade is None or body.scored_hash != text_hash(body.body):
        return None
    return Scores(
        fk_grade=body.fk_grade,
        smog=body.smog or 0.0,
        reading_ease=body.reading_ease or 0.0,
        sentence_count=body.sentence_count or 0,
        word_count=body.word_count or 0,
    )


def bodies_above_target(revision: Revision) -> list[Report]:
    """Reports of the revision's bodies that read above their level's target grade."""
    reports = [
        Report(
            audience=body.audience,
            scores=score_text(body.body),
            target=body.audience.target_grade,
        )
        for body in revision.bodies.select_related("audience")
        if body.audience.target_grade is not None
    ]
    return [report for report in reports if report.above_target]


def submission_blocked_message(revision: Revision) -> str:
    """Why submission is refused, or "" when it may go on (readability only warns by default)."""
    if not settings.IMPRIMATUR_READABILITY_BLOCKS_SUBMISSION:
        return ""
    above = bodies_above_target(revision)
    if not above:
        return ""
    first = above[0]
    assert first.scores is not None
    return ABOVE_TARGET.format(
        audience=first.audience.label, grade=first.scores.fk_grade, target=first.target
    )
