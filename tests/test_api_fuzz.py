"""Every API operation of the OpenAPI schema, fuzzed by schemathesis (hypothesis underneath):
no answer is a 5xx, and every answer matches what the schema says of its status, content type
and body. As an editor with a token (the widest reader), over a small library, in-process."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from knox.models import AuthToken
from schemathesis import checks

from articles.models import ReviewStatus
from tests.conftest import reach_status
from tests.factories import BoardMemberFactory, EditorFactory, ReferenceFactory, RevisionFactory


@pytest.fixture
def api_schema(db, settings):  # type: ignore[no-untyped-def]
    # The rate limits and login lockouts would answer 429/403 to a fuzzer hammering login.
    settings.RATELIMIT_ENABLE = False
    settings.AXES_ENABLED = False
    # As Django's test client does: the requests run in the test's transaction, which the
    # handler's end-of-request cleanup would otherwise close.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:  # type: ignore[no-untyped-def]
    editor = EditorFactory()
    reach_status(
        RevisionFactory(author=editor),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[BoardMemberFactory(), BoardMemberFactory()],
    )
    RevisionFactory(author=editor)
    ReferenceFactory()
    return AuthToken.objects.create(user=editor)[1]


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def test_no_operation_answers_5xx_or_breaks_its_schema(api_schema, token):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Token {token}"}
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30  # the whole API, not an empty schema
    # Logging out revokes the token the others use: last.
    operations.sort(key=lambda operation: operation.label == "POST /api/v1/auth/logout/")

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=10,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except BaseException as failure:  # one operation's failure must not hide the others
            failures[operation.label] = str(failure)[:1500]
    assert failures == {}
