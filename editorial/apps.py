from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial"

    def ready(self) -> None:
        # The app's Celery tasks registered in every process (web included): the outbox sends
        # them by name (articles.outbox), and Celery's autodiscovery runs only in workers.
        # API tokens revoked on a password change or a deactivation (signal receivers).
        from editorial import tasks, tokens  # noqa: F401
