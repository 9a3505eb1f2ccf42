"""The review over the API: assignment actions, comments, the inbox and the diff of a revision,
for each role, through the real services; list query counts do not grow."""

import pytest

from articles.models import AudienceLevel, ReviewStatus
from articles.services import revision_create_draft, revision_edit
from editorial import comments, review, workflow
from editorial.models import Notification, ReviewAssignment, ReviewComment
from tests.editorial.scenarios import ROLES, actor_for
from tests.editorial.test_api import API, NOT_LOGGED_IN, client_for
from tests.factories import BoardMemberFactory, RevisionFactory, assign_ready

TEXT = "Rest, ice and graded loading help most people recover."


def invite(editor, reviewer):  # type: ignore[no-untyped-def]
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    return workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)


def canonical() -> AudienceLevel:
    return AudienceLevel.objects.get(is_canonical=True)


def thread_by(author, revision):  # type: ignore[no-untyped-def]
    return comments.comment_create(
        revision=revision,
        actor=author,
        audience=canonical(),
        quoted_text="graded loading",
        offset=TEXT.index("graded loading"),
        body="Say how graded.",
    )


def expect_denied(role: str, status_code: int) -> None:
    """Outside scope is 404; inside scope but not allowed is 403; anonymous 401/403."""
    if role == "anonymous":
        assert status_code in NOT_LOGGED_IN
    elif role == "unassigned":
        assert status_code == 404
    else:
        assert status_code == 403


# Assignments -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_accept_by_role(role, editor, reviewer):
    assignment = invite(editor, reviewer)
    actor = actor_for(role, editor=editor, reviewer=reviewer)

    response = client_for(actor).post(f"{API}/assignments/{assignment.pk}/accept/")

    assignment.refresh_from_db()
    if role == "assigned":
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == "accepted"
        assert assignment.state == ReviewAssignment.State.ACCEPTED
    else:
        expect_denied(role, response.status_code)
        assert assignment.state == ReviewAssignment.State.INVITED


def test_accepting_twice_is_a_conflict(editor, reviewer):
    assignment = invite(editor, reviewer)
    client = client_for(reviewer)
    client.post(f"{API}/assignments/{assignment.pk}/accept/")

    response = client.post(f"{API}/assignments/{assignment.pk}/accept/")

    assert response.status_code == 409
    assert response.json()["detail"] == review.NOT_INVITED.format(state="accepted")


@pytest.mark.parametrize("role", ROLES)
def test_decline_by_role(role, editor, reviewer):
    assignment = invite(editor, reviewer)
    actor = actor_for(role, editor=editor, reviewer=reviewer)
    url = f"{API}/assignments/{assignment.pk}/decline/"

    response = client_for(actor).post(url, {"reason": "On leave"}, format="json")

    assignment.refresh_from_db()
    if role == "assigned":
        assert response.status_code == 200, response.json()
        assert (assignment.state, assignment.decline_reason) == ("declined", "On leave")
        revision_url = f"{API}/revisions/{assignment.revision_id}/"
        assert client_for(reviewer).get(revision_url).status_code == 404
    else:
        expect_denied(role, response.status_code)
        assert assignment.state == ReviewAssignment.State.INVITED


def test_decline_needs_a_reason(editor, reviewer):
    assignment = invite(editor, reviewer)

    response = client_for(reviewer).post(
        f"{API}/assignments/{assignment.pk}/decline/", {"reason": "  "}, format="json"
    )

    assert response.status_code == 400
    assert "reason" in response.json()
    assignment.refresh_from_db()
    assert assignment.state == ReviewAssignment.State.INVITED


@pytest.mark.parametrize("role", ROLES)
def test_remove_by_role(role, editor, reviewer):
    assignment = invite(editor, reviewer)
    actor = actor_for(role, editor=editor, reviewer=reviewer)

    response = client_for(actor).post(f"{API}/assignments/{assignment.pk}/remove/")

    assignment.refresh_from_db()
    if role == "editor":
        assert response.status_code == 200, response.json()
        assert assignment.state == ReviewAssignment.State.REMOVED
        again = client_for(editor).post(f"{API}/assignments/{assignment.pk}/remove/")
        assert again.status_code == 409
        assert again.json()["detail"] == review.NOT_ACTIVE.format(state="removed")
    else:
        expect_denied(role, response.status_code)
        assert assignment.state == ReviewAssignment.State.INVITED


