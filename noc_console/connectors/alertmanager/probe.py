""" "Test connection" for Prometheus Alertmanager: each step says what works or what to fix.

Reachable (`GET /-/healthy`: a 401 still means it answers),
authenticated (`GET /api/v2/status`: version and cluster), can read incidents (the
firing alerts), can write (`GET /api/v2/silences`: Alertmanager has no per-user rights,
so whoever may read silences may create them; nothing is written), labels (how many
firing alerts lack the client label) and the mapping (`mapping_check`: the states,
severities and tier labels the firing alerts carry).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from noc_console.connectors.alertmanager.records import state_of
from noc_console.connectors.base import Check
from noc_console.connectors.errors import ConnectorError
from noc_console.connectors.mapping.check import OpenUse, Tenant, check_mapping
from noc_console.connectors.probe_steps import first_steps
from noc_console.connectors.records import RECORD_ERRORS

if TYPE_CHECKING:
    from noc_console.connectors.alertmanager.connector import AlertmanagerConnector


def probe_alertmanager(am: AlertmanagerConnector) -> Iterator[Check]:
    http = am.http

    def reach() -> str:
        http.request("GET", "/-/healthy", accept=(401, 403))
        return f"Alertmanager answers at {http.base}"

    def authenticate() -> tuple[Any, str]:
        status = http.json("GET", "/api/v2/status")
        info = status.get("versionInfo") if isinstance(status, dict) else None
        version = info.get("version") if isinstance(info, dict) else None
        cluster = status.get("cluster") if isinstance(status, dict) else None
        state = cluster.get("status") if isinstance(cluster, dict) else None
        return status, f"Alertmanager {version or '?'} (cluster {state or '?'})"

    if (yield from first_steps(reach, f"Alertmanager answers at {http.base}",
                               authenticate)) is None:  # fmt: skip
        return
    try:
        alerts = [a for a in am.alerts() if isinstance(a, dict)]
        yield Check("can read incidents", True, f"{len(alerts)} firing alerts")
        http.json("GET", "/api/v2/silences")
        yield Check("can write", True, "silences are readable; Alertmanager lets whoever "
                    "reaches its API create and expire them")  # fmt: skip
    except ConnectorError as exc:
        yield Check("can read incidents", False, str(exc))
        return
    yield _labels(am, alerts)
    yield from _mapping(am, alerts)


def _labels(am: AlertmanagerConnector, alerts: list[dict[str, Any]]) -> Check:
    name = am.options.labels.client
    lacking = sum(1 for a in alerts if not _label(a, name))
    if not lacking:
        return Check("labels", True, f"every firing alert has a {name!r} label")
    default = am.options.mapping.default_client
    if default:
        return Check("labels", True, f"{lacking} firing alert(s) have no {name!r} label; "
                     f"they are filed under {default!r} (mapping.default_client)")  # fmt: skip
    return Check("labels", False, f"{lacking} firing alert(s) have no {name!r} label, so they "
                 "are skipped: add the label in the alerting rules (or an Alertmanager "
                 "relabel), or set mapping.default_client")  # fmt: skip


def _mapping(am: AlertmanagerConnector, alerts: list[dict[str, Any]]) -> list[Check]:
    labels = am.options.labels
    used = OpenUse()
    for alert in alerts:
        try:
            state: str | None = state_of(alert)
        except RECORD_ERRORS:  # no status object: its alert is skipped as malformed
            state = None
        tier = _label(alert, labels.tier) if labels.tier else ""
        used.add(state, _label(alert, labels.severity) if labels.severity else "", tier or None)
    return check_mapping(am.options.mapping, Tenant(None, None, None, "team label value"), used)


def _label(alert: dict[str, Any], name: str) -> str:
    labels = alert.get("labels")
    return str(labels.get(name) or "") if isinstance(labels, dict) else ""
