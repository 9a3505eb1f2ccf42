"""Our AMA and NLM entries against citeproc-js: golden/citeproc_golden.json holds what the npm
package `citeproc` made of 169 CSL items of 16 types (golden/make_golden.js, run once); every
entry must show the same characters with the same formatting (italic, bold, super/subscript,
small capitals), sanitised, without its number."""

import json
import re
from collections import Counter, OrderedDict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from articles.references import formatting
from articles.references.formatting import (
    STYLE_CLASSES,
    CitationStyle,
    identifier_links,
    reference_format,
    references_format,
)
from articles.references.models import Reference, ReferenceVersion
from articles.references.rendering import ListedReference
from articles.references.services import CSL_TYPES
from tests.factories import ReferenceFactory

GOLDEN = json.loads((Path(__file__).parent / "golden" / "citeproc_golden.json").read_text("utf-8"))
ENTRIES = {entry["item"]["id"]: entry for entry in GOLDEN["items"]}
STYLES = {"AMA": CitationStyle.AMA, "NLM": CitationStyle.NLM}
IDENTIFIERS = {"DOI": "doi", "PMID": "pmid", "PMCID": "pmcid"}

# What each formatting means to a reader: citeproc-js writes inline styles, we write classes.
ITALIC, BOLD, SUP, SUB, SMALL_CAPS = "italic", "bold", "sup", "sub", "small-caps"
TAGS = {"i": (ITALIC, True), "em": (ITALIC, True), "b": (BOLD, True), "sup": (SUP, True)}
TAGS["sub"] = (SUB, True)
SPANS = {
    'style="font-style:normal;"': (ITALIC, False),
    'class="csl-roman"': (ITALIC, False),
    'style="font-variant:small-caps;"': (SMALL_CAPS, True),
    'class="csl-small-caps"': (SMALL_CAPS, True),
}


