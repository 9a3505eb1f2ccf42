from celery import shared_task

from editorial.notifications import notifications_send_for_event


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
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


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_reference_change(self, version_id: int) -> int:  # type: ignore[no-untyped-def]
    """Tell the editors of the articles citing a version older than this corrected, retracted
    or superseded one; idempotent per article and version."""
    from editorial.citation_flags import reference_change_notify

    return reference_change_notify(version_id=version_id)
