"""A corrected, retracted or superseded reference version flags the articles citing an older
one, tells their editors once, and a retracted one blocks approval."""

import pytest

from articles.models import Reference, ReferenceStatus, ReviewStatus, Revision
from articles.references.flags import citations_flagged
from articles.references.services import reference_version_create
from editorial import workflow
from editorial.events import AuditAction
from editorial.models import AuditEvent, Notification, User
from editorial.tasks import notify_reference_change
from tests.factories import EditorFactory, ReferenceFactory, RevisionFactory

KEY = "kim2013-ischiofemoral"
TITLE = "Ischiofemoral impingement: the evidence so far"


@pytest.fixture(name="librarian")
def librarian_fixture(db) -> User:
    """The editor who keeps the reference library: the actor, so never told of own changes."""
    return EditorFactory(username="lib", first_name="Libby", last_name="Library")


@pytest.fixture(name="reference")
def reference_fixture(librarian) -> Reference:
    return ReferenceFactory(key=KEY, title=TITLE, actor=librarian)


def citing(editor: User, *keys: str) -> Revision:
    """A fresh draft of a new article whose canonical body cites `keys`."""
    markers = " ".join(f"[@{key}]" for key in keys)
    return RevisionFactory(
        author=editor,
        number=1,
        canonical_body=f"Rest and graded loading help most people recover {markers}.",
    )


def revise(reference: Reference, actor: User, status: str, note: str = "", **csl: object) -> None:
    reference.refresh_from_db()
    current = reference.current_version
    assert current is not None
    reference_version_create(
        reference=reference,
        actor=actor,
        type=current.type,
        csl={**current.csl, **csl},
        status=status,
        change_note=note or f"Marked {status} by the journal",
    )


def published(revision: Revision, editor: User) -> Revision:
    workflow.revision_submit(revision=revision, actor=editor)
    workflow.article_publish(revision=revision, actor=editor)
    return revision


def flagged_articles() -> set[int]:
    return {flag.article.pk for flag in citations_flagged()}


@pytest.mark.parametrize(
    "status",
    [
        ReviewStatus.SUBMITTED,
        ReviewStatus.UNDER_REVIEW,
        ReviewStatus.CHANGES_REQUESTED,
        ReviewStatus.APPROVED,
    ],
)
def test_a_revision_in_review_citing_an_older_version_is_flagged(
    status, editor, reviewer, reference, librarian, reach, settings
):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    revision = reach(citing(editor, KEY), status, editor=editor, reviewers=[reviewer])
    revise(reference, librarian, ReferenceStatus.CORRECTED, "Dosage table corrected")

    (flag,) = citations_flagged()
    assert (flag.article, flag.revision, flag.key) == (revision.article, revision, KEY)
    assert (flag.pinned.number, flag.newer.number, flag.newer.status) == (1, 2, "corrected")
    assert flag.newer.change_note == "Dosage table corrected"
    assert [(c.field, c.old, c.new) for c in flag.changes] == [("status", "active", "corrected")]
    assert flag.draft_number is None
    assert not flag.is_retracted


def test_the_published_revision_is_flagged_and_drafts_are_not(editor, reference, librarian, reach):
    live = published(citing(editor, KEY), editor)
    citing(editor, KEY)  # a draft: nothing pinned yet
    withdrawn = reach(citing(editor, KEY), ReviewStatus.DRAFT, editor=editor, reviewers=[])
    assert withdrawn.citations.exists()  # pinned once, but withdrawn to draft

    revise(reference, librarian, ReferenceStatus.SUPERSEDED, "Replaced by the 2024 update")

    assert flagged_articles() == {live.article_id}


