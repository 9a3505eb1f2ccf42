"""Load the site under gunicorn on PostgreSQL and Redis with wrk: `make bench` (a script).

Recreates the database `imprimatur_bench` (BENCH_DATABASE_URL), seeds BENCH_ARTICLES published
articles in bulk (bench/seed.py), starts gunicorn with the production settings on a free
loopback port, runs Debian's `wrk --latency` against each page and prints requests per second,
p50 and p99 latency and the ratio to /healthz measured in the same run. The table also goes
into BENCHMARKS.md between its bench markers.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

# The project's root on the path before anything of it is imported (a script run by its path).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.config import (
    ARTICLES,
    COLD_PAGES,
    DATABASE_URL,
    ONLY,
    REFERENCES,
    ROOT,
    SERVER_ENV,
    WORKERS,
    wanted,
)
from bench.load import (
    SERVER_PIDS,
    Result,
    free_port,
    get,
    rss_text,
    wait_for,
    walk_every_page,
    workers_rss_mb,
    wrk,
)
from bench.report import Row, benchmarks_md_update, machine, measure, table
from bench.rows import answer_page, public_pages, searches, simple_pages, workspace_pages

# wrk: walk through distinct (article, level) pages, none asked twice in a run.
COLD_LUA = """
local levels = {%(levels)s}
local articles = %(articles)d
local pages = %(pages)d
local n = 0
init = function(args)
  n = tonumber(args[1]) or 0
