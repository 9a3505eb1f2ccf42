"""BibTeX/biblatex written from CSL-JSON items (the export): every field the reader
(articles.references.importing.bibtex) takes is written back, LaTeX's special characters
escaped, organisations braced, particles and suffixes in their places."""

import re
from typing import Any

import bibtexparser
from bibtexparser.model import Entry, Field

from articles.references.importing.bibtex import CSL_TO_ENTRY, EXTRA_FIELDS
from articles.references.importing.dates import date_parts
from articles.references.models import ReferenceType

_LATEX_SPECIAL = re.compile(r"[&%$#_{}\\~^]")
_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\string^"}


def _escape(value: str) -> str:
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_ESCAPES.get(m.group(), "\\" + m.group()), value)


def _name_text(name: dict[str, str]) -> str:
    """`{Organisation}`, `von Last, First` or `von Last, Jr, First`."""
    if name.get("literal"):
        return "{" + _escape(name["literal"]) + "}"
    family = _escape(name.get("family", ""))
    if " " in family and not name.get("non-dropping-particle"):
        family = "{" + family + "}"  # "de Brouwer" as one family name, not a particle
    if name.get("non-dropping-particle"):
        family = f"{_escape(name['non-dropping-particle'])} {family}"
    given = " ".join(_escape(p) for p in (name.get("given"), name.get("dropping-particle")) if p)
    if name.get("suffix"):
        return f"{family}, {_escape(name['suffix'])}, {given}"
    return f"{family}, {given}" if given else f"{family},"


def dump(items: list[dict[str, Any]], types: list[str]) -> str:
    """`items` are complete CSL-JSON items (with `id`), `types` our type of each."""
    library = bibtexparser.Library()
    for item, type in zip(items, types, strict=True):
        entry_type = CSL_TO_ENTRY.get(item["type"], "misc")
        issued = date_parts(item.get("issued"))
        accessed = date_parts(item.get("accessed"))
        article = entry_type == "article"
        container = "journal" if article else "booktitle"

        def text(variable: str, item: dict[str, Any] = item) -> str:
            return _escape(str(item.get(variable, "")))

        values = {
            "title": _escape(item["title"]),
            "author": " and ".join(_name_text(n) for n in item.get("author", [])),
            "editor": " and ".join(_name_text(n) for n in item.get("editor", [])),
            container: text("container-title"),
            "shortjournal": text("container-title-short"),
            "series": text("collection-title"),
            "volume": text("volume"),
            # BibTeX's `number` is an article's issue; biblatex's `eid` its article number.
            "number": text("issue") if article else text("number"),
            "issue": "" if article else text("issue"),
            "eid": text("number") if article else "",
            "pages": str(item.get("page", "")).replace("-", "--"),
            "edition": text("edition"),
            "publisher": text("publisher"),
            "address": text("publisher-place"),
            "date": "-".join(f"{p:02d}" for p in issued),
            "year": str(issued[0]) if issued else "",
            "abstract": text("abstract"),
            "keywords": text("keyword"),
            "langid": text("language"),
            "issn": str(item.get("ISSN", "")),
            "isbn": str(item.get("ISBN", "")),
            "accession": text("archive_location"),
            "note": text("note"),
            **{field: text(variable) for field, variable in EXTRA_FIELDS.items()},
            "origdate": "-".join(f"{p:02d}" for p in date_parts(item.get("original-date"))),
            "eventdate": "-".join(f"{p:02d}" for p in date_parts(item.get("event-date"))),
            "translator": " and ".join(_name_text(n) for n in item.get("translator", [])),
            "bookauthor": " and ".join(_name_text(n) for n in item.get("container-author", [])),
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
