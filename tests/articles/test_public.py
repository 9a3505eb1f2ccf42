"""The public site: the list, one published article, the probe, the CSP and Markdown."""

import re

import pytest
from django.urls import reverse

from articles.markdown import markdown_to_html
from articles.models import Article, AudienceLevel, ReviewStatus
from articles.public.article_page import review_track
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from tests.factories import ArticleFactory, RevisionFactory

CAUTION = "Exercise caution: this content is pending review by our advisory board"
BOARD_BANNER = "All articles are reviewed by our Medical Advisory Board"


def _publish_submitted(editor, body: str = "Rest and graded loading help.") -> Article:
    revision = RevisionFactory(author=editor, canonical_body=body)
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def _current_step(html: str) -> list[str]:
    return re.findall(r'aria-current="step"[^>]*>.*?class="step-label">([^<]+)<', html, re.S)


# --- probe -----------------------------------------------------------------------------------


def test_healthz_answers_ok_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("articles:healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_is_at_the_documented_path(client, db):
    assert client.get("/healthz").status_code == 200


# --- list ------------------------------------------------------------------------------------


def test_home_lists_only_published_articles(client, editor):
    published = _publish_submitted(editor)
    hidden = RevisionFactory(author=editor).article

    response = client.get(reverse("articles:home"))

    assert response.status_code == 200
    assert published.title in response.text
    assert published.get_absolute_url() in response.text
    assert hidden.title not in response.text


# Search, topics and the home page's query counts: tests/articles/test_search.py.


# --- one article -----------------------------------------------------------------------------


def test_unpublished_article_is_not_found(client, draft):
    response = client.get(reverse("articles:detail", kwargs={"slug": draft.article.slug}))
    assert response.status_code == 404


def test_unknown_article_is_not_found(client, db):
    assert client.get(reverse("articles:detail", kwargs={"slug": "no-such"})).status_code == 404


def test_article_page_shows_the_published_revision_not_a_newer_draft(client, editor, draft):
    revision_edit(
        revision=draft,
        editor=editor,
        bodies={AudienceLevel.objects.get(is_canonical=True): "Published **text** here."},
    )
    workflow.revision_submit(revision=draft, actor=editor)
    article = workflow.article_publish(revision=draft, actor=editor)
    newer = revision_create_draft(article=article, author=editor)
    revision_edit(
        revision=newer,
        editor=editor,
        bodies={AudienceLevel.objects.get(is_canonical=True): "Unreviewed newer draft."},
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Published <strong>text</strong> here." in response.text
    assert "Unreviewed newer draft." not in response.text
    assert f"<h1>{article.title}</h1>" in response.text


def test_article_page_shows_banner_track_dates_policy_and_disclaimer(client, editor):
    article = _publish_submitted(editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)

    html = client.get(article.get_absolute_url()).text

    assert BOARD_BANNER in html
    assert "Article review status" in html
    for label in ("Submitted", "Under review", "Approved"):
        assert f'class="step-label">{label}<' in html
    assert _current_step(html) == ["Submitted"]
    assert "(current step)" in html
    assert f'Last updated: <time datetime="{article.published_at.isoformat()}' in html
    assert article.published_at.strftime("%B %-d, %Y") in html
    assert 'href="/editorial-policy/">View editorial policy</a>' in html
    assert canonical.disclaimer in html
    assert CAUTION in html


def test_caution_banner_only_while_the_published_revision_is_not_approved(
    client, editor, draft, reviewer, second_reviewer, reach
):
    revision = reach(
        draft, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    article = workflow.article_publish(revision=revision, actor=editor)
    # A newer draft in progress does not change what the public reads.
    revision_create_draft(article=article, author=editor)

    html = client.get(article.get_absolute_url()).text

    assert CAUTION not in html
    assert _current_step(html) == ["Approved"]
    assert html.count("(completed)") == 2


def test_track_marks_under_review_for_a_revision_published_during_review(
    client, editor, draft, reviewer, reach
):
    revision = reach(draft, ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=[reviewer])
    article = workflow.article_publish(revision=revision, actor=editor)

    html = client.get(article.get_absolute_url()).text

    assert _current_step(html) == ["Under review"]
    assert CAUTION in html


def test_review_track_has_no_current_step_for_a_withdrawn_revision():
    assert [step.state for step in review_track(ReviewStatus.DRAFT)] == ["upcoming"] * 3
    assert [step.state for step in review_track(ReviewStatus.CHANGES_REQUESTED)] == [
        "done",
        "current",
        "upcoming",
    ]


def test_a_published_revision_withdrawn_from_review_says_so(client, editor):
    article = _publish_submitted(editor)
    workflow.revision_withdraw(revision=article.published_revision, actor=editor)

    html = client.get(article.get_absolute_url()).text

    assert _current_step(html) == []
    assert "withdrawn from review by the editors: no review is under way" in html
    assert "has not been approved by our advisory board" in html
    assert "pending review" not in html


def test_csp_header_forbids_inline_script_and_style(client, editor):
    article = _publish_submitted(editor)

    response = client.get(article.get_absolute_url())

    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert "'self'" in directives["script-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    # Nothing on the page would need it either: JSON-LD data, which browsers never execute,
    # and a file from our origin (no nonce: the page is the same for every reader).
    assert re.findall(r"<script[^>]*>", response.text) == [
        '<script type="application/ld+json">',
        '<script src="/static/js/follow-up-frame.js" defer>',
    ]
    assert "nonce" not in response.text
    assert "style=" not in response.text
    assert "/static/css/site.css" in response.text


@pytest.mark.parametrize("size", [3, 30])
def test_article_page_query_count_does_not_grow_with_articles(
    size, client, editor, django_assert_num_queries
):
    articles = [_publish_submitted(editor) for _ in range(size)]
    ArticleFactory.create_batch(size)  # unpublished ones too
    # the levels, no stored page, the page's read (the article with its revisions, the levels
    # with the bodies: their HTML and reference list stored at submission), the page stored
    with django_assert_num_queries(4):
        response = client.get(articles[-1].get_absolute_url())
    assert response.status_code == 200


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_renders_commonmark_and_tables():
    html = markdown_to_html("Use **rest**.\n\n| Drug | Dose |\n|---|---|\n| A | 1 mg |\n")
    assert "<strong>rest</strong>" in html
    assert "<table>" in html
    assert "<td>1 mg</td>" in html


def test_markdown_body_headings_start_below_the_page_title():
    html = markdown_to_html("# Treatment\n\n## First line")
    assert "<h1>" not in html
    assert "<h2>Treatment</h2>" in html
    assert "<h3>First line</h3>" in html


def test_markdown_escapes_script_and_raw_html():
    html = markdown_to_html(
        "<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> and "
        '<a href="https://evil.example">raw</a>'
    )
    assert "<script" not in html
    assert "<img" not in html
    assert "<a " not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "<javascript:alert(1)>",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_markdown_drops_dangerous_link_schemes(source):
    html = markdown_to_html(source)
    assert 'href="javascript' not in html.lower()
    assert 'href="data:' not in html


def test_markdown_links_get_noopener_and_no_inline_style():
    html = markdown_to_html("[guideline](https://example.org/g)\n\n| a |\n|:-:|\n| b |\n")
    assert '<a href="https://example.org/g" rel="noopener noreferrer">guideline</a>' in html
    # markdown-it aligns table cells with style="text-align", which the CSP would refuse.
    assert "style=" not in html


def test_editorial_policy_states_the_policy_in_force(
    db, client, settings, django_assert_num_queries
):
    settings.IMPRIMATUR_MIN_APPROVALS = 3
    settings.IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL = False
    # the administrators' page (none here), the audience levels
    with django_assert_num_queries(2):
        response = client.get("/editorial-policy/")
    text = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "3 board members have approved that exact version" in text
    assert "pending review" in text
    assert "Patient or caregiver" in text
    settings.IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL = True
    assert (
        "Only approved versions are published." in client.get("/editorial-policy/").content.decode()
    )
