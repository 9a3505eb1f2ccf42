"""The public site: the article list, one published article, and the load balancer's probe."""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.models import Article, AudienceLevel, ReviewStatus
from articles.references.rendering import body_render, revision_cited_versions
from articles.selectors import (
    article_published_get,
    articles_published,
    canonical_audience,
    revision_body_for,
)

SEARCH_MAX_LENGTH = 200


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


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = article_published_get(slug=slug)
    except Article.DoesNotExist as exc:
        raise Http404("No published article here.") from exc
    revision = article.published_revision
    assert revision is not None  # the selector only returns published articles
    audience = canonical_audience()
    body = revision_body_for(revision=revision, audience=audience)
    rendered = body_render(
        text=body.body if body is not None else "",
        versions=revision_cited_versions(revision=revision),
    )
    context = {
        "article": article,
        "revision": revision,
        "audience": audience,
        "body_html": rendered.html,
        "references": rendered.references,
        "review_steps": review_track(revision.status),
        "is_approved": revision.status == ReviewStatus.APPROVED,
    }
    return render(request, "articles/article_detail.html", context)


@require_GET
def editorial_policy(request: HttpRequest) -> HttpResponse:
    """How articles are written, reviewed and published, with the policy now in force."""
    context = {
        "min_approvals": settings.IMPRIMATUR_MIN_APPROVALS,
        "publish_requires_approval": settings.IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL,
        "audiences": AudienceLevel.objects.all(),
    }
    return render(request, "articles/editorial_policy.html", context)
