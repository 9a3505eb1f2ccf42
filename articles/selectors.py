"""Reads of content: published articles for the public side, body statuses for editors."""

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from articles.models import (
    Article,
    ArticleOldSlug,
    AudienceBody,
    AudienceLevel,
    ChangeKind,
    ReviewStatus,
    Revision,
    text_hash,
)
from articles.readability import Report, stored_scores


def article_writers(*, article_id: int) -> QuerySet[Any]:
    """The ids of everyone who wrote or edited any revision of the article (its authors, its
    editors), as a query to use inside another. None of them may review it or count toward its
    approval (editorial.permissions, editorial.policy and the invitation list ask here)."""
    return (
        get_user_model()
        .objects.filter(
            Q(authored_revisions__article_id=article_id)
            | Q(last_edited_revisions__article_id=article_id)
            | Q(revisions_written__article_id=article_id)
        )
        .order_by()
        .values_list("pk", flat=True)
        .distinct()
    )


def article_writer_ids(*, article_id: int) -> frozenset[int]:
    """article_writers, read."""
    return frozenset(article_writers(article_id=article_id))


def revisions_newest_first(article: OuterRef) -> QuerySet[Revision]:
    """An article's revisions, newest first, as a subquery (`article`: an OuterRef to it)."""
    return Revision.objects.filter(article=article).order_by("-number")


def articles_with_status() -> QuerySet[Article]:
    """Articles annotated with `status`, `latest_number`, `latest_pk` of the newest revision.

    The status and the revision are the columns the database keeps (Article.newest_status,
    newest_revision): filtering, counting and ordering by them use an index; the number is
    read only for the rows returned."""
    newest = revisions_newest_first(OuterRef("pk"))
    return Article.objects.annotate(
        status=F("newest_status"),
        latest_number=Subquery(newest.values("number")[:1]),
        latest_pk=F("newest_revision_id"),
    )


def articles_with_status_joined() -> QuerySet[Article]:
    """articles_with_status for a page of a list: the number read through a join to the newest
    revision (Article.newest_revision) rather than a subquery, the status from the column the
    database keeps (an index serves a filter on it)."""
    return Article.objects.annotate(
        status=F("newest_status"),
        latest_number=F("newest_revision__number"),
        latest_pk=F("newest_revision_id"),
    )


def revision_newest(*, article: Article | int) -> Revision | None:
    """The article's newest revision (the one its status is), or None before the first; with
    its article, author and last editor."""
    article_id = article if isinstance(article, int) else article.pk
    return (
        Revision.objects.filter(article_id=article_id)
        .select_related("article", "author", "last_edited_by")
        .order_by("-number")
        .first()
    )


def article_published_get(*, slug: str) -> Article:
    """The published article with its published revision; raises Article.DoesNotExist."""
    return Article.objects.select_related("published_revision").get(
        slug=slug, published_revision__isnull=False
    )


def article_slug_moved_to(*, slug: str) -> str | None:
    """The slug of the published article whose address `slug` was, or None (one query)."""
    return (
        ArticleOldSlug.objects.filter(slug=slug, article__published_revision__isnull=False)
        .values_list("article__slug", flat=True)
        .first()
    )


def articles_published() -> QuerySet[Article]:
    return Article.objects.filter(published_revision__isnull=False).select_related(
        "published_revision"
    )


def audience_levels() -> list[AudienceLevel]:
    """Every audience level, in picker order (one query)."""
    return list(AudienceLevel.objects.all())


def audience_canonical(levels: list[AudienceLevel]) -> AudienceLevel:
    """The canonical level among `levels` (there is always exactly one)."""
    return next(level for level in levels if level.is_canonical)


def audience_slug_chosen(slugs: Sequence[str], canonical: str, *wanted: str | None) -> str:
    """The reader's level: the first of `wanted` that names a level (in order of precedence:
    the link's `?audience=`, the account's choice, the cookie), else the canonical level.
    The article page, its cache and the question frame all choose the level here."""
    return next((slug for slug in wanted if slug and slug in slugs), canonical)


