"""The fast article page: body HTML stored at submission, the page cached for anonymous
readers per (article, published revision, audience), and what invalidates it."""

import pickle
import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from articles.models import (
    Article,
    AudienceBody,
    AudienceLevel,
    FollowUpQuestion,
    ReferenceStatus,
    ReviewStatus,
    StoredPage,
)
from articles.page_versions import LEVELS_KEY, POINTER_KEY, local_pages_clear
from articles.public.page_cache import CachedPage, code_build
from articles.references.services import reference_version_create
from articles.selectors import months_later
from articles.services import audience_body_render, revision_create_draft, revision_edit
from editorial import workflow
from editorial.models import InterestDeclaration, InterestEntry
from tests.factories import BoardMemberFactory, ReferenceFactory, RevisionFactory

PRO_TEXT = "Offer graded tendon loading; consider ESWT after six months."
PATIENT_TEXT = "Rest your heel and stretch it every day."
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _levels() -> dict[str, AudienceLevel]:
    return {level.slug: level for level in AudienceLevel.objects.all()}


def _publish(editor, *, canonical: str = PRO_TEXT, patient: str | None = PATIENT_TEXT):  # type: ignore[no-untyped-def]
    revision = RevisionFactory(author=editor, canonical_body=canonical)
    if patient is not None:
        revision_edit(revision=revision, editor=editor, bodies={_levels()["patient"]: patient})
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def _publish_citing(editor, size: int):  # type: ignore[no-untyped-def]
    """An article whose canonical body cites `size` references."""
    keys = [ReferenceFactory(key=f"ref{n}").key for n in range(size)]
    return _publish(editor, canonical=" ".join(f"Claim [@{key}]." for key in keys))


# --- stored body HTML ------------------------------------------------------------------------


def test_submission_stores_each_bodys_html_and_reference_list(editor):
    ReferenceFactory(key="kim", title="Hip guideline")
    revision = RevisionFactory(author=editor, canonical_body="Rest helps [@kim].")
    revision_edit(revision=revision, editor=editor, bodies={_levels()["patient"]: "Rest [@kim]."})

    workflow.revision_submit(revision=revision, actor=editor)

    bodies = list(revision.bodies.all())
    assert len(bodies) == 2
    for body in bodies:
        assert body.rendered_at is not None
        assert re.search(r'<sup><a href="#ref-1"[^>]*>1</a></sup>', body.rendered_html)
        assert '<li id="ref-1" value="1">' in body.rendered_references
        assert "Hip guideline" in body.rendered_references
        assert body.rendered_citations[0]["name"] == "Hip guideline"


def test_the_reference_list_links_each_work_to_its_records(editor):
    ReferenceFactory(key="kim", doi="10.1177/0363546513483448", pmid="23524151", pmcid="PMC12345")
    ReferenceFactory(key="lee", title="A guideline without identifiers")
    revision = RevisionFactory(author=editor, canonical_body="Rest helps [@kim; @lee].")

    workflow.revision_submit(revision=revision, actor=editor)

    kim, lee = revision.bodies.get().rendered_references.split("</li>")[:2]
    assert '<a href="https://doi.org/10.1177/0363546513483448">DOI</a>' in kim
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/23524151/">PubMed</a>' in kim
    assert '<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC12345/">PMC</a>' in kim
    assert "<a " not in lee


def test_page_serves_the_stored_html_not_a_new_rendering(client, editor):
    article = _publish(editor, patient=None)
    # What the renderer would give now no longer matters: the stored HTML is the page.
    AudienceBody.objects.filter(revision=article.published_revision).update(
        rendered_html="<p>Stored at submission.</p>", rendered_description="Stored at submission."
    )

    html = client.get(article.get_absolute_url()).text

    assert "<p>Stored at submission.</p>" in html
    assert PRO_TEXT not in html


