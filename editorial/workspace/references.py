"""The reference library in the workspace: list and search, a reference with its history and
diff, new reference and edit, import with preview, export, and the citation picker.

Board members read; editors write (editorial.permissions). Writes go through
articles.references (services: a reference and its versions; importing: the import).
"""

import re
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.references import selectors, services
from articles.references.exporting import CONTENT_TYPES, ExportFormat, references_export
from articles.references.filters import ReferenceFilter
from articles.references.formatting import reference_format
from articles.references.importing import (
    IMPORTED_VERSION_NOTE,
    ImportFormat,
    ImportInvalid,
    ImportPreview,
    PreviewRow,
    RowStatus,
    format_detect,
    import_preview,
    records_parse,
    references_import_confirm,
)
from articles.references.models import Reference, ReferenceVersion
from editorial import permissions
from editorial.models import User
from editorial.workspace.reference_forms import (
    CSL_TYPE_LABELS,
    TEXT_FIELDS,
    ImportForm,
    ReferenceForm,
    authors_text,
    date_parts_text,
)

PAGE_SIZE = 25
PICKER_SIZE = 10
REFERENCE_CREATED = "Reference {key} created."
VERSION_ADDED = "Version {number} of {key} saved."
VERSION_NOT_FOUND = "This reference has no version {number}: showing the latest change."
FORMAT_UNKNOWN = "Could not tell the format of this file: choose it in the list."
PREVIEW_EXPIRED = "This preview has expired or was altered: upload the file again."
IMPORT_DONE = "Imported {created} new reference{created_s}; {revised} new version{revised_s}."
NOTHING_CHOSEN = "Choose at least one record to import, or a new version to take."
EXPORT_NOTHING = "Select references to export, or export all that match the search."
EXPORT_FORMAT_UNKNOWN = "Choose an export format: CSL-JSON, RIS or BibTeX."
# The uploaded text travels back in the preview page, signed, and is parsed again on confirm.
IMPORT_SALT = "editorial.references.import"
IMPORT_MAX_AGE = 60 * 60 * 6

LINKS = {
    "doi": "https://doi.org/{}",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pmcid": "https://pmc.ncbi.nlm.nih.gov/articles/{}/",
}
FIELD_LABELS = {
    "type": "Type",
    "status": "Status",
    "evidence_level": "Evidence level",
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "author": "Authors",
    "editor": "Editors",
    "title": "Title",
    "container-title": "Journal, book or site",
    "volume": "Volume",
    "issue": "Issue",
    "page": "Pages",
    "publisher": "Publisher",
    "issued": "Published",
    "URL": "URL",
    "accessed": "Accessed",
}


@dataclass(frozen=True)
class Identifier:
    label: str
    value: str
    url: str


def _user(request: HttpRequest) -> User:
    # Only called behind login_required: the user is authenticated.
    return cast(User, request.user)


def _require(request: HttpRequest, predicate: Any) -> User:
    user = _user(request)
    if not predicate.test(user):
        raise PermissionDenied
    return user


def _library() -> QuerySet[Reference]:
    return selectors.references_all().select_related("current_version")


def citation_short(version: ReferenceVersion | None) -> str:
    """First author (et al), title, container and year: enough to recognise a work in a list."""
    if version is None:
        return ""
    names = version.csl.get("author") or version.csl.get("editor") or []
    author = ""
    if names:
        first = names[0]
        initials = "".join(w[:1] for w in re.split(r"[\s\-.]+", first.get("given", "")))
        author = first.get("literal") or " ".join(filter(None, [first.get("family"), initials]))
        if len(names) > 1:
            author += " et al"
    parts = [author, version.title, version.container, str(version.year or "")]
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


def identifiers(version: ReferenceVersion) -> list[Identifier]:
    return [
        Identifier(label=name.upper(), value=value, url=LINKS[name].format(value))
        for name in ("doi", "pmid", "pmcid")
        if (value := getattr(version, name))
    ]


def version_fields(version: ReferenceVersion) -> list[tuple[str, str]]:
    """Every field of the version as (label, text), the CSL variables we do not edit last."""
    csl = version.csl
    rows = [
        ("Type", version.get_type_display()),
        ("Form of publication", CSL_TYPE_LABELS.get(csl.get("type", ""), csl.get("type", ""))),
        ("Authors", authors_text(csl.get("author")).replace("\n", "; ")),
    ]
    for variable in TEXT_FIELDS.values():
        rows.append((FIELD_LABELS[variable], str(csl.get(variable, ""))))
    rows += [
        ("Published", date_parts_text(csl.get("issued"))),
        ("Accessed", date_parts_text(csl.get("accessed"))),
        ("Evidence level", version.get_evidence_level_display() or "Not graded"),
        ("Status", version.get_status_display()),
    ]
    shown = {"type", "author", "issued", "accessed", *TEXT_FIELDS.values()}
    for variable in sorted(set(csl) - shown):
        value = csl[variable]
        text = authors_text(value) if isinstance(value, list) else date_parts_text(value)
        rows.append((FIELD_LABELS.get(variable, variable), text or str(value)))
    return [(label, text) for label, text in rows if text]


