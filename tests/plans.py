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


def assert_served_by(sql: str, index: str) -> None:
    """The query reads a range of `index` (either way) and sorts nothing."""
    plan = plan_with_indexes(sql)
    scans = (f"Index Scan using {index} ", f"Index Scan Backward using {index} ")
    assert any(scan in plan for scan in scans), plan
    assert " Sort " not in plan, plan
    assert "Sort Key" not in plan, plan
