"""A page of the library's search and its capped count (articles.references.selectors:
references_matching with `first`, references_count): the same answers as the whole search, and
on PostgreSQL plans that stop after a page (or the cap) in the order's index instead of reading
and sorting every match. BENCHMARKS.md has the timings at 100,000 references."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.references.selectors import references_all, references_count, references_matching
from tests.factories import ReferenceFactory
from tests.plans import plan_with_indexes


@pytest.fixture
def library(db):  # type: ignore[no-untyped-def]
    # Keys in an order unlike the creation order; "graded" in every title but one, "okafor"
    # as an author of some, "kim" in some keys.
    for n in range(12):
        ReferenceFactory(
            key=f"{'kim' if n % 3 == 0 else 'lee'}{2030 - n}-{n}",
            csl={
                "type": "article-journal",
                "title": "Rest" if n == 5 else f"Outcomes of graded loading {n}",
                "author": [{"family": "Okafor" if n % 4 == 0 else "Lee", "given": "A"}],
                "container-title": "Br J Sports Med",
            },
            type="guideline" if n % 2 else "research",
        )


def _keys(queryset) -> list[str]:  # type: ignore[no-untyped-def]
    return [reference.key for reference in queryset]


@pytest.mark.parametrize("value", ["graded", "okafor", "kim", "lee", "zebra", "KIM20"])
@pytest.mark.parametrize("first", [1, 3, 20])
def test_a_page_is_the_start_of_the_whole_search(library, value, first):
    everything = _keys(references_matching(references_all(), value))
    assert (
        _keys(references_matching(references_all(), value, first=first)[:first])
        == (everything[:first])
    )
    # From a bound on, in either direction, with a filter: the same rows as the whole search.
    after = references_all().filter(key__gt="kim2021", current_version__type="research")
    assert (
        _keys(references_matching(after, value, first=first)[:first])
        == (_keys(references_matching(after, value))[:first])
    )
    before = references_all().filter(key__lt="lee2025").order_by("-key")
    assert (
        _keys(references_matching(before, value, first=first)[:first])
        == (_keys(references_matching(before, value))[:first])
    )


@pytest.mark.parametrize(("cap", "expected"), [(3, 4), (10, 11), (11, 11), (50, 11)])
def test_the_count_stops_past_the_cap(library, cap, expected):
    assert references_count(references_all(), "graded", cap=cap) == expected
    assert references_count(references_all(), "", cap=cap) == min(12, cap + 1)
    research = references_all().filter(current_version__type="research")
    assert references_count(research, "graded", cap=cap) == min(6, cap + 1)
    assert references_count(references_all(), "zebra", cap=cap) == 0


def _sql(queryset) -> str:  # type: ignore[no-untyped-def]
    """The statement as the database was sent it (parameters inlined)."""
    with CaptureQueriesContext(connection) as captured:
        list(queryset)
    (query,) = captured.captured_queries
    return query["sql"]


@pytest.mark.postgresql
def test_pg_a_page_of_a_rarer_word_is_read_from_its_matches_ids(library):
    """Up to `few` matches: their ids are read from the indexes first (a Limit over each
    condition), and the page is those ids in the list's order; no walk of the key's index
    passing every reference that does not match (the planner's guess of how many match once
    made it pass 31,000 references for a word in 100)."""
    assert connection.vendor == "postgresql"
    with CaptureQueriesContext(connection) as captured:
        page = references_matching(references_all().filter(key__gt="a"), "graded", first=26)
        rows = list(page[:26])
    assert len(rows) == 11
    ids, taken = (query["sql"] for query in captured.captured_queries)
    assert plan_with_indexes(ids).count("Limit") >= 2
    plan = plan_with_indexes(taken)
    assert "= ANY (" in plan, plan  # the page from the ids read before


@pytest.mark.postgresql
def test_pg_a_page_of_a_common_word_walks_the_key_index(library):
    """The page of a word in most references reads the key's index in order and stops after
    a page in each condition (a Limit over each), with no aggregate of every match: the only
    aggregate is the union of the conditions' pages. The one sort is the key's own condition,
    read from its trigram index (keys holding a name are together in the key's order)."""
    assert connection.vendor == "postgresql"
    # More matches than `few`: the matches are too many to read and sort (here 3 stands for
    # the 1,000 of a library's page).
    page = references_matching(references_all().filter(key__gt="a"), "graded", first=26, few=3)[:26]
    plan = plan_with_indexes(_sql(page))
    assert "Index Scan using articles_reference_key_key" in plan, plan
    assert plan.count("Limit") >= 3, plan  # the page, and the page of each text condition
    assert "on articles_referenceversion" in plan, plan
    assert "Bitmap Heap Scan on articles_referenceversion" not in plan, plan
    assert plan.count("Sort Key:") == 1, plan
    assert 'Sort Key: (((COALESCE("U0".key' in plan, plan


@pytest.mark.postgresql
def test_pg_the_capped_count_stops_at_the_cap(library):
    """The count reads at most cap + 1 ids of each condition (a Limit over each)."""
    assert connection.vendor == "postgresql"
    with CaptureQueriesContext(connection) as captured:
        references_count(references_all(), "graded", cap=5)
    (query,) = captured.captured_queries
    plan = plan_with_indexes(query["sql"])
    assert plan.count("Limit") >= 2, plan  # the key's condition and the version's
    assert query["sql"].count("LIMIT 6") >= 2, query["sql"]
