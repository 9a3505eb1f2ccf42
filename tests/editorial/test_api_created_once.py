"""The API's creating writes retried with their Idempotency-Key make one thing: a client whose
answer was lost (a dropped connection, a timeout) sends the request again and gets the first
201 with what it made, instead of a second article, draft, version or reply, or a 400 or 409
for the one it made. Before, only comments, transitions and the reference import took a key."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from articles.models import Article, AudienceLevel, Revision
from articles.references.models import Reference, ReferenceVersion
from articles.references.services import reference_create
from editorial import comments, workflow
from editorial.models import ReviewComment
from tests.editorial.test_api import API, client_for
from tests.factories import RevisionFactory

CSL = {"type": "article-journal", "title": "Graded loading", "issued": {"date-parts": [[2020]]}}


@dataclass
class Creating:
    """One creating request: who sends it, where, what, and how many of what it makes exist."""

    actor: Any
    url: str
    payload: dict[str, Any]
    count: Callable[[], int]


def article(editor, reviewer) -> Creating:  # type: ignore[no-untyped-def]
    # The slug made from the title: a retry made a second article, "ankle-sprain-2".
    return Creating(
        editor, f"{API}/articles/", {"title": "Ankle sprain", "topic": ""}, Article.objects.count
    )


def draft(editor, reviewer) -> Creating:  # type: ignore[no-untyped-def]
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    return Creating(
        editor,
        f"{API}/revisions/",
        {"article": revision.article_id, "change_summary": "Newer dosing advice"},
        Revision.objects.filter(article=revision.article).count,
    )


def reference(editor, reviewer) -> Creating:  # type: ignore[no-untyped-def]
    # A near duplicate exists, so the answer carries a warning, the repeat's as well.
    reference_create(key="load2019", actor=editor, type="research", csl=CSL)
    return Creating(
        editor,
        f"{API}/references/",
        {"key": "load2020", "type": "research", "csl": CSL},
        Reference.objects.count,
    )


def version(editor, reviewer) -> Creating:  # type: ignore[no-untyped-def]
    written = reference_create(key="load2020", actor=editor, type="research", csl=CSL)
    return Creating(
        editor,
        f"{API}/references/{written.version.reference_id}/versions/",
        {"type": "research", "csl": {**CSL, "volume": "3"}, "change_note": "Volume added"},
        ReferenceVersion.objects.count,
    )


def reply(editor, reviewer) -> Creating:  # type: ignore[no-untyped-def]
    from tests.editorial.test_sent_once import ready

    thread = comments.comment_create(
        revision=ready(editor, reviewer),
        actor=reviewer,
        audience=AudienceLevel.objects.get(is_canonical=True),
        quoted_text="graded loading",
        body="Say how graded.",
    )
    return Creating(
        editor, f"{API}/comments/{thread.pk}/reply/", {"body": "Done."}, ReviewComment.objects.count
    )


CREATING = [article, draft, reference, version, reply]


@pytest.mark.parametrize("creating", CREATING, ids=lambda c: c.__name__)
def test_a_create_retried_with_its_key_makes_one_and_answers_as_the_first_time(
    creating, editor, reviewer
):
    request = creating(editor, reviewer)
    client = client_for(request.actor)
    before = request.count()
    headers = {"Idempotency-Key": f"retry-{creating.__name__}-0001"}

    answers = [
        client.post(request.url, request.payload, format="json", headers=headers) for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [201, 201], answers[-1].json()
    assert answers[0].json() == answers[1].json()
    assert request.count() == before + 1
    if creating is reference:
        assert answers[1].json()["warnings"], "the near duplicate is still said"


@pytest.mark.parametrize("creating", CREATING, ids=lambda c: c.__name__)
def test_a_key_used_for_another_create_is_refused_and_makes_nothing(creating, editor, reviewer):
    request = creating(editor, reviewer)
    client = client_for(request.actor)
    headers = {"Idempotency-Key": "one-key-two-actions"}
    other = client.post(
        f"{API}/articles/", {"title": "Heel pain", "topic": ""}, format="json", headers=headers
    )
    assert other.status_code == 201
    before = request.count()
    if creating is article:  # the same action: answered as the first time
        again = client.post(request.url, request.payload, format="json", headers=headers)
        assert (again.status_code, again.json()["slug"]) == (201, "heel-pain")
        assert request.count() == before
        return

    answer = client.post(request.url, request.payload, format="json", headers=headers)

    assert answer.status_code == 409
    assert request.count() == before
