"""Audience versions: the reader's choice, its memory, caching, the API, staleness, the admin."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from articles.admin import SECOND_CANONICAL, AudienceLevelForm
from articles.models import Article, AudienceBody, AudienceLevel, ReaderPreference
from articles.public.reader import AUDIENCE_COOKIE, AUDIENCE_COOKIE_MAX_AGE
from articles.selectors import revision_body_statuses
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from tests.factories import ArticleFactory, EditorFactory, RevisionFactory

PRO_TEXT = "Offer graded tendon loading; consider ESWT after six months."
PATIENT_TEXT = "Rest your heel and stretch it every day."
FALLBACK = "This article has no version for {label} yet"
ONE_YEAR = 365 * 24 * 60 * 60


def _levels() -> dict[str, AudienceLevel]:
    return {level.slug: level for level in AudienceLevel.objects.all()}


def _publish(editor, *, patient: str | None = PATIENT_TEXT) -> Article:
    revision = RevisionFactory(author=editor, canonical_body=PRO_TEXT)
    if patient is not None:
        revision_edit(revision=revision, editor=editor, bodies={_levels()["patient"]: patient})
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def _choose(client, article: Article, slug: str):
    return client.post(
        reverse("articles:audience_choose", kwargs={"slug": article.slug}), {"audience": slug}
    )


def _checked(html: str) -> list[str]:
    return re.findall(r'name="audience" value="([\w-]+)" id="[\w-]+" checked', html)


# --- the picker and the choice ---------------------------------------------------------------


def test_article_page_offers_every_level_with_its_description(client, editor):
    article = _publish(editor)
    html = client.get(article.get_absolute_url()).text
    assert "Which best describes you?" in html
    for level in AudienceLevel.objects.all():
        assert level.label in html
        assert level.description in html
    # Without a choice: the canonical version, its disclaimer.
    assert PRO_TEXT in html
    assert PATIENT_TEXT not in html
    assert _checked(html) == ["professional"]
    assert _levels()["professional"].disclaimer in html


def test_choosing_a_level_sets_a_one_year_lax_cookie_and_goes_back(client, editor):
    article = _publish(editor)

    response = _choose(client, article, "patient")

    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    cookie = response.cookies[AUDIENCE_COOKIE]
    assert cookie.value == "patient"
    assert cookie["max-age"] == ONE_YEAR == AUDIENCE_COOKIE_MAX_AGE
    assert cookie["samesite"] == "Lax"
    html = client.get(article.get_absolute_url()).text
    assert PATIENT_TEXT in html
    assert PRO_TEXT not in html
    assert _levels()["patient"].disclaimer in html
    assert _levels()["professional"].disclaimer not in html
    assert _checked(html) == ["patient"]


def test_choice_carries_over_to_the_next_article(client, editor):
    first, second = _publish(editor), _publish(editor, patient="Ice helps the pain go down.")
    _choose(client, first, "patient")
    assert "Ice helps the pain go down." in client.get(second.get_absolute_url()).text


def test_an_unknown_level_is_refused_and_nothing_is_remembered(client, editor):
    article = _publish(editor)
    response = _choose(client, article, "astronaut")
    assert response.status_code == 400
    assert AUDIENCE_COOKIE not in response.cookies


def test_choosing_needs_a_post_and_a_published_article(client, editor, draft):
    article = _publish(editor)
    url = reverse("articles:audience_choose", kwargs={"slug": article.slug})
    assert client.get(url).status_code == 405
    assert _choose(client, draft.article, "patient").status_code == 404


def test_logged_in_choice_is_kept_on_the_account_and_follows_the_reader(client, editor):
    article = _publish(editor)
    reader = EditorFactory()
    client.force_login(reader)

    _choose(client, article, "patient")

    assert ReaderPreference.objects.get(user=reader).audience.slug == "patient"
    # On another device: no cookie, same account.
    other_device = type(client)()
    other_device.force_login(reader)
    assert PATIENT_TEXT in other_device.get(article.get_absolute_url()).text
    _choose(client, article, "student")
    assert ReaderPreference.objects.get(user=reader).audience.slug == "student"
    assert ReaderPreference.objects.count() == 1


def test_anonymous_choice_is_not_stored_on_any_account(client, editor):
    _choose(client, _publish(editor), "patient")
    assert ReaderPreference.objects.count() == 0


def test_query_parameter_overrides_a_logged_in_choice_for_that_view_only(client, editor):
    article = _publish(editor)
    client.force_login(EditorFactory())
    _choose(client, article, "patient")

    response = client.get(article.get_absolute_url(), {"audience": "professional"})
    shared = response.text

    assert AUDIENCE_COOKIE not in response.cookies
    assert PRO_TEXT in shared
    assert PATIENT_TEXT not in shared
    assert _checked(shared) == ["professional"]
    # The remembered choice is unchanged.
    assert PATIENT_TEXT in client.get(article.get_absolute_url()).text
    assert (
        f'href="{article.get_absolute_url()}?audience=patient"'
        in client.get(article.get_absolute_url()).text
    )


def test_anonymous_picker_is_a_get_form_and_a_logged_in_one_posts(client, editor):
    article = _publish(editor)
    url = article.get_absolute_url()
    choose = reverse("articles:audience_choose", kwargs={"slug": article.slug})

    anonymous = client.get(url).text
    client.force_login(EditorFactory())
    logged_in = client.get(url).text

    assert f'<form method="get" action="{url}">' in anonymous
    assert choose not in anonymous
    assert "csrfmiddlewaretoken" not in anonymous
    assert f'<form method="post" action="{choose}">' in logged_in
    assert 'name="csrfmiddlewaretoken"' in logged_in
    for html in (anonymous, logged_in):
        assert "Show this version" in html
        assert _checked(html) == ["professional"]


def test_anonymous_query_level_is_remembered_like_the_post_route(client, editor):
    article = _publish(editor)
    url = article.get_absolute_url()

    response = client.get(url, {"audience": "patient"})

    assert PATIENT_TEXT in response.text
    assert _checked(response.text) == ["patient"]
    cookie = response.cookies[AUDIENCE_COOKIE]
    assert (cookie.value, cookie["max-age"], cookie["samesite"]) == ("patient", ONE_YEAR, "Lax")
    assert cookie["httponly"] is True
    assert not cookie["secure"]
    html = client.get(url).text
    assert PATIENT_TEXT in html
    assert _checked(html) == ["patient"]
    assert ReaderPreference.objects.count() == 0
    secure = type(client)().get(url, {"audience": "patient"}, secure=True)
    assert secure.cookies[AUDIENCE_COOKIE]["secure"] is True


def test_unknown_query_level_falls_back_to_the_remembered_one(client, editor):
    article = _publish(editor)
    _choose(client, article, "patient")
    assert PATIENT_TEXT in client.get(article.get_absolute_url(), {"audience": "nope"}).text


def test_missing_version_shows_the_canonical_body_with_a_note(client, editor):
    article = _publish(editor, patient=None)

    html = client.get(article.get_absolute_url(), {"audience": "student"}).text

    assert PRO_TEXT in html
    assert FALLBACK.format(label="Medical student") in html
    assert "you are reading the version for Healthcare professional" in html
    # The disclaimer is the reader's level's.
    assert _levels()["student"].disclaimer in html
    assert (
        FALLBACK.format(label="Healthcare professional")
        not in client.get(article.get_absolute_url()).text
    )


def test_public_page_keeps_no_inline_script_or_style(client, editor):
    html = client.get(_publish(editor).get_absolute_url()).text
    # A file from our origin and the JSON-LD data block, which browsers never execute.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script type="application/ld+json">',
        '<script src="/static/js/follow-up-frame.js" defer>',
    ]
    assert "style=" not in html


# --- caching ---------------------------------------------------------------------------------


@pytest.fixture
def locmem_cache(settings):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def test_two_readers_at_different_levels_never_see_each_others_version(
    locmem_cache, editor, client
):
    article = _publish(editor)
    patient, professional = client, type(client)()
    _choose(patient, article, "patient")

    for _ in range(2):  # the second round is served from the cache
        patient_html = patient.get(article.get_absolute_url()).text
        pro_html = professional.get(article.get_absolute_url()).text
        assert PATIENT_TEXT in patient_html
        assert PRO_TEXT not in patient_html
        assert PRO_TEXT in pro_html
        assert PATIENT_TEXT not in pro_html


def test_a_site_wide_page_cache_keeps_levels_apart(locmem_cache, settings, editor, client):
    settings.MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    article = _publish(editor)
    patient, professional = client, type(client)()
    _choose(patient, article, "patient")

    first = professional.get(article.get_absolute_url())
    assert "Cookie" in first["Vary"]
    for _ in range(2):
        assert PATIENT_TEXT in patient.get(article.get_absolute_url()).text
        assert PRO_TEXT in professional.get(article.get_absolute_url()).text
        assert PRO_TEXT in type(client)().get(article.get_absolute_url()).text


@pytest.mark.parametrize("size", [3, 30])
def test_article_page_query_count_is_constant_at_any_level(
    size, client, editor, django_assert_num_queries
):
    articles = [_publish(editor) for _ in range(size)]
    ArticleFactory.create_batch(size)
    url = articles[-1].get_absolute_url()
    # The levels (not cached yet), no stored page, the page's read (the article with its
    # revisions for the review dates and update history, the levels with the bodies of the
    # chosen and canonical levels, their HTML stored at submission), the page stored; the
    # second level's page is not cached yet (the levels and the article's token are): its read
    # looks for its stored page too, and it is stored.
    with django_assert_num_queries(4):
        assert PATIENT_TEXT in client.get(url, {"audience": "patient"}).text
    with django_assert_num_queries(2):
        assert PRO_TEXT in client.get(url, {"audience": "student"}).text


# --- the API ---------------------------------------------------------------------------------


def test_api_lists_the_levels_to_anyone(db):
    response = APIClient().get("/api/v1/audience-levels/")
    assert response.status_code == 200
    assert [level["slug"] for level in response.json()] == ["patient", "student", "professional"]
    patient = response.json()[0]
    assert (patient["label"], patient["target_grade"], patient["is_canonical"]) == (
        "Patient or caregiver",
        "8.0",
        False,
    )


def test_public_api_serves_an_article_at_a_level(editor):
    article = _publish(editor)
    url = f"/api/v1/public/articles/{article.slug}/"

    patient = APIClient().get(url, {"audience": "patient"}).json()
    student = APIClient().get(url, {"audience": "student"}).json()
    default = APIClient().get(url).json()

    assert (patient["body"], patient["served_audience"], patient["is_fallback"]) == (
        PATIENT_TEXT,
        "patient",
        False,
    )
    assert patient["disclaimer"] == _levels()["patient"].disclaimer
    assert (student["body"], student["served_audience"], student["is_fallback"]) == (
        PRO_TEXT,
        "professional",
        True,
    )
    assert default["audience"] == "professional"
    assert APIClient().get(url, {"audience": "nope"}).status_code == 404


def test_public_api_hides_unpublished_articles(draft):
    assert APIClient().get(f"/api/v1/public/articles/{draft.article.slug}/").status_code == 404


def test_api_bodies_carry_their_readability(editor, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        revision_edit(
            revision=draft,
            editor=editor,
            bodies={_levels()["patient"]: "Physicians recommend regular exercise."},
        )
    client = APIClient()
    client.force_authenticate(editor)
    bodies = {
        b["audience"]: b
        for b in client.get(f"/api/v1/bodies/?revision={draft.pk}").json()["results"]
    }
    patient = bodies["patient"]
    # 4 words of 3 syllables in one sentence: 0.39 * 4 + 11.8 * 3 - 15.59.
    assert patient["readability"]["fk_grade"] == pytest.approx(21.37, abs=0.01)
    assert patient["readability"]["smog_is_valid"] is False
    assert (patient["target_grade"], patient["above_target"]) == ("8.0", True)
    # The factory's canonical body was written without the service: not scored yet.
    assert bodies["professional"]["readability"] is None


# --- staleness -------------------------------------------------------------------------------


def _stale(revision) -> dict[str, bool]:
    return {
        s.body.audience.slug: s.may_be_out_of_date
        for s in revision_body_statuses(revision=revision)
    }


def test_other_bodies_become_stale_when_only_the_canonical_changes(editor, reviewer, client):
    levels = _levels()
    first = RevisionFactory(author=editor, canonical_body="")
    revision_edit(
        revision=first,
        editor=editor,
        bodies={
            levels["professional"]: PRO_TEXT,
            levels["patient"]: PATIENT_TEXT,
            levels["student"]: "Tendon loading works.",
        },
    )
    assert _stale(first) == {"patient": False, "student": False, "professional": False}
    workflow.revision_submit(revision=first, actor=editor)

    second = revision_create_draft(article=first.article, author=editor)
    assert _stale(second) == {"patient": False, "student": False, "professional": False}
    # The canonical text and the student's change together; the patient's is left alone.
    revision_edit(
        revision=second,
        editor=editor,
        bodies={
            levels["professional"]: PRO_TEXT + " Avoid steroid injections.",
            levels["student"]: "Tendon loading works; avoid steroids.",
            levels["patient"]: PATIENT_TEXT,
        },
    )
    assert _stale(second) == {"patient": True, "student": False, "professional": False}
    # Reviewers see the mark on the workspace page.
    workflow.revision_submit(revision=second, actor=editor)
    workflow.revision_assign_reviewer(revision=second, actor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    review_html = client.get(reverse("editorial:article", kwargs={"pk": second.article_id})).text
    assert review_html.count('<span class="stale-mark">May be out of date</span>') == 1
    # It stays marked in the next revision until someone updates it.
    third = revision_create_draft(article=first.article, author=editor)
    assert _stale(third)["patient"] is True

    client.force_login(editor)
    edit_html = client.get(reverse("editorial:article_edit", kwargs={"pk": third.article_id})).text
    assert edit_html.count('class="stale-note"') == 1
    assert re.search(r'id="panel-patient">.*?class="stale-note"', edit_html, re.S)

    revision_edit(revision=third, editor=editor, bodies={levels["patient"]: "Rest and no shots."})
    assert _stale(third)["patient"] is False


def test_a_body_changed_alone_is_not_stale(editor, draft):
    levels = _levels()
    revision_edit(revision=draft, editor=editor, bodies={levels["patient"]: PATIENT_TEXT})
    revision_edit(revision=draft, editor=editor, bodies={levels["patient"]: "Rest more."})
    assert _stale(draft)["patient"] is False
    assert AudienceBody.objects.get(revision=draft, audience__slug="patient").canonical_hash


# --- the admin -------------------------------------------------------------------------------


def test_admin_refuses_a_second_canonical_level(db):
    form = AudienceLevelForm(
        data={"label": "Nurse", "slug": "nurse", "order": 4, "is_canonical": True}
    )
    assert not form.is_valid()
    assert form.errors["is_canonical"] == [SECOND_CANONICAL.format(label="Healthcare professional")]
    # Editing the canonical level itself is fine.
    professional = _levels()["professional"]
    same = AudienceLevelForm(
        instance=professional,
        data={"label": "Clinician", "slug": "professional", "order": 3, "is_canonical": True},
    )
    assert same.is_valid(), same.errors


def test_admin_cannot_delete_the_canonical_level(admin_client):
    professional = _levels()["professional"]
    url = reverse("admin:articles_audiencelevel_delete", args=[professional.pk])
    assert admin_client.get(url).status_code == 403
    patient_url = reverse("admin:articles_audiencelevel_delete", args=[_levels()["patient"].pk])
    assert admin_client.get(patient_url).status_code == 200
