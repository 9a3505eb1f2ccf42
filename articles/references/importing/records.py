"""The record shape every import format parses into, and the checks every record passes."""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from articles.references.models import (
    KEY_PATTERN,
    EvidenceLevel,
    ReferenceStatus,
    ReferenceType,
)
from articles.references.services import ReferenceInvalid, csl_identifiers, csl_validate

RECORD_INVALID = "Record {index} ({label}): {problem}"
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


def csl_clean(csl: dict[str, Any]) -> dict[str, Any]:
    """The item without empty values, so that formats agree on what is absent."""
    return {k: v for k, v in csl.items() if v not in (None, "", [], {})}


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
