"""Jira Service Management Cloud as a connector type: its settings and how to build and
test it.

Cheap to import (no `requests`, no connector module until a connector is built).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType, Lazy, SecretKind
from noc_console.connectors.request_tracker.declaration import zone_problem
from noc_console.connectors.settings import PsaFields, http_settings

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class JsmSettings(PsaFields):
    email: str = field(
        default="", metadata={"doc": "The Atlassian account's e-mail (basic auth with its "
                              "API token).", "label": "&E-mail"})  # fmt: skip
    jql: str = field(
        default="", metadata={"doc": "JQL naming the issues to read, e.g. 'project = NOC'.",
                              "label": "&JQL filter"})  # fmt: skip
    timezone: str = field(
        default="UTC",
        metadata={"doc": "The API user's time zone in Jira (JQL dates are read in it).",
                  "check": zone_problem, "label": "Jira time &zone"},
    )  # fmt: skip
    client_field: str = field(
        default="customfield_10002",
        metadata={"doc": "Field naming the client: the site's Organizations field id, or a "
                  "custom field.", "label": "Client field"},
    )  # fmt: skip
    tier_field: str = field(
        default="", metadata={"doc": "Select field holding the tier; empty: none (escalation "
                              "refused).", "label": "Tier field"})  # fmt: skip
    response_sla: str = field(
        default="Time to first response",
        metadata={"doc": "SLA metric giving the response due time.", "label": "Response SLA"},
    )
    resolution_sla: str = field(
        default="Time to resolution",
        metadata={"doc": "SLA metric giving the resolution due time.",
                  "label": "Resolution SLA"},
    )  # fmt: skip

    def problem(self) -> tuple[str, str] | None:
        if not self.email:
            return "email", "is required (the Atlassian account the API token belongs to)"
        return None


def build(b: Build[JsmSettings]) -> Connector:
    from noc_console.connectors.jira_service_management import connector as jsm
    from noc_console.connectors.jira_service_management.records import JsmFields

    s = b.settings
    http = jsm.jsm_client(b.name, http_settings(s), s.email, b.secret)
    fields = JsmFields(s.client_field, s.tier_field, s.response_sla, s.resolution_sla)
    options = jsm.JsmOptions(jsm.DEFAULT_MAPPING.overridden(b.mapping), fields,
                             JSM.pages_of(s.page_size), s.jql, s.timezone)  # fmt: skip
    return jsm.JsmConnector(b.name, http, options, b.label)


JSM = ConnectorType(
    key="jsm", label="Jira Service Management", settings=JsmSettings, build=build,
    required=("base_url",), secret=SecretKind.TOKEN_OR_PASSWORD, max_page_size=MAX_PAGE_SIZE,
    default_mapping=Lazy("noc_console.connectors.jira_service_management.connector",
                         "DEFAULT_MAPPING"),
    probe=Lazy("noc_console.connectors.jira_service_management.probe", "probe_jsm"),
    links_tickets=True,
)  # fmt: skip
