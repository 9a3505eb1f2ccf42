"""References: a stable key with append-only versions, unique identifiers, pinned citations."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

VERSION_IMMUTABLE = "Reference versions never change: add a new version instead."
KEY_PATTERN = r"^[a-z0-9]+(?:[-_.:][a-z0-9]+)*$"
KEY_HELP = "Lower-case letters and digits, joined by - _ . or :, e.g. kim2013-ischiofemoral."


class ReferenceType(models.TextChoices):
    GUIDELINE = "guideline", "Guideline"
    RESEARCH = "research", "Research"
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
    META_ANALYSIS = "meta_analysis", "Meta-analysis"
    REVIEW = "review", "Review"
    CASE_REPORT = "case_report", "Case report"
    TEXTBOOK = "textbook", "Textbook"
    WEBSITE = "website", "Website"
    OTHER = "other", "Other"


class EvidenceLevel(models.TextChoices):
    """GRADE certainty of evidence, or an Oxford CEBM (2011) level."""

    GRADE_HIGH = "grade_high", "GRADE: high"
    GRADE_MODERATE = "grade_moderate", "GRADE: moderate"
    GRADE_LOW = "grade_low", "GRADE: low"
    GRADE_VERY_LOW = "grade_very_low", "GRADE: very low"
    OCEBM_1 = "ocebm_1", "OCEBM level 1"
    OCEBM_2 = "ocebm_2", "OCEBM level 2"
    OCEBM_3 = "ocebm_3", "OCEBM level 3"
    OCEBM_4 = "ocebm_4", "OCEBM level 4"
    OCEBM_5 = "ocebm_5", "OCEBM level 5"


class ReferenceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CORRECTED = "corrected", "Corrected"
    RETRACTED = "retracted", "Retracted"
    SUPERSEDED = "superseded", "Superseded"
    EXPRESSION_OF_CONCERN = "expression_of_concern", "Expression of concern"


# A newer version with one of these statuses flags the revisions citing an older one.
FLAGGING_STATUSES = (
    ReferenceStatus.CORRECTED,
    ReferenceStatus.RETRACTED,
    ReferenceStatus.SUPERSEDED,
    ReferenceStatus.EXPRESSION_OF_CONCERN,
)


def citation_is_retracted(pinned: "ReferenceVersion", current: "ReferenceVersion | None") -> bool:
    """A citation is retracted when the version it pins is, or the reference's current version
    is (retracted since it was pinned). The query form is RETRACTED_CITATION."""
    return pinned.is_retracted or (current is not None and current.is_retracted)


# The same rule as citation_is_retracted, for a RevisionCitation queryset.
RETRACTED_CITATION = models.Q(version__status=ReferenceStatus.RETRACTED) | models.Q(
    reference__current_version__status=ReferenceStatus.RETRACTED
)


class IdentifierScheme(models.TextChoices):
    DOI = "doi", "DOI"
    PMID = "pmid", "PMID"
    PMCID = "pmcid", "PMCID"


class Reference(models.Model):
    """A cited work under a stable key; what it says lives in its versions."""

    key = models.CharField(
        max_length=100,
        unique=True,
        validators=[RegexValidator(KEY_PATTERN)],
        help_text=KEY_HELP,
    )
    # The newest version: moved only by articles.references.services, under a row lock.
    current_version = models.ForeignKey(
        "articles.ReferenceVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        indexes = [
            # The API's `?ordering=created_at` (either way), a keyset page a range of it: at
            # 100,000 references the list sorted the whole library for each page (20 ms).
            models.Index(fields=["created_at", "id"], name="reference_by_created"),
        ]

    def __str__(self) -> str:
        return self.key


class ReferenceVersion(models.Model):
    """One immutable state of a reference: the CSL-JSON item plus what editors judge of it."""

    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    type = models.CharField(max_length=20, choices=ReferenceType.choices)
    # A CSL-JSON item without `id`, DOI, PMID and PMCID (those are the columns below).
    csl = models.JSONField()
    # Copied from `csl` for search, lists and duplicate detection.
    title = models.CharField(max_length=1000)
    title_normalised = models.CharField(max_length=1000, editable=False)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    container = models.CharField(max_length=500, blank=True, help_text="Journal, book or site.")
    doi = models.CharField("DOI", max_length=255, blank=True)
    pmid = models.CharField("PMID", max_length=12, blank=True)
    pmcid = models.CharField("PMCID", max_length=16, blank=True)
    evidence_level = models.CharField(max_length=20, choices=EvidenceLevel.choices, blank=True)
    status = models.CharField(
        max_length=24, choices=ReferenceStatus.choices, default=ReferenceStatus.ACTIVE
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["reference", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "number"], name="reference_version_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="reference_version_number_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["title_normalised", "year"], name="reference_near_dup"),
            # The library's search by identifier (references_matching); its text conditions
            # have pg_trgm GIN indexes on PostgreSQL (migration 0014_reference_search_indexes).
            models.Index(fields=["doi"], name="reference_doi"),
            models.Index(fields=["pmid"], name="reference_pmid"),
            models.Index(fields=["pmcid"], name="reference_pmcid"),
            # The few references that have a corrected, retracted or superseded version.
            models.Index(
                fields=["reference"],
                condition=models.Q(status__in=FLAGGING_STATUSES),
                name="reference_version_flagging",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference_id and self.reference} v{self.number}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # Invariant: a version is written once; corrections are new versions.
        if not self._state.adding:
            raise ValidationError(VERSION_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValidationError(VERSION_IMMUTABLE)

    @property
    def is_retracted(self) -> bool:
        return self.status == ReferenceStatus.RETRACTED


class ReferenceIdentifier(models.Model):
    """The DOI, PMID and PMCID of a reference's current version, unique across references."""

    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=8, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=255)

    class Meta:
        ordering = ["reference", "scheme"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="reference_identifier_unique"),
            models.UniqueConstraint(
                fields=["reference", "scheme"], name="one_identifier_per_scheme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


class RevisionCitation(models.Model):
    """A reference cited by a submitted revision, pinned to the version current at submission."""

    revision = models.ForeignKey(
        "articles.Revision", on_delete=models.CASCADE, related_name="citations"
    )
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="citations")
    version = models.ForeignKey(ReferenceVersion, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(
        help_text="First appearance across the revision's bodies, canonical body first."
    )

    class Meta:
        ordering = ["revision", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "reference"], name="cite_once_per_revision"
            ),
            models.UniqueConstraint(fields=["revision", "order"], name="citation_order_unique"),
        ]
        indexes = [
            # The citations of a reference in order: a page of the flagged ones
            # (articles.references.flags, the API's list) is a range of it.
            models.Index(fields=["reference", "id"], name="citation_by_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.revision} cites {self.reference} v{self.version.number}"


class ImportState(models.TextChoices):
    READING = "reading", "Reading the file"
    PREVIEWED = "previewed", "Previewed"
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportUpload(models.Model):
    """A reference file an editor previewed, kept on the server until the import is confirmed
    (or the preview expires): the confirm sends back its token and the choices, not the file."""

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    format = models.CharField(max_length=16)
    filename = models.CharField(max_length=255, blank=True)
    # The file itself is kept in ImportChunk rows (ADR 018); its size in bytes.
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Once confirmed, the import runs as a task (articles.tasks.import_references), in batches:
    # the editor's choices, where it stands, and what it did so far.
    state = models.CharField(
        max_length=16, choices=ImportState.choices, default=ImportState.PREVIEWED
    )
    choices = models.JSONField(default=dict, blank=True)
    records_read = models.PositiveIntegerField(default=0)
    records_imported = models.PositiveIntegerField(default=0)
    records_refused = models.PositiveIntegerField(default=0)
    records_total = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or 'pasted text'} ({self.format})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)


