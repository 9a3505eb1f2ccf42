"""Golden AMA and NLM entries for twelve kinds of reference, and our corrections of citeproc-py."""

import json
from pathlib import Path

import pytest

from articles.references.formatting import CitationStyle, reference_format
from tests.articles.reference_samples import SAMPLES
from tests.factories import ReferenceFactory

# Reviewed once by hand against the AMA Manual of Style 11th ed. and Citing Medicine 2nd ed.
GOLDEN = json.loads((Path(__file__).parent / "golden_references.json").read_text("utf-8"))
AMA_GOLDEN, NLM_GOLDEN = GOLDEN["AMA"], GOLDEN["NLM"]
EN_DASH = "\u2013"


@pytest.fixture
def sample(db):
    def build(name: str, **kwargs):  # type: ignore[no-untyped-def]
        reference = ReferenceFactory(key=name, csl=SAMPLES[name], **kwargs)
        return reference.current_version

    return build


@pytest.mark.parametrize("name", list(SAMPLES))
def test_ama_entry(sample, name):
    version = sample(name)
    assert reference_format(version=version, as_html=False) == AMA_GOLDEN[name]


@pytest.mark.parametrize("name", list(SAMPLES))
def test_nlm_entry(sample, name):
    version = sample(name)
    text = reference_format(version=version, style=CitationStyle.NLM, as_html=False)
    assert text == NLM_GOLDEN[name]


def test_golden_set_covers_the_required_kinds():
    assert len(SAMPLES) >= 12
    authors = {len(s.get("author", [])) for s in SAMPLES.values() if s["type"] == "article-journal"}
    assert {1, 3, 6, 7} <= authors
    assert {"book", "chapter", "webpage", "report"} <= {s["type"] for s in SAMPLES.values()}


def test_ama_lists_three_authors_then_et_al_from_seven(sample):
    assert reference_format(version=sample("seven-authors"), as_html=False).startswith(
        "Garcia A, Hughes B, Ito K, et al. Achilles"
    )


def test_html_entry_italicises_the_journal_and_escapes_the_data(sample):
    html = reference_format(version=sample("escaping"))
    assert html == (
        "O'Neil S. Dose &lt;b&gt;escalation&lt;/b&gt; &amp; tolerance. "
        "<i>J Pain &amp; Symptom Manage</i>. 2020;60:7-9."
    )


def test_entry_has_no_number_of_its_own(sample):
    # citeproc-py writes "1.Kim WH" (no space); the list numbers entries itself.
    html = reference_format(version=sample("one-author"))
    assert html.startswith("Kim WH. Ischiofemoral")


# Corrections of citeproc-py: each shows the correct text.


def test_nlm_dates_have_spaces(sample):
    # citeproc-py writes "2018Feb14" and "2013Jun".
    assert "2018 Feb 14;52(3)" in NLM_GOLDEN["three-authors"]
    version = sample("three-authors")
    assert "2018 Feb 14;52(3)" in reference_format(
        version=version, style=CitationStyle.NLM, as_html=False
    )
    one = reference_format(version=sample("one-author"), style=CitationStyle.NLM)
    assert "2013 Jun;41(6)" in one


def test_nlm_cited_date_has_spaces(sample):
    text = reference_format(version=sample("website"), style=CitationStyle.NLM, as_html=False)
    assert "[cited 2024 Mar 5]" in text


@pytest.mark.parametrize("style", list(CitationStyle))
def test_e_page_range_is_not_shortened(sample, style):
    # citeproc-py shortens it as if numeric: "e012345" + EN_DASH + "50".
    text = reference_format(version=sample("e-pages"), style=style, as_html=False)
    assert "e012345-e012350" in text
    assert f"{EN_DASH}50" not in text


def test_numeric_page_range_is_still_shortened_in_nlm(sample):
    text = reference_format(version=sample("one-author"), style=CitationStyle.NLM, as_html=False)
    assert "1234\u20139" in text
