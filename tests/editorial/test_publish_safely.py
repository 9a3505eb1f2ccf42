"""Publishing safely: a confirmation that says what readers will get, and a reason (kept in the
audit trail) to put a revision that is not approved over an approved one, by the roles the
setting names."""

import pytest
from django.urls import reverse

from articles.models import Article, ReviewStatus
from articles.services import revision_create_draft
from editorial import workflow
from editorial.models import AuditEvent
from tests.editorial.test_api import client_for, transition_url
from tests.factories import RevisionFactory


@pytest.fixture
def approved_live(editor, reviewer, second_reviewer, reach):
    approved = reach(
        RevisionFactory(author=editor),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    workflow.article_publish(revision=approved, actor=editor)
    draft = revision_create_draft(article=approved.article, author=editor)
    newer = workflow.revision_submit(revision=draft, actor=editor)
    return approved, newer


def test_the_confirmation_says_what_readers_will_get_and_publishes_nothing(client, editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    client.force_login(editor)
    url = reverse("editorial:publish_confirm", args=[draft.article_id])

    page = client.get(url).text

    assert f"Publish revision {draft.number}?" in page
    assert "Nothing: the article is not published" in page
    assert "Not approved yet: the public page will carry the caution banner" in page
    assert Article.objects.get(pk=draft.article_id).published_revision is None
    done = client.post(url, {"note": ""})
    assert done.status_code == 302
    assert Article.objects.get(pk=draft.article_id).published_revision_id == draft.pk


def test_replacing_an_approved_revision_needs_a_reason_which_the_audit_trail_keeps(
    client, editor, approved_live
):
    approved, newer = approved_live
    client.force_login(editor)
    url = reverse("editorial:publish_confirm", args=[approved.article_id])
    page = client.get(url).text
    assert f"This takes approved revision {approved.number} off the public page." in page

    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 400
    assert f"Readers see approved revision {approved.number}: say why" in refused.text
    assert 'aria-describedby="publish-note-error"' in refused.text  # said at the field
    assert Article.objects.get(pk=approved.article_id).published_revision_id == approved.pk

    client.post(url, {"note": "The dose table was wrong; corrected text pending review."})
    assert Article.objects.get(pk=approved.article_id).published_revision_id == newer.pk
    event = AuditEvent.objects.filter(action="publish").first()
    assert event.note == (
        f"Replaced approved revision {approved.number} with revision {newer.number}, not "
        "approved: The dose table was wrong; corrected text pending review."
    )


def test_only_the_roles_the_setting_names_may_replace_an_approved_revision(
    settings, editor, approved_live
):
    settings.IMPRIMATUR_REPLACE_APPROVED_GROUPS = ["Chief editors"]
    approved, newer = approved_live
    response = client_for(editor).post(
        transition_url(newer, "publish"), {"note": "Urgent"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["reasons"][0]["code"] == "replace-approved-forbidden"
    assert Article.objects.get(pk=approved.article_id).published_revision_id == approved.pk

    state = (
        client_for(editor)
        .get(reverse("api:article-transitions", kwargs={"pk": approved.article_id}))
        .json()
    )
    assert "publish" not in state["allowed_transitions"]


def test_the_api_asks_the_same_reason(editor, approved_live):
    _approved, newer = approved_live
    refused = client_for(editor).post(transition_url(newer, "publish"), {}, format="json")
    assert refused.status_code == 400
    assert "say why this one, not approved, replaces it" in refused.json()["detail"]
    done = client_for(editor).post(
        transition_url(newer, "publish"), {"note": "Safety correction"}, format="json"
    )
    assert done.status_code == 200
