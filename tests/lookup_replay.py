"""A local HTTP server standing in for doi.org and NCBI's Literature Citation Exporter (both
outside the project): it answers from the stored responses in tests/articles/lookup_responses/
as those services do, and can be made to fail (`status`, `body`) or to be slow (`delay`).

- `/doi/<doi>` with `Accept: application/vnd.citationstyles.csl+json` redirects (302) to
  `/crossref/<doi>` as doi.org does for a Crossref DOI, which answers the stored CSL-JSON;
  without that Accept header, the landing page (HTML); an unknown DOI, 404 "DOI Not Found".
- `/ctxp/pubmed/?format=csl&id=<pmid>` and `/ctxp/pmc/?format=csl&id=<PMCID>` answer the stored
  CSL-JSON item; an unknown id, 404.
"""

import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RESPONSES = Path(__file__).parent / "articles" / "lookup_responses"
CSL_JSON = "application/vnd.citationstyles.csl+json"


class LookupReplay:
    def __init__(self) -> None:
        self.delay = 0.0
        self.status: int | None = None  # answer every request with this status...
        self.body: bytes | None = None  # ...or this body (200)
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def doi_url(self) -> str:
        return f"{self.base}/doi/"

    @property
    def pubmed_url(self) -> str:
        return f"{self.base}/ctxp/"

    def start(self) -> "LookupReplay":
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                replay.requests.append(self.path)
                if replay.delay:
                    time.sleep(replay.delay)
                try:
                    status, headers, body = replay.answer(self.path, self.headers.get("Accept", ""))
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped waiting (a timeout test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def answer(self, path: str, accept: str) -> tuple[int, dict[str, str], bytes]:
        if self.status is not None:
            return self.status, {"Content-Type": "text/html"}, b"<h1>Service Unavailable</h1>"
        if self.body is not None:
            return 200, {"Content-Type": CSL_JSON}, self.body
        parts = urllib.parse.urlsplit(path)
        if parts.path.startswith("/doi/"):
            doi = urllib.parse.unquote(parts.path.removeprefix("/doi/"))
            if not (RESPONSES / "doi" / f"{doi}.json").is_file():
                return 404, {"Content-Type": "text/html"}, b"<title>Error: DOI Not Found</title>"
            if CSL_JSON not in accept:
                return 200, {"Content-Type": "text/html"}, b"<html><body>Landing page</body></html>"
            return 302, {"Location": f"/crossref/{parts.path.removeprefix('/doi/')}"}, b""
        if parts.path.startswith("/crossref/"):
            doi = urllib.parse.unquote(parts.path.removeprefix("/crossref/"))
            return 200, {"Content-Type": CSL_JSON}, (RESPONSES / "doi" / f"{doi}.json").read_bytes()
        query = urllib.parse.parse_qs(parts.query)
        database = parts.path.removeprefix("/ctxp/").strip("/")
        ids = query.get("id", [""])
        stored = RESPONSES / "ctxp" / database / f"{ids[0]}.json"
        if database not in ("pubmed", "pmc") or query.get("format") != ["csl"]:
            return 400, {"Content-Type": "text/plain"}, b"Bad request"
        if not stored.is_file():
            return 404, {"Content-Type": "text/plain"}, b"Not found"
        return 200, {"Content-Type": "application/json"}, stored.read_bytes()
