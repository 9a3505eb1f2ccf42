"""The REST API under /api/v1/: scope per user, the workflow over HTTP, auth, schema and docs."""

import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.staticfiles import finders
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from articles.models import REVISION_LOCKED, Article, AudienceBody, ReviewStatus, Revision
from articles.references.citing import UNKNOWN_CITATIONS
from articles.selectors import articles_with_status
from articles.services import DRAFT_EXISTS
from editorial import workflow
from editorial.api.articles import ArticleSerializer, ArticleViewSet
from editorial.api.filters import FilterBackend
from editorial.models import EDITORS_GROUP, AuditEvent, ReviewAssignment, ReviewDecision, User
from tests.editorial.scenarios import (
    PUBLISHED_FIRST,
    ROLE_MATRIX,
    ROLES,
    actor_for,
    reach_pair_state,
)
from tests.editorial.test_workflow import PAIRS, TABLE, TARGETS
from tests.factories import PASSWORD, BoardMemberFactory, RevisionFactory

API = "/api/v1"
NOT_LOGGED_IN = (401, 403)  # DRF answers 403 when session auth, listed first, is the only hint


def client_for(user: User | AnonymousUser | None = None) -> APIClient:
    client = APIClient()
    if user is not None and user.is_authenticated:
        client.force_login(user)  # a real session: SessionAuthentication does the work
    return client


def transition_url(revision: Revision, name: str) -> str:
    return f"{API}/articles/{revision.article_id}/transitions/{name}/"


def draft_for(editor: User) -> Revision:
    return RevisionFactory(author=editor)


def snapshot(revision: Revision) -> tuple[object, ...]:
    """Everything a refused transition must leave alone."""
    revision.refresh_from_db()
    article = Article.objects.get(pk=revision.article_id)
    return (
        revision.status,
        revision.review_round,
        article.published_revision_id,
        AuditEvent.objects.count(),
        ReviewDecision.objects.count(),
        ReviewAssignment.objects.count(),
    )


# The state machine over HTTP ------------------------------------------------------------------


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_transition_table_pair_through_the_api(status, action, editor, reach):
    reviewers = [BoardMemberFactory(), BoardMemberFactory()]
    third = BoardMemberFactory()
    revision = reach_pair_state(status, editor=editor, reviewers=reviewers, reach=reach)
    actor = reviewers[1] if action in ("approve", "request-changes") else editor
    payload: dict[str, object] = {}
    if action == "assign-reviewer":
        payload["reviewer"] = third.pk
    if action == "request-changes":
        payload["note"] = "Dose table is out of date."
    before = snapshot(revision)
    events_before = AuditEvent.objects.count()

    response = client_for(actor).post(transition_url(revision, action), payload, format="json")

    sources, target = TABLE[action][0], TARGETS[action]
    if status in sources:
        assert response.status_code == 200, response.json()
        revision.refresh_from_db()
        assert revision.status == target
        assert AuditEvent.objects.count() == events_before + 1
        event = AuditEvent.objects.first()
        assert (event.from_status, event.to_status) == (status, target)
        assert event.actor == actor
        body = response.json()
        assert body["status"] == target
        assert body["revision"] == revision.pk
        assert body["article"]["id"] == revision.article_id
        assert body["article"]["status"] == target
        assert body["allowed_transitions"] == workflow.transitions_available(
            revision=revision, actor=actor
        )
    else:
        assert response.status_code == 409, response.json()
        body = response.json()
        assert body["detail"].startswith("Cannot ")
        assert body["current_status"] == status
        assert body["allowed_transitions"] == workflow.transitions_available(
            revision=revision, actor=actor
        )
        assert action not in body["allowed_transitions"]
        assert snapshot(revision) == before


