"""API routes, included under /api/: version 1, the OpenAPI schema and its interactive docs."""

from typing import cast

from django.conf import settings
from django.urls import include, path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from editorial.api import articles, auth, flags, inbox, public, references, review, revisions

app_name = "api"
# django-stubs types project settings loosely; the policy is a directive -> sources mapping.
DocsPolicy = dict[str, list[str]]

router = SimpleRouter()
router.register("articles", articles.ArticleViewSet, basename="article")
router.register("revisions", revisions.RevisionViewSet, basename="revision")
router.register("bodies", revisions.AudienceBodyViewSet, basename="body")
router.register("assignments", review.ReviewAssignmentViewSet, basename="assignment")
router.register("decisions", review.ReviewDecisionViewSet, basename="decision")
router.register("comments", review.CommentViewSet, basename="comment")
router.register("notifications", inbox.NotificationViewSet, basename="notification")
router.register("references", references.ReferenceViewSet, basename="reference")
router.register("audit-events", inbox.AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("v1/auth/login/", auth.LoginView.as_view(), name="login"),
    path("v1/auth/logout/", auth.LogoutView.as_view(), name="logout"),
    path("v1/audience-levels/", public.AudienceLevelList.as_view(), name="audience-level-list"),
    path(
        "v1/public/articles/<slug:slug>/",
        public.PublicArticleDetail.as_view(),
        name="public-article-detail",
    ),
    path(
        "v1/flagged-citations/", flags.FlaggedCitationList.as_view(), name="flagged-citation-list"
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: our CSP forbids inline scripts.
    path(
        "docs/",
        csp_override(cast(DocsPolicy, settings.API_DOCS_CSP))(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
]
