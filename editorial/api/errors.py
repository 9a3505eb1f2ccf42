"""API errors: workflow refusals map to their HTTP status with a JSON body that says why.

Reference validation and import errors are 400; a stale edit (If-Match) 412; other content
refusals 409.
"""

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from articles.references.services import ReferenceInvalid
from articles.services import ContentError, StaleEdit
from editorial.workflow import TransitionNotAllowed, WorkflowError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, WorkflowError):
        data: dict[str, Any] = {"detail": str(exc)}
        if isinstance(exc, TransitionNotAllowed):
            data |= {"current_status": exc.status, "allowed_transitions": exc.allowed}
        return Response(data, status=exc.http_status)
    if isinstance(exc, ReferenceInvalid):
        # A reference refused for its data (or an import file): invalid input, not a conflict.
        return Response({"detail": str(exc)}, status=400)
    if isinstance(exc, StaleEdit):
        # A write over a text changed since it was read (If-Match): precondition failed.
        return Response({"detail": str(exc)}, status=412)
    if isinstance(exc, ContentError):
        return Response({"detail": str(exc)}, status=409)
    return drf_exception_handler(exc, context)
