"""The demo shows everything: a library of real works (one retracted, marked so), an approved
published article whose public page lists its typed, numbered references with links, a
revision under review with open threads and Approve held back, notifications in each inbox
and readers' questions. Built once for the module (each test runs in a savepoint inside it),
with the work that follows each commit done, as `make run` does it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from articles.models import (
    Article,
    FollowUpQuestion,
    Reference,
    ReferenceVersion,
    ReviewStatus,
    Revision,
    RevisionCitation,
)
from articles.references.models import RETRACTED_CITATION, ReferenceStatus, ReferenceType
from editorial import workflow
from editorial.demo import library
from editorial.management.commands.seed_demo import ACCOUNTS
from editorial.models import Notification, ReviewAssignment, ReviewComment, User

PUBLISHED = "achilles-tendinopathy-management"
UNDER_REVIEW = "fever-in-children-when-to-worry"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_the_library_holds_real_works_of_several_types_one_marked_retracted(demo, db):
    assert Reference.objects.count() >= 18
    current = ReferenceVersion.objects.filter(pk__in=Reference.objects.values("current_version"))
    types = set(current.values_list("type", flat=True))
    assert ReferenceType.GUIDELINE in types
    assert len(types) >= 4
    assert not current.filter(doi="", csl__URL__isnull=True).exists()  # each can be found
    assert all(
        re.fullmatch(r"\d{7,8}", pmid)
        for pmid in current.exclude(pmid="").values_list("pmid", flat=True)
    )
    retracted = Reference.objects.get(current_version__status=ReferenceStatus.RETRACTED)
    assert retracted.key == library.RETRACTED_KEY
    assert retracted.current_version.pmid == "9500320"
    assert retracted.current_version.doi == "10.1016/S0140-6736(97)11096-0"  # as registered
    # Imported as it was, then marked retracted in a new version that says why.
    assert list(retracted.versions.order_by("number").values_list("status", flat=True)) == [
        ReferenceStatus.ACTIVE,
        ReferenceStatus.RETRACTED,
    ]
    assert "2 February 2010" in retracted.current_version.change_note


def test_the_published_article_is_approved_and_lists_typed_numbered_references(demo, db, client):
    article = Article.objects.get(slug=PUBLISHED)
    assert article.published_revision.status == ReviewStatus.APPROVED
    assert article.published_revision.bodies.count() == 3  # patient, student, professional

    page = client.get(article.get_absolute_url(), {"audience": "professional"}).text

    entries = re.findall(r'<li id="ref-(\d+)" value="\1">', page)
    assert entries == [str(n) for n in range(1, len(entries) + 1)]
    assert len(entries) >= 8
    assert '<span class="reference-type">Guideline</span>' in page
    assert '<span class="reference-type">Systematic review</span>' in page
    assert '<a href="https://doi.org/10.2519/jospt.2018.0302">DOI</a>' in page
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/29712543/">PubMed</a>' in page
    assert re.search(r'<sup><a href="#ref-1"[^>]*>1</a></sup>', page)  # the text cites them
    assert "Retracted" not in page


def test_no_published_revision_cites_a_retracted_reference(demo, db):
    published = Article.objects.exclude(published_revision=None).values("published_revision")
    assert Article.objects.exclude(published_revision=None).count() == 3
    assert not RevisionCitation.objects.filter(RETRACTED_CITATION, revision__in=published).exists()


def test_a_revision_under_review_has_open_threads_and_approve_held_back(demo, db):
    revision = Revision.objects.get(article__slug=UNDER_REVIEW, status=ReviewStatus.UNDER_REVIEW)
    accepted = revision.assignments.filter(state=ReviewAssignment.State.ACCEPTED)
    assert accepted.count() == 2
    threads = ReviewComment.objects.filter(revision=revision, parent=None)
    open_threads = threads.filter(resolved_at=None)
    assert open_threads.count() >= 2
    assert open_threads.filter(severity=ReviewComment.Severity.SAFETY).exists()
    assert threads.exclude(resolved_at=None).exists()  # and one resolved
    assert revision.article.published_revision.status == ReviewStatus.APPROVED

    reviewer = accepted.first().reviewer
    revision.article = Article.objects.get(pk=revision.article_id)
    reasons = workflow.transition_blockers(workflow.APPROVE, revision=revision, actor=reviewer)
    assert {r.code for r in reasons} == {"safety-comment-open", "retracted-citation"}


def test_each_demo_account_of_the_workspace_has_unread_notifications(demo, db):
    for username, *_rest in ACCOUNTS:
        if username == "admin":
            continue  # the administrator takes no part in reviews
        user = User.objects.get(username=username)
        assert Notification.objects.filter(recipient=user, read_at=None).exists(), username


def test_readers_questions_wait_in_the_editors_queue(demo, db):
    questions = FollowUpQuestion.objects.filter(state=FollowUpQuestion.State.NEW)
    assert questions.count() >= 1
    assert questions.filter(article__slug=PUBLISHED).exists()


def test_running_it_again_adds_nothing(demo, db):
    counted = (Reference, ReferenceVersion, Revision, ReviewComment, FollowUpQuestion)
    before = [model.objects.count() for model in counted]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert [model.objects.count() for model in counted] == before
    assert "0 article(s) created; 0 reference(s) added" in out.getvalue()


def test_the_published_article_shows_an_update_history(demo, db, client):
    article = Article.objects.get(slug=PUBLISHED)
    first, wording = Revision.objects.filter(article=article).order_by("number")

    page = client.get(article.get_absolute_url()).text

    assert article.published_revision == wording
    assert (first.change_kind, wording.change_kind) == ("new", "editorial")
    assert page.count('<li class="update"') == 2
    assert "Editorial change" in page
    assert "easier to read. The advice is unchanged." in page
    # The editorial change was approved too, but "last reviewed" is the first revision's.
    assert f'<dt>Last reviewed</dt> <dd><time datetime="{first.approved_at.isoformat()}"' in page
