"""The content admin goes through the content services: an article added there has its first
revision, a draft's body is saved by revision_edit, a submitted revision's body is only shown."""

import pytest
from django.urls import reverse

from articles.models import (
    Article,
    AudienceBody,
    AudienceLevel,
    FollowUpQuestion,
    OutboxMessage,
    ReviewStatus,
    Revision,
)
from articles.questions import QUESTION_STATE_NOT_ALLOWED, follow_up_question_create
from articles.references.citing import UNKNOWN_CITATIONS
from articles.services import STALE_EDIT, body_fingerprint, revision_edit
from editorial import workflow
from tests.factories import RevisionFactory

NEW_TEXT = "Rest for two days, then load the tendon a little more each week."


def _change_url(body: AudienceBody) -> str:
    return reverse("admin:articles_audiencebody_change", args=[body.pk])


@pytest.fixture
def canonical(db) -> AudienceLevel:
    return AudienceLevel.objects.get(is_canonical=True)


def test_a_submitted_revisions_body_is_shown_read_only(
    admin_client, draft, editor, reviewer, reach
):
    revision = reach(draft, ReviewStatus.SUBMITTED, editor=editor, reviewers=[reviewer])
    body = revision.bodies.get()

    page = admin_client.get(_change_url(body))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert not page.context["has_delete_permission"]
    assert 'name="body"' not in page.text
    assert body.body in page.text


@pytest.mark.parametrize("action", ["change", "delete"])
def test_a_crafted_post_does_not_change_a_submitted_revisions_body(
    action, admin_client, draft, editor, reviewer, reach
):
    revision = reach(draft, ReviewStatus.SUBMITTED, editor=editor, reviewers=[reviewer])
    body = revision.bodies.get()
    url = reverse(f"admin:articles_audiencebody_{action}", args=[body.pk])

    answer = admin_client.post(url, {"body": NEW_TEXT, "seen": "", "post": "yes"})

    assert answer.status_code == 403
    assert AudienceBody.objects.get(pk=body.pk).body == body.body


def test_no_body_can_be_added_to_a_submitted_revision(admin_client, draft, editor, reviewer, reach):
    revision = reach(draft, ReviewStatus.SUBMITTED, editor=editor, reviewers=[reviewer])
    patient = AudienceLevel.objects.get(slug="patient")

    answer = admin_client.post(
        reverse("admin:articles_audiencebody_add"),
        {"revision": revision.pk, "audience": patient.pk, "body": NEW_TEXT},
    )

    assert answer.status_code == 200
    assert "revision" in answer.context["adminform"].form.errors
    assert not revision.bodies.filter(audience=patient).exists()


def test_a_drafts_body_edited_in_the_admin_is_saved_by_revision_edit(
    admin_client, admin_user, draft, django_capture_on_commit_callbacks
):
    body = draft.bodies.get()
    page = admin_client.get(_change_url(body))
    assert page.context["has_change_permission"]

    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(
            _change_url(body), {"body": NEW_TEXT, "seen": body_fingerprint(body)}
        )

    assert answer.status_code == 302
    body.refresh_from_db()
    assert body.body == NEW_TEXT
    assert body.fk_grade is not None  # scored after commit, as the service does it
    draft.refresh_from_db()
    assert draft.last_edited_by == admin_user


def test_an_unknown_citation_is_refused_with_the_services_message(admin_client, draft):
    body = draft.bodies.get()

    answer = admin_client.post(
        _change_url(body), {"body": f"{NEW_TEXT} [@nope]", "seen": body_fingerprint(body)}
    )

    assert answer.status_code == 200
    form = answer.context["adminform"].form
    assert form.non_field_errors() == [UNKNOWN_CITATIONS.format(keys="nope")]
    assert AudienceBody.objects.get(pk=body.pk).body == body.body


def test_a_body_changed_since_the_form_was_shown_is_not_overwritten(
    admin_client, draft, editor, canonical
):
    body = draft.bodies.get()
    seen = body_fingerprint(body)
    revision_edit(revision=draft, editor=editor, bodies={canonical: "Their newer text."})

    answer = admin_client.post(_change_url(body), {"body": NEW_TEXT, "seen": seen})

    assert answer.status_code == 200
    assert answer.context["adminform"].form.non_field_errors() == [
        STALE_EDIT.format(levels=canonical.label, editor=editor)
    ]
    assert AudienceBody.objects.get(pk=body.pk).body == "Their newer text."


def test_a_body_added_to_a_draft_goes_through_revision_edit(admin_client, admin_user, draft):
    patient = AudienceLevel.objects.get(slug="patient")

    answer = admin_client.post(
        reverse("admin:articles_audiencebody_add"),
        {"revision": draft.pk, "audience": patient.pk, "body": f"  {NEW_TEXT}\r\n", "seen": ""},
    )

    assert answer.status_code == 302, answer.context and answer.context["errors"]
    added = draft.bodies.get(audience=patient)
    assert added.body == NEW_TEXT
    assert added.canonical_hash  # written against the canonical text, as the service records
    draft.refresh_from_db()
    assert draft.last_edited_by == admin_user


