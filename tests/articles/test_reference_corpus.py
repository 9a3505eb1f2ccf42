"""The corpus of real exports (tests/articles/reference_corpus/README.md) through preview and
import: every file is read record by record, and at least 98% of each format's records import.

CORPUS pins, per file: the records read, those that cannot be read, and those the import writes
(the others repeat an earlier record of the same file).
"""

from collections import Counter
from pathlib import Path

import pytest

from articles.references.importing import (
    IMPORTABLE_AS_NEW,
    file_parse,
    import_preview,
    references_import_confirm,
)
from articles.references.models import Reference

ROOT = Path(__file__).parent / "reference_corpus"
FORMATS = {"ris": "ris", "medline": "medline", "bibtex": "bibtex", "csl-json": "csl-json"}
# path: (records read, records that cannot be read, references imported)
CORPUS = {
    "bibtex/bibtexparser/examples.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_article.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_book.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_booklet.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_inbook.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_incollection.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_inproceedings.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_manual.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_mastersthesis.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_misc.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_phdthesis.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_proceedings.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_techreport.bib": (1, 0, 1),
    "bibtex/citation-js/a_complete_unpublished.bib": (1, 0, 1),
    "bibtex/citation-js/commands.bib": (5, 0, 5),
    "bibtex/citation-js/escaped_characters.bib": (2, 0, 2),
    "bibtex/citation-js/howpublished.bib": (1, 0, 1),
    "bibtex/citation-js/langid.bib": (1, 0, 1),
    "bibtex/citation-js/mapping_biblatex-input.bib": (28, 0, 28),
    "bibtex/citation-js/mapping_bibtex-input.bib": (16, 0, 16),
    "bibtex/citation-js/math.bib": (1, 0, 1),
    "bibtex/citation-js/one_simple_entry.bib": (1, 0, 1),
    "bibtex/citation-js/orcid.bib": (1, 0, 1),
    "bibtex/citation-js/rich_text.bib": (6, 1, 5),
    "bibtex/citation-js/single.bib": (1, 0, 1),
    "bibtex/citation-js/string_and_preamble.bib": (1, 0, 1),
    "bibtex/citation-js/unicode_and_capitalized_types.bib": (1, 0, 1),
    "bibtex/citation-js/uppercase_and.bib": (1, 0, 1),
    "bibtex/citation-js/whitespace_and_unknown_fields.bib": (1, 0, 1),
    "bibtex/jabref/BibtexImporter.examples.bib": (2, 0, 2),
    "csl-json/citation-js/crossref_doi.json": (4, 0, 4),
    "csl-json/citation-js/mapping_biblatex-csl.json": (28, 0, 28),
    "csl-json/citation-js/mapping_bibtex-csl.json": (16, 0, 16),
    "medline/jabref/MedlinePlainImporterTestCompleteEntry.nbib": (1, 0, 1),
    "medline/pybtexnbib/marcelis-20301770.nbib": (1, 0, 1),
    "medline/pybtexnbib/test_parsers_records.nbib": (4, 0, 4),
    "ris/asreview/_baseline.ris": (100, 0, 100),
    "ris/asreview/baseline_zotero.ris": (100, 0, 100),
    "ris/asreview/embase.ris": (6, 0, 6),
    "ris/asreview/ovid_psycinfo.ris": (6, 0, 6),
    "ris/asreview/ovid_zotero.ris": (6, 0, 6),
    "ris/asreview/proquest.ris": (6, 0, 6),
    "ris/asreview/pubmed_endnote.ris": (6, 0, 6),
    "ris/asreview/pubmed_zotero.ris": (6, 0, 6),
    "ris/asreview/ris_issue_1099.ris": (7, 0, 7),
    "ris/asreview/ris_issue_992.ris": (19, 0, 19),
    "ris/asreview/scopus.ris": (6, 0, 6),
    "ris/asreview/web_of_science.ris": (10, 0, 10),
    "ris/jabref/RisImporterTestScopus.ris": (1, 0, 1),
    "ris/rispy/example_basic.ris": (1, 0, 1),
    "ris/rispy/example_extraneous_data.ris": (2, 0, 2),
    "ris/rispy/example_full.ris": (2, 0, 2),
    "ris/rispy/example_starting_newlines.ris": (1, 0, 1),
    "ris/rispy/example_urls.ris": (4, 0, 3),
    "ris/rispy/example_utf_chars.ris": (1, 0, 1),
}


def _files() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*")
        if p.is_file() and p.name != "README.md" and "broken" not in p.parts
    )


def _import(path: Path, editor):  # type: ignore[no-untyped-def]
    parsed = file_parse(data=path.read_bytes(), format=FORMATS[path.relative_to(ROOT).parts[0]])
    preview = import_preview(records=parsed.records, failures=parsed.failures)
    chosen = [row.record.index for row in preview.rows if row.status in IMPORTABLE_AS_NEW]
    done = references_import_confirm(records=parsed.records, actor=editor, confirmed=chosen)
    return parsed, done


def test_every_file_of_the_corpus_is_pinned():
    assert sorted(CORPUS) == [str(p.relative_to(ROOT)) for p in _files()]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_real_export_previews_and_imports(name, editor):
    parsed, done = _import(ROOT / name, editor)
    counts = (len(parsed.records), len(parsed.failures), len(done.created))
    assert counts == CORPUS[name], [str(f) for f in parsed.failures]
    assert Reference.objects.count() == len(done.created)


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_each_format_imports_at_least_98_percent_of_its_records(format):
    read, unreadable = Counter(), Counter()
    for name, (ok, bad, _) in CORPUS.items():
        read[name.split("/")[0]] += ok
        unreadable[name.split("/")[0]] += bad
    assert read[format] / (read[format] + unreadable[format]) >= 0.98
