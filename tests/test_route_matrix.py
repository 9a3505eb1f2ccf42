"""Every route of the URLconf, for every role and revision state (issue 14, point 7): what each
role gets on a read and on a write, and that a refused write changes nothing.

The routes come from the URLconf itself: a route without an entry in `EXPECTED` fails, and so
does an entry whose route is gone. Each entry says how to fill the route's parameters from the
world below (`FILL`) and what each role gets, one code per role in `ROLES`' order: a status,
`L` for a redirect to a login page, `R` for another redirect. A mismatch prints the whole
row as observed, ready to paste once it has been checked against docs/workflow-and-review.md
("who sees what"); a `!` after a code marks a refused write that changed something, never
right. A method the route refuses to everyone (405) is asked in the first state only. Writes
send `PAYLOAD`'s data where a route has one (so that a refusal is not just invalid input),
else nothing. The admin's own routes follow one rule (`test_every_admin_route_...`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, RequestFactory, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from articles.answers import follow_up_question_ask
from articles.models import (
    Article,
    AudienceBody,
    AudienceLevel,
    FollowUpQuestion,
    Reference,
    ReviewStatus,
    Revision,
    StoredPage,
)
from articles.public.question_views import answer_token
from articles.questions import follow_up_question_create
from articles.references.importing.previewing import import_file_upload
from articles.references.models import ImportState, ImportUpload
from articles.references.services import reference_version_create
from editorial import comments, review, workflow
from editorial.models import (
    AuditEvent,
    Notification,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    User,
)
from tests.factories import (
    BoardMemberFactory,
    EditorFactory,
    ReferenceFactory,
    RevisionFactory,
    UserFactory,
    assign_ready,
)

PREVIEWED_FILE = "TY  - JOUR\nTI  - Matrix one\nER  - \n\nTY  - JOUR\nTI  - Matrix two\nER  - \n"
ROLES = ("anonymous", "reader", "board", "assigned", "declined", "removed", "editor", "superuser")
STATES = ("draft", "review", "published")
WRITES = ("post", "put", "patch", "delete")


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(key, pattern) of every route, includes and DRF routers walked; the key is the route's
    namespaced name (its pattern when it has none)."""
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, (namespace, entry.namespace)))
            found += _routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            assert isinstance(entry, URLPattern)
            name = ":".join(filter(None, (namespace, entry.name))) if entry.name else ""
            found.append((name or prefix + str(entry.pattern), prefix + str(entry.pattern)))
    return found


ALL_ROUTES = _routes(get_resolver().url_patterns)
ADMIN_ROUTES = sorted({key for key, route in ALL_ROUTES if route.startswith("admin/")})
ROUTES = sorted({key for key, route in ALL_ROUTES if not route.startswith("admin/")})


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int]
    slugs: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)  # uuids of uploads
    sessions: dict[str, str] = field(default_factory=dict)  # role -> its session cookie


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Built once for the module (each test runs in a savepoint inside it), rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):  # notifications, as delivered
            built = _world_build()
        # One of the assigned reviewer's notifications (delivered after commit, just now).
        built.ids["notification"] = (
            Notification.objects.filter(recipient=built.users["assigned"]).earliest("pk").pk
        )
        for role, user in built.users.items():
            client = Client()
            client.force_login(user)
            built.sessions[role] = client.cookies.output(header="", sep=";")
        yield built
        transaction.set_rollback(True)


