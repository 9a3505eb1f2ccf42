"""The article editor: one Markdown body per audience level, each beside its live preview (the
public page's own rendering) and readability; saved by the form (Save draft) or in the
background (autosave, static/js/article-editor.js), both through revision_edit with the
fingerprints of the bodies as they were read, so that nobody's text is saved over unseen.

Editors only (editorial.permissions.can_edit); without JavaScript the form alone works.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from articles.errors import ActionRefused, BodiesInvalid, StaleEdit
from articles.models import AudienceBody, AudienceLevel, ReferenceVersion, Revision
from articles.plain_language import (
    PlainLanguage,
    Vocabulary,
    plain_language_review,
    vocabulary_for,
)
from articles.readability import Report, score_text
from articles.references.citations import citation_keys
from articles.references.flags import FlaggedCitation, citations_flagged, references_retracted
from articles.references.rendering import RenderedBody, body_render, versions_current
from articles.selectors import revision_body_statuses
from articles.services import STALE_EDIT, body_fingerprint, revision_edit
from editorial import permissions
from editorial.models import User
from editorial.selectors import articles_for_user
from editorial.workspace.common import newest_revision_or_404, require
from editorial.workspace.forms import RevisionEditForm

REVISION_SAVED = "Revision {number} saved."
LEVEL_VERSION = "{level} version"


@dataclass(frozen=True)
class Preview:
    """Text as readers will see it: body_render's HTML and reference list, and the keys the
    library does not hold (shown as typed, and refused on saving)."""

    rendered: RenderedBody
    unknown: list[str]


@dataclass(frozen=True)
class EditorTab:
    """One audience level in the editor: its textarea, preview, readability and marks."""

    level: AudienceLevel
    field: BoundField
    preview: Preview
    readability: Report
    plain: PlainLanguage | None  # marks, and the checklist of a plain-language version
    may_be_out_of_date: bool
    selected: bool
    conflict: AudienceBody | None = None  # a colleague's text, when a save was refused for it

    @property
    def has_errors(self) -> bool:
        return bool(self.field.errors)


@dataclass(frozen=True)
class Repin:
    """A flagged reference as the editor of the article's draft sees it."""

    flag: FlaggedCitation
    still_cited: bool


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor of the article's newest revision. A save returns here; a refused one keeps
    every body as typed and shows each error on the tab of the body it concerns."""
    user = require(request, permissions.can_edit)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revision = newest_revision_or_404(article)
    levels = list(AudienceLevel.objects.all())
    bodies = list(revision.bodies.select_related("audience"))
    conflicts: dict[int, AudienceBody] = {}
    if request.method == "POST":
        form = RevisionEditForm(request.POST, levels=levels)
        if form.is_valid():
            try:
                _save(form, revision=revision, editor=user)
            except StaleEdit as exc:
                # Keep the editor's text, show theirs, and let the next save knowingly win.
                revision = Revision.objects.select_related("last_edited_by").get(pk=revision.pk)
                bodies = list(revision.bodies.select_related("audience"))
                form = _form_seeing_theirs(request, revision=revision, bodies=bodies, stale=exc)
                conflicts = {b.audience_id: b for b in bodies if b.audience_id in exc.audience_ids}
            except BodiesInvalid as exc:
                _errors_on_bodies(form, exc)
            except ActionRefused as exc:
                if not Revision.objects.get(pk=revision.pk).is_editable:
                    messages.error(request, str(exc))  # submitted meanwhile: no form to show
                    return redirect("editorial:article_edit", pk=article.pk)
                form.add_error(None, str(exc))
            else:
                messages.success(request, REVISION_SAVED.format(number=revision.number))
                return redirect("editorial:article_edit", pk=article.pk)
    else:
        form = RevisionEditForm(initial=_initial(bodies, levels), levels=levels)
    context: dict[str, object] = {"article": article, "revision": revision, "form": form}
    if revision.is_editable:
        tabs = _editor_tabs(
            form,
            revision=revision,
            bodies=bodies,
            conflicts=conflicts,
            vocabulary=vocabulary_for(form.levels),
        )
        context |= {
            "tabs": tabs,
            "error_tabs": [tab for tab in tabs if tab.has_errors],
            "conflicted": bool(conflicts),
        }
        context |= _draft_references(revision, bodies)
    return render(request, "editorial/article_edit.html", context)


@login_required
@require_POST
def article_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """The editor's form saved in the background: the same form, service and fingerprints as
    Save draft. Answers JSON: `seen`, the fingerprints to send next time; or `message` (and
    `errors` per audience slug) with 400 for a body that cannot be saved, 412 for a body a
    colleague changed meanwhile (nothing saved: the page stops autosaving), 409 once submitted.
    """
    user = require(request, permissions.can_edit)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revision = newest_revision_or_404(article)
    form = RevisionEditForm(request.POST, levels=list(AudienceLevel.objects.all()))
    try:
        if not form.is_valid():
            return _refusal(form, status=400)
        _save(form, revision=revision, editor=user)
    except BodiesInvalid as exc:
        _errors_on_bodies(form, exc)
        return _refusal(form, status=400)
    except ActionRefused as exc:  # StaleEdit (412), a submitted revision (409)
        return JsonResponse({"saved": False, "message": str(exc)}, status=exc.http_status)
    saved = {body.audience_id: body for body in revision.bodies.all()}
    seen = {level.slug: body_fingerprint(saved.get(level.pk)) for level in form.levels}
    return JsonResponse({"saved": True, "seen": seen})


@login_required
@require_POST
def readability_preview(request: HttpRequest) -> HttpResponse:
    """The live panels of one audience tab for text being typed (nothing is saved): its
    readability with its plain-language marks and checklist, and out of band its preview as
    readers will see it. The editor calls it with htmx, after a pause in typing; reads
    `audience` (a level's slug) and that level's body field of the form."""
    require(request, permissions.can_edit)
    level = get_object_or_404(AudienceLevel, slug=request.POST.get("audience", ""))
    text = request.POST.get(RevisionEditForm.field_name(level), "")
    report = _live_report(level, text)
    context = {
        "report": report,
        "plain": _plain(report, text, vocabulary_for([level])),
        "live": True,
        "level": level,
        "preview": _preview(level, text, versions_current(keys=citation_keys(text))),
    }
    return render(request, "editorial/partials/live_panels.html", context)


def _save(form: RevisionEditForm, *, revision: Revision, editor: User) -> None:
    revision_edit(
        revision=revision,
        editor=editor,
        bodies=form.bodies(),
        # The field starts empty on every visit: left empty, the summary stays as it was.
        change_summary=form.cleaned_data["change_summary"] or None,
        seen=form.seen(),
    )


def _initial(bodies: list[AudienceBody], levels: list[AudienceLevel]) -> dict[str, str]:
    texts = {body.audience_id: body for body in bodies}
    initial = {
        RevisionEditForm.field_name(level): texts[level.pk].body
        for level in levels
        if level.pk in texts
    }
    return initial | {
        RevisionEditForm.seen_name(level): body_fingerprint(texts.get(level.pk)) for level in levels
    }


def _errors_on_bodies(form: RevisionEditForm, refusal: BodiesInvalid) -> None:
    """Each reason on the field of the body it concerns."""
    for level in form.levels:
        if reason := refusal.by_audience.get(level.pk):
            form.add_error(RevisionEditForm.field_name(level), str(reason))


def _refusal(form: RevisionEditForm, *, status: int) -> JsonResponse:
    """A refused autosave: every error, each said with the version (or field) it concerns,
    keyed by the audience's slug (or the field's name)."""
    levels = {RevisionEditForm.field_name(level): level for level in form.levels}
    errors: dict[str, list[str]] = {}
    for name, field_errors in form.errors.items():
        if level := levels.get(name):
            key, prefix = level.slug, LEVEL_VERSION.format(level=level.label)
        else:
            key, prefix = name, str(form.fields[name].label) if name in form.fields else ""
        said = [str(error) for error in field_errors]
        errors[key] = [f"{prefix}: {e}" if prefix and not e.startswith(prefix) else e for e in said]
    message = " ".join(error for field_errors in errors.values() for error in field_errors)
    return JsonResponse({"saved": False, "message": message, "errors": errors}, status=status)


def _form_seeing_theirs(
    request: HttpRequest, *, revision: Revision, bodies: list[AudienceBody], stale: StaleEdit
) -> RevisionEditForm:
    """The posted form again, now marked as having seen `bodies` (as saved now), with the
    refusal on the field of each body changed meanwhile."""
    levels = list(AudienceLevel.objects.all())
    saved = {body.audience_id: body for body in bodies}
    data = request.POST.copy()
    for level in levels:
        data[RevisionEditForm.seen_name(level)] = body_fingerprint(saved.get(level.pk))
    form = RevisionEditForm(data, levels=levels)
    form.is_valid()
    editor = revision.last_edited_by or "another editor"
    for level in levels:
        if level.pk in stale.audience_ids:
            form.add_error(
                RevisionEditForm.field_name(level),
                STALE_EDIT.format(levels=LEVEL_VERSION.format(level=level.label), editor=editor),
            )
    return form


def _editor_tabs(
    form: RevisionEditForm,
    *,
    revision: Revision,
    bodies: list[AudienceBody],
    conflicts: dict[int, AudienceBody],
    vocabulary: Vocabulary,
) -> list[EditorTab]:
    """A tab per level; the first with an error is selected, else the canonical one. The
    previews share one query for the references all the texts cite."""
    stale = {
        s.body.audience_id
        for s in revision_body_statuses(revision=revision, bodies=bodies)
        if s.may_be_out_of_date
    }
    fields = {level.pk: form[RevisionEditForm.field_name(level)] for level in form.levels}
    texts = {pk: str(field.value() or "") for pk, field in fields.items()}
    versions = versions_current(keys={k for text in texts.values() for k in citation_keys(text)})
    chosen = next(
        (level for level in form.levels if fields[level.pk].errors),
        next((level for level in form.levels if level.is_canonical), None),
    )
    reports = {level.pk: _live_report(level, texts[level.pk]) for level in form.levels}
    return [
        EditorTab(
            level=level,
            field=fields[level.pk],
            preview=_preview(level, texts[level.pk], versions),
            readability=reports[level.pk],
            plain=_plain(reports[level.pk], texts[level.pk], vocabulary),
            may_be_out_of_date=level.pk in stale,
            selected=level == chosen,
            conflict=conflicts.get(level.pk),
        )
        for level in form.levels
    ]


def _preview(level: AudienceLevel, text: str, versions: dict[str, ReferenceVersion]) -> Preview:
    # Each tab's citation links point at its own list: several previews share the page.
    rendered = body_render(text=text, versions=versions, anchor_prefix=f"{level.slug}-ref-")
    return Preview(rendered=rendered, unknown=[k for k in citation_keys(text) if k not in versions])


def _live_report(level: AudienceLevel, text: str) -> Report:
    return Report(
        audience=level,
        scores=score_text(text) if text.strip() else None,
        target=level.target_grade,
    )


def _plain(report: Report, text: str, vocabulary: Vocabulary) -> PlainLanguage | None:
    if not text.strip():
        return None
    return plain_language_review(report=report, markdown=text, vocabulary=vocabulary)


def _draft_references(draft: Revision, bodies: list[AudienceBody]) -> dict[str, object]:
    """The article's flagged references, whether the draft still cites each (submitting it pins
    the current versions), and the retracted references it cites otherwise. Three queries at
    most."""
    keys = citation_keys("\n\n".join(body.body for body in bodies))
    repins = [
        Repin(flag=flag, still_cited=flag.key in keys)
        for flag in citations_flagged(article_id=draft.article_id)
    ]
    flagged = {repin.flag.key for repin in repins}
    return {
        "repins": repins,
        "retracted": [r for r in references_retracted(keys=keys) if r.key not in flagged],
    }
