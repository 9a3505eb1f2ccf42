from celery import shared_task

from articles.outbox import OutboxTask
from editorial.idempotency import request_keys_prune
from editorial.notifications import notifications_send_for_event
from editorial.tokens import tokens_expired_delete


@shared_task(base=OutboxTask)
def send_event_notifications(event_id: int) -> int:
    """Tell the people concerned by one audit event; idempotent, so a second run (the outbox
    retrying after SMTP or the database was away) sends nothing twice."""
    return notifications_send_for_event(event_id=event_id)


@shared_task
def send_review_reminders() -> int:
    """Due-soon and overdue reminders, each at most once per assignment."""
    from editorial.schedule import review_reminders_send  # the workflow imports this module

    return review_reminders_send()


@shared_task
def open_due_rereviews() -> int:
    """Open the re-reviews that have come due; running it twice opens nothing more."""
    from editorial.schedule import rereviews_open_due

    return rereviews_open_due()


@shared_task(base=OutboxTask)
def notify_reference_change(version_id: int) -> int:
    """Tell the editors of the articles citing a version older than this corrected, retracted
    or superseded one; idempotent per article and version."""
    from editorial.citation_flags import reference_change_notify

    return reference_change_notify(version_id=version_id)


@shared_task
def prune_expired_tokens() -> int:
    """Delete the API tokens past their expiry (editorial.tokens)."""
    return tokens_expired_delete()


@shared_task
def prune_request_keys() -> int:
    """Delete the request keys used long ago (IMPRIMATUR_PRUNE_AFTER_DAYS)."""
    return request_keys_prune()