def _world_build() -> World:
    """One article per state: a draft (reviewed once, then withdrawn), one under review, one
    approved and published. On each, `assigned` accepted and declared no interests (and
    commented), `declined` declined, `removed` accepted and was removed; `board` is on the
    board and reviews nothing."""
    editor: User = EditorFactory(username="matrix-editor")
    users: dict[str, User] = {
        "reader": UserFactory(username="matrix-reader"),
        "board": BoardMemberFactory(username="matrix-board"),
        "assigned": BoardMemberFactory(username="matrix-assigned"),
        "declined": BoardMemberFactory(username="matrix-declined"),
        "removed": BoardMemberFactory(username="matrix-removed"),
        "editor": editor,
        "superuser": User.objects.create_superuser("matrix-admin", "admin@example.org", "x"),
    }
    second: User = BoardMemberFactory(username="matrix-second")
    canonical = AudienceLevel.objects.get(is_canonical=True)
    ids: dict[str, int] = {}
    slugs: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for state in STATES:
        revision: Revision = RevisionFactory(author=editor)
        workflow.revision_submit(revision=revision, actor=editor)
        mine = assign_ready(revision, editor=editor, reviewer=users["assigned"])
        assign_ready(revision, editor=editor, reviewer=second)
        invited = workflow.revision_assign_reviewer(
            revision=revision, actor=editor, reviewer=users["declined"]
        )
        review.assignment_decline(assignment=invited, actor=users["declined"], reason="Away")
        accepted = assign_ready(revision, editor=editor, reviewer=users["removed"])
        review.assignment_remove(assignment=accepted, actor=editor, note="A conflict came to light")
        comment = comments.comment_create(
            revision=revision,
            actor=users["assigned"],
            audience=canonical,
            quoted_text="Rest",
            body="Say for how long.",
        )
        comments.comment_reply(parent=comment, actor=editor, body="Two days.")
        if state == "draft":
            workflow.revision_withdraw(revision=revision, actor=editor)
        elif state == "published":
            workflow.revision_approve(revision=revision, actor=users["assigned"])
            workflow.revision_approve(revision=revision, actor=second)
            workflow.article_publish(revision=revision, actor=editor)
            question = follow_up_question_create(
                article=revision.article, audience=canonical, question="How long?"
            )
            # Passages of the article's text offered (articles.answers): the reader may answer.
            offered = follow_up_question_ask(
                article=revision.article, audience=canonical, question="Rest and graded loading?"
            )
            assert offered.outcome == FollowUpQuestion.Outcome.OFFERED
        revision.refresh_from_db()
        assert (
            revision.status
            == {
                "draft": ReviewStatus.DRAFT,
                "review": ReviewStatus.UNDER_REVIEW,
                "published": ReviewStatus.APPROVED,
            }[state]
        )
        ids[f"{state}.article"] = revision.article_id
        ids[f"{state}.revision"] = revision.pk
        ids[f"{state}.number"] = revision.number
        ids[f"{state}.assignment"] = mine.pk
        ids[f"{state}.comment"] = comment.pk
        ids[f"{state}.body"] = revision.bodies.get(audience=canonical).pk
        ids[f"{state}.event"] = AuditEvent.objects.filter(revision=revision).earliest("pk").pk
        slugs[state] = revision.article.slug
    ids["published.decision"] = (
        ReviewDecision.objects.filter(
            revision_id=ids["published.revision"], reviewer=users["assigned"]
        )
        .get()
        .pk
    )
    ids["published.question"] = question.pk
    ids["published.offered_question"] = offered.pk
    reference: Reference = ReferenceFactory(key="kim2013", actor=editor)
    reference_version_create(
        reference=reference,
        actor=editor,
        csl=reference.current_version.csl | {"page": "1234-1240"},
        change_note="Pages corrected",
    )
    ids["reference"] = reference.pk
    # A confirmed import, the editor's: only its uploader sees its progress.
    job = ImportUpload.objects.create(
        created_by=editor, format="ris", state=ImportState.DONE, records_total=1
    )
    tokens["import"] = str(job.token)
    # A file of two new records previewed (its preview task runs on commit, just after), also
    # the editor's: only its uploader reads its records, chooses and confirms.
    preview = import_file_upload(actor=editor, format="ris", text=PREVIEWED_FILE)
    tokens["preview"] = str(preview.token)
    return World(users=users, ids=ids, slugs=slugs, tokens=tokens)


# How to fill a route's parameters: (state label, kwargs, query string) for each case.
Case = tuple[str, dict[str, object], dict[str, int]]


def _per_state(**params: str) -> Callable[[World], list[Case]]:
    """Each state's object for each parameter, e.g. pk="article" -> world.ids["draft.article"]."""

    def fill(world: World) -> list[Case]:
        return [
            (state, {name: world.ids[f"{state}.{what}"] for name, what in params.items()}, {})
            for state in STATES
        ]

    return fill


def _once(**kwargs: object) -> Callable[[World], list[Case]]:
    return lambda world: [("", dict(kwargs), {})]


def _ids(**params: str) -> Callable[[World], list[Case]]:
    return lambda world: [("", {name: world.ids[what] for name, what in params.items()}, {})]


def _import_token(world: World) -> list[Case]:
    return [("", {"token": world.tokens["import"]}, {})]


def _preview_token(world: World) -> list[Case]:
    return [("", {"token": world.tokens["preview"]}, {})]


def _answer(world: World) -> list[Case]:
    """The answer page of the question offered passages, at the address its reader got."""
    question = FollowUpQuestion(pk=world.ids["published.offered_question"])
    return [("", {"slug": world.slugs["published"], "token": answer_token(question)}, {})]


def _slugs(world: World) -> list[Case]:
    return [(state, {"slug": world.slugs[state]}, {}) for state in STATES]


TRANSITION_BY_STATE = {"draft": "submit", "review": "withdraw", "published": "unpublish"}


def _transitions(world: World) -> list[Case]:
    return [
        (state, {"pk": world.ids[f"{state}.article"], "name": TRANSITION_BY_STATE[state]}, {})
        for state in STATES
    ]


def _restore(world: World) -> list[Case]:
    return [
        (state, {"pk": world.ids[f"{state}.article"], "number": world.ids[f"{state}.number"]}, {})
        for state in STATES
    ]


def _decide(world: World) -> list[Case]:
    return [
        (state, {"pk": world.ids[f"{state}.revision"], "name": "approve"}, {}) for state in STATES
    ]


def _by_revision_query(world: World) -> list[Case]:
    return [(state, {}, {"revision": world.ids[f"{state}.revision"]}) for state in STATES]


def _by_article_query(world: World) -> list[Case]:
    return [(state, {}, {"article": world.ids[f"{state}.article"]}) for state in STATES]


