"""Zendesk Support as a connector type: its settings and how to build and test it.

Cheap to import (no `requests`, no connector module until a connector is built).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from noc_console.connectors.base import Connector
from noc_console.connectors.connector_type import Build, ConnectorType, Lazy, SecretKind
from noc_console.connectors.settings import PsaFields, http_settings


@dataclass(frozen=True, slots=True)
class ZendeskSettings(PsaFields):
    auth: str = field(
        default="token",
        metadata={"doc": "token (an API token, with email) or oauth (an OAuth access token).",
                  "choices": ("token", "oauth"), "label": "&Authentication"},
    )  # fmt: skip
    email: str = field(
        default="", metadata={"doc": "The agent's email address (API token auth).",
                              "label": "&Email"},
    )  # fmt: skip

    def problem(self) -> tuple[str, str] | None:
        if self.auth == "token" and not self.email:
            return "email", "is required with auth = token"
        return None


def build(b: Build[ZendeskSettings]) -> Connector:
    from noc_console.connectors.zendesk import connector as zd

    s = b.settings
    rpm = s.requests_per_minute or zd.DEFAULT_REQUESTS_PER_MINUTE
    settings = replace(http_settings(s), requests_per_minute=rpm)
    http = zd.zendesk_client(b.name, settings, s.email, b.secret, oauth=s.auth == "oauth")
    options = zd.ZendeskOptions(zd.DEFAULT_MAPPING.overridden(b.mapping),
                                ZENDESK.pages_of(s.page_size))  # fmt: skip
    return zd.ZendeskConnector(b.name, http, options, b.label)


ZENDESK = ConnectorType(
    key="zendesk", label="Zendesk", settings=ZendeskSettings, build=build,
    required=("base_url",), secret=SecretKind.TOKEN_OR_PASSWORD, max_page_size=1000,
    default_mapping=Lazy("noc_console.connectors.zendesk.connector", "DEFAULT_MAPPING"),
    probe=Lazy("noc_console.connectors.zendesk.probe", "probe_zendesk"),
)  # fmt: skip
