"""Deciding: a confirmation that says what the decision does, an optional note (a reason to
request changes), and a note for the editors only."""

from django.urls import reverse

from articles.models import ReviewStatus
from editorial import workflow
from editorial.models import AuditEvent, ReviewDecision
from tests.factories import RevisionFactory, assign_ready

SECRET = "Between us: the first author consults for the device maker."


def _under_review(editor, reviewers):  # type: ignore[no-untyped-def]
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    for reviewer in reviewers:
        assign_ready(revision, editor=editor, reviewer=reviewer)
    revision.refresh_from_db()
    return revision


def test_the_confirmation_says_what_an_approval_does(client, editor, reviewer, second_reviewer):
    revision = _under_review(editor, [reviewer, second_reviewer])
    url = reverse("editorial:decide", args=[revision.pk, "approve"])

    client.force_login(reviewer)
    first = client.get(url).text
    assert "This is the 1st of 2 approvals needed: the revision stays under review" in first
    client.post(url, {"note": "Accurate."})

    client.force_login(second_reviewer)
    second = client.get(url).text
    assert (
        f"This is the 2nd of 2 approvals needed: revision {revision.number} becomes Approved"
        in second
    )
    assert ReviewDecision.objects.count() == 1  # asking does not decide


def test_a_note_for_the_editors_reaches_only_the_editors(client, editor, reviewer, second_reviewer):
    revision = _under_review(editor, [reviewer, second_reviewer])
    client.force_login(reviewer)
    response = client.post(
        reverse("editorial:decide", args=[revision.pk, "approve"]),
        {"note": "Accurate and well sourced.", "editors_note": SECRET},
    )
    assert response.status_code == 302
    decision = ReviewDecision.objects.get(reviewer=reviewer)
    assert (decision.reason, decision.editors_note) == ("Accurate and well sourced.", SECRET)
    assert not AuditEvent.objects.filter(note__contains="first author consults").exists()

    article_page = reverse("editorial:article", args=[revision.article_id])
    client.force_login(editor)
    assert SECRET in client.get(article_page).text
    client.force_login(second_reviewer)
    assert "Accurate and well sourced." in client.get(article_page).text
    assert SECRET not in client.get(article_page).text
    decisions = client.get(reverse("api:decision-list")).json()
    assert SECRET not in str(decisions)


def test_requesting_changes_needs_a_reason_and_keeps_what_was_written(
    client, editor, reviewer, second_reviewer
):
    revision = _under_review(editor, [reviewer, second_reviewer])
    client.force_login(reviewer)
    url = reverse("editorial:decide", args=[revision.pk, "request-changes"])
    assert "goes back to its editors with your reason" in client.get(url).text

    refused = client.post(url, {"note": " ", "editors_note": SECRET})
    assert refused.status_code == 400
    assert "a reason is required" in refused.text
    assert SECRET in refused.text  # kept in the form
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.UNDER_REVIEW


def test_a_blocked_decision_shows_why_instead_of_a_form(client, editor, reviewer, second_reviewer):
    revision = _under_review(editor, [reviewer, second_reviewer])
    workflow.revision_approve(revision=revision, actor=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("editorial:decide", args=[revision.pk, "approve"])).text
    assert '<li data-reason="already-decided">' in page
    assert "Confirm: approve" not in page
