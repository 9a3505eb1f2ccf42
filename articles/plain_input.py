"""What text sent to the site may hold, whichever door it came through (pages, API, admin).

PostgreSQL refuses a NUL character in text, `int()` refuses the Unicode digits that
`str.isdigit()` accepts ("²", "٣"), and an e-mail header cannot hold a line break: each rule is
written here once, and the doors (config.middleware, the API filters, the forms) ask it.
"""

import re
from typing import Any

NUL = "\x00"
NUL_REFUSED = (
    "The request holds a NUL character (\\x00, %00 in an address), which no text on this "
    "site may contain: remove it and send the request again."
)
ID_INVALID = "Enter a whole number written with the digits 0-9, e.g. 42."
LINE_BREAK_REFUSED = "A title is a single line: remove the line breaks."
# Deeper JSON than any of our formats needs; Python's decoder recurses and fails near 1,000.
JSON_MAX_DEPTH = 64
JSON_TOO_DEEP = "JSON nested more than {limit} levels deep is refused: flatten it."
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKETS = re.compile(r"[\[\]{}]")


def holds_nul(*texts: str) -> bool:
    return any(NUL in text for text in texts)


# The largest row id a database column holds (a 64-bit signed integer): a larger number names
# no row, and the database drivers refuse to send it (SQLite: OverflowError).
ROW_ID_MAX = 2**63 - 1


def row_id(raw: str | None) -> int | None:
    """`raw` as a row id: written with the digits 0-9 and within ROW_ID_MAX, else None."""
    number = ascii_int(raw)
    return number if number is not None and number <= ROW_ID_MAX else None


def ascii_int(raw: str | None) -> int | None:
    """`raw` as a non-negative integer when it is written with the ASCII digits 0-9 only
    (surrounding spaces allowed), else None."""
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


# What str.splitlines() breaks on: any of them ends a header line somewhere.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def holds_line_break(text: str) -> bool:
    return any(char in LINE_BREAKS for char in text)


def single_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks included) made one space: what a
    header value built from people's text (an e-mail subject) must be."""
    return " ".join(text.split())


def json_depth(text: str) -> int:
    """How deep the arrays and objects of the JSON `text` nest, counted without parsing it
    (so that a hostile document cannot exhaust the parser's recursion)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def json_holds_nul(data: Any) -> bool:
    """Whether a NUL is in any string or key of parsed JSON (of a depth checked first)."""
    if isinstance(data, str):
        return NUL in data
    if isinstance(data, dict):
        return any(json_holds_nul(key) or json_holds_nul(value) for key, value in data.items())
    if isinstance(data, list):
        return any(json_holds_nul(item) for item in data)
    return False
