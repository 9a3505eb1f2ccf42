from celery import shared_task
from django.conf import settings

from editorial.idempotency import request_keys_prune
from editorial.notifications import notifications_send_for_event
from editorial.tokens import tokens_expired_delete

# Waits between tries: from a minute, doubling, up to an hour, each drawn at random below
# that (full jitter) so that a server coming back is not hit by every task at once.
RETRY_FIRST_WAIT = 60
RETRY_LONGEST_WAIT = 3600


def retries_for(
    *, hours: float, first: int = RETRY_FIRST_WAIT, longest: int = RETRY_LONGEST_WAIT
) -> int:
    """How many retries, waiting on average half of min(longest, first * 2**n) before the
    n-th (Celery's retry_backoff with retry_jitter), take about `hours`."""
    retries, waited = 0, 0.0
    while waited < hours * 3600:
        waited += min(longest, first * 2**retries) / 2
        retries += 1
    return retries


# SMTP errors are OSErrors (smtplib.SMTPException, a refused or dropped connection).
DELIVERY_RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": RETRY_FIRST_WAIT,
    "retry_backoff_max": RETRY_LONGEST_WAIT,
    "retry_jitter": True,
    "max_retries": retries_for(hours=settings.IMPRIMATUR_DELIVERY_RETRY_HOURS),
}


@shared_task(bind=True, **DELIVERY_RETRY)
def send_event_notifications(self, event_id: int) -> int:  # type: ignore[no-untyped-def]
    """Tell the people concerned by one audit event; idempotent, so retries send nothing twice."""
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


@shared_task(bind=True, **DELIVERY_RETRY)
def notify_reference_change(self, version_id: int) -> int:  # type: ignore[no-untyped-def]
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
