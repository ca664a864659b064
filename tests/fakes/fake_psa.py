"""A fake PSA speaking NOC Console's JSON incident API over real HTTP on 127.0.0.1,
with fault injection.

It behaves as docs/connectors.md describes the API: paging, `updated_since`, a full
open listing, write-back with conflict detection on the fields an action changes, and
`GET …/actions/{key}` to ask whether an action already took effect. It does *not*
de-duplicate idempotency keys, as most real PSAs do not, and it counts how often each
key was applied, so tests can prove nothing was delivered twice.

Faults are queued per path prefix and consumed one per request: `drop` (close the
connection without answering), `delay` (answer after `seconds`), `500`, `401`, `429`
(with `Retry-After`), `malformed` (invalid JSON).
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

PER_PAGE = 25
CHANGED_FIELDS = {
    "acknowledge": ("status",),
    "assign": ("assignee",),
    "priority": ("priority",),
    "tier": ("tier",),
    "note": (),
    "status": ("status",),
    "resolve": ("status",),
}


@dataclass
class Fault:
    kind: str  # drop | delay | 500 | 429 | malformed
    path: str = "/"
    seconds: float = 0.0  # delay, or Retry-After for 429


class FakePsa:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 25, 14, tzinfo=UTC)
        self.lock = threading.RLock()
        self.incidents: dict[str, dict[str, Any]] = {}
        self.clients = [{"id": "acme", "name": "Acme Corp", "contract": "Gold"}]
        self.applied: Counter[str] = Counter()  # idempotency key → times applied
        self.action_log: dict[str, list[str]] = {}  # incident id → keys in applied order
        self.versions: dict[str, str] = {}  # idempotency key → version it produced
        self.notes: dict[str, list[str]] = {}
        self.faults: deque[Fault] = deque()
        self.requests = 0
        self.post_delay = 0.0  # seconds each write-back takes before it is applied
        self._server: ThreadingHTTPServer | None = None
        self._connections: set[socket.socket] = set()

    # ------------------------------------------------------------ data
    def add(self, number: int, **fields: Any) -> dict[str, Any]:
        with self.lock:
            created = fields.pop("created", self.now - timedelta(minutes=30))
            record = {
                "id": f"INC-{number}", "client": "acme", "title": f"Incident {number}",
                "status": "new", "priority": "P2", "impact": 2, "urgency": 1, "tier": "L1",
                "assignee": None, "created": _iso(created), "updated": _iso(created),
                "version": "1",
            }  # fmt: skip
            record.update(fields)
            self.incidents[record["id"]] = record
            return record

    def touch(self, incident_id: str, **fields: Any) -> None:
        """Someone changes the incident in the PSA."""
        with self.lock:
            record = self.incidents[incident_id]
            record.update(fields)
            self._bump(record)

    def remove(self, incident_id: str) -> None:
        with self.lock:
            del self.incidents[incident_id]

    def inject(self, kind: str, path: str = "/", seconds: float = 0.0, times: int = 1) -> None:
        with self.lock:
            self.faults.extend(Fault(kind, path, seconds) for _ in range(times))

    def _bump(self, record: dict[str, Any]) -> None:
        self.now += timedelta(seconds=1)
        record["version"] = str(int(record["version"]) + 1)
        record["updated"] = _iso(self.now)

    # ------------------------------------------------------------ server
    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self, port: int = 0) -> FakePsa:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
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

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(
                        request, client_address
                    )  # a client that went away is normal

        self._server = Server(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
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
        body = b""
        length = int(http.headers.get("Content-Length") or 0)
        if length:
            body = http.rfile.read(length)
        with self.lock:
            self.requests += 1
            fault = next((f for f in self.faults if url.path.startswith(f.path)), None)
            if fault is not None:
                self.faults.remove(fault)
        if fault is not None:
            if fault.kind == "drop":
                http.close_connection = True
                http.connection.shutdown(2)
                return
            if fault.kind == "delay":
                time.sleep(fault.seconds)
            elif fault.kind == "500":
                return _send(http, 500, {"error": "internal error"})
            elif fault.kind == "429":
                return _send(http, 429, {"error": "slow down"},
                             {"Retry-After": str(int(fault.seconds))})  # fmt: skip
            elif fault.kind == "401":
                return _send(http, 401, {"error": "bad credentials"})
            elif fault.kind == "malformed":
                return _send_raw(http, 200, b'{"incidents": [{"id": ')
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.lock:
            if method == "GET" and parts == ["clients"]:
                return _send(http, 200, self.clients)
            if method == "GET" and parts == ["incidents"]:
                return _send(http, 200, self._listing(query))
            is_actions = len(parts) == 3 and parts[0] == "incidents" and parts[2] == "actions"
            if is_actions and method == "POST" and self.post_delay:
                time.sleep(self.post_delay)  # the lock is held: writes are serial, as in a PSA
            if is_actions and method == "POST":
                return self._action(http, parts[1], json.loads(body or b"{}"))
            if len(parts) == 4 and parts[0] == "incidents" and parts[2] == "actions":
                key = parts[3]
                if key in self.versions:
                    return _send(http, 200, {"version": self.versions[key]})
                return _send(http, 404, {"error": "no such action"})
        return _send(http, 404, {"error": "not found"})

    def _listing(self, query: dict[str, str]) -> dict[str, Any]:
        records = list(self.incidents.values())
        if "updated_since" in query:
            since = datetime.fromisoformat(query["updated_since"])
            records = [r for r in records if _parse(r.get("updated")) >= since]
        if query.get("open") == "true":
            records = [r for r in records if r.get("status") not in ("resolved", "closed")]
        records.sort(key=lambda r: (str(r.get("updated")), str(r.get("id"))))
        page = int(query.get("page", "1"))
        chunk = records[(page - 1) * PER_PAGE : page * PER_PAGE]
        more = page * PER_PAGE < len(records)
        return {"incidents": chunk, "next_page": page + 1 if more else None}

    def _action(self, http: BaseHTTPRequestHandler, incident_id: str, body: dict[str, Any]) -> None:
        record = self.incidents.get(incident_id)
        if record is None:
            return _send(http, 404, {"error": "no such incident"})
        key = http.headers.get("Idempotency-Key", "")
        kind = body.get("kind", "")
        if kind not in CHANGED_FIELDS:
            return _send(http, 422, {"error": f"unknown action {kind!r}"})
        expected = body.get("expected") or {}
        theirs = {
            f: record.get(f) for f in CHANGED_FIELDS[kind]
            if f in expected and record.get(f) != expected[f]
        }  # fmt: skip
        if theirs and not body.get("force"):
            return _send(http, 409, {"error": "conflict", "theirs": theirs,
                                     "version": record["version"]})  # fmt: skip
        payload = body.get("payload") or {}
        if kind == "acknowledge":
            record["status"] = "acknowledged"
        elif kind == "assign":
            record["assignee"] = payload.get("assignee")
        elif kind == "priority":
            record.update({k: payload[k] for k in ("priority", "impact", "urgency")})
        elif kind == "tier":
            record["tier"] = payload["tier"]
        elif kind == "status":
            record["status"] = payload["status"]
        elif kind == "resolve":
            record["status"] = "resolved"
        if kind in ("note", "resolve"):
            self.notes.setdefault(incident_id, []).append(str(payload.get("text", "")))
        if record["status"] != "new" and not record.get("responded"):
            record["responded"] = _iso(self.now)
        self._bump(record)
        self.applied[key] += 1
        self.action_log.setdefault(incident_id, []).append(key)
        self.versions[key] = record["version"]
        return _send(http, 200, {"version": record["version"]})


@contextmanager
def running(fake: FakePsa | None = None) -> Iterator[FakePsa]:
    server = (fake or FakePsa()).start()
    try:
        yield server
    finally:
        server.stop()


def _send(http: BaseHTTPRequestHandler, status: int, data: Any,
          headers: dict[str, str] | None = None) -> None:  # fmt: skip
    _send_raw(http, status, json.dumps(data).encode(), headers)


def _send_raw(http: BaseHTTPRequestHandler, status: int, body: bytes,
              headers: dict[str, str] | None = None) -> None:  # fmt: skip
    http.send_response(status)
    http.send_header("Content-Type", "application/json")
    http.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        http.send_header(name, value)
    http.end_headers()
    http.wfile.write(body)


def _iso(value: datetime) -> str:
    return value.isoformat()


def _parse(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
