"""CSL-JSON: a list of items; our type, evidence level and status travel in `custom`."""

import json
from typing import Any

from articles.plain_input import JSON_MAX_DEPTH, JSON_TOO_DEEP, json_depth
from articles.references.importing.records import (
    FILE_INVALID,
    RECORD_INVALID,
    ImportInvalid,
    ImportRecord,
    record_build,
)
from articles.references.models import ReferenceStatus

CUSTOM = "custom"
NOT_AN_OBJECT = "each item must be a JSON object."


def parse(text: str) -> list[ImportRecord]:
    if json_depth(text) > JSON_MAX_DEPTH:
        problem = JSON_TOO_DEEP.format(limit=JSON_MAX_DEPTH)
        raise ImportInvalid(FILE_INVALID.format(format="CSL-JSON", problem=problem))
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportInvalid(FILE_INVALID.format(format="CSL-JSON", problem=exc)) from exc
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise ImportInvalid(
            FILE_INVALID.format(format="CSL-JSON", problem="expected a list of items.")
        )
    records = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportInvalid(
                RECORD_INVALID.format(index=index, label="untitled", problem=NOT_AN_OBJECT)
            )
        csl = dict(item)
        custom = csl.pop(CUSTOM, None)
        custom = custom if isinstance(custom, dict) else {}
        records.append(
            record_build(
                index=index,
                csl=csl,
                type_hint=custom.get("reference-type"),
                key_hint=str(item.get("id") or ""),
                evidence_level=str(custom.get("evidence-level") or ""),
                status=str(custom.get("status") or ReferenceStatus.ACTIVE),
            )
        )
    return records


def dump(items: list[dict[str, Any]]) -> str:
    """`items` are complete CSL-JSON items with `custom`; returns the file's text."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
