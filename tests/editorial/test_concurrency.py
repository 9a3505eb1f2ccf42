"""Two board members approving the same revision at the same moment.

The second approval arrives while the first one's transaction is still open. Without the
revision's row lock (PostgreSQL in CI; BEGIN IMMEDIATE on SQLite) each would count only its
own approval and the revision would never be approved.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from articles.models import ReviewStatus
from editorial import workflow
from editorial.models import AuditEvent, ReviewDecision
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, assign_ready


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_approvals_approve_exactly_once():
    editor = EditorFactory()
    first, second = BoardMemberFactory(), BoardMemberFactory()
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    for reviewer in (first, second):
        assign_ready(revision, editor=editor, reviewer=reviewer)

    first_approved_uncommitted = threading.Event()
    errors: list[BaseException] = []

    def approve_first() -> None:
        try:
            with transaction.atomic():
                workflow.revision_approve(revision=revision, actor=first)
                first_approved_uncommitted.set()
                time.sleep(1)  # the second approval starts while this is still open
        except BaseException as error:
            errors.append(error)
        finally:
            first_approved_uncommitted.set()
            connection.close()

    def approve_second() -> None:
        try:
            first_approved_uncommitted.wait(timeout=10)
            workflow.revision_approve(revision=revision, actor=second)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_first), threading.Thread(target=approve_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED
    assert ReviewDecision.objects.filter(revision=revision).count() == 2
    approvals = AuditEvent.objects.filter(revision=revision, to_status=ReviewStatus.APPROVED)
    assert approvals.exclude(from_status=ReviewStatus.APPROVED).count() == 1
