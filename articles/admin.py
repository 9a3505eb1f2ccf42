from functools import partial
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction

from articles.errors import ActionRefused
from articles.models import (
    Article,
    ArticleSearchDocument,
    AudienceBody,
    AudienceLevel,
    FollowUpQuestion,
    OutboxMessage,
    ReaderPreference,
    Reference,
    ReferenceIdentifier,
    ReferenceVersion,
    ReviewStatus,
    Revision,
    RevisionCitation,
    SitePage,
    StoredPage,
)
from articles.outbox import outbox_send
from articles.page_versions import article_page_invalidate, article_pages_invalidate_all
from articles.questions import follow_up_question_mark
from articles.services import (
    ARTICLE_EDITABLE_FIELDS,
    article_create,
    article_details_update,
    body_fingerprint,
    revision_edit,
)

SECOND_CANONICAL = (
    "{label} is already the canonical level, and there can be only one: untick it there first."
)


class AudienceLevelForm(forms.ModelForm):
    class Meta:
        model = AudienceLevel
        fields = [
            "label",
            "slug",
            "description",
            "order",
            "target_grade",
            "is_canonical",
            "disclaimer",
        ]

    def clean_is_canonical(self) -> bool:
        is_canonical = self.cleaned_data["is_canonical"]
        if is_canonical:
            other = AudienceLevel.objects.filter(is_canonical=True).exclude(pk=self.instance.pk)
            if (existing := other.first()) is not None:
                raise forms.ValidationError(SECOND_CANONICAL.format(label=existing.label))
        return is_canonical


class RetiresArticlePages(admin.ModelAdmin):
    """For what every article page shows (the audience levels in the picker and disclaimer, a
    reviewer's name, credentials and specialty): a change, a deletion or a bulk deletion
    retires every cached and stored article page once committed. save_related runs after the
    change form with its inlines and after each list_editable row alike."""

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        transaction.on_commit(article_pages_invalidate_all)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)
        transaction.on_commit(article_pages_invalidate_all)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        super().delete_queryset(request, queryset)
        transaction.on_commit(article_pages_invalidate_all)


