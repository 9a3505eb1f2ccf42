"""Load the site under gunicorn on PostgreSQL and Redis with wrk: `make bench` (a script).

Recreates the database `imprimatur_bench` (BENCH_DATABASE_URL), seeds BENCH_ARTICLES published
articles in bulk (bench/seed.py), starts gunicorn with the production settings on a free
loopback port, runs Debian's `wrk --latency` against each page and prints requests per second,
p50 and p99 latency and the ratio to /healthz measured in the same run. The table also goes
into BENCHMARKS.md between its bench markers.
"""

import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.only import row_named  # noqa: E402 (the project's root is on the path only now)

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
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
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


# wrk: a search no reader asked before (so never in the cache): the word OR a word found
# nowhere, numbered from the first argument on; websearch ranks the same matches as the word.
SEARCH_LUA = """
local word = "%(word)s"
local n = 0
init = function(args)
  n = tonumber(args[1]) or 0
end
request = function()
  n = n + 1
  return wrk.format("GET", "/?q=" .. word .. "+or+zq" .. n .. "x")
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    cpu_ms: float = 0.0  # CPU time of the gunicorn processes per request


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SERVER_PIDS: list[int] = []  # gunicorn's master; its workers are found as its children


DATABASE_NAME = urlsplit(DATABASE_URL).path.lstrip("/")


def server_cpu_seconds() -> float:
    """User and system CPU time used so far by gunicorn's master and workers and by the
    PostgreSQL backends connected to the bench database (from /proc; Redis, shared with other
    users of the machine, is left out)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            title = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, UnicodeDecodeError):
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        backend = (
            title.startswith("postgres:")
            and f" {DATABASE_NAME} " in title
            and "autovacuum" not in title
        )
        if pid in SERVER_PIDS or ppid in SERVER_PIDS or backend:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def workers_rss_mb() -> dict[int, float]:
    """Resident memory (VmRSS) of each gunicorn worker, in MB, by pid."""
    sizes = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid not in SERVER_PIDS:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, ValueError):
            continue
        kb = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if kb:
            sizes[int(stat.parent.name)] = int(kb.group(1)) / 1024
    return dict(sorted(sizes.items()))


def rss_text(sizes: dict[int, float]) -> str:
    return ", ".join(f"{size:.0f}" for size in sizes.values()) + " MB"


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    name: str,
    url: str,
    *,
    headers: list[str] = (),  # type: ignore[assignment]
    script: str | None = None,
    script_args: list[str] = (),  # type: ignore[assignment]
    seconds: int = DURATION,
) -> Result:
    command = [WRK, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", script]
    # Our own arguments only: the script runs no user input.
    arguments = ["--", *script_args] if script_args else []
    cpu_before = server_cpu_seconds()
    output = subprocess.run(  # noqa: S603
        [*command, url, *arguments], capture_output=True, text=True, check=True
    ).stdout
    cpu = server_cpu_seconds() - cpu_before
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result = Result(
        name=name,
        path=urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else ""),
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )
    result.cpu_ms = cpu * 1000 / max(result.requests, 1)
    return result


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (http, loopback)
    try:
        # Generous: a slow page under load is a result to print, not a reason to stop the run.
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} in {timeout:.0f} s")


def walk_every_page(base: str, levels: list[str], limit: int) -> None:
    """Ask for the first `limit` (article, level) pages of the walk once, a few at a time."""
    urls = [
        f"{base}/articles/bench-{number}/?audience={level}"
        for level in levels
        for number in range(ARTICLES)
    ][:limit]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        statuses = list(pool.map(lambda url: get(url)[0], urls))
    assert set(statuses) == {200}, sorted(set(statuses))
    print(f"Read every page once: {len(urls)} in {time.perf_counter() - started:.0f} s")


def machine() -> dict[str, str]:
    import django
    from django.db import connection

    from bench.seed import IN_REVIEW_EVERY, QUESTION_EVERY
    from editorial.models import BOARD_GROUP, User

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk_version = subprocess.run([WRK, "-v"], capture_output=True, text=True).stdout.split()[1]  # noqa: S603
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": f"{int(memory) / 2**20:.1f} GiB",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": postgres,
        "wrk": wrk_version,
        "gunicorn": f"{WORKERS} sync workers",
        "load": (
            f"wrk -t1 -c{CONNECTIONS} -d{DURATION}s --latency on the same machine, {ROUNDS} "
            "rounds per page, each between two /healthz runs; medians"
        ),
        "data": (
            f"{ARTICLES} published articles, 3 audience bodies, 6 references, 2 approvals "
            f"each; {ARTICLES // IN_REVIEW_EVERY} of them with a revision under review by 2 of "
            f"{User.objects.filter(groups__name=BOARD_GROUP).count()} board members; "
            f"{ARTICLES // QUESTION_EVERY} readers' questions"
        ),
    }


