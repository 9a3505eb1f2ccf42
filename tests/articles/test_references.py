"""References: append-only versions, their diff, identifiers and duplicates."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Reference, ReferenceIdentifier, ReferenceStatus, ReferenceVersion
from articles.references import identifiers
from articles.references.identifiers import (
    IdentifierInvalid,
    doi_normalise,
    identifier_key,
    pmcid_normalise,
    pmid_normalise,
)
from articles.references.models import VERSION_IMMUTABLE
from articles.references.selectors import (
    FieldChange,
    reference_version_diff,
    references_near_duplicates,
)
from articles.references.services import (
    CHANGE_NOTE_REQUIRED,
    IDENTIFIER_TAKEN,
    KEY_TAKEN,
    NEAR_DUPLICATE,
    NO_CHANGE,
    ReferenceInvalid,
    reference_create,
    reference_version_create,
)
from tests.factories import ReferenceFactory

CSL = {
    "type": "article-journal",
    "title": "Ischiofemoral impingement in runners",
    "author": [{"family": "Kim", "given": "Wan-Hee"}],
    "container-title": "Am J Sports Med",
    "issued": {"date-parts": [[2013, 6]]},
}


def _create(editor, key="kim2013-ischiofemoral", **kwargs):  # type: ignore[no-untyped-def]
    return reference_create(key=key, actor=editor, type="research", csl=CSL, **kwargs)


# --- versions --------------------------------------------------------------------------------


def test_create_makes_version_one_with_indexed_columns(editor):
    version = _create(editor, doi="https://doi.org/10.1177/ABC", evidence_level="ocebm_2").version
    assert version.number == 1
    assert version.reference.current_version == version
    assert (version.title, version.year, version.container) == (
        "Ischiofemoral impingement in runners",
        2013,
        "Am J Sports Med",
    )
    assert version.doi == "10.1177/ABC"  # its registered case
    assert version.changed_by == editor


def test_editing_adds_a_version_and_keeps_the_old_one(editor, reviewer):
    first = _create(editor).version
    changed = {**CSL, "volume": "41"}
    second = reference_version_create(
        reference=first.reference,
        actor=reviewer,
        type="research",
        csl=changed,
        status=ReferenceStatus.CORRECTED,
        change_note="Erratum: volume",
    ).version
    first.refresh_from_db()
    assert second.number == 2
    assert "volume" not in first.csl
    assert Reference.objects.get().current_version == second
    assert list(ReferenceVersion.objects.values_list("number", flat=True)) == [2, 1]
    assert (second.changed_by, second.change_note) == (reviewer, "Erratum: volume")


def test_a_version_cannot_be_saved_again_or_deleted(editor):
    version = _create(editor).version
    version.change_note = "rewritten"
    with pytest.raises(ValidationError, match=VERSION_IMMUTABLE):
        version.save()
    with pytest.raises(ValidationError, match=VERSION_IMMUTABLE):
        version.delete()


def test_new_version_needs_a_change_note(editor):
    reference = _create(editor).version.reference
    with pytest.raises(ReferenceInvalid, match=CHANGE_NOTE_REQUIRED):
        reference_version_create(
            reference=reference, actor=editor, type="review", csl=CSL, change_note=" "
        )


def test_new_version_identical_to_the_current_one_is_refused(editor):
    reference = _create(editor).version.reference
    with pytest.raises(ReferenceInvalid, match=NO_CHANGE.format(number=1)):
        reference_version_create(
            reference=reference, actor=editor, type="research", csl=CSL, change_note="again"
        )
    assert reference.versions.count() == 1


def test_key_must_be_slug_like_and_unique(editor):
    with pytest.raises(ReferenceInvalid, match="is not a reference key"):
        _create(editor, key="Kim 2013")
    _create(editor)
    with pytest.raises(ReferenceInvalid, match=KEY_TAKEN.format(key="kim2013-ischiofemoral")):
        _create(editor)


@pytest.mark.parametrize(
    ("csl", "message"),
    [
        ({**CSL, "title": ""}, "needs a title"),
        ({**CSL, "type": "poem"}, "is not a CSL type"),
        ({**CSL, "author": [{"given": "Ann"}]}, "must be a list of names"),
        ({**CSL, "issued": {"date-parts": [["2013"]]}}, "`issued` must be"),
    ],
)
def test_invalid_csl_is_refused(editor, csl, message):
    with pytest.raises(ReferenceInvalid, match=message):
        reference_create(key="x1", actor=editor, type="research", csl=csl)
    assert not Reference.objects.exists()


def test_diff_lists_each_changed_field(editor):
    first = _create(editor, pmid="123").version
    second = reference_version_create(
        reference=first.reference,
        actor=editor,
        type="systematic_review",
        csl={
            **CSL,
            "author": [{"family": "Kim", "given": "W"}, {"literal": "HIP Group"}],
            "page": "e1-e9",
        },
        pmid="123",
        status=ReferenceStatus.RETRACTED,
        change_note="Retracted",
    ).version
    assert reference_version_diff(old=first, new=second) == [
        FieldChange(field="type", old="research", new="systematic_review"),
        FieldChange(field="status", old="active", new="retracted"),
        FieldChange(field="author", old="Kim Wan-Hee", new="Kim W; HIP Group"),
        FieldChange(field="page", old="", new="e1-e9"),
    ]
    assert reference_version_diff(old=first, new=first) == []


# --- identifiers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("10.1177/0363546513483448", "10.1177/0363546513483448"),
        ("https://doi.org/10.1002/14651858.CD004376.pub4", "10.1002/14651858.CD004376.pub4"),
        ("http://dx.doi.org/10.1000/ABC(1)", "10.1000/ABC(1)"),
        ("doi: 10.1016/S0140-6736(20)30001-2", "10.1016/S0140-6736(20)30001-2"),
        ("DOI:10.1056/NEJMoa2034577 ", "10.1056/NEJMoa2034577"),
        ("https://www.doi.org/10.1136/bmj.m1234.", "10.1136/bmj.m1234"),
        # A SICI DOI holds <, >, # and ; in its suffix.
        (
            "10.1002/(SICI)1097-4636(199812)43:4<348::AID-JBM1>3.0.CO;2-F",
            "10.1002/(SICI)1097-4636(199812)43:4<348::AID-JBM1>3.0.CO;2-F",
        ),
    ],
)
def test_doi_keeps_its_registered_case_without_link_prefix_or_full_stop(raw, normal):
    assert doi_normalise(raw) == normal
    # Compared case-insensitively, through one key.
    assert identifier_key("doi", doi_normalise(raw)) == normal.lower()


def test_a_pmid_longer_than_ten_digits_is_refused():
    assert pmid_normalise("PMID: 0031000001") == "31000001"
    with pytest.raises(IdentifierInvalid, match="is not a PMID"):
        pmid_normalise("1234567890123")


@pytest.mark.parametrize("raw", ["10.12/abc", "11.1177/abc", "10.1177/", "doi.org/10.1177/x y"])
def test_invalid_doi_is_refused(raw):
    with pytest.raises(IdentifierInvalid, match="is not a DOI"):
        doi_normalise(raw)


def test_pmid_is_digits_only():
    assert pmid_normalise(" PMID: 29000001 ") == "29000001"
    for bad in ["2900a", "PMC123", "0", "١٢٣"]:
        with pytest.raises(IdentifierInvalid, match="is not a PMID"):
            pmid_normalise(bad)


def test_pmcid_keeps_its_prefix():
    assert pmcid_normalise("pmc3619390") == "PMC3619390"
    assert pmcid_normalise("PMC3619390") == "PMC3619390"
    with pytest.raises(IdentifierInvalid, match="is not a PMCID"):
        pmcid_normalise("3619390")


def test_identifiers_in_csl_are_normalised_into_columns(editor):
    csl = {**CSL, "DOI": "https://doi.org/10.1177/XYZ", "PMID": "77", "PMCID": "pmc5"}
    version = reference_create(key="k1", actor=editor, type="research", csl=csl).version
    assert (version.doi, version.pmid, version.pmcid) == ("10.1177/XYZ", "77", "PMC5")
    assert "DOI" not in version.csl
    assert set(version.reference.identifiers.values_list("scheme", "value")) == {
        ("doi", "10.1177/xyz"),
        ("pmid", "77"),
        ("pmcid", "PMC5"),
    }


def test_invalid_identifier_refuses_the_write(editor):
    with pytest.raises(ReferenceInvalid, match=identifiers.PMID_INVALID.format(value="x")[:6]):
        _create(editor, pmid="x")
    assert not Reference.objects.exists()


@pytest.mark.parametrize(
    ("scheme", "kwargs", "label", "value"),
    [
        ("doi", {"doi": "doi:10.1177/ABC"}, "DOI", "10.1177/abc"),
        ("pmid", {"pmid": "123"}, "PMID", "123"),
        ("pmcid", {"pmcid": "pmc9"}, "PMCID", "PMC9"),
    ],
)
def test_two_references_cannot_share_an_identifier(editor, scheme, kwargs, label, value):
    _create(editor, key="first", **{scheme: kwargs[scheme].upper()})
    message = IDENTIFIER_TAKEN.format(scheme=label, value=value, key="first")
    with pytest.raises(ReferenceInvalid, match=message.replace("(", r"\(")):
        reference_create(
            key="second", actor=editor, type="research", csl={**CSL, "title": "Other"}, **kwargs
        )
    assert not Reference.objects.filter(key="second").exists()


def test_identifier_follows_the_current_version(editor):
    first = _create(editor, key="first", doi="10.1177/abc").version
    reference_version_create(
        reference=first.reference,
        actor=editor,
        type="research",
        csl=CSL,
        doi="10.1177/def",
        change_note="Wrong DOI",
    )
    # The old DOI is free again; the old version still records it.
    _create(editor, key="second", doi="10.1177/abc")
    first.refresh_from_db()
    assert first.doi == "10.1177/abc"
    assert ReferenceIdentifier.objects.get(reference=first.reference).value == "10.1177/def"


def test_database_refuses_a_shared_identifier(editor):
    ref = _create(editor, key="first", doi="10.1177/abc").version.reference
    other = _create(editor, key="second").version.reference
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceIdentifier.objects.create(reference=other, scheme="doi", value="10.1177/abc")
    assert ref.identifiers.count() == 1


# --- near duplicates -------------------------------------------------------------------------


def test_near_duplicate_is_a_warning_not_an_error(editor):
    _create(editor, key="first")
    written = reference_create(
        key="second",
        actor=editor,
        type="research",
        csl={**CSL, "title": "  ISCHIOFEMORAL impingement, in runners! "},
    )
    assert written.warnings == [NEAR_DUPLICATE.format(keys="first")]
    assert Reference.objects.count() == 2


def test_near_duplicates_need_the_same_year(db):
    ReferenceFactory(key="a", title="Hip pain", year=2019)
    ReferenceFactory(key="b", title="Hip Pain.", year=2019)
    ReferenceFactory(key="c", title="Hip pain", year=2020)
    keys = references_near_duplicates(title="hip  pain", year=2019).values_list("key", flat=True)
    assert list(keys) == ["a", "b"]


def test_an_unknown_evidence_level_is_refused(editor):
    with pytest.raises(ReferenceInvalid, match="'grade-moderate' is not an evidence level"):
        reference_create(
            key="kim2013",
            actor=editor,
            type="research",
            csl={"type": "article-journal", "title": "Graded loading"},
            evidence_level="grade-moderate",
        )
    assert not Reference.objects.exists()
