"""A loopback HTTP(S) server that answers from a script and records every request.

For testing the HTTP layer itself: each test queues the answers it needs
(`answer(status, body, headers)`, or `drop()` to close the connection unanswered) and
reads back what the client sent (`requests`: method, path, headers, body). When the
script runs out it answers 200 `{"ok": true}`.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    drop: bool = False
    delay: float = 0.0


class ScriptedServer:
    def __init__(self) -> None:
        self.script: deque[Answer] = deque()
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None
        self.scheme = "http"

    def answer(
        self,
        status: int = 200,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        raw: bytes | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        payload = raw if raw is not None else json.dumps({"ok": True} if body is None else body)
        data = payload.encode() if isinstance(payload, str) else payload
        base = {"Content-Type": "application/json"} if raw is None else {}
        merged = tuple({**base, **(headers or {})}.items())
        for _ in range(times):
            self.script.append(Answer(status, data, merged, delay=delay))

    def drop(self, times: int = 1) -> None:
        for _ in range(times):
            self.script.append(Answer(drop=True))

    @property
    def url(self) -> str:
        assert self.httpd is not None
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}"

    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        length = int(http.headers.get("Content-Length") or 0)
        body = http.rfile.read(length) if length else b""
        with self.lock:
            self.requests.append(Seen(http.command, http.path, dict(http.headers), body))
            answer = self.script.popleft() if self.script else Answer()
        if answer.delay:
            time.sleep(answer.delay)
        if answer.drop:
            http.close_connection = True
            http.connection.close()
            return
        http.send_response(answer.status)
        for name, value in answer.headers:
            http.send_header(name, value)
        http.send_header("Content-Length", str(len(answer.body)))
        http.end_headers()
        http.wfile.write(answer.body)


@contextmanager
def serving(server: ScriptedServer | None = None, tls: ssl.SSLContext | None = None
            ) -> Iterator[ScriptedServer]:  # fmt: skip
    fake = server or ScriptedServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            fake._handle(self)

        do_POST = do_PUT = do_PATCH = do_DELETE = do_GET  # noqa: N815 - http.server's names

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
        fake.scheme = "https"
    fake.httpd = httpd
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
