"""Importing references: upload a file (or paste it); the preview task reads it in batches
while the page shows how far it is; then the editor reads the preview 50 records a page, makes
bulk and per-record choices (kept on the preview's rows, so a file of any size stays under
Django's limit on form fields), and confirms. The import task then writes the chosen records
while the same page shows its progress. Nothing reads the whole file in a request."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from articles.errors import ActionRefused
from articles.plain_input import ascii_int
from articles.references.importing import (
    IMPORTED_VERSION_NOTE,
    PREVIEW_EXPIRED,
    ImportInvalid,
    format_detect,
)
from articles.references.importing.previewing import (
    NOTHING_CHOSEN,
    STILL_READING,
    import_file_upload,
    import_preview_choose_all,
    import_preview_confirm,
    import_preview_rows_choose,
    import_upload_of,
)
from articles.references.models import ImportState, ImportUpload
from editorial import permissions
from editorial.idempotency import made_once
from editorial.workspace.common import done_once, require
from editorial.workspace.reference_forms import ImportForm
from editorial.workspace.reference_import_preview import preview_render, shown_status

__all__ = ["NOTHING_CHOSEN", "PREVIEW_EXPIRED"]

FORMAT_UNKNOWN = "Could not tell the format of this file: choose it in the list."
DONE = "This import was confirmed already: here is how far it is."


CHOICE_FIELD = re.compile(r"choice_(\d{1,9})")


def posted_choices(post: QueryDict) -> dict[int, str]:
    """The records' choices the form posts (`choice_<number>`: new, skip or version:<key>)."""
    choices = {}
    for name, value in post.items():  # the last value of each name
        match = CHOICE_FIELD.fullmatch(name)
        if match:
            choices[int(match.group(1))] = str(value).strip()
    return choices


def _upload(request: HttpRequest, token: str) -> ImportUpload:
    user = require(request, permissions.can_edit_references)
    upload = import_upload_of(token=token, actor=user)
    if upload is None:
        raise Http404
    return upload


def _preview_url(upload: ImportUpload, show: str = "", page: int = 1) -> str:
    """The import's page, at a list (`show`) and page of its preview."""
    url = reverse("editorial:reference_import_job", kwargs={"token": upload.token})
    query = urlencode([(k, v) for k, v in (("show", show), ("page", page)) if v and v != 1])
    return f"{url}?{query}" if query else url


@login_required
@require_http_methods(["GET", "POST"])
def reference_import(request: HttpRequest) -> HttpResponse:
    """The upload form; posted, the file is kept and its preview queued, and the editor goes to
    the import's page, which shows the reading, then the preview."""
    user = require(request, permissions.can_edit_references)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file, text, filename = form.content()
        head = file.read(4000) if file else text[:4000]
        format = form.cleaned_data["format"] or format_detect(data=head, filename=filename)
        if format is None:
            form.add_error("format", FORMAT_UNKNOWN)
        else:

            def keep() -> ImportUpload:
                # Stored a piece at a time from Django's uploaded file (on disk past 2.5 MB).
                return import_file_upload(
                    actor=user, format=str(format), filename=filename, file=file, text=text
                )

            try:  # sent twice (a double click): one file kept, one preview
                upload = made_once(
                    lambda run: done_once(request, action="reference-import", perform=run),
                    keep,
                    ImportUpload,
                )
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                return redirect(_preview_url(upload))
    status = 400 if form.errors else 200
    return render(request, "editorial/references/import.html", {"form": form}, status=status)


@login_required
@require_POST
def reference_import_confirm(request: HttpRequest) -> HttpResponse:
    """The preview's form: the choices of the records shown are kept, then, by the button
    pressed, a bulk choice (`all:<status>:<choice>`), another list or page (`show:<status>`,
    `page:<n>`), or the confirm (the default), which queues the import of every record chosen
    on any page. A choice that does not fit its record keeps none of them."""
    user = require(request, permissions.can_edit_references)
    upload = import_upload_of(token=request.POST.get("upload", ""), actor=user)
    if upload is None:
        messages.error(request, PREVIEW_EXPIRED)
        return redirect("editorial:reference_import")
    if upload.state != ImportState.PREVIEWED:  # still reading, or confirmed already
        messages.info(request, STILL_READING if upload.state == ImportState.READING else DONE)
        return redirect(_preview_url(upload))
    show = shown_status(request.POST.get("show"))
    page = ascii_int(request.POST.get("page", "")) or 1
    change_note = request.POST.get("change_note", "").strip()[:300] or IMPORTED_VERSION_NOTE
    do = request.POST.get("do", "confirm")
    try:
        import_preview_rows_choose(upload=upload, choices=posted_choices(request.POST))
        if do.startswith("all:"):
            _, status, choice = [*do.split(":"), "", ""][:3]
            import_preview_choose_all(upload=upload, status=status, choice=choice)
        elif do == "confirm":
            import_preview_confirm(upload=upload, change_note=change_note)
            return redirect(_preview_url(upload))
    except ImportInvalid as exc:
        return preview_render(
            request,
            upload,
            show=show,
            page=page,
            change_note=change_note,
            error=str(exc),
            status=400,
        )
    if do.startswith("show:"):
        show, page = shown_status(do.removeprefix("show:")), 1
    elif do.startswith("page:"):
        page = ascii_int(do.removeprefix("page:")) or 1
    return redirect(_preview_url(upload, show, page))


@login_required
@require_GET
def reference_import_job(request: HttpRequest, token: str) -> HttpResponse:
    """An import's page (only for its uploader): the reading of the file while the preview
    task runs, then the preview and its choices, then the progress of the import."""
    upload = _upload(request, token)
    if upload.state == ImportState.PREVIEWED:
        return preview_render(
            request,
            upload,
            show=shown_status(request.GET.get("show")),
            page=request.GET.get("page", 1),
            change_note=IMPORTED_VERSION_NOTE,
        )
    return render(request, "editorial/references/import_job.html", {"job": upload})


@login_required
@require_GET
def reference_import_progress(request: HttpRequest, token: str) -> HttpResponse:
    """The progress bar and counts alone, which the page polls (htmx) while the file is read
    or imported; once the preview is ready, the page reloads to show it."""
    upload = _upload(request, token)
    if upload.state == ImportState.PREVIEWED:
        return HttpResponseClientRefresh()
    return render(request, "editorial/references/import_progress.html", {"job": upload})
