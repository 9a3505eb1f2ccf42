"""Unpublishing: the workflow action, the workspace form, the API, the public page and search."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from articles.models import Article, ReviewStatus, Revision
from editorial import workflow
from editorial.models import AuditEvent, Notification, ReviewDecision
from editorial.workspace.transitions import UNPUBLISHED
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, UserFactory

TITLE = "Does plantar fasciitis heal on its own?"
BODY = "Most heel pain settles within a year with stretching and graded loading."
EXPLANATION = (
    "Takes the article off the public site; its revisions and reviews stay. You can publish again."
)


def _published(author, *, actor=None) -> Revision:  # type: ignore[no-untyped-def]
    revision = RevisionFactory(
        author=author, last_edited_by=author, canonical_body=BODY, article__title=TITLE
    )
    workflow.revision_submit(revision=revision, actor=actor or author)
    workflow.article_publish(revision=revision, actor=actor or author)
    revision.refresh_from_db()
    return revision


def _article_url(revision: Revision) -> str:
    return reverse("editorial:article", kwargs={"pk": revision.article_id})


def _unpublish_url(revision: Revision) -> str:
    return reverse(
        "editorial:transition", kwargs={"pk": revision.article_id, "name": workflow.UNPUBLISH}
    )


def _api_url(revision: Revision, name: str = "") -> str:
    return f"/api/v1/articles/{revision.article_id}/transitions/{name + '/' if name else ''}"


def _messages(response, level: str) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(rf'class="message message-{level}"[^>]*>([^<]*)<', response.text)


def _buttons(html: str) -> list[str]:
    return re.findall(r'data-transition="([^"]+)"', html)


def _published_revision_id(revision: Revision) -> int | None:
    return Article.objects.values_list("published_revision", flat=True).get(pk=revision.article_id)


# --- the workflow action ---------------------------------------------------------------------


def test_unpublish_keeps_revisions_and_reviews_and_writes_one_event(
    editor, reviewer, second_reviewer, reach
):
    revision = reach(
        RevisionFactory(author=editor, canonical_body=BODY),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    workflow.article_publish(revision=revision, actor=editor)
    decisions = ReviewDecision.objects.filter(revision=revision).count()
    events = AuditEvent.objects.count()

    article = workflow.run_action(
        workflow.UNPUBLISH, revision=revision, actor=editor, note="Dose table under correction."
    )

    assert isinstance(article, Article)
    article.refresh_from_db()
    assert (article.published_revision_id, article.published_at) == (None, None)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED
    assert ReviewDecision.objects.filter(revision=revision).count() == decisions
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.first()
    assert (event.action, event.actor, event.revision, event.note) == (
        "unpublish",
        editor,
        revision,
        "Dose table under correction.",
    )
    # Published again later, from the same approved revision.
    assert workflow.transitions_available(revision=revision, actor=editor) == ["publish"]


def test_unpublish_is_refused_with_the_state_when_not_published(editor, draft):
    with pytest.raises(workflow.TransitionNotAllowed, match=workflow.NOT_PUBLISHED) as refused:
        workflow.run_action(workflow.UNPUBLISH, revision=draft, actor=editor)

    assert refused.value.status == ReviewStatus.DRAFT
    assert refused.value.allowed == ["submit"]
    assert workflow.UNPUBLISH not in workflow.transitions_available(revision=draft, actor=editor)


def test_unpublish_tells_the_editors_who_own_the_text_not_the_actor(
    editor, mailoutbox, django_capture_on_commit_callbacks
):
    author = EditorFactory()
    revision = _published(author)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_unpublish(article=revision.article, actor=editor)

    assert [m.to for m in mailoutbox] == [[author.email]]
    assert mailoutbox[0].subject == f"[Imprimatur] {TITLE}: unpublished"
    notification = Notification.objects.get(event__action="unpublish")
    assert notification.recipient == author


# --- the workspace ---------------------------------------------------------------------------


def test_editor_unpublishes_from_the_article_page_and_the_page_is_gone_at_once(
    client, editor, django_capture_on_commit_callbacks
):
    revision = _published(editor)
    public_url = revision.article.get_absolute_url()
    reader = Client()
    assert reader.get(public_url).status_code == 200  # now in the page cache
    assert reader.get(public_url).status_code == 200
    client.force_login(editor)

    page = client.get(_article_url(revision))
    assert EXPLANATION in page.text
    assert _buttons(page.text) == ["assign-reviewer", "withdraw", "unpublish"]
    assert f'action="{_unpublish_url(revision)}"' in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _unpublish_url(revision), {"note": "Guideline changed last week."}, follow=True
        )

    assert response.redirect_chain == [(_article_url(revision), 302)]
    assert _messages(response, "success") == [UNPUBLISHED]
    assert "Not published: readers cannot see this article." in response.text
    assert f"Publish above makes revision {revision.number} public." in response.text
    assert _buttons(response.text) == ["assign-reviewer", "withdraw", "publish"]  # again
    assert _published_revision_id(revision) is None
    assert AuditEvent.objects.first().note == "Guideline changed last week."
    assert reader.get(public_url).status_code == 404
    assert reader.get(public_url, {"audience": "patient"}).status_code == 404


def test_search_no_longer_finds_an_unpublished_article(
    client, editor, django_capture_on_commit_callbacks
):
    revision = _published(editor)
    reader = Client()
    assert TITLE in reader.get("/", {"q": "plantar fasciitis"}).text
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_unpublish_url(revision))

    assert TITLE not in reader.get("/", {"q": "plantar fasciitis"}).text
    assert TITLE not in reader.get("/").text


def test_unpublishing_an_unpublished_article_is_refused_with_a_message(client, editor, draft):
    client.force_login(editor)
    events = AuditEvent.objects.count()

    response = client.post(_unpublish_url(draft), follow=True)

    assert _messages(response, "error") == [workflow.NOT_PUBLISHED]
    assert AuditEvent.objects.count() == events
    assert "Not published: readers cannot see this article." in response.text
    assert "unpublish" not in _buttons(response.text)


def test_assigned_board_member_sees_no_form_and_is_refused(
    client, editor, reviewer, second_reviewer, reach
):
    revision = reach(
        RevisionFactory(author=editor, canonical_body=BODY),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[second_reviewer, reviewer],
    )
    workflow.article_publish(revision=revision, actor=editor)
    client.force_login(reviewer)

    page = client.get(_article_url(revision))
    response = client.post(_unpublish_url(revision), follow=True)

    assert page.status_code == 200
    assert "unpublish" not in _buttons(page.text)
    assert EXPLANATION not in page.text
    assert _messages(response, "error") == [workflow.FORBIDDEN.format(action="unpublish")]
    assert _published_revision_id(revision) == revision.pk


@pytest.mark.parametrize("role", ["unassigned board member", "reader"])
def test_others_get_404_and_change_nothing(role, client, editor):
    revision = _published(editor)
    outsider = BoardMemberFactory() if role == "unassigned board member" else UserFactory()
    client.force_login(outsider)

    assert client.get(_article_url(revision)).status_code == 404
    assert client.post(_unpublish_url(revision)).status_code == 404
    assert _published_revision_id(revision) == revision.pk


def test_anonymous_unpublish_goes_to_login(client, editor):
    revision = _published(editor)

    response = client.post(_unpublish_url(revision))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert _published_revision_id(revision) == revision.pk


# --- the API ---------------------------------------------------------------------------------


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    api = APIClient()
    api.force_login(user)
    return api


def test_api_lists_unpublish_only_when_published_and_allowed(editor, reviewer, draft):
    assert "unpublish" not in _api(editor).get(_api_url(draft)).json()["allowed_transitions"]
    revision = _published(editor)
    workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    revision.refresh_from_db()

    listed = _api(editor).get(_api_url(revision)).json()["allowed_transitions"]
    assert listed == workflow.transitions_available(revision=revision, actor=editor)
    assert listed[-1] == "unpublish"
    assert "unpublish" not in _api(reviewer).get(_api_url(revision)).json()["allowed_transitions"]


def test_api_unpublish_answers_200_with_the_new_state(editor, django_capture_on_commit_callbacks):
    revision = _published(editor)
    public_url = revision.article.get_absolute_url()
    assert Client().get(public_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = _api(editor).post(
            _api_url(revision, "unpublish"), {"note": "Withdrawn for correction."}, format="json"
        )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["article"]["published_revision"] is None
    assert body["revision"] == revision.pk
    assert body["status"] == ReviewStatus.SUBMITTED
    assert "unpublish" not in body["allowed_transitions"]
    assert "publish" in body["allowed_transitions"]
    assert AuditEvent.objects.first().note == "Withdrawn for correction."
    assert Client().get(public_url).status_code == 404


def test_api_unpublish_when_not_published_is_409_with_the_state(editor, draft):
    events = AuditEvent.objects.count()

    response = _api(editor).post(_api_url(draft, "unpublish"), format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": workflow.NOT_PUBLISHED,
        "reasons": [
            {
                "code": "not-published",
                "message": workflow.NOT_PUBLISHED,
                "remedy": "",
                "kind": "state",
            }
        ],
        "current_status": "draft",
        "allowed_transitions": ["submit"],
    }
    assert AuditEvent.objects.count() == events


def test_api_unpublish_by_a_reviewer_is_403(editor, reviewer):
    revision = _published(editor)
    workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)

    response = _api(reviewer).post(_api_url(revision, "unpublish"), format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == workflow.FORBIDDEN.format(action="unpublish")
    assert _published_revision_id(revision) == revision.pk
