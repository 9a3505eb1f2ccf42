"""Request handling that belongs to the deployment rather than to a page.

- The client's address behind the reverse proxies this site trusts. django-axes, the rate limits
  (django-ratelimit) and the logs all read `REMOTE_ADDR`; it is set here, once, first.
- Workspace, API, admin and account responses are never stored by a browser or a proxy.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


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
