"""Each assignment's copy of its revision's status is kept by the database (triggers of
migration editorial 0012, on SQLite and on PostgreSQL), so that a reviewer's open reviews and
the late ones are read from indexes that hold only open reviews, however many a reviewer did."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import ReviewStatus, Revision
from editorial import selectors, workflow
from editorial.models import ReviewAssignment
from tests.factories import RevisionFactory, assign_ready
from tests.plans import assert_served_by

pytestmark = pytest.mark.django_db


def _status(assignment: ReviewAssignment) -> str | None:
    return ReviewAssignment.objects.values_list("revision_status", flat=True).get(pk=assignment.pk)


def test_the_copy_follows_the_revision_through_the_review(editor, reviewer, second_reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    first = assign_ready(revision, editor=editor, reviewer=reviewer)
    second = assign_ready(revision, editor=editor, reviewer=second_reviewer)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.UNDER_REVIEW
    assert _status(first) == _status(second) == ReviewStatus.UNDER_REVIEW
    assert list(selectors.my_pending_reviews(user=reviewer)) == [first]

    workflow.revision_request_changes(revision=revision, actor=reviewer, reason="Dose unclear")
    assert _status(first) == _status(second) == ReviewStatus.CHANGES_REQUESTED
    assert list(selectors.my_pending_reviews(user=second_reviewer)) == []
    # A write no action makes (an update of many rows) is followed too.
    Revision.objects.filter(pk=revision.pk).update(status=ReviewStatus.UNDER_REVIEW)
    assert _status(first) == ReviewStatus.UNDER_REVIEW


def test_a_stale_assignment_saved_keeps_its_revisions_status(editor, reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assignment = assign_ready(revision, editor=editor, reviewer=reviewer)
    stale = ReviewAssignment.objects.get(pk=assignment.pk)  # read while under review
    workflow.revision_withdraw(revision=Revision.objects.get(pk=revision.pk), actor=editor)
    stale.due_date = timezone.localdate() + timedelta(days=30)
    stale.save()
    assert _status(assignment) == Revision.objects.get(pk=revision.pk).status
    assert list(selectors.my_pending_reviews(user=reviewer)) == []


@pytest.mark.postgresql
def test_open_and_late_reviews_are_read_from_indexes_of_open_reviews(editor, reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    for queryset, index in (
        (selectors.my_pending_reviews(user=reviewer)[:20], "assignment_open"),
        (selectors.late_assignments()[:20], "assignment_late"),
    ):
        with CaptureQueriesContext(connection) as queries:
            list(queryset)
        assert_served_by(queries.captured_queries[-1]["sql"], index)
