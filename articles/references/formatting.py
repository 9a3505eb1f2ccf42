"""Reference entries in the AMA (default) or NLM/Vancouver style, through citeproc-py.

The CSL styles are vendored in ``articles/csl/`` (CC BY-SA 3.0, see its README). Numbering is
ours (the list is an <ol>), so citeproc's own number is dropped. Where citeproc-py 0.x gets a
style wrong we correct it here, each correction pinned by a golden test:

- e-page ranges ("e012345-e012350") are shortened as if numeric ("e012345\u201350") in NLM;
- NLM dates lose their spaces ("2018Jun", "2013Jun3", "[cited 2024Mar5]");
- its HTML output does not escape the data, so every string is escaped before formatting.
"""

import html
import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import nh3
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.utils.safestring import mark_safe

from articles.references.models import ReferenceVersion
from articles.references.services import csl_problem

CSL_DIR = Path(__file__).resolve().parent.parent / "csl"


class CitationStyle(StrEnum):
    AMA = "american-medical-association"
    NLM = "nlm-citation-sequence"


_LEADING_NUMBER = re.compile(r"^\s*\d+\.\s*")
# A page range whose ends carry letters (an e-locator range): citeproc must not shorten it.
_LETTERED_RANGE = re.compile(r"^\s*([A-Za-z]+\d+)\s*[-\u2013]\s*([A-Za-z]+\d+)\s*$")
_PAGE_PLACEHOLDER = "PAGERANGEPLACEHOLDER"
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_NLM_DATE = re.compile(rf"(?<!\d)(\d{{4}})({_MONTHS})(?:(\d{{1,2}})(?!\d))?")


@cache
def _style(style: CitationStyle) -> CitationStylesStyle:
    return CitationStylesStyle(str(CSL_DIR / f"{style.value}.csl"), validate=False)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def version_csl_item(version: ReferenceVersion) -> dict[str, Any]:
    """The version as a complete CSL-JSON item: its `csl` plus the identifier columns."""
    item: dict[str, Any] = {**version.csl, "id": version.reference.key}
    for name, column in (("DOI", version.doi), ("PMID", version.pmid), ("PMCID", version.pmcid)):
        if column:
            item[name] = column
    return item


def reference_format(
    *, version: ReferenceVersion, style: CitationStyle = CitationStyle.AMA, as_html: bool = True
) -> str:
    """One bibliography entry without its number: safe HTML, or plain text with `as_html=False`."""
    item = version_csl_item(version)
    # Variables stored before the schema was checked would break citeproc: left out.
    item = {name: value for name, value in item.items() if not csl_problem(name, value)}
    if as_html:
        item = _escaped(item)
    item["id"] = "item"
    lettered = _LETTERED_RANGE.match(str(item.get("page", "")))
    if lettered:
        item["page"] = _PAGE_PLACEHOLDER
    bibliography = CitationStylesBibliography(
        _style(style), CiteProcJSON([item]), formatter.html if as_html else formatter.plain
    )
    bibliography.register(Citation([CitationItem("item")]))
    text = _LEADING_NUMBER.sub("", str(bibliography.bibliography()[0]))
    if lettered:
        text = text.replace(_PAGE_PLACEHOLDER, f"{lettered.group(1)}-{lettered.group(2)}")
    if style == CitationStyle.NLM:
        text = _NLM_DATE.sub(lambda m: " ".join(part for part in m.groups() if part), text)
    if not as_html:
        return text
    # Belt and braces: the data was escaped; keep only citeproc's own formatting tags.
    return mark_safe(nh3.clean(text, tags={"i", "b", "sup", "sub"}, attributes={}))  # noqa: S308
