"""The approval policy: minimum approvals per topic, a required specialty, what never counts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import ReviewStatus
from articles.services import revision_create_draft
from editorial import workflow
from editorial.models import ApprovalPolicy, AuditEvent, BoardProfile
from editorial.policy import Policy, policy_for
from tests.factories import ArticleFactory, BoardMemberFactory, RevisionFactory, assign_ready


def _under_review(editor, reviewers, *, topic="Sports medicine"):  # type: ignore[no-untyped-def]
    revision = RevisionFactory(author=editor, article=ArticleFactory(topic=topic))
    workflow.revision_submit(revision=revision, actor=editor)
    for reviewer in reviewers:
        assign_ready(revision, editor=editor, reviewer=reviewer)
    revision.refresh_from_db()
    return revision


def _status(revision) -> str:  # type: ignore[no-untyped-def]
    revision.refresh_from_db()
    return revision.status


def test_default_comes_from_the_setting_then_from_the_rows(settings, db):
    settings.IMPRIMATUR_MIN_APPROVALS = 3
    article = ArticleFactory(topic="Cardiology")
    assert policy_for(article=article) == Policy(min_approvals=3)
    assert ApprovalPolicy.objects.create(topic="").min_approvals == 3
    ApprovalPolicy.objects.filter(topic="").update(min_approvals=1)
    ApprovalPolicy.objects.create(topic="cardiology", min_approvals=4, required_specialty="Cardio")
    assert policy_for(article=article) == Policy(4, "Cardio")
    assert policy_for(article=ArticleFactory(topic="Dermatology")) == Policy(1)


def test_a_topic_policy_of_one_approves_on_the_first_approval(editor, reviewer, second_reviewer):
    ApprovalPolicy.objects.create(topic="Sports medicine", min_approvals=1)
    revision = _under_review(editor, [reviewer, second_reviewer])
    other = _under_review(editor, [reviewer, second_reviewer], topic="Oncology")

    workflow.revision_approve(revision=revision, actor=reviewer)
    workflow.revision_approve(revision=other, actor=reviewer)

    assert _status(revision) == ReviewStatus.APPROVED
    assert _status(other) == ReviewStatus.UNDER_REVIEW  # the setting's 2 still applies there


def test_a_required_specialty_must_be_among_the_approvers(editor, reviewer, second_reviewer):
    ApprovalPolicy.objects.create(topic="", min_approvals=2, required_specialty="sports medicine")
    specialist = BoardMemberFactory()
    BoardProfile.objects.filter(user=specialist).update(specialty="Sports medicine")
    revision = _under_review(editor, [reviewer, second_reviewer, specialist])

    workflow.revision_approve(revision=revision, actor=reviewer)
    workflow.revision_approve(revision=revision, actor=second_reviewer)
    assert _status(revision) == ReviewStatus.UNDER_REVIEW
    assert "sports medicine approver missing" in AuditEvent.objects.first().note

    workflow.revision_approve(revision=revision, actor=specialist)
    assert _status(revision) == ReviewStatus.APPROVED


def test_a_decision_on_an_older_revision_counts_for_nothing(
    settings, editor, reviewer, second_reviewer
):
    settings.IMPRIMATUR_MIN_APPROVALS = 2
    older = _under_review(editor, [reviewer, second_reviewer])
    workflow.revision_approve(revision=older, actor=reviewer)
    workflow.revision_request_changes(revision=older, actor=editor, reason="Rewrite the intro.")
    newer = revision_create_draft(article=older.article, author=editor)
    workflow.revision_submit(revision=newer, actor=editor)
    assign_ready(newer, editor=editor, reviewer=reviewer)
    assign_ready(newer, editor=editor, reviewer=second_reviewer)

    workflow.revision_approve(revision=newer, actor=second_reviewer)

    assert _status(newer) == ReviewStatus.UNDER_REVIEW
    workflow.revision_approve(revision=newer, actor=reviewer)
    assert _status(newer) == ReviewStatus.APPROVED


def test_one_active_policy_per_topic_ignoring_case(db):
    ApprovalPolicy.objects.create(topic="Cardiology", min_approvals=2)
    ApprovalPolicy.objects.create(topic="cardiology", min_approvals=1, is_active=False)
    duplicate = ApprovalPolicy(topic="CARDIOLOGY", min_approvals=3)

    # The admin's validation says so in words before the database would refuse it.
    with pytest.raises(ValidationError, match="An active policy for this topic exists already"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_policy_needs_at_least_one_approval(db):
    with pytest.raises(IntegrityError):
        ApprovalPolicy.objects.create(topic="", min_approvals=0)


@pytest.mark.parametrize("needed", [1, 2, 3])
def test_the_revision_is_approved_exactly_on_the_policys_nth_approval(needed, editor):
    ApprovalPolicy.objects.create(topic="", min_approvals=needed)
    reviewers = [BoardMemberFactory() for _ in range(needed + 1)]
    revision = _under_review(editor, reviewers)
    for count, reviewer in enumerate(reviewers[:needed], start=1):
        assert _status(revision) == ReviewStatus.UNDER_REVIEW
        workflow.revision_approve(revision=revision, actor=reviewer)
        expected = ReviewStatus.APPROVED if count == needed else ReviewStatus.UNDER_REVIEW
        assert _status(revision) == expected
    assert AuditEvent.objects.filter(revision=revision, action="approve").count() == 1
