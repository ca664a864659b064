"""What every connector type's settings share, declared once.

A type's settings are a frozen dataclass (its `ConnectorType.settings`); each field
carries its default and, in `metadata`, a description ("doc") and its rule ("range",
"zero", "check", "choices": services/config_rules.py), and may carry the settings
dialog's "label". The common HTTP fields live here, in `HttpFields` (any API over
HTTP) and `PsaFields` (an API that needs a secret): a vendor declares only its own.
Nothing here imports `requests`: reading the configuration never loads it.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from noc_console.connectors.http.settings import HttpSettings

#: No vendor serves more records per page (ConnectWise: 1,000); a type's own maximum,
#: `ConnectorType.max_page_size`, is checked after this.
PAGE_SIZE_LIMIT = 1000


def url_problem(url: str) -> str | None:
    """Why `url` cannot be an API's base URL (http or https, a host, a valid port, no
    credentials), or None; "" is checked by the type's required fields."""
    if not url:
        return None
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must be an http(s) URL, like https://psa.example.com/api"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password: store the secret in the keyring"
    host = parts.hostname or ""
    if not host:
        return "has no host"
    if ":" in host:  # an IPv6 literal, [::1]
        try:
            ipaddress.IPv6Address(host.partition("%")[0])
        except ValueError:
            return f"{host!r} is not an IPv6 address"
    elif not re.fullmatch(r"[\w-]+(\.[\w-]+)*\.?", host):
        return f"{host!r} is not a host name"
    try:
        port = parts.port
    except ValueError as exc:
        return f"has an invalid port ({exc}); use 1 to 65535"
    if port == 0:
        return "has port 0; use 1 to 65535"
    return None


def file_problem(path: str) -> str | None:
    """Why `path` is not a readable file (checked now, not at the first request)."""
    if not path:
        return None
    try:
        if not Path(path).exists():
            return f"{path} does not exist"
        if not Path(path).is_file():
            return f"{path} is not a file; give a PEM file of CA certificates"
    except (OSError, ValueError) as exc:
        return f"{path!r} is not a usable path ({exc})"
    if not os.access(path, os.R_OK):
        return f"{path} cannot be read"
    return None


@dataclass(frozen=True, slots=True)
class ConnectorSettings:
    """The base of every type's settings (the demo feed's have no HTTP fields)."""

    def problem(self) -> tuple[str, str] | None:
        """A rule across fields, checked after each field's own: (key, problem) or None."""
        return None


@dataclass(frozen=True, slots=True)
class HttpFields(ConnectorSettings):
    """Fields of every type that reads an API over HTTP."""

    base_url: str = field(
        default="",
        metadata={
            "doc": "The API's base URL (RT: https://rt.example.com/REST/2.0).",
            "check": url_problem,
            "label": "Base &URL",
        },
    )
    ca_bundle: str = field(
        default="",
        metadata={
            "doc": "PEM file of a private CA to trust (TLS stays verified).",
            "check": file_problem,
            "label": "CA bundle (PEM file)",
        },
    )
    requests_per_minute: float = field(
        default=0.0,
        metadata={
            "doc": "Client-side request limit; 0: the vendor's default (none for RT, "
            "ConnectWise and ServiceNow, 2,500/hour for Autotask, 150/minute for Halo, "
            "200/minute for Zendesk).",
            "range": (1.0, 100_000.0),
            "zero": "the vendor's default",
            "label": "Requests per minute",
        },
    )
    timeout_s: float = field(
        default=20.0,
        metadata={
            "doc": "Read timeout of each request.",
            "range": (0.5, 600.0),
            "label": "Read timeout (seconds)",
        },
    )


@dataclass(frozen=True, slots=True)
class PsaFields(HttpFields):
    """Fields of every type that signs in with a secret from the keyring and pages."""

    secret: str = field(
        default="", metadata={"doc": "Keyring entry holding the token or password (default: name)."}
    )
    page_size: int = field(
        default=0,
        metadata={
            "doc": "Records per page; 0: the vendor's maximum.",
            "range": (1, PAGE_SIZE_LIMIT),
            "zero": "the vendor's maximum",
            "label": "Page size",
        },
    )
    allow_insecure_http: bool = field(
        default=False,
        metadata={
            "doc": "Send the secret over a plain http:// base_url (a test lab only: anyone on "
            "the path can read it). Without it, http:// is refused for types with a secret.",
            "label": "Allow plain &http (test lab)",
        },
    )


#: The common fields before and after a vendor's own, in the order files have always
#: listed them (a saved connector reads as it did before types declared their fields).
HEAD = ("base_url", "secret")
TAIL = ("ca_bundle", "allow_insecure_http", "requests_per_minute", "timeout_s", "page_size")


def ordered_fields(settings: type[ConnectorSettings]) -> list[Field[Any]]:
    """The fields of `settings` in the order the dialog shows and the file lists them:
    base_url (and secret), the vendor's own, then the common ones."""
    order = {name: place for place, name in enumerate(HEAD)}
    order.update({name: place for place, name in enumerate(TAIL, start=len(HEAD) + 1)})
    return sorted(fields(settings), key=lambda spec: order.get(spec.name, len(HEAD)))


def http_settings(settings: HttpFields) -> HttpSettings:
    """How a connector with these settings talks HTTP."""
    return HttpSettings(
        settings.base_url,
        read_timeout=settings.timeout_s,
        requests_per_minute=settings.requests_per_minute,
        ca_bundle=settings.ca_bundle,
        allow_insecure_http=isinstance(settings, PsaFields) and settings.allow_insecure_http,
    )
