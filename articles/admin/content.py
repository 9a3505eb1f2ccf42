"""Articles, revisions, their bodies, audience levels, the plain-language vocabulary, site
pages and readers' questions: what the workflow owns is shown only, the rest is saved through
the content services."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction

from articles.admin.mixins import (
    ReadOnlyAdminMixin,
    RetiresArticlePages,
    ServiceAdmin,
    ServiceForm,
)
from articles.errors import ActionRefused
from articles.models import (
    Article,
    ArticleOldSlug,
    AudienceBody,
    AudienceLevel,
    FollowUpQuestion,
    PlainTerm,
    ReaderPreference,
    ReviewStatus,
    Revision,
    SitePage,
    Topic,
)
from articles.page_versions import article_page_invalidate
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
            "plain_language",
            "disclaimer",
        ]

    def clean_is_canonical(self) -> bool:
        is_canonical = self.cleaned_data["is_canonical"]
        if is_canonical:
            other = AudienceLevel.objects.filter(is_canonical=True).exclude(pk=self.instance.pk)
            if (existing := other.first()) is not None:
                raise forms.ValidationError(SECOND_CANONICAL.format(label=existing.label))
        return is_canonical


@admin.register(AudienceLevel)
class AudienceLevelAdmin(RetiresArticlePages):
    form = AudienceLevelForm
    list_display = ["label", "slug", "order", "target_grade", "plain_language", "is_canonical"]
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
            article_page_invalidate(slug=old_slug)


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
    list_display = ["article", "audience", "state", "outcome", "created_at"]
    list_filter = ["state", "outcome", "audience"]
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
        # What the answers offered and what came of it (articles.answers), and an editor's
        # answer into the article's next revision.
        *("outcome", "outcome_at", "offered_count", "offered_fallback", "offered"),
        *("answer", "answer_revision"),
    ]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """The topics editors file articles under (the workspace offers them as a choice)."""

    list_display = ["name"]
    search_fields = ["name"]


@admin.register(ArticleOldSlug)
class ArticleOldSlugAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Addresses articles had before their slug changed; each redirects to the article. Kept
    by article_details_update; deleting one ends its redirect."""

    list_display = ["slug", "article", "replaced_at"]
    search_fields = ["slug", "article__slug", "article__title"]
    list_select_related = ["article"]


@admin.register(PlainTerm)
class PlainTermAdmin(admin.ModelAdmin):
    """The plain-language vocabulary: the editor marks each term in versions written in plain
    language (audience levels) and suggests its plain words. The project ships a few hundred
    (articles/data/README.md); editors correct them and add their own."""

    list_display = ["term", "plain", "source", "updated_at"]
    list_filter = ["source"]
    search_fields = ["term", "plain"]
    fields = ["term", "plain", "source"]
