"""The production settings, as gunicorn runs them in `make bench`, with one route more
(bench.urls): the API's yardstick. Nothing else differs."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
