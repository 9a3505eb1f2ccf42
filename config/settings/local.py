"""A developer's laptop: SQLite, in-process jobs, mail to the console."""

from config.settings.base import *

DEBUG = env.bool("DEBUG", default=True)
# Demo accounts get their known passwords only here (see `manage.py seed_demo`).
IMPRIMATUR_DEMO_PASSWORDS = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
