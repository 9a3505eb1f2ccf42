"""The API's public part: audience levels and published articles at a reader's level.

No login: only what the public site shows (published revisions) is readable here.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from articles.markdown import markdown_to_html
from articles.models import Article, AudienceLevel
from articles.selectors import (
    article_published_get,
    audience_canonical,
    audience_from_slug,
    audience_levels,
    reader_body_get,
)

UNKNOWN_AUDIENCE = "Unknown audience {slug!r}; known: {known}."


class AudienceLevelSerializer(serializers.ModelSerializer[AudienceLevel]):
    class Meta:
        model = AudienceLevel
        fields = [
            "slug",
            "label",
            "description",
            "order",
            "target_grade",
            "is_canonical",
            "disclaimer",
        ]
        read_only_fields = fields


class PublicArticleSerializer(serializers.Serializer[Any]):
    """A published article as a reader at `audience` reads it."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    topic = serializers.CharField()
    status = serializers.CharField(help_text="Review status of the published revision.")
    published_at = serializers.DateTimeField()
    audience = serializers.SlugField(help_text="The level asked for.")
    served_audience = serializers.SlugField(
        help_text="The level of the body returned: the canonical one when the article has no "
        "version for `audience`."
    )
    is_fallback = serializers.BooleanField()
    body = serializers.CharField(help_text="Markdown.")
    body_html = serializers.CharField(help_text="Sanitised HTML.")
    disclaimer = serializers.CharField(help_text="The disclaimer of the level asked for.")


class AudienceLevelList(generics.ListAPIView[AudienceLevel]):
    """The audience levels, in the order of the reader's picker."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    serializer_class = AudienceLevelSerializer
    pagination_class = None
    filter_backends: list[type] = []
    queryset = AudienceLevel.objects.all()


class PublicArticleDetail(generics.GenericAPIView[Article]):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    serializer_class = PublicArticleSerializer
    filter_backends: list[type] = []

    @extend_schema(
        tags=["public"],
        parameters=[
            OpenApiParameter(
                "audience",
                OpenApiTypes.STR,
                description="A level's slug; the canonical level when left out.",
            )
        ],
        responses={200: PublicArticleSerializer},
    )
    def get(self, request: Request, slug: str) -> Response:
        """A published article at the reader's level, falling back to the canonical body."""
        try:
            article = article_published_get(slug=slug)
        except Article.DoesNotExist as exc:
            raise NotFound("No published article here.") from exc
        levels = audience_levels()
        asked = request.query_params.get("audience")
        audience = audience_from_slug(levels, asked) if asked else None
        if asked and audience is None:
            raise NotFound(
                UNKNOWN_AUDIENCE.format(slug=asked, known=", ".join(lv.slug for lv in levels))
            )
        audience = audience or audience_canonical(levels)
        revision = article.published_revision
        assert revision is not None
        reading = reader_body_get(revision=revision, audience=audience, levels=levels)
        text = reading.body.body if reading.body is not None else ""
        data = {
            "slug": article.slug,
            "title": article.title,
            "topic": article.topic,
            "status": revision.status,
            "published_at": article.published_at,
            "audience": audience.slug,
            "served_audience": reading.served.slug,
            "is_fallback": reading.is_fallback,
            "body": text,
            "body_html": str(markdown_to_html(text)),
            "disclaimer": audience.disclaimer,
        }
        return Response(PublicArticleSerializer(data).data)
