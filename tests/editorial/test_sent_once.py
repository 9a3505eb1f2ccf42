"""A form sent twice (a double click, a browser's retry) acts once: each rendering carries a
key (editorial.idempotency), and the second request with it is answered as the first was,
without a second comment, publication, audit event or round of notifications."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from articles.models import Article, AudienceLevel, OutboxMessage
from editorial import comments, workflow
from editorial.events import AuditAction
from editorial.idempotency import KEY_REUSED
from editorial.models import AuditEvent, ReviewComment
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, assign_ready

TEXT = "Rest, ice and graded loading help most people recover."


def form_key(html: str) -> str:
    found = re.findall(r'name="idempotency_key" value="([^"]+)"', html)
    assert found, "the form carries its key"
    return found[0]


def ready(editor, reviewer):  # type: ignore[no-untyped-def]
    revision = workflow.revision_submit(
        revision=RevisionFactory(author=editor, canonical_body=TEXT), actor=editor
    )
    assign_ready(revision, editor=editor, reviewer=reviewer)
    return revision


def comment_data(key: str) -> dict[str, object]:
    return {
        "audience": AudienceLevel.objects.get(is_canonical=True).pk,
        "quoted_text": "graded loading",
        "severity": "accuracy",
        "body": "Say how graded.",
        "idempotency_key": key,
    }


def test_a_comment_sent_twice_is_stored_once_and_both_answers_show_it(client, editor, reviewer):
    revision = ready(editor, reviewer)
    client.force_login(reviewer)
    review = reverse("editorial:review", kwargs={"pk": revision.pk})
    key = form_key(client.get(review).text)
    url = reverse("editorial:comment_create", kwargs={"pk": revision.pk})

    first = client.post(url, comment_data(key), follow=True)
    second = client.post(url, comment_data(key), follow=True)

    comment = ReviewComment.objects.get(revision=revision)
    assert (
        first.redirect_chain == second.redirect_chain == [(f"{review}#comment-{comment.pk}", 302)]
    )
    assert "Comment added." in first.text
    assert "Comment added." in second.text
    assert AuditEvent.objects.filter(revision=revision, action=AuditAction.COMMENT).count() == 1


def test_a_comment_sent_twice_with_htmx_answers_with_the_same_thread(client, editor, reviewer):
    revision = ready(editor, reviewer)
    client.force_login(reviewer)
    url = reverse("editorial:comment_create", kwargs={"pk": revision.pk})
    data = comment_data("double-click-0001")

    answers = [client.post(url, data, HTTP_HX_REQUEST="true") for _ in range(2)]

    comment = ReviewComment.objects.get(revision=revision)
    for answer in answers:
        assert answer.status_code == 200
        assert f'id="comment-{comment.pk}"' in answer.text


def test_each_rendering_of_the_form_has_its_own_key(client, editor, reviewer):
    revision = ready(editor, reviewer)
    client.force_login(reviewer)
    review = reverse("editorial:review", kwargs={"pk": revision.pk})
    assert form_key(client.get(review).text) != form_key(client.get(review).text)
    url = reverse("editorial:comment_create", kwargs={"pk": revision.pk})
    client.post(url, comment_data(form_key(client.get(review).text)))
    client.post(url, comment_data(form_key(client.get(review).text)))
    assert ReviewComment.objects.filter(revision=revision).count() == 2  # two comments meant


def test_publish_sent_twice_publishes_once_and_both_answers_say_so(client, editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    client.force_login(editor)
    url = reverse("editorial:publish_confirm", args=[draft.article_id])
    key = form_key(client.get(url).text)
    outbox_before = OutboxMessage.objects.count()

    first = client.post(url, {"note": "", "idempotency_key": key}, follow=True)
    outbox_after_first = OutboxMessage.objects.count()
    second = client.post(url, {"note": "", "idempotency_key": key}, follow=True)

    article_page = reverse("editorial:article", kwargs={"pk": draft.article_id})
    assert first.redirect_chain == second.redirect_chain == [(article_page, 302)]
    done = f"Publish: done for revision {draft.number}."
    assert done in first.text
    assert done in second.text
    assert AuditEvent.objects.filter(revision=draft, action=AuditAction.PUBLISH).count() == 1
    assert outbox_after_first > outbox_before  # the notifications of the one publication
    assert OutboxMessage.objects.count() == outbox_after_first


def test_a_refused_publish_records_nothing_so_sending_again_retries(client, editor, draft):
    """Refused (a draft cannot be published), then sent again once it is submitted."""
    client.force_login(editor)
    url = reverse("editorial:publish_confirm", args=[draft.article_id])
    refused = client.post(url, {"idempotency_key": "sent-while-draft"})
    assert refused.status_code == 400
    workflow.revision_submit(revision=draft, actor=editor)

    assert client.post(url, {"idempotency_key": "sent-while-draft"}).status_code == 302
    assert AuditEvent.objects.filter(revision=draft, action=AuditAction.PUBLISH).count() == 1


def test_a_key_sent_for_another_action_is_refused(client, editor, reviewer):
    revision = ready(editor, reviewer)
    client.force_login(editor)
    client.post(
        reverse("editorial:publish_confirm", args=[revision.article_id]),
        {"idempotency_key": "the-same-key-01"},
    )
    response = client.post(
        reverse("editorial:comment_create", kwargs={"pk": revision.pk}),
        comment_data("the-same-key-01"),
        follow=True,
    )
    assert KEY_REUSED in response.text.replace("&#x27;", "'")
    assert not ReviewComment.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_arriving_at_the_same_moment_comments_once():
    """Both requests in flight together: the second waits for the first's key to commit."""
    editor, reviewer = EditorFactory(), BoardMemberFactory()
    revision = ready(editor, reviewer)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(reviewer)
        client.get(reverse("editorial:review", kwargs={"pk": revision.pk}))  # warm
    url = reverse("editorial:comment_create", kwargs={"pk": revision.pk})
    data = comment_data("same-moment-0001")
    start = threading.Barrier(2)
    answers: list[object] = []
    errors: list[BaseException] = []

    def click(client: Client) -> None:
        try:
            start.wait(timeout=10)
            answers.append(client.post(url, data))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    comment = ReviewComment.objects.get(revision=revision)
    assert [a.status_code for a in answers] == [302, 302]  # type: ignore[attr-defined]
    assert {a["Location"] for a in answers} == {  # type: ignore[index]
        reverse("editorial:review", kwargs={"pk": revision.pk}) + f"#comment-{comment.pk}"
    }
    assert AuditEvent.objects.filter(revision=revision, action=AuditAction.COMMENT).count() == 1


