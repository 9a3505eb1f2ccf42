"""An article's details in the workspace: the address made from the title unless typed,
topics from the managed list, and a changed address that keeps answering with a redirect."""

import pytest
from django.urls import reverse

from articles.errors import Conflict
from articles.models import Article, Topic
from articles.services import article_create, article_details_update
from editorial import workflow
from tests.factories import RevisionFactory


def test_the_address_is_made_from_the_title_and_stays_unique(editor):
    first = article_create(title="How is gout treated?", topic="", author=editor)
    second = article_create(title="How is gout treated?", topic="", author=editor)
    assert (first.slug, second.slug) == ("how-is-gout-treated", "how-is-gout-treated-2")


def test_editors_change_title_topic_and_address_and_the_old_one_redirects(
    client, editor, django_capture_on_commit_callbacks
):
    Topic.objects.create(name="Rheumatology")
    revision = RevisionFactory(author=editor, article__slug="gout", article__title="Gout")
    workflow.revision_submit(revision=revision, actor=editor)
    workflow.article_publish(revision=revision, actor=editor)
    client.force_login(editor)
    url = reverse("editorial:article_details", args=[revision.article_id])
    page = client.get(url).text
    assert '<option value="Rheumatology">Rheumatology</option>' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"title": "How is gout treated?", "topic": "Rheumatology", "slug": "gout-treatment"},
        )

    assert response.status_code == 302
    article = Article.objects.get(pk=revision.article_id)
    assert (article.title, article.topic, article.slug) == (
        "How is gout treated?",
        "Rheumatology",
        "gout-treatment",
    )
    client.logout()
    moved = client.get("/articles/gout/?audience=patient")
    assert moved.status_code == 301
    assert moved["Location"] == "/articles/gout-treatment/?audience=patient"
    assert client.get("/articles/gout-treatment/").status_code == 200


def test_an_old_address_is_not_given_to_another_article(editor):
    article = article_create(title="Gout", topic="", author=editor, slug="gout")
    article_details_update(article=article, changes={"slug": "gout-treatment"})
    with pytest.raises(Conflict, match="belongs to another article"):
        article_create(title="Gout again", topic="", author=editor, slug="gout")
    assert article_create(title="Gout", topic="", author=editor).slug == "gout-2"
    # Going back to the old address makes it the address again, and the other one redirects.
    article_details_update(article=article, changes={"slug": "gout"})
    assert list(article.old_slugs.values_list("slug", flat=True)) == ["gout-treatment"]


def test_board_members_cannot_change_details(client, editor, reviewer):
    revision = RevisionFactory(author=editor)
    client.force_login(reviewer)
    url = reverse("editorial:article_details", args=[revision.article_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Mine now"}).status_code == 403