@pytest.mark.parametrize("status", ReviewStatus.values)
def test_publish_from_every_status_follows_the_policy(status, editor, reach):
    reviewers = [BoardMemberFactory(), BoardMemberFactory()]
    revision = reach_pair_state(status, editor=editor, reviewers=reviewers, reach=reach)
    before = snapshot(revision)

    response = client_for(editor).post(transition_url(revision, "publish"), format="json")

    article = Article.objects.get(pk=revision.article_id)
    if status in workflow.publishable_statuses():
        assert response.status_code == 200, response.json()
        assert article.published_revision_id == revision.pk
        assert response.json()["article"]["published_revision"] == revision.pk
        assert "publish" not in response.json()["allowed_transitions"]
        assert AuditEvent.objects.count() == before[3] + 1
        assert AuditEvent.objects.first().action == "publish"
    else:
        assert response.status_code == 409
        assert response.json()["current_status"] == status
        assert snapshot(revision) == before


def test_publish_requires_approval_when_the_policy_says_so(settings, editor, reach):
    settings.IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL = True
    revision = reach(RevisionFactory(author=editor), "submitted", editor=editor, reviewers=[])
    before = snapshot(revision)

    response = client_for(editor).post(transition_url(revision, "publish"), format="json")

    assert response.status_code == 409
    assert response.json()["detail"].startswith("Cannot publish: the revision is submitted")
    assert snapshot(revision) == before


# Every transition for every role ---------------------------------------------------------------

ROLE_CASES = [
    (action, role, expected.get(role))
    for action, (_, expected) in ROLE_MATRIX.items()
    for role in ROLES
]


def test_role_matrix_covers_every_action():
    assert set(ROLE_MATRIX) == set(workflow.ACTION_NAMES)


@pytest.mark.parametrize(("action", "role", "expected"), ROLE_CASES)
def test_transition_for_each_role(action, role, expected, editor, reviewer, second_reviewer, reach):
    status = ROLE_MATRIX[action][0]
    # The second reviewer approved first when under review, so the reviewer's approval counts.
    revision = reach(
        RevisionFactory(author=editor), status, editor=editor, reviewers=[second_reviewer, reviewer]
    )
    if action in PUBLISHED_FIRST:
        workflow.article_publish(revision=revision, actor=editor)
    actor = actor_for(role, editor=editor, reviewer=reviewer)
    payload = {"note": "Please cite the 2024 guideline.", "reviewer": BoardMemberFactory().pk}
    before = snapshot(revision)

    response = client_for(actor).post(transition_url(revision, action), payload, format="json")

    if role == "anonymous":
        assert response.status_code in NOT_LOGGED_IN
        assert response.json()["detail"] == "Authentication credentials were not provided."
    elif role == "unassigned":
        assert response.status_code == 404  # the article is outside their scope
    else:
        assert response.status_code == expected, response.json()
    if response.status_code == 200:
        assert AuditEvent.objects.count() == before[3] + 1
        assert AuditEvent.objects.first().actor == actor
    else:
        assert snapshot(revision) == before
    if response.status_code == 403 and actor.is_authenticated:
        assert response.json()["detail"].startswith("You may not ")