FILL: dict[str, Callable[[World], list[Case]]] = {
    "editorial:article": _per_state(pk="article"),
    "editorial:article_edit": _per_state(pk="article"),
    "editorial:article_autosave": _per_state(pk="article"),
    "editorial:article_details": _per_state(pk="article"),
    "editorial:history": _per_state(pk="article"),
    "editorial:compare": _per_state(pk="article"),
    "editorial:restore": _restore,
    "editorial:revision_new": _per_state(pk="article"),
    "editorial:publish_confirm": _per_state(pk="article"),
    "editorial:transition": _transitions,
    "editorial:invite_again": _per_state(pk="article"),
    "editorial:review": _per_state(pk="revision"),
    "editorial:preview": _per_state(pk="revision"),
    "editorial:decide": _decide,
    "editorial:comment_create": _per_state(pk="revision"),
    "editorial:accept": _per_state(pk="assignment"),
    "editorial:decline": _per_state(pk="assignment"),
    "editorial:remove": _per_state(pk="assignment"),
    "editorial:declare": _per_state(pk="assignment"),
    "editorial:comment_reply": _per_state(pk="comment"),
    "editorial:comment_resolve": _per_state(pk="comment"),
    "editorial:inbox_read": _ids(pk="notification"),
    "editorial:inbox_open": _ids(pk="notification"),
    "editorial:question_mark": _ids(pk="published.question"),
    "editorial:question_answer": _ids(pk="published.question"),
    "editorial:reference": _ids(pk="reference"),
    "editorial:reference_edit": _ids(pk="reference"),
    "api:public-article-detail": _slugs,
    "api:article-detail": _per_state(pk="article"),
    "api:article-transitions": _per_state(pk="article"),
    "api:article-transition": _transitions,
    "api:revision-detail": _per_state(pk="revision"),
    "api:revision-diff": _per_state(pk="revision"),
    "api:body-detail": _per_state(pk="body"),
    "api:assignment-detail": _per_state(pk="assignment"),
    "api:assignment-accept": _per_state(pk="assignment"),
    "api:assignment-decline": _per_state(pk="assignment"),
    "api:assignment-interests": _per_state(pk="assignment"),
    "api:assignment-remove": _per_state(pk="assignment"),
    "api:assignment-invite-again": lambda world: [(state, {}, {}) for state in STATES],
    "api:decision-detail": _ids(pk="published.decision"),
    "api:comment-list": _by_revision_query,
    "api:comment-detail": _per_state(pk="comment"),
    "api:comment-reply": _per_state(pk="comment"),
    "api:comment-resolve": _per_state(pk="comment"),
    "api:comment-reopen": _per_state(pk="comment"),
    "api:notification-detail": _ids(pk="notification"),
    "api:notification-read": _ids(pk="notification"),
    "api:reference-detail": _ids(pk="reference"),
    "api:reference-import-job": _import_token,
    "api:reference-import-records": _preview_token,
    "api:reference-import-choices": _preview_token,
    "api:reference-import-confirm": _preview_token,
    "editorial:reference_import_job": _import_token,
    "editorial:reference_import_progress": _import_token,
    "api:reference-diff": _ids(pk="reference"),
    "api:reference-versions": _ids(pk="reference"),
    "api:audit-event-list": _by_article_query,
    "api:audit-event-detail": _per_state(pk="event"),
    "articles:detail": _slugs,
    "articles:audience_choose": _slugs,
    "articles:question_ask": _slugs,
    "articles:question_thanks": _slugs,
    "articles:question_answer": _answer,
    "articles:question_answered": _slugs,
    "articles:updates_feed_topic": _once(topic="Sports medicine"),
    "password_reset_confirm": _once(uidb64="MQ", token="set-password"),
}


# What a write sends, per route and state: valid data, so that only the role decides.
PAYLOAD: dict[str, Callable[[World, str], dict[str, object]]] = {
    "api:comment-list": lambda world, state: {
        "revision": world.ids[f"{state}.revision"],
        "audience": "professional",
        "quoted_text": "Rest",
        "body": "Say for how long.",
    },
    "api:comment-reply": lambda world, state: {"body": "Two days."},
    "api:assignment-decline": lambda world, state: {"reason": "Away"},
    "api:assignment-invite-again": lambda world, state: {
        "revision": world.ids[f"{state}.revision"]
    },
    "api:assignment-interests": lambda world, state: {"none": True},
    "api:article-transition": lambda world, state: {"note": "Matrix"},
    "api:reference-import-choices": lambda world, state: {"status": "new", "choice": "skip"},
    "api:reference-import-confirm": lambda world, state: {"change_note": "Matrix"},
    "editorial:comment_create": lambda world, state: {
        "audience": "professional",
        "quoted_text": "Rest",
        "body": "Say for how long.",
    },
    "editorial:comment_reply": lambda world, state: {"body": "Two days."},
    "editorial:decline": lambda world, state: {"reason": "Away"},
    "editorial:reference_lookup": lambda world, state: {
        "key": "matrix-lookup",
        "type": "research",
        "csl_type": "article-journal",
        "title": "Looked up",
        "status": "active",
        "found": '{"ISSN": "1234-5678"}',
    },
}


