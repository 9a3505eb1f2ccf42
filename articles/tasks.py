from celery import shared_task

from articles.answers import follow_up_questions_unsaid_send
from articles.outbox import OutboxTask, outbox_prune, outbox_relay
from articles.page_versions import cached_pages_retire
from articles.references.importing.jobs import import_job_run
from articles.references.importing.previewing import import_preview_run
from articles.references.importing.uploads import import_uploads_expire
from articles.services import audience_body_score, reference_pages_refresh
from articles.status_counts import article_status_counts_fold
from articles.task_failures import failed_tasks_prune


@shared_task(base=OutboxTask)
def score_audience_body(body_id: int) -> float | None:
    """Compute and store the readability of one audience body; idempotent."""
    body = audience_body_score(body_id=body_id)
    return body.fk_grade if body is not None else None


@shared_task(base=OutboxTask)
def refresh_pages_citing_reference(reference_id: int) -> int:
    """Render again the public HTML citing a reference whose retraction changed; idempotent."""
    return reference_pages_refresh(reference_id=reference_id)


@shared_task
def relay_outbox() -> int:
    """Send the outbox messages the broker could not take when their action committed."""
    return outbox_relay()


@shared_task
def prune_outbox() -> int:
    """Delete the outbox messages done or given up, and the failed tasks run again, long ago
    (IMPRIMATUR_PRUNE_AFTER_DAYS)."""
    return outbox_prune() + failed_tasks_prune()


@shared_task(base=OutboxTask)
def retire_cached_article_pages(slug: str) -> None:
    """Retire the cached pages of the article `slug` ("" for every article); idempotent."""
    cached_pages_retire(slug=slug)


@shared_task(base=OutboxTask)
def import_references(upload_id: int) -> int:
    """Run a confirmed reference import in batches, resuming after the last finished batch;
    returns how many records it has imported."""
    job = import_job_run(upload_id=upload_id)
    return job.records_imported if job is not None else 0


@shared_task(base=OutboxTask)
def preview_references(upload_id: int) -> int:
    """Read an uploaded reference file into its preview rows in batches, going on after the
    last finished batch; returns how many records it has read."""
    upload = import_preview_run(upload_id=upload_id)
    return upload.records_read if upload is not None else 0


@shared_task
def expire_import_uploads() -> int:
    """Delete the reference files previewed or imported more than six hours ago, with their
    pieces (never an import still queued or running); returns how many went."""
    return import_uploads_expire()


@shared_task
def fold_status_counts() -> int:
    """Fold the rows counting articles per status into one per status (articles.status_counts);
    returns how many rows were folded."""
    return article_status_counts_fold()


@shared_task
def send_unsaid_questions() -> int:
    """Send the editors the readers' questions whose reader left without saying whether the
    passages offered answered them; returns how many went."""
    return follow_up_questions_unsaid_send()
