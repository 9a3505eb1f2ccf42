"""BENCH_ONLY names rows of `make bench` as its table does, commas within names included."""

import pytest

from bench.only import row_named

BOTH = "article, built from the database,API article list"


@pytest.mark.parametrize(
    ("name", "only", "measured"),
    [
        ("article, cold cache", "", True),
        ("article, built from the database", BOTH, True),
        ("API article list", BOTH, True),
        ("article, cold cache", BOTH, False),
        ("article, built from the database", "article", False),
        ("search, rare word, cached", " search , rare word, cached ", True),
        ("search, rare word, not cached", "search, rare word, cached", False),
        ("home", "home,board", True),
        ("board, one state", "home,board", False),
    ],
)
def test_bench_only_names_rows_with_their_commas(name, only, measured):
    assert row_named(name, only) is measured
