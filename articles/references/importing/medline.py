"""PubMed's MEDLINE format (.nbib): `TAG - value` lines, continuations indented by six spaces.

Our own small parser: the `nbib` package on PyPI has not changed since 2021.
"""

import re
from functools import partial
from typing import Any

from articles.references.importing.dates import date_from_words
from articles.references.importing.records import (
    RECORD_INVALID,
    ImportInvalid,
    ImportRecord,
    ParsedFile,
    RecordFailure,
    record_build,
    record_or_failure,
)
from articles.references.models import ReferenceStatus, ReferenceType

_LINE = re.compile(r"^([A-Z0-9]{1,4})\s*-\s?(.*)$")
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
# PubMed marks a retracted article with this publication type and a retraction-in (RIN) line.
RETRACTED_TYPE = "Retracted Publication"
_ID_TAG = re.compile(r"^(.*?)\s*\[(\w+)\]$")
_ARTICLE_NUMBER = re.compile(r"^e?\d[\w.-]*$", re.IGNORECASE)


def _records(text: str, first_line: int = 1) -> list[tuple[int, list[tuple[str, str]], str]]:
    """(first line number, [(tag, value)], problem) per record; records are separated by blank
    lines. A line that is neither a tag nor a continuation spoils its record only."""
    records: list[tuple[int, list[tuple[str, str]], str]] = []
    current: list[tuple[str, str]] = []
    start, problem = 0, ""
    for number, line in enumerate(text.splitlines(), start=first_line):
        if not line.strip():
            if current or problem:
                records.append((start, current, problem))
                current, problem = [], ""
            continue
        if not current and not problem:
            start = number
        if line.startswith("      ") and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = _LINE.match(line)
        if match is None:
            problem = problem or STRAY_LINE.format(line=number, text=line[:40])
            continue
        current.append((match.group(1), match.group(2).strip()))
    if current or problem:
        records.append((start, current, problem))
    return records


def _name(full: str) -> dict[str, str]:
    family, _, given = full.partition(",")
    if not given:
        return {"family": family.strip()}
    given, _, suffix = given.partition(",")
    name = {"family": family.strip(), "given": given.strip()}
    return name | {"suffix": suffix.strip()} if suffix.strip() else name


def _tagged(values: list[str]) -> list[tuple[str, str]]:
    """ "10.1/x [doi]" -> ("10.1/x", "doi"); an untagged value has the tag ""."""
    out = []
    for value in values:
        match = _ID_TAG.match(value)
        out.append((match.group(1), match.group(2).lower()) if match else (value, ""))
    return out


def _csl(values: dict[str, list[str]]) -> tuple[dict[str, Any], Any, str]:
    def first(tag: str) -> str:
        return values.get(tag, [""])[0]

    ids = _tagged(values.get("LID", []) + values.get("AID", []))
    doi = next((v.removeprefix("doi:").strip() for v, tag in ids if tag == "doi"), "")
    # An e-locator (LID without a tag, or a short pii like e80092) is the article number.
    number = next(
        (
            v
            for v, tag in ids
            if tag in ("", "pii") and _ARTICLE_NUMBER.match(v) and not first("PG")
        ),
        "",
    )
    authors: list[dict[str, Any]] = [_name(n) for n in values.get("FAU", [])] or [
        _name(n.replace(" ", ", ", 1)) for n in values.get("AU", [])
    ]
    authors += [{"literal": n} for n in values.get("CN", [])]
    editors = [_name(n) for n in values.get("FED", [])] or [
        _name(n.replace(" ", ", ", 1)) for n in values.get("ED", [])
    ]
    kinds = values.get("PT", [])
    type_hint = next((t for name, t in PUBLICATION_TYPES if name in kinds), None)
    book = bool(first("BTI")) or "Book Chapter" in kinds or bool(first("ISBN"))
    # "1932-6203 (Electronic)": the ISSN without its medium.
    issn = re.sub(r"\s*\(.*\)$", "", first("IS"))
    retracted = RETRACTED_TYPE in kinds or bool(values.get("RIN"))
    csl = {
        "type": ("chapter" if first("BTI") else "book") if book else "article-journal",
        "title": (first("TI") or first("BTI")).rstrip("."),
        "author": authors,
        "editor": editors,
        "container-title": first("JT") or first("TA") or (first("BTI") if first("TI") else ""),
        "container-title-short": first("TA") if first("JT") and first("TA") != first("JT") else "",
        "volume": first("VI"),
        "issue": first("IP"),
        "page": first("PG"),
        "number": number,
        "publisher": first("PB"),
        "publisher-place": first("PL") if book else "",
        "abstract": first("AB"),
        "keyword": "; ".join(values.get("OT", [])),
        "language": first("LA"),
        "ISSN": "" if book else issn,
        "ISBN": first("ISBN"),
        "issued": date_from_words(first("DP")),
        "DOI": doi,
        "PMID": first("PMID"),
        "PMCID": first("PMC"),
    }
    status = ReferenceStatus.RETRACTED if retracted else ReferenceStatus.ACTIVE
    return csl, type_hint, status


def _record(index: int, values: dict[str, list[str]]) -> ImportRecord:
    csl, type_hint, status = _csl(values)
    if not csl["PMID"]:
        raise ImportInvalid(
            RECORD_INVALID.format(index=index, label=repr(csl["title"][:60]), problem=NO_PMID)
        )
    return record_build(index=index, csl=csl, type_hint=type_hint, key_hint="", status=status)


def record_starts(line: str, previous: str) -> bool:
    """A blank line ends a record: a file may be cut after one (before the next PMID)."""
    return not previous.strip() and bool(line.strip())


def parse(text: str, *, first_index: int = 1, start_line: int = 1) -> ParsedFile:
    """The records of `text`, numbered from `first_index`, its lines from `start_line`."""
    results: list[ImportRecord | RecordFailure] = []
    for index, (line, tags, problem) in enumerate(_records(text, start_line), start=first_index):
        first_line = f"line {line}: " + (f"{tags[0][0]} - {tags[0][1]}" if tags else "")
        if problem:
            results.append(RecordFailure(index, first_line[:120], problem))
            continue
        values: dict[str, list[str]] = {}
        for tag, value in tags:
            values.setdefault(tag, []).append(value)
        results.append(record_or_failure(index, first_line, partial(_record, index, values)))
    return ParsedFile.of(results)
