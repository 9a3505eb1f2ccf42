from celery import shared_task

from editorial.notifications import notifications_send_for_event


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_event_notifications(self, event_id: int) -> int:  # type: ignore[no-untyped-def]
    """Tell the people concerned by one audit event; idempotent, so retries send nothing twice."""
    return notifications_send_for_event(event_id=event_id)
