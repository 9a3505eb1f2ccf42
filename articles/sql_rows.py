"""Model instances from hand-written statements, with the values converted as the ORM would.

For the few reads on a hot path (the article page built from the database) whose queryset
cost more to build and compile than the statement cost to run: the SQL is written once per
process, and each row becomes a model instance (`Model.from_db`) with every column converted
by the same converters a queryset applies (time zones on SQLite, JSON, booleans).
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Model

if TYPE_CHECKING:
    from django.db.models import Field

Converter = Callable[[Any, Any, Any], Any]


def field_converters(field: "Field[Any, Any]", *, alias: str) -> tuple[Any, list[Converter]]:
    """The expression and converters a queryset would apply to `field` read as `alias`."""
    column = field.get_col(alias)
    return column, [
        *connection.ops.get_db_converters(column),
        *column.get_db_converters(connection),
    ]


def values_converted(
    values: Sequence[Any], converters: Sequence[tuple[Any, list[Converter]]]
) -> list[Any]:
    """`values` (a row's columns, in the order of `converters`) as the ORM would give them."""
    converted = []
    for value, (column, functions) in zip(values, converters, strict=True):
        for function in functions:
            value = function(value, column, connection)
        converted.append(value)
    return converted


class ModelColumns:
    """Every concrete column of `model` read under the table alias `alias`: `sql` for a SELECT
    list, `width` columns, and `instance(values)` for the model built from them; `nulls`, as
    many NULLs of the columns' types (for the other branches of a UNION: PostgreSQL gives an
    untyped NULL the type text)."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [str(field.attname) for field in self.fields]
        self.width = len(self.fields)
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(str(field.column))}" for field in self.fields)
        self.nulls = ", ".join(
            f"CAST(NULL AS {field.cast_db_type(connection)})" for field in self.fields
        )
        self._converters: dict[str, list[tuple[Any, list[Converter]]]] = {}

    def converters(self) -> list[tuple[Any, list[Converter]]]:
        found = self._converters.get(connection.vendor)
        if found is None:
            found = [field_converters(field, alias=self.alias) for field in self.fields]
            self._converters[connection.vendor] = found
        return found

    def instance(self, values: Sequence[Any]) -> Any:
        """The model instance from this model's `width` columns of a row."""
        return self.model.from_db(
            connection.alias, self.attnames, values_converted(values, self.converters())
        )


@contextmanager
def generic_plans() -> Iterator[None]:
    """Let PostgreSQL reuse a generic plan for the prepared statements run inside: for a few
    hot reads by unique key, whose plan cannot depend on their values. Connections otherwise
    plan every run for its values (ADR 003), which cost the page built from the database more
    of PostgreSQL's CPU than running its statements. Back to the connection's setting after.

    The setting travels on the driver's own connection (as Django's health check does): it
    is not one of the page's statements, and query counts do not see it."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    # The driver's errors as Django's (a database gone away is a 503, config.unavailable).
    with connection.wrap_database_errors:
        connection.connection.execute("SET plan_cache_mode = auto")
    try:
        yield
    finally:
        # In a transaction rolled back since, the rollback undid the SET (and RESET would fail).
        if not connection.needs_rollback and connection.connection is not None:
            with connection.wrap_database_errors:
                connection.connection.execute("RESET plan_cache_mode")
