"""PubMed's MEDLINE format (.nbib): `TAG - value` lines, continuations indented by six spaces.

Our own small parser: the `nbib` package on PyPI has not changed since 2021.
"""

import re
from typing import Any

from articles.references.importing.dates import date_from_words
from articles.references.importing.records import (
    FILE_INVALID,
    RECORD_INVALID,
    ImportInvalid,
    ImportRecord,
    record_build,
)
from articles.references.models import ReferenceType

_LINE = re.compile(r"^([A-Z0-9]{1,4})\s*- (.*)$")
STRAY_LINE = "line {line} is neither `TAG - value` nor a continuation: {text!r}."
NO_PMID = "the record has no PMID line."
# PubMed publication types, most specific first.
PUBLICATION_TYPES = [
    ("Practice Guideline", ReferenceType.GUIDELINE),
    ("Guideline", ReferenceType.GUIDELINE),
    ("Meta-Analysis", ReferenceType.META_ANALYSIS),
    ("Systematic Review", ReferenceType.SYSTEMATIC_REVIEW),
    ("Case Reports", ReferenceType.CASE_REPORT),
    ("Review", ReferenceType.REVIEW),
]


def _records(text: str) -> list[list[tuple[str, str]]]:
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if current:
                records.append(current)
                current = []
            continue
        if line.startswith("      ") and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = _LINE.match(line)
        if match is None:
            raise ImportInvalid(
                FILE_INVALID.format(
                    format="MEDLINE", problem=STRAY_LINE.format(line=number, text=line[:40])
                )
            )
        current.append((match.group(1), match.group(2).strip()))
    if current:
        records.append(current)
    return records


def _name(full: str) -> dict[str, str]:
    family, _, given = full.partition(",")
    return {"family": family.strip(), "given": given.strip()} if given else {"family": family}


def _record(index: int, tags: list[tuple[str, str]]) -> ImportRecord:
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        values.setdefault(tag, []).append(value)

    def first(tag: str) -> str:
        return values.get(tag, [""])[0]

    pmid = first("PMID")
    if not pmid:
        raise ImportInvalid(
            RECORD_INVALID.format(index=index, label=repr(first("TI")[:60]), problem=NO_PMID)
        )
    doi = next(
        (
            v.removesuffix(" [doi]")
            for v in values.get("AID", []) + values.get("LID", [])
            if v.endswith("[doi]")
        ),
        "",
    )
    authors: list[dict[str, Any]] = [_name(n) for n in values.get("FAU", [])] or [
        _name(n.replace(" ", ", ", 1)) for n in values.get("AU", [])
    ]
    authors += [{"literal": n} for n in values.get("CN", [])]
    kinds = values.get("PT", [])
    type_hint = next((t for name, t in PUBLICATION_TYPES if name in kinds), None)
    csl = {
        "type": "article-journal",
        "title": first("TI").rstrip("."),
        "author": authors,
        "container-title": first("TA") or first("JT"),
        "volume": first("VI"),
        "issue": first("IP"),
        "page": first("PG"),
        "issued": date_from_words(first("DP")),
        "DOI": doi,
        "PMID": pmid,
        "PMCID": first("PMC"),
    }
    return record_build(index=index, csl=csl, type_hint=type_hint, key_hint="")


def parse(text: str) -> list[ImportRecord]:
    return [_record(index, tags) for index, tags in enumerate(_records(text), start=1)]
