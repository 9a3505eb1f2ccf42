"""The API's lists, a page at a time, by keyset: the default for every list.

A page is the rows after (or before) the last row of the page before, in the list's order made
unique by the primary key: `ORDER BY key..., pk LIMIT size + 1` with a `WHERE` on the keys, so a
page costs the same at row 25 as at row 100,000 and no query counts the whole list. The answer
is `{"next", "previous", "results"}`; `next` and `previous` are links carrying an opaque
`cursor` (the keys of the row to go on from, the order and the direction), `null` at the ends.

Clients written for numbered pages keep working: `?page=N` answers as before, with `count`
(that page counts the list, as it always did: use the cursor links for large lists).
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db.models import F, Model, OrderBy, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import Col
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from articles.plain_input import ascii_int

CURSOR_INVALID = "This cursor is not valid for this list: start again from the list's address."
PAGE_SIZE = 25
Row = TypeVar("Row")


@dataclass(frozen=True)
class Key:
    """One column of the order: its lookup path, whether it descends, and where its nulls
    go (last in a list's order; first when walking it backwards)."""

    path: str
    descending: bool
    nulls_last: bool = True
    # A column that cannot be null is ordered plainly (ASC or DESC), so that a B-tree index on
    # it serves the order both ways; a nullable one says where its nulls go, which only an
    # index built with that placement serves.
    nullable: bool = True

    def turned(self, backwards: bool) -> "Key":
        """This key as a walk backwards (from a `previous` link) orders by."""
        if not backwards:
            return self
        return replace(self, descending=not self.descending, nulls_last=not self.nulls_last)

    def order_by(self) -> OrderBy:
        field = F(self.path)
        if not self.nullable:
            return field.desc() if self.descending else field.asc()
        nulls = {"nulls_last": True} if self.nulls_last else {"nulls_first": True}
        return field.desc(**nulls) if self.descending else field.asc(**nulls)

    def value_of(self, row: Model) -> Any:
        value: Any = row
        for part in self.path.split(LOOKUP_SEP):
            value = None if value is None else getattr(value, part)
        return value

    def beyond(self, value: Any) -> Q:
        """The rows after `value` in this column's order, nulls where they go."""
        isnull = Q(**{f"{self.path}__isnull": True})
        if value is None:  # after the nulls: nothing when last, every value when first
            return Q(pk__in=[]) if self.nulls_last else ~isnull
        compare = Q(**{f"{self.path}__{'lt' if self.descending else 'gt'}": value})
        return compare | isnull if self.nulls_last and self.nullable else compare

    def bound(self, value: Any) -> Q:
        """A condition every row from `value` on meets, that an index on the column can use."""
        if value is None:
            return Q()
        reached = Q(**{f"{self.path}__{'lte' if self.descending else 'gte'}": value})
        if self.nulls_last and self.nullable:
            return reached | Q(**{f"{self.path}__isnull": True})
        return reached

    def equal(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.path}__isnull": True})
        return Q(**{self.path: value})


def keys_of(queryset: QuerySet[Any]) -> list[Key]:
    """The queryset's order (as filtered and ordered by the view) made unique by the primary
    key; a relation is ordered by its id (never by the related model's own ordering)."""
    query = queryset.query
    ordering = list(
        query.order_by or (query.get_meta().ordering or () if query.default_ordering else ())
    )
    keys: list[Key] = []
    meta = query.get_meta()
    for item in ordering:
        if isinstance(item, str):
            path, descending = item.lstrip("-"), item.startswith("-")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            path, descending = str(item.expression.name), item.descending  # type: ignore[attr-defined]
        elif isinstance(item, OrderBy) and isinstance(item.expression, Col):
            path, descending = item.expression.target.name, item.descending
        else:
            raise TypeError(f"A keyset page cannot follow the order {item!r}.")
        if path == "?":
            raise TypeError("A keyset page cannot follow a random order.")
        nullable = path != "pk"
        if LOOKUP_SEP not in path and path != "pk" and path not in query.annotations:
            field = meta.get_field(path)
            nullable = bool(field.null)
            if field.is_relation:
                path = field.attname  # type: ignore[union-attr]
            if getattr(field, "primary_key", False):
                path = "pk"
        keys.append(Key(path, descending, nullable=nullable))
        if path == "pk":
            return keys
    return [*keys, Key("pk", keys[-1].descending if keys else False, nullable=False)]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return {"t": value.isoformat()}
    if isinstance(value, Decimal):
        return {"t": str(value)}
    return value


def _decode(value: Any) -> Any:
    return value["t"] if isinstance(value, dict) else value


def _signature(keys: list[Key]) -> str:
    return ",".join(("-" if key.descending else "") + key.path for key in keys)


class KeysetPagination(BasePagination):
    """Pages by keyset (see the module); `?page=N` for clients written for numbered pages."""

    page_size = PAGE_SIZE
    cursor_query_param = "cursor"
    legacy_query_param = "page"
    # A list may let the client choose its page size, up to max_page_size (None: it may not).
    page_size_query_param: str | None = None
    max_page_size = PAGE_SIZE

    def __init__(self) -> None:
        self.legacy: PageNumberPagination | None = None
        self.next_cursor: str | None = None
        self.previous_cursor: str | None = None
        self.base_url = ""

    # -- the page --------------------------------------------------------------------------

    def paginate_queryset(
        self,
        queryset: QuerySet[Any, Row] | Sequence[Row],
        request: Request,
        view: APIView | None = None,
    ) -> list[Row] | None:
        self.page_size = self._page_size(request)
        if self.legacy_query_param in request.query_params:
            self.legacy = PageNumberPagination()
            self.legacy.page_size = self.page_size
            return self.legacy.paginate_queryset(queryset, request, view)
        if not isinstance(queryset, QuerySet):
            raise TypeError("A keyset page needs a queryset.")
        self.base_url = request.build_absolute_uri()
        keys = keys_of(queryset)
        position, backwards = self._position(request, keys)
        ordered = queryset.order_by(*(key.turned(backwards).order_by() for key in keys))
        if position is not None:
            ordered = ordered.filter(self._after(keys, position, backwards=backwards))
        rows = cast(list[Model], self.rows(ordered, self.page_size + 1))
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        has_next = more if not backwards else position is not None
        has_previous = position is not None if not backwards else more
        signature = _signature(keys)
        self.next_cursor = (
            self._cursor(keys, rows[-1], signature, backwards=False) if has_next and rows else None
        )
        self.previous_cursor = (
            self._cursor(keys, rows[0], signature, backwards=True)
            if has_previous and rows
            else None
        )
        return cast(list[Row], rows)

    def rows(self, ordered: QuerySet[Any], count: int) -> list[Any]:
        """The first `count` rows of `ordered` (the list in the page's order, past its bound):
        a list whose filter costs more than its order may ask it of these rows alone."""
        return list(ordered[:count])

    def _page_size(self, request: Request) -> int:
        """The size the client asked for, within 1..max_page_size; else the list's own."""
        raw = request.query_params.get(self.page_size_query_param or "")
        size = ascii_int(raw) if raw else None
        if size is None or size < 1:
            return type(self).page_size
        return min(size, self.max_page_size)

    def _after(self, keys: list[Key], position: list[Any], *, backwards: bool) -> Q:
        """Rows past `position` in the order (or, `backwards`, before it): for keys a, b, pk,
        a > x OR (a = x AND b > y) OR (a = x AND b = y AND pk > z), with `a >= x` beside it
        so that an index on the first key bounds the scan."""
        turned = [key.turned(backwards) for key in keys]
        condition = Q(pk__in=[])
        equal = Q()
        for key, value in zip(turned, position, strict=True):
            condition |= equal & key.beyond(value)
            equal &= key.equal(value)
        return condition & turned[0].bound(position[0])

    def _cursor(self, keys: list[Key], row: Model, signature: str, *, backwards: bool) -> str:
        payload = {
            "o": signature,
            "v": [_encode(key.value_of(row)) for key in keys],
            "b": backwards,
        }
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()

    def _position(self, request: Request, keys: list[Key]) -> tuple[list[Any] | None, bool]:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None, False
        try:
            payload = json.loads(base64.urlsafe_b64decode(raw.encode()))
            values, backwards, signature = payload["v"], payload["b"], payload["o"]
        except (binascii.Error, ValueError, TypeError, KeyError, UnicodeError) as exc:
            raise NotFound(CURSOR_INVALID) from exc
        if (
            signature != _signature(keys)
            or not isinstance(values, list)
            or len(values) != len(keys)
            or not isinstance(backwards, bool)
        ):
            raise NotFound(CURSOR_INVALID)
        return [_decode(value) for value in values], backwards

    # -- the answer ------------------------------------------------------------------------

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        return self._link(self.next_cursor)

    def get_previous_link(self) -> str | None:
        return self._link(self.previous_cursor)

    def get_paginated_response(self, data: Any) -> Response:
        if self.legacy is not None:
            return self.legacy.get_paginated_response(data)
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "example": 123,
                    "description": "Only with `?page=N` (numbered pages count the list).",
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page; null on the last.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The page before; null on the first.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        sizes = []
        if self.page_size_query_param:
            sizes.append(
                {
                    "name": self.page_size_query_param,
                    "required": False,
                    "in": "query",
                    "description": f"Rows a page, {self.page_size} unless given; at most "
                    f"{self.max_page_size}.",
                    "schema": {"type": "integer", "minimum": 1},
                }
            )
        return [
            *sizes,
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: take it from a `next` or `previous` "
                "link (an opaque value). Without it, the first page.",
                "schema": {"type": "string"},
            },
            {
                "name": self.legacy_query_param,
                "required": False,
                "in": "query",
                "description": "A page number, for clients written for numbered pages: the "
                "answer then also has `count`. Slower on large lists; prefer the links.",
                "schema": {"type": "integer"},
            },
        ]
