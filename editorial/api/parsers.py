"""The API's JSON parser (REST_FRAMEWORK's first parser): a body nested deeper than
JSON_MAX_DEPTH, or holding a NUL character, is refused with 400 (InvalidInput, with its
reasons) before any view sees it; DRF's request parsing lets the exception through."""

import codecs
import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

from articles.errors import InvalidInput
from articles.plain_input import (
    JSON_MAX_DEPTH,
    JSON_TOO_DEEP,
    NUL_REFUSED,
    json_depth,
    json_holds_nul,
)


class CheckedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = codecs.getreader(encoding)(stream).read()
            if json_depth(text) > JSON_MAX_DEPTH:
                raise InvalidInput(JSON_TOO_DEEP.format(limit=JSON_MAX_DEPTH))
            data = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike
            raise ParseError(f"JSON parse error - {exc}") from exc
        if json_holds_nul(data):
            raise InvalidInput(NUL_REFUSED)
        return data
