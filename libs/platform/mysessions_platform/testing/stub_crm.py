"""A CRM on a local port for tests of what asks one (the admin screen's CRM test, the page
with the context worker): answers by route, counts what it was asked.

Routes (``/<route>/<address>``): ``crm`` answers ``ANSWER`` for the address ``KNOWN`` (or
one registered with ``know``) and 404 for any other; ``fail`` 500; ``big`` a JSON body
over 64 KiB; ``text`` a body that is not JSON; ``slow`` waits ``SLOW_S`` before answering;
``redirect`` answers 302 to ``crm`` (a client that follows it would be asked the caller
there too: ``hits`` shows it).
"""

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import unquote, urlsplit

__all__ = ["ANSWER", "KNOWN", "SLOW_S", "StubCrm", "stub_crm"]

KNOWN: Final = "+41446681800"
ANSWER: Final = {"display_name": "Jane Doe", "company": "ACME AG", "city": "Zurich", "x": 1}
SLOW_S: Final = 3.0


class StubCrm:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.asked: list[str] = []
        self.known: dict[str, dict[str, Any]] = {KNOWN: ANSWER}
        self.release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route, _, address = urlsplit(self.path).path.strip("/").partition("/")
                stub.hits[route] += 1
                stub.asked.append(unquote(address))
                if route == "fail":
                    self._send(500, b"boom")
                elif route == "big":
                    self._send(200, json.dumps({"display_name": "x" * 70_000}).encode())
                elif route == "text":
                    self._send(200, b"<html>not json</html>")
                elif route == "slow":
                    stub.release.wait(SLOW_S)
                    self._send(200, json.dumps(ANSWER).encode())
                elif route == "redirect":
                    self.send_response(302)
                    self.send_header("Location", f"/crm/{address}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif unquote(address) in stub.known:
                    self._send(200, json.dumps(stub.known[unquote(address)]).encode())
                else:
                    self._send(404, b"")

            def _send(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (a deadline test): nobody to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def template(self, route: str = "crm") -> str:
        return f"{self.base}/{route}/{{system.caller}}"

    def know(self, address: str, answer: dict[str, Any]) -> None:
        self.known[address] = answer


@contextmanager
def stub_crm() -> Iterator[StubCrm]:
    stub = StubCrm()
    thread = threading.Thread(target=stub.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.release.set()
        stub.httpd.shutdown()
        stub.httpd.server_close()
        thread.join(timeout=5)
