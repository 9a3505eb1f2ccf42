"""Content: articles, their revisions, audience levels and one Markdown body per level."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django_fsm import RETURN_VALUE, FSMField, transition

REVISION_LOCKED = "Revision {number} was submitted and can no longer change; edit a new draft."


def text_hash(text: str) -> str:
    """A stable fingerprint of a body's text (SHA-256, hex)."""
    return hashlib.sha256(text.encode()).hexdigest()


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"


class ChangeKind(models.TextChoices):
    """What a revision changes, as its editor classified it on submitting; readers see it in
    the article's update history. Every kind but an editorial one is a clinical change, whose
    approval is a review (articles.selectors.revision_last_review)."""

    NEW_ARTICLE = "new", "New article"
    MAJOR = "major", "Major clinical update"
    MINOR = "minor", "Minor clinical update"
    EDITORIAL = "editorial", "Editorial change"

    @classmethod
    def clinical(cls) -> list[str]:
        return [cls.NEW_ARTICLE, cls.MAJOR, cls.MINOR]


READER_SUMMARY_MAX_LENGTH = 500


class AudienceLevel(models.Model):
    """Who a body is written for; exactly one level is canonical (the professional one)."""

    slug = models.SlugField(unique=True)
    label = models.CharField(max_length=80, help_text="Shown in the reader's picker.")
    description = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    target_grade = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Target reading grade; empty for no target.",
    )
    is_canonical = models.BooleanField(default=False)
    plain_language = models.BooleanField(
        default=False,
        verbose_name="written in plain language",
        help_text="The editor suggests everyday words for medical terms in this version and "
        "checks it for the elements plain-language guides ask for (short sentences, a summary "
        'first, "you", terms explained).',
    )
    disclaimer = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_canonical"],
                condition=models.Q(is_canonical=True),
                name="one_canonical_audience_level",
            )
        ]

    def __str__(self) -> str:
        return self.label


