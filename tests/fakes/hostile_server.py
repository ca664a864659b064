"""A hostile server for NOC Console's JSON incident API: the fake PSA
(tests/fakes/fake_psa.py) over real HTTP on 127.0.0.1, misbehaving as each test scripts.

- `next_page(n)`: what listing page `n` says comes next (`lambda n: 1`, `lambda n: n + 1`,
  `lambda n: "abc"`); `records`: `"paged"` (the truth), `"repeat"` (every page serves the
  first page's records) or `"fresh"` (every page a record never seen: an endless listing);
  `page_delay`: seconds each listing page takes.
- `drip`: seconds between bytes of a listing answer, for its first `drip_bytes` bytes of
  body (or, with `drip_headers`, from the first header on) — each byte well inside any
  read timeout, the whole answer not.
- Redirects and error statuses come from the shared fault queue: `inject("307",
  "/incidents", headers={"Location": …})`, `inject("400", "/incidents")`.

Every misbehaviour is finite, so a test whose client would never stop by itself still
ends (and fails) instead of hanging: after `misbehave_pages` listing pages the fake tells
the truth and ends the listing; a drip stops dripping after `drip_bytes` bytes.

`elsewhere()` is "another host" for redirect tests: a second loopback server that records
every request it receives (method, path, headers, body), so a test can prove no
credential reached it.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.fake_psa import FakePsa
from tests.fakes.http_fake import Reply, Request, running, send
from tests.fakes.scripted_server import ScriptedServer, serving


@dataclass
class DripReply(Reply):
    """A reply written a byte at a time (see `HostilePsa.deliver`)."""

    every: float = 0.0
    slow_bytes: int = 0
    headers_too: bool = False


class HostilePsa(FakePsa):
    def __init__(self, misbehave_pages: int = 60, incidents: int = 30) -> None:
        super().__init__()
        for number in range(1, incidents + 1):  # two pages of 25 by default
            self.add(number)
        self.misbehave_pages = misbehave_pages
        self.next_page: Callable[[int], Any] | None = None
        self.records = "paged"
        self.page_delay = 0.0
        self.drip = 0.0
        self.drip_bytes = 100
        self.drip_headers = False
        self.pages_served = 0

    def route(self, request: Request) -> Reply:
        reply = super().route(request)
        if request.path == "/incidents" and self.drip:
            return DripReply(reply.status, reply.body, reply.headers, self.drip,
                             self.drip_bytes, self.drip_headers)  # fmt: skip
        return reply

    def _listing(self, query: dict[str, str]) -> dict[str, Any]:
        self.pages_served += 1
        honest = super()._listing(query)
        if self.pages_served > self.misbehave_pages:
            return {**honest, "next_page": None}  # enough: the listing ends here
        if self.page_delay:
            time.sleep(self.page_delay)
        page = int(query.get("page", "1")) if query.get("page", "1").isdigit() else 1
        incidents = honest["incidents"]
        if self.records == "repeat":
            incidents = super()._listing({**query, "page": "1"})["incidents"]
        elif self.records == "fresh":
            incidents = [self.add(100_000 + self.pages_served)]
        next_page = self.next_page(page) if self.next_page else honest["next_page"]
        return {"incidents": incidents, "next_page": next_page}

    def deliver(self, http: BaseHTTPRequestHandler, reply: Reply) -> None:
        if not isinstance(reply, DripReply):
            return send(http, reply)
        body = json.dumps(reply.body).encode()
        head = (f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()  # fmt: skip
        raw = head + body
        start = 0 if reply.headers_too else len(head)
        slow_end = start + reply.slow_bytes
        try:
            http.wfile.write(raw[:start])
            for index in range(start, min(slow_end, len(raw))):
                http.wfile.write(raw[index : index + 1])
                time.sleep(reply.every)
            http.wfile.write(raw[slow_end:])
        except OSError:  # the client gave up and closed the connection
            http.close_connection = True


@contextmanager
def hostile(fake: HostilePsa | None = None) -> Iterator[HostilePsa]:
    with running(fake or HostilePsa()) as server:
        yield server


@contextmanager
def elsewhere() -> Iterator[ScriptedServer]:
    """Another origin on this machine (another port counts): it sees what leaks to it."""
    with serving() as server:
        yield server


def leaked(server: ScriptedServer, *secrets: str) -> list[str]:
    """The secrets that reached `server` in any header (Basic auth decoded), path or body."""
    seen = [f"{r.path} {r.headers} {r.body!r}" for r in server.requests]
    for request in server.requests:
        for name, value in request.headers.items():
            if name.lower() == "authorization" and value.startswith("Basic "):
                seen.append(base64.b64decode(value[6:]).decode(errors="replace"))
    return [s for s in secrets if s in " ".join(seen)]
