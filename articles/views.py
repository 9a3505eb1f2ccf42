"""The public site: one published article, and the load balancer's probe."""

from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import condition, require_GET, require_POST

from articles.forms import FollowUpQuestionForm
from articles.markdown import markdown_to_html
from articles.models import (
    Article,
    AudienceBody,
    AudienceLevel,
    ReaderPreference,
    ReferenceVersion,
    ReviewStatus,
    Revision,
    SitePage,
    text_hash,
)
from articles.public_facts import public_facts
from articles.references.rendering import RenderedBody, body_render, revision_cited_versions
from articles.selectors import (
    ReviewDates,
    article_published_get,
    article_review_dates,
    audience_from_slug,
    audience_levels,
    reader_body_get,
)
from articles.services import follow_up_question_create, reader_preference_set
from articles.structured_data import json_ld_script, medical_web_page, page_description

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


@dataclass(frozen=True)
class ArticleRequest:
    """What one request for an article page reads first; the ETag, Last-Modified and the page
    share it, so a conditional request costs two queries and a full page none more."""

    article: Article
    revision: Revision
    levels: list[AudienceLevel]
    audience: AudienceLevel
    review_dates: ReviewDates


ARTICLE_REQUEST_ATTRIBUTE = "_imprimatur_article_request"


def article_request_get(request: HttpRequest, slug: str) -> ArticleRequest | None:
    """The published article `slug` as this request reads it, or None; memoised on `request`."""
    found: ArticleRequest | None = getattr(request, ARTICLE_REQUEST_ATTRIBUTE, None)
    if found is not None and found.article.slug == slug:
        return found
    try:
        article = article_published_get(slug=slug)
    except Article.DoesNotExist:
        return None
    assert article.published_revision is not None  # the selector only returns published ones
    levels = audience_levels()
    found = ArticleRequest(
        article=article,
        revision=article.published_revision,
        levels=levels,
        audience=reader_audience(request, levels),
        review_dates=article_review_dates(article=article),
    )
    setattr(request, ARTICLE_REQUEST_ATTRIBUTE, found)
    return found


def article_etag(request: HttpRequest, slug: str) -> str | None:
    """Changes with the text, the review state and dates, the reader's level and the reader
    (the page holds their CSRF token and, logged in, their name)."""
    found = article_request_get(request, slug)
    if found is None:
        return None
    article, revision = found.article, found.revision
    parts = [
        article.pk,
        article.updated_at.isoformat(),
        article.published_at.isoformat() if article.published_at else "",
        revision.pk,
        revision.status,
        revision.approved_at.isoformat() if revision.approved_at else "",
        found.review_dates.is_overdue,
        found.audience.slug,
        request.user.pk or "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    ]
    return text_hash("|".join(str(part) for part in parts))


def article_last_modified(request: HttpRequest, slug: str) -> datetime | None:
    """The latest of: the article's own change, its publication, its approval, and the due
    date once the review is overdue (the page changes then)."""
    found = article_request_get(request, slug)
    if found is None:
        return None
    dates = found.review_dates
    moments = [found.article.updated_at, found.article.published_at, dates.last_reviewed]
    if dates.is_overdue and dates.next_due is not None:
        moments.append(datetime.combine(dates.next_due, time.min, tzinfo=UTC))
    return max(moment for moment in moments if moment is not None)


@require_GET
@condition(etag_func=article_etag, last_modified_func=article_last_modified)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = article_request_get(request, slug)
    if found is None:
        raise Http404("No published article here.")
    article, revision, audience = found.article, found.revision, found.audience
    reading = reader_body_get(revision=revision, audience=audience, levels=found.levels)
    rendered = body_rendered(body=reading.body, versions=revision_cited_versions(revision=revision))
    is_approved = revision.status == ReviewStatus.APPROVED
    review_dates = found.review_dates
    approvers = public_facts().revision_approvers(revision=revision) if is_approved else []
    # The canonical address has no ?audience: every level's page is the same article.
    canonical_url = request.build_absolute_uri(article.get_absolute_url())
    structured = medical_web_page(
        article=article,
        revision=revision,
        url=canonical_url,
        audience=reading.served,
        review_dates=review_dates,
        approvers=approvers,
        references=rendered.references,
    )
    context = {
        "article": article,
        "revision": revision,
        "audience": audience,
        "levels": found.levels,
        "reading": reading,
        "body_html": rendered.html,
        "references": rendered.references,
        "review_steps": review_track(revision.status),
        "is_approved": is_approved,
        "review_dates": review_dates,
        "approvers": approvers,
        "canonical_url": canonical_url,
        "description": page_description(rendered.html),
        "json_ld": json_ld_script(structured),
        "question_form": FollowUpQuestionForm(),
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
    """How articles are written, reviewed and published: the administrators' text when there is
    one (SitePage), else the built-in text with the policy now in force."""
    page = SitePage.objects.filter(slug=SitePage.EDITORIAL_POLICY).first()
    if page is not None:
        context = {"page": page, "page_html": markdown_to_html(page.body)}
        return render(request, "articles/site_page.html", context)
    context = {
        "review_interval_months": Article._meta.get_field("review_interval_months").default,
        "min_approvals": settings.IMPRIMATUR_MIN_APPROVALS,
        "publish_requires_approval": settings.IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL,
        "audiences": AudienceLevel.objects.all(),
    }
    return render(request, "articles/editorial_policy.html", context)


@require_GET
def advisory_board(request: HttpRequest) -> HttpResponse:
    """The publicly listed board members with their credentials, specialty and bio."""
    members = public_facts().board_members_listed()
    return render(request, "articles/advisory_board.html", {"members": members})


# The workspace, the API and accounts are not for search engines; the public site is.
ROBOTS_DISALLOW = ["/admin/", "/editorial/", "/api/", "/accounts/"]


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


QUESTION_RATE_LIMIT = 5  # questions per client per window
QUESTION_RATE_WINDOW = 60 * 60  # seconds
QUESTION_RATE_KEY = "follow-up-questions:{client}"
TOO_MANY_QUESTIONS = "You have sent several questions in a short time: please try again later."


def question_rate_exceeded(request: HttpRequest) -> bool:
    """Count this client's question; True past QUESTION_RATE_LIMIT in the window (the cache)."""
    key = QUESTION_RATE_KEY.format(client=request.META.get("REMOTE_ADDR", ""))
    cache.add(key, 0, QUESTION_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, QUESTION_RATE_WINDOW)
        count = 1
    return count > QUESTION_RATE_LIMIT


@require_POST
def article_question_ask(request: HttpRequest, slug: str) -> HttpResponse:
    """A reader's follow-up question: validated, rate-limited per client, stored; thanks."""
    found = article_request_get(request, slug)
    if found is None:
        raise Http404("No published article here.")
    form = FollowUpQuestionForm(request.POST)
    context: dict[str, object] = {"article": found.article, "form": form}
    if not form.is_valid():
        return render(request, "articles/question_form.html", context, status=400)
    if question_rate_exceeded(request):
        context["rate_limited"] = TOO_MANY_QUESTIONS
        return render(request, "articles/question_form.html", context, status=429)
    audience = audience_from_slug(found.levels, request.POST.get("audience")) or found.audience
    follow_up_question_create(
        article=found.article,
        audience=audience,
        question=form.cleaned_data["question"],
        email=form.cleaned_data["email"],
    )
    return redirect("articles:question_thanks", slug=found.article.slug)


@require_GET
def article_question_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = article_published_get(slug=slug)
    except Article.DoesNotExist as exc:
        raise Http404("No published article here.") from exc
    return render(request, "articles/question_thanks.html", {"article": article})
