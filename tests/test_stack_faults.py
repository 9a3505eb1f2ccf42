"""The proof, on the real stack (tests/stack.py: two gunicorn instances, two Celery workers and
a beat on PostgreSQL and Redis through proxies, a real SMTP server): with Redis, PostgreSQL,
SMTP or a worker away, no committed write answers 5xx, the database away is a quick 503, and
every notification arrives exactly once after recovery; a change made through one web instance
is served by the other within a second; a reference import whose worker is killed mid-batch is
resumed by the other and imports each record once."""

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from articles.models import ImportUpload, OutboxMessage, Reference, ReviewStatus, Revision
from editorial import workflow
from editorial.models import Notification, User
from tests.conftest import reach_status
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory
from tests.stack import Stack

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.stack,
    pytest.mark.xdist_group("stack"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker) -> Iterator[Stack]:  # type: ignore[no-untyped-def]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    with django_db_blocker.unblock():
        database = dict(connection.settings_dict)
    running = Stack(database=database, redis_db=10 + int(worker.removeprefix("gw") or 0) % 6)
    try:
        yield running.start()
    finally:
        running.stop()


def until(check: Callable[[], object], *, seconds: float, what: str, every: float = 0.1) -> float:
    """Wait until `check()` is true, trying every `every` s; returns how long it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(every)
    return time.monotonic() - started


def token_for(user: User) -> str:
    return AuthToken.objects.create(user=user)[1]


def submit(stack: Stack, port: int, token: str, article_id: int) -> int:
    path = f"/api/v1/articles/{article_id}/transitions/submit/"
    return stack.post(port, path, token=token).status


def settled(since: object) -> bool:
    """Nothing owed by the outbox, and every inbox entry since `since` e-mailed."""
    owed = OutboxMessage.objects.filter(done_at__isnull=True, failed_at__isnull=True)
    unsent = Notification.objects.filter(event__created_at__gte=since, emailed_at__isnull=True)
    return not owed.exists() and not unsent.exists()


def assert_each_e_mailed_once(stack: Stack, since: object) -> int:
    """The SMTP server got one e-mail per inbox entry since `since`, per recipient; returns
    how many."""
    entries = Notification.objects.filter(event__created_at__gte=since)
    expected = Counter(entries.values_list("recipient__email", flat=True))
    got = Counter(address for message in stack.smtp.accepted for address in message.to)
    assert got == expected
    return sum(expected.values())


def approved_by_two(editor: User) -> Revision:
    """A new article's revision approved by two board members, through the actions."""
    return reach_status(
        RevisionFactory(author=editor),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[BoardMemberFactory(), BoardMemberFactory()],
    )


@pytest.fixture
def people() -> dict[str, object]:
    editor, colleague = EditorFactory(), EditorFactory()
    return {"editor": editor, "colleague": colleague, "token": token_for(editor)}


def test_redis_away_writes_answer_2xx_pages_are_served_and_each_notice_arrives_once_after(
    stack, people
):
    editor, colleague, token = people["editor"], people["colleague"], people["token"]
    a, b = stack.web_ports
    drafts = [RevisionFactory(author=editor) for _ in range(4)]
    approved = approved_by_two(editor)
    published = approved_by_two(editor)
    workflow.article_publish(revision=published, actor=editor)
    new_page = f"/articles/{approved.article.slug}/"
    assert stack.get(b, new_page).status == 404  # not public yet, as web B has it
    assert stack.get(b, f"/articles/{published.article.slug}/").status == 200
    since = timezone.now()
    stack.smtp.accepted.clear()

    stack.redis.stop()
    answers = [
        stack.post(a, f"/api/v1/articles/{d.article_id}/transitions/submit/", token=token)
        for d in drafts
    ]
    publish = stack.post(
        a, f"/api/v1/articles/{approved.article_id}/transitions/publish/", token=token
    )
    assert [x.status for x in answers] == [200] * len(drafts), [x.body for x in answers]
    assert publish.status == 200, publish.body
    assert max(x.seconds for x in [*answers, publish]) < 3
    # Public pages still answer, from the database: the stored page or built.
    assert stack.get(b, f"/articles/{published.article.slug}/").status == 200
    assert stack.get(b, new_page).status == 200
    time.sleep(2)  # the relay and the workers meet Redis away meanwhile
    stack.redis.start()

    until(lambda: settled(since), seconds=40, what="every notification delivered")
    delivered = assert_each_e_mailed_once(stack, since)
    assert delivered >= len(drafts)  # at least the colleague, once per submission
    assert len(stack.smtp.subjects_to(colleague.email)) >= len(drafts)
    page = stack.get(b, new_page)
    assert page.status == 200
    assert "Medically reviewed by" in page.body


