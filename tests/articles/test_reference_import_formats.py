"""Values read for what their source means (issue 13, point 1): each case the issue names."""

import json

from articles.references.importing import file_parse

NICE = "National Institute for Health and Care Excellence"


def test_bibtex_reads_organisations_suffixes_particles_strings_and_crossref():
    text = f"""@string{{nejm = "N Engl J Med"}}
@string{{supp = " (Suppl)"}}
@article{{one,
  author = {{{{{NICE}}} and van der Berg, Jr., Anna and Ludwig van Beethoven}},
  title = {{Guideline}}, journal = nejm # supp, year = 2020, month = mar}}
@inproceedings{{child, title = {{A talk}}, crossref = {{proc}}}}
@proceedings{{proc, title = {{The meeting}}, year = 2019, publisher = {{ACM}}}}
@article{{one, title = {{Same key, another work}}, year = 2021}}
"""
    parsed = file_parse(data=text, format="bibtex")
    assert parsed.failures == []
    one, child, proc, again = parsed.records
    assert one.csl["author"] == [
        {"literal": NICE},
        {"family": "Berg", "non-dropping-particle": "van der", "suffix": "Jr.", "given": "Anna"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
    ]
    assert one.csl["container-title"] == "N Engl J Med (Suppl)"
    assert one.csl["issued"] == {"date-parts": [[2020, 3]]}
    assert (child.csl["container-title"], child.csl["publisher"]) == ("The meeting", "ACM")
    assert child.csl["issued"] == {"date-parts": [[2019]]}
    assert proc.csl["title"] == "The meeting"
    assert (again.key_hint, again.title) == ("one", "Same key, another work")


def test_bibtex_reports_a_missing_comma_instead_of_merging_fields():
    text = "@article{a, title = {First}\n  year = {2013}}\n@article{b, title = {Fine}}\n"
    parsed = file_parse(data=text, format="bibtex")
    assert [r.title for r in parsed.records] == ["Fine"]
    (failure,) = parsed.failures
    assert failure.index == 1
    assert failure.reason.startswith("a comma is missing after the field `title` (line 1)")


def test_ris_accession_numbers_are_kept_and_a_pmid_only_from_pubmed():
    text = (
        "Record #1 of 2\nProvider: Ovid Technologies\n\n1.\n"
        "TY  - JOUR\nTI  - From Web of Science\nAN  - WOS:000456789200001\n"
        "C2  - 10.1000/not-a-pmcid\nER  - \n\n2.\n"
        "TY  - JOUR\nTI  - From PubMed\nDP  - NLM\nAN  - 31000001\nC2  - PMC7000001\n"
        "J2  - BMJ\nSN  - 0959-8138\nKW  - a\nKW  - b\nAB  - Long\n  abstract\nER  - \n"
    )
    wos, pubmed = file_parse(data=text, format="ris").records
    assert (wos.pmid, wos.pmcid, wos.csl["archive_location"]) == ("", "", "WOS:000456789200001")
    assert (pubmed.pmid, pubmed.pmcid) == ("31000001", "PMC7000001")
    assert "archive_location" not in pubmed.csl  # PubMed's accession number is the PMID
    assert (pubmed.csl["container-title-short"], pubmed.csl["ISSN"]) == ("BMJ", "0959-8138")
    assert (pubmed.csl["keyword"], pubmed.csl["abstract"]) == ("a; b", "Long abstract")


def test_csl_json_reads_string_dates_crossref_types_and_sici_dois():
    items = [
        {
            "id": "z1",
            "type": "journal-article",
            "title": ["A title"],
            "issued": {"date-parts": [["1999", "12", 31]]},
            "accessed": {"raw": "2024-03-07"},
            "DOI": "10.1002/(SICI)1097-4636(199812)43:4<348::AID-JBM1>3.0.CO;2-F",
            "member": "311",
        }
    ]
    (record,) = file_parse(data=json.dumps(items), format="csl-json").records
    assert record.csl == {
        "type": "article-journal",
        "title": "A title",
        "issued": {"date-parts": [[1999, 12, 31]]},
        "accessed": {"date-parts": [[2024, 3, 7]]},
    }
    assert record.doi == "10.1002/(SICI)1097-4636(199812)43:4<348::AID-JBM1>3.0.CO;2-F"


def test_medline_reads_the_journal_abbreviation_article_number_and_retraction():
    text = (
        "PMID- 31000009\nTI  - A trial.\nJT  - PloS one\nTA  - PLoS One\nDP  - 2014\n"
        "LID - e80092\nLID - 10.1371/journal.pone.0080092 [doi]\nIS  - 1932-6203 (Electronic)\n"
        "OT  - knee\nOT  - hip\nLA  - eng\nAB  - An abstract\n      on two lines.\n"
        "PT  - Journal Article\nPT  - Retracted Publication\n"
    )
    (record,) = file_parse(data=text, format="medline").records
    assert (record.csl["container-title"], record.csl["container-title-short"]) == (
        "PloS one",
        "PLoS One",
    )
    assert (record.csl["number"], record.csl["ISSN"], record.csl["keyword"]) == (
        "e80092",
        "1932-6203",
        "knee; hip",
    )
    assert record.csl["abstract"] == "An abstract on two lines."
    assert (record.doi, record.status) == ("10.1371/journal.pone.0080092", "retracted")
