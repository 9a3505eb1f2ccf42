"""The database going away answers 503 with `Retry-After`, not 500: a page with the site's
layout (rendered without the request, so no context processor queries the database) or, under
/api/, the API's error shape. The next request connects again: recovery needs no restart.

One rule, two doors: the middleware answers for the views (and the templates they render); the
500 handler answers for a failure outside them (another middleware, a session saved late).
"""

import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import server_error as django_server_error

# Connection refused, dropped or timed out, a statement cancelled by statement_timeout.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
UNAVAILABLE_DETAIL = "The site cannot reach its database just now: nothing was changed."
UNAVAILABLE_REMEDY = "Try again in a minute."


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: under /api/, the API's error shape (an address no route takes, e.g. a slug with a
    space); elsewhere Django's page (404.html)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return django_page_not_found(request, exception)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON (`detail`, `reasons`) under /api/, else the 503 page."""
    retry_after = settings.IMPRIMATUR_RETRY_AFTER_SECONDS
    response: HttpResponse
    if request.path.startswith("/api/"):
        reason = {
            "code": "database-unavailable",
            "message": UNAVAILABLE_DETAIL,
            "remedy": UNAVAILABLE_REMEDY,
            "kind": "unavailable",
        }
        response = JsonResponse({"detail": UNAVAILABLE_DETAIL, "reasons": [reason]}, status=503)
    else:
        html = render_to_string("503.html", {"retry_after": retry_after})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view (or its template) that cannot reach the database answers 503 (see module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 when the uncaught exception is the database's, else Django's 500."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return database_unavailable_response(request)
    return django_server_error(request)
