"""Request handling that belongs to the deployment rather than to a page.

- The client's address behind the reverse proxies this site trusts. django-axes, the rate limits
  (django-ratelimit) and the logs all read `REMOTE_ADDR`; it is set here, once, first.
- Workspace, API, admin and account responses are never stored by a browser or a proxy.
- Too large a request, or a NUL character in its query or form, is refused with a clear 4xx.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

from articles.errors import InvalidInput
from articles.plain_input import NUL_REFUSED, ascii_int, holds_nul
from editorial.api.errors import refusal_data


def client_address(meta: dict[str, object], trusted_proxies: int) -> str:
    """The address of whoever connected to the first of `trusted_proxies` proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the `trusted_proxies`-th entry from the right; anything further left was sent by
    the client and may be forged. Without enough entries the request did not come through the
    proxies: the connection's own address stands.
    """
    remote = str(meta.get("REMOTE_ADDR", ""))
    if trusted_proxies <= 0:
        return remote
    forwarded = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if len(forwarded) < trusted_proxies:
        return remote
    return forwarded[-trusted_proxies]


class TrustedProxyMiddleware:
    """Set REMOTE_ADDR to the client's address (IMPRIMATUR_TRUSTED_PROXIES hops in front)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted_proxies = settings.IMPRIMATUR_TRUSTED_PROXIES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted_proxies:
            request.META["REMOTE_ADDR"] = client_address(request.META, self.trusted_proxies)
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on everything under IMPRIMATUR_PRIVATE_PATHS: what
    a signed-in person sees is never kept by a shared cache or the browser's history."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(settings.IMPRIMATUR_PRIVATE_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.prefixes):
            response.headers.pop("Cache-Control", None)
            patch_cache_control(response, private=True, no_store=True)
        return response


REQUEST_TOO_LARGE = (
    "The request is larger than {limit} MB, the most this site accepts: send less at a time "
    "(split a reference file and import it in parts)."
)
FORM_TOO_LARGE = "The form's fields hold more than {limit} MB, the most this site accepts."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RequestInputMiddleware:
    """Refuse, before any view reads it, a body over IMPRIMATUR_REQUEST_MAX_BYTES (413) and a
    NUL character in the query string or a form (400): PostgreSQL cannot store it. JSON bodies
    are checked by the API's parser (editorial.api.parsers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.max_bytes = settings.IMPRIMATUR_REQUEST_MAX_BYTES

    def _limit(self, request: HttpRequest) -> int:
        """The largest body this request may send: more for the views that take a file
        (IMPRIMATUR_UPLOAD_VIEWS)."""
        try:
            view = resolve(request.path_info).view_name
        except Resolver404:
            return self.max_bytes
        if view in settings.IMPRIMATUR_UPLOAD_VIEWS:
            return max(self.max_bytes, settings.IMPRIMATUR_UPLOAD_MAX_BYTES)
        return self.max_bytes

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = ascii_int(request.META.get("CONTENT_LENGTH") or "0") or 0
        if length > self.max_bytes and length > (limit_bytes := self._limit(request)):
            limit = f"{limit_bytes / (1024 * 1024):g}"
            return refused(request, REQUEST_TOO_LARGE.format(limit=limit), status=413)
        try:
            nul_sent = self._holds_nul(request)
        except RequestDataTooBig:
            limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):g}"
            return refused(request, FORM_TOO_LARGE.format(limit=limit), status=413)
        if nul_sent:
            return refused(request, NUL_REFUSED, status=400)
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request: HttpRequest) -> bool:
        texts = [*request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
        form = None
        if request.method == "POST" and request.content_type in FORM_TYPES:
            form = request.POST
        elif request.method in ("PUT", "PATCH") and request.content_type == FORM_TYPES[0]:
            form = QueryDict(request.body)  # the API parses these; Django only parses POST
        if form is not None:
            texts += [*form.keys(), *(v for vs in form.lists() for v in vs[1])]
        return holds_nul(*texts)


def refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """The API's error (`detail`, `reasons`) under /api/, else the 400 page with `message`."""
    if request.path.startswith("/api/"):
        return JsonResponse(refusal_data(InvalidInput(message)), status=status)
    return render(request, "400.html", {"message": message}, status=status)
