"""Request Tracker 5 as a connector type: its settings and how to build and test it.

Cheap to import (no `requests`, no connector module until a connector is built).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType, Lazy, SecretKind
from noc_console.connectors.settings import PsaFields, http_settings

MAX_PAGE_SIZE = 100


def zone_problem(zone: str) -> str | None:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{zone!r} is not an IANA time zone"
    return None


@dataclass(frozen=True, slots=True)
class RtSettings(PsaFields):
    auth: str = field(
        default="token",
        metadata={"doc": "token or basic.", "choices": ("token", "basic"),
                  "label": "&Authentication"},
    )  # fmt: skip
    username: str = field(
        default="", metadata={"doc": "User name for basic auth.", "label": "User na&me"}
    )
    timezone: str = field(
        default="UTC",
        metadata={"doc": "The API user's time zone in RT (IANA name).", "check": zone_problem,
                  "label": "RT time &zone"},
    )  # fmt: skip
    tier_field: str = field(
        default="Tier",
        metadata={"doc": "Ticket custom field holding L1/L2/L3/ENG.", "label": "Tier custom field"},
    )

    def problem(self) -> tuple[str, str] | None:
        if self.auth == "basic" and not self.username:
            return "username", "is required with auth = basic"
        return None


def build(b: Build[RtSettings]) -> Connector:
    from noc_console.connectors.request_tracker import connector as rt

    s = b.settings
    http = rt.rt_client(b.name, http_settings(s), s.auth, s.username, b.secret)
    options = rt.RtOptions(rt.DEFAULT_MAPPING.overridden(b.mapping),
                           RT.pages_of(s.page_size), s.timezone, s.tier_field)  # fmt: skip
    return rt.RequestTrackerConnector(b.name, http, options, b.label)


RT = ConnectorType(
    key="rt", label="Request Tracker 5", settings=RtSettings, build=build, required=("base_url",),
    secret=SecretKind.TOKEN_OR_PASSWORD, max_page_size=MAX_PAGE_SIZE,
    default_mapping=Lazy("noc_console.connectors.request_tracker.connector", "DEFAULT_MAPPING"),
    probe=Lazy("noc_console.connectors.request_tracker.probe", "probe_rt"), links_tickets=True,
)  # fmt: skip
