"""One guard per transition: what the API lists as blocked is what the action refuses, with the
same reasons; the workspace shows the same reasons beside a disabled button."""

import pytest
from django.urls import reverse

from articles.models import ReviewStatus
from editorial import comments, workflow
from editorial.models import AuditEvent, ReviewDecision
from tests.editorial.test_api import client_for, transition_url
from tests.factories import RevisionFactory

TEXT = "Rest the tendon. Take paracetamol for the pain, up to four times a day."


@pytest.fixture
def under_review_with_safety_comment(editor, reviewer, second_reviewer, reach):
    revision = reach(
        RevisionFactory(author=editor, canonical_body=TEXT),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    body = revision.bodies.get()
    comment = comments.comment_create(
        revision=revision,
        actor=reviewer,
        audience=body.audience,
        quoted_text="Take paracetamol",
        offset=body.body.index("Take paracetamol"),
        body="Say the maximum daily dose.",
        severity="safety",
    )
    return revision, comment


def _state(user, revision):  # type: ignore[no-untyped-def]
    url = reverse("api:article-transitions", kwargs={"pk": revision.article_id})
    response = client_for(user).get(url)
    assert response.status_code == 200, response.json()
    return response.json()


def test_transitions_list_approve_as_blocked_with_the_reason_the_post_refuses_with(
    under_review_with_safety_comment, second_reviewer
):
    revision, comment = under_review_with_safety_comment
    state = _state(second_reviewer, revision)

    assert "approve" not in state["allowed_transitions"]
    assert "request-changes" in state["allowed_transitions"]
    blocked = {t["name"]: t for t in state["blocked_transitions"]}
    listed = blocked["approve"]["reasons"]
    assert listed == [
        {
            "code": "safety-comment-open",
            "message": workflow.SAFETY_BLOCKS.format(comment=comment.label),
            "remedy": "An editor or the comment's author can resolve it.",
            "kind": "guard",
        }
    ]
    assert blocked["approve"]["display"] == "Approve"
    assert blocked["submit"]["reasons"][0]["code"] == "forbidden"

    events = AuditEvent.objects.count()
    response = client_for(second_reviewer).post(
        transition_url(revision, "approve"), {}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["reasons"] == listed
    assert AuditEvent.objects.count() == events
    assert not ReviewDecision.objects.filter(reviewer=second_reviewer).exists()


def test_resolving_the_comment_lifts_the_block(under_review_with_safety_comment, second_reviewer):
    revision, comment = under_review_with_safety_comment
    comments.comment_resolve(comment=comment, actor=comment.author)

    assert "approve" in _state(second_reviewer, revision)["allowed_transitions"]
    response = client_for(second_reviewer).post(
        transition_url(revision, "approve"), {}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == ReviewStatus.APPROVED


def test_review_page_shows_approve_disabled_with_the_reason_and_its_remedy(
    client, under_review_with_safety_comment, second_reviewer
):
    revision, _comment = under_review_with_safety_comment
    client.force_login(second_reviewer)

    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text

    assert 'disabled aria-describedby="blocked-approve">Approve</button>' in page
    assert (
        '<li data-reason="safety-comment-open">Cannot approve while the Safety comment by ' in page
    )
    assert '<span class="remedy">An editor or the comment&#x27;s author can resolve it.' in page


def test_submit_lists_every_missing_precondition_at_once(editor):
    draft = RevisionFactory(author=editor, canonical_body="")
    reasons = workflow.transition_blockers("submit", revision=draft, actor=editor)
    assert [r.code for r in reasons] == ["canonical-missing"]

    with pytest.raises(workflow.GuardFailed, match="Write the Healthcare professional version"):
        workflow.revision_submit(revision=draft, actor=editor)


def test_publishing_the_published_revision_again_is_refused_and_changes_nothing(editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    article = workflow.article_publish(revision=draft, actor=editor)
    published_at = article.published_at
    events = AuditEvent.objects.count()

    with pytest.raises(workflow.TransitionNotAllowed, match="already the one readers see"):
        workflow.article_publish(revision=draft, actor=editor)

    article.refresh_from_db()
    assert article.published_at == published_at
    assert AuditEvent.objects.count() == events


def test_each_refusal_of_a_person_reads_as_a_sentence(reviewer, draft):
    refused = {
        name: [
            r.message for r in workflow.transition_blockers(name, revision=draft, actor=reviewer)
        ]
        for name in (workflow.ASSIGN, workflow.REQUEST_CHANGES, workflow.SUBMIT)
    }
    assert refused == {
        # Were "You may not assign reviewer this revision" and "request changes this revision".
        workflow.ASSIGN: ["You may not assign a reviewer to this revision."],
        workflow.REQUEST_CHANGES: ["You may not request changes to this revision."],
        workflow.SUBMIT: ["You may not submit this revision."],
    }