def test_retracted_pinned_version_keeps_its_mark_in_the_stored_list(client, editor):
    kim = ReferenceFactory(key="kim", title="Hip guideline")
    current = kim.current_version
    reference_version_create(
        reference=kim,
        actor=editor,
        type=current.type,
        csl=current.csl,
        change_note="Retracted by the journal",
        status=ReferenceStatus.RETRACTED,
    )
    revision = RevisionFactory(author=editor, canonical_body="Rest [@kim].")
    workflow.revision_submit(revision=revision, actor=editor)  # pins the retracted version
    article = workflow.article_publish(revision=revision, actor=editor)

    assert "Retracted" in revision.bodies.get().rendered_references
    assert (
        '<strong class="reference-retracted">Retracted</strong>'
        in client.get(article.get_absolute_url()).text
    )


def _set_status(reference, editor, status: str, note: str):  # type: ignore[no-untyped-def]
    current = reference.current_version
    return reference_version_create(
        reference=reference,
        actor=editor,
        type=current.type,
        csl=current.csl,
        change_note=note,
        status=status,
    )


RETRACTED_MARK = '<strong class="reference-retracted">Retracted</strong>'


def test_a_reference_retracted_after_publication_is_marked_at_once(
    client, editor, django_capture_on_commit_callbacks
):
    kim = ReferenceFactory(key="kim", title="Hip guideline")
    ReferenceFactory(key="doe", title="Knee trial")
    revision = RevisionFactory(author=editor, canonical_body="Rest [@kim]. Load [@doe].")
    workflow.revision_submit(revision=revision, actor=editor)
    article = workflow.article_publish(revision=revision, actor=editor)
    url = article.get_absolute_url()
    before = client.get(url)
    assert RETRACTED_MARK not in before.text  # and now cached
    assert client.get(url, HTTP_IF_NONE_MATCH=before.headers["ETag"]).status_code == 304
    # Submitted before the retraction, published after it: its stored list must follow too.
    pending = RevisionFactory(author=editor, canonical_body="Only [@kim].")
    workflow.revision_submit(revision=pending, actor=editor)

    with django_capture_on_commit_callbacks(execute=True):
        _set_status(kim, editor, ReferenceStatus.RETRACTED, "Retracted by the journal")

    # A browser revalidating its copy gets the new page, not a 304.
    assert client.get(url, HTTP_IF_NONE_MATCH=before.headers["ETag"]).status_code == 200
    html = client.get(url).text
    assert html.count(RETRACTED_MARK) == 1  # kim, not doe
    assert re.search(r"Hip guideline.*?" + re.escape(RETRACTED_MARK), html, re.S)
    published_later = workflow.article_publish(revision=pending, actor=editor)
    assert RETRACTED_MARK in client.get(published_later.get_absolute_url()).text

    # The journal withdraws the retraction: the mark goes again.
    with django_capture_on_commit_callbacks(execute=True):
        _set_status(kim, editor, ReferenceStatus.ACTIVE, "Retraction withdrawn by the journal")
    assert RETRACTED_MARK not in client.get(url).text


def test_a_correction_does_not_render_the_pages_again(editor, django_capture_on_commit_callbacks):
    kim = ReferenceFactory(key="kim", title="Hip guideline")
    revision = RevisionFactory(author=editor, canonical_body="Rest [@kim].")
    workflow.revision_submit(revision=revision, actor=editor)
    rendered_at = revision.bodies.get().rendered_at

    with django_capture_on_commit_callbacks(execute=True):
        _set_status(kim, editor, ReferenceStatus.CORRECTED, "Erratum on the dose")

    assert revision.bodies.get().rendered_at == rendered_at


