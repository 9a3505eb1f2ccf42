"""What the reference library's API reads and writes."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.plain_input import ascii_int
from articles.references.importing import (
    IMPORTED_VERSION_NOTE,
    ImportFormat,
    import_max_bytes,
    import_too_large,
)
from articles.references.importing.previewing import STATUSES, import_preview_counts
from articles.references.models import (
    EvidenceLevel,
    ImportPreviewRow,
    ImportState,
    Reference,
    ReferenceStatus,
    ReferenceType,
    ReferenceVersion,
)
from editorial.api.common import UserSummarySerializer


class ReferenceVersionSerializer(serializers.ModelSerializer[ReferenceVersion]):
    changed_by = UserSummarySerializer(read_only=True)
    # Declared: a read-only model field loses allow_blank, and "" (none given) is a value here.
    evidence_level = serializers.ChoiceField(
        choices=EvidenceLevel.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ReferenceVersion
        fields = [
            "id",
            "number",
            "type",
            "csl",
            "title",
            "year",
            "container",
            "doi",
            "pmid",
            "pmcid",
            "evidence_level",
            "status",
            "changed_by",
            "created_at",
            "change_note",
        ]
        read_only_fields = fields


class ReferenceSerializer(serializers.ModelSerializer[Reference]):
    current_version = ReferenceVersionSerializer(read_only=True)

    class Meta:
        model = Reference
        fields = ["id", "key", "created_at", "current_version"]
        read_only_fields = fields


class ReferenceVersionWriteSerializer(serializers.Serializer[Any]):
    """What a version holds; identifiers may also be given inside `csl` (DOI, PMID, PMCID)."""

    type = serializers.ChoiceField(choices=ReferenceType.choices)
    csl = serializers.JSONField(help_text="A CSL-JSON item (without `id`).")
    doi = serializers.CharField(required=False, default="", allow_blank=True)
    pmid = serializers.CharField(required=False, default="", allow_blank=True)
    pmcid = serializers.CharField(required=False, default="", allow_blank=True)
    evidence_level = serializers.ChoiceField(
        choices=EvidenceLevel.choices, required=False, default="", allow_blank=True
    )
    status = serializers.ChoiceField(
        choices=ReferenceStatus.choices, required=False, default=ReferenceStatus.ACTIVE
    )


class ReferenceCreateSerializer(ReferenceVersionWriteSerializer):
    key = serializers.CharField(max_length=100)


KEPT = "Omitted: kept from the current version (an empty value clears it)."


class ReferenceNewVersionSerializer(ReferenceVersionWriteSerializer):
    """A field left out keeps the current version's value: a correction of the title must not
    drop the DOI, nor make a retracted reference active again."""

    doi = serializers.CharField(required=False, allow_blank=True, help_text=KEPT)
    pmid = serializers.CharField(required=False, allow_blank=True, help_text=KEPT)
    pmcid = serializers.CharField(required=False, allow_blank=True, help_text=KEPT)
    evidence_level = serializers.ChoiceField(
        choices=EvidenceLevel.choices, required=False, allow_blank=True, help_text=KEPT
    )
    status = serializers.ChoiceField(
        choices=ReferenceStatus.choices, required=False, help_text=KEPT
    )
    change_note = serializers.CharField(max_length=300)


class ReferenceWrittenSerializer(ReferenceSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(ReferenceSerializer.Meta):
        fields = [*ReferenceSerializer.Meta.fields, "warnings"]
        read_only_fields = fields


class FieldChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class ImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        max_length=255, help_text="Up to REFERENCE_IMPORT_MAX_BYTES (100 MB by default)."
    )
    format = serializers.ChoiceField(choices=[(f.value, f.value) for f in ImportFormat])

    def validate_file(self, upload: Any) -> Any:
        if upload.size > import_max_bytes():
            raise serializers.ValidationError(import_too_large())
        return upload


RECORD_INDEX_INVALID = "{value!r} is not a record's number (a whole number from 1)."
TOO_MANY_CHOICES = (
    "At most {limit} records a request: send the others in another, or choose by status."
)
BULK_OR_RECORDS = "Give either `status` and `choice` (every record of a status) or `records`."
MAX_RECORD_CHOICES = 10_000
CHOICE_HELP = "`new`, `skip` or `version:<key>` (a new version of that matched reference)."


class RecordChoicesField(serializers.DictField):
    """Record number -> choice, the numbers written as JSON object keys ("12")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(max_length=160), **kwargs)

    def to_internal_value(self, data: Any) -> dict[int, str]:
        chosen = super().to_internal_value(data)
        if len(chosen) > MAX_RECORD_CHOICES:
            raise serializers.ValidationError(TOO_MANY_CHOICES.format(limit=MAX_RECORD_CHOICES))
        numbers = {}
        for key, choice in chosen.items():
            number = ascii_int(str(key))
            if number is None or number < 1:
                raise serializers.ValidationError(RECORD_INDEX_INVALID.format(value=key))
            numbers[number] = choice
        return numbers


RECORDS_HELP = (
    "Per record, by its number in the file: " + CHOICE_HELP + " All are kept, or none (400 "
    "naming the first record whose choice does not fit)."
)