@pytest.mark.parametrize("role", ROLES)
def test_declare_interests_by_role(role, editor, reviewer):
    assignment = invite(editor, reviewer)
    actor = actor_for(role, editor=editor, reviewer=reviewer)
    payload = {"interests": [{"kind": "financial", "details": "Speaker fees"}]}

    response = client_for(actor).post(
        f"{API}/assignments/{assignment.pk}/interests/", payload, format="json"
    )

    if role == "assigned":
        assert response.status_code == 200, response.json()
        assert response.json() == {
            "none": False,
            "interests": [{"kind": "financial", "details": "Speaker fees"}],
        }
        assert workflow.has_declared(revision=assignment.revision, reviewer=reviewer)
    else:
        expect_denied(role, response.status_code)
        assert not workflow.has_declared(revision=assignment.revision, reviewer=reviewer)


def test_declaring_none_and_interests_at_once_is_invalid(editor, reviewer):
    assignment = invite(editor, reviewer)
    url = f"{API}/assignments/{assignment.pk}/interests/"
    client = client_for(reviewer)

    both = client.post(
        url, {"none": True, "interests": [{"kind": "other", "details": "x"}]}, format="json"
    )
    bad_kind = client.post(url, {"interests": [{"kind": "vague", "details": "x"}]}, format="json")
    none = client.post(url, {"none": True}, format="json")

    assert both.status_code == 400
    assert both.json()["detail"] == review.INTERESTS_OR_NONE
    assert bad_kind.status_code == 400
    assert none.status_code == 200
    assert none.json() == {"none": True, "interests": []}


def test_declaration_cannot_change_after_deciding(settings, editor, reviewer):
    settings.IMPRIMATUR_MIN_APPROVALS = 5
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assignment = assign_ready(revision, editor=editor, reviewer=reviewer)
    workflow.revision_approve(revision=revision, actor=reviewer)

    response = client_for(reviewer).post(
        f"{API}/assignments/{assignment.pk}/interests/", {"none": True}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["detail"] == review.ALREADY_DECIDED_DECLARATION


# Comments --------------------------------------------------------------------------------------


def comment_payload(revision, **overrides):  # type: ignore[no-untyped-def]
    return {
        "revision": revision.pk,
        "audience": canonical().slug,
        "quoted_text": "graded loading",
        "offset": TEXT.index("graded loading"),
        "severity": "safety",
        "body": "Add a warning.",
        **overrides,
    }


@pytest.mark.parametrize("role", ROLES)
def test_create_comment_by_role(role, editor, reviewer):
    revision = assign_ready(
        invite(editor, BoardMemberFactory()).revision, editor=editor, reviewer=reviewer
    ).revision
    actor = actor_for(role, editor=editor, reviewer=reviewer)

    response = client_for(actor).post(f"{API}/comments/", comment_payload(revision), format="json")

    if role in ("editor", "assigned"):
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["severity"], body["quoted_text"], body["is_resolved"]) == (
            "safety",
            "graded loading",
            False,
        )
        assert body["author"]["id"] == actor.pk
        assert ReviewComment.objects.count() == 1
    else:
        # The revision is outside the other member's scope: it reads as "does not exist".
        assert response.status_code in ((400,) if role == "unassigned" else NOT_LOGGED_IN)
        assert ReviewComment.objects.count() == 0


