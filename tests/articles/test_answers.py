"""Answers to readers' questions from reviewed articles (articles.answers): the passage index,
the passages found, the answer page and the reader's yes or no.

Tests marked `postgresql` run on PostgreSQL only; the others run with the word-overlap fallback
forced (`simple_search`), so they run on every database.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.answers import (
    ANSWER_LIMIT,
    CAUTION_NOT_APPROVED,
    answers_find,
    follow_up_question_ask,
    follow_up_question_settle,
    questions_section_add,
)
from articles.errors import ActionRefused
from articles.models import ArticlePassage, AudienceBody, AudienceLevel, FollowUpQuestion
from articles.public.question_views import answer_token
from articles.search_documents import search_documents_rebuild
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from editorial.selectors import (
    QUESTION_WEEKS,
    follow_up_question_weeks,
    follow_up_questions_missed,
)
from tests.factories import ArticleFactory, ReferenceFactory, RevisionFactory

Outcome = FollowUpQuestion.Outcome

PREGNANCY = (
    "Gentle exercise during pregnancy is safe for most women [@acog].\n\n"
    "- Walking and swimming are good choices.\n"
    "- Avoid contact sports after the first trimester.\n\n"
    "See your midwife if you have bleeding."
)


@pytest.fixture
def simple_search(db, settings):
    """The word-overlap ranking SQLite uses, forced: these tests run on every database."""
    settings.IMPRIMATUR_SEARCH = "simple"


@pytest.fixture
def postgres(db):
    assert connection.vendor == "postgresql", "a PostgreSQL-only test ran on another database"


def canonical() -> AudienceLevel:
    return AudienceLevel.objects.get(is_canonical=True)


def patient() -> AudienceLevel:
    return AudienceLevel.objects.get(slug="patient")


def publish(editor, *, title: str, body: str, patient_body: str = "", submit_only=False):
    """A new article whose revision holds `body` (and `patient_body` for patients), submitted
    and published (published without approval: the page carries the caution banner)."""
    article = ArticleFactory(title=title)
    revision = RevisionFactory(article=article, author=editor, canonical_body=body)
    if patient_body:
        AudienceBody.objects.create(revision=revision, audience=patient(), body=patient_body)
    workflow.revision_submit(revision=revision, actor=editor)
    if submit_only:
        return article
    return workflow.article_publish(revision=revision, actor=editor)


@pytest.fixture
def pregnancy(editor):
    ReferenceFactory(key="acog", title="Physical activity and exercise during pregnancy")
    return publish(editor, title="Exercise in pregnancy", body=PREGNANCY)


# --- the index ------------------------------------------------------------------------------


def test_publication_indexes_the_paragraphs_and_list_items_with_their_citations(pregnancy):
    passages = list(ArticlePassage.objects.filter(article=pregnancy).order_by("position"))

    assert [(p.anchor, p.text) for p in passages] == [
        ("passage-1", "Gentle exercise during pregnancy is safe for most women."),
        ("passage-2", "Walking and swimming are good choices."),
        ("passage-3", "Avoid contact sports after the first trimester."),
        ("passage-4", "See your midwife if you have bleeding."),
    ]
    assert passages[0].references == [
        {"number": 1, "title": "Physical activity and exercise during pregnancy"}
    ]
    assert {p.revision_id for p in passages} == {pregnancy.published_revision_id}


def test_the_page_carries_the_passages_anchors(client, pregnancy):
    html = client.get(pregnancy.get_absolute_url()).text

    assert '<p id="passage-1">Gentle exercise' in html
    assert '<li id="passage-2">Walking' in html


def test_unpublication_and_a_new_revision_follow_the_index(editor, pregnancy):
    draft = revision_create_draft(article=pregnancy, author=editor)
    revision_edit(revision=draft, editor=editor, bodies={canonical(): "Rest is advised."})
    workflow.revision_submit(revision=draft, actor=editor)
    workflow.article_publish(revision=draft, actor=editor)
    assert list(ArticlePassage.objects.values_list("text", flat=True)) == ["Rest is advised."]

    workflow.article_unpublish(article=pregnancy, actor=editor)
    assert not ArticlePassage.objects.exists()


def test_rebuild_fills_the_index_and_drops_what_is_not_published(editor, pregnancy):
    ArticlePassage.objects.all().delete()
    unpublished = publish(editor, title="Never published", body="Exercise draft.", submit_only=True)
    ArticlePassage.objects.create(
        article=unpublished,
        revision=unpublished.revisions.get(),
        audience=canonical(),
        position=1,
        anchor="passage-1",
        text="Stale exercise text.",
    )

    search_documents_rebuild()

    assert set(ArticlePassage.objects.values_list("article_id", flat=True)) == {pregnancy.pk}
    assert ArticlePassage.objects.count() == 4


# --- finding passages -----------------------------------------------------------------------


def test_a_question_worded_differently_finds_the_passage(simple_search, pregnancy):
    found = answers_find(question="Can I exercise while I am pregnant?", audience=canonical())

    assert found.fallback is False
    assert found.passages[0]["text"].startswith("Gentle exercise during pregnancy")
    shown = found.passages[0]
    assert shown["title"] == "Exercise in pregnancy"
    assert shown["url"] == f"{pregnancy.get_absolute_url()}?audience=clinician#passage-1" or (
        shown["url"].endswith("#passage-1")
    )
    assert shown["references"] == [
        {"number": 1, "title": "Physical activity and exercise during pregnancy"}
    ]


def test_nothing_found_for_an_unrelated_question(simple_search, pregnancy):
    assert answers_find(question="What is a bunion?", audience=canonical()).passages == []


def test_nothing_from_drafts_or_unpublished_articles(simple_search, editor, pregnancy):
    publish(editor, title="Submitted only", body="Knee bunion surgery advice.", submit_only=True)
    draft = revision_create_draft(article=pregnancy, author=editor)
    revision_edit(
        revision=draft, editor=editor, bodies={canonical(): "Bunion care for pregnant women."}
    )

    assert answers_find(question="bunion", audience=canonical()).passages == []


def test_the_readers_level_first_then_the_canonical_text_saying_so(simple_search, editor):
    publish(
        editor,
        title="Blood pressure",
        body="Hypertension is treated with thiazide diuretics.",
        patient_body="High blood pressure can be lowered with water tablets.",
    )

    at_level = answers_find(question="Do water tablets help?", audience=patient())
    assert [p["text"] for p in at_level.passages] == [
        "High blood pressure can be lowered with water tablets."
    ]
    assert at_level.fallback is False

    fallback = answers_find(question="thiazide diuretics", audience=patient())
    assert [p["text"] for p in fallback.passages] == [
        "Hypertension is treated with thiazide diuretics."
    ]
    assert fallback.fallback is True


def test_the_caution_travels_with_a_passage_published_before_approval(simple_search, pregnancy):
    shown = answers_find(question="midwife bleeding", audience=canonical()).passages[0]

    assert shown["approved"] is False
    assert shown["caution"]
    assert shown["last_reviewed"] == ""


def test_at_most_the_limit_of_passages(simple_search, editor):
    for n in range(ANSWER_LIMIT + 2):
        publish(editor, title=f"Sleep {n}", body=f"Sleep hygiene tip number {n}.")

    assert len(answers_find(question="sleep", audience=canonical()).passages) == ANSWER_LIMIT


@pytest.mark.postgresql
def test_full_text_finds_a_stemmed_question_on_postgresql(postgres, pregnancy):
    assert ArticlePassage.objects.filter(search_vector__isnull=False).count() == 4
    found = answers_find(question="Is swimming OK when pregnant?", audience=canonical())

    assert found.passages[0]["text"] == "Walking and swimming are good choices."


# --- the reader's yes or no -----------------------------------------------------------------


def ask(client, article, question, audience="clinician"):
    url = reverse("articles:question_ask", kwargs={"slug": article.slug})
    return client.post(url, {"question": question, "email": "", "audience": audience})


def test_asking_shows_the_passages_and_yes_closes_it(simple_search, client, pregnancy):
    response = ask(client, pregnancy, "Can I exercise while I am pregnant?")
    question = FollowUpQuestion.objects.get()
    assert response.status_code == 302
    answer_url = reverse(
        "articles:question_answer",
        kwargs={"slug": pregnancy.slug, "token": answer_token(question)},
    )
    assert response["Location"] == answer_url
    assert question.outcome == Outcome.OFFERED

    page = client.get(answer_url)
    assert page.status_code == 200
    assert "Gentle exercise during pregnancy is safe for most women." in page.text
    assert "Did this answer your question?" in page.text
    assert "#passage-1" in page.text
    assert CAUTION_NOT_APPROVED in page.text or "Exercise caution" in page.text
    assert "Physical activity and exercise during pregnancy" in page.text

    done = client.post(answer_url, {"answered": "yes"})
    assert done["Location"] == reverse(
        "articles:question_answered", kwargs={"slug": pregnancy.slug}
    )
    question.refresh_from_db()
    assert (question.outcome, question.state) == (Outcome.ANSWERED, FollowUpQuestion.State.ANSWERED)


def test_no_sends_it_to_the_editors_with_the_passages_offered(
    simple_search, client, editor, pregnancy
):
    ask(client, pregnancy, "Can I exercise while I am pregnant?")
    question = FollowUpQuestion.objects.get()
    answer_url = reverse(
        "articles:question_answer",
        kwargs={"slug": pregnancy.slug, "token": answer_token(question)},
    )
    client.post(answer_url, {"answered": "no"})
    question.refresh_from_db()
    assert question.outcome == Outcome.QUEUED

    client.force_login(editor)
    queue = client.get(reverse("editorial:questions")).text
    assert "Can I exercise while I am pregnant?" in queue
    assert "Passages offered to the reader (" in queue
    assert "Gentle exercise during pregnancy is safe for most women." in queue


def test_a_question_nothing_answers_goes_straight_to_the_editors(simple_search, client, pregnancy):
    response = ask(client, pregnancy, "What is a bunion exactly?")

    assert response["Location"] == reverse(
        "articles:question_thanks", kwargs={"slug": pregnancy.slug}
    )
    question = FollowUpQuestion.objects.get()
    assert (question.outcome, question.offered) == (Outcome.QUEUED, [])


def test_a_question_awaiting_the_reader_is_not_in_the_editors_queue(
    simple_search, client, editor, pregnancy
):
    follow_up_question_ask(article=pregnancy, audience=canonical(), question="exercise pregnant?")
    client.force_login(editor)

    assert "exercise pregnant?" not in client.get(reverse("editorial:questions")).text


def test_the_reader_says_only_once(simple_search, client, pregnancy):
    question = follow_up_question_ask(
        article=pregnancy, audience=canonical(), question="exercise pregnant?"
    )
    follow_up_question_settle(question=question, answered=False)
    with pytest.raises(ActionRefused, match="already been sent to our editors"):
        follow_up_question_settle(question=question, answered=True)

    url = reverse(
        "articles:question_answer", kwargs={"slug": pregnancy.slug, "token": answer_token(question)}
    )
    response = client.post(url, {"answered": "yes"})
    assert response.status_code == 409
    assert "already been sent to our editors" in response.text
    question.refresh_from_db()
    assert question.outcome == Outcome.QUEUED


def test_a_bad_choice_or_token_is_refused(simple_search, client, pregnancy):
    question = follow_up_question_ask(
        article=pregnancy, audience=canonical(), question="exercise pregnant?"
    )
    url = reverse(
        "articles:question_answer", kwargs={"slug": pregnancy.slug, "token": answer_token(question)}
    )
    response = client.post(url, {"answered": "maybe"})
    assert response.status_code == 400
    assert "Choose yes or no." in response.text
    forged = reverse(
        "articles:question_answer", kwargs={"slug": pregnancy.slug, "token": f"{question.pk}:x"}
    )
    assert client.get(forged).status_code == 404
    assert re.search(r"Gentle exercise", client.get(url).text)


@pytest.mark.parametrize("articles", [2, 12])
def test_the_answer_page_costs_the_same_queries_at_any_size(
    simple_search, client, editor, django_assert_num_queries, articles
):
    for n in range(articles):
        publish(editor, title=f"Exercise {n}", body=f"Exercise advice number {n}.")
    question = follow_up_question_ask(
        article=ArticlePassage.objects.first().article,
        audience=canonical(),
        question="exercise advice",
    )
    url = reverse(
        "articles:question_answer",
        kwargs={"slug": question.article.slug, "token": answer_token(question)},
    )
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


# --- the editors' dashboard -----------------------------------------------------------------


@pytest.mark.parametrize("per_week", [1, 6])
def test_the_dashboard_counts_questions_per_week_in_one_query(
    simple_search, client, editor, pregnancy, per_week, django_assert_num_queries
):
    now = timezone.now()
    last_week = now - timedelta(weeks=1)
    for _ in range(per_week):
        yes = follow_up_question_ask(article=pregnancy, audience=canonical(), question="exercise?")
        follow_up_question_settle(question=yes, answered=True)
        no = follow_up_question_ask(article=pregnancy, audience=canonical(), question="midwife?")
        follow_up_question_settle(question=no, answered=False)
        follow_up_question_ask(article=pregnancy, audience=canonical(), question="A bunion?")
        old = follow_up_question_ask(article=pregnancy, audience=canonical(), question="Gout?")
        FollowUpQuestion.objects.filter(pk=old.pk).update(created_at=last_week)

    with django_assert_num_queries(1):
        weeks = follow_up_question_weeks(user=editor)

    this, previous = weeks[0], weeks[1]
    assert this.week == timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert (
        this.asked,
        this.answered_at_once,
        this.sent_to_editors,
        this.found_nothing,
    ) == (3 * per_week, per_week, 2 * per_week, per_week)
    assert (previous.asked, previous.found_nothing) == (per_week, per_week)
    assert len(weeks) == QUESTION_WEEKS
    assert all(week.asked == 0 for week in weeks[2:])

    client.force_login(editor)
    html = client.get(reverse("editorial:dashboard")).text
    assert (
        f'<td data-label="Asked">{3 * per_week}</td>'
        f'<td data-label="Answered at once">{per_week}</td>'
        f'<td data-label="Sent to editors">{2 * per_week}</td>'
    ) in html
    assert "What readers asked that nothing answered" in html
    assert "A bunion?" in html
    assert "exercise?" not in html.split("nothing answered")[1]


def test_only_editors_get_the_weekly_counts(simple_search, reviewer, pregnancy):
    follow_up_question_ask(article=pregnancy, audience=canonical(), question="A bunion?")

    assert follow_up_question_weeks(user=reviewer) == []
    assert follow_up_questions_missed(user=reviewer) == []


# --- an editor's answer into the article ----------------------------------------------------


def test_questions_section_is_added_once_and_entries_go_at_its_end():
    once = questions_section_add("Intro.", question="Can I\nrun?", answer=" Yes, gently. ")
    assert once == "Intro.\n\n## Questions readers asked\n\n### Can I run?\n\nYes, gently."
    twice = questions_section_add(
        once + "\n\n## More\n\nText.", question="And swim?", answer="Yes."
    )
    assert twice == (
        "Intro.\n\n## Questions readers asked\n\n### Can I run?\n\nYes, gently.\n\n"
        "### And swim?\n\nYes.\n\n## More\n\nText."
    )


def test_an_editor_answer_enters_the_next_revision_for_review(
    simple_search, client, editor, pregnancy
):
    question = follow_up_question_ask(
        article=pregnancy, audience=canonical(), question="Can I do yoga when pregnant?"
    )
    follow_up_question_settle(question=question, answered=False)
    url = reverse("editorial:question_answer", kwargs={"pk": question.pk})
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert "Gentle exercise during pregnancy is safe for most women." in page.text

    short = client.post(url, {"answer": "Yes."})
    assert short.status_code == 400
    assert ">\nYes.</textarea>" in short.text  # the editor's text is kept

    response = client.post(url, {"answer": "Yes: prenatal yoga is safe for most women."})
    assert response.status_code == 302
    draft = pregnancy.revisions.order_by("-number").first()
    assert draft.pk != pregnancy.published_revision_id
    assert draft.is_editable
    body = draft.bodies.get(audience=canonical()).body
    assert body.startswith(PREGNANCY)
    assert body.endswith(
        "## Questions readers asked\n\n### Can I do yoga when pregnant?\n\n"
        "Yes: prenatal yoga is safe for most women."
    )
    question.refresh_from_db()
    assert (question.state, question.answer_revision_id) == (
        FollowUpQuestion.State.ANSWERED,
        draft.pk,
    )
    # Not on the public page before that revision is published.
    assert "prenatal yoga" not in client.get(pregnancy.get_absolute_url()).text

    # A second answer goes into the same draft.
    other = follow_up_question_ask(article=pregnancy, audience=canonical(), question="A bunion?")
    client.post(
        reverse("editorial:question_answer", kwargs={"pk": other.pk}),
        {"answer": "See the article on feet for bunions."},
    )
    assert pregnancy.revisions.count() == 2
    assert draft.bodies.get(audience=canonical()).body.endswith(
        "### A bunion?\n\nSee the article on feet for bunions."
    )


def test_only_editors_answer_questions(simple_search, client, reviewer, pregnancy):
    question = follow_up_question_ask(article=pregnancy, audience=canonical(), question="A bunion?")
    client.force_login(reviewer)
    url = reverse("editorial:question_answer", kwargs={"pk": question.pk})

    assert client.post(url, {"answer": "Something long enough."}).status_code == 403
    assert pregnancy.revisions.count() == 1


def test_a_question_sent_twice_from_its_form_is_asked_once(simple_search, client, pregnancy):
    """A double tap, or a phone's retry on a weak signal: the same form's key asks once, and
    both answers lead to the same passages; each rendering of the form has its own key."""
    url = reverse("articles:question_ask", kwargs={"slug": pregnancy.slug})
    form = client.get(url, {"audience": "clinician"}).text
    keys = re.findall(r'name="idempotency_key" value="([^"]+)"', form)
    assert len(keys) == 1
    assert keys != re.findall(r'name="idempotency_key" value="([^"]+)"', client.get(url).text)
    data = {"question": "Can I exercise while I am pregnant?", "email": "", "audience": "clinician"}

    answers = [client.post(url, data | {"idempotency_key": keys[0]}) for _ in range(2)]

    question = FollowUpQuestion.objects.get()
    answer_url = reverse(
        "articles:question_answer", kwargs={"slug": pregnancy.slug, "token": answer_token(question)}
    )
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, answer_url)] * 2
    client.post(url, data | {"idempotency_key": "another-form-0001"})  # asked again, meant
    assert FollowUpQuestion.objects.count() == 2
