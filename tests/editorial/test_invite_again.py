"""The next round of review in one step: after changes are requested, the editors' new
revision is submitted with nobody reviewing it, and the board members who reviewed the last
round are invited to review it with one button (or one API request), each as the assign
transition invites one. Before, the editor invited them again one by one."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ReviewStatus
from articles.services import revision_create_draft
from editorial import review, workflow
from editorial.events import AuditAction
from editorial.models import AuditEvent, Notification, ReviewAssignment
from tests.editorial.test_api import API, client_for
from tests.factories import BoardMemberFactory, assign_ready


@pytest.fixture
def next_round(reach, draft, editor, reviewer, second_reviewer):  # type: ignore[no-untyped-def]
    """Revision 1 reviewed by Rhea and Ravi (accepted), Otto declined and Remy removed; Rhea
    requested changes. Revision 2, the editors' answer, is submitted: nobody reviews it."""
    declined = BoardMemberFactory(username="otto", first_name="Otto", last_name="Board")
    removed = BoardMemberFactory(username="remy", first_name="Remy", last_name="Board")
    workflow.revision_submit(revision=draft, actor=editor)
    for member in (second_reviewer, reviewer):
        assign_ready(draft, editor=editor, reviewer=member)
    review.assignment_decline(
        assignment=workflow.revision_assign_reviewer(
            revision=draft, actor=editor, reviewer=declined
        ),
        actor=declined,
        reason="Away",
    )
    review.assignment_remove(
        assignment=workflow.revision_assign_reviewer(
            revision=draft, actor=editor, reviewer=removed
        ),
        actor=editor,
    )
    workflow.revision_request_changes(revision=draft, actor=reviewer, reason="Cite the trial.")
    second = revision_create_draft(article=draft.article, author=editor)
    workflow.revision_submit(revision=second, actor=editor)
    second.refresh_from_db()
    assert second.status == ReviewStatus.SUBMITTED
    return second


def _key(html: str) -> str:
    marker = 'name="idempotency_key" value="'
    form = html[html.index('class="invite-again"') :]
    start = form.index(marker) + len(marker)
    return form[start : form.index('"', start)]


def test_the_last_rounds_reviewers_are_offered_and_invited_in_one_step(
    client, next_round, editor, reviewer, second_reviewer
):
    article_url = reverse("editorial:article", args=[next_round.article_id])
    assert list(workflow.last_round_reviewers(revision=next_round)) == [reviewer, second_reviewer]
    client.force_login(editor)
    page = client.get(article_url).text
    assert "Reviewed the last round: Rhea Reviewer, Ravi Second." in page  # not Otto, not Remy
    events = AuditEvent.objects.count()

    answer = client.post(
        reverse("editorial:invite_again", args=[next_round.article_id]),
        {"idempotency_key": _key(page)},
        follow=True,
    )

    assert answer.redirect_chain == [(article_url, 302)]
    assert "Invited to review revision 2: Rhea Reviewer, Ravi Second." in answer.text
    invited = ReviewAssignment.objects.filter(revision=next_round).order_by("reviewer__last_name")
    assert [(a.reviewer, a.state, a.due_date) for a in invited] == [
        (reviewer, "invited", timezone.localdate() + timedelta(days=14)),
        (second_reviewer, "invited", timezone.localdate() + timedelta(days=14)),
    ]
    next_round.refresh_from_db()
    assert next_round.status == ReviewStatus.UNDER_REVIEW
    # Each invited as the assign transition invites one: its event, and they are told.
    assigned = AuditEvent.objects.filter(action=AuditAction.ASSIGN, revision=next_round)
    assert AuditEvent.objects.count() == events + 2
    assert {e.subject_user for e in assigned} == {reviewer, second_reviewer}
    told = Notification.objects.filter(event__in=assigned).values_list("recipient", flat=True)
    assert sorted(told) == sorted([reviewer.pk, second_reviewer.pk])
    assert 'class="invite-again"' not in answer.text  # nobody left to invite again
    # Each accepts and declares for the new revision: nothing is carried over.
    assert not workflow.has_declared(revision=next_round, reviewer=reviewer)


def test_sent_twice_it_invites_once_and_a_later_request_is_told_why_not(client, next_round, editor):
    client.force_login(editor)
    key = _key(client.get(reverse("editorial:article", args=[next_round.article_id])).text)
    url = reverse("editorial:invite_again", args=[next_round.article_id])
    client.post(url, {"idempotency_key": key})
    events = AuditEvent.objects.count()

    again = client.post(url, {"idempotency_key": key}, follow=True)
    assert "The reviewers of the last round are invited to review revision 2." in again.text
    fresh = client.post(url, {"idempotency_key": "another-key-0001"}, follow=True)
    assert workflow.NOBODY_TO_INVITE_AGAIN in fresh.text
    assert AuditEvent.objects.count() == events
    assert ReviewAssignment.objects.filter(revision=next_round).count() == 2


def test_only_who_may_still_review_is_offered(next_round, reviewer, second_reviewer):
    second_reviewer.is_active = False
    second_reviewer.save(update_fields=["is_active"])
    assert list(workflow.last_round_reviewers(revision=next_round)) == [reviewer]
    # A first revision, or one whose article nobody reviewed, offers nobody.
    first = next_round.article.revisions.get(number=1)
    assert list(workflow.last_round_reviewers(revision=first)) == []


def test_a_board_member_may_not_invite_and_nothing_is_done(client, next_round, reviewer):
    client.force_login(reviewer)
    answer = client.post(
        reverse("editorial:invite_again", args=[next_round.article_id]),
        {"idempotency_key": "board-member-0001"},
        follow=True,
    )
    # Rhea reads the article (she reviewed revision 1): the guard's refusal is said.
    assert answer.redirect_chain[-1][1] == 302
    assert "You may not assign a reviewer to this revision." in answer.text
    assert not ReviewAssignment.objects.filter(revision=next_round).exists()
    with pytest.raises(workflow.ActionForbidden):
        workflow.revision_invite_reviewers_again(revision=next_round, actor=reviewer)


def test_the_api_invites_them_once_per_key_and_answers_with_the_reviewers(
    next_round, editor, reviewer, second_reviewer
):
    url = f"{API}/assignments/invite-again/"
    headers = {"Idempotency-Key": "invite-again-0001"}
    client = client_for(editor)

    answers = [
        client.post(url, {"revision": next_round.pk}, format="json", headers=headers)
        for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(a["reviewer"]["id"] for a in answers[0].json()) == sorted(
        [reviewer.pk, second_reviewer.pk]
    )
    assert ReviewAssignment.objects.filter(revision=next_round).count() == 2
    refused = client.post(url, {"revision": next_round.pk}, format="json")
    assert (refused.status_code, refused.json()["detail"]) == (400, workflow.NOBODY_TO_INVITE_AGAIN)
    board = client_for(reviewer).post(url, {"revision": next_round.pk}, format="json")
    assert (board.status_code, board.json()["detail"]) == (
        403,
        "You may not assign a reviewer to this revision.",
    )