def test_a_body_without_stored_html_is_rendered_once_and_stored(
    client, editor, django_assert_num_queries
):
    article = _publish(editor, patient=None)
    bodies = AudienceBody.objects.filter(revision=article.published_revision)
    bodies.update(rendered_html="", rendered_references="", rendered_at=None)  # older data

    assert PRO_TEXT in client.get(article.get_absolute_url()).text
    stored = bodies.get()
    assert stored.rendered_at is not None
    assert PRO_TEXT in stored.rendered_html

    other = Client()  # another level's page is not cached yet: it reads the body again
    other.cookies["audience"] = "student"
    # the page's read (the article's token is cached: no stored page, then the article with
    # its revisions and the levels with the bodies, nothing rendered again), the page stored
    with django_assert_num_queries(2):
        assert PRO_TEXT in other.get(article.get_absolute_url()).text
    assert bodies.get().rendered_at == stored.rendered_at


def test_a_drafts_body_is_rendered_but_not_stored(editor, draft):
    body = draft.bodies.get()
    rendered = audience_body_render(body=body)
    assert '<p id="passage-1">' in rendered.rendered_html
    assert AudienceBody.objects.get(pk=body.pk).rendered_at is None


def test_command_fills_published_revisions_then_every_submitted_one(editor):
    published = _publish(editor, patient=None).published_revision
    submitted = RevisionFactory(author=editor)
    workflow.revision_submit(revision=submitted, actor=editor)
    AudienceBody.objects.update(rendered_html="", rendered_at=None)

    call_command("bodies_render", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AudienceBody.objects.get(revision=published).rendered_at is not None
    assert AudienceBody.objects.get(revision=submitted).rendered_at is None

    call_command("bodies_render", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AudienceBody.objects.get(revision=submitted).rendered_at is not None


# --- constant queries ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 60])
def test_cold_and_warm_page_queries_do_not_grow_with_references(
    size, client, editor, django_assert_num_queries
):
    article = _publish_citing(editor, size)
    url = article.get_absolute_url()
    # the levels, no stored page, the page's read (the article with its revisions, the levels
    # with the bodies), the page stored
    with django_assert_num_queries(4):
        assert client.get(url).text.count('<li id="ref-') == size
    with django_assert_num_queries(0):
        assert Client().get(url).text.count('<li id="ref-') == size


@pytest.mark.parametrize("declared", [False, True], ids=["no interests", "interests"])
@pytest.mark.parametrize("size", [1, 5])
def test_cold_and_warm_page_queries_do_not_grow_with_reviewers(
    size, declared, client, editor, settings, reach, django_assert_num_queries
):
    settings.IMPRIMATUR_MIN_APPROVALS = size
    revision = RevisionFactory(author=editor, canonical_body=PRO_TEXT)
    reviewers = [BoardMemberFactory() for _ in range(size)]
    reach(revision, ReviewStatus.APPROVED, editor=editor, reviewers=reviewers)
    if declared:  # every approver declared an interest
        for declaration in InterestDeclaration.objects.filter(assignment__revision=revision):
            InterestEntry.objects.create(
                declaration=declaration, kind="financial", details="Consults for Acme"
            )
            declaration.has_interests = True
            declaration.save(update_fields=["has_interests"])
    article = workflow.article_publish(revision=revision, actor=editor)
    url = article.get_absolute_url()
    # the levels, no stored page, the page's read (the article with its revisions for the
    # review dates and update history, the levels with the bodies, the approvals), (the
    # approvers' declared interests, only if any,) the page stored
    with django_assert_num_queries(5 if declared else 4):
        page = client.get(url).text
    assert page.count('class="approver"') == size
    assert page.count("Consults for Acme") == (size if declared else 0)
    with django_assert_num_queries(0):
        assert Client().get(url).text.count('class="approver"') == size


@pytest.mark.parametrize("size", [2, 5])
def test_cold_and_warm_page_queries_do_not_grow_with_audience_levels(
    size, editor, django_assert_num_queries
):
    AudienceLevel.objects.filter(slug="student").delete()
    for n in range(size - 2):
        AudienceLevel.objects.create(slug=f"extra-{n}", label=f"Extra {n}", order=10 + n)
    levels = list(AudienceLevel.objects.all())
    assert len(levels) == size
    revision = RevisionFactory(author=editor, canonical_body="Text for professional.")
    revision_edit(
        revision=revision,
        editor=editor,
        bodies={lv: f"Text for {lv.slug}." for lv in levels if not lv.is_canonical},
    )
    workflow.revision_submit(revision=revision, actor=editor)
    article = workflow.article_publish(revision=revision, actor=editor)
    url = article.get_absolute_url()
    for level in levels:
        # the first time: the levels, no stored page, the page's read, the page stored; then
        # (the article's token cached) the page's read, no page stored in it, and the page stored
        with django_assert_num_queries(4 if level == levels[0] else 2):
            assert f"Text for {level.slug}." in Client().get(url, {"audience": level.slug}).text
        with django_assert_num_queries(0):
            assert f"Text for {level.slug}." in Client().get(url, {"audience": level.slug}).text


# --- the cache: levels, readers, validators --------------------------------------------------


def test_cache_hits_serve_each_reader_their_level(editor, django_assert_num_queries):
    article = _publish(editor)
    url = article.get_absolute_url()
    patient_cookie, query, plain = Client(), Client(), Client()
    patient_cookie.cookies["audience"] = "patient"
    for round_ in range(2):
        # the levels; the first page: no stored page, the page's read, the page stored; the
        # others (the article's token cached): the page's read, the page stored
        with django_assert_num_queries(0 if round_ else 1 + 3 + 2 * 2):
            by_cookie = patient_cookie.get(url).text
            by_query = query.get(url, {"audience": "student"}).text
            canonical = plain.get(url).text
        assert PATIENT_TEXT in by_cookie
        assert PRO_TEXT not in by_cookie
        # No student version: the canonical text with the note, under the student's key.
        assert PRO_TEXT in by_query
        assert "no version for Medical student" in by_query
        assert PRO_TEXT in canonical
        assert "no version for" not in canonical
    # ?audience= wins over the cookie, an unknown one falls back to the cookie, from the cache.
    with django_assert_num_queries(0):
        assert PATIENT_TEXT in patient_cookie.get(url, {"audience": "nobody"}).text
        assert PRO_TEXT in patient_cookie.get(url, {"audience": "professional"}).text


def test_the_get_pickers_choice_is_remembered_from_the_cache_without_a_query(
    editor, django_assert_num_queries
):
    article = _publish(editor)
    url = article.get_absolute_url()
    for level in ("student", "patient", None):  # every page cached
        Client().get(url, {"audience": level} if level else {})
    reader = Client()

    with django_assert_num_queries(0):
        chosen = reader.get(url, {"audience": "student"})
        later = reader.get(url)
        again = reader.get(url, {"audience": "student"})
        unknown = Client().get(url, {"audience": "nobody"})
        switched = reader.get(url, {"audience": "patient"})

    # No student version: the canonical text with the note, at the student's level.
    assert "no version for Medical student" in chosen.text
    assert chosen.cookies["audience"].value == "student"
    assert later.content == chosen.content
    assert "audience" not in later.cookies
    assert "audience" not in again.cookies  # the cookie already says so
    assert "audience" not in unknown.cookies
    assert "no version for" not in unknown.text
    assert PRO_TEXT in unknown.text
    assert PATIENT_TEXT in switched.text
    assert switched.cookies["audience"].value == "patient"
    assert PATIENT_TEXT in reader.get(url).text


def test_the_get_pickers_choice_is_remembered_when_the_page_is_built(editor):
    article = _publish(editor)
    url = article.get_absolute_url()
    reader = Client()

    chosen = reader.get(url, {"audience": "patient"})  # not cached yet

    assert PATIENT_TEXT in chosen.text
    assert chosen.cookies["audience"].value == "patient"
    assert PATIENT_TEXT in reader.get(url).text


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"if-none-match": "{etag}"}, 304),
        ({"if-none-match": "W/{etag}"}, 304),  # weak comparison
        ({"if-none-match": '"other", {etag}'}, 304),
        ({"if-none-match": "*"}, 304),
        ({"if-none-match": '"other"'}, 200),
        ({"if-modified-since": "{last_modified}"}, 304),
        ({"if-modified-since": "Thu, 01 Jan 2015 00:00:00 GMT"}, 200),
        # If-None-Match decides when present
        ({"if-none-match": '"other"', "if-modified-since": "{last_modified}"}, 200),
        ({"if-match": '"other"', "if-none-match": "{etag}"}, 412),
        ({"if-unmodified-since": "Thu, 01 Jan 2015 00:00:00 GMT", "if-none-match": "{etag}"}, 412),
        ({"if-match": "{etag}", "if-none-match": "{etag}"}, 304),
    ],
)
def test_conditional_requests_follow_rfc_9110_from_the_cache(
    headers, status, client, editor, django_assert_num_queries
):
    url = _publish(editor).get_absolute_url()
    first = client.get(url)
    values = {"etag": first["ETag"], "last_modified": first["Last-Modified"]}
    sent = {name: value.format(**values) for name, value in headers.items()}
    with django_assert_num_queries(0):
        response = Client().get(url, headers=sent)
    assert response.status_code == status
    if status != 412:
        assert response["ETag"] == first["ETag"]
        assert response["Vary"] == "Cookie"
    assert (PRO_TEXT in response.text) == (status == 200)


