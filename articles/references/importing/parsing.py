"""Which parser reads which format; the file as text whatever its encoding mark."""

import re
from enum import StrEnum

from django.conf import settings

from articles.references.importing.records import FILE_INVALID, ImportInvalid


class ImportFormat(StrEnum):
    RIS = "ris"
    BIBTEX = "bibtex"
    CSL_JSON = "csl-json"
    MEDLINE = "medline"


# The most a reference file may hold, through the workspace and the API alike:
# settings.REFERENCE_IMPORT_MAX_BYTES (100 MB). The file is stored and read a piece at a time
# (ImportChunk, ADR 018), so neither the web nor a worker holds it whole.
IMPORT_TOO_LARGE = "The file is larger than {limit} MB: split it and import it in parts."


def import_max_bytes() -> int:
    return int(settings.REFERENCE_IMPORT_MAX_BYTES)


def import_too_large() -> str:
    """The error for a file over the limit, naming the limit."""
    return IMPORT_TOO_LARGE.format(limit=f"{import_max_bytes() / (1024 * 1024):g}")


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
