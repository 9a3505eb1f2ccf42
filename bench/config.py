"""The bench's settings, from the environment (see BENCHMARKS.md for each): where it runs, how
big, how long, which rows; and the environment gunicorn's workers get."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from bench.only import row_named

ROOT = Path(__file__).resolve().parent.parent

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imprimatur_bench"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "2000"))
# The reference library's size (bench.seed_references): issue 13's 100,000 by default.
REFERENCES = int(os.environ.get("BENCH_REFERENCES", "100000"))
DURATION = int(os.environ.get("BENCH_SECONDS", "3"))
# The machine may be shared: each page is measured in ROUNDS short runs, each right after a
# run of /healthz; a ratio is the median of the rounds' ratios, so a burst of other work that
# slows both sides in one round does not decide it.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
# The cold-cache walk goes over the first COLD_PAGES pages (article, level) again each round:
# more than a round asks at this machine's rates, and at 100,000 articles reading all 300,000
# pages first would take most of an hour.
COLD_PAGES = int(os.environ.get("BENCH_COLD_PAGES", "20000"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
# BENCH_ONLY: a comma list of row names (as in the table: "API article list,article, built from
# the database" does not split inside a name; see rows_only) to measure only those rows; the
# others are skipped, and BENCHMARKS.md keeps its last full table.
ONLY = os.environ.get("BENCH_ONLY", "")
# gunicorn's sync workers, as its documentation advises behind a buffering proxy, and as many
# as it advises (2 x cores + 1). Threaded workers keep each keep-alive connection in the
# process that accepted it: wrk's few connections then land on the workers by chance, and the
# same /healthz run measured anything from 1,000 to 3,600 req/s here (see BENCHMARKS.md).
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
SEARCH_WORD = "tendon"  # in one article in six
WRK = shutil.which("wrk") or "/usr/bin/wrk"  # `make bench` installs Debian's wrk
SERVER_ENV = {
    # The production settings with one route more, the API's yardstick (bench/settings.py).
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": "http://127.0.0.1:8000",  # what the pages name themselves under
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
    "SECURE_HSTS_SECONDS": "0",
    "EMAIL_URL": "consolemail://",
    "LOG_LEVEL": "WARNING",
    # Connections kept through the run: the CPU of a PostgreSQL backend is counted while it
    # lives (server_cpu_seconds), and one that closed during a run took its CPU with it (a
    # negative CPU per request was seen at CONN_MAX_AGE 60).
    "CONN_MAX_AGE": "3600",
}
os.environ.update(SERVER_ENV)


DATABASE_NAME = urlsplit(DATABASE_URL).path.lstrip("/")


def wanted(name: str) -> bool:
    """Whether BENCH_ONLY asks for the row `name` (bench.only)."""
    return row_named(name, ONLY)
