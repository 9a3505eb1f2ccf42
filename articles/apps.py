from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        # Register the app's Celery tasks in every process (web included): the outbox sends
        # them by name (articles.outbox), and Celery's autodiscovery runs only in workers.
        from articles import tasks  # noqa: F401
        from articles.public import tasks as public_tasks  # noqa: F401
