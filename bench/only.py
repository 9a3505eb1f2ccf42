"""BENCH_ONLY: which rows of `make bench` to measure (bench/run.py)."""


def row_named(name: str, only: str) -> bool:
    """Whether the row `name` is among `only`, a comma list of row names as the table has
    them; empty, every row. The list is split at its commas, and a name with commas of its own
    matches its parts in a row: "article, built from the database,API article list" is two
    rows, and "article" alone names none of the article rows."""
    if not only:
        return True
    asked = [part.strip() for part in only.split(",")]
    parts = [part.strip() for part in name.split(",")]
    return any(
        asked[start : start + len(parts)] == parts for start in range(len(asked) - len(parts) + 1)
    )
