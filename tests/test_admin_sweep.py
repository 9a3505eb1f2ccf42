"""Every admin page opens, and every add and change form posted back as rendered changes
nothing the workflow owns: the admin cannot go around the rules.

The models come from the admin's own registry, so a model registered later is swept too, and
one without an object in the scene fails until the scene makes one.
"""

from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.forms.widgets import ChoiceWidget
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from knox.models import AuthToken

from articles.models import (
    Article,
    ArticleOldSlug,
    ArticleSearchDocument,
    AudienceBody,
    AudienceLevel,
    FailedTask,
    FollowUpQuestion,
    ImportUpload,
    OutboxMessage,
    Reference,
    ReferenceIdentifier,
    ReferenceVersion,
    ReviewStatus,
    Revision,
    RevisionCitation,
    SitePage,
)
from articles.page_versions import article_pages_invalidate_all
from articles.questions import follow_up_question_create
from articles.references.importing.previewing import import_file_upload, import_preview_run
from articles.references.services import reference_version_create
from articles.services import (
    article_details_update,
    reader_preference_set,
    revision_create_draft,
    revision_edit,
)
from editorial import comments, review, workflow
from editorial.idempotency import action_once
from editorial.models import (
    ApprovalPolicy,
    AuditEvent,
    InterestDeclaration,
    InterestEntry,
    Notification,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    User,
)
from tests.conftest import reach_status
from tests.factories import (
    BoardMemberFactory,
    EditorFactory,
    ReferenceFactory,
    RevisionFactory,
    UserFactory,
    assign_ready,
)

REGISTERED = list(admin.site._registry)

CITING = "Graded loading helps most people within twelve weeks [@kim2013]."


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The scene, built once for the module's tests (each runs in a savepoint inside it) and
    rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        _scene_build()
        yield
        transaction.set_rollback(True)


def _scene_build() -> None:
    """The demo content, plus a revision in every status, one published and read, references
    with two versions, an interest declared, comments, a reader's question and preference, a
    token and django-axes' records. What follows a commit stays in the outbox, unsent."""
    call_command("seed_demo", stdout=StringIO())
    editor = EditorFactory(username="sweep-editor")
    reviewers = [BoardMemberFactory(username=f"sweep-reviewer{n}") for n in (1, 2)]
    patient = AudienceLevel.objects.get(slug="patient")
    kim = ReferenceFactory(key="kim2013", actor=editor, pmid="23524151")
    reference_version_create(
        reference=kim,
        actor=editor,
        csl=kim.current_version.csl | {"page": "1234-1240"},
        change_note="Pages corrected",
    )
    for status in ReviewStatus.values:
        revision = RevisionFactory(author=editor, canonical_body=CITING)
        revision_edit(revision=revision, editor=editor, bodies={patient: "Rest, then load."})
        reach_status(revision, status, editor=editor, reviewers=reviewers)
    approved = Revision.objects.get(status=ReviewStatus.APPROVED, author=editor)
    article = workflow.article_publish(revision=approved, actor=editor)
    revision_create_draft(article=article, author=editor)  # a draft after a published one
    Client().get(article.get_absolute_url())  # a stored page
    article_pages_invalidate_all()  # a page generation (as after a change of the levels)
    article_details_update(article=article, changes={"slug": f"{article.slug}-moved"})

    under_review = Revision.objects.get(status=ReviewStatus.UNDER_REVIEW, author=editor)
    comment = comments.comment_create(
        revision=under_review,
        actor=reviewers[1],
        audience=patient,
        quoted_text="Rest",
        offset=0,
        body="Say for how long.",
        severity="safety",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):  # the inbox entries
        comments.comment_reply(parent=comment, actor=editor, body="Two days.")
    action_once(  # a form sent once (its key kept against a double click)
        actor=editor,
        key="a" * 32,
        action="comment",
        perform=lambda: (
            comments.comment_create(
                revision=under_review,
                actor=editor,
                audience=patient,
                quoted_text="Rest",
                body="Which guideline?",
            ).pk
        ),
    )
    third = BoardMemberFactory(username="sweep-reviewer3")
    assignment = assign_ready(under_review, editor=editor, reviewer=third)
    review.interests_declare(
        assignment=assignment,
        actor=third,
        none=False,
        interests=[review.Interest("financial", "Speaker fees")],
    )
    follow_up_question_create(article=article, audience=patient, question="How long?")
    reader_preference_set(user=UserFactory(username="sweep-reader"), audience=patient)
    SitePage.objects.create(title="Editorial policy", body="How we review.")
    ApprovalPolicy.objects.get_or_create(topic="Cardiology", defaults={"min_approvals": 3})
    AuthToken.objects.create(user=editor)
    # An upload whose preview the task has read: its row (a record that cannot be read).
    import_preview_run(
        upload_id=import_file_upload(
            actor=editor, format="ris", filename="library.ris", text="TY  - JOUR\nER  - \n"
        ).pk
    )
    AccessAttempt.objects.create(username="mallory", ip_address="10.0.0.1", failures_since_start=2)
    AccessFailureLog.objects.create(username="mallory", ip_address="10.0.0.1")
    AccessLog.objects.create(username="sweep-editor", ip_address="10.0.0.2")
    FailedTask.objects.create(
        task="editorial.tasks.send_event_notifications",
        kwargs={"event_id": 1},
        exception="SMTPServerDisconnected('Connection unexpectedly closed')",
        tries=54,
    )


