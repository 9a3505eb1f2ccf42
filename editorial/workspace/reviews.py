"""Workspace pages of the review: the reviewer's queue, the review page, assignments and
declarations (its comments: editorial.workspace.comments). Thin: selectors read, one service
acts, refusals become messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from articles.models import AudienceBody, ReviewStatus
from articles.plain_language import plain_language_review, vocabulary_for
from articles.references.rendering import revision_cited_versions
from articles.selectors import revision_body_statuses, revision_newest
from editorial import permissions, review, workflow
from editorial.changes import comparison_base, revision_compare
from editorial.models import ReviewAssignment
from editorial.selectors import (
    assignments_as_seen_by,
    assignments_for_user,
    comment_threads,
    earlier_open_threads,
    my_pending_reviews,
    reviews_done_or_closed,
    revisions_for_user,
)
from editorial.workspace.comments import body_view
from editorial.workspace.common import done_once, workspace_user
from editorial.workspace.forms import DeclarationForm, DeclineForm, ReplyForm
from editorial.workspace.transitions import offered

QUEUE_PAGE_SIZE = 25
QUEUE_DONE = "done"  # ?show= for the reviews decided or closed
DECLARATION_REFUSED = "Your declaration was not saved: see below."
DONE = {
    "accept": "You accepted to review revision {number}.",
    "decline": "You declined to review revision {number}.",
    "remove": "{reviewer} no longer reviews revision {number}.",
    "declare": "Your declaration of interests is saved.",
}


def _review_url(revision_pk: int) -> str:
    return reverse("editorial:review", kwargs={"pk": revision_pk})


def _refused(request: HttpRequest, exc: workflow.WorkflowError) -> None:
    messages.error(request, str(exc))


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The board member's reviews awaiting their decision, soonest due first (overdue ones say
    so in words); `?show=done` the others, newest first. In pages."""
    user = workspace_user(request)
    done = request.GET.get("show") == QUEUE_DONE
    to_review = my_pending_reviews(user=user)
    listed = reviews_done_or_closed(user=user) if done else to_review
    page = Paginator(listed, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": timezone.localdate(),
        "done": done,
        "show_done": QUEUE_DONE,
        # Always shown: how many wait for a decision (a range of an index of those alone).
        "to_review_count": to_review.count() if done else page.paginator.count,
    }
    return render(request, "editorial/review_queue.html", context)


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
    # read them from the prefetch instead of asking the database each time; the editors' list
    # of reviewers too, each with what of it this user may read.
    assignments = assignments_as_seen_by(user=user)
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
    vocabulary = vocabulary_for(body_status.body.audience for body_status in statuses)
    bodies = [
        body_view(
            body=body_status.body,
            versions=versions,
            threads=threads,
            status=body_status,
            # The editor's marks and checklist, for the text as submitted.
            plain=plain_language_review(
                report=body_status.readability,
                markdown=body_status.body.body,
                vocabulary=vocabulary,
            ),
            can_comment=can_comment,
        )
        for body_status in statuses
    ]
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
        "reply_form": ReplyForm(),
        "can_comment": can_comment,
        "is_editor": is_editor,
        "earlier_threads": list(earlier_open_threads(revision=revision, user=user)),
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

    def accept() -> int:
        review.assignment_accept(assignment=assignment, actor=workspace_user(request))
        return assignment.pk

    try:
        done_once(request, action="accept", perform=accept)  # a double click: accepted once
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

    def decline() -> int:
        review.assignment_decline(
            assignment=assignment,
            actor=workspace_user(request),
            reason=form.data.get("reason", ""),
        )
        return assignment.pk

    try:
        done_once(request, action="decline", perform=decline)  # a double click: declined once
    except workflow.WorkflowError as exc:
        _refused(request, exc)
        return redirect(_review_url(assignment.revision_id))
    messages.success(request, DONE["decline"].format(number=assignment.revision.number))
    return redirect("editorial:queue")


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _my_assignment(request, pk)

    def remove() -> int:
        review.assignment_remove(assignment=assignment, actor=workspace_user(request))
        return assignment.pk

    try:
        done_once(request, action="remove-reviewer", perform=remove)  # a double click: once
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
