"""RIS, as the databases and reference managers write it, read record by record.

Our own reader of `TAG  - value` lines: what comes before a record's TY line (Ovid's record
numbers, headers) is skipped, a line without a tag continues the value before it, and a record
that cannot be read is reported without refusing the others. Values are read for what their
source means: AN is an accession number, a PMID only when the record comes from PubMed (its
database is NLM, PubMed or MEDLINE); C2 is a PMCID only when it looks like one.
"""

import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from articles.references.importing.dates import date_from_numbers, date_parts
from articles.references.importing.records import (
    ParsedFile,
    RecordFailure,
    record_build,
    record_or_failure,
    reference_type_parse,
)
from articles.references.models import ReferenceType

TY_TO_CSL = {
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "EJOUR": "article-journal",
    "ABST": "article-journal",
    "INPR": "article-journal",
    "UNPB": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "ELEC": "webpage",
    "WEB": "webpage",
    "RPRT": "report",
    "GOVDOC": "report",
    "STAND": "report",
    "CPAPER": "paper-conference",
    "CONF": "paper-conference",
    "THES": "thesis",
    "DATA": "dataset",
    "DBASE": "dataset",
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
    "article": "UNPB",
    "document": "GEN",
}
BOOK_TYPES = {"book", "chapter", "report", "thesis"}
# A tag, two spaces (or a tab; some writers use one space), a dash, the value.
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])(?:  |\t| )- ?(.*)$")
# Databases whose accession number is the PubMed id.
PUBMED_DATABASES = {"nlm", "pubmed", "medline", "pubmed central"}
_PMCID = re.compile(r"^(?:pmcid:\s*)?(pmc\d+)$", re.IGNORECASE)
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx](?:[\s,]|$)")
_PMID_NOTE = re.compile(r"^PMID:\s*(\d{1,10})\s*$", re.IGNORECASE | re.MULTILINE)
MISSING_TYPE = "the record has no TY line."
# Tags whose continuation lines are further values (EndNote writes keywords one per line).
LIST_TAGS = {"KW", "AU", "A1", "A2", "A3", "ED"}


def _records(text: str, first_line: int = 1) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """(line number of TY, [(tag, value)]) for each record; what lies outside is skipped."""
    current: list[tuple[str, str]] | None = None
    start = 0
    for number, raw in enumerate(text.splitlines(), start=first_line):
        line = raw.rstrip()
        match = _TAG_LINE.match(line)
        tag = match.group(1) if match else ""
        if tag == "TY":
            if current is not None:  # a TY before the previous ER: that record ends here
                yield start, current
            current, start = [("TY", match.group(2).strip())], number  # type: ignore[union-attr]
        elif current is None:
            continue  # a header, Ovid's "1." or "<1. >", a blank line between records
        elif tag == "ER":
            yield start, current
            current = None
        elif match:
            current.append((tag, match.group(2).strip()))
        elif line.strip() and current:
            last_tag, last_value = current[-1]
            if last_tag in LIST_TAGS:
                current.append((last_tag, line.strip()))
            else:
                current[-1] = (last_tag, f"{last_value} {line.strip()}".strip())
    if current is not None:  # the file ends inside a record: read what it holds
        yield start, current


def _name(text: str) -> dict[str, str]:
    """ "Family, Given[, Suffix]" is a person; a name without a comma is an organisation."""
    if "," not in text:
        return {"literal": text.strip()}
    family, given, *rest = (part.strip() for part in text.split(","))
    name = {"family": family}
    if given:
        name["given"] = given
    if rest and rest[0]:
        name["suffix"] = rest[0]
    return name