def test_anonymous_warm_hit_and_304_make_no_query(client, editor, django_assert_num_queries):
    article = _publish(editor)
    url = article.get_absolute_url()
    client.get(url)  # fills the cache
    with django_assert_num_queries(0):
        first = client.get(url)
        again = client.get(url, headers={"if-none-match": first["ETag"]})
        since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert first.status_code == 200
    assert "Cookie" in first["Vary"]
    assert (again.status_code, again.content) == (304, b"")
    assert since.status_code == 304


def test_the_anonymous_page_is_the_same_bytes_for_every_reader(editor, django_assert_num_queries):
    article = _publish(editor)
    url = article.get_absolute_url()
    first = Client(enforce_csrf_checks=True).get(url)
    returning = Client(enforce_csrf_checks=True)
    # A CSRF cookie from the question frame or an older visit: get_token would renew it.
    returning.cookies["csrftoken"] = "a" * 32
    returning.cookies["unrelated"] = "1"
    with django_assert_num_queries(0):  # served from the cache
        second = returning.get(url)
        third = Client().get(url)

    assert first.content == second.content == third.content
    assert first["ETag"] == second["ETag"] == third["ETag"]
    for response in (first, second, third):
        assert "csrfmiddlewaretoken" not in response.text
        assert "csrftoken" not in response.cookies
        assert "Set-Cookie" not in response.headers
        assert "Cookie" in response["Vary"]  # the audience cookie still changes the page
    assert returning.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_each_reader_gets_their_own_working_csrf_token_in_the_question_frame(editor):
    article = _publish(editor)
    frame = reverse("articles:question_ask", kwargs={"slug": article.slug})
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    assert f'src="{frame}?audience=professional"' in first.get(article.get_absolute_url()).text
    first_token = TOKEN.findall(first.get(frame).text)[0]
    second_token = TOKEN.findall(second.get(frame).text)[0]

    assert first_token != second_token
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    question = "Can I run while it heals?"
    assert (
        first.post(frame, {"csrfmiddlewaretoken": first_token, "question": question}).status_code
        == 302
    )
    assert (
        second.post(frame, {"csrfmiddlewaretoken": second_token, "question": question}).status_code
        == 302
    )
    # One reader's token does not work with another's cookie.
    assert (
        first.post(frame, {"csrfmiddlewaretoken": second_token, "question": question}).status_code
        == 403
    )
    assert FollowUpQuestion.objects.count() == 2