# --- library and reference page ----------------------------------------------------------------


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    user = _require(request, permissions.can_read_references)
    filterset = ReferenceFilter(request.GET or None, queryset=_library())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for reference in page:
        reference.short = citation_short(reference.current_version)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "searching": any(request.GET.get(name) for name in filterset.form.fields),
        "can_edit": permissions.can_edit_references.test(user),
        "export_formats": [(f.value, _export_label(f)) for f in ExportFormat],
    }
    return render(request, "editorial/references/list.html", context)


@login_required
@require_GET
def reference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(request, permissions.can_read_references)
    reference = get_object_or_404(Reference, pk=pk)
    versions = list(selectors.reference_versions(reference=reference))
    by_number = {v.number: v for v in versions}
    current = versions[0]
    current.reference = reference
    numbers = [current.number - 1 if current.number > 1 else current.number, current.number]
    diff_error = ""
    for position, name in enumerate(("from", "to")):
        raw = request.GET.get(name, "")
        if raw:
            if raw.isdigit() and int(raw) in by_number:
                numbers[position] = int(raw)
            else:
                diff_error = VERSION_NOT_FOUND.format(number=raw)
    if diff_error:
        numbers = [current.number - 1 if current.number > 1 else current.number, current.number]
    old, new = by_number[numbers[0]], by_number[numbers[1]]
    context = {
        "reference": reference,
        "current": current,
        "formatted": reference_format(version=current),
        "fields": version_fields(current),
        "identifiers": identifiers(current),
        "versions": versions,
        "diff_from": old,
        "diff_to": new,
        "changes": [
            (FIELD_LABELS.get(change.field, change.field), change)
            for change in selectors.reference_version_diff(old=old, new=new)
        ],
        "diff_error": diff_error,
        "can_edit": permissions.can_edit_references.test(user),
        "is_retracted": current.is_retracted,
    }
    return render(request, "editorial/references/detail.html", context)


# --- new reference and new version -------------------------------------------------------------


def _warn(request: HttpRequest, written: services.VersionWritten) -> None:
    for warning in written.warnings:
        messages.warning(request, warning)


@login_required
@require_http_methods(["GET", "POST"])
def reference_new(request: HttpRequest) -> HttpResponse:
    user = _require(request, permissions.can_edit_references)
    form = ReferenceForm(request.POST or None, initial={"csl_type": "article-journal"})
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields["change_note"] = fields["change_note"] or "Created"
        try:
            written = services.reference_create(key=form.cleaned_data["key"], actor=user, **fields)
        except services.ReferenceInvalid as exc:
            form.add_error(None, str(exc))
        else:
            reference = written.version.reference
            messages.success(request, REFERENCE_CREATED.format(key=reference.key))
            _warn(request, written)
            return redirect("editorial:reference", pk=reference.pk)
    return render(request, "editorial/references/form.html", {"form": form, "reference": None})


