"""A revision as the public page it will become, for its editors and reviewers: at each
audience level, marked as a preview, never indexed and never kept by any cache."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles.public.article_page import ArticleRequest, article_page_context
from articles.selectors import (
    audience_canonical,
    audience_levels,
    audience_slug_chosen,
    revision_review_dates,
)
from editorial import permissions
from editorial.selectors import revisions_for_user
from editorial.workspace.common import workspace_user


@login_required
@require_GET
def revision_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The article page built from revision `pk` (as the public view builds it) at the level
    `?audience=` names (else the canonical one). Nothing is cached: the public page cache is
    not asked, and the answer tells browsers and proxies to keep no copy."""
    user = workspace_user(request)
    # Outside the user's revisions: 404, as the review page answers.
    revision = get_object_or_404(
        revisions_for_user(user=user).select_related("article__published_revision"), pk=pk
    )
    if not permissions.can_preview_revision.test(user, revision):
        raise PermissionDenied
    levels = audience_levels()
    slug = audience_slug_chosen(
        [level.slug for level in levels],
        audience_canonical(levels).slug,
        request.GET.get("audience"),
    )
    article = revision.article
    found = ArticleRequest(
        article=article,
        revision=revision,
        levels=levels,
        audience=next(level for level in levels if level.slug == slug),
        review_dates=revision_review_dates(revision=revision, article=article),
    )
    written = set(revision.bodies.values_list("audience_id", flat=True))
    context = article_page_context(request, found) | {
        "picker_url": reverse("editorial:preview", kwargs={"pk": revision.pk}),
        "written_levels": [level for level in levels if level.pk in written],
        "canonical_level": audience_canonical(levels),
        "can_edit": permissions.can_edit.test(user),
    }
    response = render(request, "editorial/preview.html", context)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response
