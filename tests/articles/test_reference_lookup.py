"""Add by identifier, the service: a DOI, PMID or PMCID read from doi.org or PubMed's citation
exporter (replayed by tests/lookup_replay.py from tests/articles/lookup_responses/) and read as
a CSL-JSON import reads it; the library's reference when it holds the identifier; a clear
refusal, within the timeout, when the service fails."""

import time

import pytest

from articles.references.lookup import (
    LOOKUP_NOT_FOUND,
    LOOKUP_OFF,
    LOOKUP_TIMEOUT,
    LOOKUP_UNAVAILABLE,
    LOOKUP_UNREADABLE,
    LOOKUP_UNRECOGNISED,
    LookupFailed,
    identifier_lookup,
    identifier_parse,
)
from articles.references.models import IdentifierScheme, ReferenceType
from articles.references.services import reference_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "scheme", "value"),
    [
        ("10.1136/bmj.a1302", "doi", "10.1136/bmj.a1302"),
        ("https://doi.org/10.1136/BMJ.A1302.", "doi", "10.1136/BMJ.A1302"),
        ("doi: 10.1136/bmj.a1302", "doi", "10.1136/bmj.a1302"),
        ("18812414", "pmid", "18812414"),
        ("PMID: 18812414", "pmid", "18812414"),
        ("https://pubmed.ncbi.nlm.nih.gov/18812414/", "pmid", "18812414"),
        ("pmc113766", "pmcid", "PMC113766"),
        ("PMCID: PMC113766", "pmcid", "PMC113766"),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC113766/", "pmcid", "PMC113766"),
    ],
)
def test_any_accepted_form_of_an_identifier_is_read(text, scheme, value):
    identifier = identifier_parse(text)
    assert (identifier.scheme, identifier.value) == (IdentifierScheme(scheme), value)


def test_text_that_is_no_identifier_is_refused_with_examples():
    with pytest.raises(LookupFailed, match="is not a DOI, PMID or PMCID") as caught:
        identifier_parse("tendon pathology")
    assert caught.value.http_status == 400
    assert str(caught.value) == LOOKUP_UNRECOGNISED.format(value="tendon pathology")


def test_a_doi_is_read_from_crossrefs_csl_json_as_an_import_reads_it(lookup_replay):
    result = identifier_lookup(text="https://doi.org/10.1136/bmj.a1302")

    record = result.record
    assert result.existing is None
    assert record is not None
    # doi.org was asked for CSL-JSON (else it answers the landing page) and redirected to
    # Crossref, as the real one does.
    assert lookup_replay.requests == ["/doi/10.1136/bmj.a1302", "/crossref/10.1136/bmj.a1302"]
    assert record.doi == "10.1136/bmj.a1302"
    assert record.type == ReferenceType.RESEARCH
    csl = record.csl
    assert csl["type"] == "article-journal"  # Crossref's "journal-article"
    assert csl["title"].startswith("Paracetamol plus ibuprofen for the treatment of fever")
    assert csl["author"][0] == {"family": "Hay", "given": "A. D."}  # no `sequence`, `affiliation`
    assert csl["issued"] == {"date-parts": [[2008, 9, 2]]}
    assert csl["ISSN"] == "0959-8138, 1468-5833"
    assert csl["container-title-short"] == "BMJ"
    # Crossref's own keys are not CSL and are left out.
    assert not {"indexed", "member", "link", "issn-type", "reference-count"} & set(csl)


def test_a_pmid_is_read_from_pubmeds_exporter_without_the_day_of_the_lookup(lookup_replay):
    record = identifier_lookup(text="PMID: 18812414").record

    assert record is not None
    assert lookup_replay.requests == ["/ctxp/pubmed/?format=csl&id=18812414"]
    assert (record.pmid, record.doi, record.pmcid) == ("18812414", "10.1136/bjsm.2008.051193", "")
    assert record.csl["author"] == [
        {"family": "Cook", "given": "J L"},
        {"family": "Purdam", "given": "C R"},
    ]
    assert record.csl["issued"] == {"date-parts": [[2009, 6]]}
    assert record.csl["container-title-short"] == "Br J Sports Med"
    assert "accessed" not in record.csl  # the day NCBI was asked, not a reading date


def test_a_pmcid_is_read_from_the_pmc_exporter(lookup_replay):
    record = identifier_lookup(text="pmc113766").record

    assert record is not None
    assert lookup_replay.requests == ["/ctxp/pmc/?format=csl&id=PMC113766"]
    assert (record.pmcid, record.pmid) == ("PMC113766", "12039823")
    assert record.csl["author"][0] == {"family": "van der Linden", "given": "Paul D"}