@login_required
@require_http_methods(["GET", "POST"])
def reference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(request, permissions.can_edit_references)
    reference = get_object_or_404(_library(), pk=pk)
    current = reference.current_version
    assert current is not None  # every reference is written with its version 1
    form = ReferenceForm(
        request.POST or None, initial=ReferenceForm.initial_from(current), editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            written = services.reference_version_create(
                reference=reference, actor=user, **form.service_fields(current.csl)
            )
        except services.ReferenceInvalid as exc:
            form.add_error(None, str(exc))
        else:
            number = written.version.number
            messages.success(request, VERSION_ADDED.format(number=number, key=reference.key))
            _warn(request, written)
            return redirect("editorial:reference", pk=reference.pk)
    context = {"form": form, "reference": reference, "current": current}
    return render(request, "editorial/references/form.html", context)


# --- import --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewLine:
    """A preview row, what it matched (key and the reference's id, or a record of the file),
    and what the editor chose for it (kept when the confirm is refused)."""

    row: PreviewRow
    matches: list[tuple[str, int | None]]
    checked: bool
    version_of: str


def _preview_render(
    request: HttpRequest,
    *,
    preview: ImportPreview,
    payload: str,
    format: str,
    chosen: set[int] | None = None,
    versions: dict[int, str] | None = None,
    change_note: str = IMPORTED_VERSION_NOTE,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    keys = {key for row in preview.rows for key in row.matches}
    ids = dict(Reference.objects.filter(key__in=keys).values_list("key", "pk"))
    lines = [
        PreviewLine(
            row=row,
            matches=[(key, ids.get(key)) for key in row.matches],
            checked=(row.status == RowStatus.NEW if chosen is None else row.record.index in chosen),
            version_of=(versions or {}).get(row.record.index, ""),
        )
        for row in preview.rows
    ]
    context = {
        "lines": lines,
        "counts": {s.value: preview.count(s) for s in RowStatus},
        "payload": payload,
        "format": _import_label(ImportFormat(format)),
        "change_note": change_note,
        "error": error,
    }
    return render(request, "editorial/references/import_preview.html", context, status=status)


def _import_label(import_format: ImportFormat) -> str:
    return dict(ImportForm.base_fields["format"].choices)[import_format.value]  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def reference_import(request: HttpRequest) -> HttpResponse:
    """The upload form; posted, the preview of what importing would do (nothing is written)."""
    _require(request, permissions.can_edit_references)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data, filename = form.content()
        format = form.cleaned_data["format"] or format_detect(data=data, filename=filename)
        if format is None:
            form.add_error("format", FORMAT_UNKNOWN)
        else:
            try:
                records = records_parse(data=data, format=format)
            except ImportInvalid as exc:
                form.add_error(None, str(exc))
            else:
                text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
                payload = signing.dumps(
                    {"text": text, "format": str(format)}, salt=IMPORT_SALT, compress=True
                )
                preview = import_preview(records=records)
                return _preview_render(request, preview=preview, payload=payload, format=format)
    status = 400 if form.errors else 200
    return render(request, "editorial/references/import.html", {"form": form}, status=status)


@login_required
@require_POST
def reference_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the checked new records and take the chosen conflicts as new versions, at once."""
    user = _require(request, permissions.can_edit_references)
    payload = request.POST.get("payload", "")
    try:
        upload = signing.loads(payload, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
        records = records_parse(data=upload["text"], format=upload["format"])
    except (signing.BadSignature, ImportInvalid, KeyError, TypeError, ValueError):
        messages.error(request, PREVIEW_EXPIRED)
        return redirect("editorial:reference_import")
    chosen = {int(i) for i in request.POST.getlist("records") if i.isdigit()}
    versions = {
        record.index: key
        for record in records
        if (key := request.POST.get(f"version_{record.index}", "").strip())
    }
    change_note = request.POST.get("change_note", "").strip()[:300] or IMPORTED_VERSION_NOTE
    error = NOTHING_CHOSEN if not chosen and not versions else ""
    if not error:
        try:
            done = references_import_confirm(
                records=records,
                actor=user,
                confirmed=sorted(chosen),
                new_versions=versions,
                change_note=change_note,
            )
        except ImportInvalid as exc:
            error = str(exc)
        else:
            created, revised = len(done.created), len(done.revised)
            messages.success(
                request,
                IMPORT_DONE.format(
                    created=created,
                    created_s="" if created == 1 else "s",
                    revised=revised,
                    revised_s="" if revised == 1 else "s",
                ),
            )
            return redirect("editorial:references")
    return _preview_render(
        request,
        preview=import_preview(records=records),
        payload=payload,
        format=upload["format"],
        chosen=chosen,
        versions=versions,
        change_note=change_note,
        error=error,
        status=400,
    )


# --- export and the citation picker ------------------------------------------------------------


def _export_label(export_format: ExportFormat) -> str:
    return {"csl-json": "CSL-JSON", "ris": "RIS", "bibtex": "BibTeX"}[export_format.value]


@login_required
@require_GET
def reference_export(request: HttpRequest) -> HttpResponse:
    """The chosen references (`ids`), or all matching the filters (`all`), as a file."""
    _require(request, permissions.can_read_references)
    filters = request.GET.copy()
    for name in ("ids", "all", "format", "page"):
        filters.pop(name, None)
    back = f"{reverse('editorial:references')}?{filters.urlencode()}".rstrip("?")
    try:
        export_format = ExportFormat(request.GET.get("format", ""))
    except ValueError:
        messages.error(request, EXPORT_FORMAT_UNKNOWN)
        return redirect(back)
    if request.GET.get("all"):
        chosen = ReferenceFilter(filters, queryset=_library()).qs
    else:
        ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()]
        chosen = _library().filter(pk__in=ids)
    references = list(chosen)
    if not references:
        messages.error(request, EXPORT_NOTHING)
        return redirect(back)
    content_type, extension = CONTENT_TYPES[export_format]
    response = HttpResponse(
        references_export(references=references, format=export_format),
        content_type=f"{content_type}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="references.{extension}"'
    return response


@login_required
@require_GET
def reference_picker(request: HttpRequest) -> HttpResponse:
    """References matching `q` with their citation markers: a partial for htmx in the article
    editor, a page of markers to copy without JavaScript."""
    _require(request, permissions.can_read_references)
    query = request.GET.get("q", "").strip()
    found: list[Reference] = []
    if query:
        found = list(ReferenceFilter({"q": query}, queryset=_library()).qs[:PICKER_SIZE])
        for reference in found:
            reference.short = citation_short(reference.current_version)  # type: ignore[attr-defined]
    context = {"query": query, "found": found}
    partial = request.headers.get("HX-Request") == "true"
    template = "picker_results.html" if partial else "picker.html"
    response = render(request, f"editorial/references/{template}", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
