"""What the reference library's API reads and writes."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from articles.plain_input import ascii_int
from articles.references.importing import (
    IMPORTED_VERSION_NOTE,
    ImportFormat,
    RowStatus,
    import_max_bytes,
    import_too_large,
)
from articles.references.models import (
    EvidenceLevel,
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
        max_length=255, help_text="Up to REFERENCE_IMPORT_MAX_BYTES (20 MB by default)."
    )
    format = serializers.ChoiceField(choices=[(f.value, f.value) for f in ImportFormat])

    def validate_file(self, upload: Any) -> Any:
        if upload.size > import_max_bytes():
            raise serializers.ValidationError(import_too_large())
        return upload


NEW_VERSION_INVALID = "{value!r}: give a record's index and a reference key as index:key."

RECORD_INDEX_INVALID = "{value!r} is not a record's index (a whole number from 1)."
NOTHING_CONFIRMED = "Choose records to import (`records`) or to take as new versions."


class ImportConfirmSerializer(ImportUploadSerializer):
    records = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text=(
            "Indexes (from 1) of the new records (or possible duplicates) to import as new, as "
            "the preview numbered them; each value may list several, comma-separated "
            "(`1,2,5`), so that a large file needs one field."
        ),
    )
    new_versions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text=(
            "Conflicting records to take as the next version of the reference they conflict "
            "with, each as `index:key` (e.g. `1:kim2013`); the reference keeps its type, "
            "evidence level and status."
        ),
    )
    change_note = serializers.CharField(
        max_length=300,
        required=False,
        default=IMPORTED_VERSION_NOTE,
        help_text="The change note of those new versions.",
    )

    def validate_new_versions(self, value: list[str]) -> dict[int, str]:
        chosen = {}
        for item in value:
            index, _, key = item.partition(":")
            number = ascii_int(index)
            if number is None or not key.strip():
                raise serializers.ValidationError(NEW_VERSION_INVALID.format(value=item))
            chosen[number] = key.strip()
        return chosen

    def validate_records(self, value: list[str]) -> list[int]:
        numbers = []
        for item in value:
            for part in item.split(","):
                number = ascii_int(part.strip())
                if number is None or number < 1:
                    raise serializers.ValidationError(RECORD_INDEX_INVALID.format(value=part))
                numbers.append(number)
        return numbers

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["records"] and not attrs["new_versions"]:
            raise serializers.ValidationError(NOTHING_CONFIRMED)
        return attrs


class ImportRecordSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField(source="record.index")
    name = serializers.CharField(source="record.label", help_text="Its id in the file, or title.")
    type = serializers.CharField(source="record.type")
    csl = serializers.JSONField(source="record.csl")
    doi = serializers.CharField(source="record.doi")
    pmid = serializers.CharField(source="record.pmid")
    pmcid = serializers.CharField(source="record.pmcid")
    classification = serializers.ChoiceField(
        source="status", choices=[(s.value, s.value) for s in RowStatus]
    )
    matches = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()


class ImportFailureSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField()
    first_line = serializers.CharField()
    reason = serializers.CharField()


class ImportPreviewSerializer(serializers.Serializer[Any]):
    new = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    conflict = serializers.IntegerField()
    possible = serializers.IntegerField(help_text="Same title and year only: possible duplicates.")
    records = ImportRecordSerializer(many=True)
    unreadable = ImportFailureSerializer(
        many=True, help_text="Records that cannot be read: left out, the others can be imported."
    )


class ImportJobSerializer(serializers.Serializer[Any]):
    """A confirmed import (ImportUpload) and how far its task is."""

    token = serializers.UUIDField()
    state = serializers.CharField(help_text="queued, running, done or failed.")
    records_total = serializers.IntegerField(help_text="Records in the file, readable or not.")
    records_read = serializers.IntegerField()
    records_imported = serializers.IntegerField(
        help_text="References created and new versions taken."
    )
    records_refused = serializers.IntegerField(
        help_text="Records that could not be read, or were no longer importable."
    )
    error = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.SerializerMethodField(help_text="Where to ask how far it is.")

    def get_status_url(self, job: Any) -> str:
        location = reverse("api:reference-import-job", args=[job.token])
        request = self.context.get("request")
        return request.build_absolute_uri(location) if request else location
