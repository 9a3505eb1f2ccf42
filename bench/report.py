"""The bench's report: each row measured in rounds between runs of /healthz, the machine it
ran on, and the table (printed, and kept in BENCHMARKS.md between its markers)."""

import math
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bench.config import ARTICLES, CONNECTIONS, DURATION, ROOT, ROUNDS, WORKERS, WRK
from bench.load import Result, wrk


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
