"""The API's flagged citations a page at a time (editorial.api.flags with the keyset pages of
editorial.api.pagination): every flagged citation once, grouped by reference, both ways; a
page costs the same number of queries whatever the number of flags, and counts nothing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import ReferenceStatus, Revision
from articles.references.flags import citations_flagged
from editorial import workflow
from tests.editorial.test_api import API, client_for
from tests.editorial.test_api_pagination import walk
from tests.editorial.test_reference_propagation import (
    KEY,
    citing,
    librarian_fixture,  # noqa: F401 (the `librarian` fixture)
    reference_fixture,  # noqa: F401 (the `reference` fixture)
    revise,
)
from tests.factories import ReferenceFactory
from tests.plans import assert_served_by

URL = f"{API}/flagged-citations/"


def _submitted(editor, *keys: str) -> Revision:  # type: ignore[no-untyped-def]
    return workflow.revision_submit(revision=citing(editor, *keys), actor=editor)


@pytest.mark.parametrize("size", [14, 40])
def test_flagged_citation_pages_hold_every_flag_once_at_a_constant_cost(
    size, editor, librarian, reference
):
    other = ReferenceFactory(key="doe2018-loading", actor=librarian)
    for n in range(size):  # every other article cites both references
        _submitted(editor, *((KEY, other.key) if n % 2 else (KEY,)))
    revise(reference, librarian, ReferenceStatus.RETRACTED)
    revise(other, librarian, ReferenceStatus.CORRECTED)
    client = client_for(editor)
    client.get(URL)  # the session once

    pages, sql = walk(client, URL)

    listed = [(row["reference"], row["article"]) for page in pages for row in page["results"]]
    flags = citations_flagged()
    assert len(listed) == len(flags) == size + size // 2
    assert sorted(listed) == sorted((f.citation.reference_id, f.article.pk) for f in flags)
    assert [r for r, _ in listed] == sorted(r for r, _ in listed)  # grouped by reference
    assert [len(page["results"]) for page in pages[:-1]] == [25] * (len(pages) - 1)
    assert pages[0]["previous"] is None
    assert pages[-1]["next"] is None
    # session, user, groups; the flagged references, the page, its newer versions: any size
    assert {len(statements) for statements in sql} == {6}
    assert not any("COUNT(" in s.upper() for statements in sql for s in statements)
    # and back from the last page through the same pages
    backward, url = [], pages[-1]["previous"]
    while url:
        page = client.get(url).json()
        backward.append(page["results"])
        url = page["previous"]
    assert list(reversed(backward)) == [page["results"] for page in pages[:-1]]


def test_numbered_pages_still_answer_with_a_count(editor, librarian, reference):
    for _ in range(3):
        _submitted(editor, KEY)
    revise(reference, librarian, ReferenceStatus.SUPERSEDED)

    body = client_for(editor).get(URL, {"page": 1}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 3


@pytest.mark.postgresql
def test_a_page_of_flagged_citations_is_a_range_of_the_citations_index(
    editor, librarian, reference
):
    """Read in the order of citation_by_reference, first page and past a cursor: never every
    flagged citation sorted (at 100,000 articles and two retracted references, a page by
    article title cost 0.2 to 2.5 s and the unpaged list 1,000 rows)."""
    for _ in range(30):
        _submitted(editor, KEY)
    revise(reference, librarian, ReferenceStatus.RETRACTED)
    client = client_for(editor)
    first = client.get(URL).json()
    for url in (URL, first["next"]):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        (page,) = [q["sql"] for q in queries.captured_queries if " LIMIT 26" in q["sql"]]
        assert_served_by(page, "citation_by_reference")


def test_retracted_works_no_article_cites_are_not_asked_for(editor, librarian, reference):
    # A library with retracted works nobody cites (imported from Retraction Watch, say): the
    # citations are looked for among the cited references only, as a short list, not a list of
    # every retracted reference (which made PostgreSQL walk every article by title).
    uncited = [ReferenceFactory(key=f"uncited-{n}", actor=librarian) for n in range(3)]
    for other in uncited:
        revise(other, librarian, ReferenceStatus.RETRACTED)
    _submitted(editor, KEY)
    revise(reference, librarian, ReferenceStatus.RETRACTED)

    with CaptureQueriesContext(connection) as captured:
        flags = citations_flagged()

    assert [f.citation.reference_id for f in flags] == [reference.pk]
    citations = next(
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "articles_revisioncitation"."id"')
    )
    asked = re.search(r'"articles_revisioncitation"."reference_id" IN \(([^)]*)\)', citations)
    assert asked is not None, citations
    assert [int(pk) for pk in asked.group(1).split(",")] == [reference.pk]
