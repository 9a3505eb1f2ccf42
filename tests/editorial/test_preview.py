"""Preview (issue 12, point 3): editors and the revision's reviewers open any revision as the
public page at each level, marked as a preview, never indexed and never cached."""

import pytest
from django.urls import reverse

from articles.models import AudienceLevel, ReviewStatus, StoredPage
from articles.services import revision_create_draft, revision_edit
from editorial import review, workflow
from tests.factories import (
    BoardMemberFactory,
    ReferenceFactory,
    RevisionFactory,
    UserFactory,
    assign_ready,
)

PUBLISHED_TEXT = "Rest and ice help most people."
DRAFT_TEXT = "Graded loading helps most people within twelve weeks [@kim2013-loading]."
PATIENT_TEXT = "Rest first, then move a little more each week."


def _preview(revision, audience: str = "") -> str:  # type: ignore[no-untyped-def]
    url = reverse("editorial:preview", kwargs={"pk": revision.pk})
    return url + (f"?audience={audience}" if audience else "")


@pytest.fixture
def published_and_draft(editor, reviewer, second_reviewer, reach):  # type: ignore[no-untyped-def]
    """An approved, published revision 1 and a draft revision 2 citing a reference, with a
    patient version."""
    ReferenceFactory(key="kim2013-loading", title="Graded loading of the Achilles tendon")
    first = reach(
        RevisionFactory(author=editor, canonical_body=PUBLISHED_TEXT),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    workflow.article_publish(revision=first, actor=editor)
    draft = revision_create_draft(article=first.article, author=editor)
    revision_edit(
        revision=draft,
        editor=editor,
        bodies={
            AudienceLevel.objects.get(is_canonical=True): DRAFT_TEXT,
            AudienceLevel.objects.get(slug="patient"): PATIENT_TEXT,
        },
    )
    return first, draft


def test_editor_previews_a_draft_as_the_public_page_marked_and_never_cached(
    client, editor, published_and_draft
):
    first, draft = published_and_draft
    client.force_login(editor)

    response = client.get(_preview(draft))

    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Cache-Control"] == "private, no-store"
    html = response.text
    assert '<meta name="robots" content="noindex">' in html
    assert '<link rel="canonical"' not in html
    assert "Preview: not published" in html
    assert f"Revision {draft.number}" in html
    assert f"Readers see revision {first.number}." in html
    # As readers would get it: the caution banner, the review track, the numbered citation
    # linked to the typed reference list of the versions it would cite.
    assert "Exercise caution: this content has not been approved" in html
    assert "has not been submitted for review yet" in html
    assert '<sup><a href="#ref-1" rel="noopener noreferrer">1</a></sup>' in html
    assert 'id="ref-1"' in html
    assert "Graded loading of the Achilles tendon" in html
    assert "Graded loading helps most people" in html
    # No follow-up question form: the frame belongs to published pages.
    assert "follow-up-frame" not in html


def test_the_preview_touches_no_public_cache(client, editor, published_and_draft):
    first, draft = published_and_draft
    client.force_login(editor)
    client.get(_preview(draft))
    assert not StoredPage.objects.exists()

    client.logout()
    public = client.get(first.article.get_absolute_url()).text

    assert PUBLISHED_TEXT in public
    assert "Graded loading" not in public
    assert "Preview: not published" not in public


def test_the_level_switcher_shows_each_version_and_falls_back_to_the_canonical_one(
    client, editor, published_and_draft
):
    _, draft = published_and_draft
    client.force_login(editor)

    patient = client.get(_preview(draft, "patient")).text
    student = client.get(_preview(draft, "student")).text

    assert PATIENT_TEXT in patient
    assert DRAFT_TEXT[:20] not in patient
    assert "This revision has a version for: Patient or caregiver, Healthcare professional" in (
        patient
    )
    # The picker is a GET form to the preview itself: nothing is saved on the account.
    assert f'<form method="get" action="{_preview(draft)}">' in patient
    assert 'value="patient" id="audience-patient" checked' in patient
    # No student version: the canonical text, said as the public page says it.
    assert "This article has no version for Medical student yet" in student
    assert "Graded loading helps most people" in student


def test_an_approved_published_revision_shows_its_reviewers_and_no_caution(
    client, editor, published_and_draft
):
    first, _ = published_and_draft
    client.force_login(editor)

    html = client.get(_preview(first)).text

    assert "Readers see this revision now." in html
    assert "Exercise caution" not in html
    assert "Medically reviewed by" in html
    assert "Rhea Reviewer" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("editor", 200),
        ("assigned", 200),
        ("invited", 200),
        ("declined", 404),
        ("other board member", 404),
        ("reader", 404),
    ],
)
def test_who_may_preview(client, editor, reviewer, who, status):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    invited = BoardMemberFactory()
    workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=invited)
    declined = BoardMemberFactory()
    assignment = workflow.revision_assign_reviewer(
        revision=revision, actor=editor, reviewer=declined
    )
    review.assignment_decline(assignment=assignment, actor=declined, reason="Away")
    users = {
        "editor": editor,
        "assigned": reviewer,
        "invited": invited,
        "declined": declined,
        "other board member": BoardMemberFactory(),
        "reader": UserFactory(),
    }
    client.force_login(users[who])
    assert client.get(_preview(revision)).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    response = client.get(_preview(draft))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_workspace_links_to_the_preview(client, editor, reviewer, published_and_draft):
    _, draft = published_and_draft
    client.force_login(editor)
    for page in ("article", "article_edit"):
        html = client.get(reverse(f"editorial:{page}", kwargs={"pk": draft.article_id})).text
        assert f'href="{_preview(draft)}"' in html, page
    html = client.get(reverse("editorial:review", kwargs={"pk": draft.pk})).text
    assert f'href="{_preview(draft)}"' in html
