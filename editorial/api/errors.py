"""API errors: every refusal of an action (articles.errors) answers its own HTTP status (400,
403, 404, 409, 412) with `detail` and the `reasons`; a transition refused for the revision's
status also says `current_status` and `allowed_transitions`."""

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from articles.errors import ActionRefused
from editorial.workflow import TransitionNotAllowed


def refusal_data(exc: ActionRefused) -> dict[str, Any]:
    data: dict[str, Any] = {
        "detail": str(exc),
        "reasons": [
            {"code": r.code, "message": r.message, "remedy": r.remedy, "kind": r.kind.value}
            for r in exc.reasons
        ],
    }
    if isinstance(exc, TransitionNotAllowed):
        data |= {"current_status": exc.status, "allowed_transitions": exc.allowed}
    return data


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ActionRefused):
        return Response(refusal_data(exc), status=exc.http_status)
    return drf_exception_handler(exc, context)
