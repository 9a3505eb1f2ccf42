"""The review pages: queue, review page, editors' board, history, inbox; forms post through
the real services; query counts do not grow with the data."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import AudienceLevel, ReviewStatus, Revision
from articles.references.services import reference_version_create
from articles.services import revision_create_draft, revision_edit
from editorial import comments, workflow
from editorial.changes import reference_changes
from editorial.events import AuditAction
from editorial.models import (
    AuditEvent,
    InterestDeclaration,
    ReviewAssignment,
    ReviewComment,
)
from editorial.schedule import review_reminders_send
from editorial.workspace.articles import TRAIL_SHOWN
from editorial.workspace.board import HISTORY_PAGE
from editorial.workspace.reviews import QUEUE_PAGE_SIZE
from tests.factories import ReferenceFactory, RevisionFactory, assign_ready


def _invited(editor, reviewer, count: int, *, ready: bool = False):  # type: ignore[no-untyped-def]
    assignments = []
    for _ in range(count):
        revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
        if ready:
            assignments.append(assign_ready(revision, editor=editor, reviewer=reviewer))
        else:
            assignments.append(
                workflow.revision_assign_reviewer(
                    revision=revision, actor=editor, reviewer=reviewer
                )
            )
    return assignments


def test_reviewer_accepts_declares_comments_and_approves_through_the_pages(
    client, settings, editor, reviewer
):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    (assignment,) = _invited(editor, reviewer, 1)
    revision = assignment.revision
    client.force_login(reviewer)
    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text
    assert 'data-action="accept"' in page
    assert 'data-transition="approve"' not in page

    client.post(reverse("editorial:accept", kwargs={"pk": assignment.pk}))
    client.post(
        reverse("editorial:declare", kwargs={"pk": assignment.pk}),
        {"kind_0": "financial", "details_0": "Speaker fees"},
    )
    client.post(
        reverse("editorial:comment_create", kwargs={"pk": revision.pk}),
        {
            "audience": AudienceLevel.objects.get(is_canonical=True).pk,
            "quoted_text": "graded loading",
            "severity": "safety",
            "body": "Add a warning.",
        },
    )
    thread = ReviewComment.objects.get()
    assert thread.offset == revision.bodies.get().body.index("graded loading")
    refused = client.post(
        reverse("editorial:transition", kwargs={"pk": revision.article_id, "name": "approve"}),
        follow=True,
    )
    assert "Safety comment by Rhea Reviewer" in refused.text
    client.post(reverse("editorial:comment_resolve", kwargs={"pk": thread.pk}))
    client.post(
        reverse("editorial:transition", kwargs={"pk": revision.article_id, "name": "approve"})
    )

    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED
    client.force_login(editor)
    page = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text
    assert "Financial: Speaker fees" in page


def test_declining_through_the_page_removes_the_article(client, editor, reviewer):
    (assignment,) = _invited(editor, reviewer, 1)
    client.force_login(reviewer)
    client.post(reverse("editorial:decline", kwargs={"pk": assignment.pk}), {"reason": "Away"})
    assignment.refresh_from_db()
    assert assignment.state == ReviewAssignment.State.DECLINED
    url = reverse("editorial:review", kwargs={"pk": assignment.revision_id})
    assert client.get(url).status_code == 404


def test_review_page_shows_what_changed(client, editor, reviewer, second_reviewer, reach):
    from articles.services import revision_create_draft, revision_edit

    first = reach(
        RevisionFactory(author=editor, canonical_body="Rest and ice help."),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    draft = revision_create_draft(article=first.article, author=editor)
    revision_edit(
        revision=draft,
        editor=editor,
        bodies={AudienceLevel.objects.get(is_canonical=True): "Rest and loading help."},
    )
    client.force_login(editor)
    page = client.get(reverse("editorial:review", kwargs={"pk": draft.pk})).text
    assert f"What changed since revision {first.number}" in page
    assert '<del><span class="visually-hidden">deleted: </span>ice</del>' in page
    assert '<ins><span class="visually-hidden">inserted: </span>loading</ins>' in page


def test_queue_marks_overdue_in_words(client, editor, reviewer):
    (late,) = _invited(editor, reviewer, 1)
    ReviewAssignment.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    client.force_login(reviewer)
    html = client.get(reverse("editorial:queue")).text
    assert "Overdue" in html
    client.force_login(editor)
    board = client.get(reverse("editorial:board")).text
    assert "Overdue 2 days" in board
    assert str(reviewer) in board


def test_board_is_for_editors_only(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("editorial:board")).status_code == 403


PASSAGES = ["Rest", "ice and graded", "graded loading help", "most people", "recover."]


@pytest.mark.parametrize("size", [3, 30])
def test_page_query_counts_do_not_grow(size, client, editor, reviewer, django_assert_num_queries):
    assignments = _invited(editor, reviewer, size, ready=True)
    audience = AudienceLevel.objects.get(is_canonical=True)
    revision = assignments[0].revision
    for number in range(size):  # open threads, overlapping, each with a reply, all highlighted
        thread = comments.comment_create(
            revision=revision,
            actor=reviewer,
            audience=audience,
            quoted_text=PASSAGES[number % len(PASSAGES)],
            body="Hm",
        )
        comments.comment_reply(parent=thread, actor=editor, body="Ok")
    review_reminders_send(today=timezone.localdate() + timedelta(days=30))
    pages = {
        # session, user, then the page's own reads; the review page reads the assignments
        # once (prefetched) and its permission predicates use them. Each page also counts the
        # unread notifications for the navigation (and the queue and inbox read the user's
        # groups for it).
        # The queue counts the assignments for its pages.
        "queue": (reviewer, reverse("editorial:queue"), 6),
        # The inbox counts the entries (made with their events) for its pages, then reads them.
        "inbox": (reviewer, reverse("editorial:inbox"), 6),
        # The review page includes one query for the cited reference versions (what changed),
        # one for the versions the bodies cite (rendered as readers will read them),
        # and for a reviewer whether they decided this round (may they decline, decide again);
        # under review, one for a retracted reference it cites (approving would be refused).
        # The decision buttons' guards ask for open safety comments and retracted citations.
        # The threads are highlighted in the text without a query of their own. For a reviewer,
        # one asks who wrote the article (writers never decide on it).
        "review": (reviewer, reverse("editorial:review", kwargs={"pk": revision.pk}), 24),
        "review (editor)": (editor, reverse("editorial:review", kwargs={"pk": revision.pk}), 18),
        # The board: counts per state (kept by the database), each state's latest (one query),
        # the late reviews. One state: its page, counted by the same counts.
        "board": (editor, reverse("editorial:board"), 7),
        "board, one state": (editor, reverse("editorial:board") + "?status=under_review", 6),
        # The history counts the article's events for its pages.
        "history": (editor, reverse("editorial:history", kwargs={"pk": revision.article_id}), 7),
    }
    for name, (user, url, queries) in pages.items():
        client.force_login(user)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, name
        if name == "queue":  # a page of them, at most
            assert response.text.count("<tr") == 1 + min(size, QUEUE_PAGE_SIZE), name
        if name.startswith("review"):
            assert response.text.count('<article class="thread') == size, name
            assert response.text.count('class="passage-link"') == size, name


def test_what_changed_lists_references_added_removed_and_moved_to_a_newer_version(
    client, editor, reviewer, second_reviewer, reach
):
    kept, dropped, added = (
        ReferenceFactory(key="kept2019-loading"),
        ReferenceFactory(key="dropped2010-rest"),
        ReferenceFactory(key="added2024-shockwave"),
    )
    first = RevisionFactory(
        author=editor, canonical_body="Load it [@kept2019-loading; @dropped2010-rest]."
    )
    reach(first, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer, second_reviewer])
    reference_version_create(
        reference=kept,
        actor=editor,
        type=kept.current_version.type,
        csl=kept.current_version.csl | {"volume": "44"},
        change_note="Erratum: volume",
    )
    draft = revision_create_draft(article=first.article, author=editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(
        revision=draft,
        editor=editor,
        bodies={canonical: "Load it [@kept2019-loading]; shock waves help [@added2024-shockwave]."},
    )
    workflow.revision_submit(revision=draft, actor=editor)

    changes = reference_changes(revision=draft, base=first)
    assert [(c.change, c.key) for c in changes] == [
        ("added", added.key),
        ("newer version", kept.key),
        ("removed", dropped.key),
    ]
    client.force_login(editor)
    html = client.get(reverse("editorial:review", kwargs={"pk": draft.pk})).text
    assert "Newer version:</strong> <code>kept2019-loading</code>" in html
    api = client.get(f"/api/v1/revisions/{draft.pk}/diff/").json()
    assert {
        (r["key"], r["change"], r["old_version"], r["new_version"]) for r in api["references"]
    } == {
        ("added2024-shockwave", "added", None, 1),
        ("kept2019-loading", "newer version", 1, 2),
        ("dropped2010-rest", "removed", 1, None),
    }


def test_a_first_revision_has_nothing_to_compare_against(client, editor, reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text
    assert "What changed since" not in html
    assert "<ins>" not in html


def test_a_refused_declaration_keeps_what_the_reviewer_wrote(client, editor, reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assignment = workflow.revision_assign_reviewer(
        revision=revision, actor=editor, reviewer=reviewer
    )
    client.force_login(reviewer)
    client.post(reverse("editorial:accept", args=[assignment.pk]))
    details = "Speaker fees from a maker of shockwave devices, 2024-2025."

    # "None" and an interest at once: the service refuses it.
    response = client.post(
        reverse("editorial:declare", args=[assignment.pk]),
        {"none": "on", "kind_0": "financial", "details_0": details},
    )

    assert response.status_code == 400
    assert "Declare either no conflict of interest or at least one interest" in response.text
    assert f'value="{details}"' in response.text
    assert '<option value="financial" selected>' in response.text
    assert not InterestDeclaration.objects.filter(assignment=assignment).exists()


def test_reviewers_read_the_bodies_as_readers_will_with_the_cited_references(
    client, editor, reviewer
):
    """No raw `[@key]` markers: numbered citations link to a list of the pinned versions with
    their type, links to DOI and PubMed, and what happened to them since (retracted, revised)."""
    cited = ReferenceFactory(key="kim2013-loading", actor=editor)
    reference_version_create(
        reference=cited,
        actor=editor,
        type="research",
        csl=cited.current_version.csl,
        doi="10.1177/0363546513483860",
        pmid="23589538",
        change_note="Identifiers added",
    )
    doubtful = ReferenceFactory(key="wakefield1998", actor=editor, title="Ileal hyperplasia")
    revision = RevisionFactory(
        author=editor,
        canonical_body="Rest helps [@kim2013-loading]. Some disagree [@wakefield1998].",
    )
    workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    reference_version_create(
        reference=doubtful,
        actor=editor,
        type="research",
        csl=doubtful.current_version.csl,
        status="retracted",
        change_note="Retracted by the journal",
    )
    reference_version_create(
        reference=cited,
        actor=editor,
        type="research",
        csl=cited.current_version.csl | {"volume": "44"},
        change_note="Erratum: volume",
    )

    client.force_login(reviewer)
    html = client.get(reverse("editorial:review", kwargs={"pk": revision.pk})).text
    canonical = AudienceLevel.objects.get(is_canonical=True).slug
    assert "[@" not in html
    assert f'href="#ref-{canonical}-1"' in html
    assert f'<li id="ref-{canonical}-2" value="2">' in html
    assert '<a href="https://doi.org/10.1177/0363546513483860">DOI</a>' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/23589538/">PubMed</a>' in html
    assert '<strong class="reference-retracted">Retracted</strong>' in html
    assert "version 3 (Erratum: volume). This revision cites version 2." in html
    assert ">Offset</label>" not in html  # the comment form's hidden fields have no label


def test_the_board_shows_each_states_latest_and_pages_through_one_state(
    client, editor, django_assert_num_queries
):
    drafts = [RevisionFactory(author=editor).article for _ in range(53)]
    client.force_login(editor)
    board = client.get(reverse("editorial:board")).text
    shown = re.findall(r'<a href="/editorial/articles/(\d+)/">', board)
    assert len(shown) == 20  # the 20 drafts changed last, not all 53
    assert shown == [str(a.pk) for a in reversed(drafts)][:20]
    assert '<a href="?status=draft">All 53 draft</a>' in board

    first = client.get(reverse("editorial:board"), {"status": "draft"}).text
    second = client.get(reverse("editorial:board"), {"status": "draft", "page": "2"}).text
    on_first = re.findall(r'<a href="/editorial/articles/(\d+)/">', first)
    on_second = re.findall(r'<a href="/editorial/articles/(\d+)/">', second)
    assert (len(on_first), len(on_second)) == (50, 3)
    assert set(on_first) | set(on_second) == {str(a.pk) for a in drafts}
    assert "Page 2 of 2" in second
    # A page that is not a number is the first page.
    not_a_number = client.get(reverse("editorial:board"), {"status": "draft", "page": "x"}).text
    assert re.findall(r'<a href="/editorial/articles/(\d+)/">', not_a_number) == on_first


def test_the_queue_comes_in_pages_soonest_due_first(client, editor, reviewer):
    assignments = _invited(editor, reviewer, QUEUE_PAGE_SIZE + 2)
    today = timezone.localdate()
    for days, assignment in enumerate(assignments):
        ReviewAssignment.objects.filter(pk=assignment.pk).update(
            due_date=today + timedelta(days=days)
        )
    client.force_login(reviewer)
    first = client.get(reverse("editorial:queue")).text
    second = client.get(reverse("editorial:queue"), {"page": "2"}).text
    linked = r'href="/editorial/revisions/(\d+)/review/"'
    assert re.findall(linked, first) == [str(a.revision_id) for a in assignments][:QUEUE_PAGE_SIZE]
    assert re.findall(linked, second) == [str(a.revision_id) for a in assignments][QUEUE_PAGE_SIZE:]
    assert f'To review <span class="count">({QUEUE_PAGE_SIZE + 2})</span>' in first
    assert "Page 1 of 2" in first
    assert '<a href="?page=2">Due later</a>' in first
    assert '<a href="?page=1">Due sooner</a>' in second
    # A page past the end is the last page; a page that is not a number is the first.
    assert re.findall(linked, client.get(reverse("editorial:queue"), {"page": "9"}).text) == (
        re.findall(linked, second)
    )
    assert re.findall(linked, client.get(reverse("editorial:queue"), {"page": "x"}).text) == (
        re.findall(linked, first)
    )


@pytest.mark.parametrize("size", [2, 12])
def test_the_reviews_decided_come_in_the_same_queries_however_many(
    size, client, editor, reviewer, django_assert_num_queries
):
    for assignment in _invited(editor, reviewer, size, ready=True):
        workflow.revision_approve(revision=assignment.revision, actor=reviewer)
    client.force_login(reviewer)
    # Session, user; the page's count and rows; those waiting for a decision (the tab's
    # count); the navigation's groups and unread notifications.
    with django_assert_num_queries(7):
        html = client.get(reverse("editorial:queue"), {"show": "done"}).text
    assert html.count('href="/editorial/revisions/') == size


def test_the_queue_says_when_it_is_empty(client, reviewer):
    client.force_login(reviewer)
    assert "No review is waiting for your decision." in client.get(reverse("editorial:queue")).text
    done = client.get(reverse("editorial:queue"), {"show": "done"}).text
    assert "None of your reviews is decided or closed yet." in done


def test_the_queue_lists_what_waits_for_a_decision_and_the_rest_apart(
    client, editor, reviewer, second_reviewer
):
    decided, sent_back, waiting = _invited(editor, reviewer, 3, ready=True)
    assign_ready(decided.revision, editor=editor, reviewer=second_reviewer)
    assign_ready(sent_back.revision, editor=editor, reviewer=second_reviewer)
    workflow.revision_approve(revision=decided.revision, actor=reviewer)
    workflow.revision_request_changes(
        revision=sent_back.revision, actor=second_reviewer, reason="Dose unclear"
    )
    long_ago = timezone.localdate() - timedelta(days=40)
    ReviewAssignment.objects.filter(reviewer=reviewer).update(due_date=long_ago)
    client.force_login(reviewer)
    linked = r'href="/editorial/revisions/(\d+)/review/"'

    to_review = client.get(reverse("editorial:queue")).text
    assert re.findall(linked, to_review) == [str(waiting.revision_id)]
    assert 'To review <span class="count">(1)</span>' in to_review
    assert to_review.count('<strong class="overdue">Overdue</strong>') == 1

    # Decided, or sent back for changes: newest first, never overdue, still counted above.
    done = client.get(reverse("editorial:queue"), {"show": "done"}).text
    assert re.findall(linked, done) == [str(sent_back.revision_id), str(decided.revision_id)]
    assert "Overdue" not in done
    assert 'To review <span class="count">(1)</span>' in done
    assert '<a href="?show=done" aria-current="page">' in done


def test_the_history_comes_in_pages_newest_first_and_the_article_page_shows_the_latest(
    client, editor
):
    revision = RevisionFactory(author=editor)
    article = revision.article
    AuditEvent.objects.bulk_create(
        AuditEvent(
            article=article,
            revision=revision,
            actor=editor,
            action=AuditAction.SUBMIT,
            note=f"event {number}",
        )
        for number in range(HISTORY_PAGE + 3)
    )
    client.force_login(editor)
    url = reverse("editorial:history", kwargs={"pk": article.pk})
    first = client.get(url).text
    second = client.get(url, {"page": "2"}).text
    notes = r'<p class="note">event (\d+)</p>'
    # Same moment for all: newest first is the highest key first.
    newest_first = [str(n) for n in reversed(range(HISTORY_PAGE + 3))]
    assert re.findall(notes, first) == newest_first[:HISTORY_PAGE]
    assert re.findall(notes, second) == newest_first[HISTORY_PAGE:]
    assert f"Page 1 of 2 ({HISTORY_PAGE + 3} events)" in first
    assert '<a href="?page=2">Older</a>' in first
    assert '<a href="?page=1">Newer</a>' in second
    detail = client.get(reverse("editorial:article", kwargs={"pk": article.pk})).text
    assert re.findall(notes, detail) == newest_first[:TRAIL_SHOWN]
    assert f"(the {TRAIL_SHOWN} latest events are shown here)" in detail


@pytest.mark.parametrize("size", [3, 30])
def test_the_board_reads_the_same_whatever_the_number_of_articles_in_each_state(
    size, client, editor, django_assert_num_queries
):
    """Articles in every state: the board's queries are one per state shown, not per article;
    each column is bounded and counted in the database."""
    for status in ReviewStatus.values:
        for _ in range(size):
            revision = RevisionFactory(author=editor, canonical_body="")
            Revision.objects.filter(pk=revision.pk).update(status=status)
    client.force_login(editor)
    # session, user, groups, the unread count, counts per state, each state's latest (5),
    # the late reviews.
    with django_assert_num_queries(11):
        board = client.get(reverse("editorial:board")).text
    shown = re.findall(r'<a href="/editorial/articles/(\d+)/">', board)
    assert len(shown) == len(ReviewStatus.values) * min(size, 20)
    for status in ReviewStatus.values:
        assert f'<h2 id="col-{status}">' in board
        assert f'<span class="count">({size})</span>' in board
        # A link to the whole state when more are in it than are shown.
        assert (f'<a href="?status={status}">All {size} ' in board) == (size > 20)
