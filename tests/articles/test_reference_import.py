"""Import (RIS, BibTeX, CSL-JSON, MEDLINE) with preview, and export round trips."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Reference, ReferenceIdentifier, ReferenceVersion
from articles.references import exporting
from articles.references.exporting import ExportFormat, references_export, references_export_pieces
from articles.references.importing import (
    ImportFormat,
    ImportInvalid,
    RowStatus,
    bibtex_writer,
    csljson,
    format_detect,
    import_preview,
    records_parse,
    references_import,
    ris,
)
from articles.references.importing.records import key_base
from articles.references.selectors import references_all
from articles.references.services import reference_create
from tests.articles.reference_samples import SAMPLES

TYPES = {
    "organisation-guideline": "guideline",
    "systematic-review": "systematic_review",
    "book": "textbook",
    "book-chapter": "textbook",
    "website": "website",
}

RIS = """TY  - JOUR
AU  - Kim, Wan-Hee
TI  - Ischiofemoral impingement in runners
T2  - Am J Sports Med
VL  - 41
SP  - 1234
EP  - 1239
PY  - 2013
DO  - https://doi.org/10.1177/0363546513483448
ER  -

TY  - RPRT
AU  - National Guideline Centre
TI  - Management of chronic low back pain
PB  - NICE
PY  - 2021
M3  - Guideline
ER  -
"""

BIBTEX = r"""
@article{Okafor2018,
  title = {Hamstring strain recurrence after {ACL} return \& play},
  author = {Okafor, Chidi and Lindqvist, Anna Maria and {World Health Organization}},
  journal = {Br J Sports Med},
  year = {2018}, month = {2},
  pages = {101--108},
  pmid = {29000001},
}
"""

MEDLINE = """PMID- 31000002
OWN - NLM
TI  - Exercise therapy for knee osteoarthritis: a systematic review and
      meta-analysis.
FAU - Patel, Ravi
AU  - Patel R
CN  - Knee Study Group
TA  - Cochrane Database Syst Rev
VI  - 4
PG  - CD004376
DP  - 2022 Apr 20
PT  - Journal Article
PT  - Meta-Analysis
AID - 10.1002/14651858.CD004376.pub4 [doi]
PMC - PMC9000001