class ReadOnlyAdminMixin:
    """Kept by the code: listed and searchable here, never added or changed."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class UndeletableAdminMixin(ReadOnlyAdminMixin):
    """Kept by the code and kept for good: not deleted here either."""

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ServiceForm(forms.ModelForm):
    """A form whose data a service saves, so that its rules apply here as everywhere else.

    Once the form and the model's own checks pass, `save_through_service` runs in a savepoint
    (the admin runs the whole view in one transaction) and returns the saved object; its
    refusal becomes a form error and nothing changes. An unchanged form calls nothing. For an
    admin without inlines: a valid form is a saved one."""

    actor: Any = None  # who acts: set per request by ServiceAdmin.get_form

    def save_through_service(self) -> Any:
        raise NotImplementedError

    def full_clean(self) -> None:
        # After every check of the form and the model (uniqueness among them): the service
        # sees valid data only.
        super().full_clean()
        if not self.is_bound or self.errors:
            return
        if not (self.instance._state.adding or self.has_changed()):
            return
        try:
            with transaction.atomic():
                self.instance = self.save_through_service()
        except ActionRefused as exc:
            self.add_error(None, str(exc))


class ServiceAdmin(admin.ModelAdmin):
    """For a ServiceForm: a valid form is saved already, so save_model has nothing left to do."""

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        pass


@admin.register(AudienceLevel)
class AudienceLevelAdmin(RetiresArticlePages):
    form = AudienceLevelForm
    list_display = ["label", "slug", "order", "target_grade", "is_canonical"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["label"]}
    search_fields = ["label", "slug", "description"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Every article needs its canonical body: that level cannot go.
        return super().has_delete_permission(request, obj) and not (obj and obj.is_canonical)


@admin.register(ReaderPreference)
class ReaderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "audience", "updated_at"]
    list_filter = ["audience"]
    list_select_related = ["user", "audience"]
    search_fields = ["user__username"]


class AudienceBodyInline(admin.StackedInline):
    """Shown, never edited here: a draft's body is edited on its own page (AudienceBodyAdmin),
    through the same service as in the workspace."""

    model = AudienceBody
    extra = 0
    fields = readonly_fields = ("audience", "body", "updated_at")
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Shown only: drafts are started and edited in the workspace (articles.services), and
    everything else about a revision belongs to the workflow (editorial.workflow)."""

    list_display = ["article", "number", "status", "author", "created_at", "submitted_at"]
    list_filter = ["status", "article__topic", "created_at"]
    search_fields = ["article__title", "article__slug", "change_summary", "author__username"]
    list_select_related = ["article", "author"]
    date_hierarchy = "created_at"
    inlines = [AudienceBodyInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def get_search_results(self, request, queryset, search_term):  # type: ignore[no-untyped-def]
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The body page's revision picker offers drafts only: a submitted one takes no body.
        if request.GET.get("model_name") == AudienceBody._meta.model_name:
            queryset = queryset.filter(status=ReviewStatus.DRAFT, submitted_at__isnull=True)
        return queryset, may_have_duplicates


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    fields = readonly_fields = ("number", "status", "author", "change_summary", "created_at")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "topic", "published_revision", "published_at"]
    list_filter = ["topic", ("published_revision", admin.EmptyFieldListFilter)]
    search_fields = ["title", "slug", "topic"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["published_revision__article"]
    # Publication goes through the workflow so that it is audited.
    readonly_fields = ["published_revision", "published_at", "created_at", "updated_at"]
    inlines = [RevisionInline]

    def get_inlines(self, request, obj):  # type: ignore[no-untyped-def]
        return self.inlines if obj is not None else []  # the first revision comes with it

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Its revisions, reviews and audit trail are kept (none is deleted here either):
        # unpublishing in the workspace takes an article off the site.
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            # Through the service, so that the article has its first (empty) draft revision.
            created = article_create(
                slug=obj.slug,
                title=obj.title,
                topic=obj.topic,
                author=request.user,
                review_interval_months=obj.review_interval_months,
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        # Through the service, so that the public page shows the change at once.
        fields = [f for f in form.changed_data if f in ARTICLE_EDITABLE_FIELDS]
        changes = {field: form.cleaned_data[field] for field in fields}
        if not changes:
            return  # nothing to save: the page's Last-Modified stays
        old_slug = Article.objects.filter(pk=obj.pk).values_list("slug", flat=True).first()
        article_details_update(article=obj, changes=changes)
        if old_slug and old_slug != obj.slug:
            transaction.on_commit(partial(article_page_invalidate, slug=old_slug))


@admin.register(ArticleSearchDocument)
class ArticleSearchDocumentAdmin(UndeletableAdminMixin, admin.ModelAdmin):
    """Read-only: publication keeps these; `manage.py rebuild_search_documents` rebuilds all.
    Not deleted here: that would hide a published article from the search."""

    list_display = ["article", "revision", "text_changed_at"]
    search_fields = ["article__title", "body_text"]
    list_select_related = ["article", "revision__article"]
    readonly_fields = ["article", "revision", "body_text", "text_hash", "text_changed_at"]
    exclude = ["search_vector"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: what committed actions left to do (articles.outbox). An unsent message is
    sent again by the relay every minute; "Send now" does it at once. Only a sent message can be
    deleted: an unsent one is work still owed."""

    list_display = ["created_at", "topic", "task", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "topic"]
    search_fields = ["topic", "task", "last_error"]
    readonly_fields = [*("topic", "task", "payload", "created_at"), *("sent_at", "attempts")]
    actions = ["send_now"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.sent_at is not None
        )

    @admin.action(description="Send now (the unsent ones)")
    def send_now(self, request, queryset):  # type: ignore[no-untyped-def]
        sent = outbox_send(
            ids=list(queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
        )
        self.message_user(request, f"Sent {sent} message(s).")


@admin.register(StoredPage)
class StoredPageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the public pages kept behind the cache (articles.public.page_cache). Deleting one
    only makes the next reader's request build it again."""

    list_display = ["article", "audience", "origin", "version", "stored_at"]
    list_filter = ["audience"]
    search_fields = ["article__title", "article__slug", "origin"]
    list_select_related = ["article"]
    readonly_fields = [
        *("article", "origin", "audience", "version", "build", "etag", "last_modified"),
        *("stale_from", "stored_at"),
    ]
    exclude = ["html"]


class AudienceBodyForm(ServiceForm):
    """A draft's body, saved by revision_edit (citation checks, scores, stale edits)."""

    # What the body read when the form was shown: a change saved since is not overwritten.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AudienceBody
        fields = ["revision", "audience", "body"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = body_fingerprint(self.instance if self.instance.pk else None)

    def save_through_service(self) -> AudienceBody:
        revision, audience = self.instance.revision, self.instance.audience
        revision_edit(
            revision=revision,
            editor=self.actor,
            bodies={audience: self.cleaned_data["body"]},
            # As in the workspace: no fingerprint sent, no check.
            seen={audience.pk: seen} if (seen := self.cleaned_data["seen"]) else None,
        )
        return AudienceBody.objects.get(revision=revision, audience=audience)


@admin.register(AudienceBody)
class AudienceBodyAdmin(ServiceAdmin):
    """A draft's bodies are added, edited and removed through revision_edit; a submitted
    revision's are only shown."""

    form = AudienceBodyForm
    list_display = ["revision", "audience", "fk_grade", "smog", "reading_ease", "updated_at"]
    list_filter = ["audience"]
    search_fields = ["revision__article__title", "body"]
    list_select_related = ["revision__article", "audience"]
    autocomplete_fields = ["revision"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "revision":
            # A submitted revision takes no new body.
            kwargs["queryset"] = Revision.objects.filter(
                status=ReviewStatus.DRAFT, submitted_at__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return ["revision", "audience", "body", "seen"]
        shown = ["revision", "audience", "body", "canonical_hash", *AudienceBody.READABILITY_FIELDS]
        return [*shown, "seen"] if self.has_change_permission(request, obj) else shown

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return []
        return ["revision", "audience", "canonical_hash", *AudienceBody.READABILITY_FIELDS]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A submitted revision's text never changes (the model refuses it, too).
        return super().has_change_permission(request, obj) and (
            obj is None or obj.revision.is_editable
        )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.revision.is_editable
        )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        self._remove(request, [obj])

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        # The bulk action asked has_delete_permission of each body already.
        self._remove(request, queryset.select_related("revision", "audience"))

    def _remove(self, request, bodies) -> None:  # type: ignore[no-untyped-def]
        try:
            with transaction.atomic():  # all of them or none
                for body in bodies:
                    # An empty text removes the body: the service's way, as in the workspace.
                    revision_edit(
                        revision=body.revision, editor=request.user, bodies={body.audience: ""}
                    )
        except ActionRefused as exc:  # submitted meanwhile
            raise PermissionDenied(str(exc)) from exc


# --- reference library -----------------------------------------------------------------------
# Read-only here: references and versions are written through articles.references.services
# (the API), which normalises identifiers, keeps versions append-only and moves the pointer.


class ReferenceVersionInline(UndeletableAdminMixin, admin.TabularInline):
    model = ReferenceVersion
    extra = 0
    fields = readonly_fields = (
        "number",
        "type",
        "title",
        "year",
        "status",
        "evidence_level",
        "changed_by",
        "created_at",
        "change_note",
    )
    show_change_link = True
    ordering = ["-number"]


class ReferenceIdentifierInline(UndeletableAdminMixin, admin.TabularInline):
    model = ReferenceIdentifier
    extra = 0
    fields = readonly_fields = ("scheme", "value")


@admin.register(Reference)
class ReferenceAdmin(UndeletableAdminMixin, admin.ModelAdmin):
    list_display = [
        "key",
        "current_title",
        "current_type",
        "current_year",
        "current_status",
        "current_version_number",
    ]
    list_filter = [
        "current_version__type",
        "current_version__status",
        "current_version__evidence_level",
    ]
    search_fields = [
        "key",
        "current_version__title",
        "current_version__container",
        "identifiers__value",
    ]
    list_select_related = ["current_version"]
    fields = readonly_fields = ("key", "current_version", "created_by", "created_at")
    inlines = [ReferenceIdentifierInline, ReferenceVersionInline]

    @admin.display(description="title", ordering="current_version__title")
    def current_title(self, obj: Reference) -> str:
        return obj.current_version.title if obj.current_version else ""

    @admin.display(description="type", ordering="current_version__type")
    def current_type(self, obj: Reference) -> str:
        return obj.current_version.get_type_display() if obj.current_version else ""

    @admin.display(description="year", ordering="current_version__year")
    def current_year(self, obj: Reference) -> int | None:
        return obj.current_version.year if obj.current_version else None

    @admin.display(description="status", ordering="current_version__status")
    def current_status(self, obj: Reference) -> str:
        return obj.current_version.get_status_display() if obj.current_version else ""

    @admin.display(description="version", ordering="current_version__number")
    def current_version_number(self, obj: Reference) -> int | None:
        return obj.current_version.number if obj.current_version else None


@admin.register(ReferenceVersion)
class ReferenceVersionAdmin(UndeletableAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "number", "type", "title", "year", "status", "created_at"]
    list_filter = ["type", "status", "evidence_level", "created_at"]
    search_fields = ["reference__key", "title", "container", "doi", "pmid", "pmcid"]
    list_select_related = ["reference"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ReferenceVersion._meta.fields]


@admin.register(ReferenceIdentifier)
class ReferenceIdentifierAdmin(UndeletableAdminMixin, admin.ModelAdmin):
    list_display = ["value", "scheme", "reference"]
    list_filter = ["scheme"]
    search_fields = ["value", "reference__key"]
    list_select_related = ["reference"]


@admin.register(RevisionCitation)
class RevisionCitationAdmin(UndeletableAdminMixin, admin.ModelAdmin):
    list_display = ["revision", "order", "reference", "pinned_version"]
    list_filter = ["version__status"]
    search_fields = ["reference__key", "revision__article__title", "revision__article__slug"]
    list_select_related = ["revision__article", "reference", "version"]

    @admin.display(description="pinned version", ordering="version__number")
    def pinned_version(self, obj: RevisionCitation) -> int:
        return obj.version.number


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    readonly_fields = ["updated_at"]


class FollowUpQuestionForm(ServiceForm):
    """A question marked answered or spam, or reopened, by follow_up_question_mark: the moves
    its state allows, with who and when."""

    class Meta:
        model = FollowUpQuestion
        fields = ["state"]

    def save_through_service(self) -> FollowUpQuestion:
        return follow_up_question_mark(
            question=self.instance, state=self.cleaned_data["state"], actor=self.actor
        )


@admin.register(FollowUpQuestion)
class FollowUpQuestionAdmin(ServiceAdmin):
    """Readers ask on the public page; here an administrator moves a question's state as the
    editors' page does, or deletes it (spam, a reader's request)."""

    form = FollowUpQuestionForm
    list_display = ["article", "audience", "state", "created_at"]
    list_filter = ["state", "audience"]
    search_fields = ["question", "article__title"]
    readonly_fields = [
        "article",
        "revision",
        "audience",
        "question",
        "email",
        "created_at",
        "state_changed_at",
        "state_changed_by",
    ]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
