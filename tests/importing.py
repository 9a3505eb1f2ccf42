"""Posting to the reference import's pages as an editor's browser does: the task a post queues
(the preview's reading, the import) runs after its commit, as the outbox sends it (Celery is
eager in tests), and a redirect is followed to the page the editor sees next."""

from typing import Any

from django.test import TestCase


def import_post(client: Any, url: str, data: dict[str, Any], *, follow: bool = True) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    if follow and response.status_code == 302:
        return client.get(response["Location"])
    return response
