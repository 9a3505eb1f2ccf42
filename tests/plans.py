"""What PostgreSQL would do with a query: its plan with sequential scans and sorts priced out,
so that the plan shows whether an index can serve the query's filter and order at all (on a
test's few rows the planner would otherwise rightly read the table)."""

from django.db import connection


def plan_with_indexes(sql: str) -> str:
    """EXPLAIN of `sql` (as captured, parameters inlined) with seqscan and sort discouraged."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def assert_served_by(sql: str, index: str, *, only: bool = False) -> None:
    """The query reads a range of `index` (either way) and sorts nothing; `only`: from the
    index alone, never visiting the table (an index-only scan)."""
    plan = plan_with_indexes(sql)
    kinds = ("Index Only Scan",) if only else ("Index Scan", "Index Only Scan")
    scans = tuple(f"{kind}{way} using {index} " for kind in kinds for way in ("", " Backward"))
    assert any(scan in plan for scan in scans), plan
    assert " Sort " not in plan, plan
    assert "Sort Key" not in plan, plan