def test_a_drafts_body_removed_in_the_admin_goes_through_revision_edit(
    admin_client, admin_user, draft
):
    patient = AudienceLevel.objects.get(slug="patient")
    revision_edit(revision=draft, editor=draft.author, bodies={patient: NEW_TEXT})
    body = draft.bodies.get(audience=patient)

    answer = admin_client.post(
        reverse("admin:articles_audiencebody_delete", args=[body.pk]), {"post": "yes"}
    )

    assert answer.status_code == 302
    assert not draft.bodies.filter(audience=patient).exists()
    draft.refresh_from_db()
    assert draft.last_edited_by == admin_user


def test_bulk_deletion_spares_a_submitted_revisions_body(
    admin_client, draft, editor, reviewer, reach
):
    submitted = reach(draft, ReviewStatus.SUBMITTED, editor=editor, reviewers=[reviewer])
    other = RevisionFactory(author=editor)
    selected = [submitted.bodies.get().pk, other.bodies.get().pk]

    answer = admin_client.post(
        reverse("admin:articles_audiencebody_changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )

    assert answer.status_code == 403
    assert AudienceBody.objects.filter(pk__in=selected).count() == 2


def test_the_revision_picker_for_a_new_body_offers_drafts_only(
    admin_client, draft, editor, reviewer, reach
):
    other = RevisionFactory(author=editor)
    reach(draft, ReviewStatus.SUBMITTED, editor=editor, reviewers=[reviewer])

    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "audiencebody", "field_name": "revision"},
    )

    assert [int(result["id"]) for result in found.json()["results"]] == [other.pk]


def test_revisions_are_started_and_changed_elsewhere(admin_client, draft, editor, reviewer, reach):
    revision = reach(draft, ReviewStatus.SUBMITTED, editor=editor, reviewers=[reviewer])
    change = reverse("admin:articles_revision_change", args=[revision.pk])
    delete = reverse("admin:articles_revision_delete", args=[revision.pk])

    assert admin_client.get(reverse("admin:articles_revision_add")).status_code == 403
    page = admin_client.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    crafted = {"change_summary": "Rewritten", "status": "approved", "number": 7}
    assert admin_client.post(change, crafted).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    kept = Revision.objects.get(pk=revision.pk)
    assert (kept.change_summary, kept.status, kept.number) == (
        revision.change_summary,
        ReviewStatus.SUBMITTED,
        revision.number,
    )


def test_an_article_added_in_the_admin_has_its_first_revision(
    admin_client, admin_user, client, editor
):
    answer = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "slug": "does-ice-help",
            "title": "Does ice help a sprained ankle?",
            "topic": "Sports medicine",
            "review_interval_months": 12,
        },
    )

    assert answer.status_code == 302, answer.context and answer.context["errors"]
    article = Article.objects.get(slug="does-ice-help")
    assert article.review_interval_months == 12
    first = article.revisions.get()
    assert (first.number, first.status, first.author) == (1, ReviewStatus.DRAFT, admin_user)
    client.force_login(editor)
    assert client.get(reverse("editorial:article_edit", args=[article.pk])).status_code == 200


def test_an_article_posted_back_unchanged_keeps_its_last_modified(admin_client, draft):
    article = draft.article
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        "slug": article.slug,
        "title": article.title,
        "topic": article.topic,
        "review_interval_months": article.review_interval_months,
        "revisions-TOTAL_FORMS": 1,
        "revisions-INITIAL_FORMS": 1,
        "revisions-0-id": draft.pk,
        "revisions-0-article": article.pk,
    }

    assert admin_client.post(change, data).status_code == 302
    assert Article.objects.get(pk=article.pk).updated_at == article.updated_at


@pytest.fixture
def question(draft, canonical) -> FollowUpQuestion:
    return follow_up_question_create(
        article=draft.article, audience=canonical, question="Is ice better than heat?"
    )


def test_a_question_is_marked_through_the_questions_service(admin_client, admin_user, question):
    change = reverse("admin:articles_followupquestion_change", args=[question.pk])

    assert admin_client.post(change, {"state": "answered"}).status_code == 302
    question.refresh_from_db()
    assert (question.state, question.state_changed_by) == ("answered", admin_user)
    assert question.state_changed_at is not None

    refused = admin_client.post(change, {"state": "spam"})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors() == [
        QUESTION_STATE_NOT_ALLOWED.format(state="answered", target="spam")
    ]
    assert FollowUpQuestion.objects.get(pk=question.pk).state == "answered"
    assert admin_client.get(reverse("admin:articles_followupquestion_add")).status_code == 403


def test_what_the_code_keeps_is_not_deleted_in_the_admin(
    admin_client, draft, editor, reviewer, second_reviewer, reach
):
    revision = reach(
        draft, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    article = workflow.article_publish(revision=revision, actor=editor)
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True).first()
    assert unsent is not None  # what follows the commit, which a test never makes
    kept = [
        ("articles_article", article.pk),
        ("articles_articlesearchdocument", article.pk),
        ("articles_outboxmessage", unsent.pk),
    ]

    for name, pk in kept:
        answer = admin_client.post(reverse(f"admin:{name}_delete", args=[pk]), {"post": "yes"})
        assert answer.status_code == 403, name
    assert Article.objects.filter(pk=article.pk, search_document__isnull=False).exists()
    assert OutboxMessage.objects.filter(pk=unsent.pk).exists()
