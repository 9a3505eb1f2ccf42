"""The editorial workspace: every transition for every role through the buttons, and the pages."""

import itertools
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import AudienceBody, AudienceLevel, ReviewStatus, Revision, Topic
from editorial import workflow
from editorial.models import BOARD_GROUP, AuditEvent, ReviewAssignment
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, UserFactory

ACTIONS = workflow.ACTION_NAMES
STATUSES = ReviewStatus.values

# What the design's transition table allows each role, by action: the statuses it starts from.
EDITOR_ALLOWED = {
    "submit": {ReviewStatus.DRAFT, ReviewStatus.CHANGES_REQUESTED},
    "assign-reviewer": {ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW},
    "approve": set(),
    "request-changes": {ReviewStatus.UNDER_REVIEW},
    "withdraw": {ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW},
    "publish": {ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW, ReviewStatus.APPROVED},
    # Unpublish needs a published article, whatever the status; `in_status` publishes nothing
    # (published articles: the unpublish tests below).
    "unpublish": set(),
}
REVIEWER_ALLOWED = {
    "approve": {ReviewStatus.UNDER_REVIEW},
    "request-changes": {ReviewStatus.UNDER_REVIEW},
}
# Where an allowed action leaves the revision (publish moves the public pointer instead).
TARGET = {
    # in_status's drafts and revisions sent back still have their reviewers: back to them.
    "submit": ReviewStatus.UNDER_REVIEW,
    "assign-reviewer": ReviewStatus.UNDER_REVIEW,
    "approve": ReviewStatus.APPROVED,
    "request-changes": ReviewStatus.CHANGES_REQUESTED,
    "withdraw": ReviewStatus.DRAFT,
}
# Actions a role may never take, refused before the table is consulted.
FORBIDDEN_FOR = {
    "editor": {"approve"},
    "assigned": {"submit", "assign-reviewer", "withdraw", "publish", "unpublish"},
}


@pytest.fixture
def third_member(db):
    return BoardMemberFactory(username="tara", first_name="Tara", last_name="Third")


@pytest.fixture
def in_status(editor, draft, reviewer, second_reviewer, reach):
    """Put the draft into a status; `reviewer` is assigned and has not decided (but in the
    changes-requested and approved states, where it already decided)."""

    def build(status: str) -> Revision:
        return reach(draft, status, editor=editor, reviewers=[second_reviewer, reviewer])

    return build


def _transition_url(revision: Revision, action: str) -> str:
    return reverse("editorial:transition", kwargs={"pk": revision.article_id, "name": action})


def _article_url(revision: Revision) -> str:
    return reverse("editorial:article", kwargs={"pk": revision.article_id})


def _form_data(action: str, member) -> dict[str, object]:
    if action == "request-changes":
        return {"note": "The dosing table needs the 2024 guideline."}
    if action == "assign-reviewer":
        return {"reviewer": member.pk}
    if action == "submit":  # the form asks what the revision changes; none was ever published
        return {"change_kind": "new"}
    return {}


def _snapshot(revision: Revision) -> tuple[str, int, int, int | None]:
    revision.refresh_from_db()
    revision.article.refresh_from_db()
    return (
        revision.status,
        AuditEvent.objects.count(),
        ReviewAssignment.objects.count(),
        revision.article.published_revision_id,
    )


def _messages(response, level: str) -> list[str]:
    return re.findall(rf'class="message message-{level}"[^>]*>([^<]*)<', response.text)


def _buttons(html: str) -> list[str]:
    return re.findall(r'data-transition="([^"]+)"', html)


# --- every transition for every role ---------------------------------------------------------


# The assigned board member in every status but Submitted: a submitted revision has no
# reviewers (submitted with them, it is under review).
ROLE_STATUSES = [
    (status, role)
    for status, role in itertools.product(STATUSES, ["editor", "assigned"])
    if (status, role) != (ReviewStatus.SUBMITTED, "assigned")
]


