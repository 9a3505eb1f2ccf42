"""The hand-written SQL of migrations (triggers and the fills before them), run per database."""

from collections.abc import Callable
from typing import Any


def per_vendor(statements: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    """A RunPython function running the statements given for the connection's vendor, in order.

    On PostgreSQL a fill is maintenance, not a request: it is not cut short by the statement
    timeout of the production settings (DATABASE_STATEMENT_TIMEOUT_MS)."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("SET LOCAL statement_timeout = 0")
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run
