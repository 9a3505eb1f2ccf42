"""The article page's review facts, the advisory board, the policy page and machine-readable
parts of the public site. States are reached through editorial.workflow and editorial.review."""

import json
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from articles.forms import QUESTION_TOO_SHORT
from articles.models import (
    Article,
    AudienceLevel,
    FollowUpQuestion,
    ReviewStatus,
    Revision,
    SitePage,
)
from articles.selectors import months_later
from articles.services import article_details_update, revision_edit
from editorial import review, workflow
from editorial.models import BoardProfile, User
from tests.factories import BoardMemberFactory, ReferenceFactory, RevisionFactory

ACTIVE_LINK = re.compile(r'<a\s[^>]*href="(javascript|data):', re.I)
XSS = '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>'


def _approved_article(editor: User, reviewers: list[User], reach) -> Article:  # type: ignore[no-untyped-def]
    revision = RevisionFactory(author=editor, last_edited_by=editor)
    revision = reach(revision, ReviewStatus.APPROVED, editor=editor, reviewers=reviewers)
    return workflow.article_publish(revision=revision, actor=editor)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


# --- review dates and reviewers --------------------------------------------------------------


def test_approved_article_shows_last_reviewed_next_due_and_reviewers(
    client, editor, reviewer, second_reviewer, reach
):
    BoardProfile.objects.filter(user=reviewer).update(
        credentials="MD, FACP", specialty="Cardiology"
    )
    article = _approved_article(editor, [reviewer, second_reviewer], reach)
    revision = Revision.objects.get(pk=article.published_revision_id)
    due = months_later(revision.approved_at.date(), article.review_interval_months)

    html = client.get(article.get_absolute_url()).text
    text = _text(html)

    assert f"Last reviewed {revision.approved_at:%B %-d, %Y}" in text
    assert f'datetime="{revision.approved_at.isoformat()}"' in html
    assert f"Next review due {due:%B %-d, %Y}" in text
    assert f'datetime="{due.isoformat()}"' in html
    assert "Review overdue" not in html
    assert "Medically reviewed by" in html
    assert (
        f"Rhea Reviewer, MD, FACP · Cardiology · approved {revision.approved_at:%B %-d, %Y}" in text
    )
    assert "Ravi Second, MD · Internal medicine" in text
    assert "Disclosure:" not in html


def test_review_is_overdue_from_the_due_date_on(client, editor, reviewer, second_reviewer, reach):
    article = _approved_article(editor, [reviewer, second_reviewer], reach)
    # An interval of zero months makes today the due date.
    Article.objects.filter(pk=article.pk).update(review_interval_months=0)

    html = client.get(article.get_absolute_url()).text

    assert "Review overdue" in html