def audience_from_slug(levels: list[AudienceLevel], slug: str | None) -> AudienceLevel | None:
    return next((level for level in levels if level.slug == slug), None)


@dataclass(frozen=True)
class ReaderBody:
    """What a reader who chose `audience` reads: `body` is for `served`, the canonical level
    when the article has no version for `audience` (then `is_fallback`)."""

    audience: AudienceLevel
    served: AudienceLevel
    body: AudienceBody | None

    @property
    def is_fallback(self) -> bool:
        return self.served.pk != self.audience.pk


def reader_body_get(
    *, revision: Revision, audience: AudienceLevel, levels: list[AudienceLevel]
) -> ReaderBody:
    """The body of `revision` for `audience`, falling back to the canonical one (one query)."""
    canonical = audience_canonical(levels)
    bodies = {
        body.audience_id: body
        for body in revision.bodies.filter(audience_id__in={audience.pk, canonical.pk})
    }
    return reader_body_of(bodies=bodies, audience=audience, levels=levels)


def reader_body_of(
    *, bodies: dict[int, AudienceBody], audience: AudienceLevel, levels: list[AudienceLevel]
) -> ReaderBody:
    """What a reader of `audience` reads among `bodies` (a revision's, by level id: at least
    those of `audience` and of the canonical level, where they exist)."""
    canonical = audience_canonical(levels)
    if audience.pk in bodies:
        return ReaderBody(audience=audience, served=audience, body=bodies[audience.pk])
    return ReaderBody(audience=audience, served=canonical, body=bodies.get(canonical.pk))


@dataclass(frozen=True)
class BodyStatus:
    """A body for editors and reviewers: may it be out of date, and how readable is it."""

    body: AudienceBody
    may_be_out_of_date: bool
    readability: Report


def body_is_out_of_date(body: AudienceBody, *, canonical_text: str | None) -> bool:
    """True for a non-canonical body last written against another canonical text."""
    if body.audience.is_canonical or canonical_text is None or not body.canonical_hash:
        return False
    return body.canonical_hash != text_hash(canonical_text)


def revision_body_statuses(
    *, revision: Revision, bodies: list[AudienceBody] | None = None
) -> list[BodyStatus]:
    """The revision's bodies with their out-of-date mark and stored readability.

    One query, or none when the caller passes the revision's bodies already loaded (with their
    audience levels).
    """
    if bodies is None:
        bodies = list(revision.bodies.select_related("audience"))
    canonical_text = next((b.body for b in bodies if b.audience.is_canonical), None)
    return [
        BodyStatus(
            body=body,
            may_be_out_of_date=body_is_out_of_date(body, canonical_text=canonical_text),
            readability=Report(
                audience=body.audience,
                scores=stored_scores(body),
                target=body.audience.target_grade,
            ),
        )
        for body in bodies
    ]


def months_later[D: date](day: D, months: int) -> D:
    """`day` (a date or a datetime) plus `months` calendar months, on the month's last day
    when it is shorter. The public "Next review due" and the re-review schedule both use it."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class UpdateEntry:
    """One line of an article's public update history: a revision readers were shown."""

    number: int
    kind: str  # a ChangeKind value
    kind_label: str
    summary: str
    published_at: datetime
    by_level: dict[str, str] = field(default_factory=dict)  # level slug -> its own summary

    def for_level(self, slug: str) -> "UpdateEntry":
        """This line as the readers of level `slug` read it: their summary where it differs."""
        summary = self.by_level.get(slug)
        return self if summary is None else replace(self, summary=summary)


@dataclass(frozen=True)
class ReviewDates:
    """When the published text was last reviewed, when it is due again, and what changed for
    readers before it; computed, not stored.

    `reviewed` is the approved clinical revision whose review covers the text
    (revision_last_review): `last_reviewed` is its approval, None while there is none.
    `updates` is the update history, newest first.
    """

    last_reviewed: datetime | None
    next_due: date | None
    today: date
    reviewed: Revision | None = None
    updates: tuple[UpdateEntry, ...] = ()

    @property
    def is_overdue(self) -> bool:
        return self.next_due is not None and self.today >= self.next_due


