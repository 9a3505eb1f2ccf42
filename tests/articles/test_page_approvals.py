"""The article page reads who approved it with its own statement (articles.public.page_reads,
from the source's ApprovalsQuery): the same approvers as the source's revision_approvers."""

from django.test import Client

from articles.models import AudienceLevel, ChangeKind, ReviewStatus
from articles.public.facts import public_facts
from articles.public.page_reads import article_published_read
from articles.selectors import review_dates_of
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from tests.factories import BoardMemberFactory, RevisionFactory, assign_ready


def _approvers_read(article):  # type: ignore[no-untyped-def]
    read = article_published_read(slug=article.slug, wanted=())
    assert read is not None
    revision = read.article.published_revision
    reviewed = review_dates_of(
        revision=revision, rows=read.revisions, article=read.article
    ).reviewed
    return reviewed, read.approvers_of(reviewed)


def test_the_pages_read_names_the_approvers_of_the_approving_round(editor, settings, reach):
    settings.IMPRIMATUR_MIN_APPROVALS = 2
    first, second, third = BoardMemberFactory(), BoardMemberFactory(), BoardMemberFactory()
    revision = RevisionFactory(author=editor, canonical_body="Rest the heel.")
    # Round 1: the first approves, the second asks for changes. Round 2 (with a third member
    # invited): the third approves, then the first again.
    reach(revision, ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[first, second])
    workflow.revision_request_changes(revision=revision, actor=second, reason="Cite the 2024 RCT.")
    revision.refresh_from_db()
    workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=third)
    for reviewer in (third, first):
        workflow.revision_approve(revision=revision, actor=reviewer)
    article = workflow.article_publish(revision=revision, actor=editor)

    reviewed, approvers = _approvers_read(article)

    assert reviewed is not None
    assert approvers == public_facts().revision_approvers(revision=reviewed)
    assert [approver.name for approver in approvers] == [str(third), str(first)]
    page = Client().get(article.get_absolute_url()).text
    assert page.count('class="approver"') == 2


def _published_approved_by(reviewer, *, editor, reach):  # type: ignore[no-untyped-def]
    """An article published at its first revision, approved by `reviewer` alone."""
    approved = RevisionFactory(author=editor, canonical_body="Rest the heel.")
    reach(approved, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer])
    return approved, workflow.article_publish(revision=approved, actor=editor)


def test_an_editorial_change_names_the_approvers_of_the_revision_reviewed(
    editor, reviewer, second_reviewer, settings, reach
):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    approved, article = _published_approved_by(reviewer, editor=editor, reach=reach)
    # A typo fixed after publication, approved by another member: not a review of the text.
    fix = revision_create_draft(article=article, author=editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(revision=fix, editor=editor, bodies={canonical: "Rest the heel, then ice."})
    change = workflow.SubmittedChange(kind=ChangeKind.EDITORIAL, summary="A typo fixed.")
    workflow.revision_submit(revision=fix, actor=editor, change=change)
    assign_ready(fix, editor=editor, reviewer=second_reviewer)
    workflow.revision_approve(revision=fix, actor=second_reviewer)
    article = workflow.article_publish(revision=fix, actor=editor)

    reviewed, approvers = _approvers_read(article)

    assert reviewed is not None
    assert reviewed.pk == approved.pk
    assert approvers == public_facts().revision_approvers(revision=approved)
    assert [approver.name for approver in approvers] == [str(reviewer)]


def test_without_a_source_that_reads_them_the_page_asks_for_its_approvers(
    editor, reviewer, settings, reach
):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    _, article = _published_approved_by(reviewer, editor=editor, reach=reach)
    settings.IMPRIMATUR_PUBLIC_FACTS = ""  # NoPublicFacts: nobody to show, nothing read

    _, approvers = _approvers_read(article)

    assert approvers is None
    page = Client().get(article.get_absolute_url()).text
    assert 'class="approver"' not in page
    assert "Rest the heel." in page
