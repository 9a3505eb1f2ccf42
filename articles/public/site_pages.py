"""The public site's other pages: the editorial policy, the advisory board, robots.txt and the
load balancers' probe."""

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles.markdown import markdown_to_html
from articles.models import (
    Article,
    AudienceLevel,
    SitePage,
)
from articles.public.article_page import public_origin
from articles.public.facts import public_facts


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and benchmarks: no database, no session, no template."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
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


@require_safe
def advisory_board(request: HttpRequest) -> HttpResponse:
    """The publicly listed board members with their credentials, specialty and bio."""
    members = public_facts().board_members_listed()
    return render(request, "articles/advisory_board.html", {"members": members})


# The workspace, the API and accounts are not for search engines; the public site is.
ROBOTS_DISALLOW = ["/admin/", "/editorial/", "/api/", "/accounts/"]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    sitemap = public_origin(request) + reverse("articles:sitemap").lstrip("/")
    lines.append(f"Sitemap: {sitemap}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
