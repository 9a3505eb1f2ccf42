"""Workspace pages of the review: the reviewer's queue, the review page, the editors' board,
an article's history and the inbox. Thin: selectors read, one service acts, refusals become
messages."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from articles.models import AudienceBody, AudienceLevel, ReviewStatus, Revision
from articles.references.rendering import (
    ListedReference,
    body_render,
    revision_cited_versions,
)
from articles.selectors import BodyStatus, revision_body_statuses, revision_newest
from editorial import comments, permissions, review, workflow
from editorial.changes import comparison_base, revision_compare
from editorial.models import ReviewAssignment, ReviewComment
from editorial.selectors import (
    assignments_for_user,
    comment_threads,
    comments_for_user,
    earlier_open_threads,
    review_queue,
    revisions_for_user,
)
from editorial.workspace.common import workspace_user
from editorial.workspace.forms import CommentForm, DeclarationForm, DeclineForm, ReplyForm
from editorial.workspace.transitions import offered

DECLARATION_REFUSED = "Your declaration was not saved: see below."
DONE = {
    "accept": "You accepted to review revision {number}.",
    "decline": "You declined to review revision {number}.",
    "remove": "{reviewer} no longer reviews revision {number}.",
    "declare": "Your declaration of interests is saved.",
    "comment": "Comment added.",
    "reply": "Reply added.",
    "resolve": "Comment resolved.",
    "reopen": "Comment reopened.",
}


@dataclass(frozen=True)
class BodyView:
    """One audience body as readers will read it: numbered citations linked to its list of
    the cited (pinned) versions, and the threads beside it."""

    audience: AudienceLevel
    html: str
    references: list[ListedReference]
    threads: list[ReviewComment]
    status: BodyStatus  # out-of-date mark and readability against the level's target


def _review_url(revision_pk: int) -> str:
    return reverse("editorial:review", kwargs={"pk": revision_pk})


def _refused(request: HttpRequest, exc: workflow.WorkflowError) -> None:
    messages.error(request, str(exc))


def _is_htmx(request: HttpRequest) -> bool:
    """Sent by htmx: answer with a fragment of the review page instead of a redirect."""
    return request.headers.get("HX-Request") == "true"


def _thread_list(
    request: HttpRequest,
    *,
    revision: Revision,
    audience: AudienceLevel,
    notice: str = "",
    error: str = "",
) -> HttpResponse:
    """The threads beside one audience body of the review page, for htmx to swap in."""
    user = workspace_user(request)
    context = {
        "revision": revision,
        "audience": audience,
        "threads": comment_threads(revision=revision).filter(audience=audience),
        "can_comment": permissions.can_comment.test(user, revision),
        "is_editor": permissions.is_editor.test(user),
        "thread_notice": notice,
        "thread_error": error,
    }
    return render(request, "editorial/partials/thread_list.html", context)


def _form_error(message: str) -> HttpResponse:
    # 200, not 400: htmx swaps only successful answers, and this one is shown in the form.
    return HttpResponse(format_html('<p class="field-error" role="alert">{}</p>', message))


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The board member's assignments, soonest due first; overdue ones say so in words."""
    user = workspace_user(request)
    today = timezone.localdate()
    assignments = list(review_queue(user=user))
    return render(
        request, "editorial/review_queue.html", {"assignments": assignments, "today": today}
    )


@login_required
@require_GET
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page_render(request, pk=pk)


