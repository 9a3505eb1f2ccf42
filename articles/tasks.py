from celery import shared_task

from articles.services import audience_body_score


@shared_task
def score_audience_body(body_id: int) -> float | None:
    """Compute and store the readability of one audience body; idempotent."""
    body = audience_body_score(body_id=body_id)
    return body.fk_grade if body is not None else None
