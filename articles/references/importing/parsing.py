"""Which parser reads which format; the file as text whatever its encoding mark."""

import re
from enum import StrEnum

from articles.references.importing import bibtex, csljson, medline, ris
from articles.references.importing.records import (
    FILE_INVALID,
    NO_RECORDS,
    ImportInvalid,
    ImportRecord,
    ParsedFile,
)


class ImportFormat(StrEnum):
    RIS = "ris"
    BIBTEX = "bibtex"
    CSL_JSON = "csl-json"
    MEDLINE = "medline"


# The most a reference file may hold, through the workspace and the API alike (about 4,000
# PubMed records with abstracts). The preview keeps the file on the server (ImportUpload):
# the confirm sends back only its token and the editor's choices.
IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_TOO_LARGE = (
    f"The file is larger than {IMPORT_MAX_BYTES // (1024 * 1024)} MB: "
    "split it and import it in parts."
)

PARSERS = {
    ImportFormat.RIS: ris.parse,
    ImportFormat.BIBTEX: bibtex.parse,
    ImportFormat.CSL_JSON: csljson.parse,
    ImportFormat.MEDLINE: medline.parse,
}


EXTENSIONS = {
    ".ris": ImportFormat.RIS,
    ".bib": ImportFormat.BIBTEX,
    ".bibtex": ImportFormat.BIBTEX,
    ".json": ImportFormat.CSL_JSON,
    ".nbib": ImportFormat.MEDLINE,
    ".medline": ImportFormat.MEDLINE,
}
# What each format's first record starts with, after any blank lines or comments.
_SIGNATURES = [
    (re.compile(r"^\s*[\[{]"), ImportFormat.CSL_JSON),
    (re.compile(r"^\s*TY  -", re.MULTILINE), ImportFormat.RIS),
    (re.compile(r"^PMID- ", re.MULTILINE), ImportFormat.MEDLINE),
    (re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE), ImportFormat.BIBTEX),
]


def format_detect(*, data: str | bytes, filename: str = "") -> ImportFormat | None:
    """The format a file is written in, from its extension or else its first record; or None."""
    for extension, format in EXTENSIONS.items():
        if filename.lower().endswith(extension):
            return format
    head = data[:4000].decode("utf-8", "replace") if isinstance(data, bytes) else data[:4000]
    head = head.lstrip("\ufeff")
    for pattern, format in _SIGNATURES:
        if pattern.search(head):
            return format
    return None


def text_decode(*, data: str | bytes, format: ImportFormat | str) -> str:
    """The file as text (UTF-8, with or without its mark); raises ImportInvalid."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problem = "it is not UTF-8 text."
            raise ImportInvalid(FILE_INVALID.format(format=str(format), problem=problem)) from exc
    return data.lstrip("\ufeff")


def file_parse(*, data: str | bytes, format: ImportFormat | str) -> ParsedFile:
    """The records of the file that can be read, and those that cannot (with their number,
    first line and reason). Raises ImportInvalid only when the file as a whole cannot be read
    (not text, not JSON) or holds no record at all."""
    format = ImportFormat(format)
    parsed = PARSERS[format](text_decode(data=data, format=format))
    if not parsed.records and not parsed.failures:
        raise ImportInvalid(NO_RECORDS)
    return parsed


def records_parse(*, data: str | bytes, format: ImportFormat | str) -> list[ImportRecord]:
    """Every record of the file, checked; raises ImportInvalid naming the first record that
    cannot be read (for callers that take a file whole, such as the benchmark)."""
    parsed = file_parse(data=data, format=format)
    if parsed.failures:
        raise ImportInvalid(str(parsed.failures[0]))
    return parsed.records