# What the review dates and the update history read of each revision.
_HISTORY_FIELDS = (
    "pk",
    "article_id",
    "number",
    "status",
    "review_round",
    "submitted_at",
    "approved_at",
    "change_kind",
    "reader_summary",
    "reader_summaries",
    "published_at",
)


def revision_last_review(*, revision: Revision, earlier: Sequence[Revision]) -> Revision | None:
    """The approved clinical revision whose review covers the text of `revision`, or None.

    The one rule for "last reviewed" (the public page, its JSON-LD, the feeds): a clinical
    change (new article, major or minor update) is reviewed when it is approved; an editorial
    change (wording, links, typos) is never a review, so the review of the clinical revision
    before it still covers it. A clinical change not approved means no review covers the text.
    `earlier`: the submitted revisions before `revision`, any order.
    """
    before = sorted(
        (r for r in earlier if r.number < revision.number), key=lambda r: r.number, reverse=True
    )
    for candidate in [revision, *before]:
        if candidate.change_kind == ChangeKind.EDITORIAL:
            continue
        if candidate.status == ReviewStatus.APPROVED and candidate.approved_at is not None:
            return candidate
        return None
    return None


def revisions_up_to(*, revision: Revision) -> list[Revision]:
    """`revision` as stored and the submitted revisions of its article before it, newest
    first, with the fields the review dates and the update history read (one query)."""
    return list(
        Revision.objects.filter(
            Q(pk=revision.pk) | Q(number__lt=revision.number, submitted_at__isnull=False),
            article_id=revision.article_id,
        )
        .order_by("-number")
        .only(*_HISTORY_FIELDS)
    )


def update_history(*, revisions: Sequence[Revision]) -> tuple[UpdateEntry, ...]:
    """The update history of a page showing the newest of `revisions` (revisions_up_to): each
    revision readers were shown, newest first."""
    shown = [r for r in revisions if r.published_at is not None]
    shown.sort(key=lambda r: r.number, reverse=True)
    return tuple(
        UpdateEntry(
            number=r.number,
            kind=r.change_kind,
            kind_label=ChangeKind(r.change_kind).label if r.change_kind else "",
            summary=r.reader_summary,
            published_at=r.published_at,  # type: ignore[arg-type]  # filtered above
            by_level=dict(r.reader_summaries or {}),
        )
        for r in shown
    )


def article_review_dates(*, article: Article, today: date | None = None) -> ReviewDates:
    """The review dates and update history of `article`'s published revision (one query)."""
    return revision_review_dates(revision=article.published_revision, article=article, today=today)


def revision_review_dates(
    *, revision: Revision | None, article: Article, today: date | None = None
) -> ReviewDates:
    """The review dates and update history `article`'s page shows with `revision` (its
    published one, or one previewed) as its text (one query; none without a revision)."""
    if revision is None:
        return ReviewDates(last_reviewed=None, next_due=None, today=today or timezone.localdate())
    return review_dates_of(
        revision=revision, rows=revisions_up_to(revision=revision), article=article, today=today
    )


def review_dates_of(
    *, revision: Revision, rows: Sequence[Revision], article: Article, today: date | None = None
) -> ReviewDates:
    """revision_review_dates from `rows`, as revisions_up_to(revision=revision) reads them."""
    today = today or timezone.localdate()
    # The caller's revision object (a draft being previewed may not be saved as shown).
    others = [r for r in rows if r.pk != revision.pk]
    updates = update_history(revisions=rows)
    reviewed = revision_last_review(revision=revision, earlier=others)
    if reviewed is None or reviewed.approved_at is None:
        return ReviewDates(last_reviewed=None, next_due=None, today=today, updates=updates)
    approved = timezone.localdate(reviewed.approved_at)
    return ReviewDates(
        last_reviewed=reviewed.approved_at,
        next_due=months_later(approved, article.review_interval_months),
        today=today,
        reviewed=reviewed,
        updates=updates,
    )