# What each role gets, per "METHOD state": one code per role, in the order of ROLES:
#                    anonymous reader board assigned declined removed editor superuser
EXPECTED: dict[str, dict[str, str]] = {
    "api:article-detail": {
        "GET draft": "403 404 404 200 404 404 200 404",
        "PUT draft": "403 403 403 403 403 403 400 403",
        "PATCH draft": "403 403 403 403 403 403 200 403",
        "GET review": "403 404 404 200 404 404 200 404",
        "PUT review": "403 403 403 403 403 403 400 403",
        "PATCH review": "403 403 403 403 403 403 200 403",
        "GET published": "403 404 404 200 404 404 200 404",
        "PUT published": "403 403 403 403 403 403 400 403",
        "PATCH published": "403 403 403 403 403 403 200 403",
    },
    "api:article-list": {
        "GET": "403 200/0 200/0 200/3 200/0 200/0 200/3 200/0",
        "POST": "403 403 403 403 403 403 400 403",
    },
    "api:article-transition": {
        "POST draft": "403 404 404 403 404 404 200 404",
        "POST review": "403 404 404 403 404 404 200 404",
        "POST published": "403 404 404 403 404 404 200 404",
    },
    "api:article-transitions": {
        "GET draft": "403 404 404 200 404 404 200 404",
        "GET review": "403 404 404 200 404 404 200 404",
        "GET published": "403 404 404 200 404 404 200 404",
    },
    "api:assignment-accept": {
        "POST draft": "403 404 404 409 404 404 403 404",
        "POST review": "403 404 404 409 404 404 403 404",
        "POST published": "403 404 404 409 404 404 403 404",
    },
    "api:assignment-decline": {
        "POST draft": "403 404 404 409 404 404 403 404",
        "POST review": "403 404 404 200 404 404 403 404",
        "POST published": "403 404 404 409 404 404 403 404",
    },
    "api:assignment-detail": {
        "GET draft": "403 404 404 200 404 404 200 404",
        "GET review": "403 404 404 200 404 404 200 404",
        "GET published": "403 404 404 200 404 404 200 404",
    },
    "api:assignment-interests": {
        "POST draft": "403 404 404 200 404 404 403 404",
        "POST review": "403 404 404 200 404 404 403 404",
        "POST published": "403 404 404 409 404 404 403 404",
    },
    "api:assignment-invite-again": {
        "POST draft": "403 400 400 403 400 400 409 400",
        "POST review": "403 400 400 403 400 400 400 400",
        "POST published": "403 400 400 403 400 400 409 400",
    },
    "api:assignment-list": {
        "GET": "403 200/0 200/0 200/3 200/3 200/3 200/12 200/0",
    },
    "api:assignment-remove": {
        "POST draft": "403 404 404 403 404 404 200 404",
        "POST review": "403 404 404 403 404 404 200 404",
        "POST published": "403 404 404 403 404 404 200 404",
    },
    "api:audience-level-list": {
        "GET": "200 200 200 200 200 200 200 200",
    },
    "api:audit-event-detail": {
        "GET draft": "403 404 404 200 404 404 200 404",
        "GET review": "403 404 404 200 404 404 200 404",
        "GET published": "403 404 404 200 404 404 200 404",
    },
    "api:audit-event-list": {
        "GET draft": "403 200/0 200/0 200/16 200/0 200/0 200/16 200/0",
        "GET review": "403 200/0 200/0 200/15 200/0 200/0 200/15 200/0",
        "GET published": "403 200/0 200/0 200/18 200/0 200/0 200/18 200/0",
    },
    "api:body-detail": {
        "GET draft": "403 404 404 200 404 404 200 404",
        "PUT draft": "403 403 403 403 403 403 400 403",
        "PATCH draft": "403 403 403 403 403 403 400 403",
        "DELETE draft": "403 403 403 403 403 403 409 403",
        "GET review": "403 404 404 200 404 404 200 404",
        "PUT review": "403 403 403 403 403 403 400 403",
        "PATCH review": "403 403 403 403 403 403 400 403",
        "DELETE review": "403 403 403 403 403 403 409 403",
        "GET published": "403 404 404 200 404 404 200 404",
        "PUT published": "403 403 403 403 403 403 400 403",
        "PATCH published": "403 403 403 403 403 403 400 403",
        "DELETE published": "403 403 403 403 403 403 409 403",
    },
    "api:body-list": {
        "GET": "403 200/0 200/0 200/3 200/0 200/0 200/3 200/0",
        "POST": "403 403 403 403 403 403 400 403",
    },
    "api:comment-detail": {
        "GET draft": "403 404 404 200 404 404 200 404",
        "GET review": "403 404 404 200 404 404 200 404",
        "GET published": "403 404 404 200 404 404 200 404",
    },
    "api:comment-list": {
        "GET draft": "403 200/0 200/0 200/2 200/0 200/0 200/2 200/0",
        "POST draft": "403 400 400 201 400 400 201 400",
        "GET review": "403 200/0 200/0 200/2 200/0 200/0 200/2 200/0",
        "POST review": "403 400 400 201 400 400 201 400",
        "GET published": "403 200/0 200/0 200/2 200/0 200/0 200/2 200/0",
        "POST published": "403 400 400 201 400 400 201 400",
    },
    "api:comment-reopen": {
        "POST draft": "403 404 404 409 404 404 409 404",
        "POST review": "403 404 404 409 404 404 409 404",
        "POST published": "403 404 404 409 404 404 409 404",
    },
    "api:comment-reply": {
        "POST draft": "403 404 404 201 404 404 201 404",
        "POST review": "403 404 404 201 404 404 201 404",
        "POST published": "403 404 404 201 404 404 201 404",
    },
    "api:comment-resolve": {
        "POST draft": "403 404 404 200 404 404 200 404",
        "POST review": "403 404 404 200 404 404 200 404",
        "POST published": "403 404 404 200 404 404 200 404",
    },
    "api:decision-detail": {
        "GET": "403 404 404 200 404 404 200 404",
    },
    "api:decision-list": {
        "GET": "403 200/0 200/0 200/1 200/0 200/0 200/2 200/0",
    },
    "api:docs": {
        "GET": "200 200 200 200 200 200 200 200",
    },
    "api:flagged-citation-list": {
        "GET": "403 200/0 200/0 200/0 200/0 200/0 200/0 200/0",
    },
    "api:login": {
        "POST": "400 400 400 400 400 400 400 400",
    },
    "api:logout": {
        "POST": "401 401 401 401 401 401 401 401",
    },
    "api:notification-detail": {
        "GET": "403 404 404 200 404 404 404 404",
    },
    "api:notification-list": {
        "GET": "403 200/0 200/0 200/8 200/3 200/6 200/17 200/0",
    },
    "api:notification-read": {
        "POST": "403 404 404 200 404 404 404 404",
    },
    "api:public-article-detail": {
        "GET draft": "404 404 404 404 404 404 404 404",
        "GET review": "404 404 404 404 404 404 404 404",
        "GET published": "200 200 200 200 200 200 200 200",
    },
    "api:reference-detail": {
        "GET": "403 403 200 200 200 200 200 403",
    },
    "api:reference-diff": {
        "GET": "403 403 200 200 200 200 200 403",
    },
    "api:reference-export": {
        "GET": "403 403 400 400 400 400 400 403",
    },
    "api:reference-import-choices": {
        "POST": "403 403 403 403 403 403 200 403",
    },
    "api:reference-import-confirm": {
        "POST": "403 403 403 403 403 403 202 403",
    },
    "api:reference-import-job": {
        "GET": "403 403 404 404 404 404 200 403",
    },
    "api:reference-import-records": {
        "GET": "403 403 404 404 404 404 200/2 403",
    },
    "api:reference-import-preview": {
        "POST": "403 403 403 403 403 403 415 403",
    },
    "api:reference-list": {
        "GET": "403 403 200/1 200/1 200/1 200/1 200/1 403",
        "POST": "403 403 403 403 403 403 400 403",
    },
    "api:reference-versions": {
        "GET": "403 403 200 200 200 200 200 403",
        "POST": "403 403 403 403 403 403 400 403",
    },
    "api:revision-detail": {
        "GET draft": "403 404 404 200 404 404 200 404",
        "GET review": "403 404 404 200 404 404 200 404",
        "GET published": "403 404 404 200 404 404 200 404",
    },
    "api:revision-diff": {
        "GET draft": "403 404 404 200 404 404 200 404",
        "GET review": "403 404 404 200 404 404 200 404",
        "GET published": "403 404 404 200 404 404 200 404",
    },
    "api:revision-list": {
        "GET": "403 200/0 200/0 200/3 200/0 200/0 200/3 200/0",
        "POST": "403 403 403 403 403 403 400 403",
    },
    "api:schema": {
        "GET": "200 200 200 200 200 200 200 200",
    },
    "articles:advisory_board": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "articles:audience_choose": {
        "GET draft": "405 405 405 405 405 405 405 405",
        "POST draft": "404 404 404 404 404 404 404 404",
        "POST review": "404 404 404 404 404 404 404 404",
        "POST published": "400 400 400 400 400 400 400 400",
    },
    "articles:detail": {
        "GET draft": "404 404 404 404 404 404 404 404",
        "POST draft": "405 405 405 405 405 405 405 405",
        "GET review": "404 404 404 404 404 404 404 404",
        "GET published": "200 200 200 200 200 200 200 200",
    },
    "articles:editorial_policy": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "articles:healthz": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "articles:home": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "articles:question_ask": {
        "GET draft": "404 404 404 404 404 404 404 404",
        "POST draft": "404 404 404 404 404 404 404 404",
        "GET review": "404 404 404 404 404 404 404 404",
        "POST review": "404 404 404 404 404 404 404 404",
        "GET published": "200 200 200 200 200 200 200 200",
        "POST published": "400 400 400 400 400 400 400 400",
    },
    "articles:question_answer": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "400 400 400 400 400 400 400 400",
    },
    "articles:question_answered": {
        "GET draft": "404 404 404 404 404 404 404 404",
        "POST draft": "405 405 405 405 405 405 405 405",
        "GET review": "404 404 404 404 404 404 404 404",
        "GET published": "200 200 200 200 200 200 200 200",
    },
    "articles:question_thanks": {
        "GET draft": "404 404 404 404 404 404 404 404",
        "POST draft": "405 405 405 405 405 405 405 405",
        "GET review": "404 404 404 404 404 404 404 404",
        "GET published": "200 200 200 200 200 200 200 200",
    },
    "articles:robots": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "articles:sitemap": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "articles:sitemap_page": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "articles:updates_feed": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "articles:updates_feed_topic": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "editorial:accept": {
        "GET draft": "L 405 405 405 405 405 405 405",
        "POST draft": "L 404 404 R 404 404 R 404",
        "POST review": "L 404 404 R 404 404 R 404",
        "POST published": "L 404 404 R 404 404 R 404",
    },
    "editorial:article": {
        "GET draft": "L 404 404 200 404 404 200 404",
        "POST draft": "L 405 405 405 405 405 405 405",
        "GET review": "L 404 404 200 404 404 200 404",
        "GET published": "L 404 404 200 404 404 200 404",
    },
    "editorial:article_autosave": {
        "GET draft": "L 405 405 405 405 405 405 405",
        "POST draft": "L 403 403 403 403 403 400 403",
        "POST review": "L 403 403 403 403 403 400 403",
        "POST published": "L 403 403 403 403 403 400 403",
    },
    "editorial:article_create": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 403 403 403 403 403 200 403",
    },
    "editorial:article_details": {
        "GET draft": "L 403 403 403 403 403 200 403",
        "POST draft": "L 403 403 403 403 403 200 403",
        "GET review": "L 403 403 403 403 403 200 403",
        "POST review": "L 403 403 403 403 403 200 403",
        "GET published": "L 403 403 403 403 403 200 403",
        "POST published": "L 403 403 403 403 403 200 403",
    },
    "editorial:article_edit": {
        "GET draft": "L 403 403 403 403 403 200 403",
        "POST draft": "L 403 403 403 403 403 200 403",
        "GET review": "L 403 403 403 403 403 200 403",
        "POST review": "L 403 403 403 403 403 200 403",
        "GET published": "L 403 403 403 403 403 200 403",
        "POST published": "L 403 403 403 403 403 200 403",
    },
    "editorial:board": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:comment_create": {
        "GET draft": "L 405 405 405 405 405 405 405",
        "POST draft": "L 404 404 R 404 404 R 404",
        "POST review": "L 404 404 R 404 404 R 404",
        "POST published": "L 404 404 R 404 404 R 404",
    },
    "editorial:comment_reply": {
        "GET draft": "L 405 405 405 405 405 405 405",
        "POST draft": "L 404 404 R 404 404 R 404",
        "POST review": "L 404 404 R 404 404 R 404",
        "POST published": "L 404 404 R 404 404 R 404",
    },
    "editorial:comment_resolve": {
        "GET draft": "L 405 405 405 405 405 405 405",
        "POST draft": "L 404 404 R 404 404 R 404",
        "POST review": "L 404 404 R 404 404 R 404",
        "POST published": "L 404 404 R 404 404 R 404",
    },
    "editorial:compare": {
        "GET draft": "L 403 403 403 403 403 200 403",
        "POST draft": "L 405 405 405 405 405 405 405",
        "GET review": "L 403 403 403 403 403 200 403",
        "GET published": "L 403 403 403 403 403 200 403",
    },
    "editorial:dashboard": {
        "GET": "L 200 200 200 200 200 200 200",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:decide": {
        "GET draft": "L 404 404 200 404 404 200 404",
        "POST draft": "L 404 404 400 404 404 400 404",
        "GET review": "L 404 404 200 404 404 200 404",
        "POST review": "L 404 404 R 404 404 400 404",
        "GET published": "L 404 404 200 404 404 200 404",
        "POST published": "L 404 404 400 404 404 400 404",
    },
    "editorial:declare": {
        "GET draft": "L 405 405 405 405 405 405 405",
        "POST draft": "L 404 404 400 404 404 400 404",
        "POST review": "L 404 404 400 404 404 400 404",
        "POST published": "L 404 404 400 404 404 400 404",
    },
    "editorial:decline": {
        "GET draft": "L 405 405 405 405 405 405 405",
        "POST draft": "L 404 404 R 404 404 R 404",
        "POST review": "L 404 404 R 404 404 R 404",
        "POST published": "L 404 404 R 404 404 R 404",
    },
    "editorial:history": {
        "GET draft": "L 404 404 200 404 404 200 404",
        "POST draft": "L 405 405 405 405 405 405 405",
        "GET review": "L 404 404 200 404 404 200 404",
        "GET published": "L 404 404 200 404 404 200 404",
    },
    "editorial:inbox": {
        "GET": "L 200 200 200 200 200 200 200",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:inbox_open": {
        "GET": "L 405 405 405 405 405 405 405",
        "POST": "L 404 404 R 404 404 404 404",
    },
    "editorial:inbox_read": {
        "GET": "L 405 405 405 405 405 405 405",
        "POST": "L 404 404 R 404 404 404 404",
    },
    "editorial:inbox_read_all": {
        "GET": "L 405 405 405 405 405 405 405",
        "POST": "L R R R R R R R",
    },
    "editorial:preview": {
        "GET draft": "L 404 404 200 404 404 200 404",
        "POST draft": "L 405 405 405 405 405 405 405",
        "GET review": "L 404 404 200 404 404 200 404",
        "GET published": "L 404 404 200 404 404 200 404",
    },
    "editorial:publish_confirm": {
        "GET draft": "L 403 403 403 403 403 200 403",
        "POST draft": "L 403 403 403 403 403 400 403",
        "GET review": "L 403 403 403 403 403 200 403",
        "POST review": "L 403 403 403 403 403 R 403",
        "GET published": "L 403 403 403 403 403 200 403",
        "POST published": "L 403 403 403 403 403 400 403",
    },
    "editorial:question_answer": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 403 403 403 403 403 400 403",
    },
    "editorial:question_mark": {
        "GET": "L 405 405 405 405 405 405 405",
        "POST": "L 403 403 403 403 403 R 403",
    },
    "editorial:questions": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:queue": {
        "GET": "L 200 200 200 200 200 200 200",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:readability_preview": {
        "GET": "L 405 405 405 405 405 405 405",
        "POST": "L 403 403 403 403 403 404 403",
    },
    "editorial:reference": {
        "GET": "L 403 200 200 200 200 200 403",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:reference_create": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 403 403 403 403 403 200 403",
    },
    "editorial:reference_edit": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 403 403 403 403 403 200 403",
    },
    "editorial:reference_export": {
        "GET": "L 403 R R R R R 403",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:reference_import": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 403 403 403 403 403 200 403",
    },
    "editorial:reference_import_confirm": {
        "GET": "L 405 405 405 405 405 405 405",
        "POST": "L 403 403 403 403 403 R 403",
    },
    "editorial:reference_lookup": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 403 403 403 403 403 R 403",
    },
    "editorial:reference_import_job": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:reference_import_progress": {
        "GET": "L 403 403 403 403 403 200 403",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:reference_picker": {
        "GET": "L 403 200 200 200 200 200 403",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:references": {
        "GET": "L 403 200 200 200 200 200 403",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "editorial:remove": {
        "GET draft": "L 405 405 405 405 405 405 405",
        "POST draft": "L 404 404 R 404 404 R 404",
        "POST review": "L 404 404 R 404 404 R 404",
        "POST published": "L 404 404 R 404 404 R 404",
    },
    "editorial:restore": {
        "GET draft": "L 403 403 403 403 403 200 403",
        "POST draft": "L 403 403 403 403 403 R 403",
        "GET review": "L 403 403 403 403 403 200 403",
        "POST review": "L 403 403 403 403 403 R 403",
        "GET published": "L 403 403 403 403 403 200 403",
        "POST published": "L 403 403 403 403 403 R 403",
    },
    "editorial:review": {
        "GET draft": "L 404 404 200 404 404 200 404",
        "POST draft": "L 405 405 405 405 405 405 405",
        "GET review": "L 404 404 200 404 404 200 404",
        "GET published": "L 404 404 200 404 404 200 404",
    },
    "editorial:revision_new": {
        "GET draft": "L 405 405 405 405 405 405 405",
        "POST draft": "L 403 403 403 403 403 R 403",
        "POST review": "L 403 403 403 403 403 R 403",
        "POST published": "L 403 403 403 403 403 R 403",
    },
    "editorial:invite_again": {
        "GET draft": "405 405 405 405 405 405 405 405",
        "POST draft": "L 404 404 R 404 404 R 404",
        "POST review": "L 404 404 R 404 404 R 404",
        "POST published": "L 404 404 R 404 404 R 404",
    },
    "editorial:transition": {
        "GET draft": "405 405 405 405 405 405 405 405",
        "POST draft": "L 404 404 R 404 404 R 404",
        "POST review": "L 404 404 R 404 404 R 404",
        "POST published": "L 404 404 R 404 404 R 404",
    },
    "login": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    "logout": {
        "GET": "405 405 405 405 405 405 405 405",
        "POST": "R R R R R R R R",
    },
    "password_change": {
        "GET": "L 200 200 200 200 200 200 200",
        "POST": "L 200 200 200 200 200 200 200",
    },
    "password_change_done": {
        "GET": "L 200 200 200 200 200 200 200",
        "POST": "L 405 405 405 405 405 405 405",
    },
    "password_reset": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    "password_reset_complete": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "password_reset_confirm": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "200 200 200 200 200 200 200 200",
    },
    "password_reset_done": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
    "readyz": {
        "GET": "200 200 200 200 200 200 200 200",
        "POST": "405 405 405 405 405 405 405 405",
    },
}