def _csl(values: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
    def first(*tags: str) -> str:
        for tag in tags:
            for value in values.get(tag, []):
                if value.strip():
                    return value.strip()
        return ""

    def every(*tags: str) -> list[str]:
        return [v.strip() for tag in tags for v in values.get(tag, []) if v.strip()]

    csl_type = TY_TO_CSL.get(first("TY"), "document")
    start, end = first("SP"), first("EP")
    page = f"{start}-{end}" if start and end else start
    # A book's SP is its number of pages (the RIS specification's BOOK).
    pages_total = page if csl_type in ("book", "report", "thesis") and page.isdigit() else ""
    page = "" if pages_total else page
    serials = every("SN")
    issn = next((v for v in serials if _ISSN.match(v)), "")
    isbn = next((v for v in serials if not _ISSN.match(v)), "")
    # M3 holds the type of work (Embase's "Article", a thesis's kind) or our reference type.
    kinds = every("M3")
    our_type = next((k for k in kinds if reference_type_parse(k)), "")
    genre = next((k for k in kinds if not reference_type_parse(k)), "")
    container = first("T2", "JF", "JO", "BT" if csl_type == "chapter" else "")
    short = first("J2", "JA", "J1") or (first("JO") if first("JF", "T2") else "")
    accession = first("AN")
    database = first("DB", "DP").casefold()
    pubmed_accession = accession.isdigit() and database in PUBMED_DATABASES
    pmid = accession if pubmed_accession else ""
    pmid = pmid or next((m.group(1) for m in map(_PMID_NOTE.search, every("N1")) if m), "")
    notes = [n for n in every("N1") if not _PMID_NOTE.fullmatch(n)]
    pmcid = next((m.group(1) for m in map(_PMCID.match, every("C2", "C6")) if m), "")
    csl: dict[str, Any] = {
        "type": csl_type,
        "title": first("TI", "T1", "CT") or (first("BT") if csl_type == "book" else first("ST")),
        "author": [_name(n) for n in every("AU", "A1")],
        "editor": [_name(n) for n in every("A2", "ED")],
        "collection-editor": [_name(n) for n in every("A3")],
        "container-title": container,
        "container-title-short": short,
        "collection-title": first("T3"),
        "volume": first("VL", "VO"),
        "issue": first("IS"),
        "page": page,
        "number": first("C7"),
        "number-of-pages": pages_total,
        "number-of-volumes": first("NV"),
        "chapter-number": first("SE") if csl_type == "chapter" else "",
        "title-short": first("ST") if first("TI", "T1", "CT") else "",
        "original-title": first("OP"),
        "edition": first("ET") if csl_type in BOOK_TYPES else "",
        "publisher": first("PB"),
        "publisher-place": first("CY", "PP"),
        "abstract": first("AB", "N2"),
        "keyword": "; ".join(every("KW")),
        "language": first("LA"),
        "ISBN": isbn,
        "ISSN": issn,
        "genre": genre,
        # PubMed's accession number is the PMID: kept there, not twice. Another database's
        # accession number stays, even when a note gives the same number as the PMID.
        "archive_location": "" if pubmed_accession else accession,
        "note": "\n".join(notes),
        "URL": first("UR", "L2"),
        "issued": date_from_numbers(first("DA")) or date_from_numbers(first("PY", "Y1")),
        "accessed": date_from_numbers(first("Y2")),
        "DOI": first("DO"),
        "PMID": pmid,
        "PMCID": pmcid,
    }
    return csl, {"key": first("ID"), "type": our_type or genre}


def record_starts(line: str) -> bool:
    """A TY line begins a record whatever came before it: a file may be cut before one."""
    match = _TAG_LINE.match(line.rstrip())
    return match is not None and match.group(1) == "TY"


def parse(text: str, *, first_index: int = 1, start_line: int = 1) -> ParsedFile:
    """The records of `text`, numbered from `first_index`, its lines from `start_line`."""
    results: list[Any] = []
    for index, (line, tags) in enumerate(_records(text, start_line), start=first_index):
        values: dict[str, list[str]] = {}
        for tag, value in tags:
            values.setdefault(tag, []).append(value)
        first_line = f"line {line}: TY  - {values['TY'][0]}"
        if not values["TY"][0]:
            results.append(RecordFailure(index, first_line, MISSING_TYPE))
            continue
        csl, hints = _csl(values)
        results.append(
            record_or_failure(
                index,
                first_line,
                partial(
                    record_build,
                    index=index,
                    csl=csl,
                    type_hint=hints["type"],
                    key_hint=hints["key"],
                ),
            )
        )
    return ParsedFile.of(results)


def _date(value: Any) -> str:
    parts = date_parts(value)
    padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]] + ["", ""]
    return "/".join(padded[:3]) + "/"


def _name_text(name: dict[str, str]) -> str:
    if name.get("literal"):
        return name["literal"]
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    given = " ".join(p for p in (name.get("given"), name.get("dropping-particle")) if p)
    text = f"{family}, {given}" if given or name.get("suffix") else family
    return f"{text}, {name['suffix']}" if name.get("suffix") else text


def dump(items: list[dict[str, Any]], types: list[str]) -> str:
    """`items` are complete CSL-JSON items (with `id`), `types` our type of each."""
    out: list[str] = []
    for item, type in zip(items, types, strict=True):
        page = str(item.get("page", ""))
        start, _, end = page.partition("-")
        book = item["type"] in BOOK_TYPES
        # With no other accession number, the PMID is the accession number (as PubMed writes it).
        pmid_database = bool(item.get("PMID")) and not item.get("archive_location")
        lines: list[tuple[str, Any]] = [
            ("TY", CSL_TO_TY.get(item["type"], "GEN")),
            ("ID", item["id"]),
            ("TI", item["title"]),
            *(("AU", _name_text(n)) for n in item.get("author", [])),
            *(("A2", _name_text(n)) for n in item.get("editor", [])),
            *(("A3", _name_text(n)) for n in item.get("collection-editor", [])),
            ("T2", item.get("container-title")),
            ("J2", item.get("container-title-short")),
            ("T3", item.get("collection-title")),
            ("VL", item.get("volume")),
            ("IS", item.get("issue")),
            ("SP", start or (item.get("number-of-pages") if book else "")),
            ("EP", end),
            ("NV", item.get("number-of-volumes")),
            ("SE", item.get("chapter-number") if item["type"] == "chapter" else ""),
            ("ST", item.get("title-short")),
            ("OP", item.get("original-title")),
            ("C7", item.get("number")),
            ("ET", item.get("edition") if book else ""),
            ("PB", item.get("publisher")),
            ("CY", item.get("publisher-place")),
            ("AB", " ".join(str(item.get("abstract", "")).split())),
            *(("KW", k.strip()) for k in str(item.get("keyword", "")).split("; ") if k.strip()),
            ("LA", item.get("language")),
            ("SN", item.get("ISSN")),
            ("SN", item.get("ISBN")),
            ("AN", item.get("archive_location") or (item.get("PMID") if pmid_database else "")),
            ("DP", "NLM" if pmid_database else ""),
            *(("N1", n) for n in str(item.get("note", "")).split("\n") if n.strip()),
            ("N1", f"PMID: {item['PMID']}" if item.get("PMID") and not pmid_database else ""),
            ("UR", item.get("URL")),
            ("PY", str(date_parts(item.get("issued"))[0]) if item.get("issued") else ""),
            ("DA", _date(item["issued"]) if item.get("issued") else ""),
            ("Y2", _date(item["accessed"]) if item.get("accessed") else ""),
            ("DO", item.get("DOI")),
            ("C2", item.get("PMCID")),
            ("M3", item.get("genre")),
            ("M3", ReferenceType(type).label),
        ]
        out += [f"{tag}  - {value}" for tag, value in lines if value not in (None, "")]
        out += ["ER  - ", ""]
    return "\n".join(out)
