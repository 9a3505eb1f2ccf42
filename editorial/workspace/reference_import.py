"""Importing references: upload a file (or paste it), preview what importing would do, confirm
the chosen records. The file is kept on the server (ImportUpload) under a token; the confirm
posts the token and only the choices that differ from importing every new record, so a file of
any size stays under Django's limit on the number of form fields."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.plain_input import ascii_int
from articles.references.importing import (
    IMPORTABLE_AS_NEW,
    IMPORTED_VERSION_NOTE,
    PREVIEW_EXPIRED,
    TAKEABLE_AS_VERSION,
    ImportFormat,
    ImportInvalid,
    ImportPreview,
    PreviewRow,
    RowStatus,
    format_detect,
    import_file_read,
    import_job_get,
    import_job_start,
    import_keys,
    import_preview,
    import_upload_get,
    upload_parse,
)
from articles.references.importing.previewing import (
    NEW,
    NOTHING_CHOSEN,
    SKIP,
    VERSION,
    default_choice,
)
from articles.references.models import Reference, ReferenceStatus, ReferenceType
from articles.references.services import version_columns
from editorial import permissions
from editorial.workspace.common import require
from editorial.workspace.reference_forms import (
    ImportForm,
)
from editorial.workspace.references import first_author

FORMAT_UNKNOWN = "Could not tell the format of this file: choose it in the list."


@dataclass(frozen=True)
class PreviewLine:
    """A preview row, what it matched (key and the reference's id, or a record of the file),
    and what the editor chose for it (kept when the confirm is refused)."""

    row: PreviewRow
    matches: list[tuple[str, int | None]]
    choice: str
    key: str  # the key a new record gets (its own, or the next free one after it)
    # The matched references' current data, shown beside the record (possible duplicates).
    beside: list[tuple[str, str, str]]

    @property
    def authors(self) -> str:
        return first_author(self.row.record.csl)

    @property
    def year(self) -> str:
        return str(version_columns(self.row.record.csl)["year"] or "")

    @property
    def type_label(self) -> str:
        type_ = self.row.record.type
        return ReferenceType(type_).label if type_ in ReferenceType.values else type_

    @property
    def retracted(self) -> bool:
        return self.row.record.status == ReferenceStatus.RETRACTED


def import_choices(post: QueryDict, preview: ImportPreview) -> dict[int, str]:
    """The choice for each row, from the form: a new record is imported unless its `skip` box
    is ticked; a conflict or possible duplicate follows its `choice_<n>` radio (skip if none)."""
    skipped = {n for n in map(ascii_int, post.getlist("skip")) if n is not None}
    choices = {}
    for row in preview.rows:
        index = row.record.index
        if row.status == RowStatus.NEW:
            choices[index] = SKIP if index in skipped else NEW
        elif row.status in TAKEABLE_AS_VERSION:
            choices[index] = post.get(f"choice_{index}", SKIP).strip() or SKIP
        else:
            choices[index] = SKIP
    return choices


def _preview_render(
    request: HttpRequest,
    *,
    preview: ImportPreview,
    token: str,
    format: str,
    choices: dict[int, str] | None = None,
    change_note: str = IMPORTED_VERSION_NOTE,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    matched = {key for row in preview.rows for key in row.matches}
    references = Reference.objects.filter(key__in=matched).select_related("current_version")
    by_key = {r.key: r for r in references}
    new = [row.record for row in preview.rows if row.status in IMPORTABLE_AS_NEW]
    keys = import_keys(records=new)
    lines = []
    for row in preview.rows:
        beside = []
        for key in row.matches:
            reference = by_key.get(key)
            version = reference.current_version if reference else None
            if version is not None:
                facts = " · ".join(
                    str(p)
                    for p in (first_author(version.csl), version.year, version.container)
                    if p
                )
                ids = " · ".join(
                    f"{label} {value}"
                    for label, value in (("DOI", version.doi), ("PMID", version.pmid))
                    if value
                )
                beside.append((key, facts, ids or "no identifier"))
        lines.append(
            PreviewLine(
                row=row,
                matches=[(key, by_key[key].pk if key in by_key else None) for key in row.matches],
                choice=(choices or {}).get(row.record.index) or default_choice(row),
                key=keys.get(row.record.index, ""),
                beside=beside,
            )
        )
    context = {
        "lines": lines,
        "failures": preview.failures,
        "counts": {s.value: preview.count(s) for s in RowStatus},
        "token": token,
        "format": _import_label(ImportFormat(format)),
        "change_note": change_note,
        "error": error,
        "takes_versions": any(row.status in TAKEABLE_AS_VERSION for row in preview.rows),
    }
    return render(request, "editorial/references/import_preview.html", context, status=status)


def _import_label(import_format: ImportFormat) -> str:
    return dict(ImportForm.base_fields["format"].choices)[import_format.value]  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def reference_import(request: HttpRequest) -> HttpResponse:
    """The upload form; posted, the preview of what importing would do (nothing is imported:
    the file is kept for the confirm)."""
    user = require(request, permissions.can_edit_references)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file, text, filename = form.content()
        head = file.read(4000) if file else text[:4000]
        format = form.cleaned_data["format"] or format_detect(data=head, filename=filename)
        if format is None:
            form.add_error("format", FORMAT_UNKNOWN)
        else:
            try:
                # Stored a piece at a time from Django's uploaded file (on disk past 2.5 MB).
                upload, parsed = import_file_read(
                    actor=user, format=str(format), filename=filename, file=file, text=text
                )
            except ImportInvalid as exc:
                form.add_error(None, str(exc))
            else:
                preview = import_preview(records=parsed.records, failures=parsed.failures)
                return _preview_render(
                    request, preview=preview, token=str(upload.token), format=format
                )
    status = 400 if form.errors else 200
    return render(request, "editorial/references/import.html", {"form": form}, status=status)


@login_required
@require_POST
def reference_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the new records not skipped, and do what the editor chose for each conflict or
    possible duplicate (import as new, take as a new version, skip), all at once."""
    user = require(request, permissions.can_edit_references)
    token = request.POST.get("upload", "")
    try:
        upload = import_upload_get(token=token, actor=user)
        parsed = upload_parse(upload)
    except ImportInvalid:
        messages.error(request, PREVIEW_EXPIRED)
        return redirect("editorial:reference_import")
    preview = import_preview(records=parsed.records, failures=parsed.failures)
    choices = import_choices(request.POST, preview)
    confirmed = sorted(i for i, choice in choices.items() if choice == NEW)
    versions = {
        i: choice.removeprefix(VERSION)
        for i, choice in choices.items()
        if choice.startswith(VERSION)
    }
    change_note = request.POST.get("change_note", "").strip()[:300] or IMPORTED_VERSION_NOTE
    error = NOTHING_CHOSEN if not confirmed and not versions else ""
    if not error:
        try:
            import_job_start(
                upload=upload,
                records=parsed.records,
                preview=preview,
                confirmed=confirmed,
                new_versions=versions,
                change_note=change_note,
            )
        except ImportInvalid as exc:
            error = str(exc)
        else:
            return redirect("editorial:reference_import_job", token=upload.token)
    return _preview_render(
        request,
        preview=import_preview(records=parsed.records, failures=parsed.failures),
        token=token,
        format=upload.format,
        choices=choices,
        change_note=change_note,
        error=error,
        status=400,
    )


def _job(request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
    user = require(request, permissions.can_edit_references)
    job = import_job_get(token=token, actor=user)
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def reference_import_job(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmed import: its progress, refreshed while it runs (only for its uploader)."""
    job = _job(request, token)
    return render(request, "editorial/references/import_job.html", {"job": job})


@login_required
@require_GET
def reference_import_progress(request: HttpRequest, token: str) -> HttpResponse:
    """The progress bar and counts alone, which the job page polls (htmx) until it is done."""
    job = _job(request, token)
    return render(request, "editorial/references/import_progress.html", {"job": job})