def test_invited_reviewer_who_has_not_accepted_cannot_comment(editor, reviewer):
    revision = invite(editor, reviewer).revision

    response = client_for(reviewer).post(
        f"{API}/comments/", comment_payload(revision), format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == comments.COMMENT_FORBIDDEN


def test_comment_on_a_passage_not_in_the_text_is_invalid(editor):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)

    response = client_for(editor).post(
        f"{API}/comments/",
        comment_payload(revision, quoted_text="graded unloading", offset=0),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == comments.QUOTE_NOT_FOUND.format(audience=canonical().label)


def test_comments_list_filters_by_revision_and_is_scoped(editor, reviewer):
    mine = assign_ready(
        invite(editor, BoardMemberFactory()).revision, editor=editor, reviewer=reviewer
    ).revision
    other = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    thread = thread_by(reviewer, mine)
    comments.comment_reply(parent=thread, actor=editor, body="Agreed.")
    thread_by(editor, other)

    as_reviewer = client_for(reviewer).get(f"{API}/comments/").json()
    as_editor = client_for(editor).get(f"{API}/comments/", {"revision": other.pk}).json()
    outsider = client_for(BoardMemberFactory()).get(f"{API}/comments/").json()

    assert len(as_reviewer["results"]) == 2
    assert {c["revision"] for c in as_reviewer["results"]} == {mine.pk}
    assert [c["parent"] for c in as_reviewer["results"]] == [None, thread.pk]
    assert len(as_editor["results"]) == 1
    assert len(outsider["results"]) == 0


@pytest.mark.parametrize("role", ROLES)
def test_reply_by_role(role, editor, reviewer):
    revision = assign_ready(
        invite(editor, BoardMemberFactory()).revision, editor=editor, reviewer=reviewer
    ).revision
    thread = thread_by(editor, revision)
    actor = actor_for(role, editor=editor, reviewer=reviewer)

    response = client_for(actor).post(
        f"{API}/comments/{thread.pk}/reply/", {"body": "Done."}, format="json"
    )

    if role in ("editor", "assigned"):
        assert response.status_code == 201, response.json()
        assert response.json()["parent"] == thread.pk
        assert thread.replies.get().body == "Done."
    else:
        expect_denied(role, response.status_code)
        assert not thread.replies.exists()


@pytest.mark.parametrize("role", ROLES)
def test_resolve_and_reopen_by_role(role, editor, reviewer, second_reviewer):
    revision = assign_ready(
        invite(editor, second_reviewer).revision, editor=editor, reviewer=reviewer
    ).revision
    review.assignment_accept(
        assignment=ReviewAssignment.objects.get(reviewer=second_reviewer), actor=second_reviewer
    )
    thread = thread_by(second_reviewer, revision)  # neither the editor's nor the reviewer's
    actor = actor_for(role, editor=editor, reviewer=reviewer)
    client = client_for(actor)

    resolved = client.post(f"{API}/comments/{thread.pk}/resolve/")

    thread.refresh_from_db()
    if role == "editor":
        assert resolved.status_code == 200, resolved.json()
        assert resolved.json()["is_resolved"] is True
        assert resolved.json()["resolved_by"]["id"] == editor.pk
        again = client.post(f"{API}/comments/{thread.pk}/resolve/")
        assert again.status_code == 409
        assert again.json()["detail"] == comments.ALREADY_RESOLVED
        reopened = client.post(f"{API}/comments/{thread.pk}/reopen/")
        assert reopened.status_code == 200
        assert reopened.json()["is_resolved"] is False
    else:
        expect_denied(role, resolved.status_code)
        assert not thread.is_resolved


def test_the_author_resolves_their_own_comment(editor, reviewer):
    revision = assign_ready(
        invite(editor, BoardMemberFactory()).revision, editor=editor, reviewer=reviewer
    ).revision
    thread = thread_by(reviewer, revision)
    client = client_for(reviewer)

    assert client.post(f"{API}/comments/{thread.pk}/reopen/").status_code == 409
    assert client.post(f"{API}/comments/{thread.pk}/resolve/").status_code == 200
    thread.refresh_from_db()
    assert thread.resolved_by == reviewer


# Inbox -----------------------------------------------------------------------------------------


def test_inbox_lists_only_your_own_and_marks_read(
    editor, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # notifications go after commit
        invite(editor, reviewer)
        invite(editor, second_reviewer)
    mine = Notification.objects.get(recipient=reviewer)
    theirs = Notification.objects.get(recipient=second_reviewer)
    client = client_for(reviewer)

    listed = client.get(f"{API}/notifications/").json()
    read = client.post(f"{API}/notifications/{mine.pk}/read/")
    not_mine = client.post(f"{API}/notifications/{theirs.pk}/read/")
    as_editor = client_for(editor).post(f"{API}/notifications/{theirs.pk}/read/")

    assert [n["id"] for n in listed["results"]] == [mine.pk]
    assert listed["results"][0]["event"]["action"] == "assign-reviewer"
    assert listed["results"][0]["is_read"] is False
    assert read.status_code == 200
    assert read.json()["is_read"] is True
    assert not_mine.status_code == 404
    assert as_editor.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client_for().get(f"{API}/notifications/").status_code in NOT_LOGGED_IN


# Diff ------------------------------------------------------------------------------------------


def test_diff_of_a_revision_against_the_approved_one(editor, reviewer, second_reviewer, reach):
    first = reach(
        RevisionFactory(author=editor, canonical_body="Rest and ice help."),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    draft = revision_create_draft(article=first.article, author=editor)
    revision_edit(revision=draft, editor=editor, bodies={canonical(): "Rest and loading help."})

    response = client_for(editor).get(f"{API}/revisions/{draft.pk}/diff/")
    first_diff = client_for(editor).get(f"{API}/revisions/{first.pk}/diff/")
    outsider = client_for(BoardMemberFactory()).get(f"{API}/revisions/{draft.pk}/diff/")
    declined = client_for(reviewer).get(f"{API}/revisions/{draft.pk}/diff/")

    assert response.status_code == 200
    body = response.json()
    assert (body["base"], body["base_number"]) == (first.pk, first.number)
    (changes,) = body["bodies"]
    assert changes["audience"] == canonical().slug
    assert {"op": "delete", "text": "ice"} in changes["pieces"]
    assert {"op": "insert", "text": "loading"} in changes["pieces"]
    assert first_diff.json()["base"] is None
    assert outsider.status_code == 404
    assert declined.status_code == 404  # not assigned to the new draft


# Query counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_new_lists_query_count_does_not_grow(
    size, editor, reviewer, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(size):
            revision = invite(editor, BoardMemberFactory()).revision
            assign_ready(revision, editor=editor, reviewer=reviewer)
            thread = thread_by(reviewer, revision)
            comments.comment_reply(parent=thread, actor=editor, body="Agreed.")
            comments.comment_resolve(comment=thread, actor=editor)
    assert Notification.objects.filter(recipient=reviewer).count() >= size
    client = client_for(reviewer)

    # session, user, (the user's groups, for the comments' scope), the page: no count
    for path, queries in (("comments/", 4), ("notifications/", 3)):
        with django_assert_num_queries(queries):
            response = client.get(f"{API}/{path}")
        assert len(response.json()["results"]) >= size, path
    # with a revision filter: the same
    with django_assert_num_queries(4):
        response = client.get(f"{API}/comments/", {"revision": revision.pk})
    assert len(response.json()["results"]) == 2


def test_schema_lists_the_review_actions(db):
    schema = client_for().get("/api/schema/?format=json").json()

    for path in (
        "/api/v1/assignments/{id}/accept/",
        "/api/v1/assignments/{id}/decline/",
        "/api/v1/assignments/{id}/remove/",
        "/api/v1/assignments/{id}/interests/",
        "/api/v1/comments/",
        "/api/v1/comments/{id}/reply/",
        "/api/v1/comments/{id}/resolve/",
        "/api/v1/comments/{id}/reopen/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/revisions/{id}/diff/",
    ):
        assert path in schema["paths"], path


def test_editor_invites_a_reviewer_again_after_they_declined(editor, reviewer):
    assignment = invite(editor, reviewer)
    client_for(reviewer).post(
        f"{API}/assignments/{assignment.pk}/decline/", {"reason": "Away"}, format="json"
    )
    url = f"{API}/articles/{assignment.revision.article_id}/transitions/assign-reviewer/"

    response = client_for(editor).post(url, {"reviewer": reviewer.pk}, format="json")

    assert response.status_code == 200, response.json()
    listed = client_for(reviewer).get(f"{API}/assignments/").json()["results"]
    assert [(a["id"], a["state"], a["decline_reason"]) for a in listed] == [
        (assignment.pk, "invited", "")
    ]
    assert client_for(reviewer).get(f"{API}/revisions/{assignment.revision_id}/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_diff_by_role(role, editor, reviewer):
    revision = invite(editor, reviewer).revision
    actor = actor_for(role, editor=editor, reviewer=reviewer)

    response = client_for(actor).get(f"{API}/revisions/{revision.pk}/diff/")

    if role in ("editor", "assigned"):
        assert response.status_code == 200
        assert response.json()["base"] is None  # a first revision: nothing to compare
        assert response.json()["revision"] == revision.pk
    elif role == "unassigned":
        assert response.status_code == 404
    else:
        assert response.status_code in NOT_LOGGED_IN
