"""citeproc-js, the CSL processor of Zotero and Mendeley, run in an embedded V8 (mini-racer).

The processor (`articles/csl/citeproc.js`), the styles and the en-US locale are vendored, so
nothing is downloaded at run time. One warm engine per process and style: the first
bibliography of a process pays for loading (about 0.3 s), later ones a few milliseconds.
V8 isolates are not thread-safe, so calls are serialised by a lock; a process that forks
(gunicorn, Celery) builds its own engine, never using one made by its parent.
"""

import atexit
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from py_mini_racer import MiniRacer

CSL_DIR = Path(__file__).resolve().parent.parent / "csl"
LOCALE = "en-US"
# A bibliography that takes longer than this is a fault (a runaway loop), not a slow style.
TIMEOUT_SECONDS = 10.0
# The isolate's heap stays small (the processor and two styles take about 30 MB); over this
# soft limit V8 collects garbage harder.
SOFT_MEMORY_LIMIT = 128 * 1024 * 1024

# Builds one CSL.Engine per style on first use and keeps it; each call registers its items in
# citation order and returns the bibliography's entries in that order. `retrieveItem` reads the
# items of the current call only, so nothing accumulates between calls.
_GLUE = """
var imprimatur = (function () {
  var items = {};
  var locales = {};
  var styles = {};
  var engines = {};
  var sys = {
    retrieveLocale: function (lang) { return locales[lang] || locales["__LOCALE__"]; },
    retrieveItem: function (id) { return items[id]; }
  };
  return {
    addLocale: function (lang, xml) { locales[lang] = xml; return true; },
    addStyle: function (name, xml) { styles[name] = xml; return true; },
    bibliography: function (name, batch) {
      var engine = engines[name];
      if (!engine) {
        engine = engines[name] = new CSL.Engine(sys, styles[name], "__LOCALE__");
      }
      items = {};
      var ids = [];
      for (var i = 0; i < batch.length; i++) {
        items[batch[i].id] = batch[i];
        ids.push(batch[i].id);
      }
      engine.updateItems(ids);
      var result = engine.makeBibliography();
      items = {};
      var byId = {};
      for (var j = 0; j < result[0].entry_ids.length; j++) {
        byId[result[0].entry_ids[j][0]] = result[1][j];
      }
      return ids.map(function (id) { return byId[id] || ""; });
    }
  };
})();
""".replace("__LOCALE__", LOCALE)


FORKED = (
    "citeproc-js was started in process {parent}, which then forked this one, and V8 does not "
    "survive a fork: start it only in the processes that format (gunicorn's workers, Celery's "
    "pool), never in a parent that forks them."
)


class EngineForked(RuntimeError):
    """This process inherited V8 through fork(): it can neither use nor start an engine."""


Result = TypeVar("Result")


class _V8Thread:
    """The thread that starts V8 and makes and frees its contexts, one per process, as long as
    the process lives (a daemon, so it is still there for the atexit close).

    With mini-racer 0.14, V8 belongs to the thread that started it (the first MiniRacer's):
    freeing a context that had run citeproc-js from any other thread, or after that thread had
    ended, crashed the process (SIGSEGV), and so did making a second context. Running code in
    a context is safe from any thread (mini-racer runs it on a thread of its own)."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="citeproc-v8", daemon=True).start()

    def _serve(self) -> None:
        while True:
            job, done = self._jobs.get()
            try:
                done.set_result(job())
            except BaseException as error:  # raised again in the caller
                done.set_exception(error)

    def run(self, job: Callable[[], Result]) -> Result:
        """`job()` run on this thread; its result, or its exception raised here."""
        done: Future[Result] = Future()
        self._jobs.put((job, done))
        return done.result()


_v8: tuple[int, _V8Thread] | None = None
_v8_lock = threading.Lock()


def _v8_thread() -> _V8Thread:
    """This process's V8 thread (a forked child makes its own: threads do not survive fork)."""
    global _v8
    with _v8_lock:
        if _v8 is None or _v8[0] != os.getpid():
            _v8 = (os.getpid(), _V8Thread())
        return _v8[1]


def _isolate() -> MiniRacer:
    """A new MiniRacer, made on the V8 thread. That thread also has no asyncio loop: MiniRacer
    adopts the running loop of the thread that makes it (an ASGI server's, Playwright's) and
    then refuses timeouts and blocks that loop; made where none runs, it starts its own."""
    return _v8_thread().run(MiniRacer)


class CiteprocEngine:
    """A V8 context holding citeproc-js, the vendored locale, and the styles used so far."""

    def __init__(self) -> None:
        self._context = _isolate()
        self._context.set_soft_memory_limit(SOFT_MEMORY_LIMIT)
        self._styles: set[str] = set()
        # citeproc's CommonJS build assigns `module.exports`; this shim receives it.
        self._context.eval("var module = {exports: {}}; var exports = module.exports;")
        self._context.eval((CSL_DIR / "citeproc.js").read_text("utf-8"))
        self._context.eval("var CSL = module.exports;")
        self._context.eval(_GLUE)
        locale = (CSL_DIR / f"locales-{LOCALE}.xml").read_text("utf-8")
        self._context.call("imprimatur.addLocale", LOCALE, locale)

    def bibliography(self, style: str, items: list[dict[str, Any]]) -> list[str]:
        """The HTML entry citeproc-js makes of each item (each with a unique `id`), in order;
        `style` names a vendored file, `articles/csl/<style>.csl`."""
        if style not in self._styles:
            xml = (CSL_DIR / f"{style}.csl").read_text("utf-8")
            self._context.call("imprimatur.addStyle", style, xml)
            self._styles.add(style)
        entries = self._context.call(
            "imprimatur.bibliography", style, items, timeout_sec=TIMEOUT_SECONDS
        )
        return [str(entry) for entry in entries]

    def close(self) -> None:
        _v8_thread().run(self._context.close)


_lock = threading.Lock()
_engine: CiteprocEngine | None = None
_engine_pid = 0


def bibliography_html(*, style: str, items: list[dict[str, Any]]) -> list[str]:
    """citeproc-js's HTML entries for `items` (CSL-JSON, each with a unique `id`) in `style`,
    in order, through this process's engine (made on first use).

    Raises EngineForked in a child forked after its parent started the engine, and
    py_mini_racer.JSEvalException when citeproc-js fails (or exceeds TIMEOUT_SECONDS).
    """
    global _engine, _engine_pid
    with _lock:
        if _engine is None:
            _engine = CiteprocEngine()
            _engine_pid = os.getpid()
        elif _engine_pid != os.getpid():
            raise EngineForked(FORKED.format(parent=_engine_pid))
        return _engine.bibliography(style, items)


def _orphan() -> None:
    """In a forked child: freeing the inherited isolate (when the interpreter exits) would wait
    forever for V8 threads that stayed in the parent, so the child frees nothing of it."""
    context = _engine._context._ctx if _engine is not None else None
    if context is not None:
        # mini-racer 0.14 frees through these two functions of its library handle.
        for name in ("mr_free_context", "mr_free_value"):
            setattr(context._dll, name, lambda *args: None)


os.register_at_fork(after_in_child=_orphan)


@atexit.register
def _close() -> None:
    # Without close(), the interpreter waits for V8's threads at exit.
    if _engine is not None and _engine_pid == os.getpid():
        _engine.close()