def api_client(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_login(user)
    return client


def test_an_api_comment_retried_with_its_idempotency_key_is_stored_once(editor, reviewer):
    revision = ready(editor, reviewer)
    client = api_client(reviewer)
    payload = {
        "revision": revision.pk,
        "audience": AudienceLevel.objects.get(is_canonical=True).slug,
        "quoted_text": "graded loading",
        "body": "Say how graded.",
    }
    headers = {"Idempotency-Key": "client-retry-0001"}

    answers = [
        client.post("/api/v1/comments/", payload, format="json", headers=headers) for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert ReviewComment.objects.filter(revision=revision).count() == 1


def test_an_api_publish_retried_with_its_idempotency_key_publishes_once(editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    client = api_client(editor)
    url = f"/api/v1/articles/{draft.article_id}/transitions/publish/"
    headers = {"Idempotency-Key": "client-retry-0002"}

    answers = [client.post(url, {}, format="json", headers=headers) for _ in range(2)]

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert AuditEvent.objects.filter(revision=draft, action=AuditAction.PUBLISH).count() == 1
    # Without the key, a retry is a new request: refused, the revision is published already.
    assert client.post(url, {}, format="json").status_code == 409


def test_a_form_without_a_key_still_acts(client, editor, draft):
    """A page rendered before the key existed (or a script) is not refused: it just acts."""
    workflow.revision_submit(revision=draft, actor=editor)
    client.force_login(editor)
    response = client.post(reverse("editorial:publish_confirm", args=[draft.article_id]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(revision=draft, action=AuditAction.PUBLISH).count() == 1


def key_of(html: str, form_marker: str) -> str:
    """The key of the form whose opening tag holds `form_marker` (its action or data-)."""
    return form_key(html[html.index(form_marker) :])


def twice(client, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    return [client.post(url, data, follow=True) for _ in range(2)]


def test_a_transition_sent_twice_is_done_once_and_both_answers_say_done(client, editor, draft):
    """Before, the second Submit of a double click answered "Cannot submit: the revision is
    submitted" for a submission that had worked."""
    client.force_login(editor)
    article = reverse("editorial:article", kwargs={"pk": draft.article_id})
    key = key_of(client.get(article).text, 'data-transition="submit"')
    url = reverse("editorial:transition", kwargs={"pk": draft.article_id, "name": "submit"})

    answers = twice(client, url, {"change_kind": "new", "idempotency_key": key})

    for answer in answers:
        assert answer.redirect_chain == [(article, 302)]
        assert f"Submit: done for revision {draft.number}." in answer.text
        assert "Cannot submit" not in answer.text
    assert AuditEvent.objects.filter(revision=draft, action=AuditAction.SUBMIT).count() == 1


def test_a_decision_sent_twice_is_given_once_and_both_answers_say_done(client, editor, reviewer):
    revision = ready(editor, reviewer)
    client.force_login(reviewer)
    url = reverse("editorial:decide", kwargs={"pk": revision.pk, "name": "approve"})
    key = key_of(client.get(url).text, 'data-decision="approve"')

    answers = twice(client, url, {"note": "Accurate.", "idempotency_key": key})

    review = reverse("editorial:review", kwargs={"pk": revision.pk})
    for answer in answers:
        assert answer.redirect_chain == [(review, 302)]
        assert f"Approve: done for revision {revision.number}." in answer.text
    assert revision.decisions.count() == 1


def test_accepting_or_removing_sent_twice_is_done_once(client, editor, reviewer):
    revision = workflow.revision_submit(
        revision=RevisionFactory(author=editor, canonical_body=TEXT), actor=editor
    )
    assignment = workflow.revision_assign_reviewer(
        revision=revision, actor=editor, reviewer=reviewer
    )
    client.force_login(reviewer)
    accept = reverse("editorial:accept", kwargs={"pk": assignment.pk})
    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text

    for answer in twice(client, accept, {"idempotency_key": key_of(page, accept)}):
        assert f"You accepted to review revision {revision.number}." in answer.text
        assert 'class="message message-error"' not in answer.text
    assert AuditEvent.objects.filter(action=AuditAction.ACCEPT).count() == 1

    client.force_login(editor)
    remove = reverse("editorial:remove", kwargs={"pk": assignment.pk})
    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text
    for answer in twice(client, remove, {"idempotency_key": key_of(page, remove)}):
        assert 'class="message message-error"' not in answer.text
    assert AuditEvent.objects.filter(action=AuditAction.REMOVE).count() == 1


def test_a_reply_or_a_resolve_sent_twice_is_done_once(client, editor, reviewer):
    revision = ready(editor, reviewer)
    thread = comments.comment_create(
        revision=revision,
        actor=reviewer,
        audience=AudienceLevel.objects.get(is_canonical=True),
        quoted_text="graded loading",
        body="Say how graded.",
    )
    client.force_login(editor)
    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text
    reply = reverse("editorial:comment_reply", kwargs={"pk": thread.pk})
    resolve = reverse("editorial:comment_resolve", kwargs={"pk": thread.pk})

    twice(client, reply, {"body": "Done.", "idempotency_key": key_of(page, reply)})
    answers = twice(client, resolve, {"idempotency_key": key_of(page, resolve)})

    assert list(thread.replies.values_list("body", flat=True)) == ["Done."]
    for answer in answers:
        assert 'class="message message-error"' not in answer.text
    assert AuditEvent.objects.filter(action=AuditAction.RESOLVE).count() == 1


def test_a_new_article_or_draft_sent_twice_is_made_once(client, editor, draft):
    client.force_login(editor)
    create = reverse("editorial:article_create")
    key = form_key(client.get(create).text)
    data = {"title": "Shin splints", "topic": "", "review_interval_months": 12}

    answers = twice(client, create, data | {"idempotency_key": key})

    article = Article.objects.get(title="Shin splints")  # not a second "shin-splints-2"
    edit = reverse("editorial:article_edit", kwargs={"pk": article.pk})
    assert [a.redirect_chain for a in answers] == [[(edit, 302)]] * 2
    workflow.revision_submit(revision=draft, actor=editor)
    edit = reverse("editorial:article_edit", kwargs={"pk": draft.article_id})
    new = reverse("editorial:revision_new", kwargs={"pk": draft.article_id})
    key = key_of(client.get(edit).text, new)

    for answer in twice(client, new, {"idempotency_key": key}):
        assert "Revision 2 started as a new draft." in answer.text
        assert 'class="message message-error"' not in answer.text
    assert draft.article.revisions.count() == 2


def test_an_answer_to_a_readers_question_sent_twice_is_added_once(client, editor):
    from tests.editorial.test_questions import ask, published

    question = ask(published(editor))
    client.force_login(editor)
    url = reverse("editorial:question_answer", kwargs={"pk": question.pk})
    key = form_key(client.get(url).text)
    data = {"answer": "Yes, if it does not hurt.", "idempotency_key": key}

    answers = twice(client, url, data)

    edit = reverse("editorial:article_edit", kwargs={"pk": question.article_id})
    assert [a.redirect_chain for a in answers] == [[(edit, 302)]] * 2
    draft = question.article.revisions.order_by("-number").first()
    assert sum(body.body.count("Yes, if it does not hurt.") for body in draft.bodies.all()) == 1


def test_a_reference_or_its_new_version_sent_twice_is_written_once(client, editor):
    from articles.references.models import Reference, ReferenceVersion
    from tests.editorial.test_reference_views import FORM

    client.force_login(editor)
    new = reverse("editorial:reference_create")
    answers = twice(client, new, FORM | {"idempotency_key": form_key(client.get(new).text)})

    reference = Reference.objects.get()
    detail = reverse("editorial:reference", kwargs={"pk": reference.pk})
    assert [a.redirect_chain for a in answers] == [[(detail, 302)]] * 2  # not "key taken"
    edit = reverse("editorial:reference_edit", kwargs={"pk": reference.pk})
    key = form_key(client.get(edit).text)
    changed = FORM | {"volume": "55", "change_note": "Volume corrected", "idempotency_key": key}
    answers = twice(client, edit, changed)
    assert [a.redirect_chain for a in answers] == [[(detail, 302)]] * 2  # not "nothing differs"
    assert ReferenceVersion.objects.filter(reference=reference).count() == 2


def test_a_restore_sent_twice_starts_one_draft(client, editor, reviewer, second_reviewer, reach):
    from tests.editorial.test_compare_and_restore import _history

    first, _ = _history(editor, reviewer, second_reviewer, reach)
    client.force_login(editor)
    url = reverse("editorial:restore", kwargs={"pk": first.article_id, "number": 1})
    key = key_of(client.get(url).text, 'data-action="restore"')

    for answer in twice(client, url, {"idempotency_key": key}):
        assert "Revision 3 started as a new draft with the text of revision 1." in answer.text
        assert 'class="message message-error"' not in answer.text
    assert first.article.revisions.count() == 3


# The POST forms without a key of their own, and why: sent twice, they leave what sending them
# once does, or nobody is signed in to own a key. A new form that creates something or moves
# the review carries `{% sent_once_key %}` (or is a SentOnceForm) instead.
WITHOUT_KEY = {
    "retraction_watch": "the admin's Retraction Watch file: read again, nothing changes",
    "articles:audience_choose": "a reader's level, kept in a cookie",
    "articles:question_ask": "FollowUpQuestionForm carries its key among its hidden fields",
    "answer-settle": "an anonymous reader saying whether the passages answered (once only)",
    "site_links.logout": "signing out",
    "url 'login'": "signing in",
    "editorial:inbox_": "marking notifications read",
    "editorial:declare": "a declaration replaces the reviewer's last one",
    "editorial:reference_import_confirm": "a confirmed import answers that it is done",
    "editorial:comment_create": "CommentForm is a SentOnceForm: its key is among its fields",
    "article_details.html": "the article's details: the same fields written again",
    "editor-form": "a draft saved again with the same text (a stale one is refused)",
}


def test_every_form_that_acts_carries_a_key_or_says_why_not():
    from pathlib import Path

    from django.conf import settings

    keyless = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        html = path.read_text()
        for form in re.finditer(r'<form\b[^>]*method="post"[^>]*>', html):
            body = html[form.start() : html.find("</form>", form.end())]
            if "sent_once_key" in body or "idempotency_key" in body:
                continue
            if not any(marker in form.group(0) or marker in str(path) for marker in WITHOUT_KEY):
                keyless.append(f"{path.name}: {form.group(0)[:100]}")
    assert keyless == []


def test_marking_a_question_or_uploading_a_file_sent_twice_is_done_once(client, editor):
    from articles.references.models import ImportUpload
    from tests.editorial.test_questions import ask, published
    from tests.editorial.test_reference_views import IMPORT, RIS

    question = ask(published(editor))
    client.force_login(editor)
    questions = client.get(reverse("editorial:questions")).text
    mark = reverse("editorial:question_mark", kwargs={"pk": question.pk})
    key = key_of(questions, mark)
    for answer in twice(client, mark, {"state": "answered", "idempotency_key": key}):
        assert 'class="message message-error"' not in answer.text
    question.refresh_from_db()
    assert question.state == "answered"

    key = form_key(client.get(IMPORT).text)
    answers = twice(client, IMPORT, {"format": "ris", "text": RIS, "idempotency_key": key})
    upload = ImportUpload.objects.get()  # one file kept, one preview
    assert {a.redirect_chain[0][0] for a in answers} == {
        reverse("editorial:reference_import_job", kwargs={"token": upload.token})
    }
