""" "Test connection" for Autotask: each step says what works or what to fix.

Reachable (zone discovery answers and names the zone), authenticated (the zone accepts
the three headers), can read incidents (how many open tickets the API user sees), can
write (Autotask cannot say without writing; nothing is written), the mapping
(`mapping_check`: the tenant's status, priority and queue picklists against the mapping
and against what the open tickets carry) and limits (`ThresholdInformation`: the
tenant's requests this hour out of its threshold, next to this connector's own budget).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from noc_console.connectors.autotask.records import Directory, Picklists
from noc_console.connectors.base import Check
from noc_console.connectors.errors import ConnectorError
from noc_console.connectors.mapping.check import OpenUse, Tenant, TenantStatus, check_mapping
from noc_console.connectors.probe_steps import first_steps
from noc_console.models.errors import InvalidRecord

if TYPE_CHECKING:
    from noc_console.connectors.autotask.connector import AutotaskConnector

#: Above this share of the tenant's hourly threshold the limits check warns.
WARN_SHARE = 0.8


def probe_autotask(at: AutotaskConnector) -> Iterator[Check]:
    session = at.session

    def reach() -> str:
        session.discover()
        return f"Autotask zone {session.zone.name} ({session.zone.url})"

    def authenticate() -> tuple[Directory, str]:
        return at.directory(refresh=True), "API user, integration code and secret accepted"

    found = yield from first_steps(reach, f"Autotask answers at {session.zone.discovery}",
                                   authenticate, unsure=True)  # fmt: skip
    if found is None:
        return
    (directory,) = found
    try:
        body = session.json("POST", "Tickets/query/count", json={"filter": at.open_filter()},
                            idempotent=True)  # fmt: skip
        count = int(body.get("queryCount", 0)) if isinstance(body, dict) else 0
        yield Check("can read incidents", True, f"{count} open tickets visible")
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    yield Check("can write", None, "Autotask cannot tell without writing; a missing right "
                "shows on the first action ('does not have the adequate permissions')")  # fmt: skip
    try:
        yield from _mapping(at, directory.picklists)
    except ConnectorError as exc:
        yield Check("mapping", False, f"could not read the open tickets: {exc}")
    yield _limits(at)


def _mapping(at: AutotaskConnector, picklists: Picklists) -> list[Check]:
    """The tenant's status, priority and queue picklists; every open ticket's three ids
    (one query of four fields), as labels."""
    labels = picklists.labels
    tenant = Tenant({"": [TenantStatus(s) for s in labels.get("status", {}).values()]},
                    list(labels.get("priority", {}).values()),
                    list(labels.get("queueID", {}).values()), "queue")  # fmt: skip
    used = OpenUse()
    for t in at.query("Tickets", at.open_filter(), ["id", "status", "priority", "queueID"]):
        found = [_label(picklists, used, name, t.get(name))
                 for name in ("status", "priority", "queueID")]  # fmt: skip
        used.add(found[0], found[1], found[2] or None)  # no queue: the default tier, as meant
    return check_mapping(at.options.mapping, tenant, used)


def _label(picklists: Picklists, used: OpenUse, name: str, value: object) -> str | None:
    """The label of a ticket's picklist id; an id the tenant's list lacks is counted as
    unlisted (the ticket is skipped whatever the mapping says) and gives None."""
    try:
        return picklists.label(name, value)
    except InvalidRecord:
        used.unknown(name, value)
        return None


def _limits(at: AutotaskConnector) -> Check:
    try:
        info = at.session.json("GET", "ThresholdInformation")
    except ConnectorError as exc:
        return Check("limits", None, f"could not read ThresholdInformation: {exc}")
    used = int(info.get("currentTimeframeRequestCount") or 0) if isinstance(info, dict) else 0
    limit = int(info.get("externalRequestThreshold") or 0) if isinstance(info, dict) else 0
    budget = at.session.http.limiter.per_second * 3600
    detail = (f"{used:,} of {limit:,} requests used this hour by all integrations; "
              f"this connector keeps under {budget:,.0f}/h (requests_per_minute)")  # fmt: skip
    return Check("limits", limit > 0 and used < WARN_SHARE * limit, detail)