def test_the_database_away_is_a_quick_503_and_work_resumes_without_a_restart(stack, people):
    token = people["token"]
    a, b = stack.web_ports
    assert stack.get(a, "/api/v1/articles/", token=token).status == 200
    stack.postgres.stop()
    try:
        for port, path, kind in [
            (a, "/api/v1/articles/", "application/json"),
            (b, "/?q=tendon", "text/html"),
        ]:
            answer = stack.get(port, path, token=token if "api" in path else "")
            assert answer.status == 503, answer.body[:300]
            assert answer.seconds < 2
            assert "Retry-After" in answer.headers
            assert answer.headers["Content-Type"].startswith(kind)
        assert stack.get(a, "/healthz").status == 200
        assert stack.get(a, "/readyz").status == 503
    finally:
        stack.postgres.start()
    until(lambda: stack.get(a, "/readyz").status == 200, seconds=10, what="ready again")
    assert stack.get(b, "/api/v1/articles/", token=token).status == 200


def test_smtp_and_then_the_database_away_each_notice_arrives_once_when_both_are_back(stack, people):
    editor, colleague, token = people["editor"], people["colleague"], people["token"]
    a, _ = stack.web_ports
    drafts = [RevisionFactory(author=editor) for _ in range(3)]
    since = timezone.now()
    stack.smtp.accepted.clear()

    stack.smtp.stop()
    assert [submit(stack, a, token, d.article_id) for d in drafts] == [200] * len(drafts)
    # The tasks meet SMTP away and are due again within a few seconds.
    until(
        lambda: OutboxMessage.objects.filter(failures__gte=1).exists(),
        seconds=20,
        what="a task met SMTP away",
    )
    stack.postgres.stop()  # their next runs meet the database away too
    time.sleep(4)
    stack.postgres.start()
    stack.smtp.start()

    until(lambda: settled(since), seconds=60, what="every notification delivered")
    assert_each_e_mailed_once(stack, since)
    assert len(stack.smtp.subjects_to(colleague.email)) == len(drafts)


def test_a_worker_killed_while_sending_loses_nothing_and_sends_nothing_twice(stack, people):
    editor, colleague, token = people["editor"], people["colleague"], people["token"]
    a, _ = stack.web_ports
    draft = RevisionFactory(author=editor)
    since = timezone.now()
    stack.smtp.accepted.clear()
    stack.smtp.delay = 3
    try:
        assert submit(stack, a, token, draft.article_id) == 200
        until(stack.smtp.receiving.is_set, seconds=20, what="a worker sending")
        busy = next(
            name
            for name in ("worker-1", "worker-2")
            if "send_event_notifications" in stack.log(name).rsplit("ready.", 1)[-1]
            and "succeeded" not in stack.log(name).rsplit("send_event_notifications", 1)[-1]
        )
        stack.kill(busy)
        stack.smtp.delay = 0
        until(lambda: settled(since), seconds=60, what="the notice delivered by another worker")
    finally:
        stack.smtp.delay = 0
        if "worker-1" not in stack.processes:
            stack.worker_start("worker-1")
        if "worker-2" not in stack.processes:
            stack.worker_start("worker-2")
    assert_each_e_mailed_once(stack, since)
    assert len(stack.smtp.subjects_to(colleague.email)) == 1