class Topic(models.Model):
    """A topic or specialty articles are filed under: the list editors choose from (admin)."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="topic_name_unique_ignoring_case",
                violation_error_message="This topic exists already.",
            )
        ]

    def __str__(self) -> str:
        return self.name


# An article whose newest revision needs an editor: to assign reviewers, to revise, or to
# publish (approved, and not the published one). The dashboard's filter and the condition of
# its index, the same expression in both so that PostgreSQL uses the index.
NEEDS_AN_EDITOR = models.Q(
    newest_status__in=[ReviewStatus.SUBMITTED, ReviewStatus.CHANGES_REQUESTED]
) | (
    models.Q(newest_status=ReviewStatus.APPROVED)
    & (
        models.Q(published_revision__isnull=True)
        | ~models.Q(published_revision=models.F("newest_revision"))
    )
)


class Article(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=255, help_text="Usually the reader's question.")
    topic = models.CharField(max_length=100, blank=True, help_text="Topic or specialty.")
    published_revision = models.ForeignKey(
        "articles.Revision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(default=24)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by articles.page_versions.article_page_invalidate after every change its public
    # page shows: a StoredPage of an earlier version is not served.
    page_version = models.PositiveBigIntegerField(default=0, editable=False)
    # The newest revision and its status, kept by the database itself (triggers on the
    # revisions, and on the article against a stale save: migration 0021_article_newest): so
    # the workspace filters, counts and orders articles by status with an index.
    newest_revision = models.ForeignKey(
        "articles.Revision",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # None before the first revision, as the revision is.
    newest_status = models.CharField(  # noqa: DJ001
        max_length=20, choices=ReviewStatus.choices, null=True, blank=True, editable=False
    )
    # The last change the sitemap shows, kept by the database (triggers on the article and on
    # its published revision's approval: migration 0027_article_sitemap_lastmod): the later of
    # the publication of its current text and that text's approval; NULL while not public. So
    # a sitemap page is read from one index alone (articles.public.sitemaps).
    sitemap_lastmod = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        indexes = [
            # The sitemap: the public articles' addresses and last changes, by id block.
            models.Index(
                fields=["id", "slug", "sitemap_lastmod"],
                condition=models.Q(sitemap_lastmod__isnull=False),
                name="article_sitemap",
            ),
            # The board: each state's articles changed last first.
            models.Index(fields=["newest_status", "-updated_at", "-id"], name="article_board"),
            # The dashboard: the articles changed last.
            models.Index(fields=["-updated_at", "-id"], name="article_changed_last"),
            # The dashboard: articles waiting for an editor, longest waiting first.
            models.Index(
                fields=["updated_at"], condition=NEEDS_AN_EDITOR, name="article_needs_editor"
            ),
            # The API's list, a page by keyset in each order it offers (editorial.api.pagination):
            # by title (its default), by creation, by publication (nulls last; the other way
            # round, DESC NULLS LAST, an index SQLite cannot declare: on PostgreSQL only,
            # migration 0025).
            models.Index(fields=["title", "id"], name="article_by_title"),
            models.Index(fields=["created_at", "id"], name="article_by_created"),
            models.Index(fields=["published_at", "id"], name="article_by_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})


class ArticleOldSlug(models.Model):
    """An address the article had before its slug changed: answered with a permanent redirect
    to its page, so links and bookmarks keep working."""

    slug = models.SlugField(max_length=120, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self) -> str:
        return f"{self.slug} → {self.article.slug}"


# A draft never sent to review (editorial.selectors.my_drafts).
UNSUBMITTED_DRAFT = models.Q(status=ReviewStatus.DRAFT, submitted_at__isnull=True)


class Revision(models.Model):
    """One version of an article. Its review status is its own; it is frozen once submitted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_revisions"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="last_edited_revisions",
        null=True,
        blank=True,
    )
    # Everyone who wrote in this revision (its author, each editor who saved it): none of them
    # ever reviews the article (articles.selectors.article_writer_ids).
    writers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="revisions_written", blank=True
    )
    change_summary = models.CharField(max_length=300, blank=True)
    status = FSMField(default=ReviewStatus.DRAFT, choices=ReviewStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_round = models.PositiveSmallIntegerField(
        default=0, help_text="How many times this revision has been submitted."
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Said by the editor on submitting (editorial.workflow.revision_submit); readers see both
    # in the update history once the revision is published.
    change_kind = models.CharField(
        max_length=20,
        choices=ChangeKind.choices,
        blank=True,
        help_text="What the revision changes; set when it is submitted.",
    )
    reader_summary = models.TextField(
        max_length=READER_SUMMARY_MAX_LENGTH,
        blank=True,
        help_text="What changed, told to readers in the update history.",
    )
    # Where a level's readers are told it otherwise: audience level slug -> summary.
    reader_summaries = models.JSONField(
        default=dict,
        blank=True,
        help_text="The summary for readers per audience level where it differs.",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When readers first saw this revision."
    )

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="revision_number_per_article"
            )
        ]
        indexes = [
            # The feed of updates (articles.public.feeds): the revisions readers were shown,
            # newest publication first.
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(published_at__isnull=False),
                name="revision_published",
            ),
            # A writer's drafts on their dashboard (editorial.selectors.my_drafts): those they
            # wrote and those they edited last, read from indexes of the drafts alone.
            *(
                models.Index(fields=[writer, "-created_at"], condition=UNSUBMITTED_DRAFT, name=name)
                for writer, name in (
                    ("author", "revision_draft_by_author"),
                    ("last_edited_by", "revision_draft_by_editor"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} (revision {self.number})"

    @property
    def is_editable(self) -> bool:
        return self.status == ReviewStatus.DRAFT and self.submitted_at is None

    # The transition table. Guards that need the actor or other rows live in
    # editorial.workflow, which is the only caller of these methods.
    @transition(
        field=status,
        source=[ReviewStatus.DRAFT, ReviewStatus.CHANGES_REQUESTED],
        target=RETURN_VALUE(ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW),
    )
    def submit(self, *, reviewers_waiting: bool = False) -> str:
        """Send the revision to review: submitted, for an editor to invite reviewers; or, when
        board members are still assigned to it (sent back for changes, or withdrawn), under
        review at once for their next round."""
        return ReviewStatus.UNDER_REVIEW if reviewers_waiting else ReviewStatus.SUBMITTED

    @transition(
        field=status,
        source=[ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW],
        target=ReviewStatus.UNDER_REVIEW,
    )
    def assign_reviewer(self) -> None:
        """Invite a board member to review."""

    @transition(field=status, source=ReviewStatus.UNDER_REVIEW, target=ReviewStatus.APPROVED)
    def approve(self) -> None:
        """Approve; reached when the approvals on this revision meet the quorum."""

    @transition(
        field=status, source=ReviewStatus.UNDER_REVIEW, target=ReviewStatus.CHANGES_REQUESTED
    )
    def request_changes(self) -> None:
        """Send the revision back to its editors with a reason."""

    @transition(
        field=status,
        source=[ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW],
        target=ReviewStatus.DRAFT,
    )
    def withdraw(self) -> None:
        """Take the revision out of review."""


class AudienceBody(models.Model):
    """The Markdown text of one revision for one audience level."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="bodies")
    audience = models.ForeignKey(AudienceLevel, on_delete=models.PROTECT, related_name="bodies")
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    canonical_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="Fingerprint of the canonical text this body was last written against.",
    )
    # Readability of `body`, filled in the background (articles.tasks); `scored_hash` is the
    # fingerprint of the text those scores belong to, so stale or missing scores are visible.
    fk_grade = models.FloatField(null=True, blank=True, verbose_name="Flesch-Kincaid grade")
    smog = models.FloatField(null=True, blank=True, verbose_name="SMOG grade")
    reading_ease = models.FloatField(null=True, blank=True, verbose_name="Flesch reading ease")
    sentence_count = models.PositiveIntegerField(null=True, blank=True)
    word_count = models.PositiveIntegerField(null=True, blank=True)
    scored_hash = models.CharField(max_length=64, blank=True)
    # The public page's HTML of `body`, stored once the revision is submitted (its text and
    # the reference versions it cites are frozen then): the body with numbered citations, the
    # reference list, and the cited works for the JSON-LD. Written by articles.services.
    rendered_html = models.TextField(blank=True, editable=False)
    rendered_references = models.TextField(blank=True, editable=False)
    rendered_citations = models.JSONField(default=list, blank=True, editable=False)
    rendered_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Its description (articles.descriptions), worked out with the HTML; "" in a body rendered
    # before this was stored (the page works it out then).
    rendered_description = models.TextField(blank=True, default="", editable=False)

    # Written only by the scoring task; copied with the text into a new draft.
    READABILITY_FIELDS = (
        "fk_grade",
        "smog",
        "reading_ease",
        "sentence_count",
        "word_count",
        "scored_hash",
    )

    class Meta:
        ordering = ["audience__order", "audience__pk"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "audience"], name="one_body_per_audience")
        ]

    def __str__(self) -> str:
        return f"{self.revision} for {self.audience}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # Invariant, not business logic: a submitted revision's text never changes.
        if not Revision.objects.filter(pk=self.revision_id, submitted_at__isnull=True).exists():
            raise ValidationError(REVISION_LOCKED.format(number=self.revision.number))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not Revision.objects.filter(pk=self.revision_id, submitted_at__isnull=True).exists():
            raise ValidationError(REVISION_LOCKED.format(number=self.revision.number))
        return super().delete(*args, **kwargs)
