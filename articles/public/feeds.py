"""Atom feeds of what changed for readers: each published revision of a published article
(its kind and the editor's summary for readers), for the whole site at /feeds/updates/ and per
topic at /feeds/updates/<topic>/ (or ?topic=). The latest FEED_ENTRIES, in one query (two with
a topic, which must exist)."""

from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article, ChangeKind, Revision, Topic

FEED_ENTRIES = 50
TOPIC_MAX_LENGTH = 100  # Article.topic's max_length
UNKNOWN_TOPIC = "No topic {topic!r}."


def revisions_shown(*, topic: str = "") -> QuerySet[Revision]:
    """The revisions readers were shown of the articles published now, up to each one's
    published revision, newest publication first (with their article)."""
    shown = Revision.objects.filter(
        published_at__isnull=False,
        article__published_revision__isnull=False,
        number__lte=F("article__published_revision__number"),
    )
    if topic:
        shown = shown.filter(article__topic__iexact=topic)
    return shown.select_related("article").order_by("-published_at", "-pk")


def topic_name(topic: str) -> str:
    """The topic as it is spelled (managed topics first), or Http404 when nobody uses it."""
    topic = " ".join(topic.split())[:TOPIC_MAX_LENGTH]
    name = Topic.objects.filter(name__iexact=topic).values_list("name", flat=True).first()
    if name is None:
        name = (
            Article.objects.filter(~Q(topic=""), topic__iexact=topic)
            .values_list("topic", flat=True)
            .first()
        )
    if name is None:
        raise Http404(UNKNOWN_TOPIC.format(topic=topic))
    return name


# django-stubs makes Feed generic; Django's own class is not subscriptable at run time.
if TYPE_CHECKING:
    UpdatesFeedBase = Feed[Revision, str]
else:
    UpdatesFeedBase = Feed


class UpdatesFeed(UpdatesFeedBase):
    feed_type = Atom1Feed
    author_name = "Imprimatur editors"  # Atom asks for an author of the feed

    def get_object(self, request: HttpRequest, topic: str = "") -> str:  # type: ignore[override]
        topic = topic or request.GET.get("topic", "")
        return topic_name(topic) if topic.strip() else ""

    def title(self, obj: str) -> str:
        return f"Imprimatur: updates in {obj}" if obj else "Imprimatur: updates"

    def subtitle(self, obj: str) -> str:
        return "New articles and what changed in them, as our editors told readers."

    def link(self, obj: str) -> str:
        home = reverse("articles:home")
        return f"{home}?{urlencode({'topic': obj})}" if obj else home

    def feed_url(self, obj: str) -> str:
        return (
            reverse("articles:updates_feed_topic", args=[obj])
            if obj
            else reverse("articles:updates_feed")
        )

    def items(self, obj: str) -> list[Revision]:
        return list(revisions_shown(topic=obj)[:FEED_ENTRIES])

    def item_title(self, item: Revision) -> str:
        kind = ChangeKind(item.change_kind).label if item.change_kind else "Update"
        return f"{item.article.title}: {kind}"

    def item_description(self, item: Revision) -> str:
        return item.reader_summary or (
            ChangeKind(item.change_kind).label if item.change_kind else item.article.title
        )

    def item_link(self, item: Revision) -> str:
        return f"{item.article.get_absolute_url()}#update-history-heading"

    def item_guid(self, item: Revision) -> str:
        # Stable per article and revision, whatever its slug becomes.
        return f"tag:imprimatur,2026:article-{item.article_id}-revision-{item.number}"

    def item_pubdate(self, item: Revision) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Revision) -> datetime | None:
        return item.published_at

    def item_categories(self, item: Revision) -> list[str]:
        return [item.article.topic] if item.article.topic else []
