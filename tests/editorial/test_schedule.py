"""Periodic tasks: reminders at most once per assignment, re-reviews opened when due."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ReferenceStatus, ReviewStatus, Revision
from articles.references.services import reference_version_create
from articles.selectors import months_later
from articles.services import audience_body_score
from editorial import comments, workflow
from editorial.models import AuditEvent, Notification
from editorial.schedule import rereviews_open_due, review_reminders_send
from editorial.tasks import open_due_rereviews, send_review_reminders
from tests.factories import EditorFactory, ReferenceFactory, RevisionFactory, assign_ready
from tests.races import race


def _assigned(editor, reviewer, days: int):  # type: ignore[no-untyped-def]
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    return assign_ready(
        revision,
        editor=editor,
        reviewer=reviewer,
        due_date=timezone.localdate() + timedelta(days=days),
    )


def test_reminder_three_days_before_is_sent_once(
    editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    _assigned(editor, reviewer, days=3)
    _assigned(editor, reviewer, days=10)  # not yet
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders.delay().get() == 0

    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert "due soon" in mailoutbox[0].subject
    assert AuditEvent.objects.filter(action="reminder").count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reminder_runs_at_once_share_the_work_without_waiting(editor, reviewer):
    """Two beats (or a worker running the task at once beside the schedule): the second skips
    the assignments the first has locked (SKIP LOCKED) instead of waiting for them, and nothing
    is written twice."""
    for days in (1, 2, 3):
        _assigned(editor, reviewer, days=days)
    took: list[float] = []

    def second() -> int:
        started = time.monotonic()
        written = review_reminders_send()
        took.append(time.monotonic() - started)
        return written

    assert race(review_reminders_send, second, held=3) == 0
    assert took[0] < 2  # did not wait for the first's locks
    assert AuditEvent.objects.filter(action="reminder").count() == 3


def test_overdue_reminder_and_editors_after_seven_days_once_each(
    editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = EditorFactory()
    assignment = _assigned(editor, reviewer, days=1)
    mailoutbox.clear()
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        assert review_reminders_send(today=today + timedelta(days=2)) == 1  # overdue
        assert review_reminders_send(today=today + timedelta(days=3)) == 0
        assert review_reminders_send(today=today + timedelta(days=8)) == 1  # editors
        assert review_reminders_send(today=today + timedelta(days=9)) == 0

    assert [e.action for e in AuditEvent.objects.filter(actor=None).order_by("pk")] == [
        "overdue",
        "overdue-editors",
    ]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [reviewer.email, editor.email, colleague.email]
    )
    assignment.refresh_from_db()
    assert assignment.overdue_sent_at is not None
    assert assignment.editors_told_overdue_at is not None


def test_a_decided_review_gets_no_reminder(editor, reviewer, second_reviewer):
    assignment = _assigned(editor, reviewer, days=1)
    workflow.revision_request_changes(revision=assignment.revision, actor=reviewer, reason="Dose")
    assert review_reminders_send(today=timezone.localdate() + timedelta(days=5)) == 0


def test_rereview_opens_when_due_once(
    editor, reviewer, second_reviewer, reach, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = EditorFactory()
    approved = reach(
        RevisionFactory(author=editor),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    workflow.article_publish(revision=approved, actor=editor)
    due = months_later(approved.approved_at, approved.article.review_interval_months)
    assert rereviews_open_due(now=due - timedelta(days=1)) == 0
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert rereviews_open_due(now=due) == 1
        assert rereviews_open_due(now=due) == 0

    rereview = Revision.objects.filter(article=approved.article).order_by("-number").first()
    assert (rereview.number, rereview.status) == (approved.number + 1, ReviewStatus.SUBMITTED)
    assert rereview.bodies.get().body == approved.bodies.get().body
    event = AuditEvent.objects.get(action="re-review")
    assert event.revision == rereview
    assert Notification.objects.filter(event=event, recipient=colleague).exists()
    assert any("re-review" in m.subject for m in mailoutbox)


def test_rereview_task_takes_no_arguments_and_is_idempotent(
    editor, reviewer, second_reviewer, reach
):
    approved = reach(
        RevisionFactory(author=editor),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    approved.article.review_interval_months = 0
    approved.article.save(update_fields=["review_interval_months"])
    assert open_due_rereviews.delay().get() == 1
    assert open_due_rereviews.delay().get() == 0


def test_add_months_clamps_the_day():
    moment = timezone.now().replace(year=2026, month=1, day=31)
    assert months_later(moment, 1).date().isoformat() == "2026-02-28"
    assert months_later(moment, 24).year == 2028


def test_rereview_keeps_scores_and_pins_todays_reference_versions(
    editor, reviewer, second_reviewer, reach
):
    reference = ReferenceFactory(key="kim2013-loading")
    revision = RevisionFactory(author=editor, canonical_body="Load the tendon [@kim2013-loading].")
    audience_body_score(body_id=revision.bodies.get().pk)
    approved = reach(
        revision, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    workflow.article_publish(revision=approved, actor=editor)
    corrected = reference_version_create(
        reference=reference,
        actor=editor,
        type=reference.current_version.type,
        csl=reference.current_version.csl | {"volume": "42"},
        change_note="Erratum: volume corrected",
        status=ReferenceStatus.CORRECTED,
    ).version

    due = months_later(approved.approved_at, approved.article.review_interval_months)
    assert rereviews_open_due(now=due) == 1

    rereview = Revision.objects.get(article=approved.article, number=approved.number + 1)
    old_body, new_body = approved.bodies.get(), rereview.bodies.get()
    assert new_body.body == old_body.body
    assert (new_body.fk_grade, new_body.scored_hash) == (old_body.fk_grade, old_body.scored_hash)
    assert new_body.fk_grade is not None
    assert [c.version for c in rereview.citations.all()] == [corrected]
    assert [c.version.number for c in approved.citations.all()] == [1]


def _due_rereview(editor, reviewer, second_reviewer, reach, body: str):  # type: ignore[no-untyped-def]
    approved = reach(
        RevisionFactory(author=editor, canonical_body=body),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    workflow.article_publish(revision=approved, actor=editor)
    return approved, months_later(approved.approved_at, approved.article.review_interval_months)


def test_rereview_is_a_submission_html_stored_and_open_threads_moved(
    editor, reviewer, second_reviewer, reach
):
    approved, due = _due_rereview(
        editor, reviewer, second_reviewer, reach, "Rest the tendon. Take paracetamol for pain."
    )
    canonical = approved.bodies.get().audience
    thread = comments.comment_create(
        revision=approved,
        actor=editor,
        audience=canonical,
        quoted_text="Take paracetamol",
        offset=approved.bodies.get().body.index("Take paracetamol"),
        body="Give the maximum daily dose.",
    )

    assert rereviews_open_due(now=due) == 1

    rereview = Revision.objects.get(article=approved.article, number=approved.number + 1)
    assert rereview.status == ReviewStatus.SUBMITTED
    assert "paracetamol" in rereview.bodies.get().rendered_html
    thread.refresh_from_db()
    assert thread.revision == rereview  # the open thread follows its passage
    event = AuditEvent.objects.get(action="re-review")
    assert (event.actor, event.from_status, event.to_status) == (None, "draft", "submitted")


def test_rereview_refused_by_the_submission_guard_stays_a_draft_and_editors_hear_why(
    editor, reviewer, second_reviewer, reach, settings
):
    approved, due = _due_rereview(
        editor, reviewer, second_reviewer, reach, "Rest the tendon and take paracetamol."
    )
    # Since the approval, the site made readability above target block submission, and the
    # level's target dropped below this text's grade.
    settings.IMPRIMATUR_READABILITY_BLOCKS_SUBMISSION = True
    level = approved.bodies.get().audience
    level.target_grade = 1
    level.save(update_fields=["target_grade"])
    audience_body_score(body_id=approved.bodies.get().pk)

    assert rereviews_open_due(now=due) == 1
    assert rereviews_open_due(now=due) == 0  # the draft waits for the editors: nothing more

    draft = Revision.objects.get(article=approved.article, number=approved.number + 1)
    assert (draft.status, draft.submitted_at) == (ReviewStatus.DRAFT, None)
    event = AuditEvent.objects.get(action="re-review-blocked")
    assert event.revision == draft
    refusal = "Cannot submit: the Healthcare professional version reads at grade"
    assert f"It could not be submitted: {refusal}" in event.note
    assert not AuditEvent.objects.filter(action="re-review").exists()