def test_a_logged_in_readers_name_never_reaches_the_cached_page(editor, reviewer):
    article = _publish(editor)
    url = article.get_absolute_url()
    member = Client()
    member.force_login(reviewer)
    anonymous = Client()

    assert "(rhea)" in member.get(url).text
    anonymous_html = anonymous.get(url).text
    assert "(rhea)" in member.get(url).text  # a logged-in reader is never served the cache
    assert "rhea" not in anonymous_html
    assert "Log in" in anonymous_html
    assert "rhea" not in Client().get(url).text


# --- invalidation ----------------------------------------------------------------------------
# Each change is checked twice: with the cache as it was, and with the cache lost meanwhile
# (restarted, flushed), when the page would come from its stored copy.

CACHE_LOST = pytest.mark.parametrize("cache_lost", [False, True], ids=["cache", "cache-lost"])


def _maybe_lose_cache(cache_lost: bool) -> None:
    if cache_lost:
        cache.clear()
        local_pages_clear()


@CACHE_LOST
def test_publishing_a_new_revision_changes_the_page_at_once(
    cache_lost, client, editor, django_capture_on_commit_callbacks
):
    article = _publish(editor, patient=None)
    url = article.get_absolute_url()
    client.get(url)
    etag = client.get(url)["ETag"]
    newer = revision_create_draft(article=article, author=editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(revision=newer, editor=editor, bodies={canonical: "The newer text."})
    workflow.revision_submit(revision=newer, actor=editor)
    assert PRO_TEXT in client.get(url).text  # submitted, not published: the same page

    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(revision=newer, actor=editor)

    _maybe_lose_cache(cache_lost)
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "The newer text." in response.text
    assert PRO_TEXT not in response.text


@CACHE_LOST
def test_unpublishing_removes_the_page_at_once(
    cache_lost, client, editor, django_capture_on_commit_callbacks
):
    article = _publish(editor)
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url, {"audience": "patient"}).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_unpublish(article=article, actor=editor)

    _maybe_lose_cache(cache_lost)
    assert client.get(url).status_code == 404
    assert client.get(url, {"audience": "patient"}).status_code == 404


