"""A forwarding proxy on 127.0.0.1 that lets a test act between two requests of a client.

Read-compare-write has a window of one round trip: someone may change the ticket after
the connector read it and before its write arrives. Against a real server (Request
Tracker) that window cannot be hit by timing without flakiness, so the connector talks
to this proxy, and a test registers `before(method, path, hook)`: the next matching
request runs `hook` (say, another user's edit made directly on the server) and is then
forwarded. Everything else passes through unchanged (status, body, ETag).
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from tests.fakes.http_fake import HttpFake, Reply, Request

PASSED_HEADERS = ("etag", "location", "retry-after")


class Interposer(HttpFake):
    def __init__(self, upstream: str) -> None:
        super().__init__()
        self.upstream = upstream.rstrip("/")
        self.hooks: list[tuple[str, str, Callable[[], object]]] = []
        self.session = requests.Session()

    def before(self, method: str, path: str, hook: Callable[[], object]) -> None:
        """Run `hook` once, just before forwarding the next `method` request whose path
        (below the upstream's) starts with `path`."""
        with self.lock:
            self.hooks.append((method, path, hook))

    def route(self, request: Request) -> Reply:
        for hook in self.hooks:
            method, path, run = hook
            if request.method == method and request.path.startswith(path):
                self.hooks.remove(hook)
                run()
                break
        headers = {k: v for k, v in request.headers.items()
                   if k not in ("host", "content-length", "connection")}  # fmt: skip
        answer = self.session.request(request.method, self.upstream + request.path,
                                      params=request.query, data=request.body,
                                      headers=headers, timeout=60)  # fmt: skip
        passed = {k: v for k, v in answer.headers.items() if k.lower() in PASSED_HEADERS}
        return Reply(answer.status_code, answer.content, passed)
