"""Importing references: upload a file (or paste it), preview what importing would do, confirm
the chosen records; the upload travels back signed in the preview page."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from articles.errors import Conflict
from articles.plain_input import ascii_int
from articles.references.importing import (
    IMPORTED_VERSION_NOTE,
    ImportFormat,
    ImportInvalid,
    ImportPreview,
    PreviewRow,
    RowStatus,
    format_detect,
    import_keys,
    import_preview,
    records_parse,
    references_import_confirm,
)
from articles.references.models import Reference, ReferenceType
from articles.references.services import version_columns
from editorial import permissions
from editorial.workspace.common import require
from editorial.workspace.reference_forms import (
    ImportForm,
)
from editorial.workspace.references import first_author

FORMAT_UNKNOWN = "Could not tell the format of this file: choose it in the list."


PREVIEW_EXPIRED = "This preview has expired or was altered: upload the file again."


IMPORT_DONE = "Imported {created} new reference{created_s}; {revised} new version{revised_s}."


NOTHING_CHOSEN = "Choose at least one record to import, or a new version to take."


# The uploaded text travels back in the preview page, signed, and is parsed again on confirm.
IMPORT_SALT = "editorial.references.import"


IMPORT_MAX_AGE = 60 * 60 * 6


@dataclass(frozen=True)
class PreviewLine:
    """A preview row, what it matched (key and the reference's id, or a record of the file),
    and what the editor chose for it (kept when the confirm is refused)."""

    row: PreviewRow
    matches: list[tuple[str, int | None]]
    checked: bool
    version_of: str
    key: str  # the key a new record gets (its own, or the next free one after it)

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
    matched = {key for row in preview.rows for key in row.matches}
    ids = dict(Reference.objects.filter(key__in=matched).values_list("key", "pk"))
    new = [row.record for row in preview.rows if row.status == RowStatus.NEW]
    keys = import_keys(records=new)
    lines = [
        PreviewLine(
            row=row,
            matches=[(key, ids.get(key)) for key in row.matches],
            checked=(row.status == RowStatus.NEW if chosen is None else row.record.index in chosen),
            version_of=(versions or {}).get(row.record.index, ""),
            key=keys.get(row.record.index, ""),
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
    require(request, permissions.can_edit_references)
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
    user = require(request, permissions.can_edit_references)
    payload = request.POST.get("payload", "")
    try:
        upload = signing.loads(payload, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
        records = records_parse(data=upload["text"], format=upload["format"])
    except (signing.BadSignature, ImportInvalid, KeyError, TypeError, ValueError):
        messages.error(request, PREVIEW_EXPIRED)
        return redirect("editorial:reference_import")
    chosen = {n for n in map(ascii_int, request.POST.getlist("records")) if n is not None}
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
        except (ImportInvalid, Conflict) as exc:
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
