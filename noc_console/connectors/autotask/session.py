"""Talking to Autotask's REST API v1.0: zone discovery, its headers, its error quirks
and its thread limit, on top of the shared `HttpClient`.

- The configured base URL is the *discovery* host (`…/ATServicesRest/V1.0`):
  `GET zoneInformation?user=` (sent without credentials) names the tenant's zone;
  every other call goes to `{zone url}v1.0/…` with the headers `ApiIntegrationCode`,
  `UserName`, `Secret` (set on the session, never logged; the secret is redacted
  everywhere). Only the discovery host and the zone it names (https) get requests.
- A tenant moved to another zone answers 401 in the old one: the client's
  `Authenticator` (`Zone`) rediscovers the zone once and the client resends there
  (next-page URLs included); if the zone did not change, or the resend is refused
  too, it is `AuthFailed`.
- Autotask answers refusals (permissions, validation, missing records) with HTTP 500
  and `{"errors": [...]}`: on writes that is `ActionRejected` with the vendor's
  message, not "server error, try later"; reads keep the shared layer's retries. A
  wrong integration code is a 500 too ("IntegrationCode is invalid.", while a wrong
  user name or secret is a 401): `AuthFailed` naming `integration_code`, not retried.
- Integrations may run at most 3 concurrent requests per entity endpoint: a
  process-wide semaphore per (integration code, entity) keeps every connector object
  of one integration under it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from noc_console.connectors.errors import ActionRejected, AuthFailed, ConnectorUnavailable
from noc_console.connectors.http.client import (
    Authenticator,
    HttpClient,
    HttpSettings,
    parse_json,
    vendor_message,
)
from noc_console.connectors.http.rate_limit import RateLimiter

log = logging.getLogger(__name__)

#: The tenant-wide hourly threshold Autotask publishes (shared by every integration).
HOURLY_THRESHOLD = 10_000
#: This connector's default share of it when requests_per_minute is 0: a quarter, so
#: the PSA's own integrations (RMM, billing, backups) keep three quarters.
DEFAULT_HOURLY_BUDGET = 2_500
#: Requests a burst may take from the budget at once (a sync's paging, an action).
BURST = 30
THREADS_PER_ENDPOINT = 3
#: 500s whose message says "try again" rather than "no" (pyconnectwise does the same).
TRANSIENT = ("timeout", "timed out", "try again", "temporarily", "deadlock")

#: Session headers removed from the zone question (None removes a header in requests).
NO_CREDENTIALS = {"ApiIntegrationCode": None, "UserName": None, "Secret": None}

_slots_lock = threading.Lock()
_slots: dict[tuple[str, str], threading.BoundedSemaphore] = {}


def at_client(name: str, settings: HttpSettings, username: str, integration_code: str,
              secret: str) -> HttpClient:  # fmt: skip
    """The HTTP client: Autotask's three headers, and the hourly budget as a limiter
    (`settings.requests_per_minute`, else `DEFAULT_HOURLY_BUDGET`) with bursts."""
    headers = {"ApiIntegrationCode": integration_code, "UserName": username, "Secret": secret,
               "Content-Type": "application/json"}  # fmt: skip
    http = HttpClient(name, settings, headers=headers, secrets=[secret])
    per_minute = settings.requests_per_minute or DEFAULT_HOURLY_BUDGET / 60.0
    http.limiter = RateLimiter(per_minute / 60.0, burst=BURST)
    return http


class Zone(Authenticator):
    """The tenant's zone: asked of the discovery host before the first request, and
    again when a request is refused (401/403: the tenant may have moved)."""

    def __init__(self, discovery: str, username: str) -> None:
        self.discovery = discovery.rstrip("/") + "/"
        self.username = username
        self.url = ""  # "{zone}/v1.0/" once discovered
        self.name = ""
        self.moves = 0

    def ready(self, client: HttpClient) -> None:
        if not self.url:
            self.discover(client)

    def discover(self, client: HttpClient) -> str:
        """Ask the discovery host for this user's zone; make it the client's base URL.

        The question carries no credentials (it needs none); the zone's host is then
        trusted with them, over https only (`Destinations.allow`)."""
        response = client.request("GET", self.discovery + "zoneInformation",
                                  params={"user": self.username}, accept=(500,),
                                  headers=NO_CREDENTIALS, authenticate=False)  # fmt: skip
        body = parse_json(client, response)
        if response.status_code == 500 or not isinstance(body, dict) or not body.get("url"):
            detail = vendor_message(response) if response.status_code == 500 else "no zone url"
            raise AuthFailed(f"{client.name}: Autotask has no zone for API user "
                             f"{self.username!r} ({detail}) — check username")  # fmt: skip
        zone_url = str(body["url"]).rstrip("/") + "/v1.0/"
        client.destinations.allow(zone_url, "Autotask's zone discovery")
        self.url = client.base = zone_url
        self.name = str(body.get("zoneName") or zone_url)
        return zone_url

    def refused(self, client: HttpClient, response: requests.Response) -> bool:
        """Credentials refused: resend once in the tenant's new zone if it moved."""
        if response.status_code not in (401, 403):
            return False
        old = self.url
        if self.discover(client) == old:
            return False
        self.moves += 1
        log.warning("%s: the tenant moved from %s to %s; retrying there", client.name, old,
                    self.url)  # fmt: skip
        return True