end
request = function()
  local k = n %% pages
  local slug = k %% articles
  local level = levels[math.floor(k / articles) %% #levels + 1]
  n = n + 1
  return wrk.format("GET", "/articles/bench-" .. slug .. "/?audience=" .. level)
end
"""


def database_recreate() -> None:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def stored_pages_analyze() -> None:
    """ANALYZE the stored pages' table, as autovacuum would have after it grew. This machine's
    PostgreSQL runs without autovacuum: planned while the table was empty, the generic plans
    the page keeps (articles.sql_rows.generic_plans) would read it whole for the rest of the
    run (the cold page 25 ms of CPU at 20,000 pages); statistics renewed, they are made again.
    """
    from django.db import connection

    from articles.models import StoredPage

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {StoredPage._meta.db_table}")


def main() -> None:
    started = time.perf_counter()
    reuse = os.environ.get("BENCH_REUSE_DATABASE") == "1"  # to try server settings quickly
    if not reuse:
        database_recreate()

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from articles.models import AudienceLevel, StoredPage
    from bench.seed import seed

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if reuse:
        from knox.models import AuthToken

        from editorial.models import User

        _, token = AuthToken.objects.create(user=User.objects.get(username="bench-editor"))
    else:
        seeded = time.perf_counter()
        token = seed(articles=ARTICLES, references=REFERENCES, report=print)
        print(f"Seeded {ARTICLES} articles in {time.perf_counter() - seeded:.1f} s")
        # After a bulk load, as in production: planner statistics now, and no autovacuum
        # competing with the measurements.
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")  # maintenance: no request's limit
            cursor.execute("VACUUM ANALYZE")
    levels = list(AudienceLevel.objects.values_list("slug", flat=True))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 (our own arguments)
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--worker-class=sync",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        start_new_session=True,
    )
    SERVER_PIDS.append(server.pid)
    rows: list[Row] = []
    try:
        wait_for(f"{base}/healthz")
        # Every worker answers a few requests before anything is measured.
        wrk("warm-up", f"{base}/healthz", seconds=1)
        rss_before = workers_rss_mb()
        print(f"gunicorn workers' RSS: {rss_text(rss_before)}")
        article = f"{base}/articles/bench-7/"
        healthz = f"{base}/healthz"

        pages = ARTICLES * len(levels)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            levels_lua = ", ".join(f'"{slug}"' for slug in levels)
            lua.write(COLD_LUA % {"levels": levels_lua, "articles": ARTICLES, "pages": pages})
        cold_pages = min(pages, COLD_PAGES)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as cold_lua:
            values = {"levels": levels_lua, "articles": ARTICLES, "pages": cold_pages}
            cold_lua.write(COLD_LUA % values)

        # First readers after a change: neither in the cache nor stored, each page is built
        # from the database (and stored). The walk goes on from round to round.
        if wanted("article, built from the database"):
            StoredPage.objects.all().delete()
            cache.clear()
        built = 0

        def first_readers() -> Result:
            nonlocal built
            url = f"{base}/articles/bench-N/"
            result = wrk("article, built", url, script=lua.name, script_args=[str(built)])
            if not built:  # the first, uncounted run: the table is no longer empty
                stored_pages_analyze()
            built += result.requests
            return result

        if wanted("article, built from the database"):
            rows.append(measure("article, built from the database", healthz, first_readers))
        if built > pages:
            print(f"note: {built} requests for {pages} distinct pages")

        # Every page read once since its publication (as readers would have), then the cache
        # lost before each round: each request a page the cache does not have, served from its
        # stored copy.
        if wanted("article, cold cache"):
            walk_every_page(base, levels, cold_pages)
            stored_pages_analyze()
        walked = 0

        def cold() -> Result:
            nonlocal walked
            cache.clear()
            url = f"{base}/articles/bench-N/"
            result = wrk("article, cold cache", url, script=cold_lua.name)
            walked = max(walked, result.requests)
            return result

        if wanted("article, cold cache"):
            rows.append(measure("article, cold cache", healthz, cold))
        os.unlink(lua.name)
        os.unlink(cold_lua.name)
        if walked > cold_pages:
            print(f"note: a round made {walked} requests for {cold_pages} distinct pages")

        get(article)  # fills the cache
        if wanted("article, warm cache"):
            rows.append(measure("article, warm cache", healthz, lambda: wrk("warm", article)))
        # The page makes no CSRF token (the question form is a frame of its own): it sets no
        # cookie, and a returning reader sends back the cookies of their first visit, the
        # level they chose and the question frame's CSRF cookie (for information; the row
        # above is the one the targets are about).
        assert "Set-Cookie" not in get(article)[1], "the article page set a cookie"
        frame = get(f"{article}questions/")[1].get("Set-Cookie", "")
        cookie = re.search(r"csrftoken=([^;]+)", frame)
        assert cookie is not None, "the question frame set no CSRF cookie"
        returning = f"Cookie: audience={levels[-1]}; csrftoken={cookie.group(1)}"
        if wanted("article, warm, returning reader"):
            rows.append(
                measure(
                    "article, warm, returning reader",
                    healthz,
                    lambda: wrk("warm, returning", article, headers=[returning]),
                )
            )
        status, headers = get(article)
        assert status == 200, status
        etag = f"If-None-Match: {headers['ETag']}"
        if wanted("article, 304"):
            rows.append(
                measure("article, 304", healthz, lambda: wrk("304", article, headers=[etag]))
            )
        if wanted("home"):
            rows.append(measure("home", healthz, lambda: wrk("home", f"{base}/")))
        rows += searches(base, healthz)
        if wanted("answer page"):
            rows.append(answer_page(article, healthz))
        api = f"{base}/api/v1/articles/"
        auth = f"Authorization: Token {token}"
        if wanted("API article list"):
            rows.append(
                measure("API article list", healthz, lambda: wrk("api", api, headers=[auth]))
            )

        # What every API answer costs before its own work (bench/urls.py): no list is cheaper.
        def empty_answer() -> Result:
            return wrk("empty", f"{base}/bench/api-floor/", headers=[auth])

        if wanted("API, an empty answer"):
            rows.append(measure("API, an empty answer", healthz, empty_answer))
        rows += simple_pages(base, healthz, public_pages())
        rows += simple_pages(base, healthz, workspace_pages())
        rss_after = workers_rss_mb()
        facts = machine()
        facts["worker RSS before the first round"] = rss_text(rss_before)
        facts["worker RSS after the last round"] = rss_text(rss_after)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    for name, size in rss_after.items():
        print(f"worker {name}: RSS {rss_before.get(name, 0):.0f} MB before, {size:.0f} MB after")
    report = table(rows)
    print()
    print(report)
    print()
    for key, value in facts.items():
        print(f"{key}: {value}")
    if ONLY:  # a partial table would replace the last full one
        print(f"\nBENCH_ONLY: BENCHMARKS.md left as it was; {time.perf_counter() - started:.0f} s")
        return
    benchmarks_md_update(
        "\n".join(f"- **{key}**: {value}" for key, value in facts.items()) + "\n\n" + report
    )
    print(f"\nBENCHMARKS.md updated; {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
