"""The reference library in the workspace: list and search, a reference with its history and
diff, new reference and edit, import with preview, export, and the citation picker.

Board members read; editors write (editorial.permissions). Writes go through
articles.references (services: a reference and its versions; importing: the import).
"""

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from articles.errors import ActionRefused
from articles.plain_input import ascii_int
from articles.references import selectors, services
from articles.references.exporting import (
    CONTENT_TYPES,
    EXPORT_BATCH,
    ExportFormat,
    references_export_pieces,
)
from articles.references.filters import ReferenceFilter
from articles.references.formatting import identifier_links, reference_format
from articles.references.lookup import LookupFailed, identifier_parse, lookup_enabled
from articles.references.models import Reference, ReferenceVersion
from editorial import permissions
from editorial.models import User
from editorial.workspace.common import done_once, require
from editorial.workspace.reference_forms import (
    CSL_TYPE_LABELS,
    TEXT_FIELDS,
    ReferenceForm,
    authors_text,
    date_parts_text,
)

PAGE_SIZE = 25
PICKER_SIZE = 10
REFERENCE_CREATED = "Reference {key} created."
VERSION_ADDED = "Version {number} of {key} saved."
VERSION_NOT_FOUND = "This reference has no version {number}: showing the latest change."
EXPORT_NOTHING = "Select references to export, or export all that match the search."
EXPORT_FORMAT_UNKNOWN = "Choose an export format: CSL-JSON, RIS or BibTeX."

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


def _library() -> QuerySet[Reference]:
    return selectors.references_all().select_related("current_version")


def first_author(csl: dict[str, Any]) -> str:
    """The first author (or editor) as "Kim WH", with "et al" when there are more."""
    names = csl.get("author") or csl.get("editor") or []
    if not names or not isinstance(names[0], dict):
        return ""
    first = names[0]
    initials = "".join(w[:1] for w in re.split(r"[\s\-.]+", first.get("given", "")))
    author = first.get("literal") or " ".join(filter(None, [first.get("family"), initials]))
    return f"{author} et al" if len(names) > 1 else author


def citation_short(version: ReferenceVersion | None) -> str:
    """First author (et al), title, container and year: enough to recognise a work in a list."""
    if version is None:
        return ""
    parts = [first_author(version.csl), version.title, version.container, str(version.year or "")]
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


def version_fields(version: ReferenceVersion) -> list[tuple[str, str]]:
    """Every field of the version as (label, text), the CSL variables we do not edit last."""
    csl = version.csl
    rows = [
        ("Type", version.get_type_display()),
        ("Form of publication", CSL_TYPE_LABELS.get(csl.get("type", ""), csl.get("type", ""))),
        ("Authors", authors_text(csl.get("author")).replace("\n", "; ")),
    ]
    for variable in TEXT_FIELDS.values():
        rows.append((FIELD_LABELS[variable], selectors.csl_text(csl.get(variable))))
    rows += [
        ("Published", date_parts_text(csl.get("issued"))),
        ("Accessed", date_parts_text(csl.get("accessed"))),
        ("Evidence level", version.get_evidence_level_display() or "Not graded"),
        ("Status", version.get_status_display()),
    ]
    shown = {"type", "author", "issued", "accessed", *TEXT_FIELDS.values()}
    for variable in sorted(set(csl) - shown):
        rows.append((FIELD_LABELS.get(variable, variable), selectors.csl_text(csl[variable])))
    return [(label, text) for label, text in rows if text]


# --- library and reference page ----------------------------------------------------------------


