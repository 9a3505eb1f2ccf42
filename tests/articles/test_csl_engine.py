"""The embedded citeproc-js engine: one per process, shared by threads, refused after a fork."""

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path

from articles.references import csl_engine
from articles.references.csl_engine import bibliography_html

GOLDEN = json.loads((Path(__file__).parent / "golden" / "citeproc_golden.json").read_text("utf-8"))
ROOT = Path(__file__).resolve().parents[2]


def test_threads_share_the_engine_and_each_gets_its_own_bibliography():
    batches = [[entry["item"] for entry in GOLDEN["items"][start::8][:12]] for start in range(8)]
    expected = [[GOLDEN["items"][start::8][n]["AMA"] for n in range(12)] for start in range(8)]
    results: dict[int, list[list[str]]] = {n: [] for n in range(8)}

    def work(n: int) -> None:
        for _ in range(3):
            results[n].append(
                bibliography_html(style="american-medical-association", items=batches[n])
            )

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for n in range(8):
        assert len(results[n]) == 3
        for got in results[n]:
            # Numbers restart at 1 in each bibliography; the entry after them is the golden one.
            assert [entry.split("</div>", 1)[1] for entry in got] == [
                entry.split("</div>", 1)[1] for entry in expected[n]
            ]


def _python(script: str) -> "subprocess.CompletedProcess[str]":
    """`script` run by this interpreter in a process of its own (V8 crashes take it down)."""
    return subprocess.run(  # noqa: S603 - our own script, run by this interpreter
        [sys.executable, "-W", "ignore", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


FORK = """
import os, sys
from articles.references.csl_engine import EngineForked, bibliography_html
item = {"id": "0", "type": "book", "title": "Parent", "issued": {"date-parts": [[2001]]}}
bibliography_html(style="american-medical-association", items=[item])
pid = os.fork()
if pid == 0:
    try:
        bibliography_html(style="american-medical-association", items=[item])
    except EngineForked as error:
        print("child:", error)
    sys.exit(0)  # a normal exit, which must not wait for the parent's V8 threads
_, status = os.waitpid(pid, 0)
print("child status", status)
entry = bibliography_html(style="nlm-citation-sequence", items=[item])[0]
print("parent:", " ".join(entry.split()))
"""


def test_a_forked_child_is_refused_clearly_and_exits_while_the_parent_goes_on():
    done = _python(FORK)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("child: citeproc-js was started in process ")
    assert lines[1] == "child status 0"
    assert lines[2].startswith("parent: <div")
    assert "Parent. 2001." in lines[2]


def test_an_engine_made_and_used_where_an_asyncio_loop_runs_works(monkeypatch):
    # As under an ASGI server or Playwright: MiniRacer would adopt the running loop.
    monkeypatch.setattr(csl_engine, "_engine", None)
    item = {"id": "0", "type": "book", "title": "Loop", "issued": {"date-parts": [[2001]]}}

    async def format_in_loop() -> list[str]:
        return bibliography_html(style="american-medical-association", items=[item])

    try:
        entries = asyncio.run(format_in_loop())
        assert "<i>Loop</i>. 2001." in entries[0]
        # and again from a thread without a loop, on the same engine
        assert (
            "<i>Loop</i>. 2001."
            in bibliography_html(style="american-medical-association", items=[item])[0]
        )
    finally:
        engine = csl_engine._engine
        if engine is not None:
            engine.close()


THREADS = """
import threading
from articles.references import csl_engine
item = {"id": "0", "type": "book", "title": "Threads", "issued": {"date-parts": [[2001]]}}
# The first bibliography of the process from a thread that then ends.
worker = threading.Thread(
    target=csl_engine.bibliography_html,
    kwargs={"style": "american-medical-association", "items": [item]},
)
worker.start()
worker.join()
# A second engine (as after a reload), used, then both freed from the main thread.
second = csl_engine.CiteprocEngine()
print(" ".join(second.bibliography("nlm-citation-sequence", [item])[0].split()))
second.close()
csl_engine._engine.close()
print("closed")
"""


def test_engines_made_used_and_freed_from_any_thread_leave_the_process_standing():
    # mini-racer's V8 belongs to the thread that started it: freeing a context that had run
    # citeproc-js elsewhere, or making a second one, crashed the process (SIGSEGV).
    done = _python(THREADS)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "Threads. 2001." in lines[0]
    assert lines[1] == "closed"
