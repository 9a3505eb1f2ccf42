"""The editors' list of readers' follow-up questions, and marking them answered, spam or new."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AudienceLevel, FollowUpQuestion
from articles.questions import (
    QUESTION_STATE_NOT_ALLOWED,
    follow_up_question_create,
    follow_up_question_mark,
)
from articles.services import ContentError
from editorial import workflow
from editorial.workspace.questions import QUESTION_MARKED, QUESTION_REOPENED
from tests.factories import ArticleFactory, RevisionFactory, UserFactory

LIST = reverse("editorial:questions")
NEW, ANSWERED, SPAM = (
    FollowUpQuestion.State.NEW,
    FollowUpQuestion.State.ANSWERED,
    FollowUpQuestion.State.SPAM,
)


def published(editor, title: str = "Why does my knee click?") -> Article:
    revision = RevisionFactory(article=ArticleFactory(title=title), author=editor)
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def ask(article: Article, text: str = "Is it safe to run with a clicking knee?", **kwargs):
    audience = kwargs.pop("audience", None) or AudienceLevel.objects.get(is_canonical=True)
    return follow_up_question_create(article=article, audience=audience, question=text, **kwargs)


def mark(client, question, state: str, **extra):
    url = reverse("editorial:question_mark", kwargs={"pk": question.pk})
    return client.post(url, {"state": state, **extra})


def listed(html: str) -> list[str]:
    return re.findall(r'<p class="question-text">(.*?)</p>', html, re.S)


# --- the list -------------------------------------------------------------------------------


def test_list_shows_new_questions_newest_first_with_where_they_came_from(client, editor):
    article = published(editor)
    patient = AudienceLevel.objects.get(slug="patient")
    older = ask(article, "An older question about running?", email="reader@example.org")
    FollowUpQuestion.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    ask(article, "A newer question <script>alert(1)</script>?", audience=patient)
    answered = ask(article, "Already answered question here.")
    FollowUpQuestion.objects.filter(pk=answered.pk).update(state=ANSWERED)

    client.force_login(editor)
    response = client.get(LIST)

    assert response.status_code == 200
    assert listed(response.text) == [
        "A newer question &lt;script&gt;alert(1)&lt;/script&gt;?",
        "An older question about running?",
    ]
    assert "<script>alert(1)" not in response.text
    assert f'href="{article.get_absolute_url()}"' in response.text
    assert f'href="{reverse("editorial:article", kwargs={"pk": article.pk})}"' in response.text
    assert patient.label in response.text
    assert f"revision {article.published_revision.number}" in response.text
    assert 'href="mailto:reader@example.org"' in response.text
    assert "New (2)" in response.text
    assert "Answered (1)" in response.text


def test_question_sent_from_the_public_page_reaches_the_list(client, editor):
    article = published(editor, title="Shin splints")
    response = client.post(
        reverse("articles:question_ask", kwargs={"slug": article.slug}),
        {"question": "How long should I rest before running again?", "audience": "student"},
    )
    assert response.status_code == 302
    # A passage of the article was offered (articles.answers); the reader says it did not
    # answer, which sends the question to the editors.
    assert client.post(response["Location"], {"answered": "no"}).status_code == 302

    client.force_login(editor)
    html = client.get(LIST).text

    assert listed(html) == ["How long should I rest before running again?"]
    assert "Shin splints" in html
    assert AudienceLevel.objects.get(slug="student").label in html


def test_filter_by_state_and_unknown_state_falls_back_to_new(client, editor):
    article = published(editor)
    ask(article, "Question that stays new.")
    answered = ask(article, "Question that was answered.")
    spam = ask(article, "Buy cheap watches here now.")
    FollowUpQuestion.objects.filter(pk=answered.pk).update(state=ANSWERED)
    FollowUpQuestion.objects.filter(pk=spam.pk).update(state=SPAM)
    client.force_login(editor)

    assert listed(client.get(LIST, {"state": "answered"}).text) == ["Question that was answered."]
    assert listed(client.get(LIST, {"state": "spam"}).text) == ["Buy cheap watches here now."]
    assert listed(client.get(LIST, {"state": "bogus"}).text) == ["Question that stays new."]


def test_unpublished_article_is_named_without_a_public_link(client, editor):
    article = published(editor, title="Withdrawn later")
    ask(article)
    Article.objects.filter(pk=article.pk).update(published_revision=None)
    client.force_login(editor)

    html = client.get(LIST).text

    assert 'Withdrawn later <span class="muted">(not published now)</span>' in html
    assert f'href="{article.get_absolute_url()}"' not in html


def test_empty_list_says_so(client, editor):
    client.force_login(editor)
    assert "No new question." in client.get(LIST).text


def test_list_is_paginated_and_a_page_past_the_end_shows_the_last(client, editor):
    article = published(editor)
    for number in range(23):
        ask(article, f"Question number {number:02d} about it?")
    client.force_login(editor)

    first = client.get(LIST)
    last = client.get(LIST, {"page": 99})

    assert len(listed(first.text)) == 20
    assert "page 1 of 2" in first.text
    assert 'href="?state=new&amp;page=2"' in first.text
    assert len(listed(last.text)) == 3


# --- marking ------------------------------------------------------------------------------------


def test_mark_answered_then_reopen(client, editor):
    question = ask(published(editor, title="Gout"))
    client.force_login(editor)

    response = mark(client, question, ANSWERED, return_state="new", page="1")

    assert response.status_code == 302
    assert response.url == f"{LIST}?state=new&page=1"
    question.refresh_from_db()
    assert question.state == ANSWERED
    assert question.state_changed_by == editor
    assert question.state_changed_at is not None
    page = client.get(response.url)
    assert QUESTION_MARKED.format(title="Gout", state="answered") in page.text
    assert listed(page.text) == []

    answered = client.get(LIST, {"state": "answered"}).text
    assert "Reopen" in answered
    assert "Mark answered" not in answered
    assert "Edna Editor" in answered

    response = mark(client, question, NEW, return_state="answered")
    question.refresh_from_db()
    assert question.state == NEW
    back = client.get(response.url).text  # the answered list it was reopened from
    assert QUESTION_REOPENED.format(title="Gout") in back
    assert listed(back) == []
    reopened = client.get(LIST).text
    assert "Reopened by Edna Editor" in reopened
    assert listed(reopened) == ["Is it safe to run with a clicking knee?"]


def test_mark_spam_from_the_list(client, editor):
    question = ask(published(editor))
    client.force_login(editor)
    html = client.get(LIST).text
    assert "Mark answered" in html
    assert "Mark spam" in html

    mark(client, question, SPAM)

    question.refresh_from_db()
    assert question.state == SPAM


@pytest.mark.parametrize(
    ("state", "target"),
    [(ANSWERED, ANSWERED), (ANSWERED, SPAM), (SPAM, ANSWERED), (SPAM, SPAM), (NEW, NEW)],
)
def test_a_transition_the_table_does_not_allow_is_refused(client, editor, state, target):
    question = ask(published(editor))
    FollowUpQuestion.objects.filter(pk=question.pk).update(state=state)
    question.refresh_from_db()
    message = QUESTION_STATE_NOT_ALLOWED.format(
        state=FollowUpQuestion.State(state).label.lower(),
        target=FollowUpQuestion.State(target).label.lower(),
    )

    with pytest.raises(ContentError, match=re.escape(message)):
        follow_up_question_mark(question=question, state=target, actor=editor)

    client.force_login(editor)
    response = mark(client, question, target, return_state=state)
    assert message in client.get(response.url).text
    question.refresh_from_db()
    assert question.state == state
    assert question.state_changed_at is None


def test_marking_needs_post_and_a_known_state(client, editor):
    question = ask(published(editor))
    client.force_login(editor)
    url = reverse("editorial:question_mark", kwargs={"pk": question.pk})

    assert client.get(url).status_code == 405
    response = mark(client, question, "deleted")
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == NEW
    assert mark(client, question, ANSWERED).status_code == 302
    missing = reverse("editorial:question_mark", kwargs={"pk": question.pk + 1000})
    assert client.post(missing, {"state": ANSWERED}).status_code == 404


# --- who may -----------------------------------------------------------------------------------


def test_board_members_and_readers_are_refused(client, editor, reviewer):
    question = ask(published(editor))
    for user in (reviewer, UserFactory()):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert mark(client, question, SPAM).status_code == 403
    question.refresh_from_db()
    assert question.state == NEW


def test_anonymous_is_sent_to_log_in(client, editor):
    question = ask(published(editor))
    assert client.get(LIST).url.startswith(reverse("login"))
    assert mark(client, question, SPAM).status_code == 302
    question.refresh_from_db()
    assert question.state == NEW


# --- dashboard ------------------------------------------------------------------------------


def test_dashboard_counts_new_questions_for_editors_only(client, editor, reviewer):
    article = published(editor)
    ask(article, "First new question?")
    ask(article, "Second new question?")
    answered = ask(article, "An answered question.")
    FollowUpQuestion.objects.filter(pk=answered.pk).update(state=ANSWERED)

    client.force_login(editor)
    html = client.get(reverse("editorial:dashboard")).text
    assert f'<a href="{LIST}">2 new questions</a>' in html

    client.force_login(reviewer)
    assert LIST not in client.get(reverse("editorial:dashboard")).text


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 25])
def test_list_query_count_does_not_grow(size, client, editor, django_assert_num_queries):
    levels = list(AudienceLevel.objects.all())
    articles = [published(editor, title=f"Article {n}") for n in range(3)]
    for number in range(size):
        ask(
            articles[number % 3],
            f"Question {number} about the text?",
            audience=levels[number % len(levels)],
            email=f"reader{number}@example.org",
        )
    client.force_login(editor)

    # session, user, groups (is editor), count, page, counts per state
    # The navigation: the user's groups and the unread count.
    with django_assert_num_queries(7):
        response = client.get(LIST)

    assert len(listed(response.text)) == min(size, 20)