def test_a_change_through_one_instance_is_served_by_the_other_within_a_second(stack, people):
    editor, token = people["editor"], people["token"]
    a, b = stack.web_ports
    approved = approved_by_two(editor)
    workflow.article_publish(revision=approved, actor=editor)
    page = f"/articles/{approved.article.slug}/"
    assert stack.get(b, page).status == 200  # cached by web B
    # The last moment a process of web B may keep its copy (IMPRIMATUR_PAGE_LOCAL_SECONDS).
    last_read = time.monotonic()
    assert stack.get(b, page).status == 200
    unpublish = stack.post(
        a,
        f"/api/v1/articles/{approved.article_id}/transitions/unpublish/",
        token=token,
        payload=json.dumps({"note": "Withdrawn for a safety check"}).encode(),
    )
    assert unpublish.status == 200, unpublish.body
    until(lambda: stack.get(b, page).status != 200, seconds=5, what="web B sees it", every=0.02)
    # Web B's copy lives one second from when it read the page, and no longer: measured from
    # the change's answer, a copy read just before it made this 1.05 s on some runs (the 0.1 s
    # polling's next try), so the clock starts where the copy may have been made. The margin:
    # that read itself, one poll and its request.
    assert time.monotonic() - last_read < 1 + 0.15


def _multipart(fields: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body of (filename, content) fields, and its content type."""
    boundary = "imprimatur-stack-test-boundary"
    parts = []
    for name, (filename, content) in fields.items():
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        parts.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_reference_import_with_its_worker_killed_imports_each_record_once(stack, people):
    token = people["token"]
    a, b = stack.web_ports
    records = 4000  # eight batches of 500
    text = "".join(
        f"TY  - JOUR\nAU  - Stack{n}, A\nTI  - Stack outcome {n}\nPY  - 2020\n"
        f"DO  - 10.5555/stack.{n}\nER  - \n\n"
        for n in range(records)
    )
    body, content_type = _multipart({"file": ("stack.ris", text.encode()), "format": ("", b"ris")})
    uploaded = stack.request(
        a,
        "/api/v1/references/import/preview/",
        method="POST",
        token=token,
        data=body,
        content_type=content_type,
    )
    assert uploaded.status == 202, uploaded.body
    status_path = "/api/v1/references/" + uploaded.headers["Location"].split("/references/", 1)[1]

    def state() -> str:
        return str(json.loads(stack.get(b, status_path, token=token).body)["state"])

    until(lambda: state() == "previewed", seconds=120, what="the preview read by a worker")
    confirmed = stack.post(a, status_path + "confirm/", token=token)
    assert confirmed.status == 202, confirmed.body
    upload = ImportUpload.objects.get(token=uploaded.headers["Location"].rstrip("/").split("/")[-1])
    until(
        lambda: ImportUpload.objects.filter(pk=upload.pk, batches_done__gte=1).exists(),
        seconds=120,
        what="the import's first batch",
        every=0.05,
    )
    busy = next(
        name
        for name in ("worker-1", "worker-2")
        if "import_references" in stack.log(name).rsplit("ready.", 1)[-1]
    )
    try:
        stack.kill(busy)  # in the middle of a batch: its transaction is rolled back
        killed_at = ImportUpload.objects.get(pk=upload.pk)
        assert (killed_at.state, killed_at.batches_done < 8) == ("running", True)
        until(lambda: state() == "done", seconds=180, what="the import resumed by another worker")
    finally:
        for name in ("worker-1", "worker-2"):
            if name not in stack.processes:
                stack.worker_start(name)
    upload.refresh_from_db()
    assert (upload.records_read, upload.records_imported, upload.records_refused) == (
        records,
        records,
        0,
    )
    assert Reference.objects.filter(current_version__title__startswith="Stack outcome").count() == (
        records
    )
