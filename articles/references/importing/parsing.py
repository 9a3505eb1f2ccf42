"""Which parser reads which format; the file as text whatever its encoding mark."""

from enum import StrEnum

from articles.references.importing import bibtex, csljson, medline, ris
from articles.references.importing.records import (
    FILE_INVALID,
    NO_RECORDS,
    ImportInvalid,
    ImportRecord,
)


class ImportFormat(StrEnum):
    RIS = "ris"
    BIBTEX = "bibtex"
    CSL_JSON = "csl-json"
    MEDLINE = "medline"


PARSERS = {
    ImportFormat.RIS: ris.parse,
    ImportFormat.BIBTEX: bibtex.parse,
    ImportFormat.CSL_JSON: csljson.parse,
    ImportFormat.MEDLINE: medline.parse,
}


def records_parse(*, data: str | bytes, format: ImportFormat | str) -> list[ImportRecord]:
    """Every record of the file, checked; raises ImportInvalid naming the first bad record."""
    format = ImportFormat(format)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportInvalid(
                FILE_INVALID.format(format=format.value, problem="it is not UTF-8 text.")
            ) from exc
    records = PARSERS[format](data.lstrip("\ufeff"))
    if not records:
        raise ImportInvalid(NO_RECORDS)
    return records
