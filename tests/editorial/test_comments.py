"""Comments on passages: threads, resolve and reopen, safety blocks approval, moving on."""

import pytest

from articles.models import AudienceLevel, ReviewStatus
from articles.services import revision_create_draft, revision_edit
from editorial import comments, selectors, workflow
from editorial.models import AuditEvent, ReviewComment
from tests.factories import BoardMemberFactory, RevisionFactory

TEXT = "Rest, ice and graded loading help most people recover."


@pytest.fixture
def canonical(db):
    return AudienceLevel.objects.get(is_canonical=True)


@pytest.fixture
def under_review(editor, reviewer, second_reviewer, reach):
    return reach(
        RevisionFactory(author=editor, canonical_body=TEXT),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )  # reviewer has approved


def _comment(revision, actor, audience, quote="graded loading", severity="note"):  # type: ignore[no-untyped-def]
    return comments.comment_create(
        revision=revision,
        actor=actor,
        audience=audience,
        quoted_text=quote,
        offset=TEXT.index(quote),
        body=f"About {quote}",
        severity=severity,
    )


def test_thread_with_reply_resolve_and_reopen(editor, second_reviewer, under_review, canonical):
    thread = _comment(under_review, second_reviewer, canonical)
    reply = comments.comment_reply(parent=thread, actor=editor, body="Which protocol?")
    assert AuditEvent.objects.first().action == "reply"

    with pytest.raises(workflow.ActionForbidden, match="Only an editor or the comment's author"):
        comments.comment_resolve(comment=thread, actor=BoardMemberFactory())
    comments.comment_resolve(comment=thread, actor=second_reviewer)
    thread.refresh_from_db()
    assert (thread.resolved_by, thread.resolved_at is not None) == (second_reviewer, True)
    with pytest.raises(workflow.GuardFailed, match="already resolved"):
        comments.comment_resolve(comment=thread, actor=editor)
    comments.comment_reopen(comment=thread, actor=editor)
    thread.refresh_from_db()
    assert thread.resolved_at is None

    threads = list(selectors.comment_threads(revision=under_review))
    assert threads == [thread]
    assert list(threads[0].replies.all()) == [reply]


def test_a_quote_not_in_the_text_is_refused(second_reviewer, under_review, canonical):
    for quote in ("graded unloading", "", "   "):
        with pytest.raises(workflow.InvalidInput, match="quoted passage is not in the Health"):
            comments.comment_create(
                revision=under_review,
                actor=second_reviewer,
                audience=canonical,
                quoted_text=quote,
                body="Hm",
            )
    assert not ReviewComment.objects.exists()


FORMATTED = (
    "Rest, ice and **graded loading** help most people recover.\n\n"
    "- Ice *for* pain\n- Rest when   needed\n"
)


@pytest.fixture
def formatted(editor, reviewer, second_reviewer, reach):
    return reach(
        RevisionFactory(author=editor, canonical_body=FORMATTED),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )


def test_the_quote_is_the_text_as_readers_read_it_whatever_formatting_it_crosses(
    second_reviewer, formatted, canonical
):
    """Bold, emphasis, a paragraph and a list item in one passage, selected in the rendered
    text: the Markdown's asterisks and line breaks are not in it, and do not matter."""
    thread = comments.comment_create(
        revision=formatted,
        actor=second_reviewer,
        audience=canonical,
        quoted_text="graded loading help most people recover.\n\nIce for pain",
        body="Which protocol?",
    )
    text = "Rest, ice and graded loading help most people recover. Ice for pain Rest when needed"
    assert thread.quoted_text == "graded loading help most people recover. Ice for pain"
    assert thread.offset == text.index("graded loading")

    with pytest.raises(workflow.InvalidInput, match="quoted passage is not"):
        comments.comment_create(
            revision=formatted,
            actor=second_reviewer,
            audience=canonical,
            quoted_text="**graded loading**",  # the Markdown source: readers never see it
            body="Hm",
        )


def test_the_offset_picks_the_nearest_of_repeated_passages(second_reviewer, formatted, canonical):
    text = "Rest, ice and graded loading help most people recover. Ice for pain Rest when needed"
    second = text.index("Rest when")

    near_second = comments.comment_create(
        revision=formatted,
        actor=second_reviewer,
        audience=canonical,
        quoted_text="Rest",
        offset=second - 3,
        body="This one",
    )
    first = comments.comment_create(
        revision=formatted, actor=second_reviewer, audience=canonical, quoted_text="Rest", body="?"
    )

    assert (near_second.offset, first.offset) == (second, 0)


def test_an_invited_or_outside_member_cannot_comment(under_review, canonical):
    with pytest.raises(workflow.ActionForbidden, match="may not comment"):
        _comment(under_review, BoardMemberFactory(), canonical)


def test_an_unresolved_safety_comment_blocks_approval_and_names_it(
    second_reviewer, editor, under_review, canonical
):
    safety = _comment(under_review, editor, canonical, quote="ice", severity="safety")

    with pytest.raises(
        workflow.GuardFailed, match=r'Safety comment by Edna Editor on "ice" is unresolved'
    ):
        workflow.revision_approve(revision=under_review, actor=second_reviewer)
    under_review.refresh_from_db()
    assert under_review.status == ReviewStatus.UNDER_REVIEW

    comments.comment_resolve(comment=safety, actor=editor)
    workflow.revision_approve(revision=under_review, actor=second_reviewer)
    under_review.refresh_from_db()
    assert under_review.status == ReviewStatus.APPROVED


def test_open_comments_move_with_a_new_revision_when_their_passage_remains(
    editor, second_reviewer, under_review, canonical
):
    kept = _comment(under_review, second_reviewer, canonical, quote="graded loading")
    comments.comment_reply(parent=kept, actor=editor, body="Noted")
    gone = _comment(under_review, second_reviewer, canonical, quote="Rest, ice")
    resolved = _comment(under_review, second_reviewer, canonical, quote="most people")
    comments.comment_resolve(comment=resolved, actor=editor)
    workflow.revision_request_changes(revision=under_review, actor=editor, reason="See notes")

    draft = revision_create_draft(article=under_review.article, author=editor)
    new_text = "Elevation and graded loading help most people recover."
    revision_edit(revision=draft, editor=editor, bodies={canonical: new_text})
    kept.refresh_from_db()
    assert kept.revision == under_review  # the draft may still change: nothing moves yet
    workflow.revision_submit(revision=draft, actor=editor)

    kept.refresh_from_db()
    gone.refresh_from_db()
    resolved.refresh_from_db()
    assert kept.revision == draft
    assert kept.replies.get().revision == draft
    assert kept.first_revision == under_review
    assert kept.offset == new_text.index("graded loading")
    assert resolved.revision == under_review
    earlier = selectors.earlier_open_threads(revision=draft, user=editor)
    assert gone in earlier
    assert kept not in earlier
