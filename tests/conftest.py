"""Role fixtures and helpers that reach workflow states through the real transitions."""

import os

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles.models import ReviewStatus, Revision
from articles.page_versions import local_pages_clear
from config.redis_cache import _Outage
from editorial import workflow
from editorial.models import User
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, assign_ready
from tests.importing import import_post


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgresql` exercise PostgreSQL's full-text search: on SQLite (local runs)
    they are deselected, not skipped; .ci/run runs the suite on PostgreSQL, where they run."""
    from django.conf import settings

    # A transactional test flushes the database after it; without serialized_rollback the flush
    # also empties what the migrations wrote (content types, groups, audience levels) and the
    # next transactional test in the same process fails to load them: refused here, by name.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    postgres_only = [item for item in items if item.get_closest_marker("postgresql")]
    if postgres_only:
        config.hook.pytest_deselected(items=postgres_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


# Playwright's sync API runs an event loop in the test thread; Django's ORM calls are still
# made synchronously from that thread, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache: the database is rolled back after a test, the
    cache is not (article pages keyed by slugs the factories reuse, home and search results,
    rate-limit counters)."""
    _Outage.failed, _Outage.paused_until = False, 0.0  # a Redis outage an earlier test made
    cache.clear()
    local_pages_clear()  # each process's own copies (stored pages go with the database)
    yield
    cache.clear()
    local_pages_clear()


@pytest.fixture
def editor(db) -> User:
    return EditorFactory(username="edna", first_name="Edna", last_name="Editor")


@pytest.fixture
def reviewer(db) -> User:
    return BoardMemberFactory(username="rhea", first_name="Rhea", last_name="Reviewer")


@pytest.fixture
def second_reviewer(db) -> User:
    return BoardMemberFactory(username="ravi", first_name="Ravi", last_name="Second")


@pytest.fixture
def draft(editor) -> Revision:
    return RevisionFactory(author=editor, last_edited_by=editor, number=1)


def reach_status(
    revision: Revision, status: str, *, editor: User, reviewers: list[User]
) -> Revision:
    """Drive `revision` to `status` through real transitions, with `reviewers` assigned
    (each accepted the invitation and declared no conflict of interest).

    Every status but SUBMITTED is reached with all reviewers assigned; for DRAFT the revision
    went through review once and was withdrawn. SUBMITTED is a revision nobody has been
    invited to review yet (`reviewers` is ignored): submitted again with reviewers assigned,
    it goes back under review (editorial.workflow.actions). Under review, the first reviewer
    has already approved when there are two or more.
    """
    workflow.revision_submit(revision=revision, actor=editor)
    if status == ReviewStatus.SUBMITTED:
        reviewers = []
    for reviewer in reviewers:
        assign_ready(revision, editor=editor, reviewer=reviewer)
    if status == ReviewStatus.DRAFT:
        workflow.revision_withdraw(revision=revision, actor=editor)
    elif status == ReviewStatus.CHANGES_REQUESTED:
        workflow.revision_request_changes(
            revision=revision, actor=reviewers[-1], reason="Cite the newer guideline."
        )
    elif status == ReviewStatus.APPROVED:
        for reviewer in reviewers:
            workflow.revision_approve(revision=revision, actor=reviewer)
    elif status == ReviewStatus.UNDER_REVIEW and len(reviewers) > 1:
        workflow.revision_approve(revision=revision, actor=reviewers[0])
    revision.refresh_from_db()
    assert revision.status == status
    return revision


@pytest.fixture
def reach():
    return reach_status


@pytest.fixture
def lookup_replay(settings):  # type: ignore[no-untyped-def]
    """doi.org and PubMed's citation exporter replayed from tests/articles/lookup_responses/,
    with the lookup settings pointed at it."""
    from tests.lookup_replay import LookupReplay

    replay = LookupReplay().start()
    settings.IMPRIMATUR_DOI_LOOKUP_URL = replay.doi_url
    settings.IMPRIMATUR_PUBMED_LOOKUP_URL = replay.pubmed_url
    yield replay
    replay.stop()


@pytest.fixture
def import_confirm(client):  # type: ignore[no-untyped-def]
    """Post a reference import's confirm: its task runs after the commit (Celery is eager in
    tests), then the import's page is fetched. Returns that page, or the refused confirm."""

    def post(data: dict[str, object], *, follow: bool = True):  # type: ignore[no-untyped-def]
        return import_post(
            client, reverse("editorial:reference_import_confirm"), data, follow=follow
        )

    return post
