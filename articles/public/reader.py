"""The reader's level: chosen by the link's ?audience=, the account, then the cookie (one rule:
articles.selectors.audience_slug_chosen), and remembered in the cookie."""

from django.http import (
    HttpRequest,
    HttpResponse,
)

from articles.models import (
    AudienceLevel,
    ReaderPreference,
)
from articles.selectors import (
    audience_canonical,
    audience_slug_chosen,
)

AUDIENCE_COOKIE = "audience"


AUDIENCE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60  # one year, in seconds


def reader_wanted(request: HttpRequest) -> tuple[str | None, ...]:
    """The levels this request asks for, first first: ?audience=, the account's choice (one
    query, logged in only), the cookie; none of them need name a level."""
    preference = None
    if request.user.is_authenticated:
        preference = (
            ReaderPreference.objects.filter(user=request.user)
            .values_list("audience__slug", flat=True)
            .first()
        )
    asked = request.GET.get("audience") if request.META.get("QUERY_STRING") else None
    return asked, preference, request.COOKIES.get(AUDIENCE_COOKIE)


def reader_audience(
    request: HttpRequest,
    levels: list[AudienceLevel],
    *,
    wanted: tuple[str | None, ...] | None = None,
) -> AudienceLevel:
    """The level this request reads at: ?audience=, then the account, the cookie, canonical.
    `wanted`: reader_wanted(request), when the caller has it already."""
    slug = audience_slug_chosen(
        [level.slug for level in levels],
        audience_canonical(levels).slug,
        *(reader_wanted(request) if wanted is None else wanted),
    )
    return next(level for level in levels if level.slug == slug)


def audience_cookie_set(request: HttpRequest, response: HttpResponse, *, slug: str) -> None:
    """The reader's level, remembered for a year (Lax: it follows links from other sites)."""
    response.set_cookie(
        AUDIENCE_COOKIE,
        slug,
        max_age=AUDIENCE_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )


def audience_cookie_remember(
    request: HttpRequest, response: HttpResponse, *, audience: str
) -> None:
    """The anonymous picker is a GET form: `?audience=` naming the level the page is at (so a
    known level; no query) is remembered, unless the reader's cookie already says so."""
    wanted = request.GET.get("audience")
    if wanted == audience and request.COOKIES.get(AUDIENCE_COOKIE) != audience:
        audience_cookie_set(request, response, slug=audience)
