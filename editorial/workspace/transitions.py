"""The workflow's doors in the workspace: the transition buttons (which to offer, and running
one), and publishing after a confirmation that says what readers will get."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from articles.errors import ActionRefused, ReasonKind, first_kind
from articles.models import Revision
from articles.selectors import revision_review_dates
from editorial import permissions, workflow
from editorial.models import ReviewAssignment, User
from editorial.policy import quorum_state
from editorial.selectors import (
    articles_for_user,
    revisions_for_user,
)
from editorial.workspace.common import (
    done_once,
    newest_revision_or_404,
    require,
    workspace_user,
)
from editorial.workspace.forms import PublishForm, TransitionForm

APPROVAL_REACHES = (
    "This is the {nth} of {needed} approvals needed: revision {number} becomes Approved, and "
    "its editors are told."
)
APPROVAL_WAITS = (
    "This is the {nth} of {needed} approvals needed: the revision stays under review until "
    "the others approve."
)
APPROVAL_NEEDS_SPECIALTY = (
    "The approvals are enough, but the policy also asks for a {specialty} approver: the "
    "revision stays under review until one approves."
)
CHANGES_OUTCOME = (
    "Revision {number} goes back to its editors with your reason; its review ends here and "
    "starts again when they submit a new revision."
)
ACTION_LABELS = {name: transition.label for name, transition in workflow.TRANSITIONS.items()}


TRANSITION_DONE = "{label}: done for revision {number}."


UNPUBLISHED = (
    "Unpublished: the article is off the public site. Its revisions and reviews stay; "
    "you can publish again."
)


def offered(
    states: list[workflow.TransitionState],
    *,
    only: tuple[str, ...] | None = None,
    exclude: tuple[str, ...] = (),
) -> list[workflow.TransitionState]:
    """The transitions to show as buttons: the allowed ones, and those held back by a
    precondition (shown disabled with its reasons); not those the user may never take or that
    the revision's status rules out."""
    return [
        state
        for state in states
        if (only is None or state.name in only)
        and state.name not in exclude
        and (state.allowed or first_kind(state.reasons) == ReasonKind.GUARD)
    ]


READER_SUMMARY_PREFIX = "reader_summary_"  # + an audience level's slug


def reader_summaries_posted(request: HttpRequest) -> dict[str, str]:
    """The submit form's summaries per audience level (fields reader_summary_<slug>); the
    submit guard checks the levels and the lengths."""
    return {
        key.removeprefix(READER_SUMMARY_PREFIX): value
        for key in request.POST
        if key.startswith(READER_SUMMARY_PREFIX) and (value := request.POST.get(key, "")).strip()
    }


@require_POST
@login_required
def transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one workflow action on the article's newest revision; refusals become messages."""
    if name not in workflow.ACTION_NAMES:
        raise Http404(f"No transition {name!r}.")
    user = workspace_user(request)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revision = newest_revision_or_404(article)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
        return redirect("editorial:article", pk=article.pk)

    def act() -> int:
        workflow.run_action(
            name,
            revision=revision,
            actor=user,
            note=form.cleaned_data["note"],
            reviewer=form.cleaned_data["reviewer"],
            due_date=form.cleaned_data["due_date"],
            change=(
                workflow.submitted_change(
                    # The form's select always sends a value; a POST without it says nothing.
                    kind=form.cleaned_data["change_kind"]
                    if "change_kind" in request.POST
                    else None,
                    summary=form.cleaned_data["reader_summary"],
                    by_level=reader_summaries_posted(request),
                )
                if name == workflow.SUBMIT
                else None
            ),
        )
        return revision.pk

    try:
        # Sent twice (a double click): done once, both answered alike.
        done_once(request, action=name, perform=act)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        label = ACTION_LABELS[name]
        messages.success(
            request,
            UNPUBLISHED
            if name == workflow.UNPUBLISH
            else TRANSITION_DONE.format(label=label, number=revision.number),
        )
    return redirect("editorial:article", pk=article.pk)


INVITED_AGAIN = (
    "Invited to review revision {number}: {names}. Each accepts and declares their interests "
    "for it again."
)
INVITED_AGAIN_ALREADY = "The reviewers of the last round are invited to review revision {number}."


