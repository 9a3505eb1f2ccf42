"""Reference entries in the AMA (default) or NLM/Vancouver style, as citeproc-js writes them.

citeproc-js (the processor of Zotero and Mendeley) runs in an embedded V8 (`csl_engine`) with
the CSL styles and en-US locale vendored in ``articles/csl/`` (see its README for their
licences). Its HTML output is kept as it is, except:

- the entry's number is dropped: the list is an <ol> and numbering is ours;
- its inline styles (a roman word in an italic title, small capitals) become classes, since
  the CSP allows no style attribute (static/css/site.css styles them);
- the result is sanitised (nh3) to the few tags citeproc-js writes; citeproc-js itself escapes
  the data, and turns the rich text CSL allows in a field (<i>, <b>, <sup>, <sub>) into tags.

The golden test (tests/articles/test_reference_formatting.py) compares every entry with the
output of the npm package `citeproc` for the same data.
"""

import html
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote

import nh3
from django.utils.safestring import SafeString, mark_safe
from py_mini_racer import JSEvalException

from articles.references.csl_engine import bibliography_html
from articles.references.models import ReferenceVersion
from articles.references.services import csl_problem

logger = logging.getLogger(__name__)


class CitationStyle(StrEnum):
    """A vendored style, by its file name in articles/csl/."""

    AMA = "american-medical-association"
    NLM = "nlm-citation-sequence"


# citeproc-js writes each entry as <div class="csl-entry"><div class="csl-left-margin">1.</div>
# <div class="csl-right-inline">...</div></div> for these styles (second-field-align).
_RIGHT_INLINE = re.compile(r'<div class="csl-right-inline">(.*)</div>\s*</div>\s*$', re.DOTALL)
_ENTRY = re.compile(r'^\s*<div class="csl-entry">(.*)</div>\s*$', re.DOTALL)
STYLE_CLASSES = {
    "font-style:normal;": "csl-roman",
    "font-variant:small-caps;": "csl-small-caps",
    "font-variant:normal;": "csl-normal-variant",
    "font-weight:normal;": "csl-normal-weight",
    "text-decoration:none;": "csl-no-decoration",
    "text-decoration:underline;": "csl-underline",
    "baseline": "csl-baseline",
}
_SPAN_STYLE = re.compile(r'<span style="([^"]*)">')
ENTRY_TAGS = {"i", "b", "em", "sup", "sub", "span"}
_ENTRY_CLASSES = {"span": {"class": set(STYLE_CLASSES.values())}}

# Formatted entries by (style, CSL item as JSON): the editor's preview formats the same
# references again at each change of the text. Bounded; entries are a few hundred bytes.
CACHE_SIZE = 4096
_cache: OrderedDict[tuple[str, str], SafeString] = OrderedDict()
_cache_lock = threading.Lock()


def version_csl_item(version: ReferenceVersion) -> dict[str, Any]:
    """The version as a complete CSL-JSON item: its `csl` plus the identifier columns."""
    item: dict[str, Any] = {**version.csl, "id": version.reference.key}
    for name, column in (("DOI", version.doi), ("PMID", version.pmid), ("PMCID", version.pmcid)):
        if column:
            item[name] = column
    return item


def _formattable(version: ReferenceVersion) -> dict[str, Any]:
    item = version_csl_item(version)
    # Variables stored before the schema was checked would break citeproc: left out.
    item = {name: value for name, value in item.items() if not csl_problem(name, value)}
    item.pop("id", None)
    return item


def entry_html(raw: str) -> SafeString:
    """citeproc-js's HTML for one bibliography entry, without its number, safe to show."""
    match = _RIGHT_INLINE.search(raw) or _ENTRY.match(raw)
    inner = match.group(1) if match else raw
    inner = _SPAN_STYLE.sub(
        lambda m: (
            f'<span class="{STYLE_CLASSES[m.group(1)]}">'
            if m.group(1) in STYLE_CLASSES
            else "<span>"
        ),
        inner,
    )
    return mark_safe(  # noqa: S308 - sanitised just here
        nh3.clean(
            inner.strip(), tags=ENTRY_TAGS, attributes={}, tag_attribute_values=_ENTRY_CLASSES
        )
    )


def _fallback(item: dict[str, Any]) -> SafeString:
    """What is shown of an item citeproc-js refused: its title, escaped."""
    return SafeString(html.escape(str(item.get("title") or item.get("container-title") or "")))


def _bibliography(style: CitationStyle, items: list[dict[str, Any]]) -> list[SafeString]:
    numbered = [{**item, "id": str(number)} for number, item in enumerate(items)]
    try:
        return [entry_html(raw) for raw in bibliography_html(style=style.value, items=numbered)]
    except JSEvalException:
        if len(items) > 1:
            # Find the item at fault; the others are formatted as usual.
            return [entry for item in items for entry in _bibliography(style, [item])]
        logger.exception("citeproc-js could not format %r", items[0])
        return [_fallback(items[0])]


def references_format(
    *, versions: Sequence[ReferenceVersion], style: CitationStyle = CitationStyle.AMA
) -> list[SafeString]:
    """The bibliography entry of each version, in order, as safe HTML without its number.

    Entries not formatted before in this process take one citeproc-js call together.
    """
    items = [_formattable(version) for version in versions]
    keys = [(style.value, json.dumps(item, sort_keys=True)) for item in items]
    with _cache_lock:
        found = {key: _cache[key] for key in keys if key in _cache}
    missing = list({key: item for key, item in zip(keys, items, strict=True) if key not in found})
    if missing:
        by_key = dict(zip(keys, items, strict=True))
        formatted = _bibliography(style, [by_key[key] for key in missing])
        found.update(zip(missing, formatted, strict=True))
        with _cache_lock:
            _cache.update(zip(missing, formatted, strict=True))
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return [found[key] for key in keys]


def reference_format(
    *, version: ReferenceVersion, style: CitationStyle = CitationStyle.AMA, as_html: bool = True
) -> str:
    """One bibliography entry without its number: safe HTML, or plain text with `as_html=False`."""
    entry = references_format(versions=[version], style=style)[0]
    if as_html:
        return entry
    return html.unescape(nh3.clean(entry, tags=set()))


@dataclass(frozen=True)
class IdentifierLink:
    label: str
    value: str
    url: str
    name: str  # what the link opens, for its text: "DOI", "PubMed", "PMC"


def identifier_links(version: ReferenceVersion) -> list[IdentifierLink]:
    """The version's DOI, PMID and PMCID with their links (doi.org, PubMed, PMC), as stored:
    a DOI keeps its case. The public page, the review page and the workspace show these."""
    links = []
    if version.doi:
        # doi.org asks for `#`, `?`, `%`, `<`, `>` and spaces percent-encoded (SICI DOIs have some).
        url = f"https://doi.org/{quote(version.doi, safe='/:;()[]')}"
        links.append(IdentifierLink("DOI", version.doi, url, "DOI"))
    if version.pmid:
        url = f"https://pubmed.ncbi.nlm.nih.gov/{version.pmid}/"
        links.append(IdentifierLink("PMID", version.pmid, url, "PubMed"))
    if version.pmcid:
        url = f"https://pmc.ncbi.nlm.nih.gov/articles/{version.pmcid}/"
        links.append(IdentifierLink("PMCID", version.pmcid, url, "PMC"))
    return links
