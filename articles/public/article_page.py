"""The article page for one revision at one level: built here once, for the public view
(articles.public.views, cached) and for the workspace's preview of any revision (not cached)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from articles.descriptions import page_description
from articles.models import Article, AudienceLevel, ReviewStatus, Revision
from articles.public.facts import PublicApprover, public_facts
from articles.public.structured_data import json_ld_script, medical_web_page
from articles.selectors import ReaderBody, ReviewDates, reader_body_get
from articles.services import audience_body_render

ARTICLE_TEMPLATE = "articles/article_detail.html"


@dataclass(frozen=True)
class ReviewStep:
    label: str
    state: str  # "done", "current" or "upcoming"

    @property
    def is_current(self) -> bool:
        return self.state == "current"


REVIEW_STEPS = [ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW, ReviewStatus.APPROVED]
# Where each status sits on the public track; a draft (withdrawn after publication) has no step.
STEP_OF_STATUS = {
    ReviewStatus.SUBMITTED: 0,
    ReviewStatus.UNDER_REVIEW: 1,
    ReviewStatus.CHANGES_REQUESTED: 1,
    ReviewStatus.APPROVED: 2,
}


def review_track(status: str) -> list[ReviewStep]:
    """The three public review steps with the one `status` has reached marked current."""
    current = STEP_OF_STATUS.get(ReviewStatus(status), -1)
    return [
        ReviewStep(
            label=step.label,
            state="done" if index < current else "current" if index == current else "upcoming",
        )
        for index, step in enumerate(REVIEW_STEPS)
    ]


@dataclass(frozen=True)
class ShownDate:
    """A date as the page shows it: `iso` for the datetime attribute, `text` for people."""

    iso: str
    text: str


def shown_date(value: datetime | date | None) -> ShownDate | None:
    """`value` as the template's date filter shows it, a datetime in the site's time zone:
    `iso` as `|date:"c"` (which is isoformat()) for a datetime or `|date:"Y-m-d"` for a day,
    `text` as `|date:"F j, Y"`. Worked out in the context: the template's filters cost several
    times as much for the page's dozen dates. `text` is written as Django's DateFormat writes
    F, j and Y (the month's name in the active language, the day, the year on four digits),
    without parsing the format again for each date (0.08 ms a date)."""
    if value is None:
        return None
    local = localtime(value) if isinstance(value, datetime) else value
    return ShownDate(
        iso=local.isoformat(), text=f"{MONTHS[local.month]} {local.day}, {local.year:04d}"
    )


@dataclass(frozen=True)
class ArticleRequest:
    """What one request for an article page reads first (one query for the public page); the
    ETag, Last-Modified and the page share it. `revision` is the published one, or the one a
    preview shows."""

    article: Article
    revision: Revision
    levels: list[AudienceLevel]
    audience: AudienceLevel
    review_dates: ReviewDates
    # The body read with the rest (the public view); None: read when the page is built.
    reading: ReaderBody | None = None
    # Who approved the reviewed revision, read with the rest (the public view, when the public
    # facts' source reads them there); None: asked of the source when the page is built.
    approvers: list[PublicApprover] | None = None


def public_origin(request: HttpRequest) -> str:
    """The scheme and host the public pages name themselves under, with a final "/": the
    IMPRIMATUR_PUBLIC_ORIGIN setting when set (one copy of each page for every host name the
    site answers under), else the request's own (as build_absolute_uri("/") has it)."""
    configured: str = settings.IMPRIMATUR_PUBLIC_ORIGIN
    if configured:
        return configured.rstrip("/") + "/"
    return f"{request.scheme}://{request.get_host()}/"


def article_page_context(request: HttpRequest, found: ArticleRequest) -> dict[str, Any]:
    """The page's context from the bodies' stored HTML (a draft's, or a body stored before
    this existed, is rendered here): one query for the bodies, two more for the reviewers of
    an approved revision, two for a draft's references."""
    article, revision, audience = found.article, found.revision, found.audience
    reading = found.reading or reader_body_get(
        revision=revision, audience=audience, levels=found.levels
    )
    body = reading.body
    if body is not None and body.rendered_at is None:  # a draft, or stored before this existed
        body.revision = revision
        body = audience_body_render(body=body)
    review_dates = found.review_dates
    # Approved, or an editorial change to an approved text: the review covers what readers
    # read (articles.selectors.revision_last_review), and its reviewers are named.
    reviewed = review_dates.reviewed
    is_approved = reviewed is not None
    approvers = found.approvers
    if approvers is None:
        approvers = public_facts().revision_approvers(revision=reviewed) if reviewed else []
    # The canonical address has no ?audience: every level's page is the same article.
    article_url = article.get_absolute_url()
    canonical_url = public_origin(request) + article_url.lstrip("/")
    # Stored by articles.services from sanitised Markdown and the reference list template.
    body_html = mark_safe(body.rendered_html if body else "")  # noqa: S308
    structured = medical_web_page(
        article=article,
        revision=revision,
        url=canonical_url,
        audience=reading.served,
        review_dates=review_dates,
        approvers=approvers,
        citations=body.rendered_citations if body else [],
    )
    updates = [update.for_level(reading.served.slug) for update in review_dates.updates]
    # A revision not (yet) the published one has no date of its own: it would get the day it
    # is published.
    last_updated = article.published_at if article.published_revision_id == revision.pk else None
    return {
        "article": article,
        "article_url": article_url,
        "question_url": reverse("articles:question_ask", kwargs={"slug": article.slug}),
        "revision": revision,
        "audience": audience,
        "levels": found.levels,
        "reading": reading,
        "body_html": body_html,
        "references_html": mark_safe(body.rendered_references if body else ""),  # noqa: S308
        "review_steps": review_track(ReviewStatus.APPROVED if is_approved else revision.status),
        "is_approved": is_approved,
        # Published, then withdrawn from review by an editor: no step is current.
        "review_withdrawn": (
            not is_approved
            and revision.status == ReviewStatus.DRAFT
            and bool(revision.submitted_at)
        ),
        # A draft never submitted (only a preview shows one): no review has begun.
        "review_not_started": revision.submitted_at is None,
        "review_dates": review_dates,
        "last_reviewed": shown_date(review_dates.last_reviewed),
        "next_due": shown_date(review_dates.next_due),
        # Each line with the summary for the level read, where its editor wrote one.
        "updates": [(update, shown_date(update.published_at)) for update in updates],
        "approvers": [(approver, shown_date(approver.approved_at)) for approver in approvers],
        "last_updated": shown_date(last_updated),
        "modified": shown_date(article.published_at),
        "canonical_url": canonical_url,
        # Stored with the body; worked out here for a draft, or a body stored before that.
        "description": (body.rendered_description if body else "") or page_description(body_html),
        "json_ld": json_ld_script(structured),
    }


def article_page_html(
    request: HttpRequest, found: ArticleRequest, *, csrf_token: str | None = None
) -> str:
    """The public page (article_page_context rendered). `csrf_token` stands in for the
    reader's token, for the forms only readers with a session get."""
    context = article_page_context(request, found)
    if csrf_token is not None:
        context["csrf_token"] = csrf_token  # overrides the context processor's lazy token
    return render_to_string(ARTICLE_TEMPLATE, context, request=request)