PMID- 31000003
TI  - A second record.
AU  - Doe J
DP  - 2019
"""


def _library(editor) -> list[Reference]:  # type: ignore[no-untyped-def]
    for name, csl in SAMPLES.items():
        reference_create(
            key=f"sample-{name}",
            actor=editor,
            type=TYPES.get(name, "research"),
            csl=csl,
            evidence_level="grade_high" if name == "book" else "",
        )
    return list(references_all())


# --- parsing -------------------------------------------------------------------------------


def test_ris_parses_into_csl_with_normalised_identifiers_and_type():
    first, second = records_parse(data=RIS.encode(), format=ImportFormat.RIS)
    assert first.csl["author"] == [{"family": "Kim", "given": "Wan-Hee"}]
    assert (first.csl["page"], first.csl["issued"]) == ("1234-1239", {"date-parts": [[2013]]})
    assert (first.doi, first.type) == ("10.1177/0363546513483448", "research")
    assert second.csl["author"] == [{"literal": "National Guideline Centre"}]
    assert (second.csl["type"], second.type) == ("report", "guideline")


def test_bibtex_decodes_latex_and_keeps_organisations_whole():
    (record,) = records_parse(data=BIBTEX, format=ImportFormat.BIBTEX)
    assert record.csl["title"] == "Hamstring strain recurrence after ACL return & play"
    assert record.csl["author"][1] == {"family": "Lindqvist", "given": "Anna Maria"}
    assert record.csl["author"][2] == {"literal": "World Health Organization"}
    assert (record.csl["page"], record.csl["issued"]) == ("101-108", {"date-parts": [[2018, 2]]})
    assert (record.pmid, record.key_hint) == ("29000001", "Okafor2018")


def test_medline_joins_continuations_and_reads_publication_types():
    first, second = records_parse(data=MEDLINE, format=ImportFormat.MEDLINE)
    assert first.csl["title"] == (
        "Exercise therapy for knee osteoarthritis: a systematic review and meta-analysis"
    )
    assert first.csl["author"] == [
        {"family": "Patel", "given": "Ravi"},
        {"literal": "Knee Study Group"},
    ]
    assert first.csl["issued"] == {"date-parts": [[2022, 4, 20]]}
    assert (first.pmid, first.pmcid, first.doi) == (
        "31000002",
        "PMC9000001",
        "10.1002/14651858.CD004376.pub4",  # its registered case
    )
    assert first.type == "meta_analysis"
    assert second.csl["author"] == [{"family": "Doe", "given": "J"}]


@pytest.mark.parametrize(
    ("format", "data", "message"),
    [
        (
            ImportFormat.RIS,
            "TY  - JOUR\nTI  - Fine\nER  - \n\nTY  - JOUR\nAU  - Kim, W\nER  - \n",
            r"Record 2 \(starting 'line 5: TY  - JOUR'\): The CSL-JSON item needs a title",
        ),
        (
            ImportFormat.RIS,
            "TY  - JOUR\nID  - bad1\nTI  - T\nDO  - 10.x\nER  - \n",
            r"Record 1 \(bad1\): '10.x' is not a DOI",
        ),
        (ImportFormat.BIBTEX, "@article{a, title={A}, year={2001}}\n@misc{b,", "line 2"),
        (ImportFormat.CSL_JSON, "[{", "not valid CSL-JSON"),
        (
            ImportFormat.CSL_JSON,
            json.dumps([{"type": "article-journal", "title": "T", "PMID": "12a"}]),
            r"Record 1 \('T'\): '12a' is not a PMID",
        ),
        (ImportFormat.CSL_JSON, "[1]", "Record 1 .*JSON object"),
        (ImportFormat.MEDLINE, "PMID- 1\nTI  - T\nnonsense here\n", "line 3"),
        (ImportFormat.MEDLINE, "TI  - No id\n", r"Record 1 \('No id'\): the record has no PMID"),
        (ImportFormat.RIS, "", "no references"),
        (ImportFormat.RIS, b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_malformed_files_are_refused_naming_the_record(format, data, message):
    with pytest.raises(ImportInvalid, match=message):
        records_parse(data=data, format=format)


def test_generated_keys_follow_first_author_year_and_first_word():
    (record,) = records_parse(data=RIS.split("\n\n")[0] + "\n", format=ImportFormat.RIS)
    assert key_base(record) == "kim2013-ischiofemoral"


# --- preview and import -------------------------------------------------------------------------


def test_preview_classifies_new_duplicate_and_conflict(editor):
    reference_create(
        key="kim2013-ischiofemoral",
        actor=editor,
        type="research",
        csl={**records_parse(data=RIS, format="ris")[0].csl, "volume": "40"},
        doi="10.1177/0363546513483448",
    )
    records = records_parse(data=RIS + "\n" + RIS.split("\n\n")[1], format="ris")
    rows = import_preview(records=records).rows
    assert [row.status for row in rows] == [RowStatus.CONFLICT, RowStatus.NEW, RowStatus.DUPLICATE]
    assert rows[0].matches == ["kim2013-ischiofemoral"]
    assert rows[2].matches == ["record 2"]


def test_import_writes_new_records_with_generated_deduplicated_keys(editor):
    reference_create(
        key="national2021-management",
        actor=editor,
        type="guideline",
        csl={"type": "report", "title": "Something else", "issued": {"date-parts": [[2021]]}},
    )
    created = references_import(records=records_parse(data=RIS, format="ris"), actor=editor)
    assert [r.key for r in created] == ["kim2013-ischiofemoral", "national2021b-management"]
    version = Reference.objects.get(key="kim2013-ischiofemoral").current_version
    assert (version.number, version.doi, version.changed_by) == (
        1,
        "10.1177/0363546513483448",
        editor,
    )
    assert ReferenceIdentifier.objects.filter(value=version.doi).exists()
    again = import_preview(records=records_parse(data=RIS, format="ris"))
    assert {row.status for row in again.rows} == {RowStatus.DUPLICATE}


def test_confirming_a_record_that_is_not_new_imports_nothing(editor):
    records = records_parse(data=RIS, format="ris")
    references_import(records=records[:1], actor=editor)
    with pytest.raises(
        ImportInvalid, match=r"Record 1 .* is duplicate: only new records and possible duplicates"
    ):
        references_import(records=records, actor=editor, confirmed=[2, 1])
    with pytest.raises(ImportInvalid, match="no record 9"):
        references_import(records=records, actor=editor, confirmed=[2, 9])
    assert Reference.objects.count() == 1


def test_import_uses_the_same_number_of_queries_for_3_or_60_records(editor):
    def ris(n: int, offset: int) -> str:
        return "\n".join(
            f"TY  - JOUR\nAU  - Author{i}, A\nTI  - Study number {i}\nPY  - 2020\n"
            f"DO  - 10.1000/s{i}\nAN  - {1000 + i}\nER  - \n"
            for i in range(offset, offset + n)
        )

    counts = []
    for n, offset in ((3, 0), (60, 100)):
        records = records_parse(data=ris(n, offset), format="ris")
        with CaptureQueriesContext(connection) as queries:
            references_import(records=records, actor=editor)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert ReferenceVersion.objects.count() == 63


# --- export round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("format", list(ExportFormat))
def test_export_imported_again_gives_the_same_references(editor, format):
    library = _library(editor)
    text = references_export(references=library, format=format)
    records = records_parse(data=text, format=ImportFormat(format.value))
    assert len(records) == len(SAMPLES) == 12
    for reference, record in zip(library, records, strict=True):
        version = reference.current_version
        assert record.key_hint == reference.key
        assert record.csl == version.csl, reference.key
        assert (record.doi, record.pmid, record.pmcid) == (version.doi, version.pmid, version.pmcid)
        assert record.type == version.type, reference.key
    assert {row.status for row in import_preview(records=records).rows} == {RowStatus.DUPLICATE}


@pytest.mark.parametrize("format", list(ExportFormat))
@pytest.mark.parametrize("batch", [1, 5, 12])
def test_export_written_in_batches_is_the_file_written_at_once(editor, format, batch):
    """The pieces of a streamed export (references_export_pieces) joined are what each
    format's writer makes of every reference at once, whatever the batch."""
    library = _library(editor)
    pieces = list(references_export_pieces(references=library, format=format, batch=batch))
    versions = [reference.current_version for reference in library]
    items = [exporting._item(version) for version in versions]
    types = [version.type for version in versions]
    whole = {
        ExportFormat.CSL_JSON: lambda: csljson.dump(items),
        ExportFormat.RIS: lambda: ris.dump(items, types),
        ExportFormat.BIBTEX: lambda: bibtex_writer.dump(items, types),
    }[format]()
    assert "".join(pieces) == whole
    assert len([piece for piece in pieces if "sample-" in piece]) == -(-len(library) // batch)


def test_an_export_of_nothing_is_an_empty_file(db):
    assert references_export(references=[], format="csl-json") == "[]\n"
    assert references_export(references=[], format="ris") == ""


def test_csl_json_export_carries_evidence_level_and_status(editor):
    library = _library(editor)
    records = records_parse(
        data=references_export(references=library, format="csl-json"), format="csl-json"
    )
    book = next(r for r in records if r.key_hint == "sample-book")
    assert (book.evidence_level, book.status) == ("grade_high", "active")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (RIS, "", ImportFormat.RIS),
        (BIBTEX, "", ImportFormat.BIBTEX),
        ('[{"type": "book", "title": "T"}]', "", ImportFormat.CSL_JSON),
        ("PMID- 29000001\nTI  - Title\n", "", ImportFormat.MEDLINE),
        ("anything", "export.NBIB", ImportFormat.MEDLINE),
        ("\ufeffTY  - JOUR\nER  -\n".encode(), "", ImportFormat.RIS),
        ("Kim W. Some title. 2013.", "refs.txt", None),
    ],
)
def test_format_is_detected_from_the_extension_or_the_first_record(data, filename, expected):
    assert format_detect(data=data, filename=filename) == expected
