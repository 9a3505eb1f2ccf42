"""The one family of refusals. Every action that refuses raises one of these, and nothing
changed; each carries the reasons why (a code, a sentence people read, what would lift it).

The API maps `http_status` once (editorial.api.errors); the pages show `str(exc)` as a message.
Guards return lists of Reason, and `refuse` raises the exception their most basic kind calls
for: who you are (403) before where the thing is in its life (409) before a precondition (409).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NoReturn


class ReasonKind(StrEnum):
    PERMISSION = "permission"  # who is asking: 403
    STATE = "state"  # where the thing is in its life: 409
    GUARD = "guard"  # a precondition of the action: 409
    INPUT = "input"  # what was sent: 400
    STALE = "stale"  # written over a change made since it was read: 412
    MISSING = "missing"  # nothing there (or nothing the asker may see): 404


@dataclass(frozen=True)
class Reason:
    """Why an action may not happen now: `code` for machines, `message` for people, `remedy`
    for what would lift it."""

    code: str
    message: str
    remedy: str = ""
    kind: ReasonKind = ReasonKind.GUARD

    def __str__(self) -> str:
        return f"{self.message} {self.remedy}".strip()


class ActionRefused(Exception):
    """An action was refused; nothing changed."""

    http_status = 409
    kind = ReasonKind.GUARD

    def __init__(self, message: str = "", *, reasons: Sequence[Reason] = ()) -> None:
        self.reasons = list(reasons) or [
            Reason(code=self.kind.value, message=message, kind=self.kind)
        ]
        super().__init__(message or " ".join(str(reason) for reason in self.reasons))


class InvalidInput(ActionRefused):
    http_status = 400
    kind = ReasonKind.INPUT


class BodiesInvalid(InvalidInput):
    """Audience bodies that cannot be saved as written: `by_audience` maps the id of each
    audience level concerned to its reason, so that a form can show it on that body's field."""

    def __init__(self, message: str, *, by_audience: dict[int, Reason]) -> None:
        super().__init__(message, reasons=list(by_audience.values()))
        self.by_audience = by_audience


class Forbidden(ActionRefused):
    http_status = 403
    kind = ReasonKind.PERMISSION


class NotFound(ActionRefused):
    http_status = 404
    kind = ReasonKind.MISSING


class Conflict(ActionRefused):
    """The action's precondition fails (its reasons say which)."""


class StateConflict(Conflict):
    """The thing is not in a state this action starts from."""

    kind = ReasonKind.STATE


class StaleEdit(ActionRefused):
    """A write over a text changed since it was read (`audience_ids` names which)."""

    http_status = 412
    kind = ReasonKind.STALE

    def __init__(self, message: str, *, audience_ids: list[int]) -> None:
        super().__init__(message)
        self.audience_ids = audience_ids


REFUSAL_FOR_KIND: dict[ReasonKind, type[ActionRefused]] = {
    ReasonKind.PERMISSION: Forbidden,
    ReasonKind.STATE: StateConflict,
    ReasonKind.GUARD: Conflict,
    ReasonKind.INPUT: InvalidInput,
    ReasonKind.MISSING: NotFound,
}
# The first kind present decides the refusal (and its HTTP status).
KIND_ORDER = [
    ReasonKind.MISSING,
    ReasonKind.PERMISSION,
    ReasonKind.STATE,
    ReasonKind.GUARD,
    ReasonKind.INPUT,
]


def first_kind(reasons: Sequence[Reason]) -> ReasonKind:
    return min((reason.kind for reason in reasons), key=KIND_ORDER.index)


def refuse(reasons: Sequence[Reason]) -> NoReturn:
    """Raise the refusal for `reasons` (not empty): the exception of their most basic kind,
    carrying the reasons of that kind."""
    kind = first_kind(reasons)
    raise REFUSAL_FOR_KIND[kind](reasons=[reason for reason in reasons if reason.kind == kind])


def refuse_if(reasons: Sequence[Reason]) -> None:
    """Raise the refusal for `reasons` unless there are none."""
    if reasons:
        refuse(reasons)