class ImportChoicesSerializer(serializers.Serializer[Any]):
    """A bulk choice (`status` and `choice`) or choices per record (`records`)."""

    status = serializers.ChoiceField(
        choices=STATUSES, required=False, help_text="A bulk choice: the records of this status."
    )
    choice = serializers.CharField(
        max_length=160,
        required=False,
        help_text="A bulk choice: `skip`, or `new` (new records and possible duplicates only).",
    )
    records = RecordChoicesField(required=False, help_text=RECORDS_HELP)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        bulk = "status" in attrs and "choice" in attrs
        alone = "status" in attrs or "choice" in attrs
        if ("records" in attrs) == alone or (alone and not bulk):
            raise serializers.ValidationError(BULK_OR_RECORDS)
        return attrs


class ImportChoicesDoneSerializer(serializers.Serializer[Any]):
    changed = serializers.IntegerField(help_text="How many records' choices changed.")


class ImportConfirmSerializer(serializers.Serializer[Any]):
    change_note = serializers.CharField(
        max_length=300,
        required=False,
        default=IMPORTED_VERSION_NOTE,
        help_text="The change note of the new versions the import takes.",
    )
    records = RecordChoicesField(
        required=False,
        help_text="Choices per record applied before the confirm, as `choices` takes them; "
        "refused with the confirm, nothing is kept.",
    )


class MatchedReferenceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    key = serializers.CharField()


class ImportRowSerializer(serializers.Serializer[Any]):
    """A record of the file as the preview read it, and the editor's choice for it."""

    number = serializers.IntegerField(help_text="Its number in the file, from 1.")
    status = serializers.ChoiceField(
        choices=STATUSES,
        help_text="new; duplicate (same identifier and data, or a repeat of an earlier record: "
        "not imported); conflict (same identifier, other data); possible (same title and year "
        "only); refused (cannot be read: `first_line` and `reason` say where and why).",
    )
    name = serializers.CharField(source="label", help_text="Its id in the file, or its title.")
    first_line = serializers.CharField(help_text="Refused records: where the record starts.")
    reason = serializers.CharField(help_text="Why it was refused, or what it matches.")
    matches = serializers.ListField(
        child=serializers.CharField(),
        help_text="Keys of the references it matches, or `record <n>` for an earlier record.",
    )
    matched_reference = MatchedReferenceSerializer(
        allow_null=True, help_text="The library's reference it matches first, if any."
    )
    type = serializers.SerializerMethodField()
    doi = serializers.SerializerMethodField()
    pmid = serializers.SerializerMethodField()
    pmcid = serializers.SerializerMethodField()
    choice = serializers.CharField(help_text="What the import will do with it: " + CHOICE_HELP)
    csl = serializers.JSONField(help_text="The record as a CSL-JSON item ({} when refused).")

    def get_type(self, row: ImportPreviewRow) -> str:
        return str(row.record.get("type", ""))

    def get_doi(self, row: ImportPreviewRow) -> str:
        return str(row.record.get("doi", ""))

    def get_pmid(self, row: ImportPreviewRow) -> str:
        return str(row.record.get("pmid", ""))

    def get_pmcid(self, row: ImportPreviewRow) -> str:
        return str(row.record.get("pmcid", ""))


class ImportCountsSerializer(serializers.Serializer[Any]):
    new = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    conflict = serializers.IntegerField()
    possible = serializers.IntegerField(help_text="Same title and year only: possible duplicates.")
    refused = serializers.IntegerField(help_text="Records that cannot be read.")


class ImportJobSerializer(serializers.Serializer[Any]):
    """An uploaded file (ImportUpload): its preview, then its import, and how far each is."""

    token = serializers.UUIDField()
    state = serializers.CharField(
        help_text="reading (the preview task reads the file), previewed (choose, then "
        "confirm), queued, running, done or failed (`error` says why)."
    )
    records_total = serializers.IntegerField(
        help_text="Records in the file, readable or not, once read."
    )
    records_read = serializers.IntegerField(help_text="Read so far, by the preview or import.")
    records_imported = serializers.IntegerField(
        help_text="References created and new versions taken."
    )
    records_refused = serializers.IntegerField(
        help_text="Records that could not be read, or were no longer importable."
    )
    error = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    counts = serializers.SerializerMethodField(
        help_text="Previewed: how many records of each status; null in any other state."
    )
    status_url = serializers.SerializerMethodField(help_text="Where to ask how far it is.")
    records_url = serializers.SerializerMethodField(
        help_text="The records as the preview read them, a page at a time (`?status=`)."
    )

    @extend_schema_field(ImportCountsSerializer(allow_null=True))
    def get_counts(self, job: Any) -> dict[str, int] | None:
        if job.state != ImportState.PREVIEWED:
            return None
        return import_preview_counts(job)

    def get_status_url(self, job: Any) -> str:
        return self._url("api:reference-import-job", job)

    def get_records_url(self, job: Any) -> str:
        return self._url("api:reference-import-records", job)

    def _url(self, name: str, job: Any) -> str:
        location = reverse(name, args=[job.token])
        request = self.context.get("request")
        return request.build_absolute_uri(location) if request else location
