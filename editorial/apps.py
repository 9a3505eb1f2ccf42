from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self) -> None:
        # Register the app's Celery tasks in every process (web included): the outbox sends
        # them by name (articles.outbox), and Celery's autodiscovery runs only in workers.
        from editorial import tasks  # noqa: F401
