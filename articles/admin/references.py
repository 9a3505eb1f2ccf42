"""The reference library, read-only here: references and versions are written through
articles.references.services (the API), which normalises identifiers, keeps versions
append-only and moves the pointer."""

from django.contrib import admin

from articles.admin.mixins import UndeletableAdminMixin
from articles.models import Reference, ReferenceIdentifier, ReferenceVersion, RevisionCitation


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
