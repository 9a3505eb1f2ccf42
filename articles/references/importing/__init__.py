"""Import of reference files: RIS, BibTeX, CSL-JSON and PubMed/MEDLINE (.nbib).

Each format parses into ``ImportRecord`` (a CSL-JSON item, a reference type and identifiers);
``import_preview`` classifies the records against the library and ``references_import``
writes the confirmed new ones in one transaction, with a constant number of queries per batch.
"""

from articles.references.importing.jobs import (
    IMPORT_TOPIC,
    import_job_get,
    import_job_run,
    import_job_start,
)
from articles.references.importing.keys import import_keys
from articles.references.importing.parsing import (
    IMPORT_TOO_LARGE,
    ImportFormat,
    format_detect,
    import_max_bytes,
    import_too_large,
    text_decode,
)
from articles.references.importing.records import (
    ImportInvalid,
    ImportRecord,
    ParsedFile,
    RecordFailure,
)
from articles.references.importing.service import (
    IMPORTABLE_AS_NEW,
    IMPORTED_VERSION_NOTE,
    TAKEABLE_AS_VERSION,
    ImportDone,
    ImportPreview,
    PreviewRow,
    RowStatus,
    import_preview,
    import_version_targets,
    references_import,
    references_import_confirm,
)
from articles.references.importing.streaming import (
    file_parse,
    import_file_read,
    items_read,
    records_parse,
    upload_parse,
)
from articles.references.importing.uploads import (
    PREVIEW_EXPIRED,
    import_upload_get,
    import_upload_store,
    import_uploads_expire,
    upload_head,
    upload_texts,
)

__all__ = [
    "IMPORTABLE_AS_NEW",
    "IMPORTED_VERSION_NOTE",
    "IMPORT_TOO_LARGE",
    "IMPORT_TOPIC",
    "PREVIEW_EXPIRED",
    "TAKEABLE_AS_VERSION",
    "ImportDone",
    "ImportFormat",
    "ImportInvalid",
    "ImportPreview",
    "ImportRecord",
    "ParsedFile",
    "PreviewRow",
    "RecordFailure",
    "RowStatus",
    "file_parse",
    "format_detect",
    "import_file_read",
    "import_job_get",
    "import_job_run",
    "import_job_start",
    "import_keys",
    "import_max_bytes",
    "import_preview",
    "import_too_large",
    "import_upload_get",
    "import_upload_store",
    "import_uploads_expire",
    "import_version_targets",
    "items_read",
    "records_parse",
    "references_import",
    "references_import_confirm",
    "text_decode",
    "upload_head",
    "upload_parse",
    "upload_texts",
]
