"""Kept by the code, never edited: the search documents, the stored public pages and the outbox
of work that follows a committed action."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from articles.models.content import Article, AudienceLevel, ReviewStatus, Revision


class ArticleSearchDocument(models.Model):
    """What the public search reads of an article's published revision: its prose (citation
    markers and Markdown stripped) and, on PostgreSQL, a weighted tsvector (title A, topic B,
    bodies C) with a GIN index. Kept by articles.search_documents.article_search_document_refresh,
    which publication calls; `manage.py rebuild_search_documents` fills it for existing data.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    body_text = models.TextField(blank=True)
    text_hash = models.CharField(max_length=64)
    text_changed_at = models.DateTimeField(
        help_text="When the published title, topic or text last changed."
    )
    # The column type is `tsvector`; SQLite accepts any type name and leaves it empty there.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["-text_changed_at"], name="search_text_changed")]

    def __str__(self) -> str:
        return f"Search document of {self.article}"


class ArticlePassage(models.Model):
    """One passage (a top-level paragraph or list item) of a published article's body at one
    audience level: what the answers to readers' questions offer (articles.answers). Its
    `anchor` is the id the page's renderer gives it (articles.markdown.passage_ranges);
    `references` the numbers it cites with their works' titles. On PostgreSQL a tsvector of
    its text with a GIN index. Kept with the search documents
    (articles.search_documents.article_search_document_refresh): only published text.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="passages")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    audience = models.ForeignKey(AudienceLevel, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    anchor = models.CharField(max_length=40)
    text = models.TextField()
    references = models.JSONField(default=list, blank=True)
    # The column type is `tsvector`; SQLite accepts any type name and leaves it empty there.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["article", "audience", "position"]
        indexes = [models.Index(fields=["audience", "article"], name="passage_audience_article")]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "audience", "position"], name="one_passage_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"Passage {self.position} of {self.article}"


class StatusCount(models.Model):
    """How many articles have a newest status, in rows to add up: the database's triggers add
    one row of +1 and one of -1 as an article's newest status changes (migration 0035), and
    articles.status_counts folds them into one row per status. The board counts each state
    from here instead of reading every article."""

    status = models.CharField(  # noqa: DJ001 (null: an article with no revision yet)
        max_length=20, choices=ReviewStatus.choices, null=True, blank=True
    )
    n = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.status}: {self.n:+d}"


class PageGeneration(models.Model):
    """One row (pk 1): the generation of every stored article page. Raised by one UPDATE of
    this row when something every page shows changes (the audience levels, a reviewer's public
    name or credentials: articles.page_versions.article_pages_invalidate_all), instead of
    raising the page_version of every article. Missing, it counts as 0."""

    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Page generation {self.value}"


class StoredPage(models.Model):
    """An article's public page as every anonymous reader of one level gets it, kept in the
    database behind the configured cache (articles.public.page_cache): a cold cache (restarted,
    flushed, expired) serves it with one query instead of building the page again. Served only
    while `version` is the article's page_version, `generation` the PageGeneration's, `build`
    the running code's and the review is not due (`stale_from`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=255, help_text="Scheme and host the page was built for.")
    audience = models.CharField(
        max_length=50, blank=True, help_text="The level's slug; empty for the canonical level."
    )
    version = models.PositiveBigIntegerField()
    generation = models.PositiveBigIntegerField(default=0)
    build = models.CharField(max_length=64)
    html = models.TextField()
    etag = models.CharField(max_length=64)
    last_modified = models.DateTimeField()
    stale_from = models.DateField(null=True, blank=True)
    stored_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "origin", "audience"], name="stored_page_per_origin_and_level"
            )
        ]

    def __str__(self) -> str:
        return f"Stored page of {self.article_id} ({self.audience or 'canonical'})"


class OutboxMessage(models.Model):
    """Work that must follow a committed action, written in its transaction: one Celery task
    with its arguments. articles.outbox sends it to the broker after commit, and again (from
    `due_at`) until the task reports it done: the broker or its queue may lose it, a worker may
    die or meet a server that is away. The database, not the broker, keeps what is owed; the
    tasks are idempotent."""

    topic = models.CharField(max_length=60, help_text="What happened, e.g. audit-event.recorded.")
    task = models.CharField(max_length=200, help_text="The Celery task that takes it.")
    payload = models.JSONField(default=dict, help_text="The task's keyword arguments.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the broker last took it.")
    due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the relay sends it (again) unless done by then.",
    )
    done_at = models.DateTimeField(null=True, blank=True, help_text="When its task finished.")
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was given up (see the failed tasks)."
    )
    attempts = models.PositiveIntegerField(default=0, help_text="How many times it was sent.")
    failures = models.PositiveIntegerField(
        default=0, help_text="How many times its task met a server that was away."
    )
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(done_at__isnull=True, failed_at__isnull=True),
                name="outbox_owed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.task}"


class FailedTask(models.Model):
    """A Celery task that failed for good (after its retries): kept for administrators, who
    see it in the admin and may run it again (articles.task_failures). Written by the worker
    (config.celery); every task is idempotent, so running one again does nothing twice."""

    task = models.CharField(max_length=200, help_text="The Celery task's name.")
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    exception = models.TextField(help_text="What it raised the last time.")
    tries = models.PositiveIntegerField(help_text="How many times it ran.")
    failed_at = models.DateTimeField(auto_now_add=True)
    rerun_at = models.DateTimeField(
        null=True, blank=True, help_text="When an administrator sent it again."
    )

    class Meta:
        ordering = ["-failed_at", "-pk"]
        indexes = [
            models.Index(
                fields=["failed_at"],
                condition=models.Q(rerun_at__isnull=True),
                name="failed_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} failed at {self.failed_at:%Y-%m-%d %H:%M}"