def test_unpublishing_needs_a_published_article_and_an_editor(editor, reviewer, draft):
    with pytest.raises(workflow.TransitionNotAllowed, match=workflow.NOT_PUBLISHED) as refused:
        workflow.article_unpublish(article=draft.article, actor=editor)
    assert (refused.value.status, refused.value.allowed) == ("draft", ["submit"])
    article = _publish(editor)
    with pytest.raises(workflow.ActionForbidden):
        workflow.article_unpublish(article=article, actor=reviewer)


@CACHE_LOST
def test_approval_changes_the_cached_page_at_once(
    cache_lost,
    client,
    editor,
    draft,
    reviewer,
    second_reviewer,
    reach,
    django_capture_on_commit_callbacks,
):
    revision = reach(
        draft, ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    article = workflow.article_publish(revision=revision, actor=editor)
    url = article.get_absolute_url()
    assert "Medically reviewed by" not in client.get(url).text

    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_approve(revision=revision, actor=second_reviewer)

    _maybe_lose_cache(cache_lost)
    html = client.get(url).text
    assert "Medically reviewed by" in html
    assert "Next review due" in html


@CACHE_LOST
def test_cached_page_is_not_served_from_the_review_due_date_on(
    cache_lost, client, editor, reviewer, second_reviewer, reach, monkeypatch
):
    revision = RevisionFactory(author=editor, canonical_body=PRO_TEXT)
    reach(revision, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer, second_reviewer])
    article = workflow.article_publish(revision=revision, actor=editor)
    url = article.get_absolute_url()
    assert "Review overdue" not in client.get(url).text

    due = months_later(timezone.now(), article.review_interval_months)
    monkeypatch.setattr(timezone, "now", lambda: due + timedelta(hours=1))

    _maybe_lose_cache(cache_lost)
    assert "Review overdue" in client.get(url).text