class AutotaskSession:
    """The client with its `Zone` installed, and Autotask's refusals and thread limit
    around each request."""

    def __init__(self, http: HttpClient, username: str) -> None:
        self.http = http
        self.name = http.name
        self.username = username
        self.zone = Zone(http.settings.base_url, username)
        http.authenticator = self.zone

    @property
    def requests_made(self) -> int:
        return self.http.requests_made

    @property
    def zone_url(self) -> str:
        """The zone's API base URL ("" before the first request)."""
        return self.zone.url

    def discover(self) -> str:
        return self.zone.discover(self.http)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """`path` relative to the zone's `v1.0/` (or a next-page URL), as parsed JSON."""
        return parse_json(self.http, self.request(method, path, **kwargs))

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request in the tenant's zone (`path` relative to its `v1.0/`, or a
        next-page URL), within the thread limit, with Autotask's 500s made plain."""
        self.zone.ready(self.http)
        relative = path[len(self.http.base) :] if "://" in path else path.lstrip("/")
        entity = relative.split("/", 1)[0].split("?", 1)[0].lower()
        write = method not in ("GET", "HEAD") and not kwargs.get("idempotent")
        with _slot(str(self.http.session.headers.get("ApiIntegrationCode", "")), entity):
            response = self.http.request(method, path, accept=(500,), **kwargs)
            if response.status_code == 500 and not write and not _code_refused(response):
                response = self.http.request(method, path, **kwargs)  # the shared retries
        if response.status_code != 500:
            return response
        message = self.http.redact(vendor_message(response))
        if _code_refused(response):
            raise AuthFailed(f"{self.name}: Autotask refused the integration code (HTTP 500: "
                             f"{message}) — check integration_code in the configuration: "
                             "the API user's API Tracking Identifier")  # fmt: skip
        what = f"{self.name}: Autotask refused {method} {entity}"
        if not _has_errors(response) or any(t in message.lower() for t in TRANSIENT):
            raise ConnectorUnavailable(f"{what}: server error HTTP 500: {message}")
        raise ActionRejected(f"{what}: {message}")


@contextmanager
def _slot(integration: str, entity: str) -> Iterator[None]:
    with _slots_lock:
        slot = _slots.setdefault((integration, entity),
                                 threading.BoundedSemaphore(THREADS_PER_ENDPOINT))  # fmt: skip
    with slot:
        yield


def _code_refused(response: requests.Response) -> bool:
    """Autotask's answer to valid credentials with a wrong integration code: HTTP 500
    ("IntegrationCode is invalid."), where a wrong user name or secret gets 401."""
    if response.status_code != 500:
        return False
    return "integrationcode" in vendor_message(response).replace(" ", "").lower()


def _has_errors(response: requests.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body.get("errors"))
