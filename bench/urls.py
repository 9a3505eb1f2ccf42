"""The site's routes (config.urls) and, for `make bench` only, the API's yardstick: what every
API answer costs before it reads or writes anything of its own.

`/bench/api-floor/` is a DRF view with the API's default authentication (the session, then
the knox token: editorial.tokens) and permission (authenticated), answering an empty page of
a list (`{"next": null, "previous": null, "results": []}`) through DRF's JSON renderer. The
bench's row "API, an empty answer" measures it with the token the API article list uses: no
list of the API can be cheaper, so its ratio to /healthz bounds every API row's (BENCHMARKS.md,
"What bounds the built page and the API list")."""

from typing import Any

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as site_urlpatterns

EMPTY_PAGE: dict[str, Any] = {"next": None, "previous": None, "results": []}


class ApiFloor(APIView):
    """An empty page, after the API's authentication and permission (its defaults)."""

    def get(self, request: Request) -> Response:
        return Response(EMPTY_PAGE)


urlpatterns = [path("bench/api-floor/", ApiFloor.as_view()), *site_urlpatterns]