def _review_page_render(
    request: HttpRequest,
    *,
    pk: int,
    declaration_form: DeclarationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The review page; `declaration_form`, bound, when a posted declaration was refused (the
    reviewer's entries come back with the errors)."""
    user = workspace_user(request)
    # The assignments (with declarations) once: the permission predicates and has_declared
    # read them from the prefetch instead of asking the database each time.
    assignments = ReviewAssignment.objects.select_related(
        "reviewer", "declaration"
    ).prefetch_related("declaration__entries")
    revision = get_object_or_404(
        revisions_for_user(user=user).prefetch_related(
            Prefetch("assignments", queryset=assignments),
            Prefetch("bodies", queryset=AudienceBody.objects.select_related("audience")),
        ),
        pk=pk,
    )
    mine = next((a for a in revision.assignments.all() if a.reviewer_id == user.pk), None)
    can_comment = permissions.can_comment.test(user, revision)
    is_editor = permissions.is_editor.test(user)
    threads = list(comment_threads(revision=revision))
    statuses = revision_body_statuses(revision=revision, bodies=list(revision.bodies.all()))
    versions = revision_cited_versions(revision=revision)
    bodies = []
    for body_status in statuses:
        rendered = body_render(
            text=body_status.body.body,
            versions=versions,
            anchor_prefix=f"ref-{body_status.body.audience.slug}-",
        )
        bodies.append(
            BodyView(
                body_status.body.audience,
                rendered.html,
                rendered.references,
                [t for t in threads if t.audience_id == body_status.body.audience_id],
                body_status,
            )
        )
    if declaration_form is None and mine is not None and mine.is_active:
        current = getattr(mine, "declaration", None)
        previous = (
            (
                not current.has_interests,
                [review.Interest(e.kind, e.details) for e in current.entries.all()],
            )
            if current is not None
            else review.interests_previous(reviewer=user)
        )
        declaration_form = DeclarationForm(initial=DeclarationForm.initial_from(previous))
    newest = revision_newest(article=revision.article_id)
    states = (
        workflow.transitions_state(revision=revision, actor=user)
        if newest is not None and newest.pk == revision.pk
        else []
    )
    context = {
        "comparison": revision_compare(revision=revision, base=comparison_base(revision)),
        "article": revision.article,
        "revision": revision,
        "assignment": mine,
        "declared": workflow.has_declared(revision=revision, reviewer=user),
        "can_decline": (
            mine is not None and not review.assignment_decline_blockers(assignment=mine, actor=user)
        ),
        "declaration_form": declaration_form,
        "decline_form": DeclineForm(),
        "bodies": bodies,
        "comment_form": CommentForm() if can_comment else None,
        "reply_form": ReplyForm(),
        "can_comment": can_comment,
        "is_editor": is_editor,
        "earlier_threads": list(earlier_open_threads(revision=revision)),
        "transitions": offered(states, only=(workflow.APPROVE, workflow.REQUEST_CHANGES)),
        "assignments": revision.assignments.all() if is_editor else [],
        # Said before anyone tries: approving is refused while it cites a retracted reference.
        "retracted_warning": (
            workflow.retracted_blocks_message(revision=revision)
            if revision.status in (ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW)
            else ""
        ),
    }
    return render(request, "editorial/review.html", context, status=status)


def _my_assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    return get_object_or_404(assignments_for_user(user=workspace_user(request)), pk=pk)


@login_required
@require_POST
def assignment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _my_assignment(request, pk)
    try:
        review.assignment_accept(assignment=assignment, actor=workspace_user(request))
    except workflow.WorkflowError as exc:
        _refused(request, exc)
    else:
        messages.success(request, DONE["accept"].format(number=assignment.revision.number))
    return redirect(_review_url(assignment.revision_id))


@login_required
@require_POST
def assignment_decline(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _my_assignment(request, pk)
    form = DeclineForm(request.POST)
    try:
        review.assignment_decline(
            assignment=assignment,
            actor=workspace_user(request),
            reason=form.data.get("reason", ""),
        )
    except workflow.WorkflowError as exc:
        _refused(request, exc)
        return redirect(_review_url(assignment.revision_id))
    messages.success(request, DONE["decline"].format(number=assignment.revision.number))
    return redirect("editorial:queue")


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _my_assignment(request, pk)
    try:
        review.assignment_remove(assignment=assignment, actor=workspace_user(request))
    except workflow.WorkflowError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            DONE["remove"].format(reviewer=assignment.reviewer, number=assignment.revision.number),
        )
    return redirect("editorial:article", pk=assignment.revision.article_id)


@login_required
@require_POST
def assignment_declare(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _my_assignment(request, pk)
    form = DeclarationForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            review.interests_declare(
                assignment=assignment,
                actor=workspace_user(request),
                none=form.cleaned_data["none"],
                interests=[review.Interest(k, d) for k, d in form.interests()],
            )
        except workflow.WorkflowError as exc:
            error = str(exc)
        else:
            messages.success(request, DONE["declare"])
            return redirect(_review_url(assignment.revision_id))
    # Refused: the page again with what the reviewer wrote, and why.
    if error:
        form.add_error(None, error)
    messages.error(request, DECLARATION_REFUSED)
    return _review_page_render(
        request, pk=assignment.revision_id, declaration_form=form, status=400
    )


@login_required
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = workspace_user(request)
    revision = get_object_or_404(revisions_for_user(user=user), pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        if _is_htmx(request):
            return _form_error("Check the comment: " + form.errors.as_text())
        messages.error(request, "Check the comment: " + form.errors.as_text())
        return redirect(_review_url(revision.pk))
    data = form.cleaned_data
    offset = data["offset"]
    if offset is None:  # no selection sent: the first place the passage appears
        text = revision.bodies.filter(audience=data["audience"]).values_list("body", flat=True)
        offset = text[0].find(data["quoted_text"]) if text else -1
    try:
        comment = comments.comment_create(
            revision=revision,
            actor=user,
            audience=data["audience"],
            quoted_text=data["quoted_text"],
            offset=max(offset, 0) if offset != -1 else 10**9,
            body=data["body"],
            severity=data["severity"],
        )
    except workflow.WorkflowError as exc:
        if _is_htmx(request):
            return _form_error(str(exc))
        _refused(request, exc)
        return redirect(_review_url(revision.pk))
    if _is_htmx(request):
        audience = data["audience"]
        response = _thread_list(
            request, revision=revision, audience=audience, notice=DONE["comment"]
        )
        # And an empty form in place of the one just sent (an out-of-band swap).
        response.write(
            render_to_string(
                "editorial/partials/comment_form.html",
                {"revision": revision, "comment_form": CommentForm(), "oob": True},
                request=request,
            )
        )
        return reswap(retarget(response, f"#threads-{audience.slug}"), "outerHTML")
    messages.success(request, DONE["comment"])
    return redirect(_review_url(revision.pk) + f"#comment-{comment.pk}")


def _comment(request: HttpRequest, pk: int) -> ReviewComment:
    return get_object_or_404(comments_for_user(user=workspace_user(request)), pk=pk)


@login_required
@require_POST
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _comment(request, pk)
    form = ReplyForm(request.POST)
    try:
        comments.comment_reply(
            parent=parent, actor=workspace_user(request), body=form.data.get("body", "")
        )
    except workflow.WorkflowError as exc:
        if _is_htmx(request):
            return _thread_list(
                request, revision=parent.revision, audience=parent.audience, error=str(exc)
            )
        _refused(request, exc)
    else:
        if _is_htmx(request):
            return _thread_list(
                request, revision=parent.revision, audience=parent.audience, notice=DONE["reply"]
            )
        messages.success(request, DONE["reply"])
    return redirect(_review_url(parent.revision_id) + f"#comment-{parent.pk}")


@login_required
@require_POST
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    reopen = request.POST.get("reopen") == "1"
    action = comments.comment_reopen if reopen else comments.comment_resolve
    done = DONE["reopen" if reopen else "resolve"]
    try:
        action(comment=comment, actor=workspace_user(request))
    except workflow.WorkflowError as exc:
        if _is_htmx(request):
            return _thread_list(
                request, revision=comment.revision, audience=comment.audience, error=str(exc)
            )
        _refused(request, exc)
    else:
        if _is_htmx(request):
            return _thread_list(
                request, revision=comment.revision, audience=comment.audience, notice=done
            )
        messages.success(request, done)
    return redirect(_review_url(comment.revision_id) + f"#comment-{comment.pk}")
