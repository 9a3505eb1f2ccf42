"""CSL-JSON: a list of items; our type, evidence level and status travel in `custom`."""

import json
import re
from functools import partial
from typing import Any

from articles.plain_input import JSON_MAX_DEPTH, JSON_TOO_DEEP, ascii_int, json_depth
from articles.references.importing.records import (
    FILE_INVALID,
    ImportInvalid,
    ImportRecord,
    ParsedFile,
    RecordFailure,
    record_build,
    record_or_failure,
)
from articles.references.models import ReferenceStatus
from articles.references.services import DATE_FIELDS, NAME_FIELDS

CUSTOM = "custom"
NOT_AN_OBJECT = "each item must be a JSON object."


# Crossref's and citeproc's older type names, as Crossref and some managers still write them.
TYPE_ALIASES = {
    "journal-article": "article-journal",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "proceedings-article": "paper-conference",
    "posted-content": "article",
    "report-component": "report",
    "dissertation": "thesis",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "web": "webpage",
    "post-weblog": "webpage",
    "post": "webpage",
    # CSL types this library does not format, as the nearest it does.
    "entry": "chapter",
    "entry-dictionary": "chapter",
    "entry-encyclopedia": "chapter",
    "review": "article-journal",
    "review-book": "article-journal",
    "manuscript": "document",
    "patent": "document",
    "legislation": "document",
    "legal_case": "document",
    "bill": "document",
    "pamphlet": "book",
    "periodical": "book",
    "standard": "report",
    "software": "document",
    "speech": "document",
    "interview": "document",
    "personal_communication": "document",
}
# The CSL 1.0.2 variables that are texts or numbers (csl-data.json); other keys with lists or
# objects (Crossref's `link`, `reference`, `relation`...) are not CSL and are left out.
CSL_TEXT_VARIABLES = set(
    [
        "abstract",
        "annote",
        "archive",
        "archive_collection",
        "archive-collection",
        "archive_location",
        "archive-location",
        "archive-place",
        "authority",
        "call-number",
        "chapter-number",
        "citation-key",
        "citation-label",
        "citation-number",
        "collection-number",
        "collection-title",
        "container-title",
        "container-title-short",
        "dimensions",
        "division",
        "DOI",
        "edition",
        "event",
        "event-title",
        "event-place",
        "first-reference-note-number",
        "genre",
        "ISBN",
        "ISSN",
        "issue",
        "jurisdiction",
        "keyword",
        "language",
        "license",
        "locator",
        "medium",
        "note",
        "number",
        "number-of-pages",
        "number-of-volumes",
        "original-publisher",
        "original-publisher-place",
        "original-title",
        "page",
        "page-first",
        "part-number",
        "part-title",
        "PMCID",
        "PMID",
        "printing-number",
        "publisher",
        "publisher-place",
        "references",
        "reviewed-genre",
        "reviewed-title",
        "scale",
        "section",
        "source",
        "status",
        "supplement-number",
        "title",
        "title-short",
        "URL",
        "version",
        "volume",
        "volume-title",
        "volume-title-short",
        "year-suffix",
    ]
)
NAME_PARTS = ("family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?")


def _date(value: Any) -> Any:
    """date-parts as numbers: Zotero writes ["1999", 12, 31]; "raw" and "literal" dates are
    read for their year, month and day."""
    if not isinstance(value, dict):
        match = _YEAR.search(value) if isinstance(value, str) else None
        return _date({"raw": value}) if match else value
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        numbers = [ascii_int(str(p).strip()) for p in parts[0][:3]]
        if numbers and all(n is not None for n in numbers):
            return {"date-parts": [numbers]}
    for key in ("raw", "literal"):
        match = _YEAR.search(str(value.get(key) or ""))
        if match:
            return {"date-parts": [[int(g) for g in match.groups() if g]]}
    return value


def _text(value: Any) -> Any:
    """A list holding one text (Crossref's titles) as that text; ISSNs joined."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v for v in value if v) if value else ""
    return value


def _item(item: dict[str, Any]) -> dict[str, Any]:
    """The item as CSL-JSON stores it: numbers in dates, names with their parts only."""
    csl: dict[str, Any] = {}
    for key, value in item.items():
        if key in NAME_FIELDS and isinstance(value, list):
            names = []
            for raw in value:
                if isinstance(raw, str) and raw.strip():
                    names.append({"literal": raw.strip()})  # a name written as one text
                    continue
                if not isinstance(raw, dict):
                    continue
                name = {part: str(raw[part]) for part in NAME_PARTS if raw.get(part)}
                if not name.get("family") and not name.get("literal") and raw.get("name"):
                    name = {"literal": str(raw["name"])}  # Crossref's organisations
                names.append(name)
            csl[key] = names
        elif key in DATE_FIELDS:
            csl[key] = _date(value)
        elif key == "type":
            csl[key] = TYPE_ALIASES.get(str(value), value)
        elif key in CSL_TEXT_VARIABLES:
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                continue  # Crossref's structured `license`, `funder`...: not CSL's text
            # Crossref writes titles and ISSNs as lists of texts: joined. Another shape is kept,
            # so that the record is refused naming the variable.
            csl[key] = _text(value)
        elif key in ("categories", "id", CUSTOM):
            csl[key] = value
        # Anything else (Crossref's `member`, `score`, `link`, `reference`...) is not CSL.
    return csl


def parse(text: str, *, first_index: int = 1) -> ParsedFile:
    """The items of `text` (a list, or one item), numbered from `first_index`."""
    if json_depth(text) > JSON_MAX_DEPTH:
        problem = JSON_TOO_DEEP.format(limit=JSON_MAX_DEPTH)
        raise ImportInvalid(FILE_INVALID.format(format="CSL-JSON", problem=problem))
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportInvalid(FILE_INVALID.format(format="CSL-JSON", problem=exc)) from exc
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise ImportInvalid(
            FILE_INVALID.format(format="CSL-JSON", problem="expected a list of items.")
        )
    results: list[ImportRecord | RecordFailure] = []
    for index, item in enumerate(items, start=first_index):
        first_line = json.dumps(item, ensure_ascii=False)[:120]
        if not isinstance(item, dict):
            results.append(RecordFailure(index, first_line, NOT_AN_OBJECT))
            continue
        csl = _item(item)
        csl.pop("citation-key", None)  # the file's key: the reference's key, not its data
        custom = csl.pop(CUSTOM, None)
        custom = custom if isinstance(custom, dict) else {}
        results.append(
            record_or_failure(
                index,
                first_line,
                partial(
                    record_build,
                    index=index,
                    csl=csl,
                    type_hint=custom.get("reference-type"),
                    key_hint=str(item.get("citation-key") or item.get("id") or ""),
                    evidence_level=str(custom.get("evidence-level") or ""),
                    status=str(custom.get("status") or ReferenceStatus.ACTIVE),
                ),
            )
        )
    return ParsedFile.of(results)


def dump(items: list[dict[str, Any]]) -> str:
    """`items` are complete CSL-JSON items with `custom`; returns the file's text."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def dump_item(item: dict[str, Any], *, indent: int = 0) -> str:
    """One item as `dump` writes it inside the file's list (`indent`: the list's own, 2): a
    file may then be written an item at a time. (JSON writes a newline inside a string as
    `\\n`, so each of the text's lines is a line of the item.)"""
    margin = " " * indent
    text = json.dumps(item, ensure_ascii=False, indent=2)
    return "\n".join(margin + line for line in text.split("\n"))