def test_under_review_article_has_no_review_dates_or_reviewers(
    client, editor, draft, reviewer, second_reviewer, reach
):
    revision = reach(
        draft, ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    article = workflow.article_publish(revision=revision, actor=editor)

    html = client.get(article.get_absolute_url()).text

    assert "Next review due" not in html
    assert "Review overdue" not in html
    assert "Medically reviewed by" not in html
    # The first reviewer has approved already, but the revision is not approved.
    assert "Rhea Reviewer" not in html
    assert "Not yet reviewed" in html


def test_reviewer_disclosure_is_shown_with_their_name(client, editor, draft, reviewer, settings):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    workflow.revision_submit(revision=draft, actor=editor)
    assignment = workflow.revision_assign_reviewer(revision=draft, actor=editor, reviewer=reviewer)
    review.assignment_accept(assignment=assignment, actor=reviewer)
    review.interests_declare(
        assignment=assignment,
        actor=reviewer,
        none=False,
        interests=[review.Interest("financial", "Speaker fees from <b>Acme</b> Pharma")],
    )
    workflow.revision_approve(revision=draft, actor=reviewer)
    article = workflow.article_publish(revision=draft, actor=editor)

    html = client.get(article.get_absolute_url()).text

    assert "Disclosure: Financial: Speaker fees from &lt;b&gt;Acme&lt;/b&gt; Pharma" in html


def test_board_banner_links_to_the_board_page(client, editor, reviewer, second_reviewer, reach):
    article = _approved_article(editor, [reviewer, second_reviewer], reach)
    html = client.get(article.get_absolute_url()).text
    assert '<a href="/advisory-board/"><strong>Medical Advisory Board</strong></a>' in html


@pytest.mark.parametrize("size", [2, 5])
def test_article_page_query_count_does_not_grow_with_reviewers(
    size, client, editor, settings, reach, django_assert_num_queries
):
    settings.IMPRIMATUR_MIN_APPROVALS = size
    reviewers = [BoardMemberFactory() for _ in range(size)]
    article = _approved_article(editor, reviewers, reach)
    # the levels, no stored page, the page's read (the article with its revisions, the levels
    # with the bodies, the approvals; none declared an interest: no query for interests, see
    # test_public_fast), the page stored
    with django_assert_num_queries(4):
        response = client.get(article.get_absolute_url())
    assert response.text.count('class="approver"') == size


def test_months_later_keeps_the_day_or_takes_the_month_end():
    assert months_later(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_later(date(2026, 11, 15), 24) == date(2028, 11, 15)
    assert months_later(date(2026, 11, 15), 2) == date(2027, 1, 15)


# --- advisory board --------------------------------------------------------------------------


def test_advisory_board_lists_only_listed_members(client, reviewer, second_reviewer):
    BoardProfile.objects.filter(user=reviewer).update(
        credentials="MD, PhD", specialty="Sports medicine", bio="Twenty years in clinics."
    )
    BoardProfile.objects.filter(user=second_reviewer).update(is_listed=False)

    response = client.get("/advisory-board/")
    text = _text(response.text)

    assert response.status_code == 200
    assert "Rhea Reviewer, MD, PhD" in text
    assert "Sports medicine" in text
    assert "Twenty years in clinics." in text
    assert "Ravi Second" not in text


def test_advisory_board_bio_payloads_are_inert(client, reviewer):
    BoardProfile.objects.filter(user=reviewer).update(bio=XSS)
    html = client.get("/advisory-board/").text
    assert "<script>alert" not in html
    assert "<img" not in html
    assert not ACTIVE_LINK.search(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- editorial policy ------------------------------------------------------------------------


def test_built_in_policy_states_interval_conflicts_and_corrections(client, db):
    text = _text(client.get("/editorial-policy/").text)
    assert "due for a new review 24 months after its approval" in text
    assert "Conflicts of interest" in text
    assert "Corrections" in text


def test_policy_page_shows_the_administrators_text_instead(client, db):
    SitePage.objects.create(
        slug=SitePage.EDITORIAL_POLICY,
        title="Our editorial standards",
        body="# Review\n\nWe review **every** article every 12 months.",
    )
    html = client.get("/editorial-policy/").text
    assert "<h1>Our editorial standards</h1>" in html
    assert "<h2>Review</h2>" in html
    assert "<strong>every</strong> article every 12 months" in html
    assert "Written for different readers" not in html


def test_policy_text_payloads_are_inert(client, db):
    SitePage.objects.create(
        slug=SitePage.EDITORIAL_POLICY,
        title="Policy <script>alert(1)</script>",
        body=XSS + "\n\n[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)",
    )
    html = client.get("/editorial-policy/").text
    assert "<script>alert" not in html
    assert "<img" not in html
    assert not ACTIVE_LINK.search(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_administrators_edit_the_policy_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/articles/sitepage/add/",
        {"slug": SitePage.EDITORIAL_POLICY, "title": "Policy", "body": "Reviewed yearly."},
    )
    assert response.status_code == 302
    assert "Reviewed yearly." in admin_client.get("/editorial-policy/").text


# --- for machines ----------------------------------------------------------------------------


def _json_ld(html: str) -> dict:  # type: ignore[type-arg]
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_json_ld_of_an_approved_article(client, editor, reviewer, second_reviewer, reach):
    BoardProfile.objects.filter(user=reviewer).update(
        credentials="MD, FACP", specialty="Cardiology"
    )
    revision = RevisionFactory(author=editor, last_edited_by=editor)
    key = ReferenceFactory(title="Eccentric loading trial", year=2019).key
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(revision=revision, editor=editor, bodies={canonical: f"Load it [@{key}]."})
    revision = reach(
        revision, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    article = workflow.article_publish(revision=revision, actor=editor)

    data = _json_ld(client.get(article.get_absolute_url(), {"audience": "patient"}).text)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["url"] == f"http://testserver{article.get_absolute_url()}"
    assert data["name"] == article.title
    assert data["lastReviewed"] == revision.approved_at.date().isoformat()
    assert data["dateModified"].startswith(article.published_at.isoformat()[:19])
    assert data["audience"] == {"@type": "MedicalAudience", "name": canonical.label}
    assert [person["name"] for person in data["reviewedBy"]] == ["Rhea Reviewer", "Ravi Second"]
    assert data["reviewedBy"][0]["honorificSuffix"] == "MD, FACP"
    assert data["reviewedBy"][0]["knowsAbout"] == "Cardiology"
    assert data["citation"] == [
        {
            "@type": "CreativeWork",
            "name": "Eccentric loading trial",
            "isPartOf": "Am J Sports Med",
            "datePublished": "2019",
        }
    ]


def test_json_ld_of_an_article_under_review_has_no_review(client, editor, draft, reviewer, reach):
    revision = reach(draft, ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer])
    article = workflow.article_publish(revision=revision, actor=editor)
    data = _json_ld(client.get(article.get_absolute_url()).text)
    assert "lastReviewed" not in data
    assert "reviewedBy" not in data
    assert data["citation"] == []


def test_json_ld_cannot_break_out_of_its_script_element(client, editor):
    revision = RevisionFactory(author=editor)
    Article.objects.filter(pk=revision.article_id).update(
        title="</script><script>alert(1)</script> & <!--"
    )
    workflow.revision_submit(revision=revision, actor=editor)
    article = workflow.article_publish(revision=revision, actor=editor)

    html = client.get(article.get_absolute_url()).text

    assert "<script>alert(1)" not in html
    assert _json_ld(html)["name"] == "</script><script>alert(1)</script> & <!--"


def test_canonical_url_and_open_graph_ignore_the_audience(client, editor):
    revision = RevisionFactory(author=editor, canonical_body="Rest and **graded** loading help.")
    workflow.revision_submit(revision=revision, actor=editor)
    article = workflow.article_publish(revision=revision, actor=editor)
    url = f"http://testserver{article.get_absolute_url()}"

    html = client.get(article.get_absolute_url(), {"audience": "patient"}).text

    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="og:title" content="{article.title}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:description" content="Rest and graded loading help.">' in html


def test_robots_txt_keeps_crawlers_out_of_the_workspace_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/plain")
    assert lines[0] == "User-agent: *"
    assert "Disallow: /editorial/" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /api/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# --- conditional GET -------------------------------------------------------------------------


def _published_submitted(editor: User) -> Article:
    revision = RevisionFactory(author=editor)
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def test_article_page_answers_304_to_a_matching_etag(client, editor, django_assert_num_queries):
    article = _published_submitted(editor)
    url = article.get_absolute_url()
    client.get(url)  # fills the cache
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]

    # the ETag comes from the cached page: no query at all
    with django_assert_num_queries(0):
        again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""


def test_article_page_answers_304_to_if_modified_since(client, editor):
    article = _published_submitted(editor)
    url = article.get_absolute_url()
    first = client.get(url)
    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304


def test_etag_differs_by_audience_and_gives_no_other_levels_page(client, editor):
    article = _published_submitted(editor)
    url = article.get_absolute_url()
    client.get(url)
    canonical_tag = client.get(url)["ETag"]

    patient = client.get(url, {"audience": "patient"}, headers={"if-none-match": canonical_tag})

    assert patient.status_code == 200
    assert patient["ETag"] != canonical_tag


def test_etag_changes_when_the_published_revision_is_approved(
    client, editor, draft, reviewer, second_reviewer, reach, django_capture_on_commit_callbacks
):
    revision = reach(
        draft, ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    article = workflow.article_publish(revision=revision, actor=editor)
    url = article.get_absolute_url()
    client.get(url)
    before = client.get(url)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_approve(revision=revision, actor=second_reviewer)
    after = client.get(url, headers={"if-none-match": before})

    assert after.status_code == 200
    assert "Medically reviewed by" in after.text
    assert after["ETag"] != before


def test_etag_changes_when_the_review_becomes_overdue(
    client, editor, reviewer, second_reviewer, reach, django_capture_on_commit_callbacks
):
    article = _approved_article(editor, [reviewer, second_reviewer], reach)
    url = article.get_absolute_url()
    client.get(url)
    before = client.get(url)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):  # the page is cached: invalidated
        article_details_update(article=article, changes={"review_interval_months": 0})
    after = client.get(url, headers={"if-none-match": before})

    assert after.status_code == 200
    assert "Review overdue" in after.text


def test_unknown_article_is_still_not_found_with_a_conditional_request(client, db):
    response = client.get("/articles/no-such/", headers={"if-none-match": '"x"'})
    assert response.status_code == 404


# --- follow-up questions ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    # The rate limit counts in the cache, which outlives a test.
    cache.clear()


def _frame_url(article: Article) -> str:
    return reverse("articles:question_ask", kwargs={"slug": article.slug})


def _ask(client, article: Article, **data: str):  # type: ignore[no-untyped-def]
    return client.post(_frame_url(article), data)


def _policy(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_article_page_frames_the_follow_up_form_and_carries_no_token(client, editor):
    article = _published_submitted(editor)
    html = client.get(article.get_absolute_url(), {"audience": "patient"}).text
    assert "Have a follow-up question?" in html
    # The served level: no patient version here, so the canonical one.
    assert (
        '<iframe class="follow-up-frame" loading="lazy" title="Ask a follow-up question" '
        f'src="{_frame_url(article)}?audience=professional"></iframe>'
    ) in html
    assert "csrfmiddlewaretoken" not in html
    assert 'class="question-form"' not in html


def test_question_frame_has_the_form_and_only_our_origin_may_frame_it(client, editor):
    article = _published_submitted(editor)

    frame = client.get(_frame_url(article), {"audience": "patient"})
    page = client.get(article.get_absolute_url())

    assert frame.status_code == 200
    assert f'<form method="post" action="{_frame_url(article)}"' in frame.text
    assert 'name="csrfmiddlewaretoken"' in frame.text
    assert '<input type="hidden" name="audience" value="patient">' in frame.text
    assert 'maxlength="2000"' in frame.text
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert _policy(frame)["frame-ancestors"] == ["'self'"]
    assert "no-store" in frame["Cache-Control"]  # it holds the reader's token
    # Everything else keeps refusing every frame, and may frame our own documents only.
    for response in (page, client.get("/")):
        assert response["X-Frame-Options"] == "DENY"
        assert _policy(response)["frame-ancestors"] == ["'none'"]
    assert _policy(page)["frame-src"] == ["'self'"]


def test_question_frame_is_a_usable_page_of_its_own(client, editor):
    article = _published_submitted(editor)
    html = client.get(_frame_url(article)).text
    assert '<html lang="en">' in html
    assert re.search(r"<title>Ask a follow-up question about .+ · Imprimatur</title>", html)
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["Ask a follow-up question"]
    assert f'<a href="{article.get_absolute_url()}" target="_top">' in html
    assert "/static/css/site.css" in html
    assert "site-header" not in html
    assert "site-footer" not in html


def test_question_frame_needs_a_published_article(client, draft):
    assert client.get(_frame_url(draft.article)).status_code == 404
    assert client.put(f"/articles/{draft.article.slug}/questions/").status_code == 405


def test_question_is_stored_with_article_and_audience_and_thanked(client, editor):
    article = _published_submitted(editor)

    response = _ask(
        client,
        article,
        question="Can I run while it heals?",
        email="a@example.org",
        audience="patient",
    )

    assert response.status_code == 302
    assert response["Location"] == f"{_frame_url(article)}thanks/"
    thanks = client.get(response["Location"])
    assert "Thank you for your question" in thanks.text
    # Framed like the form; the links that leave the frame take the whole window.
    assert thanks["X-Frame-Options"] == "SAMEORIGIN"
    assert _policy(thanks)["frame-ancestors"] == ["'self'"]
    assert f'<a href="{article.get_absolute_url()}" target="_top">Back to the article</a>' in (
        thanks.text
    )
    assert "site-header" not in thanks.text
    stored = FollowUpQuestion.objects.get()
    assert stored.article == article
    assert stored.revision_id == article.published_revision_id
    assert stored.audience.slug == "patient"
    assert stored.question == "Can I run while it heals?"
    assert stored.state == FollowUpQuestion.State.NEW


@pytest.mark.parametrize(
    ("question", "message"),
    [("Why?", QUESTION_TOO_SHORT), ("x" * 2001, "at most 2000 characters")],
)
def test_question_too_short_or_too_long_is_refused(client, editor, question, message):
    article = _published_submitted(editor)
    response = _ask(client, article, question=question, audience="patient")
    assert response.status_code == 400
    assert message in response.text
    assert f">\n{question}</textarea>" in response.text  # the reader's text is kept
    assert '<input type="hidden" name="audience" value="patient">' in response.text
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert not FollowUpQuestion.objects.exists()


def test_question_needs_the_csrf_token(editor):
    article = _published_submitted(editor)
    response = _ask(Client(enforce_csrf_checks=True), article, question="Can I run while it heals?")
    assert response.status_code == 403
    assert not FollowUpQuestion.objects.exists()


def test_questions_are_rate_limited_per_client(client, editor, settings):
    settings.IMPRIMATUR_RATES = settings.IMPRIMATUR_RATES | {"questions-client": "5/h"}
    article = _published_submitted(editor)
    for n in range(5):
        assert _ask(client, article, question=f"Question number {n}?").status_code == 302

    refused = _ask(client, article, question="One question too many?")
    other = Client(REMOTE_ADDR="192.0.2.7")

    assert refused.status_code == 429
    assert "Too many attempts in a short time: please wait an hour and try again." in refused.text
    assert ">\nOne question too many?</textarea>" in refused.text
    assert refused["X-Frame-Options"] == "SAMEORIGIN"
    assert FollowUpQuestion.objects.count() == 5
    assert _ask(other, article, question="Someone else's question?").status_code == 302


def test_a_question_sent_again_is_not_counted_against_the_rate(client, editor, settings):
    """A double tap or a retry of one form asks nothing new: the reader is answered as the
    first time, not told to wait an hour, and their next question is still theirs to ask."""
    settings.IMPRIMATUR_RATES = settings.IMPRIMATUR_RATES | {"questions-client": "2/h"}
    article = _published_submitted(editor)
    first = {"question": "Can I run while it heals?", "idempotency_key": "form-one-00000001"}

    sent = [_ask(client, article, **first) for _ in range(3)]
    second = _ask(client, article, question="May I swim now?", idempotency_key="form-two-00000002")
    third = _ask(client, article, question="May I cycle now?", idempotency_key="form-three-000003")

    assert [(answer.status_code, answer["Location"]) for answer in sent] == [
        (302, sent[0]["Location"])
    ] * 3
    assert second.status_code == 302
    assert third.status_code == 429
    assert list(FollowUpQuestion.objects.order_by("pk").values_list("question", flat=True)) == [
        "Can I run while it heals?",
        "May I swim now?",
    ]


def test_question_payloads_are_inert_on_the_form_page(client, editor):
    article = _published_submitted(editor)
    response = _ask(client, article, question="<script>alert(1)</script>", email="<img src=x>")
    assert response.status_code == 400
    assert "<script>alert" not in response.text
    assert "<img src=x>" not in response.text


@pytest.mark.parametrize(
    "path",
    ["/", "/robots.txt", "/healthz", "/editorial-policy/", "/advisory-board/", "/feeds/updates/"],
)
def test_public_pages_answer_head_as_crawlers_and_link_checkers_send_it(client, db, path):
    """HEAD is GET without the body (RFC 9110); a 405 would read as a broken link."""
    got = client.get(path)
    head = client.head(path)
    assert (got.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]