@pytest.mark.parametrize(
    ("status", "action", "role"),
    [(status, action, role) for status, role in ROLE_STATUSES for action in ACTIONS],
)
def test_transition_through_the_workspace(
    status, action, role, client, editor, reviewer, third_member, in_status
):
    revision = in_status(status)
    actor = editor if role == "editor" else reviewer
    allowed_table = EDITOR_ALLOWED if role == "editor" else REVIEWER_ALLOWED
    allowed = status in allowed_table.get(action, set())
    before_status, events, assignments, published = _snapshot(revision)
    client.force_login(actor)

    response = client.post(
        _transition_url(revision, action), _form_data(action, third_member), follow=True
    )

    assert response.redirect_chain == [(_article_url(revision), 302)]
    status_after, events_after, assignments_after, published_after = _snapshot(revision)
    if allowed:
        assert events_after == events + 1
        assert _messages(response, "success")
        assert not _messages(response, "error")
        if action == workflow.PUBLISH:
            assert published_after == revision.pk
            assert status_after == before_status
        else:
            assert status_after == TARGET[action]
        if action == "assign-reviewer":
            assert assignments_after == assignments + 1
    else:
        assert (status_after, events_after, assignments_after, published_after) == (
            before_status,
            events,
            assignments,
            published,
        )
        errors = _messages(response, "error")
        assert len(errors) == 1
        if action in FORBIDDEN_FOR[role]:
            assert errors[0] == workflow.FORBIDDEN.format(
                action=workflow.TRANSITIONS[action].refused_phrase
            )
        else:
            assert errors[0].startswith("Cannot ")


@pytest.mark.parametrize(("status", "action"), list(itertools.product(STATUSES, ACTIONS)))
def test_anonymous_transition_redirects_to_login_and_changes_nothing(
    status, action, client, third_member, in_status
):
    revision = in_status(status)
    before = _snapshot(revision)

    response = client.post(_transition_url(revision, action), _form_data(action, third_member))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert _snapshot(revision) == before


@pytest.mark.parametrize(("status", "action"), list(itertools.product(STATUSES, ACTIONS)))
def test_unassigned_board_member_gets_404_and_changes_nothing(
    status, action, client, third_member, in_status
):
    revision = in_status(status)
    outsider = BoardMemberFactory()
    before = _snapshot(revision)
    client.force_login(outsider)

    response = client.post(_transition_url(revision, action), _form_data(action, third_member))

    assert response.status_code == 404
    assert _snapshot(revision) == before


def test_author_who_is_also_a_board_member_cannot_approve(
    client, editor, reviewer, second_reviewer
):
    author = EditorFactory(username="dual")
    author.groups.add(Group.objects.get(name=BOARD_GROUP))
    revision = RevisionFactory(author=author)
    workflow.revision_submit(revision=revision, actor=editor)
    workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    before = _snapshot(revision)
    client.force_login(author)

    page = client.get(_article_url(revision))
    response = client.post(_transition_url(revision, "approve"), follow=True)

    assert "approve" not in _buttons(page.text)
    assert _snapshot(revision) == before
    assert _messages(response, "error") == [workflow.FORBIDDEN.format(action="approve")]


def test_request_changes_without_a_reason_is_refused(client, in_status, reviewer):
    revision = in_status(ReviewStatus.UNDER_REVIEW)
    before = _snapshot(revision)
    client.force_login(reviewer)

    response = client.post(_transition_url(revision, "request-changes"), {"note": " "}, follow=True)

    assert _snapshot(revision) == before
    assert _messages(response, "error") == [workflow.REASON_REQUIRED]