def test_the_author_on_the_board_can_neither_be_assigned_nor_approve(editor, reviewer):
    author = BoardMemberFactory()
    author.groups.add(Group.objects.get(name=EDITORS_GROUP))
    revision = RevisionFactory(author=author)
    workflow.revision_submit(revision=revision, actor=author)
    client = client_for(author)
    before = snapshot(revision)

    response = client.post(
        transition_url(revision, "assign-reviewer"), {"reviewer": author.pk}, format="json"
    )

    assert response.status_code == 400
    assert "cannot review this revision" in response.json()["detail"]
    assert snapshot(revision) == before

    workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    before = snapshot(revision)
    response = client.post(transition_url(revision, "approve"), format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "You may not approve this revision."
    assert snapshot(revision) == before
    listed = client.get(transition_url(revision, "")[:-1])
    assert "approve" not in listed.json()["allowed_transitions"]


def test_assign_reviewer_without_a_reviewer_is_invalid(editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    before = snapshot(draft)

    response = client_for(editor).post(transition_url(draft, "assign-reviewer"), format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == "Choose the board member to assign."
    assert snapshot(draft) == before


def test_request_changes_without_a_reason_is_invalid(editor, reviewer, reach):
    revision = reach(draft_for(editor), "under_review", editor=editor, reviewers=[reviewer])
    before = snapshot(revision)

    response = client_for(reviewer).post(
        transition_url(revision, "request-changes"), {"note": "  "}, format="json"
    )

    assert response.status_code == 400
    assert "a reason is required" in response.json()["detail"]
    assert snapshot(revision) == before


def test_submit_without_the_canonical_body_fails_its_guard(editor):
    revision = RevisionFactory(author=editor, canonical_body="")
    before = snapshot(revision)

    response = client_for(editor).post(transition_url(revision, "submit"), format="json")

    assert response.status_code == 409
    assert "Healthcare professional version" in response.json()["detail"]
    assert "current_status" not in response.json()
    assert snapshot(revision) == before


def test_unknown_transition_is_not_found(editor, draft):
    before = snapshot(draft)

    response = client_for(editor).post(transition_url(draft, "publish-everything"))

    assert response.status_code == 404
    assert "Unknown transition 'publish-everything'" in response.json()["detail"]
    assert snapshot(draft) == before


def test_transition_on_an_explicit_revision_of_another_article_is_refused(editor, draft):
    other = RevisionFactory(author=editor)
    before = snapshot(other)

    response = client_for(editor).post(
        transition_url(draft, "submit"), {"revision": other.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["revision"] == [workflow.WRONG_ARTICLE]
    assert snapshot(other) == before


def test_transition_acts_on_the_revision_given(editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    workflow.article_publish(revision=draft, actor=editor)
    newer = Revision.objects.get(
        pk=client_for(editor).post(f"{API}/revisions/", {"article": draft.article_id}).json()["id"]
    )

    response = client_for(editor).post(
        transition_url(draft, "withdraw"), {"revision": draft.pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["revision"] == draft.pk
    draft.refresh_from_db()
    newer.refresh_from_db()
    assert (draft.status, newer.status) == (ReviewStatus.DRAFT, ReviewStatus.DRAFT)
    assert AuditEvent.objects.first().revision == draft


def test_transitions_list_shows_what_the_user_may_do_now(editor, reviewer, reach):
    revision = reach(draft_for(editor), "submitted", editor=editor, reviewers=[])
    url = f"{API}/articles/{revision.article_id}/transitions/"

    as_editor = client_for(editor).get(url).json()

    assert as_editor["status"] == ReviewStatus.SUBMITTED
    assert as_editor["allowed_transitions"] == ["assign-reviewer", "withdraw", "publish"]

    workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    as_reviewer = client_for(reviewer).get(url).json()

    assert as_reviewer["status"] == ReviewStatus.UNDER_REVIEW
    # Invited, not yet accepted and declared: nothing to decide yet.
    assert as_reviewer["allowed_transitions"] == []


# Scope -----------------------------------------------------------------------------------------


def test_board_member_sees_only_what_they_review(editor, reviewer, reach):
    mine = reach(draft_for(editor), "under_review", editor=editor, reviewers=[reviewer])
    hidden = reach(
        draft_for(editor), "under_review", editor=editor, reviewers=[BoardMemberFactory()]
    )
    as_reviewer = client_for(reviewer)

    listed = as_reviewer.get(f"{API}/articles/").json()
    assert [a["id"] for a in listed["results"]] == [mine.article_id]
    for path in (
        f"articles/{hidden.article_id}/",
        f"articles/{hidden.article_id}/transitions/",
        f"revisions/{hidden.pk}/",
        f"bodies/{hidden.bodies.get().pk}/",
    ):
        assert as_reviewer.get(f"{API}/{path}").status_code == 404, path
    assert (
        len(as_reviewer.get(f"{API}/revisions/?article={hidden.article_id}").json()["results"]) == 0
    )
    assert len(as_reviewer.get(f"{API}/bodies/?revision={hidden.pk}").json()["results"]) == 0
    assert (
        len(as_reviewer.get(f"{API}/audit-events/?article={hidden.article_id}").json()["results"])
        == 0
    )
    assert {a["revision"] for a in as_reviewer.get(f"{API}/assignments/").json()["results"]} == {
        mine.pk
    }
    events = as_reviewer.get(f"{API}/audit-events/?article={mine.article_id}").json()
    assert (
        len(events["results"]) == AuditEvent.objects.filter(article_id=mine.article_id).count() > 0
    )

    everything = client_for(editor).get(f"{API}/articles/").json()
    assert {a["id"] for a in everything["results"]} == {mine.article_id, hidden.article_id}
    assert len(client_for(editor).get(f"{API}/audit-events/").json()["results"]) == (
        AuditEvent.objects.count()
    )


def test_decisions_are_scoped_to_their_reviewer(editor, reviewer, second_reviewer, reach):
    revision = reach(
        draft_for(editor), "under_review", editor=editor, reviewers=[reviewer, second_reviewer]
    )  # reviewer has approved

    mine = client_for(reviewer).get(f"{API}/decisions/").json()
    theirs = client_for(second_reviewer).get(f"{API}/decisions/").json()
    all_of_them = client_for(editor).get(f"{API}/decisions/").json()

    assert [(d["revision"], d["verdict"]) for d in mine["results"]] == [(revision.pk, "approve")]
    assert len(theirs["results"]) == 0
    assert len(all_of_them["results"]) == 1


@pytest.mark.parametrize(
    "path", ["articles/", "revisions/", "bodies/", "assignments/", "decisions/", "audit-events/"]
)
def test_anonymous_requests_are_refused(path, draft):
    response = APIClient().get(f"{API}/{path}")
    assert response.status_code in NOT_LOGGED_IN


# Content writes --------------------------------------------------------------------------------


def test_editor_creates_and_updates_an_article(editor, reviewer):
    client = client_for(editor)

    created = client.post(
        f"{API}/articles/",
        {"slug": "ankle-sprain", "title": "How is an ankle sprain treated?", "topic": "Sports"},
        format="json",
    )

    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["status"], data["latest_revision_number"]) == ("draft", 1)
    assert Revision.objects.get(article_id=data["id"]).author == editor
    updated = client.patch(
        f"{API}/articles/{data['id']}/",
        {"title": "Ankle sprain: what helps?", "review_interval_months": 12, "slug": "x"},
        format="json",
    )
    assert updated.status_code == 200, updated.json()
    article = Article.objects.get(pk=data["id"])
    assert (article.title, article.review_interval_months, article.slug) == (
        "Ankle sprain: what helps?",
        12,
        "ankle-sprain",
    )
    board = client_for(reviewer)
    assert board.post(f"{API}/articles/", {"slug": "b", "title": "B"}).status_code == 403
    assert not Article.objects.filter(slug="b").exists()


def test_board_member_cannot_edit_an_article_they_review(editor, reviewer, reach):
    revision = reach(draft_for(editor), "submitted", editor=editor, reviewers=[reviewer])

    response = client_for(reviewer).patch(
        f"{API}/articles/{revision.article_id}/", {"title": "Hijacked"}, format="json"
    )

    assert response.status_code == 403
    assert Article.objects.get(pk=revision.article_id).title != "Hijacked"


def test_new_draft_revision_copies_the_bodies_and_only_once(editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    client = client_for(editor)

    response = client.post(
        f"{API}/revisions/", {"article": draft.article_id, "change_summary": "Update doses"}
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["number"], response.json()["status"]) == (2, "draft")
    new = Revision.objects.get(pk=response.json()["id"])
    assert new.bodies.get().body == draft.bodies.get().body
    again = client.post(f"{API}/revisions/", {"article": draft.article_id})
    assert again.status_code == 409
    assert again.json()["detail"] == DRAFT_EXISTS.format(number=2)
    assert Revision.objects.filter(article_id=draft.article_id).count() == 2


def test_editor_writes_the_bodies_of_a_draft(editor, draft):
    client = client_for(editor)
    body = draft.bodies.get()

    updated = client.patch(
        f"{API}/bodies/{body.pk}/", {"body": "Rest, then graded loading.\r\n"}, format="json"
    )
    created = client.post(
        f"{API}/bodies/",
        {"revision": draft.pk, "audience": "patient", "body": "Rest it."},
        format="json",
    )

    assert updated.status_code == 200, updated.json()
    body.refresh_from_db()
    assert body.body == "Rest, then graded loading."
    assert created.status_code == 201, created.json()
    assert created.json()["audience"] == "patient"
    assert len(client.get(f"{API}/bodies/?revision={draft.pk}").json()["results"]) == 2
    assert client.delete(f"{API}/bodies/{created.json()['id']}/").status_code == 204
    assert draft.bodies.count() == 1


def test_a_body_citing_an_unknown_key_is_invalid_input_naming_its_version(editor, draft):
    client = client_for(editor)

    response = client.post(
        f"{API}/bodies/",
        {"revision": draft.pk, "audience": "patient", "body": "Rest [@nope]."},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == UNKNOWN_CITATIONS.format(keys="nope")
    assert [reason["message"] for reason in response.json()["reasons"]] == [
        "Patient or caregiver version: unknown reference keys: nope."
    ]
    assert draft.bodies.count() == 1


def test_writing_a_body_of_a_submitted_revision_is_a_conflict(editor, draft):
    body = draft.bodies.get()
    original = body.body
    workflow.revision_submit(revision=draft, actor=editor)
    client = client_for(editor)
    locked = REVISION_LOCKED.format(number=draft.number)

    response = client.put(f"{API}/bodies/{body.pk}/", {"body": "Changed."}, format="json")
    added = client.post(
        f"{API}/bodies/",
        {"revision": draft.pk, "audience": "patient", "body": "New."},
        format="json",
    )
    removed = client.delete(f"{API}/bodies/{body.pk}/")

    assert (response.status_code, response.json()["detail"]) == (409, locked)
    assert (added.status_code, added.json()["detail"]) == (409, locked)
    assert removed.status_code == 409
    body.refresh_from_db()
    assert body.body == original
    assert list(AudienceBody.objects.filter(revision=draft)) == [body]


def test_board_member_cannot_write_bodies(editor, reviewer, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    workflow.revision_assign_reviewer(revision=draft, actor=editor, reviewer=reviewer)
    body = draft.bodies.get()

    response = client_for(reviewer).patch(f"{API}/bodies/{body.pk}/", {"body": "Mine."})

    assert response.status_code == 403
    body.refresh_from_db()
    assert body.body != "Mine."


# Auth ------------------------------------------------------------------------------------------


def test_token_login_authenticates_requests_until_logout(editor):
    anonymous = APIClient()
    wrong = anonymous.post(
        f"{API}/auth/login/", {"username": editor.username, "password": "nope"}, format="json"
    )
    login = anonymous.post(
        f"{API}/auth/login/", {"username": editor.username, "password": PASSWORD}, format="json"
    )

    assert wrong.status_code == 400
    assert login.status_code == 200, login.json()
    token = login.json()["token"]
    scripted = APIClient()
    assert scripted.get(f"{API}/articles/").status_code in NOT_LOGGED_IN
    scripted.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert scripted.get(f"{API}/articles/").status_code == 200
    assert scripted.post(f"{API}/auth/logout/").status_code == 204
    assert scripted.get(f"{API}/articles/").status_code in NOT_LOGGED_IN


def test_token_authenticates_a_transition(editor, draft):
    token = (
        APIClient()
        .post(f"{API}/auth/login/", {"username": editor.username, "password": PASSWORD})
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.post(transition_url(draft, "submit"))

    assert response.status_code == 200
    assert AuditEvent.objects.get().actor == editor


# Query counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_article_list_query_count_does_not_grow(size, editor, django_assert_num_queries):
    RevisionFactory.create_batch(size, author=editor)
    client = client_for(editor)

    # session, user, the user's groups, the page with its rows' newest revisions (a join; no
    # count)
    with django_assert_num_queries(4):
        response = client.get(f"{API}/articles/")

    assert len(response.json()["results"]) == min(size, 25)
    assert all(a["status"] == "draft" for a in response.json()["results"])


def test_article_list_rows_are_what_the_article_serializer_gives(editor, settings):
    """The list writes its rows without DRF's serializer (article_row): the same JSON."""
    settings.TIME_ZONE = "America/New_York"  # not UTC: offsets as DRF writes them
    published = RevisionFactory(author=editor)
    workflow.revision_submit(revision=published, actor=editor)
    workflow.article_publish(revision=published, actor=editor)
    RevisionFactory(author=editor)  # a draft
    Article.objects.create(slug="no-revision", title="No revision yet", topic="")
    client = client_for(editor)

    rows = client.get(f"{API}/articles/").json()["results"]

    expected = [
        json.loads(json.dumps(ArticleSerializer(article).data))
        for article in articles_with_status().order_by("title", "pk")
    ]
    assert rows == expected
    assert {row["status"] for row in rows} == {"submitted", "draft", None}
    assert any(
        row["published_at"] and row["published_at"].endswith(("-05:00", "-04:00")) for row in rows
    )


@pytest.mark.parametrize("size", [3, 30])
def test_review_lists_query_count_does_not_grow(size, editor, reviewer, django_assert_num_queries):
    for revision in RevisionFactory.create_batch(size, author=editor):
        workflow.revision_submit(revision=revision, actor=editor)
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    client = client_for(reviewer)

    # session, user, the user's groups, the page (articles: with its rows' newest revisions)
    for path, queries in (
        ("articles/", 4),
        ("revisions/", 4),
        ("assignments/", 4),
        ("audit-events/", 4),
    ):
        with django_assert_num_queries(queries):
            response = client.get(f"{API}/{path}")
        assert len(response.json()["results"]) >= min(size, 25), path


# Schema and docs -------------------------------------------------------------------------------


def test_schema_is_openapi_3_with_the_transitions(db):
    response = APIClient().get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operation = schema["paths"]["/api/v1/articles/{id}/transitions/{name}/"]["post"]
    name = next(p for p in operation["parameters"] if p["name"] == "name")
    assert sorted(name["schema"]["enum"]) == sorted(workflow.ACTION_NAMES)
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert "/api/v1/articles/{id}/transitions/" in schema["paths"]


def test_docs_are_served_from_our_own_static_files(db):
    client = APIClient()
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "http://" not in html
    assert "https://" not in html
    # No inline script, and the page's policy still forbids it (only inline style is allowed).
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    script_src = next(
        d for d in response["Content-Security-Policy"].split(";") if "script-src" in d
    )
    assert "unsafe-inline" not in script_src
    refs = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"', html)
    assets = [ref for ref in refs if not ref.startswith("/api/docs/")]
    assert len(assets) >= 3  # the stylesheet and the two Swagger UI bundles, at least
    for ref in assets:
        assert ref.startswith("/static/"), ref
        assert finders.find(ref.removeprefix("/static/")), ref
    script = next(ref for ref in refs if ref.startswith("/api/docs/"))
    init = client.get(script.replace("&amp;", "&"))
    assert init.status_code == 200
    assert "/api/schema/" in init.content.decode()


def test_assign_reviewer_with_a_due_date_and_the_assignment_state(editor, reviewer, draft):
    workflow.revision_submit(revision=draft, actor=editor)

    response = client_for(editor).post(
        transition_url(draft, "assign-reviewer"),
        {"reviewer": reviewer.pk, "due_date": "2099-01-31"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    listed = client_for(reviewer).get(f"{API}/assignments/").json()["results"]
    assert [(a["state"], a["due_date"]) for a in listed] == [("invited", "2099-01-31")]


def test_the_filter_backend_builds_no_filterset_for_a_request_naming_none_of_its_filters(db):
    view = ArticleViewSet(action="list")
    queryset = articles_with_status()
    plain = Request(APIRequestFactory().get(f"{API}/articles/", {"cursor": "x"}))
    assert FilterBackend().filter_queryset(plain, queryset, view) is queryset
    filtered = Request(APIRequestFactory().get(f"{API}/articles/", {"status": "draft"}))
    assert "newest_status" in str(FilterBackend().filter_queryset(filtered, queryset, view).query)