@CACHE_LOST
def test_an_article_edit_through_the_api_changes_the_page_at_once(
    cache_lost, client, editor, django_capture_on_commit_callbacks
):
    article = _publish(editor)
    url = article.get_absolute_url()
    client.get(url)
    api = APIClient()
    api.force_authenticate(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"/api/v1/articles/{article.pk}/", {"title": "A clearer title?"})

    assert response.status_code == 200
    _maybe_lose_cache(cache_lost)
    assert "<h1>A clearer title?</h1>" in client.get(url).text


@CACHE_LOST
def test_changing_an_audience_level_in_the_admin_changes_every_page(
    cache_lost, client, admin_client, editor, django_capture_on_commit_callbacks
):
    article = _publish(editor)
    url = article.get_absolute_url()
    assert "Patient or caregiver" in client.get(url).text
    patient = _levels()["patient"]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:articles_audiencelevel_change", args=[patient.pk]),
            {
                "label": "Patient or family",
                "slug": "patient",
                "description": patient.description,
                "order": patient.order,
                "target_grade": patient.target_grade or "",
                "disclaimer": patient.disclaimer,
            },
        )

    assert response.status_code == 302
    _maybe_lose_cache(cache_lost)
    assert "Patient or family" in client.get(url).text


def _invalidated_elsewhere(client, editor):  # type: ignore[no-untyped-def]
    article = _publish(editor)
    url = article.get_absolute_url()
    client.get(url)  # stored in the shared cache
    client.get(url)  # read from it, and kept by this process for a moment
    # What an invalidation in another web process does to the database and the shared cache:
    Article.objects.filter(pk=article.pk).update(page_version=F("page_version") + 1)
    cache.delete(POINTER_KEY.format(slug=article.slug))
    return url


def test_each_process_keeps_its_own_copy_only_for_a_moment(
    client, editor, settings, django_assert_num_queries
):
    settings.IMPRIMATUR_PAGE_LOCAL_SECONDS = 0.3
    url = _invalidated_elsewhere(client, editor)
    with django_assert_num_queries(0):
        assert PRO_TEXT in client.get(url).text
    time.sleep(0.3)
    with django_assert_num_queries(3):  # no stored page, the page's read, the page stored
        assert PRO_TEXT in client.get(url).text


def test_without_a_process_copy_an_invalidation_elsewhere_shows_at_once(
    client, editor, settings, django_assert_num_queries
):
    settings.IMPRIMATUR_PAGE_LOCAL_SECONDS = 0
    url = _invalidated_elsewhere(client, editor)
    with django_assert_num_queries(3):  # no stored page, the page's read, the page stored
        assert PRO_TEXT in client.get(url).text


# --- the stored pages ------------------------------------------------------------------------


def _lose_page_entries(article) -> None:  # type: ignore[no-untyped-def]
    """What the cache's expiry or eviction does to one article's pages (the levels stay)."""
    cache.delete(POINTER_KEY.format(slug=article.slug))
    local_pages_clear()


@pytest.mark.parametrize("size", [3, 60])
def test_a_page_the_cache_lost_comes_back_from_its_stored_copy_in_one_query(
    size, client, editor, django_assert_num_queries
):
    article = _publish_citing(editor, size)
    url = article.get_absolute_url()
    first = client.get(url)
    _lose_page_entries(article)

    with django_assert_num_queries(1):  # the stored page, checked against the article
        again = Client().get(url)
    assert again.text.count('<li id="ref-') == size
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    with django_assert_num_queries(0):  # and this process keeps it for a moment
        assert Client().get(url).text.count('<li id="ref-') == size

    cache.clear()  # the whole cache lost: the levels are read again
    local_pages_clear()
    with django_assert_num_queries(2):
        assert Client().get(url)["ETag"] == first["ETag"]


