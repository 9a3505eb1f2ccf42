"""The reference library's search (articles.references.selectors.references_matching): what it
matches, and on PostgreSQL that an index serves each of its conditions (migration
0014_reference_search_indexes). BENCHMARKS.md has the plans and timings at 100,000 references.
"""

import pytest
from django.db import connection

from articles.references.selectors import references_all, references_matching
from articles.references.services import reference_version_create
from tests.factories import ReferenceFactory


def keys(value: str) -> list[str]:
    return [reference.key for reference in references_matching(references_all(), value)]


@pytest.fixture
def library(db):  # type: ignore[no-untyped-def]
    ReferenceFactory(
        key="kim2013",
        title="Ischiofemoral impingement",
        csl={
            "type": "article-journal",
            "title": "Ischiofemoral impingement",
            "author": [{"family": "Kim", "given": "Wan-Hee"}],
            "container-title": "Skeletal Radiology",
        },
        doi="10.1007/s00256-013-1",
    )
    return ReferenceFactory(
        key="doe2018",
        title="Knee pain in runners",
        csl={
            "type": "article-journal",
            "title": "Knee pain in runners",
            "author": [{"family": "Okafor", "given": "Ada"}],
            "container-title": "Br J Sports Med",
        },
        pmid="29000001",
    )


def test_each_condition_finds_its_reference_once(library):
    assert keys("KIM2013") == ["kim2013"]  # key, any case
    assert keys("ischiofemoral") == ["kim2013"]  # title
    assert keys("okafor") == ["doe2018"]  # authors
    assert keys("skeletal") == ["kim2013"]  # container
    assert keys("https://doi.org/10.1007/S00256-013-1") == ["kim2013"]  # DOI in any form
    assert keys("pmid: 29000001") == ["doe2018"]
    assert keys("2013") == ["kim2013"]  # key and DOI both match: listed once
    assert keys("zebra") == []


def test_only_the_current_version_is_searched(library, editor):
    reference_version_create(
        reference=library,
        actor=editor,
        csl={
            "type": "article-journal",
            "title": "Patellofemoral pain in runners",
            "author": [{"family": "Okafor", "given": "Ada"}],
            "container-title": "Br J Sports Med",
        },
        change_note="Title corrected",
    )
    assert keys("patellofemoral") == ["doe2018"]
    assert keys("knee pain") == []  # the old title is history, not the library


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("value", "index"),
    [
        ("KIM20", "reference_key_trgm"),
        ("ischiofemoral", "reference_title_trgm"),
        ("skeletal", "reference_container_trgm"),
        ("okafor", "reference_authors_trgm"),
        # Identifiers through the identifiers' table (the comparison keys, a DOI lower-cased).
        ("10.1007/s00256-013-1", "reference_identifier_unique"),
        ("pmid: 29000001", "reference_identifier_unique"),
        ("PMC3619390", "reference_identifier_unique"),
    ],
)
def test_pg_an_index_serves_every_condition(library, value, index):
    """With whole-table reads priced out, the plan of the search uses the index of each of its
    conditions and scans no table whole: the index expressions are the ones the lookups write."""
    assert connection.vendor == "postgresql"
    query = references_matching(references_all(), value)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # A few rows: the planner would rather read them all. Price that out (whole-table
        # scans and index scans without a condition), so the plan shows what indexes can serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
    assert "Seq Scan" not in plan, plan