def test_an_active_new_version_flags_nothing_and_sends_nothing(
    editor, reference, librarian, mailoutbox, django_capture_on_commit_callbacks
):
    published(citing(editor, KEY), editor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        revise(reference, librarian, ReferenceStatus.ACTIVE, "Page numbers fixed", page="1234-9")
    assert callbacks == []
    assert citations_flagged() == []
    assert not AuditEvent.objects.filter(action=AuditAction.REFERENCE_CHANGED).exists()
    assert mailoutbox == []


def test_a_revision_citing_the_newest_version_is_not_flagged(editor, reference, librarian):
    revise(reference, librarian, ReferenceStatus.CORRECTED)
    published(citing(editor, KEY), editor)  # pins version 2, the corrected one

    assert citations_flagged() == []


def test_a_later_version_flags_again_what_still_cites_an_older_one(editor, reference, librarian):
    old = published(citing(editor, KEY), editor)  # version 1
    revise(reference, librarian, ReferenceStatus.CORRECTED)
    newer = published(citing(editor, KEY), editor)  # version 2
    revise(reference, librarian, ReferenceStatus.RETRACTED, "Data fabricated")

    flags = {flag.article.pk: flag for flag in citations_flagged()}
    assert set(flags) == {old.article_id, newer.article_id}
    assert {f.pinned.number for f in flags.values()} == {1, 2}
    assert {f.newer.number for f in flags.values()} == {3}
    assert all(f.is_retracted for f in flags.values())


def test_editors_are_told_once_per_article_and_version(
    editor, reviewer, reference, librarian, reach, mailoutbox, django_capture_on_commit_callbacks
):
    live = published(citing(editor, KEY), editor)
    reviewing = reach(
        citing(editor, KEY), ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer]
    )
    citing(editor, KEY)  # a draft
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        revise(reference, librarian, ReferenceStatus.RETRACTED, "Retracted: data fabricated")

    # The editors, not the librarian who made the change, nor the reviewer.
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == sorted(
        (editor.email, f"[Imprimatur] {r.article.title}: a cited reference changed")
        for r in (live, reviewing)
    )
    message = next(m for m in mailoutbox if live.article.title in m.subject)
    assert f"{KEY} version 2 is retracted: Retracted: data fabricated." in message.body
    assert "Revision 1 cites version 1" in message.body
    assert f"/editorial/articles/{live.article_id}/" in message.body
    events = AuditEvent.objects.filter(action=AuditAction.REFERENCE_CHANGED)
    assert {(e.article_id, e.revision_id, e.actor_id) for e in events} == {
        (live.article_id, live.pk, librarian.pk),
        (reviewing.article_id, reviewing.pk, librarian.pk),
    }

    # The task again (a retry, or a second run): nothing new.
    version = reference.versions.get(number=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_reference_change.delay(version.pk).get() == 0
    assert len(mailoutbox) == 2
    assert Notification.objects.filter(event__action=AuditAction.REFERENCE_CHANGED).count() == 2


def test_a_newer_submitted_revision_clears_the_published_ones_flag(editor, reference, librarian):
    live = published(citing(editor, KEY), editor)
    revise(reference, librarian, ReferenceStatus.CORRECTED)
    assert flagged_articles() == {live.article_id}

    draft = RevisionFactory(article=live.article, author=editor, number=2, canonical_body="")
    assert [f.draft_number for f in citations_flagged()] == [2]
    draft.bodies.create(audience=live.bodies.get().audience, body=f"Updated text [@{KEY}].")
    workflow.revision_submit(revision=draft, actor=editor)

    assert draft.citations.get().version.number == 2
    assert citations_flagged() == []


# Approval ------------------------------------------------------------------------------------


def test_a_retracted_reference_blocks_approval_with_its_key_and_title(
    editor, reviewer, reference, librarian, reach, settings
):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    revision = reach(
        citing(editor, KEY), ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer]
    )
    revise(reference, librarian, ReferenceStatus.RETRACTED)

    message = workflow.RETRACTED_BLOCKS.format(key=KEY, title=TITLE, number=2)
    assert message == (
        f"Cannot approve: it cites {KEY} ({TITLE}), which was retracted in version 2. "
        "Start a new draft without it."
    )
    with pytest.raises(workflow.GuardFailed, match=r"^Cannot approve: it cites kim2013"):
        workflow.revision_approve(revision=revision, actor=reviewer)
    with pytest.raises(workflow.GuardFailed) as refused:
        workflow.revision_approve(revision=revision, actor=reviewer)
    assert str(refused.value) == message
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.UNDER_REVIEW
    assert not revision.decisions.exists()


def test_a_pinned_retracted_version_blocks_approval_though_a_newer_one_is_active(
    editor, reviewer, reference, librarian, reach, settings
):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    revise(reference, librarian, ReferenceStatus.RETRACTED)
    revision = reach(
        citing(editor, KEY), ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer]
    )
    assert revision.citations.get().version.number == 2
    revise(reference, librarian, ReferenceStatus.ACTIVE, "Retraction notice linked")

    with pytest.raises(workflow.GuardFailed, match="which was retracted in version 2"):
        workflow.revision_approve(revision=revision, actor=reviewer)


def test_the_approval_that_would_reach_the_quorum_is_refused(
    editor, reviewer, second_reviewer, reference, librarian, reach, settings
):
    settings.IMPRIMATUR_MIN_APPROVALS = 2
    # The first reviewer approved already; the second approval would reach the quorum.
    revision = reach(
        citing(editor, KEY),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    revise(reference, librarian, ReferenceStatus.RETRACTED)

    with pytest.raises(workflow.GuardFailed, match=f"it cites {KEY}"):
        workflow.revision_approve(revision=revision, actor=second_reviewer)

    revision.refresh_from_db()
    assert revision.status == ReviewStatus.UNDER_REVIEW
    assert revision.decisions.count() == 1


@pytest.mark.parametrize("status", [ReferenceStatus.CORRECTED, ReferenceStatus.SUPERSEDED])
def test_corrected_or_superseded_does_not_block_approval(
    status, editor, reviewer, reference, librarian, reach, settings
):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    revision = reach(
        citing(editor, KEY), ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer]
    )
    revise(reference, librarian, status)

    workflow.revision_approve(revision=revision, actor=reviewer)

    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED
