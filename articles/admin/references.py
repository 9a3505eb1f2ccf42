"""The reference library, read-only here: references and versions are written through
articles.references.services (the API), which normalises identifiers, keeps versions
append-only and moves the pointer."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from articles.admin.mixins import ReadOnlyAdminMixin, UndeletableAdminMixin
from articles.models import (
    ImportChunk,
    ImportPreviewRow,
    ImportUpload,
    Reference,
    ReferenceIdentifier,
    ReferenceVersion,
    RevisionCitation,
)
from articles.references.retraction_watch import (
    NotRetractionWatch,
    retraction_watch_apply_bytes,
)


class RetractionWatchForm(forms.Form):
    file = forms.FileField(
        label="Retraction Watch CSV",
        help_text=(
            "retraction_watch.csv as Crossref distributes it. Files above the site's request "
            "limit: use `manage.py load_retraction_watch`."
        ),
    )


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
    change_list_template = "admin/articles/reference/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        load = self.admin_site.admin_view(self.retraction_watch_view)
        mine = [path("retraction-watch/", load, name="articles_reference_retraction_watch")]
        return mine + super().get_urls()

    def retraction_watch_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a Retraction Watch snapshot: the references it names are marked through
        new versions (articles.references.retraction_watch), as the command does."""
        if not request.user.has_perm("articles.change_reference"):
            raise PermissionDenied
        form = RetractionWatchForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = retraction_watch_apply_bytes(
                    data=form.cleaned_data["file"].read(), actor=request.user
                )
            except NotRetractionWatch as exc:
                form.add_error("file", str(exc))
            else:
                self.message_user(
                    request,
                    f"{report.read} notices read; {len(report.changed)} reference(s) marked; "
                    f"{report.unchanged} already so; {report.matched} named a reference.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:articles_reference_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Load Retraction Watch data",
        }
        return TemplateResponse(request, "admin/articles/reference/retraction_watch.html", context)

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


@admin.register(ImportUpload)
class ImportUploadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the reference files editors previewed and the imports they confirmed
    (articles.references.importing), with where each stands. Deleting one drops a preview; an
    import under way finishes its batch and stops."""

    list_display = [
        *("created_at", "created_by", "filename", "format", "state"),
        *("records_read", "records_imported", "records_refused"),
    ]
    list_filter = ["state", "format"]
    search_fields = ["filename", "created_by__username", "token"]
    list_select_related = ["created_by"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in self.model._meta.fields]


@admin.register(ImportChunk)
class ImportChunkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the pieces of the files kept for their import (ADR 018), by size; their
    bytes are not shown."""

    list_display = ["upload", "number", "size"]
    list_select_related = ["upload"]
    search_fields = ["upload__filename", "upload__token"]
    fields = ["upload", "number", "size"]
    readonly_fields = ["upload", "number", "size"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).defer("data").annotate(bytes=Length("data"))

    @admin.display(description="bytes", ordering="bytes")
    def size(self, obj: ImportChunk) -> int:
        return int(getattr(obj, "bytes", 0))


@admin.register(ImportPreviewRow)
class ImportPreviewRowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: what the preview task read of each record of an upload, and the editor's
    choice for it."""

    list_display = ["upload", "number", "status", "label", "choice"]
    list_filter = ["status"]
    list_select_related = ["upload"]
    search_fields = ["upload__filename", "label", "reason"]
    fields = ["upload", "number", "status", "first_line", "label", "reason", "matches", "choice"]
    readonly_fields = ["upload", "number", "status", "first_line", "label", "reason"]
    readonly_fields += ["matches", "choice"]
