"""Who reads what of a revision's review (issue 14, "who sees what"): the history page, the
article page, the audit-events, assignments, decisions and comments API, per revision and role.

One article, two revisions. Revision 1: Rhea reviews (declares a financial interest, comments,
requests changes), Dana declines with a reason. Revision 2: Ravi reviews (declares an interest,
comments), Cora reviews (declares none), Otto declines with a reason, Remy is removed with a
note. Olga is on the board and reviews nothing.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.test import APIClient

from articles.models import AudienceLevel, Revision
from articles.services import revision_create_draft, revision_edit
from editorial import comments, review, workflow
from editorial.events import (
    DECLARED_INTERESTS,
    DECLARED_NO_INTERESTS,
    EVENT_TYPES,
    Read,
    Told,
)
from editorial.models import User
from tests.factories import BoardMemberFactory, RevisionFactory

API = "/api/v1"

# What only some may read, by where it comes from.
RHEA_INTEREST = "Consults for Acme Orthopaedics"
DANA_DECLINE = "On sabbatical until March"
RHEA_COMMENT = "Cite the 2021 randomised trial here"
RHEA_CHANGES = "The dosage table is outdated"
RHEA_EDITORS_NOTE = "Privately: the author seems rushed"
RAVI_INTEREST = "Holds shares in Bayer"
RAVI_COMMENT = "Second revision wording is clearer"
OTTO_DECLINE = "Too busy this month"
REMY_REMOVED = "Removed after a conflict came to light"
REV1_SECRETS = (RHEA_INTEREST, DANA_DECLINE, RHEA_COMMENT, RHEA_CHANGES)
REV2_SECRETS = (RAVI_INTEREST, RAVI_COMMENT, OTTO_DECLINE, REMY_REMOVED)
EVERYTHING = (*REV1_SECRETS, *REV2_SECRETS)


@dataclass
class Story:
    editor: User
    first: Revision
    second: Revision
    people: dict[str, User]


def _member(name: str) -> User:
    return BoardMemberFactory(username=name.lower(), first_name=name, last_name="Board")


def _ready(revision: Revision, editor: User, reviewer: User, interest: str = "") -> None:
    assignment = workflow.revision_assign_reviewer(
        revision=revision, actor=editor, reviewer=reviewer
    )
    review.assignment_accept(assignment=assignment, actor=reviewer)
    interests = [review.Interest("financial", interest)] if interest else []
    review.interests_declare(
        assignment=assignment, actor=reviewer, none=not interests, interests=interests
    )


def _decline(revision: Revision, editor: User, reviewer: User, reason: str) -> None:
    assignment = workflow.revision_assign_reviewer(
        revision=revision, actor=editor, reviewer=reviewer
    )
    review.assignment_decline(assignment=assignment, actor=reviewer, reason=reason)


@pytest.fixture
def story(editor) -> Story:
    people = {name: _member(name) for name in ("Rhea", "Dana", "Ravi", "Cora", "Otto", "Remy")}
    people["Olga"] = _member("Olga")
    audience = AudienceLevel.objects.get(is_canonical=True)
    first = RevisionFactory(author=editor, last_edited_by=editor, number=1)
    workflow.revision_submit(revision=first, actor=editor)
    _ready(first, editor, people["Rhea"], RHEA_INTEREST)
    _decline(first, editor, people["Dana"], DANA_DECLINE)
    thread = comments.comment_create(
        revision=first,
        actor=people["Rhea"],
        audience=audience,
        quoted_text="Rest",
        body=RHEA_COMMENT,
    )
    comments.comment_resolve(comment=thread, actor=editor)  # it stays on revision 1
    workflow.revision_request_changes(
        revision=first, actor=people["Rhea"], reason=RHEA_CHANGES, editors_note=RHEA_EDITORS_NOTE
    )

    second = revision_create_draft(article=first.article, author=editor)
    workflow.revision_submit(revision=second, actor=editor)
    _ready(second, editor, people["Ravi"], RAVI_INTEREST)
    _ready(second, editor, people["Cora"])
    _decline(second, editor, people["Otto"], OTTO_DECLINE)
    removed = workflow.revision_assign_reviewer(
        revision=second, actor=editor, reviewer=people["Remy"]
    )
    review.assignment_remove(assignment=removed, actor=editor, note=REMY_REMOVED)
    comments.comment_create(
        revision=second,
        actor=people["Ravi"],
        audience=audience,
        quoted_text="ice",
        body=RAVI_COMMENT,
    )
    return Story(editor, first, second, people)


def _reader(story: Story, role: str) -> User | AnonymousUser:
    return {"editor": story.editor, "anonymous": AnonymousUser()}.get(role) or story.people[role]


def _api(user: User | AnonymousUser) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        client.force_login(user)
    return client


# Who reads which of the strings above (besides sentences everybody on the revision reads).
READS = {
    "editor": set(EVERYTHING),
    # Rhea reviews revision 1 only: her own interest, comment and request; not Dana's reason.
    "Rhea": {RHEA_INTEREST, RHEA_COMMENT, RHEA_CHANGES},
    # Ravi and Cora review revision 2: Ravi his own interest; both the comment; no reasons.
    "Ravi": {RAVI_INTEREST, RAVI_COMMENT},
    "Cora": {RAVI_COMMENT},
    # Declined or removed: access ends with the assignment.
    "Otto": set(),
    "Remy": set(),
    "Olga": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("role", list(READS))
def test_history_page_shows_each_reader_what_they_may_read(role, story, client):
    reader = _reader(story, role)
    if reader.is_authenticated:
        client.force_login(reader)
    response = client.get(reverse("editorial:history", kwargs={"pk": story.first.article_id}))
    if not READS[role]:
        assert response.status_code in (302, 404)
        return
    assert response.status_code == 200
    page = response.text
    for secret in EVERYTHING:
        assert (secret in page) == (secret in READS[role]), secret
    if role in ("Rhea",):
        assert "declined to review revision 1" in page  # the fact, not the reason
        assert "revision 2" not in page
    if role in ("Ravi", "Cora"):
        assert "revision 1" not in page
        assert "Otto Board declined to review revision 2" in page
        assert "removed Remy Board from the review of revision 2" in page
    if role == "Cora":
        assert DECLARED_INTERESTS in page  # Ravi's: whether, not what
    if role == "Ravi":
        assert DECLARED_NO_INTERESTS in page  # Cora's


@pytest.mark.parametrize("role", list(READS))
def test_audit_events_api_is_scoped_per_revision(role, story):
    reader = _reader(story, role)
    response = _api(reader).get(f"{API}/audit-events/?article={story.first.article_id}")
    if not reader.is_authenticated:
        assert response.status_code in (401, 403)
        return
    events = response.json()["results"]
    text = " ".join(event["note"] for event in events)
    for secret in EVERYTHING:
        assert (secret in text) == (secret in READS[role]), secret
    revisions = {event["revision"] for event in events}
    expected = {
        "editor": {story.first.pk, story.second.pk},
        "Rhea": {story.first.pk},
        "Ravi": {story.second.pk},
        "Cora": {story.second.pk},
    }.get(role, set())
    assert revisions == expected
    for event in events:  # nor one by one
        assert _api(reader).get(f"{API}/audit-events/{event['id']}/").status_code == 200
    if role in ("Rhea", "Otto", "Remy", "Olga"):
        others = story.second.audit_events.values_list("pk", flat=True)
        for pk in others:
            assert _api(reader).get(f"{API}/audit-events/{pk}/").status_code == 404


@pytest.mark.parametrize("role", ["editor", "Rhea", "Ravi", "Cora"])
def test_article_page_lists_the_newest_revisions_reviewers_only_to_its_readers(role, story, client):
    client.force_login(_reader(story, role))
    page = client.get(reverse("editorial:article", kwargs={"pk": story.first.article_id})).text
    reviewers = page[page.index('id="reviewers-heading"') : page.index('id="bodies-heading"')]
    if role == "Rhea":  # revision 2 is the newest; she reviews revision 1
        assert "not assigned to you" in reviewers
        assert "Ravi Board" not in reviewers
        assert "Cora Board" not in reviewers
    else:
        assert "Ravi Board" in reviewers
        assert "Otto Board" in reviewers
    # The article page shows the latest events of its audit trail, the history the rest.
    history = reverse("editorial:history", kwargs={"pk": story.first.article_id})
    shown = page + client.get(history).text
    for secret in EVERYTHING:
        assert (secret in shown) == (secret in READS[role]), secret
    if role == "Cora":
        assert "Interests: declared (their details are for the editors)" in reviewers


def test_editors_note_stays_with_the_editors(story, client):
    client.force_login(story.people["Rhea"])
    assert RHEA_EDITORS_NOTE not in _api(story.people["Rhea"]).get(f"{API}/audit-events/").text
    client.force_login(story.editor)
    history = client.get(reverse("editorial:history", kwargs={"pk": story.first.article_id}))
    assert RHEA_EDITORS_NOTE not in history.text  # never in the audit trail
    decisions = _api(story.editor).get(f"{API}/decisions/").json()["results"]
    assert [d["editors_note"] for d in decisions] == [RHEA_EDITORS_NOTE]


@pytest.mark.parametrize("role", list(READS))
def test_review_api_endpoints_are_scoped_per_revision(role, story):
    reader = _reader(story, role)
    api = _api(reader)
    if not reader.is_authenticated:
        for path in ("assignments/", "decisions/", "comments/", "notifications/"):
            assert api.get(f"{API}/{path}").status_code in (401, 403)
        return
    assignments = api.get(f"{API}/assignments/").json()["results"]
    decisions = api.get(f"{API}/decisions/").json()["results"]
    thread_bodies = [c["body"] for c in api.get(f"{API}/comments/").json()["results"]]
    text = " ".join(
        [a["decline_reason"] for a in assignments]
        + [d["reason"] for d in decisions]
        + thread_bodies
    )
    notifications = api.get(f"{API}/notifications/").json()["results"]
    text += " ".join(n["event"]["note"] for n in notifications)
    if role == "editor":
        assert {DANA_DECLINE, OTTO_DECLINE, RHEA_CHANGES, RHEA_COMMENT, RAVI_COMMENT} <= {
            s for s in EVERYTHING if s in text
        }
        return
    # A board member: their own assignments only, their decisions, the comments of what they
    # review now; their inbox holds only what they were told.
    assert {a["reviewer"]["id"] for a in assignments} <= {reader.pk}
    # Their own assignment's reason; Remy's inbox tells him of his removal, with its note (he
    # is its party: Read.SENTENCE).
    own = {"Otto": {OTTO_DECLINE}, "Remy": {REMY_REMOVED}}.get(role, set())
    for secret in EVERYTHING:
        if secret in text:
            assert secret in READS[role] | own, secret
    if role == "Remy":
        assert REMY_REMOVED in [n["event"]["note"] for n in notifications]
    if role == "Rhea":
        assert RHEA_COMMENT in thread_bodies
        assert RAVI_COMMENT not in thread_bodies
    if role in ("Ravi", "Cora"):
        assert RAVI_COMMENT in thread_bodies
        assert RHEA_COMMENT not in thread_bodies


def test_every_audience_told_of_an_event_reads_its_note():
    """The inbox and e-mails show an event's note to whoever its type tells: the registry's
    `read` must let each of them read it (editors read every note)."""
    for action, type_ in EVENT_TYPES.items():
        for told in type_.told:
            if told in (Told.REVIEWERS, Told.THREAD, Told.COMMENT_AUTHOR):
                assert type_.read == Read.REVIEWERS, action
            if told == Told.SUBJECT:
                assert type_.read != Read.EDITORS, action


# Query counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 8])
def test_history_audit_api_and_article_page_query_counts_do_not_grow(
    size, editor, reviewer, client, django_assert_num_queries
):
    """`size` comments on revision 1; on revision 2, the newest, `size` co-reviewers (each
    invited, accepting and declaring an interest) and `size` who declined: the reads do not grow
    with any of them, for an editor or for a reviewer of both revisions."""
    audience = AudienceLevel.objects.get(is_canonical=True)
    first = RevisionFactory(author=editor, last_edited_by=editor, number=1)
    workflow.revision_submit(revision=first, actor=editor)
    _ready(first, editor, reviewer, RHEA_INTEREST)
    for _ in range(size):
        comments.comment_create(
            revision=first, actor=reviewer, audience=audience, quoted_text="Rest", body="Hm"
        )
    workflow.revision_withdraw(revision=first, actor=editor)
    second = revision_create_draft(article=first.article, author=editor)
    workflow.revision_submit(revision=second, actor=editor)
    _ready(second, editor, reviewer, RHEA_INTEREST)
    for number in range(size):
        _ready(second, editor, _member(f"Colleague{number}"), f"Interest {number}")
        _decline(second, editor, _member(f"Busy{number}"), "Too busy")
    history = reverse("editorial:history", kwargs={"pk": first.article_id})
    article = reverse("editorial:article", kwargs={"pk": first.article_id})
    audit = f"{API}/audit-events/?article={first.article_id}"
    # The history: session, user, groups (the editor predicate), the article, the unread count
    # for the navigation, the count of the events for the pages, the events (actor, subject and
    # revision joined; the note as this reader may read it computed in the same query). The
    # API: session, user, groups, the page (no count: editorial.api.pagination). The article
    # page also reads the newest
    # revision, its bodies and citations, its reviewers (declarations joined, their entries
    # prefetched) and decisions, and, for a reviewer, the guards of the transitions each ask
    # their assignment (seven times; the same whatever the number of reviewers, events or
    # comments). For an editor who may invite reviewers, one more: the last round's reviewers
    # to invite again in one step (editorial.workflow.rounds).
    expected = {
        (editor, history): 7,
        (reviewer, history): 7,
        (editor, audit): 4,
        (reviewer, audit): 4,
        (editor, article): 15,
        (reviewer, article): 27,
    }
    for (user, url), queries in expected.items():
        if url.startswith(API):
            api = _api(user)
            with django_assert_num_queries(queries):
                assert api.get(url).status_code == 200
        else:
            client.force_login(user)
            with django_assert_num_queries(queries):
                assert client.get(url).status_code == 200


def test_open_threads_left_on_an_earlier_revision_are_read_by_its_readers_only(
    editor, reviewer, second_reviewer, client
):
    """A thread whose passage is gone stays on revision 1: the review page of revision 2 lists
    it to editors and to who reviewed revision 1 too, not to a reviewer of revision 2 only."""
    canonical = AudienceLevel.objects.get(is_canonical=True)
    first = RevisionFactory(author=editor, last_edited_by=editor, number=1)
    workflow.revision_submit(revision=first, actor=editor)
    _ready(first, editor, reviewer)
    comments.comment_create(
        revision=first, actor=reviewer, audience=canonical, quoted_text="Rest", body=RHEA_COMMENT
    )
    workflow.revision_request_changes(revision=first, actor=editor, reason="See the notes")
    second = revision_create_draft(article=first.article, author=editor)
    revision_edit(revision=second, editor=editor, bodies={canonical: "Graded loading helps."})
    workflow.revision_submit(revision=second, actor=editor)
    _ready(second, editor, second_reviewer)
    page = reverse("editorial:review", kwargs={"pk": second.pk})

    client.force_login(second_reviewer)
    assert RHEA_COMMENT not in client.get(page).text
    for reader in (editor, reviewer):
        if reader == reviewer:
            _ready(second, editor, reviewer)
        client.force_login(reader)
        assert RHEA_COMMENT in client.get(page).text