def test_each_level_and_origin_has_its_own_stored_page(client, editor, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    article = _publish(editor)
    url = article.get_absolute_url()
    client.get(url)
    client.get(url, {"audience": "patient"})
    client.get(url, {"audience": "nobody"})  # unknown: the canonical page
    Client().get(url, headers={"host": "other.example"})
    stored = StoredPage.objects.filter(article=article)
    assert sorted(stored.values_list("origin", "audience")) == [
        ("http://other.example/", ""),
        ("http://testserver/", ""),
        ("http://testserver/", "patient"),
    ]
    assert PATIENT_TEXT in stored.get(audience="patient").html
    assert "http://other.example/articles/" in stored.get(origin="http://other.example/").html

    cache.clear()
    local_pages_clear()
    patient = Client()
    patient.cookies["audience"] = "patient"
    assert PATIENT_TEXT in patient.get(url).text
    assert PRO_TEXT in Client().get(url).text
    assert "http://testserver/articles/" in Client().get(url).text


def test_a_page_stored_by_other_code_is_built_again(client, editor, django_assert_num_queries):
    article = _publish(editor)
    url = article.get_absolute_url()
    client.get(url)
    StoredPage.objects.update(build="an earlier deployment", html="<p>Old page</p>")
    _lose_page_entries(article)

    # no valid stored page, the page's read, the page stored
    with django_assert_num_queries(3):
        assert PRO_TEXT in Client().get(url).text
    assert StoredPage.objects.get().build == code_build()


def test_a_stored_page_is_not_served_from_the_review_due_date_on(client, editor):
    article = _publish(editor)
    url = article.get_absolute_url()
    client.get(url)
    StoredPage.objects.update(stale_from=timezone.localdate(), html="<p>Old page</p>")
    _lose_page_entries(article)

    assert PRO_TEXT in Client().get(url).text


def test_a_stored_page_due_for_review_is_built_again_under_the_articles_cached_token(
    client, editor, django_assert_num_queries
):
    article = _publish(editor)
    url = article.get_absolute_url()
    client.get(url)
    StoredPage.objects.update(stale_from=timezone.localdate(), html="<p>Old page</p>")
    cache.delete(LEVELS_KEY)  # the page's entry retired, the article's token still cached
    local_pages_clear()

    # the levels, the page's read (it finds the stored page, due), the article read without
    # it, the page stored
    with django_assert_num_queries(4):
        assert PRO_TEXT in Client().get(url).text
    assert PRO_TEXT in StoredPage.objects.get().html


def test_the_code_build_changes_with_a_template(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>One</p>")
    settings.BASE_DIR = tmp_path
    code_build.cache_clear()
    try:
        first = code_build()
        page.write_text("<p>Two</p>")
        code_build.cache_clear()
        assert code_build() != first
    finally:
        code_build.cache_clear()


def test_a_page_goes_into_the_shared_cache_without_what_a_process_worked_out(client, editor):
    article = _publish(editor)
    client.get(article.get_absolute_url())
    page = StoredPage.objects.get()
    cached = CachedPage(
        html=page.html,
        etag=page.etag,
        audience="professional",
        last_modified=page.last_modified,
        stale_from=page.stale_from,
        levels_token="levels",
        pointer_token="pointer",
    )
    assert cached.content == page.html.encode()
    assert cached.validators.etag == f'"{page.etag}"'
    kept = pickle.loads(pickle.dumps(cached))  # noqa: S301 (our own object)
    assert kept == cached
    assert "content" not in vars(kept)
    assert "validators" not in vars(kept)


def test_a_stored_page_is_kept_by_the_process_not_copied_into_the_shared_cache(
    client, editor, settings, django_assert_num_queries
):
    article = _publish(editor)
    url = article.get_absolute_url()
    client.get(url)
    _lose_page_entries(article)
    assert PRO_TEXT in Client().get(url).text  # from the stored page
    assert cache.get(POINTER_KEY.format(slug=article.slug)) is None

    settings.IMPRIMATUR_PAGE_LOCAL_SECONDS = 0
    with django_assert_num_queries(1):  # no process copy: the stored page again
        assert PRO_TEXT in Client().get(url).text
