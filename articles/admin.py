from django import forms
from django.contrib import admin

from articles.models import Article, AudienceBody, AudienceLevel, ReaderPreference, Revision

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


@admin.register(AudienceLevel)
class AudienceLevelAdmin(admin.ModelAdmin):
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
    model = AudienceBody
    extra = 0
    fields = ["audience", "body", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Submitted revisions are frozen: the admin must not offer to edit them.
        return obj is None or obj.is_editable

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "status", "author", "created_at", "submitted_at"]
    list_filter = ["status", "article__topic", "created_at"]
    search_fields = ["article__title", "article__slug", "change_summary", "author__username"]
    list_select_related = ["article", "author"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["article", "author", "last_edited_by"]
    inlines = [AudienceBodyInline]
    # Status moves only through the workflow (editorial.workflow), never by hand here.
    readonly_fields = ["status", "review_round", "created_at", "submitted_at", "approved_at"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.is_editable:
            fields += ["article", "number", "author", "last_edited_by", "change_summary"]
        return fields


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


@admin.register(AudienceBody)
class AudienceBodyAdmin(admin.ModelAdmin):
    list_display = ["revision", "audience", "fk_grade", "smog", "reading_ease", "updated_at"]
    list_filter = ["audience"]
    readonly_fields = [
        "canonical_hash",
        "fk_grade",
        "smog",
        "reading_ease",
        "sentence_count",
        "word_count",
        "scored_hash",
    ]
    search_fields = ["revision__article__title", "body"]
    list_select_related = ["revision__article", "audience"]
    autocomplete_fields = ["revision"]
