"""Prometheus Alertmanager as a connector type: its settings and how to build and test it.

Cheap to import (no `requests`, no connector module until a connector is built).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType, Lazy, SecretKind
from noc_console.connectors.settings import PsaFields, http_settings


@dataclass(frozen=True, slots=True)
class AlertmanagerSettings(PsaFields):
    auth: str = field(
        default="basic",
        metadata={"doc": "basic (Alertmanager's basic_auth_users, or a proxy) or bearer (a "
                  "token for an authenticating proxy).", "choices": ("basic", "bearer"),
                  "label": "&Authentication"},
    )  # fmt: skip
    username: str = field(
        default="", metadata={"doc": "User name for basic auth.", "label": "User na&me"}
    )
    client_label: str = field(
        default="customer",
        metadata={"doc": "Alert label naming the client (its value goes through "
                  "mapping.client).", "label": "Client label"},
    )  # fmt: skip
    severity_label: str = field(
        default="severity",
        metadata={"doc": "Alert label giving the priority (through mapping.priority).",
                  "label": "Severity label"},
    )  # fmt: skip
    tier_label: str = field(
        default="team",
        metadata={"doc": "Alert label giving the tier (through mapping.tier); empty: none.",
                  "label": "Tier label"},
    )  # fmt: skip
    receiver: str = field(
        default="",
        metadata={"doc": "Only alerts routed to receivers matching this regex (the NOC's "
                  "receiver); empty: every alert.", "label": "Receiver (regex)"},
    )  # fmt: skip
    silence_hours: float = field(
        default=4.0,
        metadata={"doc": "How long the silence an acknowledgement creates lasts.",
                  "range": (0.25, 720.0), "label": "Silence length (hours)"},
    )  # fmt: skip

    def problem(self) -> tuple[str, str] | None:
        if self.auth == "basic" and not self.username:
            return "username", "is required with auth = basic"
        if not self.client_label:
            return "client_label", "must name the alert label that tells the client"
        return None


def build(b: Build[AlertmanagerSettings]) -> Connector:
    from noc_console.connectors.alertmanager import connector as am
    from noc_console.connectors.alertmanager.records import AlertLabels

    s = b.settings
    http = am.am_client(b.name, http_settings(s), s.auth, s.username, b.secret)
    labels = AlertLabels(s.client_label, s.severity_label, s.tier_label)
    options = am.AlertmanagerOptions(am.DEFAULT_MAPPING.overridden(b.mapping), labels,
                                     s.silence_hours, receiver=s.receiver)  # fmt: skip
    return am.AlertmanagerConnector(b.name, http, options, b.label, b.clock)


ALERTMANAGER = ConnectorType(
    key="alertmanager", label="Prometheus Alertmanager", settings=AlertmanagerSettings,
    build=build, required=("base_url",), secret=SecretKind.TOKEN_OR_PASSWORD,
    default_mapping=Lazy("noc_console.connectors.alertmanager.connector", "DEFAULT_MAPPING"),
    probe=Lazy("noc_console.connectors.alertmanager.probe", "probe_alertmanager"),
)  # fmt: skip
