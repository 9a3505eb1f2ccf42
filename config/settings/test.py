"""The test suite: whatever DATABASE_URL says (SQLite by default), fast hashing, no real mail."""

import os
import tempfile

from config.settings.base import *

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789abcdef"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
IMPRIMATUR_DEMO_PASSWORDS = True
# Jobs run eagerly in tests; the Celery integration test starts a real worker on Redis itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared memory: the worker and browser tests read it from other threads.
    # One per process, so two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"imprimatur-test-{os.getpid()}.sqlite3")
    }
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests never run collectstatic: serve static files from the apps and static/ directly.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# No test reaches the internet: identifier lookups go to a closed port unless a test points
# them at its replay server (tests/articles/lookup_responses/).
IMPRIMATUR_DOI_LOOKUP_URL = "http://127.0.0.1:9/doi/"
IMPRIMATUR_PUBMED_LOOKUP_URL = "http://127.0.0.1:9/ctxp/"