class ImportChunk(models.Model):
    """A piece (about 1 MB) of an uploaded reference file, in order: the file is written and
    read a piece at a time, never whole, by the web and the workers alike (ADR 018)."""

    upload = models.ForeignKey(ImportUpload, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["upload", "number"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "number"], name="import_chunk_once")
        ]

    def __str__(self) -> str:
        return f"{self.upload} piece {self.number}"


class ImportPreviewRow(models.Model):
    """One record of an upload as its preview task read it (articles.references.importing.
    previewing): what importing it would mean, and what the editor chose for it. The keys of
    its identifiers and title let a later batch find the records it repeats."""

    upload = models.ForeignKey(ImportUpload, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()  # the record's number in the file, from 1
    # new, duplicate, conflict, possible (service.RowStatus), or refused (cannot be read).
    status = models.CharField(max_length=16)
    first_line = models.CharField(max_length=300, blank=True)
    label = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)  # why it was refused, or what it matches
    matches = models.JSONField(default=list, blank=True)  # reference keys, or "record <n>"
    matched_reference = models.ForeignKey(
        "Reference", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    csl = models.JSONField(default=dict, blank=True)
    record = models.JSONField(default=dict, blank=True)  # type, identifiers, key hint, status
    # "new", "skip" or "version:<key>": the default until the editor changes it.
    choice = models.CharField(max_length=160, blank=True)
    doi_key = models.CharField(max_length=255, blank=True)
    pmid_key = models.CharField(max_length=255, blank=True)
    pmcid_key = models.CharField(max_length=255, blank=True)
    title_key = models.CharField(max_length=64, blank=True)  # hash of normalised title, year

    class Meta:
        ordering = ["upload", "number"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "number"], name="import_preview_row_once")
        ]
        indexes = [
            models.Index(fields=["upload", "status", "number"], name="import_row_status"),
            models.Index(fields=["upload", "doi_key"], name="import_row_doi"),
            models.Index(fields=["upload", "pmid_key"], name="import_row_pmid"),
            models.Index(fields=["upload", "pmcid_key"], name="import_row_pmcid"),
            models.Index(fields=["upload", "title_key"], name="import_row_title"),
        ]

    def __str__(self) -> str:
        return f"{self.upload} record {self.number}"
