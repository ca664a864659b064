"""ServiceNow as a connector type: its settings and how to build and test it.

Cheap to import (no `requests`, no connector module until a connector is built).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType, Lazy, SecretKind
from noc_console.connectors.request_tracker.declaration import zone_problem
from noc_console.connectors.settings import PsaFields, http_settings

AUTH_KINDS = ("basic", "oauth_password", "oauth_client_credentials")


@dataclass(frozen=True, slots=True)
class ServiceNowSettings(PsaFields):
    auth: str = field(
        default="basic",
        metadata={"doc": "basic, oauth_password or oauth_client_credentials. The secret is the "
                  "password (basic), the client secret (client credentials), or "
                  "'<client secret>:<password>' (OAuth password grant).",
                  "choices": AUTH_KINDS, "label": "&Authentication"},
    )  # fmt: skip
    username: str = field(
        default="", metadata={"doc": "The API user (basic and the OAuth password grant).",
                              "label": "User na&me"},
    )  # fmt: skip
    client_id: str = field(default="", metadata={"doc": "OAuth client id (OAuth only)."})
    time_zone: str = field(
        default="UTC",
        metadata={"doc": "The API user's time zone in ServiceNow (IANA name): date queries "
                  "are read in it.", "check": zone_problem, "label": "User's time &zone"},
    )  # fmt: skip
    close_code: str = field(
        default="Solved Remotely (Permanently)",
        metadata={"doc": "Resolution code written when resolving (a label of close_code)."},
    )

    def problem(self) -> tuple[str, str] | None:
        if self.auth in ("basic", "oauth_password") and not self.username:
            return "username", f"is required with auth = {self.auth}"
        if self.auth.startswith("oauth") and not self.client_id:
            return "client_id", f"is required with auth = {self.auth}"
        return None


def build(b: Build[ServiceNowSettings]) -> Connector:
    from noc_console.connectors.servicenow import connector as sn
    from noc_console.connectors.servicenow.auth import ServiceNowToken

    s = b.settings
    auth: ServiceNowToken | tuple[str, str] = (s.username, b.secret)
    secrets = [b.secret]
    if s.auth == "oauth_client_credentials":
        auth = ServiceNowToken(s.client_id, b.secret)
    elif s.auth == "oauth_password":
        client_secret, _, password = b.secret.partition(":")
        auth = ServiceNowToken(s.client_id, client_secret, s.username, password)
        secrets = [client_secret, password]
    http = sn.servicenow_client(b.name, http_settings(s), auth, secrets)
    mapping = sn.DEFAULT_MAPPING.overridden(b.mapping)
    options = sn.ServiceNowOptions(mapping, SERVICENOW.pages_of(s.page_size), s.time_zone,
                                   s.close_code)  # fmt: skip
    return sn.ServiceNowConnector(b.name, http, options, b.label)


SERVICENOW = ConnectorType(
    key="servicenow", label="ServiceNow", settings=ServiceNowSettings, build=build,
    required=("base_url",), secret=SecretKind.TOKEN_OR_PASSWORD, max_page_size=1000,
    default_mapping=Lazy("noc_console.connectors.servicenow.connector", "DEFAULT_MAPPING"),
    probe=Lazy("noc_console.connectors.servicenow.probe", "probe_servicenow"),
    links_tickets=True,
)  # fmt: skip