class _Runs(HTMLParser):
    """The text of an entry as (character, formatting) pairs; the number is left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[str, bool] | None]] = []
        self.chars: list[tuple[str, frozenset[str]]] = []
        self.in_number = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div":
            self.in_number = ("class", "csl-left-margin") in attrs
            return
        attributes = " ".join(f'{name}="{value}"' for name, value in attrs)
        effect = TAGS.get(tag) if tag != "span" else SPANS.get(attributes)
        assert tag in TAGS or tag == "span", f"unexpected tag <{tag}>"
        self.stack.append((tag, effect))

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self.in_number = False
            return
        opened, _ = self.stack.pop()
        assert opened == tag

    def handle_data(self, data: str) -> None:
        if self.in_number:
            return
        formatting: dict[str, bool] = {}
        for _, effect in self.stack:
            if effect:
                formatting[effect[0]] = effect[1]
        on = frozenset(name for name, value in formatting.items() if value)
        self.chars.extend((char, on) for char in data)


def runs(html: str) -> list[tuple[str, frozenset[str]]]:
    parser = _Runs()
    parser.feed(html)
    chars = parser.chars
    while chars and chars[0][0].isspace():
        chars.pop(0)
    while chars and chars[-1][0].isspace():
        chars.pop()
    merged: list[tuple[str, frozenset[str]]] = []
    for char, on in chars:
        if merged and merged[-1][1] == on:
            merged[-1] = (merged[-1][0] + char, on)
        else:
            merged.append((char, on))
    return merged


def version_of(item: dict[str, Any]) -> ReferenceVersion:
    """The item as a stored version holds it: identifiers in their columns, as given (a DOI in
    its registered case). Formatting reads nothing else, so the version is not saved."""
    csl = {key: value for key, value in item.items() if key not in IDENTIFIERS and key != "id"}
    columns = {IDENTIFIERS[key]: item[key] for key in IDENTIFIERS if key in item}
    return ReferenceVersion(reference=Reference(key=item["id"]), csl=csl, **columns)


def test_the_golden_set_is_large_and_varied():
    types = Counter(entry["item"]["type"] for entry in GOLDEN["items"])
    assert len(GOLDEN["items"]) >= 150
    assert len(set(types) & CSL_TYPES) >= 10  # types the library accepts
    assert {"book", "chapter", "report", "webpage", "thesis", "paper-conference"} <= set(types)
    assert {"dataset", "article"} <= set(types)


@pytest.mark.parametrize("style", list(STYLES))
def test_every_entry_is_what_citeproc_js_writes(style):
    items = [entry["item"] for entry in GOLDEN["items"]]
    # One bibliography, as a body's reference list is formatted.
    ours = references_format(versions=[version_of(item) for item in items], style=STYLES[style])
    different = [
        (item["id"], runs(entry), runs(ENTRIES[item["id"]][style]))
        for item, entry in zip(items, ours, strict=True)
        if runs(entry) != runs(ENTRIES[item["id"]][style])
    ]
    assert different == []


@pytest.mark.parametrize("style", list(STYLES))
def test_an_entry_formatted_alone_is_the_same(style):
    for key in ("demerec", "small-caps", "sereno2022", "web-who", "lancet2010"):
        ours = reference_format(version=version_of(ENTRIES[key]["item"]), style=STYLES[style])
        assert runs(ours) == runs(ENTRIES[key][style])


def golden_text(key: str, style: str = "AMA") -> str:
    return "".join(text for text, _ in runs(ENTRIES[key][style]))


def text(key: str, style: str = "AMA") -> str:
    version = version_of(ENTRIES[key]["item"])
    return reference_format(version=version, style=STYLES[style], as_html=False)


# The faults of the previous formatter (citeproc-py), each as citeproc-js writes it.


def test_page_ranges_nlm_minimal_and_ama_in_full():
    assert "336(7650):1\u201315." in text("guyatt2008--pages-1-15", "NLM")
    assert "1998;351(9103):637-641." in text("wakefield1998")  # stored as 637-41
    assert "2603-2615" in text("polack2020--short-range")  # stored as 2603-15


def test_a_work_without_an_author_prints_its_title_once():
    entry = text("lancet2010")
    assert entry.startswith("Retraction\u2014Ileal-lymphoid-nodular hyperplasia")
    assert entry.count("Ileal-lymphoid") == 1


def test_article_numbers_are_printed():
    assert "2022;11:e80092. doi:10.7554/eLife.80092" in text("sereno2022")
    assert "2022;11:e80092." in text("sereno2022--page")
    assert "2011;(4):CD001333." in text("cochrane-naltrexone")


def test_dois_keep_their_case():
    assert "doi:10.1056/NEJMoa2021436" in text("recovery2021")
    assert "doi:10.1056/NEJMoa2021436" in text("recovery2021", "NLM")


def test_rich_text_in_titles_is_formatted_not_escaped():
    html = reference_format(version=version_of(ENTRIES["drosophila"]["item"]))
    assert "The genome sequence of <i>Drosophila melanogaster</i>." in html
    html = reference_format(version=version_of(ENTRIES["h2o"]["item"]))
    assert "NO<sub>3</sub><sup>\u2212</sup>" in html
    # Roman inside an italic book title, as a class: the CSP allows no style attribute.
    html = reference_format(version=version_of(ENTRIES["demerec"]["item"]))
    assert '<i>Biology of <span class="csl-roman">Drosophila</span></i>' in html


def test_the_data_is_escaped_and_the_entry_sanitised():
    item = {
        "type": "article-journal",
        "title": 'Dose <script>alert(1)</script> <img src=x onerror="alert(2)"> & <b>bold</b>',
        "container-title": "J <a href='javascript:alert(3)'>Pain</a>",
        "author": [{"family": "O'Neil<iframe>", "given": "S"}],
        "issued": {"date-parts": [[2020]]},
        "id": "x",
    }
    for style in CitationStyle:
        html = reference_format(version=version_of(item), style=style)
        tags = _Tags()
        tags.feed(html)
        assert ("b", ()) in tags.seen  # rich text CSL allows
        assert tags.seen <= {("i", ()), ("b", ())}  # and the journal in italics (AMA)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>bold</b>" in html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, tuple[tuple[str, str | None], ...]]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add((tag, tuple(attrs)))


def test_every_style_class_is_styled_by_the_site_stylesheet():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text("utf-8")
    for name in STYLE_CLASSES.values():
        assert re.search(rf"\.{name}\b", css), name


def test_the_entry_has_no_number_of_its_own():
    assert text("sample-one-author").startswith("Kim WH. Ischiofemoral")


def test_identifier_links_keep_the_doi_case_and_encode_what_a_url_cannot_hold():
    version = ReferenceVersion(
        reference=Reference(key="x"),
        csl={},
        doi="10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2",
        pmid="9500320",
        pmcid="PMC113766",
    )
    links = {link.name: link.url for link in identifier_links(version)}
    assert links == {
        "DOI": "https://doi.org/10.1002/(SICI)1097-0258(19980815/30)17:15/16%3C1661::AID-SIM968%3E3.0.CO;2-2",
        "PubMed": "https://pubmed.ncbi.nlm.nih.gov/9500320/",
        "PMC": "https://pmc.ncbi.nlm.nih.gov/articles/PMC113766/",
    }


@pytest.mark.django_db
def test_a_stored_reference_is_formatted_from_its_version():
    reference = ReferenceFactory(key="sereno2022", csl=ENTRIES["sereno2022--page"]["item"])
    html = reference_format(version=reference.current_version)
    assert html.startswith("Sereno PC, Myhrvold N. Spinosaurus is not an aquatic dinosaur.")


@pytest.mark.parametrize(
    "template",
    ["articles/partials/reference_list.html", "editorial/partials/review_references.html"],
)
def test_reference_lists_link_the_identifiers_as_stored(template):
    version = version_of(ENTRIES["sereno2022"]["item"])
    entry = ListedReference(number=1, version=version, html=reference_format(version=version))
    page = render_to_string(template, {"references": [entry], "audience": None})
    assert '<a href="https://doi.org/10.7554/eLife.80092">DOI</a>' in page
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/36448670/">PubMed</a>' in page
    assert '<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC9711522/">PMC</a>' in page
    assert "<i>eLife</i>. 2022;11:e80092. doi:10.7554/eLife.80092" in page


def test_the_entry_cache_follows_the_data_and_stays_bounded(monkeypatch):
    monkeypatch.setattr(formatting, "CACHE_SIZE", 3)
    monkeypatch.setattr(formatting, "_cache", OrderedDict())
    keys = ["drosophila", "h2o", "vitd", "ca2", "ecoli"]
    entries = references_format(versions=[version_of(ENTRIES[key]["item"]) for key in keys])
    assert len(formatting._cache) == 3
    assert [runs(entry) for entry in entries] == [runs(ENTRIES[key]["AMA"]) for key in keys]
    corrected = {**ENTRIES["ca2"]["item"], "title": "A corrected title"}
    assert "A corrected title." in reference_format(version=version_of(corrected))