@dataclass(frozen=True)
class LibraryPage:
    """A page of the library in key order, after (or before) the key of a row of the page
    next to it; `count` is how many match, up to COUNT_CAP + 1 (more: shown as "1,000+")."""

    rows: list[Reference]
    count: int
    next_after: str = ""
    previous_before: str = ""
    is_first: bool = True

    @property
    def count_text(self) -> str:
        capped = self.count > selectors.COUNT_CAP
        return f"{selectors.COUNT_CAP:,}+" if capped else f"{self.count:,}"

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_after or self.previous_before)

    def __iter__(self) -> Iterator[Reference]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def library_page(
    queryset: QuerySet[Reference], term: str, *, after: str, before: str
) -> LibraryPage:
    """PAGE_SIZE references of `queryset` matching `term`, in key order after the key `after`
    (or, `before`, the page that ends before that key). Each statement reads a page's worth
    of rows or COUNT_CAP + 1 ids at most (references_matching, references_count)."""
    backwards = bool(before) and not after
    if backwards:
        bounded = queryset.filter(key__lt=before).order_by("-key")
    else:
        bounded = queryset.filter(key__gt=after) if after else queryset
        bounded = bounded.order_by("key")
    # The first page's matches are all of them: their ids, read once, give the page and the
    # count; a later page's are those past its key, and the count is read apart.
    matched = None
    if term.strip() and not after and not before:
        matched = selectors.references_matched_ids(queryset, term)
    found = selectors.references_matching(bounded, term, first=PAGE_SIZE + 1, matched=matched)
    rows = list(found[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if backwards:
        rows.reverse()
    has_next = more if not backwards else True
    has_previous = bool(after) if not backwards else more
    return LibraryPage(
        rows=rows,
        count=(
            selectors.references_count(queryset, term)
            if matched is None
            else min(len(matched), selectors.COUNT_CAP + 1)
        ),
        next_after=rows[-1].key if has_next and rows else "",
        previous_before=rows[0].key if has_previous and rows else "",
        is_first=not has_previous,
    )


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    """The library in key order, filtered and searched, by pages of PAGE_SIZE: "Next" goes on
    after the last key shown (`after`), "Previous" back before the first (`before`)."""
    user = require(request, permissions.can_read_references)
    filterset = ReferenceFilter(request.GET or None, queryset=_library())
    queryset, term = filterset.unsearched(_library())
    page = library_page(
        queryset, term, after=request.GET.get("after", ""), before=request.GET.get("before", "")
    )
    for reference in page.rows:
        reference.short = citation_short(reference.current_version)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "searching": any(request.GET.get(name) for name in filterset.form.fields),
        "can_edit": permissions.can_edit_references.test(user),
        "lookup_enabled": lookup_enabled(),
        "export_formats": [(f.value, _export_label(f)) for f in ExportFormat],
    }
    return render(request, "editorial/references/list.html", context)


@login_required
@require_GET
def reference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = require(request, permissions.can_read_references)
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
            number = ascii_int(raw)
            if number is not None and number in by_number:
                numbers[position] = number
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
        "identifiers": identifier_links(current),
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


def written_once(
    request: HttpRequest, *, action: str, write: Callable[[], services.VersionWritten]
) -> services.VersionWritten:
    """`write` once per key of the form sent (done_once: a double click writes one version);
    the version written, with its warnings as they are now, for both answers."""
    done = done_once(request, action=action, perform=lambda: write().version.pk)
    return services.version_written(version_id=done.object_id)


def created_once(
    request: HttpRequest, *, actor: User, key: str, fields: dict[str, Any]
) -> services.VersionWritten:
    """The reference `key` made from a form's `fields` (typed, or looked up), once however
    often the form is sent (written_once)."""
    return written_once(
        request,
        action="reference-create",
        write=lambda: services.reference_create(key=key, actor=actor, **fields),
    )


def _warn(request: HttpRequest, written: services.VersionWritten) -> None:
    for warning in written.warnings:
        messages.warning(request, warning)


@login_required
@require_http_methods(["GET", "POST"])
def reference_new(request: HttpRequest) -> HttpResponse:
    user = require(request, permissions.can_edit_references)
    form = ReferenceForm(request.POST or None, initial={"csl_type": "article-journal"})
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields["change_note"] = fields["change_note"] or "Created"
        try:
            written = created_once(request, actor=user, key=form.cleaned_data["key"], fields=fields)
        except ActionRefused as exc:
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
    user = require(request, permissions.can_edit_references)
    reference = get_object_or_404(_library(), pk=pk)
    current = reference.current_version
    assert current is not None  # every reference is written with its version 1
    form = ReferenceForm(
        request.POST or None, initial=ReferenceForm.initial_from(current), editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            written = written_once(
                request,
                action=f"reference-version-{reference.pk}",
                write=lambda: services.reference_version_create(
                    reference=reference, actor=user, **form.service_fields(current.csl)
                ),
            )
        except ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            number = written.version.number
            messages.success(request, VERSION_ADDED.format(number=number, key=reference.key))
            _warn(request, written)
            return redirect("editorial:reference", pk=reference.pk)
    context = {"form": form, "reference": reference, "current": current}
    return render(request, "editorial/references/form.html", context)


# --- import --------------------------------------------------------------------------------------


# --- export and the citation picker ------------------------------------------------------------


def _export_label(export_format: ExportFormat) -> str:
    return {"csl-json": "CSL-JSON", "ris": "RIS", "bibtex": "BibTeX"}[export_format.value]


@login_required
@require_GET
def reference_export(request: HttpRequest) -> HttpResponseBase:
    """The chosen references (`ids`), or all matching the filters (`all`), as a file."""
    require(request, permissions.can_read_references)
    filters = request.GET.copy()
    for name in ("ids", "all", "format", "page", "after", "before"):
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
        ids = [n for n in map(ascii_int, request.GET.getlist("ids")) if n is not None]
        chosen = _library().filter(pk__in=ids)
    if not chosen.exists():
        messages.error(request, EXPORT_NOTHING)
        return redirect(back)
    content_type, extension = CONTENT_TYPES[export_format]
    # Written as it is read, a batch at a time: the whole library is a file like any other.
    pieces = references_export_pieces(
        references=chosen.iterator(chunk_size=EXPORT_BATCH),
        format=export_format,
        batch=EXPORT_BATCH,
    )
    response = StreamingHttpResponse(
        (piece.encode() for piece in pieces), content_type=f"{content_type}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="references.{extension}"'
    return response


@login_required
@require_GET
def reference_picker(request: HttpRequest) -> HttpResponse:
    """References matching `q` with their citation markers: a partial for htmx in the article
    editor, a page of markers to copy without JavaScript."""
    user = require(request, permissions.can_read_references)
    query = request.GET.get("q", "").strip()
    found: list[Reference] = []
    if query:
        # The first PICKER_SIZE in key order: each condition stops after as many.
        matching = selectors.references_matching(_library(), query, first=PICKER_SIZE)
        found = list(matching[:PICKER_SIZE])
        for reference in found:
            reference.short = citation_short(reference.current_version)  # type: ignore[attr-defined]
    context: dict[str, Any] = {"query": query, "found": found, "lookup": None}
    if query and not found and lookup_enabled() and permissions.can_edit_references.test(user):
        # A DOI, PMID or PMCID the library lacks: offer to look it up (in a new tab, so the
        # text being edited stays as it is).
        with contextlib.suppress(LookupFailed):
            context["lookup"] = identifier_parse(query)
    partial = request.headers.get("HX-Request") == "true"
    template = "picker_results.html" if partial else "picker.html"
    response = render(request, f"editorial/references/{template}", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