_COUNTED = [
    model
    for model in apps.get_models()
    if model._meta.app_label in {"articles", "editorial", "knox"} and model is not StoredPage
]
# The table names are our models' own, never input.
_COUNTS = [
    f"(SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)})"  # noqa: S608
    for model in _COUNTED
]


# What a refused write must leave as it was: how many rows each table of ours holds, and the
# rows the workflow and the inbox change in place.
def _snapshot() -> dict[str, list[Any]]:
    with connection.cursor() as cursor:  # one query: this runs after every refused write
        cursor.execute(f"SELECT {', '.join(_COUNTS)}")
        counts = list(zip(_COUNTED, cursor.fetchone(), strict=True))
    return {
        "counts": counts,
        "revisions": list(Revision.objects.order_by("pk").values_list("pk", "status")),
        "articles": list(
            Article.objects.order_by("pk").values_list(
                "pk", "slug", "title", "published_revision_id", "updated_at"
            )
        ),
        "bodies": list(AudienceBody.objects.order_by("pk").values_list("pk", "body")),
        "assignments": list(
            ReviewAssignment.objects.order_by("pk").values_list("pk", "state", "due_date")
        ),
        "comments": list(ReviewComment.objects.order_by("pk").values_list("pk", "resolved_at")),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        "questions": list(FollowUpQuestion.objects.order_by("pk").values_list("pk", "state")),
        "references": list(
            Reference.objects.order_by("pk").values_list("pk", "key", "current_version_id")
        ),
        "users": list(User.objects.order_by("pk").values_list("pk", "password", "is_active")),
    }


