"""Settings read from the environment, checked in fresh interpreters."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x7!k2p-q9v#t4w8z-m3n6b1c5d0f-h2j4l6s8a0e9r7u5y3i1o-g",
    "ALLOWED_HOSTS": "reviews.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/imprimatur",
    "SITE_URL": "https://reviews.example.org",
}


def _run(code_or_args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    ours = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(  # noqa: S603
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(*names: str, **env: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    result = _run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_passes_the_deployment_check_without_warnings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_its_address():
    """Without SITE_URL, e-mails would link to, and every public page name itself at,
    http://127.0.0.1:8000."""
    env = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = _run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr
    values = _settings("SITE_URL", "IMPRIMATUR_PUBLIC_ORIGIN", **PRODUCTION)
    assert values == {
        "SITE_URL": "https://reviews.example.org",
        "IMPRIMATUR_PUBLIC_ORIGIN": "https://reviews.example.org",
    }


def test_without_redis_jobs_run_in_process_and_the_cache_is_local_memory():
    values = _settings(
        "CELERY_TASK_ALWAYS_EAGER",
        "CACHES",
        "DATABASES",
        DJANGO_SETTINGS_MODULE="config.settings.local",
    )
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_redis_url_moves_jobs_and_cache_to_redis_and_database_url_is_read():
    values = _settings(
        "CELERY_TASK_ALWAYS_EAGER",
        "CELERY_BROKER_URL",
        "CELERY_TASK_IGNORE_RESULT",
        "CACHES",
        "DATABASES",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/somewhere",
    )
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert values["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    # Short timeouts: with Redis unreachable, requests go on without it (config/redis_cache.py).
    assert values["CACHES"]["default"]["OPTIONS"] == {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
    }
    assert values["CELERY_TASK_IGNORE_RESULT"] is True  # nothing reads task results
    assert values["DATABASES"]["default"]["NAME"] == "somewhere"
    # PostgreSQL keeps the statements a connection runs often prepared (no planning each time).
    options = values["DATABASES"]["default"]["OPTIONS"]
    assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 5)


def test_email_url_configures_the_smtp_mailer():
    values = _settings(
        "MAILERS",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        EMAIL_URL="smtp+tls://mailer:s3cret@smtp.example.org:587",
    )
    options = values["MAILERS"]["default"]["OPTIONS"]
    assert values["MAILERS"]["default"]["BACKEND"].endswith("smtp.EmailBackend")
    assert (options["host"], options["port"], options["use_tls"]) == ("smtp.example.org", 587, True)


def test_the_keys_retired_after_a_cache_outage_are_the_pages_and_searches_tokens(settings):
    from articles.page_versions import LEVELS_KEY
    from articles.search_documents import SEARCH_GENERATION_KEY

    assert settings.IMPRIMATUR_CACHE_KEYS_AFTER_OUTAGE == [LEVELS_KEY, SEARCH_GENERATION_KEY]
