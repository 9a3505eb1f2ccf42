"""A reader who leaves the passages offered without saying whether they answered: the question
reaches the editors all the same, an hour later, and the reader may still say. Before, it
waited for the reader forever and no editor ever saw it."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.answers import READER_SAYS_WITHIN, follow_up_questions_unsaid_send
from articles.models import FollowUpQuestion
from articles.public.question_views import answer_token
from articles.tasks import send_unsaid_questions
from editorial.selectors import follow_up_question_counts, follow_up_question_weeks
from tests.articles.test_answers import ask, canonical, postgres, pregnancy, simple_search
from tests.plans import assert_served_by

__all__ = ["postgres", "pregnancy", "simple_search"]  # fixtures

Outcome = FollowUpQuestion.Outcome
QUESTION = "Can I exercise while I am pregnant?"
LEFT = "the reader left without saying whether they answered"


def _asked_and_left(client, article) -> FollowUpQuestion:  # type: ignore[no-untyped-def]
    """The reader asks on the article's page, is offered passages, and goes away."""
    assert ask(client, article, QUESTION).status_code == 302
    question = FollowUpQuestion.objects.get(question=QUESTION)
    assert question.outcome == Outcome.OFFERED
    return question


def _answer_url(question: FollowUpQuestion) -> str:
    return reverse(
        "articles:question_answer",
        kwargs={"slug": question.article.slug, "token": answer_token(question)},
    )


def test_a_question_whose_reader_left_reaches_the_editors_after_an_hour(
    simple_search, client, editor, pregnancy
):
    question = _asked_and_left(client, pregnancy)
    asked = question.created_at
    client.force_login(editor)
    questions = reverse("editorial:questions")

    assert (
        follow_up_questions_unsaid_send(now=asked + READER_SAYS_WITHIN - timedelta(seconds=1)) == 0
    )
    assert QUESTION not in client.get(questions).text

    later = asked + READER_SAYS_WITHIN + timedelta(seconds=1)
    assert follow_up_questions_unsaid_send(now=later) == 1
    question.refresh_from_db()
    assert (question.outcome, question.outcome_at) == (Outcome.UNSAID, later)
    page = client.get(questions).text
    assert QUESTION in page
    assert LEFT in page
    assert "not an answer, the reader said" not in page
    # Counted as sent to the editors, new until one of them handles it.
    assert follow_up_question_counts(user=editor)[FollowUpQuestion.State.NEW] == 1
    assert follow_up_question_weeks(user=editor)[0].sent_to_editors == 1
    assert follow_up_questions_unsaid_send(now=later) == 0  # sent once


def test_the_reader_may_still_say_yes_and_it_is_answered(simple_search, client, pregnancy):
    question = _asked_and_left(client, pregnancy)
    follow_up_questions_unsaid_send(now=timezone.now() + 2 * READER_SAYS_WITHIN)
    url = _answer_url(question)

    assert "Did this answer your question?" in client.get(url).text
    response = client.post(url, {"answered": "yes"})

    assert response["Location"] == reverse(
        "articles:question_answered", kwargs={"slug": question.article.slug}
    )
    question.refresh_from_db()
    assert (question.outcome, question.state) == (Outcome.ANSWERED, FollowUpQuestion.State.ANSWERED)
    assert "Did this answer your question?" not in client.get(url).text


def test_the_reader_may_still_say_no_and_the_editors_read_that_they_said(
    simple_search, client, editor, pregnancy
):
    question = _asked_and_left(client, pregnancy)
    follow_up_questions_unsaid_send(now=timezone.now() + 2 * READER_SAYS_WITHIN)

    client.post(_answer_url(question), {"answered": "no"})

    question.refresh_from_db()
    assert question.outcome == Outcome.QUEUED
    client.force_login(editor)
    page = client.get(reverse("editorial:questions")).text
    assert "not an answer, the reader said" in page
    assert LEFT not in page


def test_the_beat_schedule_sends_them_through_the_task(simple_search, client, pregnancy):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "articles.tasks.send_unsaid_questions" in scheduled
    question = _asked_and_left(client, pregnancy)
    FollowUpQuestion.objects.filter(pk=question.pk).update(
        created_at=timezone.now() - 2 * READER_SAYS_WITHIN
    )

    assert send_unsaid_questions.delay().get() == 1

    question.refresh_from_db()
    assert question.outcome == Outcome.UNSAID


@pytest.mark.postgresql
def test_the_task_reads_only_the_questions_awaiting_their_reader(postgres, pregnancy):
    for n in range(3):
        FollowUpQuestion.objects.create(
            article=pregnancy, audience=canonical(), question=f"q{n}", outcome=Outcome.QUEUED
        )
    with CaptureQueriesContext(connection) as queries:
        follow_up_questions_unsaid_send()
    (update,) = queries.captured_queries
    assert_served_by(update["sql"], "question_awaiting_reader")