def _code(response: Any) -> str:
    """The answer in short: a status, L or R for a redirect; for an API list, its status and
    how many items this role reads (200/3)."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return "L" if location.startswith((reverse("login"), reverse("admin:login"))) else "R"
    if response.status_code == 200 and response.headers.get("Content-Type") == "application/json":
        data = response.json()
        if isinstance(data, dict) and "results" in data:  # a page of the list (fewer than 25)
            return f"200/{len(data['results'])}"
    return str(response.status_code)


REFUSED = {"L", "400", "401", "403", "404", "405", "409", "412", "413", "415", "429"}


def _methods(key: str) -> list[str]:
    """The methods the route answers: a DRF route's own, else GET and POST."""
    callback = next(p for k, p in _CALLBACKS if k == key)
    actions = getattr(callback, "actions", None)
    if actions:
        return [m for m in ("get", "post", "put", "patch", "delete") if m in actions]
    cls = getattr(callback, "cls", None)
    if cls is not None and hasattr(cls, "http_method_names"):
        return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]
    return ["get", "post"]


def _callbacks(patterns: list[Any], namespace: str = "", prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, (namespace, entry.namespace)))
            found += _callbacks(entry.url_patterns, inner, prefix + str(entry.pattern))
        else:
            name = ":".join(filter(None, (namespace, entry.name))) if entry.name else ""
            found.append((name or prefix + str(entry.pattern), entry.callback))
    return found