def test_assigning_an_ineligible_reviewer_is_refused(client, editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    dual = EditorFactory(username="dual")
    dual.groups.add(Group.objects.get(name=BOARD_GROUP))
    Revision.objects.filter(pk=draft.pk).update(last_edited_by=dual)
    before = _snapshot(draft)
    client.force_login(editor)

    response = client.post(_transition_url(draft, "assign-reviewer"), {"reviewer": dual.pk})

    assert _snapshot(draft) == before
    page = client.get(response.url)
    assert _messages(page, "error") == [workflow.REVIEWER_NOT_ELIGIBLE.format(user=dual)]


def test_transition_needs_post(client, editor, draft):
    client.force_login(editor)
    assert client.get(_transition_url(draft, "submit")).status_code == 405
    assert draft.status == ReviewStatus.DRAFT


def test_unknown_transition_is_not_found(client, editor, draft):
    client.force_login(editor)
    events = AuditEvent.objects.count()
    assert client.post(_transition_url(draft, "delete")).status_code == 404
    assert AuditEvent.objects.count() == events


# --- the article page ------------------------------------------------------------------------

EDITOR_BUTTONS = {
    ReviewStatus.DRAFT: ["submit"],
    ReviewStatus.SUBMITTED: ["assign-reviewer", "withdraw", "publish"],
    ReviewStatus.UNDER_REVIEW: ["assign-reviewer", "request-changes", "withdraw", "publish"],
    ReviewStatus.CHANGES_REQUESTED: ["submit"],
    ReviewStatus.APPROVED: ["publish"],
}
REVIEWER_BUTTONS = {ReviewStatus.UNDER_REVIEW: ["approve", "request-changes"]}


@pytest.mark.parametrize(("status", "role"), ROLE_STATUSES)
def test_article_page_shows_exactly_the_available_transitions(
    status, role, client, editor, reviewer, in_status
):
    revision = in_status(status)
    actor = editor if role == "editor" else reviewer
    client.force_login(actor)

    html = client.get(_article_url(revision)).text

    expected = (EDITOR_BUTTONS if role == "editor" else REVIEWER_BUTTONS).get(status, [])
    assert _buttons(html) == expected
    assert _buttons(html) == workflow.transitions_available(revision=revision, actor=actor)
    for name in set(ACTIONS) - set(expected):
        assert _transition_url(revision, name) not in html


def test_board_member_on_a_revision_sent_back_sees_no_submit_or_publish(
    client, reviewer, in_status
):
    revision = in_status(ReviewStatus.CHANGES_REQUESTED)
    client.force_login(reviewer)
    html = client.get(_article_url(revision)).text
    assert "Submit</button>" not in html
    assert "Publish</button>" not in html
    assert "No action is open to you" in html


def test_editor_sees_no_approve_button(client, editor, in_status):
    revision = in_status(ReviewStatus.UNDER_REVIEW)
    client.force_login(editor)
    html = client.get(_article_url(revision)).text
    assert "Approve</button>" not in html
    assert "Request changes</button>" in html


def test_request_changes_form_requires_a_reason_and_assign_lists_eligible_members(
    client, editor, reviewer, second_reviewer, third_member, in_status
):
    revision = in_status(ReviewStatus.UNDER_REVIEW)
    client.force_login(editor)
    html = client.get(_article_url(revision)).text
    assert re.search(r'<textarea[^>]*name="note"[^>]*required', html)
    options = re.findall(r'<option value="(\d+)">', html)
    # Already assigned members are not offered again; the author (an editor) is not a member.
    assert options == [str(third_member.pk)]


def test_article_page_shows_body_reviewers_decisions_and_audit_newest_first(
    client, editor, reviewer, second_reviewer, in_status
):
    revision = in_status(ReviewStatus.UNDER_REVIEW)
    client.force_login(editor)

    html = client.get(_article_url(revision)).text

    body = AudienceBody.objects.get(revision=revision).body
    assert body in html
    assert str(reviewer) in html
    assert str(second_reviewer) in html
    assert "Approve" in html  # second_reviewer's decision
    trail = html.split('id="audit-heading"')[1]
    actions = re.findall(r'data-action="([a-z-]+)"', trail)
    expected = list(AuditEvent.objects.filter(revision=revision).values_list("action", flat=True))
    assert actions == expected
    assert actions[0] == "decision"
    assert actions[-1] == "submit"


def test_article_page_needs_login(client, draft):
    response = client.get(_article_url(draft))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_board_member_gets_404_on_an_unassigned_article(client, reviewer, draft):
    client.force_login(reviewer)
    assert client.get(_article_url(draft)).status_code == 404


def test_user_without_a_role_gets_404_and_an_explanatory_dashboard(client, draft):
    nobody = UserFactory()
    client.force_login(nobody)
    assert client.get(_article_url(draft)).status_code == 404
    html = client.get(reverse("editorial:dashboard")).text
    assert "No editorial role yet" in html
    assert draft.article.title not in html


# --- editing ---------------------------------------------------------------------------------


def _edit_url(revision: Revision) -> str:
    return reverse("editorial:article_edit", kwargs={"pk": revision.article_id})


def _edit_data(**bodies: str) -> dict[str, str]:
    data = {f"body_{level.slug}": "" for level in AudienceLevel.objects.all()}
    data.update({f"body_{slug}": text for slug, text in bodies.items()})
    data["change_summary"] = "Clearer dosing"
    return data


def test_editing_a_body_saves_it(client, editor, draft):
    client.force_login(editor)
    page = client.get(_edit_url(draft))
    assert 'name="body_professional"' in page.text
    assert re.search(r'<textarea[^>]*name="body_professional"[^>]*required', page.text)
    assert not re.search(r'<textarea[^>]*name="body_patient"[^>]*required', page.text)

    response = client.post(
        _edit_url(draft), _edit_data(professional="New clinical text.", patient="Plain words.")
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    bodies = {b.audience.slug: b.body for b in draft.bodies.select_related("audience")}
    assert bodies == {"professional": "New clinical text.", "patient": "Plain words."}
    assert draft.change_summary == "Clearer dosing"


def test_edit_requires_the_canonical_body(client, editor, draft):
    client.force_login(editor)
    response = client.post(_edit_url(draft), _edit_data(patient="Only plain words."))
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not draft.bodies.filter(audience__slug="patient").exists()


def test_editing_a_submitted_revision_is_refused(client, editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    original = AudienceBody.objects.get(revision=draft).body
    client.force_login(editor)

    page = client.get(_edit_url(draft))
    response = client.post(_edit_url(draft), _edit_data(professional="Sneaky change."), follow=True)

    assert "Start a new draft" in page.text
    assert "<textarea" not in page.text
    assert AudienceBody.objects.get(revision=draft).body == original
    assert _messages(response, "error") == [
        "Revision 1 was submitted and can no longer change; edit a new draft."
    ]


def test_start_a_new_draft_copies_the_bodies(client, editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    client.force_login(editor)

    response = client.post(
        reverse("editorial:revision_new", kwargs={"pk": draft.article_id}), follow=True
    )

    newest = draft.article.revisions.order_by("-number").first()
    assert newest.number == 2
    assert newest.is_editable
    assert newest.bodies.get().body == draft.bodies.get().body
    assert "<textarea" in response.text


def test_board_member_may_not_edit_or_create(client, reviewer, in_status):
    revision = in_status(ReviewStatus.UNDER_REVIEW)
    client.force_login(reviewer)
    assert client.get(_edit_url(revision)).status_code == 403
    assert client.get(reverse("editorial:article_create")).status_code == 403
    assert (
        client.post(reverse("editorial:revision_new", kwargs={"pk": revision.article_id}))
    ).status_code == 403


def test_editor_creates_an_article_and_lands_in_the_editor(client, editor):
    Topic.objects.create(name="Podiatry")  # topics are a managed list
    client.force_login(editor)
    response = client.post(
        reverse("editorial:article_create"),
        {"slug": "heel-pain", "title": "Why does my heel hurt?", "topic": "Podiatry"},
    )
    revision = Revision.objects.get(article__slug="heel-pain")
    assert response.url == reverse("editorial:article_edit", kwargs={"pk": revision.article_id})
    assert revision.author == editor
    assert revision.number == 1


def test_article_create_refuses_a_duplicate_slug(client, editor, draft):
    client.force_login(editor)
    response = client.post(
        reverse("editorial:article_create"),
        {"slug": draft.article.slug, "title": "Again", "topic": ""},
    )
    assert response.status_code == 400
    assert "belongs to another article: choose another." in response.text


# --- dashboard -------------------------------------------------------------------------------


def test_dashboard_needs_login(client, db):
    response = client.get(reverse("editorial:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _build_articles(size: int, *, editor, member) -> None:
    """A third each of fresh drafts, submitted revisions and revisions under review."""
    for index in range(size):
        revision = RevisionFactory(author=editor)
        if index % 3 >= 1:
            workflow.revision_submit(revision=revision, actor=editor)
        if index % 3 == 2:
            workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=member)


def test_dashboard_sections(client, editor, reviewer):
    _build_articles(3, editor=editor, member=reviewer)
    drafted, submitted, reviewing = Revision.objects.order_by("pk").select_related("article").all()

    client.force_login(editor)
    html = client.get(reverse("editorial:dashboard")).text
    drafts = html.split('id="drafts-heading"')[1].split("</section>")[0]
    waiting = html.split('id="waiting-heading"')[1].split("</section>")[0]
    assert drafted.article.title in drafts
    assert submitted.article.title not in drafts
    assert submitted.article.title in waiting
    assert reviewing.article.title not in waiting

    client.force_login(reviewer)
    html = client.get(reverse("editorial:dashboard")).text
    waiting = html.split('id="waiting-heading"')[1].split("</section>")[0]
    assigned = html.split('id="assignments-heading"')[1].split("</section>")[0]
    everything = html.split('id="all-heading"')[1]
    assert reviewing.article.title in waiting
    assert reviewing.article.title in assigned
    assert reviewing.article.title in everything
    assert drafted.article.title not in everything


@pytest.mark.parametrize("size", [3, 30])
# Editors: one more for the citations to update ("References changed since review"), one
# for the count of new readers' questions, two for the questions per week and those nothing
# answered (articles.answers).
# With the navigation's unread count.
@pytest.mark.parametrize(("role", "queries"), [("editor", 11), ("board member", 7)])
def test_dashboard_query_count_does_not_grow_with_articles(
    size, role, queries, client, editor, reviewer, django_assert_num_queries
):
    _build_articles(size, editor=editor, member=reviewer)
    user = editor if role == "editor" else reviewer
    client.force_login(user)

    with django_assert_num_queries(queries):
        response = client.get(reverse("editorial:dashboard"))

    assert response.status_code == 200
    assert response.text.count('class="status-badge') >= size // 3
