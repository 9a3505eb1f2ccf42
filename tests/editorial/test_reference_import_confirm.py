"""Import confirm in the editorial service: new records and conflicts taken as new versions."""

import re

import pytest

from articles.models import Reference, ReferenceVersion
from articles.references.importing import (
    IMPORTED_VERSION_NOTE,
    ImportInvalid,
    records_parse,
    references_import_confirm,
)
from articles.references.importing.service import NOT_CONFLICT, NOT_MATCHED, SAME_TARGET
from articles.references.services import reference_create

RIS = (
    "TY  - JOUR\nID  - kim2013\nAU  - Kim, Wan-Hee\nTI  - Ischiofemoral impingement\n"
    "T2  - Am J Sports Med\nVL  - 41\nPY  - 2013\nDO  - 10.1177/0363546513483448\nER  -\n\n"
    "TY  - JOUR\nAU  - Doe, Jane\nTI  - Running volume and hip injury\nPY  - 2018\nER  -\n"
)


@pytest.fixture
def existing(editor) -> Reference:
    """kim2013 as the library has it: same DOI, an older volume, our own judgement."""
    record = records_parse(data=RIS, format="ris")[0]
    return reference_create(
        key="kim2013",
        actor=editor,
        type="systematic_review",
        csl={**record.csl, "volume": "40"},
        doi="10.1177/0363546513483448",
        evidence_level="grade_moderate",
        status="corrected",
    ).version.reference


def test_a_conflicting_record_becomes_the_next_version_keeping_our_judgement(editor, existing):
    records = records_parse(data=RIS, format="ris")
    done = references_import_confirm(
        records=records,
        actor=editor,
        confirmed=[2],
        new_versions={1: "kim2013"},
        change_note="Volume corrected from the publisher's RIS",
    )
    assert [r.key for r in done.created] == ["doe2018-running"]
    (version,) = done.revised
    existing.refresh_from_db()
    assert existing.current_version == version
    assert (version.number, version.csl["volume"], version.changed_by) == (2, "41", editor)
    assert version.change_note == "Volume corrected from the publisher's RIS"
    assert (version.type, version.evidence_level, version.status) == (
        "systematic_review",
        "grade_moderate",
        "corrected",
    )
    assert existing.versions.get(number=1).csl["volume"] == "40"  # history kept


def test_the_default_change_note_says_it_came_from_a_file(editor, existing):
    records = records_parse(data=RIS, format="ris")
    done = references_import_confirm(
        records=records, actor=editor, confirmed=[], new_versions={1: "kim2013"}
    )
    assert done.created == []
    assert done.revised[0].change_note == IMPORTED_VERSION_NOTE


@pytest.mark.parametrize(
    ("new_versions", "message"),
    [
        (
            {2: "kim2013"},
            NOT_CONFLICT.format(index=2, label="'Running volume and hip injury'", status="new"),
        ),
        (
            {1: "other"},
            NOT_MATCHED.format(index=1, label="kim2013", key="other", matches="kim2013"),
        ),
        ({9: "kim2013"}, "There is no record 9 in the file (it holds 2)."),
    ],
)
def test_a_wrong_choice_imports_nothing(editor, existing, new_versions, message):
    records = records_parse(data=RIS, format="ris")
    with pytest.raises(ImportInvalid, match=re.escape(message)):
        references_import_confirm(
            records=records, actor=editor, confirmed=[2], new_versions=new_versions
        )
    assert Reference.objects.count() == 1
    assert ReferenceVersion.objects.count() == 1


def test_two_records_cannot_both_revise_one_reference(editor, existing):
    twice = RIS.split("\n\n")[0] + "\n\n" + RIS.split("\n\n")[0].replace("VL  - 41", "VL  - 42")
    records = records_parse(data=twice, format="ris")
    with pytest.raises(
        ImportInvalid, match=re.escape(SAME_TARGET.format(first=1, second=2, key="kim2013"))
    ):
        references_import_confirm(
            records=records, actor=editor, confirmed=[], new_versions={1: "kim2013", 2: "kim2013"}
        )
    assert ReferenceVersion.objects.count() == 1


def test_a_refused_version_names_the_record_and_rolls_back_the_new_ones(editor, existing):
    # The conflicting record carries a PMID another reference already holds.
    reference_create(
        key="held",
        actor=editor,
        type="research",
        csl={"type": "article-journal", "title": "Held", "issued": {"date-parts": [[2001]]}},
        pmid="123456",
    )
    # From PubMed (DB), the accession number is the PMID.
    text = RIS.replace("VL  - 41\n", "VL  - 41\nDB  - PubMed\nAN  - 123456\n")
    records = records_parse(data=text, format="ris")
    with pytest.raises(ImportInvalid, match=r"^Record 1 \(kim2013\): PMID 123456 already belongs"):
        references_import_confirm(
            records=records, actor=editor, confirmed=[2], new_versions={1: "kim2013"}
        )
    assert sorted(Reference.objects.values_list("key", flat=True)) == ["held", "kim2013"]
    assert ReferenceVersion.objects.count() == 2
