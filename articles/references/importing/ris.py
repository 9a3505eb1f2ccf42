"""RIS through rispy: PMID in AN and PMCID in C2 (as EndNote writes them), our type in M3."""

import re
from typing import Any

import rispy

from articles.references.importing.dates import date_from_numbers, date_parts
from articles.references.importing.records import (
    FILE_INVALID,
    RECORD_INVALID,
    ImportInvalid,
    ImportRecord,
    record_build,
)
from articles.references.models import ReferenceType

TY_TO_CSL = {
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "EJOUR": "article-journal",
    "ABST": "article-journal",
    "BOOK": "book",
    "EBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "ELEC": "webpage",
    "WEB": "webpage",
    "RPRT": "report",
    "GOVDOC": "report",
    "CPAPER": "paper-conference",
    "CONF": "paper-conference",
    "THES": "thesis",
    "DATA": "dataset",
    "MGZN": "article-magazine",
    "NEWS": "article-newspaper",
}
CSL_TO_TY = {
    "article-journal": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "webpage": "ELEC",
    "report": "RPRT",
    "paper-conference": "CPAPER",
    "thesis": "THES",
    "dataset": "DATA",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
}
_TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ?")
UNTERMINATED = "it ends inside a record (a TY line without its ER line)."
STRAY_LINE = "line {line} is outside a record: {text!r}."
NESTED = "line {line} starts a record (TY) before the previous one ended (ER)."
MISSING_TYPE = "the record has no TY line."


def _scan(text: str) -> None:
    """rispy skips what it cannot read; refuse instead, naming the line."""
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("TY  -"):
            if inside:
                raise ImportInvalid(
                    FILE_INVALID.format(format="RIS", problem=NESTED.format(line=number))
                )
            inside = True
        elif line.startswith("ER  -"):
            inside = False
        elif not inside:
            raise ImportInvalid(
                FILE_INVALID.format(
                    format="RIS", problem=STRAY_LINE.format(line=number, text=line[:40])
                )
            )
    if inside:
        raise ImportInvalid(FILE_INVALID.format(format="RIS", problem=UNTERMINATED))


def _name(text: str) -> dict[str, str]:
    """ "Family, Given" is a person; a name without a comma is an organisation."""
    if "," not in text:
        return {"literal": text.strip()}
    family, given = (part.strip() for part in text.split(",", 1))
    return {"family": family, "given": given} if given else {"family": family}


def _first(entry: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            return str(value).strip()
    return ""


def _csl(entry: dict[str, Any]) -> dict[str, Any]:
    start, end = _first(entry, "start_page"), _first(entry, "end_page")
    csl: dict[str, Any] = {
        "type": TY_TO_CSL.get(_first(entry, "type_of_reference"), "document"),
        "title": _first(entry, "title", "primary_title"),
        "author": [_name(n) for n in entry.get("authors") or entry.get("first_authors") or []],
        "editor": [_name(n) for n in entry.get("secondary_authors") or []],
        "container-title": _first(entry, "secondary_title", "journal_name", "alternate_title3"),
        "volume": _first(entry, "volume"),
        "issue": _first(entry, "number"),
        "page": f"{start}-{end}" if start and end else start,
        "edition": _first(entry, "edition"),
        "publisher": _first(entry, "publisher"),
        "publisher-place": _first(entry, "place_published"),
        "URL": _first(entry, "urls"),
        "issued": date_from_numbers(_first(entry, "date"))
        or date_from_numbers(_first(entry, "year", "publication_year")),
        "accessed": date_from_numbers(_first(entry, "access_date")),
        "DOI": _first(entry, "doi"),
        "PMID": _first(entry, "accession_number"),
        "PMCID": _first(entry, "custom2"),
    }
    return csl


def parse(text: str) -> list[ImportRecord]:
    _scan(text)
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except Exception as exc:  # rispy raises bare IOError/ValueError with its own wording
        raise ImportInvalid(FILE_INVALID.format(format="RIS", problem=exc)) from exc
    records = []
    for index, entry in enumerate(entries, start=1):
        if not entry.get("type_of_reference"):
            raise ImportInvalid(
                RECORD_INVALID.format(
                    index=index,
                    label=_first(entry, "id", "title") or "untitled",
                    problem=MISSING_TYPE,
                )
            )
        records.append(
            record_build(
                index=index,
                csl=_csl(entry),
                type_hint=_first(entry, "type_of_work"),
                key_hint=_first(entry, "id"),
            )
        )
    return records


def _date(value: Any) -> str:
    parts = date_parts(value)
    padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]] + ["", ""]
    return "/".join(padded[:3]) + "/"


def _name_text(name: dict[str, str]) -> str:
    if name.get("literal"):
        return name["literal"]
    return f"{name.get('family', '')}, {name.get('given', '')}".rstrip()


class _Writer(rispy.RisWriter):
    """rispy numbers each record ("1.") on a line of its own; other readers choke on it."""

    def set_header(self, count: int) -> str:
        return ""


def dump(items: list[dict[str, Any]], types: list[str]) -> str:
    """`items` are complete CSL-JSON items (with `id`), `types` our type of each."""
    entries = []
    for item, type in zip(items, types, strict=True):
        page = str(item.get("page", ""))
        start, _, end = page.partition("-")
        entry: dict[str, Any] = {
            "type_of_reference": CSL_TO_TY.get(item["type"], "GEN"),
            "id": item["id"],
            "title": item["title"],
            "authors": [_name_text(n) for n in item.get("author", [])],
            "secondary_authors": [_name_text(n) for n in item.get("editor", [])],
            "secondary_title": item.get("container-title"),
            "volume": item.get("volume"),
            "number": item.get("issue"),
            "start_page": start,
            "end_page": end,
            "edition": item.get("edition"),
            "publisher": item.get("publisher"),
            "place_published": item.get("publisher-place"),
            "urls": [item["URL"]] if item.get("URL") else [],
            "year": str(date_parts(item.get("issued"))[0]) if item.get("issued") else "",
            "date": _date(item["issued"]) if item.get("issued") else "",
            "access_date": _date(item["accessed"]) if item.get("accessed") else "",
            "doi": item.get("DOI"),
            "accession_number": item.get("PMID"),
            "custom2": item.get("PMCID"),
            "type_of_work": ReferenceType(type).label,
        }
        entries.append({k: str(v) if isinstance(v, int) else v for k, v in entry.items() if v})
    return rispy.dumps(entries, implementation=_Writer)
