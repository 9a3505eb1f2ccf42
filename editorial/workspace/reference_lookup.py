"""Add a reference by its DOI, PMID or PMCID: look it up, show the record filled in the
reference form for the editor to check (and correct), and save it through reference_create.

Editors only. The lookup is a read (GET, nothing written); the save is the form's POST, with
the record's fields the form does not show (abstract, ISSN, journal abbreviation...) carried in
a hidden field, so the same validation as any reference applies to all of it.
"""

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from articles.errors import ActionRefused
from articles.plain_input import JSON_MAX_DEPTH, json_depth
from articles.references.formatting import identifier_links, reference_format
from articles.references.importing import import_keys
from articles.references.lookup import (
    LookupFailed,
    LookupResult,
    identifier_holder,
    identifier_lookup,
    lookup_enabled,
)
from articles.references.models import Reference, ReferenceVersion
from editorial import permissions
from editorial.workspace.common import require
from editorial.workspace.reference_forms import ReferenceForm
from editorial.workspace.references import REFERENCE_CREATED, _warn, created_once

FOUND_INVALID = "The looked-up record was altered or cut: look the identifier up again."


class ReferenceLookupForm(ReferenceForm):
    """The reference form, with the looked-up CSL-JSON item behind it (`found`): what the form
    shows is the editor's, what it does not show is kept from the item."""

    found = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_found(self) -> dict[str, Any]:
        text = self.cleaned_data["found"]
        if not text:
            return {}
        try:
            item = json.loads(text) if json_depth(text) <= JSON_MAX_DEPTH else None
        except ValueError:
            item = None
        if not isinstance(item, dict):
            # A hidden field: its error is the form's, shown above the fields.
            self.add_error(None, FOUND_INVALID)
            return {}
        return item


def _draft_version(result: LookupResult, key: str) -> ReferenceVersion:
    """The record as an unsaved version: for the form's initial values and the preview."""
    record = result.record
    assert record is not None
    return ReferenceVersion(
        reference=Reference(key=key),
        type=record.type,
        csl=record.csl,
        doi=record.doi,
        pmid=record.pmid,
        pmcid=record.pmcid,
        status=record.status,
    )


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "editorial/references/lookup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reference_lookup(request: HttpRequest) -> HttpResponse:
    """GET `identifier`: the record filled in the form, the library's reference holding it, or
    why it cannot be looked up (the identifier stays in the box). POST: save the form."""
    user = require(request, permissions.can_edit_references)
    if not lookup_enabled():
        raise Http404
    if request.method == "POST":
        form = ReferenceLookupForm(request.POST)
        existing = None
        if form.is_valid():
            fields = form.service_fields(form.cleaned_data["found"])
            fields["change_note"] = fields["change_note"] or "Created from its identifier"
            try:
                written = created_once(
                    request, actor=user, key=form.cleaned_data["key"], fields=fields
                )
            except ActionRefused as exc:
                form.add_error(None, str(exc))
                # Added meanwhile by someone else: shown as the library's, with its link.
                existing = identifier_holder(
                    identifiers=[
                        (name, form.cleaned_data[name]) for name in ("doi", "pmid", "pmcid")
                    ]
                )
            else:
                reference = written.version.reference
                messages.success(request, REFERENCE_CREATED.format(key=reference.key))
                _warn(request, written)
                return redirect("editorial:reference", pk=reference.pk)
        refused = {"form": form, "identifier": request.POST.get("identifier", "")}
        return _page(request, refused | {"existing": existing}, 400)

    identifier = request.GET.get("identifier", "")
    context: dict[str, Any] = {"identifier": identifier}
    if not identifier.strip():
        return _page(request, context)
    try:
        result = identifier_lookup(text=identifier)
    except LookupFailed as exc:
        context["error"] = str(exc)
        return _page(request, context, status=exc.http_status)
    context |= {"result": result, "existing": result.existing}
    if result.existing is not None or result.record is None:
        return _page(request, context)
    key = import_keys(records=[result.record])[result.record.index]
    draft = _draft_version(result, key)
    initial = ReferenceForm.initial_from(draft) | {
        "key": key,
        "found": json.dumps(result.record.csl, ensure_ascii=False),
        "change_note": f"Created from {result.identifier.label} {result.identifier.value}",
    }
    context |= {
        "form": ReferenceLookupForm(initial=initial),
        "formatted": reference_format(version=draft),
        "identifiers": identifier_links(draft),
    }
    return _page(request, context)
