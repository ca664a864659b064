"""What every fake server in tests/fakes shares: a real HTTP/1.1 server on 127.0.0.1 in a
daemon thread, a fault queue, and request counting.

A subclass answers requests in `route` (called with `lock` held, so fakes need no locking
of their own) and says what an injected error looks like in `fault_body`, since each
vendor shapes its errors differently. `serve` is the seam for a fake that must do work
outside the lock (Autotask's per-endpoint thread limit needs concurrent requests).

Faults are queued per path prefix and consumed one per request: `drop` (close the
connection without answering), `delay` (answer normally after `seconds`), `malformed`
(a 200 with invalid JSON), or an HTTP status as a string (`"500"`, `"429"`…) answered
with the subclass's error body; a 429 carries `Retry-After: seconds`, and `headers`
go with any status (a `Location` makes a 302 or 307 a redirect).

`deliver` writes a reply to the socket: the seam for a fake that answers slowly.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

F = TypeVar("F", bound="HttpFake")


@dataclass
class Fault:
    kind: str  # drop | delay | hold | malformed | an HTTP status ("429", "500", …)
    path: str = "/"
    seconds: float = 0.0  # delay, or Retry-After for 429
    body: Any = None  # overrides the fake's own error body for a status fault
    headers: dict[str, str] = field(default_factory=dict)  # sent with a status fault


@dataclass
class Gate:
    """A request held at the door (`HttpFake.hold`): `arrived` is set when it comes in;
    it is answered once the test sets `release`. Other requests go on meanwhile."""

    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@dataclass
class Request:
    method: str
    path: str  # decoded, without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-encoded, unless bytes (sent as is)
    headers: dict[str, str] = field(default_factory=dict)


class HttpFake:
    """Server plumbing; subclasses implement `route` and `fault_body`."""

    # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK add ~40 ms to every kept-alive request.
    no_delay = True

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 25, 14, tzinfo=UTC)  # the fake's own clock
        self.lock = threading.RLock()
        self.faults: deque[Fault] = deque()
        self.requests = 0
        self.hits: Counter[tuple[str, str]] = Counter()  # (method, path) → requests
        self._server: ThreadingHTTPServer | None = None
        self._connections: set[socket.socket] = set()

    # ------------------------------------------------------------ for tests
    def advance(self, seconds: float) -> None:
        """Move the fake's clock: change markers, token expiry and rate windows follow it."""
        with self.lock:
            self.now += timedelta(seconds=seconds)

    def inject(self, kind: str, path: str = "/", seconds: float = 0.0, times: int = 1,
               body: Any = None, headers: dict[str, str] | None = None) -> None:  # fmt: skip
        with self.lock:
            self.faults.extend(Fault(kind, path, seconds, body, dict(headers or {}))
                               for _ in range(times))  # fmt: skip

    def hold(self, path: str) -> Gate:
        """Hold the next request to `path` until the test releases it (an in-flight
        request whose outcome the client cannot know yet)."""
        gate = Gate()
        with self.lock:
            self.faults.append(Fault("hold", path, 0.0, gate))
        return gate

    def count(self, method: str | None = None, prefix: str = "/") -> int:
        """Requests received whose path starts with `prefix` (any method unless given)."""
        with self.lock:
            return sum(n for (m, p), n in self.hits.items()
                       if p.startswith(prefix) and method in (None, m))  # fmt: skip

    def hits_since(self, before: Mapping[tuple[str, str], int],
                   where: Callable[[str], str] = str) -> dict[str, int]:  # fmt: skip
        """Requests received since `before` (a copy of `hits`), by "METHOD path" —
        `where` may name a path for its endpoint (ids folded into a placeholder)."""
        grown: Counter[str] = Counter()
        with self.lock:
            for (method, path), n in self.hits.items():
                if n > before.get((method, path), 0):
                    grown[f"{method} {where(path)}"] += n - before.get((method, path), 0)
        return dict(grown)

    # ------------------------------------------------------------ subclass API
    def route(self, request: Request) -> Reply:
        raise NotImplementedError

    def fault_body(self, status: int) -> Any:
        return {"error": f"HTTP {status}"}

    def serve(self, request: Request) -> Reply:
        with self.lock:
            return self.route(request)

    def deliver(self, http: BaseHTTPRequestHandler, reply: Reply) -> None:
        send(http, reply)

    # ------------------------------------------------------------ server
    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # an AF_INET address (the stub allows AF_UNIX's bytes)
        return f"http://{host}:{port}"

    def start(self: F, port: int = 0) -> F:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                if fake.no_delay:
                    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                with fake.lock:
                    fake._connections.add(self.connection)

            def finish(self) -> None:
                with fake.lock:
                    fake._connections.discard(self.connection)
                super().finish()

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_PATCH(self) -> None:
                fake._handle(self, "PATCH")

            def do_PUT(self) -> None:
                fake._handle(self, "PUT")

            def do_DELETE(self) -> None:
                fake._handle(self, "DELETE")

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that left
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        # A short poll interval makes stop() quick: shutdown() waits for the next poll.
        threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Go away like a real outage: stop listening and cut kept-alive connections."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self.lock:
            for connection in list(self._connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._connections.clear()

    # ------------------------------------------------------------ requests
    def _handle(self, http: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(http.path)
        length = int(http.headers.get("Content-Length") or 0)
        request = Request(
            method, unquote(url.path), parse_qs(url.query, keep_blank_values=True),
            {k.lower(): v for k, v in http.headers.items()},
            http.rfile.read(length) if length else b"",
        )  # fmt: skip
        with self.lock:
            self.requests += 1
            self.hits[(method, request.path)] += 1
            fault = next((f for f in self.faults if request.path.startswith(f.path)), None)
            if fault is not None:
                self.faults.remove(fault)
        if fault is not None:
            if fault.kind == "drop":
                http.close_connection = True
                http.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault.kind == "hold":
                fault.body.arrived.set()
                fault.body.release.wait(timeout=120)
                return send(http, self.serve(request))
            if fault.kind == "malformed":
                return send(http, Reply(200, b'{"items": [{"id": '))
            if fault.kind != "delay":
                status = int(fault.kind)
                headers = {"Retry-After": str(int(fault.seconds))} if status == 429 else {}
                body = fault.body if fault.body is not None else self.fault_body(status)
                return send(http, Reply(status, body, {**headers, **fault.headers}))
            time.sleep(fault.seconds)
        self.deliver(http, self.serve(request))


@contextmanager
def running(fake: F) -> Iterator[F]:
    server = fake.start()
    try:
        yield server
    finally:
        server.stop()


def send(http: BaseHTTPRequestHandler, reply: Reply) -> None:
    body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
    http.send_response(reply.status)
    if body:
        http.send_header("Content-Type", "application/json; charset=utf-8")
    http.send_header("Content-Length", str(len(body)))
    for name, value in reply.headers.items():
        http.send_header(name, value)
    http.end_headers()
    http.wfile.write(body)