_CALLBACKS = _callbacks(get_resolver().url_patterns)


def _clients(world: World) -> dict[str, Client]:
    """A client per role, on the sessions the world logged in once."""
    clients = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.cookies = SimpleCookie(world.sessions[role])
        clients[role] = client
    return clients


def _ask(
    client: Client, method: str, url: str, key: str, before: object, data: dict[str, object]
) -> tuple[str, bool]:
    """The role's answer, and whether the request changed anything it was refused. Whatever
    it did is rolled back, so every request meets the world as `before` saw it."""
    cache.clear()  # rate limits and cached pages: each request as if it were the first
    with transaction.atomic():
        if key.startswith("api:") and method != "get":
            response = getattr(client, method)(url, data, content_type="application/json")
        else:
            response = getattr(client, method)(url, data if method == "post" else None)
        code = _code(response)
        changed = method != "get" and code in REFUSED and _snapshot() != before
        transaction.set_rollback(True)
    return code, changed


def _observe(key: str, world: World) -> dict[str, str]:
    clients = _clients(world)
    before = _snapshot()
    observed = {}
    unanswered = set()  # methods the route refuses to all (405): asked in the first state only
    for state, kwargs, query in FILL.get(key, _once())(world):
        url = reverse(key, kwargs=kwargs)
        if query:
            url += "?" + urlencode(query)
        data = PAYLOAD[key](world, state) if key in PAYLOAD else {}
        for method in _methods(key):
            if method in unanswered:
                continue
            codes = []
            for role in ROLES:
                code, changed = _ask(clients[role], method, url, key, before, data)
                codes.append(code + ("!" if changed else ""))
            observed[f"{method.upper()} {state}".strip()] = " ".join(codes)
            if set(codes[1:]) == {"405"}:
                unanswered.add(method)
    return observed


