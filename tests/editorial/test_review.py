"""Assignments (invite, accept, decline, remove) and declarations of interest."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ReviewStatus, Revision
from editorial import permissions, review, selectors, workflow
from editorial.models import AuditEvent, ReviewAssignment, ReviewDecision
from editorial.review import Interest
from tests.factories import RevisionFactory, assign_ready


@pytest.fixture
def submitted(editor):
    return workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)


def _invite(revision, editor, reviewer, **kwargs):  # type: ignore[no-untyped-def]
    return workflow.revision_assign_reviewer(
        revision=revision, actor=editor, reviewer=reviewer, **kwargs
    )


def test_invitation_is_due_in_14_days_and_accepting_lets_the_reviewer_decide(
    editor, reviewer, submitted
):
    assignment = _invite(submitted, editor, reviewer)
    assert assignment.state == ReviewAssignment.State.INVITED
    assert assignment.due_date == timezone.localdate() + timedelta(days=14)
    # Invited: may read, may not decide yet.
    assert permissions.can_view_revision.test(reviewer, submitted)
    with pytest.raises(workflow.ActionForbidden, match="You may not approve"):
        workflow.revision_approve(revision=submitted, actor=reviewer)

    review.assignment_accept(assignment=assignment, actor=reviewer)

    assignment.refresh_from_db()
    assert assignment.state == ReviewAssignment.State.ACCEPTED
    assert assignment.responded_at is not None
    assert permissions.can_decide.test(reviewer, submitted)
    assert AuditEvent.objects.first().action == "accept"
    with pytest.raises(workflow.GuardFailed, match="already accepted"):
        review.assignment_accept(assignment=assignment, actor=reviewer)


def test_only_the_invitee_answers(editor, reviewer, second_reviewer, submitted):
    assignment = _invite(submitted, editor, reviewer)
    with pytest.raises(workflow.ActionForbidden, match="not yours"):
        review.assignment_accept(assignment=assignment, actor=second_reviewer)
    with pytest.raises(workflow.ActionForbidden, match="not yours"):
        review.assignment_decline(assignment=assignment, actor=editor, reason="No time")
    assignment.refresh_from_db()
    assert assignment.state == ReviewAssignment.State.INVITED


def test_due_date_in_the_past_is_refused(editor, reviewer, submitted):
    with pytest.raises(workflow.InvalidInput, match="due date"):
        _invite(submitted, editor, reviewer, due_date=timezone.localdate() - timedelta(days=1))
    assert not ReviewAssignment.objects.exists()


def test_declining_needs_a_reason_and_removes_access(client, editor, reviewer, submitted):
    assignment = _invite(submitted, editor, reviewer)
    with pytest.raises(workflow.InvalidInput, match="a reason is required"):
        review.assignment_decline(assignment=assignment, actor=reviewer, reason=" ")

    review.assignment_decline(assignment=assignment, actor=reviewer, reason="On leave")

    assignment.refresh_from_db()
    assert (assignment.state, assignment.decline_reason) == ("declined", "On leave")
    assert not permissions.can_view_revision.test(reviewer, submitted)
    assert not permissions.can_view_article.test(reviewer, submitted.article)
    assert list(selectors.articles_for_user(user=reviewer)) == []
    assert list(selectors.revisions_for_user(user=reviewer)) == []
    assert list(selectors.my_pending_reviews(user=reviewer)) == []
    client.force_login(reviewer)
    url = reverse("editorial:article", kwargs={"pk": submitted.article_id})
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/revisions/{submitted.pk}/").status_code == 404
    # The editor may invite someone else, or the same member again (a fresh invitation).
    assert reviewer in selectors.board_members_assignable(revision=submitted)


def test_removed_reviewer_loses_access_and_their_approval_stops_counting(
    settings, editor, reviewer, second_reviewer, submitted
):
    settings.IMPRIMATUR_MIN_APPROVALS = 2
    removed = assign_ready(submitted, editor=editor, reviewer=reviewer)
    assign_ready(submitted, editor=editor, reviewer=second_reviewer)
    workflow.revision_approve(revision=submitted, actor=reviewer)

    with pytest.raises(workflow.ActionForbidden, match="Only editors"):
        review.assignment_remove(assignment=removed, actor=second_reviewer)
    review.assignment_remove(assignment=removed, actor=editor)
    workflow.revision_approve(revision=submitted, actor=second_reviewer)

    submitted.refresh_from_db()
    assert submitted.status == ReviewStatus.UNDER_REVIEW  # one counting approval of two
    assert not permissions.can_view_revision.test(reviewer, submitted)
    assert list(selectors.revisions_for_user(user=reviewer)) == []
    assert AuditEvent.objects.filter(action="remove-reviewer", subject_user=reviewer).exists()
    with pytest.raises(workflow.GuardFailed, match="removed"):
        review.assignment_accept(assignment=removed, actor=reviewer)


def test_no_declaration_no_decision(editor, reviewer, submitted):
    assignment = _invite(submitted, editor, reviewer)
    review.assignment_accept(assignment=assignment, actor=reviewer)
    submitted.refresh_from_db()
    assert workflow.transitions_available(revision=submitted, actor=reviewer) == []

    with pytest.raises(workflow.GuardFailed, match="Declare your conflicts of interest"):
        workflow.revision_approve(revision=submitted, actor=reviewer)
    with pytest.raises(workflow.GuardFailed, match="Declare your conflicts of interest"):
        workflow.revision_request_changes(revision=submitted, actor=reviewer, reason="Dose")
    assert not ReviewDecision.objects.exists()

    review.interests_declare(assignment=assignment, actor=reviewer, none=True, interests=[])
    submitted.refresh_from_db()
    assert workflow.transitions_available(revision=submitted, actor=reviewer) == [
        "approve",
        "request-changes",
    ]


def test_declaration_validation(editor, reviewer, second_reviewer, submitted):
    assignment = _invite(submitted, editor, reviewer)
    with pytest.raises(workflow.InvalidInput, match="not both"):
        review.interests_declare(assignment=assignment, actor=reviewer, none=False, interests=[])
    with pytest.raises(workflow.InvalidInput, match="Describe each"):
        review.interests_declare(
            assignment=assignment,
            actor=reviewer,
            none=False,
            interests=[Interest("financial", " ")],
        )
    with pytest.raises(workflow.ActionForbidden, match="own interests"):
        review.interests_declare(
            assignment=assignment, actor=second_reviewer, none=True, interests=[]
        )


def test_declaration_is_prefilled_from_the_previous_one(editor, reviewer, submitted):
    assert review.interests_previous(reviewer=reviewer) is None
    first = _invite(submitted, editor, reviewer)
    review.interests_declare(
        assignment=first,
        actor=reviewer,
        none=False,
        interests=[Interest("financial", "Speaker fees from Acme"), Interest("other", "Friend")],
    )

    assert review.interests_previous(reviewer=reviewer) == (
        False,
        [Interest("financial", "Speaker fees from Acme"), Interest("other", "Friend")],
    )
    other = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    second = _invite(other, editor, reviewer)
    review.interests_declare(assignment=second, actor=reviewer, none=True, interests=[])
    assert review.interests_previous(reviewer=reviewer) == (True, [])


@pytest.mark.parametrize("ended", ["decline", "remove"])
def test_declined_or_removed_reviewer_can_be_invited_again(
    ended, editor, reviewer, submitted, django_capture_on_commit_callbacks
):
    assignment = assign_ready(submitted, editor=editor, reviewer=reviewer)
    if ended == "decline":
        review.assignment_decline(assignment=assignment, actor=reviewer, reason="On leave")
    else:
        review.assignment_remove(assignment=assignment, actor=editor)
    due = timezone.localdate() + timedelta(days=5)

    with django_capture_on_commit_callbacks(execute=True):
        again = workflow.revision_assign_reviewer(
            revision=submitted, actor=editor, reviewer=reviewer, due_date=due
        )

    assert again.pk == assignment.pk  # one row per revision and reviewer
    again.refresh_from_db()
    assert (again.state, again.due_date, again.decline_reason, again.responded_at) == (
        ReviewAssignment.State.INVITED,
        due,
        "",
        None,
    )
    assert not workflow.has_declared(revision=submitted, reviewer=reviewer)  # declare anew
    assert permissions.can_view_revision.test(reviewer, submitted)
    event = AuditEvent.objects.first()
    assert (event.action, event.subject_user) == ("assign-reviewer", reviewer)
    state = "declined" if ended == "decline" else "removed"
    assert event.note.startswith(f"Invited {reviewer} again (had {state})")
    assert reviewer.notifications.filter(event=event).exists()
    with pytest.raises(workflow.InvalidInput, match="already assigned"):
        workflow.revision_assign_reviewer(revision=submitted, actor=editor, reviewer=reviewer)


def test_a_reviewer_who_decided_can_no_longer_decline_nor_decide_again(
    client, settings, editor, reviewer, second_reviewer, submitted
):
    settings.IMPRIMATUR_MIN_APPROVALS = 2
    mine = assign_ready(submitted, editor=editor, reviewer=reviewer)
    assign_ready(submitted, editor=editor, reviewer=second_reviewer)
    workflow.revision_approve(revision=submitted, actor=reviewer)
    submitted = Revision.objects.get(pk=submitted.pk)
    assert submitted.status == ReviewStatus.UNDER_REVIEW  # one approval of the two needed
    client.force_login(reviewer)
    page = client.get(reverse("editorial:review", kwargs={"pk": submitted.pk})).text

    # The approval stands and still counts towards the quorum: no Decline, no second decision.
    assert workflow.transitions_available(revision=submitted, actor=reviewer) == []
    assert 'data-action="decline"' not in page
    with pytest.raises(workflow.GuardFailed, match="no longer decline"):
        review.assignment_decline(assignment=mine, actor=reviewer, reason="Too busy")
    assert workflow.transitions_available(revision=submitted, actor=second_reviewer) == [
        "approve",
        "request-changes",
    ]


def test_nothing_to_decline_once_the_revision_is_approved(client, settings, editor, reviewer):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    mine = assign_ready(revision, editor=editor, reviewer=reviewer)
    # A second member accepted but had not decided when the quorum was reached.
    workflow.revision_approve(revision=revision, actor=reviewer)
    client.force_login(reviewer)

    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text

    assert 'data-action="decline"' not in page
    with pytest.raises(workflow.GuardFailed, match="review is over"):
        review.assignment_decline(assignment=mine, actor=reviewer, reason="Too busy")
    mine.refresh_from_db()
    assert mine.state == ReviewAssignment.State.ACCEPTED