def test_an_identifier_the_library_holds_gives_its_reference_without_asking(lookup_replay, editor):
    held = reference_create(
        key="hay2008",
        actor=editor,
        type="research",
        csl={"type": "article-journal", "title": "PITCH"},
        doi="10.1136/BMJ.A1302",
    ).version.reference

    result = identifier_lookup(text="https://www.doi.org/10.1136/bmj.a1302.")

    assert result.existing == held
    assert result.record is None
    assert lookup_replay.requests == []


def test_a_record_naming_an_identifier_the_library_holds_is_that_reference(lookup_replay, editor):
    """Looked up by PMID, the record's DOI is the library's already."""
    held = reference_create(
        key="cook2009",
        actor=editor,
        type="review",
        csl={"type": "article-journal", "title": "Tendon continuum"},
        doi="10.1136/bjsm.2008.051193",
    ).version.reference

    result = identifier_lookup(text="18812414")

    assert result.existing == held
    assert result.record is not None
    assert result.record.pmid == "18812414"


@pytest.mark.parametrize(
    ("text", "scheme"),
    [("10.1136/bmj.unknown", "DOI"), ("99999999", "PMID"), ("PMC999", "PMCID")],
)
def test_an_identifier_unknown_to_the_service_is_not_found(lookup_replay, text, scheme):
    with pytest.raises(LookupFailed) as caught:
        identifier_lookup(text=text)
    assert caught.value.http_status == 404
    assert str(caught.value).endswith(
        f"has no record of {scheme} {identifier_parse(text).value}: check the identifier."
    )


def test_a_service_that_fails_is_named_with_its_answer(lookup_replay):
    lookup_replay.status = 503
    with pytest.raises(LookupFailed, match=r"cannot be reached now \(it answered 503") as caught:
        identifier_lookup(text="18812414")
    assert caught.value.http_status == 502


def test_a_service_that_is_away_is_said_so(settings, db):
    settings.IMPRIMATUR_PUBMED_LOOKUP_URL = "http://127.0.0.1:9/ctxp/"  # nothing listens
    with pytest.raises(LookupFailed, match="cannot be reached now") as caught:
        identifier_lookup(text="18812414")
    assert caught.value.http_status == 502
    assert str(caught.value) == LOOKUP_UNAVAILABLE.format(
        service="PubMed's citation exporter", problem="[Errno 111] Connection refused"
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html>Landing page</html>", "not CSL-JSON"),
        (b'{"title": "A work", "type": "journal-article", "DOI": "not a doi"}', "is not a DOI"),
        (b'[{"title": "One"}, {"title": "Two"}]', "expected one CSL-JSON item"),
        (b'{"type": "article-journal"}', "needs a title"),
    ],
)
def test_an_answer_that_cannot_be_read_is_refused_naming_why(lookup_replay, body, problem):
    lookup_replay.body = body
    with pytest.raises(LookupFailed, match=problem) as caught:
        identifier_lookup(text="10.1136/bmj.a1302")
    assert caught.value.http_status == 502
    assert str(caught.value).startswith(
        LOOKUP_UNREADABLE.format(service="doi.org (Crossref, DataCite)", problem="")[:50]
    )


def test_the_identifier_asked_for_is_kept_when_the_answer_leaves_it_out(lookup_replay):
    lookup_replay.body = b'{"title": "A dataset", "type": "dataset", "publisher": "Zenodo"}'
    record = identifier_lookup(text="10.5281/zenodo.123").record
    assert record is not None
    assert record.doi == "10.5281/zenodo.123"


def test_a_slow_service_never_holds_the_page_past_the_timeout(lookup_replay, settings):
    settings.IMPRIMATUR_IDENTIFIER_LOOKUP_TIMEOUT = 0.5
    lookup_replay.delay = 3
    started = time.monotonic()
    with pytest.raises(LookupFailed) as caught:
        identifier_lookup(text="18812414")
    assert time.monotonic() - started < 1.5
    assert caught.value.http_status == 504
    assert str(caught.value) == LOOKUP_TIMEOUT.format(
        service="PubMed's citation exporter", seconds=0.5
    )


def test_lookups_turned_off_ask_no_one(lookup_replay, settings):
    settings.IMPRIMATUR_IDENTIFIER_LOOKUP = False
    with pytest.raises(LookupFailed, match=LOOKUP_OFF):
        identifier_lookup(text="18812414")
    assert lookup_replay.requests == []


def test_not_found_message_names_the_service_and_identifier():
    assert LOOKUP_NOT_FOUND.format(service="S", scheme="PMID", value="1") == (
        "S has no record of PMID 1: check the identifier."
    )
