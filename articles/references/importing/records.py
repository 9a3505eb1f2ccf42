"""The record shape every import format parses into, and the checks every record passes."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from articles.references.identifiers import identifier_key
from articles.references.models import (
    KEY_PATTERN,
    EvidenceLevel,
    ReferenceStatus,
    ReferenceType,
)
from articles.references.services import ReferenceInvalid, csl_identifiers, csl_validate

RECORD_INVALID = "Record {index} ({label}): {problem}"
# How the preview names a record that could not be read.
RECORD_BROKEN = "the record cannot be read ({error!r})."
RECORD_UNREADABLE = "Record {index} (starting {first_line!r}): {reason}"
FILE_INVALID = "The file is not valid {format}: {problem}"
NO_RECORDS = "The file holds no references."

# What a CSL type says about the kind of source when the file does not name our type.
TYPE_FROM_CSL = {
    "article-journal": ReferenceType.RESEARCH,
    "book": ReferenceType.TEXTBOOK,
    "chapter": ReferenceType.TEXTBOOK,
    "webpage": ReferenceType.WEBSITE,
}
_STOPWORDS = {"a", "an", "the", "of", "on", "in", "and", "for", "to", "with", "is", "are"}


class ImportInvalid(ReferenceInvalid):
    """A file or one of its records cannot be imported; nothing was written."""


@dataclass(frozen=True)
class RecordFailure:
    """A record that cannot be read: its number in the file, its first line and why.

    The other records of the file are read all the same; the preview lists this one."""

    index: int
    first_line: str
    reason: str
    label: str = ""  # its id in the file or its title, when it has one

    def __str__(self) -> str:
        if self.label:
            return RECORD_INVALID.format(index=self.index, label=self.label, problem=self.reason)
        return RECORD_UNREADABLE.format(
            index=self.index, first_line=self.first_line, reason=self.reason
        )


def record_or_failure(
    index: int, first_line: str, build: "Callable[[], ImportRecord]"
) -> "ImportRecord | RecordFailure":
    """The record `build` makes, or the failure naming why it cannot be read."""
    try:
        return build()
    except ImportInvalid as exc:
        reason = str(exc)
        # record_build names the record itself; the failure names it by number and line.
        prefix = re.match(r"^Record \d+ \((.*?)\): ", reason)
        if prefix is None:
            return RecordFailure(index, first_line[:120], reason)
        label = "" if prefix.group(1) == "untitled" else prefix.group(1)
        return RecordFailure(index, first_line[:120], reason[prefix.end() :], label)
    except (ValueError, IndexError, KeyError, TypeError, RecursionError) as exc:
        # A parser (LaTeX, dates) choked on this record: the others are read all the same.
        return RecordFailure(index, first_line[:120], RECORD_BROKEN.format(error=exc))


@dataclass(frozen=True)
class ParsedFile:
    """What a file holds: the records that could be read and those that could not."""

    records: "list[ImportRecord]"
    failures: list[RecordFailure]

    @classmethod
    def of(cls, results: "list[ImportRecord | RecordFailure]") -> "ParsedFile":
        return cls(
            records=[r for r in results if isinstance(r, ImportRecord)],
            failures=[r for r in results if isinstance(r, RecordFailure)],
        )


@dataclass(frozen=True)
class ImportRecord:
    """One parsed record: `index` counts from 1 in the file; `csl` holds no id or identifiers."""

    index: int
    type: str
    csl: dict[str, Any]
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    key_hint: str = ""
    evidence_level: str = ""
    status: str = ReferenceStatus.ACTIVE
    identifiers: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = {"doi": self.doi, "pmid": self.pmid, "pmcid": self.pmcid}
        object.__setattr__(self, "identifiers", {k: v for k, v in ids.items() if v})

    @property
    def identifier_keys(self) -> list[tuple[str, str]]:
        """(scheme, key) of each identifier, as ReferenceIdentifier compares them."""
        return [(s, identifier_key(s, v)) for s, v in self.identifiers.items()]

    @property
    def label(self) -> str:
        return record_label(self.csl, self.key_hint)

    @property
    def title(self) -> str:
        return str(self.csl.get("title", ""))


def record_label(csl: Any, key_hint: str = "") -> str:
    """How a message names a record: its id in the file, else its title."""
    title = str(csl.get("title") or "").strip() if isinstance(csl, dict) else ""
    if key_hint:
        return key_hint
    return repr(title[:60]) if title else "untitled"


def reference_type_parse(value: Any) -> str | None:
    """Our reference type from its value or label ("systematic_review", "Systematic review")."""
    text = str(value or "").strip().casefold()
    for choice in ReferenceType:
        if text in (choice.value, str(choice.label).casefold()):
            return choice.value
    return None


# Texts a file may wrap over several lines, read as one line whatever the format.
ONE_LINE = ("title", "abstract", "container-title")


def csl_clean(csl: dict[str, Any]) -> dict[str, Any]:
    """The item without empty values, so that formats agree on what is absent, and with its
    wrapped texts on one line (RIS and MEDLINE wrap them where the database chose)."""
    cleaned = {}
    for key, value in csl.items():
        if isinstance(value, str):
            value = " ".join(value.split()) if key in ONE_LINE else value.strip()
        if value not in (None, "", [], {}):
            cleaned[key] = value
    return cleaned


def record_build(
    *,
    index: int,
    csl: dict[str, Any],
    type_hint: Any = None,
    key_hint: str = "",
    evidence_level: str = "",
    status: str = ReferenceStatus.ACTIVE,
) -> ImportRecord:
    """A checked record; raises ImportInvalid naming the record and the problem."""
    csl = csl_clean(csl)
    try:
        checked = csl_validate(csl)
        identifiers = csl_identifiers(checked, "", "", "")
    except ReferenceInvalid as exc:
        raise ImportInvalid(
            RECORD_INVALID.format(index=index, label=record_label(csl, key_hint), problem=exc)
        ) from exc
    problem = None
    if evidence_level and evidence_level not in EvidenceLevel.values:
        problem = f"{evidence_level!r} is not an evidence level."
    if status not in ReferenceStatus.values:
        problem = f"{status!r} is not a reference status."
    if problem:
        raise ImportInvalid(
            RECORD_INVALID.format(index=index, label=record_label(csl, key_hint), problem=problem)
        )
    type = reference_type_parse(type_hint) or TYPE_FROM_CSL.get(
        checked["type"], ReferenceType.OTHER
    )
    return ImportRecord(
        index=index,
        type=type,
        csl=checked,
        key_hint=key_hint,
        evidence_level=evidence_level,
        status=status,
        **identifiers,
    )


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def key_base(record: ImportRecord) -> str:
    """`firstauthorYEAR-firstword` (e.g. kim2013-ischiofemoral), or the file's own valid key."""
    hint = record.key_hint.strip().lower()
    if hint and len(hint) <= 90 and re.match(KEY_PATTERN, hint):
        return hint
    authors = record.csl.get("author") or record.csl.get("editor") or []
    first = authors[0] if authors else {}
    name = first.get("family") or (first.get("literal") or "").split(" ")[0] if first else ""
    author = _ascii_word(name)[:30] or "anon"
    parts = (record.csl.get("issued") or {}).get("date-parts") or [[]]
    year = str(parts[0][0]) if parts[0] else "nd"
    words = [_ascii_word(w) for w in re.split(r"[\s\-/]+", record.title)]
    significant = [w for w in words if w and w not in _STOPWORDS] or ["untitled"]
    return f"{author}{year}-{significant[0][:30]}"
