"""The error answers every API operation may give, in the OpenAPI schema (a drf-spectacular
postprocessing hook): clients and the schema fuzz (tests/test_api_fuzz.py) know them, and a
500 stays undocumented, so that it is always a bug."""

from typing import Any

ERROR = {
    "type": "object",
    "description": (
        "`detail` says what went wrong; a refused action adds `reasons` (code, message, "
        "remedy, kind); invalid input gives one list of messages per field instead."
    ),
    "properties": {
        "detail": {"type": "string"},
        "reasons": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}
EVERY_OPERATION = {
    "400": "The input is not valid (a field, a filter, a page that is not a number).",
    "401": "No valid credentials (a token that expired or was revoked).",
    "403": "Not allowed for this user, with the reasons.",
    "404": "Not found, or not visible to this user; also a page past the last.",
    "413": "The request body is too large.",
    "429": "Too many requests; `Retry-After` says when to try again.",
    "503": "The database is unavailable; `Retry-After` says when to try again.",
}
UNSAFE_OPERATION = {
    "409": "The object's state does not allow it (an action already done, a race lost).",
    "412": "The object changed since it was read (`If-Match`).",
    "415": "The body's media type is not accepted.",
}


def error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: Any
) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            answers = dict(EVERY_OPERATION)
            if method in ("post", "put", "patch", "delete"):
                answers |= UNSAFE_OPERATION
            responses = operation.setdefault("responses", {})
            for status, description in answers.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