@dataclass
class Row:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    ratio: float
    healthz_rps: float
    cpu_ms: float
    healthz_cpu_ms: float
    cpu_ratio: float
    warnings: int


def wanted(name: str) -> bool:
    """Whether BENCH_ONLY asks for the row `name` (bench.only)."""
    return row_named(name, ONLY)


def measure(name: str, healthz: str, run: Callable[[], Result]) -> Row:
    """ROUNDS runs of the page, each between two runs of /healthz (the run after one round is
    the run before the next); a round's ratio divides the page by the mean of the two around
    it, so the machine speeding up or slowing down during the round weighs on both sides.
    Medians of the page's figures and of the ratios. A first run of the page, not counted,
    warms every worker (imports, templates, prepared statements, connections)."""
    run()
    bases = [wrk("/healthz", healthz)]
    pages = []
    for _ in range(ROUNDS):
        pages.append(run())
        bases.append(wrk("/healthz", healthz))
    pairs = [
        (
            replace(
                bases[number],
                rps=(bases[number].rps + bases[number + 1].rps) / 2,
                cpu_ms=(bases[number].cpu_ms + bases[number + 1].cpu_ms) / 2,
            ),
            page,
        )
        for number, page in enumerate(pages)
    ]
    # A /healthz run right after a page so slow that every worker was still busy with it can
    # count no request at all: such a round gives no ratio (and says so).
    measured = [(base, page) for base, page in pairs if base.rps > 0 and page.cpu_ms > 0]
    if len(measured) < len(pairs):
        print(f"note: {name}: {len(pairs) - len(measured)} round(s) without a /healthz baseline")
    if not measured:  # no ratio at all: shown as 0
        measured = [
            (replace(base, rps=math.inf, cpu_ms=0.0), replace(page, cpu_ms=math.inf))
            for base, page in pairs
        ]
    pairs = measured
    row = Row(
        name=name,
        path=pages[0].path,
        rps=statistics.median(page.rps for page in pages),
        p50_ms=statistics.median(page.p50_ms for page in pages),
        p99_ms=statistics.median(page.p99_ms for page in pages),
        ratio=statistics.median(page.rps / base.rps for base, page in pairs),
        healthz_rps=statistics.median(base.rps for base, _ in pairs),
        cpu_ms=statistics.median(page.cpu_ms for page in pages),
        healthz_cpu_ms=statistics.median(base.cpu_ms for base, _ in pairs),
        cpu_ratio=statistics.median(base.cpu_ms / page.cpu_ms for base, page in pairs),
        warnings=sum(page.non_2xx for page in pages),
    )
    print(
        f"{name}: {row.rps:,.0f} req/s, /healthz {row.healthz_rps:,.0f} req/s, "
        f"ratio {row.ratio:.2f} (rounds: "
        + ", ".join(f"{page.rps / base.rps:.2f}" for base, page in pairs)
        + f"); server CPU {row.cpu_ms:.2f} ms/request, CPU ratio {row.cpu_ratio:.2f}"
    )
    if row.warnings:
        print(f"warning: {name}: {row.warnings} answers were not 2xx or 3xx")
    return row


def table(rows: list[Row]) -> str:
    lines = [
        "| page | path | req/s | p50 ms | p99 ms | /healthz req/s | ratio "
        "| server CPU ms/req (gunicorn + PostgreSQL) | /healthz CPU ms/req | CPU ratio |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | `{row.path}` | {row.rps:,.0f} | {row.p50_ms:.2f} "
            f"| {row.p99_ms:.2f} | {row.healthz_rps:,.0f} | {row.ratio:.2f} "
            f"| {row.cpu_ms:.2f} | {row.healthz_cpu_ms:.2f} | {row.cpu_ratio:.2f} |"
        )
    return "\n".join(lines)


