"""The load and what it costs the server: wrk's runs, the requests of the set-up, and the CPU
time and memory of gunicorn's processes and of the PostgreSQL backends."""

import os
import re
import socket
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.config import ARTICLES, CONNECTIONS, DATABASE_NAME, DURATION, WRK


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
