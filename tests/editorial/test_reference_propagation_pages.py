"""Flagged citations in the workspace and the API: the dashboard section, the article page,
the editor's draft, the review page's warning and the approval refused over HTTP."""

import pytest
from django.urls import reverse

from articles.models import ReferenceStatus, ReviewStatus, Revision
from articles.references.flags import citations_flagged
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from editorial.models import User
from tests.editorial.test_api import API, client_for, transition_url
from tests.editorial.test_reference_propagation import (
    KEY,
    TITLE,
    citing,
    librarian_fixture,  # noqa: F401 (the `librarian` fixture)
    published,
    reference_fixture,  # noqa: F401 (the `reference` fixture)
    revise,
)
from tests.factories import ReferenceFactory, assign_ready


def workflow_draft(revision: Revision, editor: User) -> Revision:
    """A new draft of the revision's article, through the service the button calls."""
    return revision_create_draft(article=revision.article, author=editor)


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_dashboard_lists_flagged_articles_with_a_way_to_update_them(
    client, editor, reviewer, librarian, reference, reach
):
    live = published(citing(editor, KEY), editor)
    reviewing = reach(citing(editor, KEY), ReviewStatus.SUBMITTED, editor=editor, reviewers=[])
    drafted = published(citing(editor, KEY), editor)
    draft = workflow_draft(drafted, editor)
    quiet = published(citing(editor), editor)
    revise(reference, librarian, ReferenceStatus.RETRACTED, "Retracted for fabricated data")

    client.force_login(editor)
    flagged = section(client.get(reverse("editorial:dashboard")).text, "flagged-heading")

    for revision in (live, reviewing, drafted):
        assert revision.article.title in flagged
    assert quiet.article.title not in flagged
    assert f"<code>{KEY}</code>" in flagged
    assert "is cited at version 1;" in flagged
    assert "version 2 is <span" in flagged
    assert "Retracted</span>: Retracted for fabricated" in flagged
    # No draft yet: a button starts one; with a draft, a link opens it.
    new_draft = reverse("editorial:revision_new", kwargs={"pk": live.article_id})
    assert f'action="{new_draft}"' in flagged
    edit = reverse("editorial:article_edit", kwargs={"pk": drafted.article_id})
    assert f'href="{edit}">Update the citation in draft revision {draft.number}' in flagged

    client.force_login(reviewer)
    assert 'id="flagged-heading"' not in client.get(reverse("editorial:dashboard")).text


def test_dashboard_says_when_nothing_is_flagged(client, editor, reference):
    published(citing(editor, KEY), editor)
    client.force_login(editor)
    flagged = section(client.get(reverse("editorial:dashboard")).text, "flagged-heading")
    assert "No article cites an out-of-date version of a reference." in flagged


@pytest.mark.parametrize("size", [2, 8])
def test_dashboard_query_count_does_not_grow_with_flagged_articles(
    size, client, editor, librarian, reference, django_assert_num_queries
):
    other = ReferenceFactory(key="doe2018-loading", actor=librarian)
    for index in range(size):
        revision = published(citing(editor, KEY, other.key), editor)
        if index % 2:
            workflow_draft(revision, editor)
    revise(reference, librarian, ReferenceStatus.CORRECTED)
    revise(other, librarian, ReferenceStatus.SUPERSEDED)
    client.force_login(editor)

    # Session and user, groups (twice), drafts, waiting articles, all articles; the references
    # with a flagging version, the flagged citations and their newer versions; the count of new
    # readers' questions, their weekly counts and the latest that found nothing.
    with django_assert_num_queries(13):  # with the inbox's unread count
        response = client.get(reverse("editorial:dashboard"))

    assert response.text.count("data-flagged-article=") == size
    assert response.text.count("<code>") == 2 * size


def test_article_page_shows_what_changed_in_each_flagged_reference(
    client, editor, librarian, reference
):
    live = published(citing(editor, KEY), editor)
    reference.refresh_from_db()
    revise(
        reference,
        librarian,
        ReferenceStatus.CORRECTED,
        "Erratum: page range",
        page="1234-1240",
    )

    client.force_login(editor)
    page = client.get(reverse("editorial:article", kwargs={"pk": live.article_id})).text
    flagged = section(page, "flagged-heading")
    assert "revision 1, submitted, published" in flagged
    assert "Corrected</span>: Erratum: page range" in flagged
    assert "status: <del>active</del> → <ins>corrected</ins>" in flagged
    assert "page: <del>1234-1239</del> → <ins>1234-1240</ins>" in flagged
    assert "Start a new draft to update the citation" in flagged