@require_POST
@login_required
def invite_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite the board members who reviewed the article's last round to review its newest
    revision, in one step (editorial.workflow.rounds)."""
    user = workspace_user(request)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revision = newest_revision_or_404(article)
    invited: list[ReviewAssignment] = []

    def invite() -> int:
        invited.extend(workflow.revision_invite_reviewers_again(revision=revision, actor=user))
        return revision.pk

    try:
        # Sent twice (a double click): invited once, the second answered alike.
        done_once(request, action=f"invite-again-{revision.pk}", perform=invite)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        names = ", ".join(str(assignment.reviewer) for assignment in invited)
        messages.success(
            request,
            INVITED_AGAIN.format(number=revision.number, names=names)
            if invited
            else INVITED_AGAIN_ALREADY.format(number=revision.number),
        )
    return redirect("editorial:article", pk=article.pk)


@login_required
@require_http_methods(["GET", "POST"])
def publish_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """What publishing the newest revision would show readers, asked before it is done; a
    revision that is not approved replacing an approved one needs a reason."""
    user = require(request, permissions.can_publish)
    article = get_object_or_404(
        articles_for_user(user=user).select_related("published_revision"), pk=pk
    )
    revision = newest_revision_or_404(article)
    error = note_error = ""
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]

        def publish() -> int:
            workflow.article_publish(revision=revision, actor=user, note=note)
            return revision.pk

        try:
            # Sent twice (a double click): published once, both answered alike.
            done = done_once(request, action=workflow.PUBLISH, perform=publish)
        except workflow.InvalidInput as exc:  # the reason a replacement needs: said at its field
            note_error = str(exc)
        except ActionRefused as exc:
            error = str(exc)
        else:
            published = Revision.objects.get(pk=done.object_id)
            messages.success(
                request, TRANSITION_DONE.format(label="Publish", number=published.number)
            )
            return redirect("editorial:article", pk=article.pk)
    elif form.errors:
        error = form.errors.as_text()
    context = {
        # Refused: sent again with its key (nothing was recorded); else a fresh one.
        "form": form if form.is_bound and form.is_valid() else PublishForm(),
        "article": article,
        "revision": revision,
        "current": article.published_revision,
        "replaces_approved": workflow.replaces_approved(revision),
        # An editorial change to a reviewed text keeps that review (and no caution banner).
        "review_dates": revision_review_dates(revision=revision, article=article),
        "reasons": workflow.transition_blockers(workflow.PUBLISH, revision=revision, actor=user),
        "error": error,
        "note_error": note_error,
        "note": request.POST.get("note", ""),
    }
    refused = error or note_error
    return render(
        request, "editorial/publish_confirm.html", context, status=400 if refused else 200
    )


DECISIONS = (workflow.APPROVE, workflow.REQUEST_CHANGES)
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def approval_outcome(revision: Revision, actor: User) -> str:
    """What approving does now, said before the reviewer confirms."""
    after = quorum_state(revision=revision, approving=actor)
    nth = ORDINALS.get(after.approvals, f"{after.approvals}th")
    needed = after.policy.min_approvals
    if after.reached:
        return APPROVAL_REACHES.format(nth=nth, needed=needed, number=revision.number)
    if after.approvals >= needed:  # enough approvals, but not the specialty the policy asks
        return APPROVAL_NEEDS_SPECIALTY.format(specialty=after.policy.required_specialty)
    return APPROVAL_WAITS.format(nth=nth, needed=needed)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Approve or request changes after a confirmation that says what happens, with a note (the
    reason, required to request changes) and a note for the editors only."""
    if name not in DECISIONS:
        raise Http404(f"No decision {name!r}.")
    user = workspace_user(request)
    revision = get_object_or_404(revisions_for_user(user=user), pk=pk)
    note, editors_note = request.POST.get("note", ""), request.POST.get("editors_note", "")
    error = ""
    if request.method == "POST":

        def act() -> int:
            workflow.run_action(
                name, revision=revision, actor=user, note=note, editors_note=editors_note
            )
            return revision.pk

        try:
            # Sent twice (a double click): decided once, both answered alike.
            done_once(request, action=name, perform=act)
        except ActionRefused as exc:
            error = str(exc)
        else:
            label = ACTION_LABELS[name]
            messages.success(request, TRANSITION_DONE.format(label=label, number=revision.number))
            return redirect("editorial:review", pk=revision.pk)
    reasons = workflow.transition_blockers(name, revision=revision, actor=user)
    context = {
        "revision": revision,
        "article": revision.article,
        "name": name,
        "label": ACTION_LABELS[name],
        "reasons": reasons,
        "outcome": (
            approval_outcome(revision, user)
            if name == workflow.APPROVE and not reasons
            else CHANGES_OUTCOME.format(number=revision.number)
        ),
        "note": note,
        "editors_note": editors_note,
        "error": error,
    }
    return render(request, "editorial/decide.html", context, status=400 if error else 200)
