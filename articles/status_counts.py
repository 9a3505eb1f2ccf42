"""How many articles have each newest status: read from the rows the database's triggers add
(StatusCount, migration 0035), and those rows folded into one per status.

A status change adds rows and never updates one, so no action waits on a count; the read adds up
the rows, which the fold keeps few (Celery beat, hourly; `make bench` after seeding).
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Sum

from articles.models import StatusCount


def article_status_counts() -> dict[str | None, int]:
    """Articles per newest status (None: no revision yet); statuses with none are left out."""
    totals = StatusCount.objects.order_by().values("status").annotate(total=Sum("n"))
    return {row["status"]: row["total"] for row in totals if row["total"]}


def article_status_counts_fold() -> int:
    """Replace the rows with one per status holding their sum; returns how many were folded.

    One statement deletes the rows and returns them (on PostgreSQL and on SQLite): rows a
    transaction adds meanwhile are not among them and stay to be read and folded later, and
    the sums are written in the same transaction, so no count is lost or counted twice.
    """
    table = StatusCount._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} RETURNING status, n")  # noqa: S608 (our table name)
        rows = cursor.fetchall()
        totals: Counter[str | None] = Counter()
        for status, n in rows:
            totals[status] += n
        StatusCount.objects.bulk_create(
            StatusCount(status=status, n=n) for status, n in totals.items() if n
        )
    return len(rows)
