"""The public site: the article list, one published article, and the load balancer's probe."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from articles.models import (
    Article,
    AudienceBody,
    AudienceLevel,
    ReaderPreference,
    ReferenceVersion,
    ReviewStatus,
    text_hash,
)
from articles.references.rendering import RenderedBody, body_render, revision_cited_versions
from articles.selectors import (
    article_published_get,
    articles_published,
    audience_from_slug,
    audience_levels,
    reader_body_get,
)
from articles.services import reader_preference_set

SEARCH_MAX_LENGTH = 200
AUDIENCE_COOKIE = "audience"
AUDIENCE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60  # one year, in seconds
UNKNOWN_AUDIENCE = "Choose one of the listed audiences."
# Rendered HTML is cached under the fingerprint of the Markdown it comes from: the same text
# always gives the same HTML, whichever article or audience it belongs to, and a body id that
# the database hands out again can never serve an older text.
BODY_HTML_CACHE_KEY = "article-body-html:{fingerprint}"
BODY_HTML_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class ReviewStep:
    label: str
    state: str  # "done", "current" or "upcoming"

    @property
    def is_current(self) -> bool:
        return self.state == "current"


REVIEW_STEPS = [ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW, ReviewStatus.APPROVED]
# Where each status sits on the public track; a draft (withdrawn after publication) has no step.
STEP_OF_STATUS = {
    ReviewStatus.SUBMITTED: 0,
    ReviewStatus.UNDER_REVIEW: 1,
    ReviewStatus.CHANGES_REQUESTED: 1,
    ReviewStatus.APPROVED: 2,
}


def review_track(status: str) -> list[ReviewStep]:
    """The three public review steps with the one `status` has reached marked current."""
    current = STEP_OF_STATUS.get(ReviewStatus(status), -1)
    return [
        ReviewStep(
            label=step.label,
            state="done" if index < current else "current" if index == current else "upcoming",
        )
        for index, step in enumerate(REVIEW_STEPS)
    ]


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and benchmarks: no database, no session, no template."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    articles = articles_published().order_by("title", "pk")
    if query:
        articles = articles.filter(title__icontains=query)
    return render(request, "articles/article_list.html", {"articles": articles, "query": query})


def reader_audience(request: HttpRequest, levels: list[AudienceLevel]) -> AudienceLevel:
    """The level this request reads at: ?audience=, then the account, the cookie, canonical."""
    chosen = audience_from_slug(levels, request.GET.get("audience"))
    if chosen is None and request.user.is_authenticated:
        preference = ReaderPreference.objects.filter(user=request.user).first()
        if preference is not None:
            chosen = next((lv for lv in levels if lv.pk == preference.audience_id), None)
    if chosen is None:
        chosen = audience_from_slug(levels, request.COOKIES.get(AUDIENCE_COOKIE))
    return chosen or next(level for level in levels if level.is_canonical)


def body_rendered(
    *, body: AudienceBody | None, versions: dict[str, ReferenceVersion]
) -> RenderedBody:
    """The body's HTML with numbered citations and its reference list, cached.

    The key is the fingerprint of the Markdown and of the cited versions: a text and the
    versions it cites render the same for every reader, whatever their level.
    """
    text = body.body if body is not None else ""
    cited = ",".join(f"{key}:{version.pk}" for key, version in sorted(versions.items()))
    key = BODY_HTML_CACHE_KEY.format(fingerprint=text_hash(f"{text}\x00{cited}"))
    rendered = cache.get(key)
    if rendered is None:
        rendered = body_render(text=text, versions=versions)
        cache.set(key, rendered, BODY_HTML_CACHE_SECONDS)
    return rendered


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = article_published_get(slug=slug)
    except Article.DoesNotExist as exc:
        raise Http404("No published article here.") from exc
    revision = article.published_revision
    assert revision is not None  # the selector only returns published articles
    levels = audience_levels()
    audience = reader_audience(request, levels)
    reading = reader_body_get(revision=revision, audience=audience, levels=levels)
    rendered = body_rendered(body=reading.body, versions=revision_cited_versions(revision=revision))
    context = {
        "article": article,
        "revision": revision,
        "audience": audience,
        "levels": levels,
        "reading": reading,
        "body_html": rendered.html,
        "references": rendered.references,
        "review_steps": review_track(revision.status),
        "is_approved": revision.status == ReviewStatus.APPROVED,
    }
    response = render(request, "articles/article_detail.html", context)
    # The page differs by the reader's cookie and account: no shared cache may mix them up.
    patch_vary_headers(response, ["Cookie"])
    return response


@require_POST
def article_audience_choose(request: HttpRequest, slug: str) -> HttpResponse:
    """Remember the reader's level (cookie, and the account when logged in); back to the article."""
    try:
        article = article_published_get(slug=slug)
    except Article.DoesNotExist as exc:
        raise Http404("No published article here.") from exc
    audience = audience_from_slug(audience_levels(), request.POST.get("audience"))
    if audience is None:
        return HttpResponseBadRequest(UNKNOWN_AUDIENCE)
    if request.user.is_authenticated:
        reader_preference_set(user=request.user, audience=audience)
    response = redirect(article)
    response.set_cookie(
        AUDIENCE_COOKIE,
        audience.slug,
        max_age=AUDIENCE_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@require_GET
def editorial_policy(request: HttpRequest) -> HttpResponse:
    """How articles are written, reviewed and published, with the policy now in force."""
    context = {
        "min_approvals": settings.IMPRIMATUR_MIN_APPROVALS,
        "publish_requires_approval": settings.IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL,
        "audiences": AudienceLevel.objects.all(),
    }
    return render(request, "articles/editorial_policy.html", context)
