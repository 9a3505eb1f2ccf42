"""BibTeX through bibtexparser 2: LaTeX decoded with pylatexenc; our type in `reftype`."""

import re
from typing import Any

import bibtexparser
from bibtexparser.model import Entry, Field
from pylatexenc.latex2text import LatexNodes2Text

from articles.plain_input import ascii_int
from articles.references.importing.dates import date_from_numbers, date_parts
from articles.references.importing.records import (
    FILE_INVALID,
    ImportInvalid,
    ImportRecord,
    record_build,
)
from articles.references.models import ReferenceType

ENTRY_TO_CSL = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "electronic": "webpage",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "dataset": "dataset",
}
CSL_TO_ENTRY = {
    "article-journal": "article",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
    "webpage": "online",
    "paper-conference": "inproceedings",
    "thesis": "phdthesis",
    "dataset": "dataset",
}
BLOCK_FAILED = "the entry starting on line {line} cannot be read ({error})."
DUPLICATE_KEY = "the key {key!r} is used by more than one entry."
# Fields holding identifiers or addresses: no LaTeX in them.
# Far deeper than any real entry; the parsers recurse once per level of braces.
MAX_BRACE_DEPTH = 32
TOO_DEEP = "braces nest more than {limit} levels deep on line {line}."
_BRACE = re.compile(r"(?<!\\)[{}]")
RAW_FIELDS = {"doi", "url", "pmid", "pmcid", "urldate"}
_LATEX_SPECIAL = re.compile(r"([&%$#_{}])")
_latex = LatexNodes2Text()


def _text(value: str) -> str:
    return " ".join(_latex.latex_to_text(value).split()) if value else ""


def _split_names(value: str) -> list[str]:
    """Split on `and` outside braces."""
    names, depth, current = [], 0, ""
    for part in re.split(r"(\s+and\s+|[{}])", value):
        if part == "{":
            depth += 1
        elif part == "}":
            depth -= 1
        if depth == 0 and re.fullmatch(r"\s+and\s+", part or ""):
            names.append(current)
            current = ""
        else:
            current += part or ""
    return [n.strip() for n in [*names, current] if n.strip()]


def _name(raw: str) -> dict[str, str]:
    if raw.startswith("{") and raw.endswith("}") and _split_names(raw[1:-1]) == [raw[1:-1]]:
        return {"literal": _text(raw[1:-1])}
    if "," in raw:
        family, given = (part.strip() for part in raw.split(",", 1))
        return (
            {"family": _text(family), "given": _text(given)} if given else {"family": _text(family)}
        )
    words = raw.split()
    if len(words) == 1:
        return {"family": _text(words[0])}
    return {"family": _text(words[-1]), "given": _text(" ".join(words[:-1]))}


def _csl(entry: Entry) -> tuple[dict[str, Any], str]:
    fields = {f.key.lower(): str(f.value) for f in entry.fields}

    def get(*keys: str) -> str:
        for key in keys:
            if fields.get(key):
                return fields[key].strip() if key in RAW_FIELDS else _text(fields[key])
        return ""

    issued = date_from_numbers(fields.get("date", ""))
    if not issued and get("year"):
        numbers = [ascii_int(p) for p in (get("year"), get("month"), get("day"))]
        parts = [n for n in numbers if n is not None]
        issued = {"date-parts": [parts]} if parts else None
    csl: dict[str, Any] = {
        "type": ENTRY_TO_CSL.get(entry.entry_type.lower(), "document"),
        "title": get("title"),
        "author": [_name(n) for n in _split_names(fields.get("author", ""))],
        "editor": [_name(n) for n in _split_names(fields.get("editor", ""))],
        "container-title": get("journal", "journaltitle", "booktitle"),
        "volume": get("volume"),
        "issue": get("number", "issue"),
        "page": get("pages").replace("\u2013", "-").replace("--", "-"),
        "edition": get("edition"),
        "publisher": get("publisher", "institution", "organization"),
        "publisher-place": get("address", "location"),
        "URL": get("url"),
        "issued": issued,
        "accessed": date_from_numbers(get("urldate")),
        "DOI": get("doi"),
        "PMID": get("pmid"),
        "PMCID": get("pmcid"),
    }
    return csl, get("reftype")


def _too_deep_line(text: str) -> int | None:
    """The line on which braces first nest deeper than MAX_BRACE_DEPTH, if they do: the
    parsers recurse into each level and would exhaust Python's stack."""
    depth = 0
    for match in _BRACE.finditer(text):
        depth += 1 if match.group() == "{" else -1
        if depth > MAX_BRACE_DEPTH:
            return text.count("\n", 0, match.start()) + 1
    return None


def parse(text: str) -> list[ImportRecord]:
    line = _too_deep_line(text)
    if line is not None:
        problem = TOO_DEEP.format(limit=MAX_BRACE_DEPTH, line=line)
        raise ImportInvalid(FILE_INVALID.format(format="BibTeX", problem=problem))
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        error = getattr(block, "error", None)
        problem = BLOCK_FAILED.format(
            line=(block.start_line or 0) + 1, error=type(error).__name__ if error else "syntax"
        )
        if type(block).__name__ == "DuplicateBlockKeyBlock":
            problem = DUPLICATE_KEY.format(key=getattr(block, "key", "?"))
        raise ImportInvalid(FILE_INVALID.format(format="BibTeX", problem=problem))
    records = []
    for index, entry in enumerate(library.entries, start=1):
        csl, reftype = _csl(entry)
        records.append(record_build(index=index, csl=csl, type_hint=reftype, key_hint=entry.key))
    return records


def _escape(value: str) -> str:
    return _LATEX_SPECIAL.sub(r"\\\1", value)


def _name_text(name: dict[str, str]) -> str:
    if name.get("literal"):
        return "{" + _escape(name["literal"]) + "}"
    given = f", {_escape(name['given'])}" if name.get("given") else ""
    return _escape(name.get("family", "")) + given


def dump(items: list[dict[str, Any]], types: list[str]) -> str:
    """`items` are complete CSL-JSON items (with `id`), `types` our type of each."""
    library = bibtexparser.Library()
    for item, type in zip(items, types, strict=True):
        entry_type = CSL_TO_ENTRY.get(item["type"], "misc")
        issued = date_parts(item.get("issued"))
        accessed = date_parts(item.get("accessed"))
        container = "journal" if entry_type == "article" else "booktitle"
        values = {
            "title": _escape(item["title"]),
            "author": " and ".join(_name_text(n) for n in item.get("author", [])),
            "editor": " and ".join(_name_text(n) for n in item.get("editor", [])),
            container: _escape(str(item.get("container-title", ""))),
            "volume": _escape(str(item.get("volume", ""))),
            "number": _escape(str(item.get("issue", ""))),
            "pages": str(item.get("page", "")).replace("-", "--"),
            "edition": _escape(str(item.get("edition", ""))),
            "publisher": _escape(str(item.get("publisher", ""))),
            "address": _escape(str(item.get("publisher-place", ""))),
            "date": "-".join(f"{p:02d}" for p in issued),
            "year": str(issued[0]) if issued else "",
            "url": item.get("URL", ""),
            "urldate": "-".join(f"{p:02d}" for p in accessed),
            "doi": item.get("DOI", ""),
            "pmid": item.get("PMID", ""),
            "pmcid": item.get("PMCID", ""),
            "reftype": ReferenceType(type).label,
        }
        library.add(
            Entry(
                entry_type,
                item["id"],
                [Field(key, value) for key, value in values.items() if value],
            )
        )
    return bibtexparser.write_string(library)
