"""A TCP proxy a test starts in front of a real server (PostgreSQL, Redis) to make it go away:
`stop()` closes the port (connection refused) and cuts every connection; `blackhole()` accepts
connections and never answers (a peer that vanished: only a timeout ends the wait)."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.db import connection


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.silent = False
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> "TcpProxy":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def blackhole(self) -> None:
        """From now on, accept connections and say nothing; cut the open ones silently."""
        self.silent = True
        self._cut()

    def stop(self) -> None:
        """Close the port and every connection through it (start() opens the same port)."""
        if self._listener is not None:
            # Wakes the thread blocked in accept(), which close() alone would not.
            with suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        self._cut()

    def _cut(self) -> None:
        with self._lock:
            for sock in self._sockets:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._sockets.append(client)
            if self.silent:
                continue  # held open, never read nor answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.append(upstream)
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@contextmanager
def database_through_proxy() -> Iterator[TcpProxy]:
    """This thread's database connection, made again through a proxy the test can stop (a
    transactional test: the connection is closed first and after)."""
    original = dict(connection.settings_dict)
    proxy = TcpProxy(original["HOST"] or "127.0.0.1", int(original["PORT"] or 5432)).start()
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(proxy.port))
    try:
        yield proxy
    finally:
        proxy.stop()
        connection.close()
        connection.settings_dict.update(HOST=original["HOST"], PORT=original["PORT"])
