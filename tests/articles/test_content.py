"""Content invariants: a submitted revision never changes; new drafts copy the newest text."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from articles.models import AudienceBody, AudienceLevel
from articles.services import ContentError, revision_create_draft, revision_edit
from editorial import workflow
from tests.factories import RevisionFactory


def test_a_submitted_revisions_bodies_cannot_be_saved_or_deleted(editor):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    body = AudienceBody.objects.get(revision=revision)
    body.body = "Changed behind the reviewers' backs."
    with pytest.raises(ValidationError, match="can no longer change"):
        body.save()
    with pytest.raises(ValidationError, match="can no longer change"):
        body.delete()
    student = AudienceLevel.objects.get(slug="student")
    with pytest.raises(ValidationError, match="can no longer change"):
        AudienceBody.objects.create(revision=revision, audience=student, body="New text")
    assert AudienceBody.objects.get(revision=revision).body != body.body


def test_a_withdrawn_revision_stays_frozen(editor):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    workflow.revision_withdraw(revision=revision, actor=editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    with pytest.raises(ContentError, match="can no longer change"):
        revision_edit(revision=revision, editor=editor, bodies={canonical: "New"})


def test_a_new_draft_copies_the_bodies_and_gets_the_next_number(editor):
    first = workflow.revision_submit(
        revision=RevisionFactory(author=editor, number=1), actor=editor
    )
    draft = revision_create_draft(article=first.article, author=editor, change_summary="Update")
    assert draft.number == 2
    assert [b.body for b in draft.bodies.all()] == [b.body for b in first.bodies.all()]
    with pytest.raises(ContentError, match="already a draft"):
        revision_create_draft(article=first.article, author=editor)


def test_exactly_one_audience_level_is_canonical(db):
    assert AudienceLevel.objects.filter(is_canonical=True).count() == 1
    with pytest.raises(IntegrityError):
        AudienceLevel.objects.create(slug="other", label="Other", is_canonical=True)
