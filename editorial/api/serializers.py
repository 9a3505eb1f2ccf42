"""What the API reads and writes. Writes are validated here and carried out by the services."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import services
from articles.models import Article, AudienceBody, AudienceLevel, ReviewStatus, Revision
from articles.readability import is_above_target, stored_scores
from articles.references.importing import ImportFormat, RowStatus
from articles.references.models import (
    EvidenceLevel,
    Reference,
    ReferenceStatus,
    ReferenceType,
    ReferenceVersion,
)
from editorial import workflow
from editorial.models import (
    AuditEvent,
    InterestEntry,
    Notification,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    User,
)
from editorial.references import IMPORTED_VERSION_NOTE
from editorial.selectors import articles_for_user, revisions_for_user

BAD_CREDENTIALS = "Unable to log in with the username and password given."


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up only among the rows a selector gives the requesting user.

    `queryset` names the model (for validation messages and the schema); the rows come from
    `selector(user=...)`, so an id outside the user's scope reads as "does not exist".
    """

    def __init__(self, *, selector: Callable[..., QuerySet[Any]], **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.selector(user=self.context["request"].user)


class ReviewStatusField(serializers.ChoiceField):
    """A review status; documented once as the `ReviewStatus` schema, whatever the field name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ReviewStatus.choices, **kwargs)


class ReviewStatusFieldExtension(OpenApiSerializerFieldExtension):
    # Without it drf-spectacular names the same choices after each field (status, from_status,
    # current_status...) and warns; one component gives clients one enum.
    target_class = ReviewStatusField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        component = ResolvedComponent(
            name="ReviewStatus",
            type=ResolvedComponent.SCHEMA,
            object="ReviewStatus",
            schema={
                "type": "string",
                "enum": ReviewStatus.values,
                "description": "\n".join(f"* `{s.value}` - {s.label}" for s in ReviewStatus),
            },
        )
        auto_schema.registry.register_on_missing(component)
        if self.target.allow_blank:
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        return component.ref


class UserSummarySerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields


# Auth -----------------------------------------------------------------------------------------


class LoginSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context.get("request")
        # django-axes records failures on, and its middleware reads, Django's own request.
        user = authenticate(
            request=getattr(request, "_request", request),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(BAD_CREDENTIALS, code="authorization")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer[Any]):
    expiry = serializers.DateTimeField(allow_null=True)
    token = serializers.CharField()


# Articles -------------------------------------------------------------------------------------


class ArticleSerializer(serializers.ModelSerializer[Article]):
    """An article with the status and number of its newest revision (selector annotations)."""

    status = ReviewStatusField(read_only=True, allow_null=True)
    latest_revision_number = serializers.IntegerField(
        source="latest_number", read_only=True, allow_null=True
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "title",
            "topic",
            "review_interval_months",
            "status",
            "latest_revision_number",
            "published_revision",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "slug",
            "published_revision",
            "published_at",
            "created_at",
            "updated_at",
        ]

    def update(self, instance: Article, validated_data: dict[str, Any]) -> Article:
        return services.article_details_update(article=instance, changes=validated_data)


class ArticleCreateSerializer(serializers.ModelSerializer[Article]):
    class Meta:
        model = Article
        fields = ["slug", "title", "topic", "review_interval_months"]

    def create(self, validated_data: dict[str, Any]) -> Article:
        interval = validated_data.pop("review_interval_months", None)
        with transaction.atomic():
            article = services.article_create(author=self.context["request"].user, **validated_data)
            if interval is not None and interval != article.review_interval_months:
                article.review_interval_months = interval
                article.save(update_fields=["review_interval_months", "updated_at"])
        return article


# Revisions and bodies -------------------------------------------------------------------------


class RevisionSerializer(serializers.ModelSerializer[Revision]):
    status = ReviewStatusField(read_only=True)
    author = UserSummarySerializer(read_only=True)
    last_edited_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Revision
        fields = [
            "id",
            "article",
            "number",
            "status",
            "is_editable",
            "change_summary",
            "author",
            "last_edited_by",
            "created_at",
            "submitted_at",
            "review_round",
            "approved_at",
        ]
        read_only_fields = fields


class RevisionCreateSerializer(serializers.Serializer[Any]):
    article = ScopedPrimaryKeyRelatedField(
        selector=articles_for_user, queryset=Article.objects.all()
    )
    change_summary = serializers.CharField(max_length=300, required=False, default="")


class ReadabilitySerializer(serializers.Serializer[Any]):
    """Stored scores of a body; null until the background job has scored its current text."""

    fk_grade = serializers.FloatField(help_text="Flesch-Kincaid grade.")
    smog = serializers.FloatField(help_text="SMOG grade.")
    smog_is_valid = serializers.BooleanField(help_text="False below 30 sentences.")
    reading_ease = serializers.FloatField(help_text="Flesch reading ease, 0-100.")
    sentence_count = serializers.IntegerField()
    word_count = serializers.IntegerField()


class AudienceBodySerializer(serializers.ModelSerializer[AudienceBody]):
    audience = serializers.SlugRelatedField[AudienceLevel](slug_field="slug", read_only=True)
    readability = serializers.SerializerMethodField()
    target_grade = serializers.DecimalField(
        source="audience.target_grade", max_digits=4, decimal_places=1, read_only=True
    )
    above_target = serializers.SerializerMethodField()

    class Meta:
        model = AudienceBody
        fields = [
            "id",
            "revision",
            "audience",
            "body",
            "updated_at",
            "readability",
            "target_grade",
            "above_target",
        ]
        read_only_fields = fields

    @extend_schema_field(ReadabilitySerializer(allow_null=True))
    def get_readability(self, body: AudienceBody) -> dict[str, Any] | None:
        scores = stored_scores(body)
        return ReadabilitySerializer(scores).data if scores is not None else None

    def get_above_target(self, body: AudienceBody) -> bool:
        return is_above_target(stored_scores(body), body.audience.target_grade)


class AudienceBodyCreateSerializer(serializers.Serializer[Any]):
    revision = ScopedPrimaryKeyRelatedField(
        selector=revisions_for_user, queryset=Revision.objects.all()
    )
    audience = serializers.SlugRelatedField(slug_field="slug", queryset=AudienceLevel.objects.all())
    body = serializers.CharField(help_text="Markdown.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if AudienceBody.objects.filter(
            revision=attrs["revision"], audience=attrs["audience"]
        ).exists():
            raise serializers.ValidationError(
                "This revision already has a body for that audience: update it instead.",
                code="unique",
            )
        return attrs


class AudienceBodyUpdateSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(help_text="Markdown.")


# Review ---------------------------------------------------------------------------------------


class ReviewAssignmentSerializer(serializers.ModelSerializer[ReviewAssignment]):
    article = serializers.IntegerField(source="revision.article_id", read_only=True)
    reviewer = UserSummarySerializer(read_only=True)
    assigned_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "article",
            "revision",
            "reviewer",
            "assigned_by",
            "assigned_at",
            "state",
            "due_date",
            "responded_at",
            "decline_reason",
        ]
        read_only_fields = fields


class ReviewDecisionSerializer(serializers.ModelSerializer[ReviewDecision]):
    article = serializers.IntegerField(source="revision.article_id", read_only=True)
    reviewer = UserSummarySerializer(read_only=True)

    class Meta:
        model = ReviewDecision
        fields = [
            "id",
            "article",
            "revision",
            "reviewer",
            "review_round",
            "verdict",
            "reason",
            "decided_at",
        ]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    from_status = ReviewStatusField(read_only=True, allow_blank=True)
    to_status = ReviewStatusField(read_only=True, allow_blank=True)
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    subject_user = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "article",
            "revision",
            "action",
            "from_status",
            "to_status",
            "actor",
            "subject_user",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text="Why you decline; required.")


class RemoveSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, default="", allow_blank=True)


class InterestEntrySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=InterestEntry.Kind.choices)
    details = serializers.CharField()


class DeclarationSerializer(serializers.Serializer[Any]):
    """No conflict of interest (`none: true`), or at least one typed interest."""

    none = serializers.BooleanField(default=False)
    interests = InterestEntrySerializer(many=True, required=False, default=list)


class CommentSerializer(serializers.ModelSerializer[ReviewComment]):
    audience = serializers.SlugRelatedField[AudienceLevel](slug_field="slug", read_only=True)
    author = UserSummarySerializer(read_only=True)
    resolved_by = UserSummarySerializer(read_only=True, allow_null=True)
    is_resolved = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReviewComment
        fields = [
            "id",
            "revision",
            "first_revision",
            "parent",
            "audience",
            "quoted_text",
            "offset",
            "severity",
            "body",
            "author",
            "created_at",
            "is_resolved",
            "resolved_at",
            "resolved_by",
        ]
        read_only_fields = fields


class CommentCreateSerializer(serializers.Serializer[Any]):
    revision = ScopedPrimaryKeyRelatedField(
        selector=revisions_for_user, queryset=Revision.objects.all()
    )
    audience = serializers.SlugRelatedField(slug_field="slug", queryset=AudienceLevel.objects.all())
    quoted_text = serializers.CharField(help_text="The passage commented on, exactly.")
    offset = serializers.IntegerField(
        min_value=0, help_text="Where the passage starts in the audience body."
    )
    severity = serializers.ChoiceField(
        choices=ReviewComment.Severity.choices, default=ReviewComment.Severity.NOTE
    )
    body = serializers.CharField(help_text="The comment.")


class ReplySerializer(serializers.Serializer[Any]):
    body = serializers.CharField(help_text="The reply.")


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    event = AuditEventSerializer(read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "created_at", "emailed_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class DiffPieceSerializer(serializers.Serializer[Any]):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField()


class BodyDiffSerializer(serializers.Serializer[Any]):
    audience = serializers.CharField(source="audience.slug")
    changed = serializers.BooleanField()
    pieces = DiffPieceSerializer(many=True)


class ReferenceChangeSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "newer version", "older version"])
    old_version = serializers.IntegerField(source="old.number", allow_null=True, default=None)
    new_version = serializers.IntegerField(source="new.number", allow_null=True, default=None)


class RevisionDiffSerializer(serializers.Serializer[Any]):
    """A revision against the last approved one before it, or else the previous one."""

    revision = serializers.IntegerField()
    base = serializers.IntegerField(allow_null=True, help_text="Null for a first revision.")
    base_number = serializers.IntegerField(allow_null=True)
    bodies = BodyDiffSerializer(many=True)
    references = ReferenceChangeSerializer(many=True)


# Workflow -------------------------------------------------------------------------------------


class RevisionChoiceSerializer(serializers.Serializer[Any]):
    """Which revision of the article (in `context["article"]`); the newest when left out."""

    revision = ScopedPrimaryKeyRelatedField(
        selector=revisions_for_user,
        queryset=Revision.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The revision to act on; the article's newest revision when left out.",
    )

    def validate_revision(self, revision: Revision | None) -> Revision | None:
        if revision is not None and revision.article_id != self.context["article"].pk:
            raise serializers.ValidationError(workflow.WRONG_ARTICLE)
        return revision


class TransitionSerializer(RevisionChoiceSerializer):
    """Input of a transition."""

    note = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Optional comment; the reason, required, for request-changes.",
    )
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The board member to assign (assign-reviewer only).",
    )
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the review is due (assign-reviewer only); default in 14 days.",
    )


class WorkflowStateSerializer(serializers.Serializer[Any]):
    """An article, the revision acted on (or looked at), its status and the user's next steps."""

    article = ArticleSerializer()
    revision = serializers.IntegerField(source="revision.pk")
    revision_number = serializers.IntegerField(source="revision.number")
    status = ReviewStatusField(source="revision.status")
    allowed_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=workflow.ACTION_NAMES),
        help_text="What the requesting user may do with this revision now.",
    )


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class TransitionNotAllowedSerializer(ErrorSerializer):
    current_status = ReviewStatusField(required=False)
    allowed_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=workflow.ACTION_NAMES), required=False
    )


# References -----------------------------------------------------------------------------------


class ReferenceVersionSerializer(serializers.ModelSerializer[ReferenceVersion]):
    changed_by = UserSummarySerializer(read_only=True)

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

    KEPT_FIELDS = ("doi", "pmid", "pmcid", "evidence_level", "status")

    def kept_from(self, current: ReferenceVersion) -> dict[str, str]:
        """The current version's values of the fields left out (an identifier given inside
        `csl` counts as given); call after is_valid()."""
        data = self.validated_data
        in_csl = {key.lower() for key in data["csl"]} if isinstance(data["csl"], dict) else set()
        return {
            name: getattr(current, name)
            for name in self.KEPT_FIELDS
            if name not in data and name not in in_csl
        }


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
    file = serializers.FileField(max_length=255)
    format = serializers.ChoiceField(choices=[(f.value, f.value) for f in ImportFormat])


NEW_VERSION_INVALID = "{value!r}: give a record's index and a reference key as index:key."
NOTHING_CONFIRMED = "Choose records to import (`records`) or to take as new versions."


class ImportConfirmSerializer(ImportUploadSerializer):
    records = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Indexes (from 1) of the new records to import, as the preview numbered them.",
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
            if not index.strip().isdigit() or not key.strip():
                raise serializers.ValidationError(NEW_VERSION_INVALID.format(value=item))
            chosen[int(index)] = key.strip()
        return chosen

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


class ImportPreviewSerializer(serializers.Serializer[Any]):
    new = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    conflict = serializers.IntegerField()
    records = ImportRecordSerializer(many=True)


class ImportResultSerializer(serializers.Serializer[Any]):
    imported = ReferenceSerializer(many=True)
    revised = ReferenceSerializer(
        many=True, help_text="References that got a new version from a conflicting record."
    )