def test_every_route_has_an_entry_and_every_entry_a_route():
    assert sorted(set(ROUTES) - set(EXPECTED)) == [], "routes without an entry in EXPECTED"
    assert sorted(set(EXPECTED) - set(ROUTES)) == [], "entries whose route is gone"
    assert sorted(set(FILL) - set(ROUTES)) == [], "FILL entries whose route is gone"
    assert sorted(set(PAYLOAD) - set(ROUTES)) == [], "PAYLOAD entries whose route is gone"


@pytest.mark.parametrize("key", ROUTES)
def test_each_role_gets_what_the_route_promises(key, world, db):
    observed = _observe(key, world)
    expected = EXPECTED.get(key, {})
    assert observed == expected, f"{key!r}: {observed!r},"


def _admin_url(key: str) -> str:
    """A URL of an admin route, any object id filled with 1 (the admin asks who you are first)."""
    pattern = next(route for name, route in ALL_ROUTES if name == key)
    if pattern.endswith("(?P<url>.*)$"):  # the catch-all
        return "/admin/no-such-page/"
    if not key.startswith("admin:"):  # unnamed: an object's old address
        return "/" + re.sub(r"<(?:\w+:)?\w+>", "1", pattern)
    kwargs: dict[str, str] = {}
    for found in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern):
        name = "".join(found)
        kwargs[name] = "articles" if name == "app_label" else "1"
    return reverse(key, kwargs=kwargs)


def _superuser_expects(key: str, url: str) -> str | None:
    """What the superuser gets on an admin page without an object: 200, but 403 where the
    admin allows no adding (what the workflow owns), 404 off the map; None: not asked."""
    if "1" in url.split("/") or key in ("admin:logout", "admin:login", "admin:autocomplete"):
        return None
    if url == "/admin/no-such-page/":
        return "404"
    for model, model_admin in admin.site._registry.items():
        if key == f"admin:{model._meta.app_label}_{model._meta.model_name}_add":
            request = RequestFactory().get(url)
            request.user = User.objects.get(username="matrix-admin")
            return "200" if model_admin.has_add_permission(request) else "403"
    return "200"


def test_every_admin_route_asks_for_staff_and_opens_for_the_superuser(world, db):
    """The admin's own routes, by one rule: anyone not staff (the editor included) is sent to
    the login page; the superuser opens every page that takes no object (those that do are
    opened by tests/test_admin_sweep.py). The admin's login page opens for everyone, and
    sends a superuser on."""
    clients = _clients(world)
    wrong = []
    for key in ADMIN_ROUTES:
        url = _admin_url(key)
        for role in ("anonymous", "reader", "board", "editor", "superuser"):
            if role == "superuser":
                expected = _superuser_expects(key, url)
            elif key == "admin:login":
                expected = "200"
            elif key == "admin:logout":
                expected = None
            else:
                expected = "L"
            if expected is None:
                continue
            code = _code(clients[role].get(url))
            if code != expected:
                wrong.append((key, url, role, code, expected))
    assert wrong == [], "\n".join(map(str, wrong))
