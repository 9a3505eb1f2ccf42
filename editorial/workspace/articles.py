"""The editorial workspace: dashboard, article overview, editing and the transition buttons.

Views validate input, read through the user-scoped selectors and call one service or workflow
action; permission is asked of editorial.permissions, never decided here.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.errors import ActionRefused
from articles.markdown import markdown_to_html
from articles.models import (
    AudienceBody,
    AudienceLevel,
    Revision,
)
from articles.readability import Report, score_text
from articles.references.citations import citation_keys
from articles.references.flags import FlaggedCitation, citations_flagged, references_retracted
from articles.selectors import BodyStatus, revision_body_statuses, revision_newest
from articles.services import (
    ARTICLE_EDITABLE_FIELDS,
    ContentError,
    StaleEdit,
    article_create,
    article_details_update,
    body_fingerprint,
    revision_create_draft,
    revision_edit,
)
from editorial import permissions, workflow
from editorial.selectors import (
    articles_for_user,
    audit_events_for_user,
    board_members_assignable,
    citations_flagged_for_user,
    revisions_for_user,
)
from editorial.workspace.common import newest_revision_or_404, require, workspace_user
from editorial.workspace.dashboard import flagged_by_article
from editorial.workspace.forms import ArticleDetailsForm, RevisionEditForm
from editorial.workspace.transitions import offered

REVISION_SAVED = "Revision {number} saved."
DRAFT_STARTED = "Revision {number} started as a new draft."
ARTICLE_CREATED = "Article created with an empty first draft: write it below."
DETAILS_SAVED = "The article's details are saved."
DETAILS_UNCHANGED = "Nothing changed."


@dataclass(frozen=True)
class RenderedBody:
    audience: AudienceLevel
    html: str
    status: BodyStatus


@dataclass(frozen=True)
class EditorTab:
    """One audience level in the editor: its textarea, out-of-date mark and live readability."""

    level: AudienceLevel
    field: object
    may_be_out_of_date: bool
    readability: Report
    has_errors: bool


@dataclass(frozen=True)
class Repin:
    """A flagged reference as the editor of the article's draft sees it."""

    flag: FlaggedCitation
    still_cited: bool


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    user = workspace_user(request)
    if not permissions.is_editor.test(user):
        raise PermissionDenied
    form = ArticleDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = article_create(author=user, **form.cleaned_data)
        except ActionRefused as exc:
            form.add_error("slug", str(exc))
        else:
            messages.success(request, ARTICLE_CREATED)
            return redirect("editorial:article_edit", pk=article.pk)
    status = 400 if form.errors else 200
    return render(request, "editorial/article_create.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def article_details(request: HttpRequest, pk: int) -> HttpResponse:
    """An article's title, topic, address and review interval, changed by an editor; the old
    address then redirects to the new one."""
    user = require(request, permissions.can_edit)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    initial = {name: getattr(article, name) for name in ARTICLE_EDITABLE_FIELDS}
    form = ArticleDetailsForm(request.POST or None, initial=initial, current_topic=article.topic)
    if request.method == "POST" and form.is_valid():
        changes = form.changes(article)
        try:
            if changes:
                article_details_update(article=article, changes=changes)
        except ActionRefused as exc:
            form.add_error("slug", str(exc))
        else:
            messages.success(request, DETAILS_SAVED if changes else DETAILS_UNCHANGED)
            return redirect("editorial:article", pk=article.pk)
    old_slugs = list(article.old_slugs.values_list("slug", flat=True))
    context = {"article": article, "form": form, "old_slugs": old_slugs}
    return render(
        request, "editorial/article_details.html", context, status=400 if form.errors else 200
    )


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = workspace_user(request)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revisions = revisions_for_user(user=user).filter(article=article).order_by("-number")
    newest = revision_newest(article=article)
    context: dict[str, object] = {
        "article": article,
        "revisions": revisions,
        "newest": newest,
        "can_edit": permissions.can_edit.test(user),
        "audit_events": audit_events_for_user(user=user).filter(article=article),
        "flagged": flagged_by_article(citations_flagged_for_user(user=user, article_id=article.pk)),
    }
    if newest is not None:
        states = workflow.transitions_state(revision=newest, actor=user)
        available = [state.name for state in states if state.allowed]
        can_view = permissions.can_view_revision.test(user, newest)
        statuses = revision_body_statuses(revision=newest) if can_view else []
        context |= {
            "can_view_newest": can_view,
            "bodies": [
                RenderedBody(s.body.audience, markdown_to_html(s.body.body), s) for s in statuses
            ],
            "assignments": newest.assignments.select_related("reviewer", "assigned_by"),
            "decisions": newest.decisions.select_related("reviewer"),
            # Unpublish acts on the whole article: its form stands apart from the buttons.
            "transitions": offered(states, exclude=(workflow.UNPUBLISH,)),
            "can_unpublish": workflow.UNPUBLISH in available,
            "can_publish_newest": workflow.PUBLISH in available,
            "eligible_reviewers": (
                board_members_assignable(revision=newest) if "assign-reviewer" in available else []
            ),
        }
    return render(request, "editorial/article_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = workspace_user(request)
    if not permissions.can_edit.test(user):
        raise PermissionDenied
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revision = newest_revision_or_404(article)
    levels = list(AudienceLevel.objects.all())
    conflicts: list[AudienceBody] = []
    if request.method == "POST":
        form = RevisionEditForm(request.POST, levels=levels)
        if form.is_valid():
            try:
                revision_edit(
                    revision=revision,
                    editor=user,
                    bodies=form.bodies(),
                    change_summary=form.cleaned_data["change_summary"],
                    seen=form.seen(),
                )
            except StaleEdit as exc:
                # Keep the editor's text, show theirs, and let the next save knowingly win.
                conflicts = list(
                    revision.bodies.filter(audience_id__in=exc.audience_ids).select_related(
                        "audience"
                    )
                )
                form = _form_seeing_current(request, revision=revision, levels=levels)
                form.add_error(None, str(exc))
            except ContentError as exc:
                if not Revision.objects.get(pk=revision.pk).is_editable:
                    messages.error(request, str(exc))  # submitted meanwhile: no form to show
                    return redirect("editorial:article_edit", pk=article.pk)
                form.add_error(None, str(exc))  # e.g. unknown citation keys: keep the text
            else:
                messages.success(request, REVISION_SAVED.format(number=revision.number))
                return redirect("editorial:article", pk=article.pk)
    else:
        bodies = {body.audience_id: body for body in revision.bodies.all()}
        initial = {
            RevisionEditForm.field_name(level): bodies[level.pk].body
            for level in levels
            if level.pk in bodies
        }
        initial |= {
            RevisionEditForm.seen_name(level): body_fingerprint(bodies.get(level.pk))
            for level in levels
        }
        initial["change_summary"] = revision.change_summary
        form = RevisionEditForm(initial=initial, levels=levels)
    context = {
        "article": article,
        "revision": revision,
        "form": form,
        "tabs": _editor_tabs(form, revision=revision, levels=levels),
        "conflicts": conflicts,
    }
    if revision.is_editable:
        context |= _draft_references(revision)
    return render(request, "editorial/article_edit.html", context)


def _draft_references(draft: Revision) -> dict[str, object]:
    """The article's flagged references, whether the draft still cites each (submitting it pins
    the current versions), and the retracted references it cites otherwise. At most four queries."""
    keys = citation_keys("\n\n".join(body.body for body in draft.bodies.all()))
    repins = [
        Repin(flag=flag, still_cited=flag.key in keys)
        for flag in citations_flagged(article_id=draft.article_id)
    ]
    flagged = {repin.flag.key for repin in repins}
    return {
        "repins": repins,
        "retracted": [r for r in references_retracted(keys=keys) if r.key not in flagged],
    }


def _form_seeing_current(
    request: HttpRequest, *, revision: Revision, levels: list[AudienceLevel]
) -> RevisionEditForm:
    """The posted form again, now marked as having seen the bodies as they are saved."""
    data = request.POST.copy()
    bodies = {body.audience_id: body for body in revision.bodies.all()}
    for level in levels:
        data[RevisionEditForm.seen_name(level)] = body_fingerprint(bodies.get(level.pk))
    form = RevisionEditForm(data, levels=levels)
    form.is_valid()
    return form


def _editor_tabs(
    form: RevisionEditForm, *, revision: Revision, levels: list[AudienceLevel]
) -> list[EditorTab]:
    stale = {
        s.body.audience_id
        for s in revision_body_statuses(revision=revision)
        if s.may_be_out_of_date
    }
    tabs = []
    for level in levels:
        field = form[RevisionEditForm.field_name(level)]
        tabs.append(
            EditorTab(
                level=level,
                field=field,
                may_be_out_of_date=level.pk in stale,
                readability=_live_report(level, str(field.value() or "")),
                has_errors=bool(field.errors),
            )
        )
    return tabs


def _live_report(level: AudienceLevel, text: str) -> Report:
    return Report(
        audience=level,
        scores=score_text(text) if text.strip() else None,
        target=level.target_grade,
    )


@login_required
@require_POST
def readability_preview(request: HttpRequest) -> HttpResponse:
    """The readability partial for text being typed (not saved): the editor calls it with htmx.

    Reads `audience` (a level's slug) and that level's body field of the edit form.
    """
    if not permissions.can_edit.test(workspace_user(request)):
        raise PermissionDenied
    level = get_object_or_404(AudienceLevel, slug=request.POST.get("audience", ""))
    text = request.POST.get(RevisionEditForm.field_name(level), "")
    return render(
        request,
        "editorial/partials/readability.html",
        {"report": _live_report(level, text), "live": True},
    )


@login_required
@require_POST
def revision_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = workspace_user(request)
    if not permissions.can_edit.test(user):
        raise PermissionDenied
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    try:
        draft = revision_create_draft(article=article, author=user)
    except ContentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, DRAFT_STARTED.format(number=draft.number))
    return redirect("editorial:article_edit", pk=article.pk)