# What the workflow and the services own: no admin form may change any of it.
OWNED: dict[type[Model], tuple[str, ...]] = {
    Revision: (),  # every field
    AudienceBody: ("revision_id", "audience_id", "body", "canonical_hash"),
    Article: ("published_revision_id", "published_at", "updated_at"),
    Reference: ("key", "current_version_id"),
    ReferenceVersion: (),
    ReferenceIdentifier: (),
    RevisionCitation: (),
    ReviewAssignment: (),
    ReviewDecision: (),
    InterestDeclaration: ("assignment_id", "has_interests"),
    InterestEntry: (),
    ReviewComment: (),
    AuditEvent: ("pk",),
    Notification: ("pk", "recipient_id", "event_id"),
    FollowUpQuestion: (),
    ArticleSearchDocument: ("article_id", "revision_id", "text_hash"),
    OutboxMessage: ("pk", "topic", "task", "payload", "sent_at"),
    FailedTask: ("pk", "task", "args", "kwargs", "rerun_at"),
    ImportUpload: ("pk", "token", "size", "state", "choices"),
    ArticleOldSlug: ("slug", "article_id"),
}


# Not owned: retiring cached pages (articles.page_versions), which the admin of what every page
# shows does on purpose after a save (articles.admin.mixins.RetiresArticlePages).
NOT_OWNED: dict[type[Model], dict[str, object]] = {
    OutboxMessage: {"topic": "article-page.changed"},
}


def _workflow_state() -> dict[str, list[object]]:
    return {
        model._meta.label: list(
            model._default_manager.exclude(**NOT_OWNED.get(model, {}))
            .order_by("pk")
            .values_list(*fields)
        )
        for model, fields in OWNED.items()
    }


def _sample(model: type[Model]) -> list[Model]:
    """Objects to open: the first and the last, and for what belongs to a revision one in each
    status, never submitted and submitted once (what the admin decides on)."""
    objects = model._default_manager.order_by("pk")
    picked = [objects.first(), objects.last()]
    if model is Revision:
        prefix = ""
    elif any(field.name == "revision" for field in model._meta.fields):
        prefix = "revision__"
    else:
        prefix = None
    if prefix is not None:
        for status in ReviewStatus.values:
            for never_submitted in (True, False):
                where = {
                    f"{prefix}status": status,
                    f"{prefix}submitted_at__isnull": never_submitted,
                }
                picked.append(objects.filter(**where).first())
    return list({obj.pk: obj for obj in picked if obj is not None}.values())


def _sent(field: forms.BoundField) -> dict[str, object]:
    """What a browser sends for one field of a form rendered unbound."""
    if field.field.disabled:
        return {}
    widget = field.field.widget
    widget = getattr(widget, "widget", widget)  # the admin's related-object wrapper
    value = field.value()
    sent: dict[str, object]
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        sent = {
            field.html_name + suffix: sub.format_value(part) or ""
            for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=True)
        }
    elif isinstance(widget, forms.CheckboxInput):
        sent = {field.html_name: "on"} if widget.check_test(value) else {}
    elif isinstance(widget, ChoiceWidget) and not isinstance(widget, forms.NullBooleanSelect):
        chosen = [str(v) for v in widget.format_value(value)]
        sent = {field.html_name: chosen if widget.allow_multiple_selected else chosen[:1] or [""]}
    else:
        sent = {field.html_name: widget.format_value(value) or ""}
    if field.field.show_hidden_initial:
        sent[field.html_initial_name] = sent.get(field.html_name, "")
    return sent


def _posted_back(context) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The change form as the browser sends it unchanged: the form's fields, each inline
    formset's management form and forms, and the Save button."""
    rendered = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        rendered += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, object] = {"_save": "Save"}
    for form in rendered:
        for field in form:
            data |= _sent(field)
    return data


def _check_posted_back(client, url: str, page, *, expected: set[int]) -> None:  # type: ignore[no-untyped-def]
    before = _workflow_state()
    answer = client.post(url, _posted_back(page.context))
    errors = answer.context and answer.context.get("errors")
    assert answer.status_code in expected, (url, answer.status_code, errors)
    assert _workflow_state() == before, url


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_page_opens_and_a_form_posted_back_changes_nothing_owned(
    model, scene, db, client
):
    superuser = User.objects.get(username="admin")
    client.force_login(superuser)
    model_admin = admin.site.get_model_admin(model)
    info = (model._meta.app_label, model._meta.model_name)
    request = RequestFactory().get("/admin/")
    request.user = superuser

    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    if model_admin.has_add_permission(request):
        url = reverse("admin:{}_{}_add".format(*info))
        page = client.get(url)
        assert page.status_code == 200
        # As rendered, with its defaults: refused as incomplete (200) or added (302).
        _check_posted_back(client, url, page, expected={200, 302})
    objects = _sample(model)
    assert objects, f"the scene has no {model._meta.verbose_name} to open"
    for obj in objects:
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        page = client.get(url)
        assert page.status_code == 200, (obj, page.status_code)
        editable = model_admin.has_change_permission(request, obj)
        _check_posted_back(client, url, page, expected={302} if editable else {403})
