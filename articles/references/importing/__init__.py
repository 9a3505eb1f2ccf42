"""Import of reference files: RIS, BibTeX, CSL-JSON and PubMed/MEDLINE (.nbib).

Each format parses into ``ImportRecord`` (a CSL-JSON item, a reference type and identifiers);
``import_preview`` classifies the records against the library and ``references_import``
writes the confirmed new ones in one transaction, with a constant number of queries per batch.
"""

from articles.references.importing.parsing import (
    IMPORT_MAX_BYTES,
    IMPORT_TOO_LARGE,
    ImportFormat,
    format_detect,
    records_parse,
)
from articles.references.importing.records import ImportInvalid, ImportRecord
from articles.references.importing.service import (
    IMPORTED_VERSION_NOTE,
    ImportDone,
    ImportPreview,
    PreviewRow,
    RowStatus,
    import_keys,
    import_preview,
    import_version_targets,
    references_import,
    references_import_confirm,
)

__all__ = [
    "IMPORTED_VERSION_NOTE",
    "IMPORT_MAX_BYTES",
    "IMPORT_TOO_LARGE",
    "ImportDone",
    "ImportFormat",
    "ImportInvalid",
    "ImportPreview",
    "ImportRecord",
    "PreviewRow",
    "RowStatus",
    "format_detect",
    "import_keys",
    "import_preview",
    "import_version_targets",
    "records_parse",
    "references_import",
    "references_import_confirm",
]
