"""A real SMTP server for the tests of faults (SMTP is outside the project): it speaks enough of
the protocol for Django's SMTP backend, keeps what it accepted, and can be made to refuse
connections (`stop()`, then `start()` again on the same port) or to be slow (`delay`): it waits
before accepting each message, and keeps nothing if the client hung up meanwhile, as a server
does that never said 250."""

import socket
import socketserver
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.header import decode_header, make_header


@dataclass(frozen=True)
class Accepted:
    to: tuple[str, ...]
    subject: str


class SmtpSink:
    def __init__(self) -> None:
        self.port = 0
        self.delay = 0.0
        self.accepted: list[Accepted] = []
        self.receiving = threading.Event()  # set while a message waits out `delay`
        self._server: socketserver.ThreadingTCPServer | None = None
        self._lock = threading.Lock()

    def start(self) -> "SmtpSink":
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sink._converse(self.connection, self.rfile, self.wfile)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Refuse connections from now on (the port closed)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def subjects_to(self, address: str) -> list[str]:
        with self._lock:
            return [m.subject for m in self.accepted if address in m.to]

    def _converse(self, sock: socket.socket, rfile, wfile) -> None:  # type: ignore[no-untyped-def]
        def say(line: str) -> None:
            wfile.write(f"{line}\r\n".encode())
            wfile.flush()

        say("220 sink ESMTP")
        recipients: list[str] = []
        try:
            while line := rfile.readline():
                command = line.decode(errors="replace").strip()
                verb = command.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    say("250 sink")
                elif verb == "MAIL":
                    recipients = []
                    say("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                    say("250 OK")
                elif verb == "DATA":
                    say("354 End data with <CR><LF>.<CR><LF>")
                    data = bytearray()
                    while (chunk := rfile.readline()) not in (b".\r\n", b".\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    if not self._accept(sock, bytes(data), recipients):
                        return
                    say("250 OK queued")
                elif verb == "QUIT":
                    say("221 Bye")
                    return
                else:  # RSET, NOOP
                    say("250 OK")
        except OSError:
            return

    def _accept(self, sock: socket.socket, data: bytes, recipients: list[str]) -> bool:
        if self.delay:
            self.receiving.set()
            time.sleep(self.delay)
            self.receiving.clear()
            sock.setblocking(False)
            try:
                gone = sock.recv(1, socket.MSG_PEEK) == b""
            except BlockingIOError:
                gone = False  # still there, saying nothing: waiting for our answer
            except OSError:
                gone = True
            finally:
                sock.setblocking(True)
            if gone:
                return False  # the client hung up: nothing accepted
        subject = str(make_header(decode_header(message_from_bytes(data)["Subject"] or "")))
        with self._lock:
            self.accepted.append(Accepted(tuple(recipients), subject))
        return True
