"""A fake PSA speaking NOC Console's JSON incident API over real HTTP on 127.0.0.1,
with fault injection.

It behaves as docs/connectors.md describes the API: paging, `updated_since`, a full
open listing, write-back with conflict detection on the fields an action changes, and
`GET …/actions/{key}` to ask whether an action already took effect. It does *not*
de-duplicate idempotency keys, as most real PSAs do not, and it counts how often each
key was applied, so tests can prove nothing was delivered twice.

Faults come from tests/fakes/http_fake.py (`drop`, `delay`, `malformed`, any HTTP status;
429 with `Retry-After`); this fake answers them with `{"error": …}` bodies.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.http_fake import HttpFake, Reply, Request
from tests.fakes.http_fake import running as _running

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


class FakePsa(HttpFake):
    # Keeps the ~40 ms per kept-alive request it always had: the crash-safety e2e test is
    # tuned to it (faster answers queue more actions than its drain loop allows).
    no_delay = False

    def __init__(self, start: datetime | None = None) -> None:
        super().__init__(start)
        self.incidents: dict[str, dict[str, Any]] = {}
        self.clients = [{"id": "acme", "name": "Acme Corp", "contract": "Gold"}]
        self.applied: Counter[str] = Counter()  # idempotency key → times applied
        self.action_log: dict[str, list[str]] = {}  # incident id → keys in applied order
        self.write_order: list[str] = []  # incident ids, one per action applied, in order
        self.versions: dict[str, str] = {}  # idempotency key → version it produced
        self.notes: dict[str, list[str]] = {}
        self.post_delay = 0.0  # seconds each write-back takes before it is applied
        # Records served as they are, first in every listing: whatever an end user or a
        # broken integration put there (strings, objects, absurd dates).
        self.raw_records: list[Any] = []

    # ------------------------------------------------------------ data
    def add(self, number: int, **fields: Any) -> dict[str, Any]:
        with self.lock:
            created = fields.pop("created", self.now - timedelta(minutes=30))
            record: dict[str, Any] = {
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

    def _bump(self, record: dict[str, Any]) -> None:
        self.now += timedelta(seconds=1)
        record["version"] = str(int(record["version"]) + 1)
        record["updated"] = _iso(self.now)

    # ------------------------------------------------------------ requests
    def fault_body(self, status: int) -> Any:
        return {"error": {401: "bad credentials", 429: "slow down"}.get(status, "internal error")}

    def route(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        query = {k: v[0] for k, v in request.query.items() if v[0]}
        method = request.method
        if method == "GET" and parts == ["clients"]:
            return Reply(200, self.clients)
        if method == "GET" and parts == ["incidents"]:
            return Reply(200, self._listing(query))
        is_actions = len(parts) == 3 and parts[0] == "incidents" and parts[2] == "actions"
        if is_actions and method == "POST" and self.post_delay:
            time.sleep(self.post_delay)  # the lock is held: writes are serial, as in a PSA
        if is_actions and method == "POST":
            key = request.headers.get("idempotency-key", "")
            return self._action(parts[1], key, json.loads(request.body or b"{}"))
        if len(parts) == 4 and parts[0] == "incidents" and parts[2] == "actions":
            if parts[3] in self.versions:
                return Reply(200, {"version": self.versions[parts[3]]})
            return Reply(404, {"error": "no such action"})
        return Reply(404, {"error": "not found"})

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
        if page == 1:
            chunk = [*self.raw_records, *chunk]
        more = page * PER_PAGE < len(records)
        return {"incidents": chunk, "next_page": page + 1 if more else None}

    def _action(self, incident_id: str, key: str, body: dict[str, Any]) -> Reply:
        record = self.incidents.get(incident_id)
        if record is None:
            return Reply(404, {"error": "no such incident"})
        kind = body.get("kind", "")
        if kind not in CHANGED_FIELDS:
            return Reply(422, {"error": f"unknown action {kind!r}"})
        expected = body.get("expected") or {}
        theirs = {
            f: record.get(f) for f in CHANGED_FIELDS[kind]
            if f in expected and record.get(f) != expected[f]
        }  # fmt: skip
        if theirs and not body.get("force"):
            return Reply(409, {"error": "conflict", "theirs": theirs, "version": record["version"]})
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
        self.write_order.append(incident_id)
        self.versions[key] = record["version"]
        return Reply(200, {"version": record["version"]})


@contextmanager
def running(fake: FakePsa | None = None) -> Iterator[FakePsa]:
    with _running(fake or FakePsa()) as server:
        yield server


def _iso(value: datetime) -> str:
    return value.isoformat()


def _parse(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