def test_the_link_leads_to_a_draft_that_once_submitted_clears_the_flag(
    client, editor, librarian, reference
):
    live = published(citing(editor, KEY), editor)
    revise(reference, librarian, ReferenceStatus.CORRECTED, "Dosage corrected")
    client.force_login(editor)

    response = client.post(reverse("editorial:revision_new", kwargs={"pk": live.article_id}))
    edit_url = reverse("editorial:article_edit", kwargs={"pk": live.article_id})
    assert response.url == edit_url
    editor_page = client.get(edit_url).text
    repins = section(editor_page, "repin-heading")
    assert f"<code>{KEY}</code>:" in repins
    assert "will be re-pinned from version 1 to version 2 (corrected: Dosage corrected)" in repins

    draft = Revision.objects.get(article=live.article, number=2)
    client.post(reverse("editorial:transition", kwargs={"pk": live.article_id, "name": "submit"}))
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.SUBMITTED
    assert draft.citations.get().version.number == 2
    assert citations_flagged() == []
    dashboard = client.get(reverse("editorial:dashboard")).text
    assert live.article.title not in section(dashboard, "flagged-heading")


def test_the_editor_is_told_to_remove_a_retracted_citation(client, editor, librarian, reference):
    other = ReferenceFactory(key="doe2018-loading", actor=librarian)
    live = published(citing(editor, KEY, other.key), editor)
    revise(reference, librarian, ReferenceStatus.RETRACTED)
    revise(other, librarian, ReferenceStatus.SUPERSEDED)
    draft = workflow_draft(live, editor)
    body = draft.bodies.get()
    revision_edit(revision=draft, editor=editor, bodies={body.audience: f"Loading helps [@{KEY}]."})
    client.force_login(editor)

    repins = section(
        client.get(reverse("editorial:article_edit", kwargs={"pk": live.article_id})).text,
        "repin-heading",
    )
    assert "retracted in version 2</strong>: remove or replace the citation" in repins
    assert "no longer cited here (revision 1 cites version 1, now superseded)" in repins


def test_review_page_warns_before_approving_and_the_approval_is_refused(
    client, settings, editor, reviewer, librarian, reference, reach
):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    revision = reach(
        citing(editor, KEY), ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer]
    )
    revise(reference, librarian, ReferenceStatus.RETRACTED)
    message = workflow.RETRACTED_BLOCKS.format(key=KEY, title=TITLE, number=2)
    review_url = reverse("editorial:review", kwargs={"pk": revision.pk})

    client.force_login(reviewer)
    page = client.get(review_url).text
    assert f'<p class="caution-banner" role="alert" id="retracted-warning">{message}</p>' in page
    # Offered disabled, saying why; posting it anyway is refused with the same words.
    assert 'data-transition="approve"' in page
    assert f'<li data-reason="retracted-citation">{message}</li>' in page

    approve = reverse("editorial:transition", kwargs={"pk": revision.article_id, "name": "approve"})
    page = client.post(approve, follow=True).text
    assert message in page
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.UNDER_REVIEW


def test_a_corrected_reference_gives_no_warning_on_the_review_page(
    client, editor, reviewer, librarian, reference, reach
):
    revision = reach(
        citing(editor, KEY), ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer]
    )
    revise(reference, librarian, ReferenceStatus.CORRECTED)
    client.force_login(reviewer)
    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text
    assert "retracted-warning" not in page


# API -------------------------------------------------------------------------------------------


def test_api_approval_is_refused_with_409_and_the_message(
    settings, editor, reviewer, librarian, reference, reach
):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    revision = reach(
        citing(editor, KEY), ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer]
    )
    revise(reference, librarian, ReferenceStatus.RETRACTED)

    response = client_for(reviewer).post(transition_url(revision, "approve"), {}, format="json")

    assert response.status_code == 409
    message = workflow.RETRACTED_BLOCKS.format(key=KEY, title=TITLE, number=2)
    assert response.json() == {
        "detail": message,
        "reasons": [
            {"code": "retracted-citation", "message": message, "remedy": "", "kind": "guard"}
        ],
    }
    assert not revision.decisions.exists()


