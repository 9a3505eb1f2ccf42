"""Compare any two revisions, and start a new draft from an older one (issue 12, point 8): for
editors only; a revert is a new revision with the old text, recorded in the audit trail, and
nothing that exists changes."""

import re

import pytest
from django.urls import reverse

from articles.errors import Conflict, Forbidden
from articles.models import AudienceBody, AudienceLevel, ReviewStatus, Revision
from articles.services import revision_create_draft, revision_edit
from editorial import drafts, workflow
from editorial.events import AuditAction
from editorial.models import AuditEvent
from tests.factories import ReferenceFactory, RevisionFactory, UserFactory

FIRST = "## Treatment\n\nRest and ice help most people."
SECOND = "## Treatment\n\nGraded loading helps most people."
PATIENT = "Rest, then load the tendon a little more each week."


def _canonical() -> AudienceLevel:
    return AudienceLevel.objects.get(is_canonical=True)


def _history(editor, reviewer, second_reviewer, reach):  # type: ignore[no-untyped-def]
    """Revision 1 (approved), revision 2 (submitted) with another canonical text and the same
    patient text."""
    first = RevisionFactory(author=editor, canonical_body=FIRST, number=1)
    patient = AudienceLevel.objects.get(slug="patient")
    revision_edit(revision=first, editor=editor, bodies={patient: PATIENT})
    first = reach(
        first, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    second = revision_create_draft(article=first.article, author=editor)
    revision_edit(revision=second, editor=editor, bodies={_canonical(): SECOND})
    workflow.revision_submit(revision=second, actor=editor)
    return first, second


def _compare(article_id: int, **query: int) -> str:
    url = reverse("editorial:compare", kwargs={"pk": article_id})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def history(editor, reviewer, second_reviewer, reach):  # type: ignore[no-untyped-def]
    return _history(editor, reviewer, second_reviewer, reach)


def test_restoring_starts_a_new_draft_with_the_old_text_and_records_it(editor, history):
    first, _ = history
    patient = AudienceLevel.objects.get(slug="patient")
    before = {
        body.pk: (body.revision_id, body.body) for body in AudienceBody.objects.order_by("pk")
    }
    statuses = dict(Revision.objects.values_list("pk", "status"))
    events = AuditEvent.objects.count()

    draft = drafts.revision_restore(source=first, actor=editor)

    assert (draft.number, draft.status, draft.author) == (3, ReviewStatus.DRAFT, editor)
    assert draft.change_summary == "Restored the text of revision 1"
    assert set(draft.bodies.values_list("audience_id", "body")) == {
        (_canonical().pk, FIRST),
        (patient.pk, PATIENT),
    }
    # History is never rewritten: the earlier revisions, their texts and statuses stay.
    assert {
        body.pk: (body.revision_id, body.body)
        for body in AudienceBody.objects.exclude(revision=draft).order_by("pk")
    } == before
    assert dict(Revision.objects.exclude(pk=draft.pk).values_list("pk", "status")) == statuses
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.first()
    assert (event.action, event.revision, event.actor) == (AuditAction.RESTORE, draft, editor)
    assert event.note == "A copy of the text of revision 1: no revision has changed."
    assert event.sentence == (
        "Edna Editor started revision 3 as a new draft with the text of an earlier revision"
    )


def test_the_guard_refuses_while_a_draft_is_open_and_names_it(editor, history):
    first, _ = history
    open_draft = revision_create_draft(article=first.article, author=editor)
    count = Revision.objects.count()

    (reason,) = drafts.revision_restore_blockers(source=first, actor=editor)
    with pytest.raises(Conflict, match="Revision 3 is a draft that is still open"):
        drafts.revision_restore(source=first, actor=editor)

    assert reason.code == "draft-open"
    assert reason.remedy.startswith(f"Submit revision {open_draft.number}")
    assert Revision.objects.count() == count


def test_only_editors_restore(reviewer, history):
    first, _ = history
    with pytest.raises(Forbidden, match="Only editors"):
        drafts.revision_restore(source=first, actor=reviewer)


def test_compare_defaults_to_the_previous_and_the_newest_revision(client, editor, history):
    first, _ = history
    client.force_login(editor)

    html = client.get(_compare(first.article_id)).text

    assert "From revision 1 to revision 2" in html
    assert '<option value="1" selected>' in html
    assert '<option value="2" selected>' in html
    assert '<h3 class="diff-changed">Treatment</h3>' not in html  # an unchanged heading...
    assert "<h3>Treatment</h3>" in html  # ...stays a heading, unmarked
    assert '<del><span class="visually-hidden">deleted: </span>Rest and ice help</del>' in html
    # Every audience version is listed, the unchanged ones said to be so.
    assert re.search(r'Patient or caregiver</h3>\s*<p class="muted">No change to this', html)
    # Starting again from revision 1 is offered, behind a confirmation.
    restore = reverse("editorial:restore", kwargs={"pk": first.article_id, "number": 1})
    assert f'action="{restore}"' in html


def test_compare_any_two_revisions_either_way(client, editor, history):
    first, _ = history
    client.force_login(editor)

    html = client.get(_compare(first.article_id, **{"from": 2, "to": 1})).text
    refused = client.get(_compare(first.article_id, **{"from": 9}))

    assert "From revision 2 to revision 1" in html
    assert '<ins><span class="visually-hidden">inserted: </span>Rest and ice help</ins>' in html
    assert refused.status_code == 400
    assert "has no revision 9" in refused.text
    assert "From revision 1 to revision 2" in refused.text  # the default comparison instead


def test_a_blocked_restore_is_shown_disabled_with_its_reason(client, editor, history):
    first, _ = history
    revision_create_draft(article=first.article, author=editor)
    client.force_login(editor)

    html = client.get(_compare(first.article_id, **{"from": 1, "to": 3})).text

    assert "Start a new draft from revision 1</button>" in html
    assert 'disabled aria-describedby="restore-blocked-1"' in html
    assert "Revision 3 is a draft that is still open" in html


def test_restore_through_the_confirmation(client, editor, history):
    first, _ = history
    client.force_login(editor)
    url = reverse("editorial:restore", kwargs={"pk": first.article_id, "number": 1})

    confirmation = client.get(url).text
    response = client.post(url, {"change_summary": "Back to rest and ice"}, follow=True)
    again = client.post(url, follow=True)

    assert "Start a new draft from revision 1?" in confirmation
    assert "Every revision, review and audit event, as it is" in confirmation
    draft = Revision.objects.get(article=first.article, number=3)
    assert draft.change_summary == "Back to rest and ice"
    assert response.redirect_chain[-1][0] == reverse(
        "editorial:article_edit", kwargs={"pk": first.article_id}
    )
    assert "Revision 3 started as a new draft with the text of revision 1." in response.text
    assert "Revision 3 is a draft that is still open" in again.text
    assert Revision.objects.filter(article=first.article).count() == 3


@pytest.mark.parametrize("who", ["assigned reviewer", "reader"])
def test_compare_and_restore_are_for_editors_only(client, reviewer, history, who):
    first, _ = history
    client.force_login(reviewer if who == "assigned reviewer" else UserFactory())
    restore = reverse("editorial:restore", kwargs={"pk": first.article_id, "number": 1})
    assert client.get(_compare(first.article_id)).status_code == 403
    assert client.get(restore).status_code == 403
    assert client.post(restore).status_code == 403
    assert Revision.objects.filter(article=first.article).count() == 2


def test_anonymous_visitors_are_sent_to_log_in(client, history):
    first, _ = history
    response = client.get(_compare(first.article_id))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _long_revisions(editor, size: int):  # type: ignore[no-untyped-def]
    """Two revisions of `size` headed sections and list items, citing `size` references, every
    block and reference different between them."""
    keys = [ReferenceFactory().key for _ in range(2 * size)]

    def text(offset: int) -> str:
        return "\n\n".join(
            f"## Section {n}\n\nLoading helps [@{keys[n]}].\n\n- item {n}"
            for n in range(offset, offset + size)
        )

    first = RevisionFactory(author=editor, canonical_body=text(0), number=1)
    workflow.revision_submit(revision=first, actor=editor)
    second = revision_create_draft(article=first.article, author=editor)
    revision_edit(revision=second, editor=editor, bodies={_canonical(): text(size)})
    workflow.revision_submit(revision=second, actor=editor)
    return first


@pytest.mark.parametrize("size", [3, 30])
def test_compare_query_count_does_not_grow(client, editor, size, django_assert_num_queries):
    first = _long_revisions(editor, size)
    client.force_login(editor)
    # session, user, groups (is an editor), unread count, article, its revisions, the two
    # revisions' bodies, the levels, each revision's pinned versions
    with django_assert_num_queries(11):
        response = client.get(_compare(first.article_id))
    assert response.status_code == 200
    assert response.text.count('<h3 class="diff-changed">Section') == size


def test_the_api_starts_a_draft_from_an_earlier_revision(client, editor, history):
    first, _ = history
    other = RevisionFactory(author=editor)
    client.force_login(editor)

    elsewhere = client.post(
        "/api/v1/revisions/",
        {"article": first.article_id, "from_revision": other.pk},
        content_type="application/json",
    )
    created = client.post(
        "/api/v1/revisions/",
        {"article": first.article_id, "from_revision": first.pk},
        content_type="application/json",
    )
    refused = client.post(
        "/api/v1/revisions/",
        {"article": first.article_id, "from_revision": first.pk},
        content_type="application/json",
    )

    assert elsewhere.status_code == 400
    assert "another article" in str(elsewhere.json())
    assert created.status_code == 201, created.json()
    assert (created.json()["number"], created.json()["change_summary"]) == (
        3,
        "Restored the text of revision 1",
    )
    assert AuditEvent.objects.filter(action=AuditAction.RESTORE).count() == 1
    assert refused.status_code == 409
    assert "Revision 3 is a draft that is still open" in refused.json()["detail"]
