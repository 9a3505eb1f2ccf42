"""Settings of the work done beside the requests: Celery beat's schedule and the outbox
(articles/outbox.py), read from the environment (imported by config.settings.base)."""

from datetime import timedelta

import environ

env = environ.Env()

__all__ = [
    "CELERY_BEAT_SCHEDULE",
    "IMPRIMATUR_DELIVERY_RETRY_HOURS",
    "IMPRIMATUR_OUTBOX_GRACE_SECONDS",
    "IMPRIMATUR_OUTBOX_LEASE_SECONDS",
    "IMPRIMATUR_OUTBOX_SUBSCRIBERS",
    "IMPRIMATUR_PRUNE_AFTER_DAYS",
    "IMPRIMATUR_RETRY_FIRST_WAIT",
    "IMPRIMATUR_RETRY_LONGEST_WAIT",
]

# Static (django-celery-beat does not support Django 6.1). Every task is idempotent.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "relay-outbox": {
        "task": "articles.tasks.relay_outbox",
        "schedule": timedelta(seconds=env.float("OUTBOX_RELAY_SECONDS", default=60)),
    },
    "review-reminders": {
        "task": "editorial.tasks.send_review_reminders",
        "schedule": timedelta(hours=1),
    },
    "open-due-rereviews": {
        "task": "editorial.tasks.open_due_rereviews",
        "schedule": timedelta(hours=6),
    },
    "prune-outbox": {
        "task": "articles.tasks.prune_outbox",
        "schedule": timedelta(days=1),
    },
    "prune-request-keys": {
        "task": "editorial.tasks.prune_request_keys",
        "schedule": timedelta(days=1),
    },
    "prune-expired-tokens": {
        "task": "editorial.tasks.prune_expired_tokens",
        "schedule": timedelta(days=1),
    },
    "send-unsaid-questions": {
        "task": "articles.tasks.send_unsaid_questions",
        "schedule": timedelta(minutes=10),
    },
    "fold-status-counts": {
        "task": "articles.tasks.fold_status_counts",
        "schedule": timedelta(hours=1),
    },
    "expire-import-uploads": {
        "task": "articles.tasks.expire_import_uploads",
        "schedule": timedelta(hours=1),
    },
}
# Outbox messages done or given up, failed tasks run again and used request keys are deleted
# once this many days old.
IMPRIMATUR_PRUNE_AFTER_DAYS = env.int("PRUNE_AFTER_DAYS", default=14)

# The outbox (articles/outbox.py). A task that meets a server away (SMTP, the database) runs
# again after a wait doubling from the first to the longest (seconds), for this many hours,
# before it is given up and recorded as failed (FailedTask, in the admin, with "Run again").
IMPRIMATUR_DELIVERY_RETRY_HOURS = env.float("DELIVERY_RETRY_HOURS", default=24)
IMPRIMATUR_RETRY_FIRST_WAIT = env.float("RETRY_FIRST_WAIT", default=60)
IMPRIMATUR_RETRY_LONGEST_WAIT = env.float("RETRY_LONGEST_WAIT", default=3600)
# A message sent and not reported done within this many seconds is sent again (the broker lost
# it, a worker died); a new message is left this long to the send its commit started.
IMPRIMATUR_OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", default=600)
IMPRIMATUR_OUTBOX_GRACE_SECONDS = env.float("OUTBOX_GRACE_SECONDS", default=30)

# What follows a committed action (articles.outbox): each topic an action writes, and the Celery
# tasks that take it. Only here do the content layer's topics meet the workspace's tasks.
IMPRIMATUR_OUTBOX_SUBSCRIBERS: dict[str, list[str]] = {
    "audit-event.recorded": ["editorial.tasks.send_event_notifications"],
    # A corrected, retracted or superseded version: flag the articles citing an older one.
    "reference-version.flagging": ["editorial.tasks.notify_reference_change"],
    # Retracted, or no longer: the stored public HTML citing it says so.
    "reference.retraction-changed": ["articles.tasks.refresh_pages_citing_reference"],
    # A public page changed: its cached copies go, even after a cache outage ("" for all pages).
    "article-page.changed": ["articles.tasks.retire_cached_article_pages"],
    # Every page retired (levels, a reviewer's public profile): all are built again, in batches.
    "article-pages.retired": ["articles.public.tasks.prebuild_article_pages"],
    # An audience body's text changed: its readability is scored again.
    "audience-body.changed": ["articles.tasks.score_audience_body"],
    # An editor confirmed a reference import: it runs in batches, with its progress shown.
    "reference-import.confirmed": ["articles.tasks.import_references"],
    # An editor uploaded a reference file: its preview is read in batches, its progress shown.
    "reference-import.uploaded": ["articles.tasks.preview_references"],
}