def test_api_lists_flagged_citations_in_the_users_scope(
    editor, reviewer, second_reviewer, librarian, reference, reach
):
    live = published(citing(editor, KEY), editor)
    reviewing = reach(citing(editor, KEY), ReviewStatus.SUBMITTED, editor=editor, reviewers=[])
    assign_ready(reviewing, editor=editor, reviewer=reviewer)
    revise(reference, librarian, ReferenceStatus.SUPERSEDED, "See the 2024 guideline")
    url = f"{API}/flagged-citations/"

    rows = client_for(editor).get(url).json()["results"]
    assert sorted(r["article"] for r in rows) == sorted([live.article_id, reviewing.article_id])
    row = next(r for r in rows if r["article"] == live.article_id)
    assert row == {
        "article": live.article_id,
        "article_title": live.article.title,
        "revision": live.pk,
        "revision_number": 1,
        "revision_status": "submitted",
        "published": True,
        "reference": reference.pk,
        "key": KEY,
        "pinned_version": 1,
        "newer_version": {
            "number": 2,
            "status": "superseded",
            "change_note": "See the 2024 guideline",
            "title": TITLE,
            "created_at": row["newer_version"]["created_at"],
        },
        "current_version": 2,
        "retracted": False,
        "draft": None,
        "changes": [{"field": "status", "old": "active", "new": "superseded"}],
    }
    one = client_for(editor).get(url, {"article": live.article_id}).json()["results"]
    assert [r["article"] for r in one] == [live.article_id]
    assert client_for(editor).get(url, {"article": "x"}).status_code == 400

    # A board member sees only what they review; someone else nothing; anonymous is refused.
    seen = client_for(reviewer).get(url).json()["results"]
    assert [r["article"] for r in seen] == [reviewing.article_id]
    assert client_for(second_reviewer).get(url).json()["results"] == []
    assert client_for(None).get(url).status_code in (401, 403)


@pytest.mark.parametrize("size", [2, 8])
def test_api_flagged_citations_query_count_does_not_grow(
    size, editor, reviewer, librarian, reference, reach, django_assert_num_queries
):
    for _ in range(size):
        revision = reach(
            citing(editor, KEY), ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer]
        )
    revise(reference, librarian, ReferenceStatus.RETRACTED)
    client = client_for(reviewer)  # a board member: the scoped query

    # Session, user, the editors' group (no); the references with a flagging version, the
    # page of citations and their newer versions.
    with django_assert_num_queries(6):
        rows = client.get(f"{API}/flagged-citations/").json()["results"]

    assert len(rows) == size
    assert rows[-1]["retracted"] is True
    assert revision.article_id in {r["article"] for r in rows}


def test_a_new_draft_citing_a_retracted_reference_is_warned(client, editor, librarian, reference):
    revise(reference, librarian, ReferenceStatus.RETRACTED)
    draft = citing(editor, KEY)
    client.force_login(editor)

    page = client.get(reverse("editorial:article_edit", kwargs={"pk": draft.article_id})).text

    assert 'id="repin-heading"' not in page  # nothing pinned: nothing to re-pin
    assert f"<code>{KEY}</code> ({TITLE}) was retracted in version 2" in section(
        page, "retracted-heading"
    )


def test_dashboard_shows_the_first_flagged_articles_and_says_there_are_more(
    client, editor, librarian, reference, monkeypatch
):
    from editorial.workspace import dashboard

    monkeypatch.setattr(dashboard, "FLAGGED_SHOWN", 2)  # three flagged articles, two shown
    articles = [published(citing(editor, KEY), editor).article for _ in range(3)]
    revise(reference, librarian, ReferenceStatus.RETRACTED, "Retracted for fabricated data")
    client.force_login(editor)
    flagged = section(client.get(reverse("editorial:dashboard")).text, "flagged-heading")
    shown = [a for a in articles if f'data-flagged-article="{a.pk}"' in flagged]
    assert len(shown) == 2
    assert "More articles cite out-of-date versions" in flagged
    assert len(citations_flagged(limit=2)) == 2
    assert len(citations_flagged()) == 3