def benchmarks_md_update(text: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    current = path.read_text() if path.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    before, _, rest = current.partition(start)
    _, _, after = rest.partition(end)
    path.write_text(f"{before}{start}\n{text}\n{end}{after}")


@dataclass(frozen=True)
class Page:
    """A page measured as it is: `who` is the session it is read with ("" anonymous)."""

    name: str
    path: str
    who: str = ""


def public_pages() -> list[Page]:
    return [
        Page("sitemap index", "/sitemap.xml"),
        Page("sitemap, first page", "/sitemap-articles.xml"),
        Page("feed of updates", "/feeds/updates/"),
    ]


def workspace_pages() -> list[Page]:
    """The workspace lists, each read by who uses it: the editor, bench-reviewer-0 (who
    approved every published article: ARTICLES assignments) and the first board member (a few
    reviews under way, their notifications)."""
    from articles.models import Article

    in_review = Article.objects.get(slug="bench-0").pk
    return [
        Page("board", "/editorial/board/", "editor"),
        Page("board, one state", "/editorial/board/?status=under_review&page=2", "editor"),
        Page("dashboard, editor", "/editorial/", "editor"),
        Page("dashboard, board member", "/editorial/", "member"),
        Page("review queue", "/editorial/reviews/?page=2", "reviewer"),
        Page("inbox", "/editorial/inbox/", "member"),
        Page("article history", f"/editorial/articles/{in_review}/history/", "editor"),
        Page("readers' questions", "/editorial/questions/", "editor"),
        *reference_pages(),
    ]


def reference_pages() -> list[Page]:
    """The reference library at BENCH_REFERENCES (bench.seed_references): its first page, a
    search for a word in most titles, a rare word and a DOI; the article editor's citation
    picker; the API's list and search. Each read by the editor."""
    from urllib.parse import quote

    from articles.references.models import ReferenceVersion
    from bench.seed_references import COMMON_WORD, RARE_WORD

    doi = ReferenceVersion.objects.exclude(doi="").order_by("-pk").values_list("doi", flat=True)[0]
    library = "/editorial/references/"
    return [
        Page("reference library", library, "editor"),
        Page("reference library search, common word", f"{library}?q={COMMON_WORD}", "editor"),
        Page("reference library search, rare word", f"{library}?q={RARE_WORD}", "editor"),
        Page("reference library search, DOI", f"{library}?q={quote(doi, safe='')}", "editor"),
        Page("citation picker search", f"{library}picker/?q={COMMON_WORD}", "editor"),
        Page("API reference list", "/api/v1/references/", "editor"),
        Page("API reference search", f"/api/v1/references/?q={COMMON_WORD}", "editor"),
    ]


def session_cookie(username: str) -> str:
    """A Cookie header with a session of `username` (as after a login)."""
    from django.conf import settings
    from django.test import Client

    from editorial.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    return f"Cookie: {name}={client.cookies[name].value}"


USERS = {"editor": "bench-editor", "reviewer": "bench-reviewer-0", "member": "bench-member-0"}


def simple_pages(base: str, healthz: str, pages: list[Page]) -> list[Row]:
    """Each page as its reader reads it; a page this build does not have (404) is skipped."""
    pages = [page for page in pages if wanted(page.name)]
    cookies = {who: session_cookie(username) for who, username in USERS.items() if pages}
    rows = []
    for page in pages:
        headers = [cookies[page.who]] if page.who else []
        status, _ = get(f"{base}{page.path}", dict(h.split(": ", 1) for h in headers))
        if status == 404:
            print(f"skipped {page.name}: {page.path} answers 404 in this build")
            continue
        assert status == 200, (page.path, status)
        rows.append(
            measure(page.name, healthz, partial(wrk, "page", f"{base}{page.path}", headers=headers))
        )
    return rows


def searches(base: str, healthz: str) -> list[Row]:
    """A common and a rare word, each cached (the same query again and again) and not (each
    request a query asked by nobody before: see SEARCH_LUA)."""
    from bench.seed import RARE_WORD

    rows = []
    for kind, word in (("common", SEARCH_WORD), ("rare", RARE_WORD)):
        url = f"{base}/?q={word}"
        if wanted(f"search, {kind} word, cached"):
            rows.append(
                measure(f"search, {kind} word, cached", healthz, partial(wrk, "search", url))
            )
        if not wanted(f"search, {kind} word, not cached"):
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(SEARCH_LUA % {"word": word})
        asked = 0

        def uncached(script: str = lua.name, path: str = f"{base}/?q={word}+or+zqNx") -> Result:
            nonlocal asked
            result = wrk("search", path, script=script, script_args=[str(asked)])
            asked += result.requests  # the next run goes on from there: no query twice
            return result

        rows.append(measure(f"search, {kind} word, not cached", healthz, uncached))
        os.unlink(lua.name)
    return rows


def answer_page(article: str, healthz: str) -> Row:
    """A reader's question answered from the passages of the published articles
    (articles.answers): found once when asked (timed here), then the answer page, which reads
    what was offered."""
    from articles.answers import follow_up_question_ask
    from articles.models import Article, AudienceLevel
    from articles.public.question_views import answer_token

    asked = time.perf_counter()
    question = follow_up_question_ask(
        article=Article.objects.get(slug="bench-7"),
        audience=AudienceLevel.objects.get(is_canonical=True),
        question=f"What should I know about {SEARCH_WORD}?",
    )
    found_ms = (time.perf_counter() - asked) * 1000
    print(f"Passages found for a question in {found_ms:.0f} ms ({question.offered_count})")
    answer = f"{article}questions/answer/{answer_token(question)}/"
    return measure("answer page", healthz, lambda: wrk("answer", answer))


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
