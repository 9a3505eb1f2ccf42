"""The platform run as in production, for the tests of faults: two web instances (gunicorn),
two Celery workers and one beat, against one PostgreSQL and one Redis reached through TCP
proxies the test controls (tests/tcp_proxy.py), sending e-mail to a real SMTP server the test
controls (tests/smtp_sink.py). Timings are shortened through the settings' environment: the
relay every second, retries after one to two seconds, a lease of eight.

Each process logs to test-artifacts/stack/<name>.log."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.smtp_sink import SmtpSink
from tests.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOGS = ROOT / "test-artifacts" / "stack"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]
    seconds: float


@dataclass
class Stack:
    database: dict[str, Any]  # Django's settings_dict of the test database
    redis_db: int
    postgres: TcpProxy = field(init=False)
    redis: TcpProxy = field(init=False)
    smtp: SmtpSink = field(init=False)
    web_ports: list[int] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        db = self.database
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DEBUG": "false",
            "DATABASE_URL": (
                f"postgres://{db['USER']}@127.0.0.1:{self.postgres.port}/{db['NAME']}"
            ),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis.port}/{self.redis_db}",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
            "OUTBOX_RELAY_SECONDS": "1",
            "OUTBOX_GRACE_SECONDS": "1",
            "OUTBOX_LEASE_SECONDS": "8",
            "RETRY_FIRST_WAIT": "1",
            "RETRY_LONGEST_WAIT": "2",
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "IMPRIMATUR_PAGE_LOCAL_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }

    def start(self) -> "Stack":
        LOGS.mkdir(parents=True, exist_ok=True)
        self.postgres = TcpProxy(
            self.database["HOST"] or "127.0.0.1", int(self.database["PORT"] or 5432)
        ).start()
        self.redis = TcpProxy("127.0.0.1", 6379).start()
        self.smtp = SmtpSink().start()
        import redis

        redis.Redis(port=6379, db=self.redis_db).flushdb()
        for name in ("web-a", "web-b"):
            port = free_port()
            self.web_ports.append(port)
            self._spawn(
                name,
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi:application",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    "1",
                    "--timeout",
                    "60",
                ],
            )
        for name in ("worker-1", "worker-2"):
            self.worker_start(name)
        self._spawn(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "-s",
                str(LOGS / f"beat-{self.redis_db}"),
            ],
        )
        for port in self.web_ports:
            self._wait(lambda port=port: self.get(port, "/healthz").status == 200, "web")
        for name in ("worker-1", "worker-2"):
            self._wait(lambda name=name: "ready." in self.log(name), name)
        return self

    def worker_start(self, name: str) -> None:
        """A worker running one task at a time in its own process (solo pool): SIGKILL stops
        its task in the middle."""
        self._spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
        )

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
        self.postgres.stop()
        self.redis.stop()
        self.smtp.stop()

    def log(self, name: str) -> str:
        return (LOGS / f"{name}-{self.redis_db}.log").read_text(errors="replace")

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (LOGS / f"{name}-{self.redis_db}.log").open("wb")
        self.processes[name] = subprocess.Popen(  # noqa: S603 (our own commands)
            command, cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT
        )

    @staticmethod
    def _wait(ready: Any, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{what} did not start (test-artifacts/stack/)")

    # HTTP, as a client would: no retries, a timeout.
    def request(
        self,
        port: int,
        path: str,
        *,
        method: str = "GET",
        token: str = "",
        data: bytes | None = None,
        content_type: str = "application/json",
        timeout: float = 20,
    ) -> Answer:
        headers = {"Accept": "application/json, text/html", "Host": "127.0.0.1"}
        if token:
            headers["Authorization"] = f"Token {token}"
        if data is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=data, headers=headers, method=method
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                body, status, got = response.read(), response.status, response.headers
        except urllib.error.HTTPError as error:
            body, status, got = error.read(), error.code, error.headers
        return Answer(status, body.decode(errors="replace"), dict(got), time.monotonic() - started)

    def get(self, port: int, path: str, **kwargs: Any) -> Answer:
        return self.request(port, path, **kwargs)

    def post(self, port: int, path: str, *, token: str, payload: bytes = b"{}") -> Answer:
        return self.request(port, path, method="POST", token=token, data=payload)
