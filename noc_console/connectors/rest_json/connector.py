"""A connector for NOC Console's own JSON-over-HTTP incident API (docs/connectors.md).

For in-house ticketing systems and integration gateways that can serve a small, fixed
API, and the reference for connectors of real PSAs: incremental pages, a full open
listing, write-back with idempotency keys, and every failure mapped onto the typed
exceptions of `connectors.errors`.

    GET  {base}/clients                                   → [{id, name, contract, calendar}]
    GET  {base}/incidents?updated_since=ISO&page=N        → {incidents: [...], next_page: N|null}
    GET  {base}/incidents?open=true&page=N                → the same shape
    POST {base}/incidents/{id}/actions   Idempotency-Key  → {version}
    GET  {base}/incidents/{id}/actions/{key}              → {version} | 404 (never applied)

This API does not promise to de-duplicate idempotency keys, so on a retry the
connector first asks whether the action already took effect.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from noc_console.connectors.base import NamedSource, Page
from noc_console.connectors.errors import Conflict, ConnectorUnavailable, NotFound, not_linked
from noc_console.connectors.http.client import HttpClient, HttpSettings, parse_json, reading
from noc_console.connectors.http.paging import by_page_field, follow
from noc_console.connectors.records import page_of
from noc_console.models.actions import Action, ActionKind
from noc_console.models.errors import InvalidRecord
from noc_console.models.incident import Client, Incident, Tier

log = logging.getLogger(__name__)


class RestJsonConnector(NamedSource):
    def __init__(self, name: str, http: HttpSettings | str, label: str = "") -> None:
        super().__init__(name, label)
        settings = http if isinstance(http, HttpSettings) else HttpSettings(http)
        self.http = HttpClient(name, settings)

    # ------------------------------------------------------------ reading
    def clients(self) -> Sequence[Client]:
        with reading():
            data = self.http.json("GET", "/clients")
        if not isinstance(data, list):
            raise ConnectorUnavailable(f"{self._name}: /clients did not return a list")
        found = []
        for item in data:
            try:
                found.append(_client(item))
            except (KeyError, TypeError):
                log.warning("%s: skipped malformed client %r", self._name, item)
        return found

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        params = {"updated_since": since.isoformat()} if since is not None else {}
        return self._pages(params, with_watermark=True)

    def list_open(self) -> Iterator[Page]:
        return self._pages({"open": "true"}, with_watermark=False)

    def _pages(self, params: dict[str, str], with_watermark: bool) -> Iterator[Page]:
        first = {**params, "page": 1}
        for data in follow(self.http, "/incidents", first, by_page_field(first),
                           items=_incidents_of):  # fmt: skip
            if not isinstance(data, dict) or not isinstance(data.get("incidents"), list):
                raise ConnectorUnavailable(f"{self._name}: /incidents answered an unexpected shape")
            incidents, skipped, problems = page_of(
                data["incidents"], self._incident, self._name, "record", log
            )
            watermark = max((i.updated_at for i in incidents), default=None)
            yield Page(incidents, watermark if with_watermark else None, skipped, problems)

    def _incident(self, r: dict[str, Any]) -> Incident:
        def when(name: str) -> datetime | None:
            value = r.get(name)
            return datetime.fromisoformat(value) if value else None

        created, updated = when("created"), when("updated")
        if created is None or updated is None:
            raise InvalidRecord("created and updated are required")
        return Incident(
            source=self._name,
            external_id=str(r["id"]),
            client_id=str(r["client"]),
            title=r["title"],  # text fields are checked, never coerced, by Incident
            description=r.get("description") or "",
            category=r.get("category") or "",
            status=r["status"],
            source_status=str(r.get("status_name") or r["status"]),
            priority=r["priority"],
            impact=int(r.get("impact", 3)),
            urgency=int(r.get("urgency", 3)),
            tier=Tier(r.get("tier") or "L1"),
            assignee=r.get("assignee"),
            created_at=created,
            updated_at=updated,
            responded_at=when("responded"),
            resolved_at=when("resolved"),
            response_due=when("response_due"),
            resolution_due=when("resolution_due"),
            version=str(r.get("version") or ""),
            raw=r,
        )

    # ------------------------------------------------------------ writing
    def apply(self, action: Action, retry: bool) -> str:
        if action.kind is ActionKind.LINK:
            raise not_linked(self._name, "the rest_json API has no links between incidents; the "
                             "internal note names the major incident")  # fmt: skip
        path = f"/incidents/{quote(action.key.external_id, safe='')}/actions"
        if retry:  # the last attempt may have landed: ask before sending again
            try:
                done = self._json("GET", f"{path}/{quote(action.id, safe='')}")
            except NotFound:
                pass
            else:
                return str(done.get("version", "")) if isinstance(done, dict) else ""
        body = {
            "kind": action.kind.value,
            "payload": dict(action.payload),
            "base_version": action.base_version,
            "expected": dict(action.expected),
            "force": action.force,
            "author": action.author,
        }
        data = self._json("POST", path, json=body, headers={"Idempotency-Key": action.id})
        return str(data.get("version", "")) if isinstance(data, dict) else ""

    # ------------------------------------------------------------ HTTP
    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, accept=(409,), **kwargs)
        if response.status_code == 409:
            body = _body(response)
            raise Conflict(f"{self._name}: changed in the source meanwhile",
                           body.get("theirs", {}), str(body.get("version", "")))  # fmt: skip
        return parse_json(self.http, response)


def _client(item: dict[str, Any]) -> Client:
    return Client(
        str(item["id"]),
        str(item["name"]),
        str(item.get("contract", "")),
        str(item.get("calendar", "")),
    )


def _incidents_of(body: Any) -> Any:
    return body.get("incidents") if isinstance(body, dict) else body


def _body(response: Any) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
