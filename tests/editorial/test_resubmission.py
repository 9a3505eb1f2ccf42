"""A revision submitted again while board members still review it (sent back for changes, or
withdrawn) goes back to them under review; a first submission waits for an editor to invite
reviewers. Before, it waited in Submitted, where its reviewers could neither decide nor be
invited again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ReviewStatus
from editorial import review, workflow
from editorial.models import AuditEvent, Notification, ReviewAssignment
from editorial.selectors import my_pending_reviews
from tests.factories import EditorFactory, RevisionFactory, assign_ready

FORTNIGHT = timedelta(days=workflow.DEFAULT_REVIEW_DAYS)


def _submit_again(revision, editor, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_submit(revision=revision, actor=editor)
    revision.refresh_from_db()
    return revision


@pytest.mark.parametrize("sent_back_by", ["changes-requested", "withdrawn"])
def test_submitted_again_it_goes_back_under_review_to_its_reviewers(
    sent_back_by,
    reach,
    draft,
    editor,
    reviewer,
    second_reviewer,
    django_capture_on_commit_callbacks,
):
    status = (
        ReviewStatus.CHANGES_REQUESTED
        if sent_back_by == "changes-requested"
        else ReviewStatus.DRAFT
    )
    revision = reach(draft, status, editor=editor, reviewers=[second_reviewer, reviewer])
    # The first round's due dates have passed and its reminders were sent.
    long_ago = timezone.localdate() - timedelta(days=30)
    ReviewAssignment.objects.update(due_date=long_ago, reminder_sent_at=timezone.now())
    events = AuditEvent.objects.count()

    revision = _submit_again(revision, editor, django_capture_on_commit_callbacks)

    assert (revision.status, revision.review_round) == (ReviewStatus.UNDER_REVIEW, 2)
    # One event, the submission, from where it was to under review.
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.first()
    assert (event.action, event.from_status, event.to_status) == ("submit", status, "under_review")
    # Each reviewer has the round's time again, its reminders still to come, and is told.
    for assignment in ReviewAssignment.objects.all():
        assert assignment.state == ReviewAssignment.State.ACCEPTED
        assert assignment.due_date == timezone.localdate() + FORTNIGHT
        assert assignment.reminder_sent_at is None
    told = set(Notification.objects.filter(event=event).values_list("recipient", flat=True))
    assert {reviewer.pk, second_reviewer.pk} <= told
    assert editor.pk not in told  # never the actor
    # It waits for each of them in "To review", and each may decide this round.
    for member in (reviewer, second_reviewer):
        assert [a.revision_id for a in my_pending_reviews(user=member)] == [revision.pk]
    workflow.revision_approve(revision=revision, actor=reviewer)
    workflow.revision_approve(revision=revision, actor=second_reviewer)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED


def test_a_later_due_date_is_kept(
    reach, draft, editor, reviewer, django_capture_on_commit_callbacks
):
    revision = reach(draft, ReviewStatus.CHANGES_REQUESTED, editor=editor, reviewers=[reviewer])
    later = timezone.localdate() + FORTNIGHT + timedelta(days=10)
    ReviewAssignment.objects.update(due_date=later)

    _submit_again(revision, editor, django_capture_on_commit_callbacks)

    assert ReviewAssignment.objects.get().due_date == later


def test_a_first_submission_waits_for_reviewers_to_be_invited(
    editor, reviewer, django_capture_on_commit_callbacks
):
    other_editor = EditorFactory()
    revision = RevisionFactory(author=editor)

    revision = _submit_again(revision, editor, django_capture_on_commit_callbacks)

    assert revision.status == ReviewStatus.SUBMITTED
    event = AuditEvent.objects.get()
    assert event.to_status == ReviewStatus.SUBMITTED
    # The editors are told; a board member invited afterwards is not told of the submission.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    assert list(Notification.objects.filter(event=event).values_list("recipient", flat=True)) == [
        other_editor.pk
    ]


def test_reviewers_who_declined_or_were_removed_do_not_bring_it_back(
    reach, draft, editor, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    revision = workflow.revision_submit(revision=draft, actor=editor)
    declined = workflow.revision_assign_reviewer(
        revision=revision, actor=editor, reviewer=second_reviewer
    )
    review.assignment_decline(assignment=declined, actor=second_reviewer, reason="Travelling.")
    removed = assign_ready(revision, editor=editor, reviewer=reviewer)
    review.assignment_remove(assignment=removed, actor=editor)
    workflow.revision_withdraw(revision=revision, actor=editor)

    revision = _submit_again(revision, editor, django_capture_on_commit_callbacks)

    assert revision.status == ReviewStatus.SUBMITTED
    assert not my_pending_reviews(user=reviewer).exists()
