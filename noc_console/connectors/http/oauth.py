"""OAuth 2 bearer tokens as a connector's `auth` and `Authenticator`, for every vendor.

Vendors differ only in how a token is asked for (Halo: client credentials at
`/auth/token`; ServiceNow: the password, client-credentials or refresh-token grant at
`/oauth_token.do`); what follows is the same, so it lives here once. `BearerToken`:

- keeps one token per connector and renews it `margin` seconds before `expires_in`
  runs out, so a long sync does not walk into an expired token;
- on a 401 to a request that carried a token (it expired early, or a newer token
  revoked it) renews it, and the client resends the request once; a second 401 is
  `AuthFailed`, as any refusal;
- registers every token it receives with the client's redactor, so no log line or
  error message ever carries one (the client secret is registered when the client is
  built).

A vendor subclasses it and implements `grant(http, refresh)`: send its token request
(with `authenticate=False` and `auth=NoAuth()`) and return the parsed body, or raise
`AuthFailed` naming what to fix. `refresh` is the refresh token from the last grant
("" when there is none). Renewals are serialised by a lock: two threads renewing at
once could revoke each other's token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from noc_console.connectors.errors import ConnectorUnavailable
from noc_console.connectors.http.client import Authenticator, HttpClient


class NoAuth(requests.auth.AuthBase):
    """For the few requests that carry no bearer token (the token request itself)."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


class BearerToken(requests.auth.AuthBase, Authenticator):
    """Bearer tokens for one tenant: the `auth` and the `authenticator` of its
    `HttpClient`. `renewals` counts tokens fetched (for tests and the connection test);
    `granted_scope` is the scope the last grant named ("" if it named none)."""

    #: where the vendor's token endpoint is, for messages ("/auth/token")
    endpoint = "the token endpoint"

    def __init__(self, *, margin: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.margin = margin
        self._clock = clock
        self._token = ""
        self._refresh = ""
        self._expires = 0.0
        self._lock = threading.Lock()
        self.granted_scope = ""
        self.renewals = 0

    def grant(self, http: HttpClient, refresh: str) -> Any:
        """Ask the vendor for a token; the parsed body (`access_token`, `expires_in`…)."""
        raise NotImplementedError

    # ------------------------------------------------------------ tokens
    def token(self, http: HttpClient) -> str:
        """A token valid for at least `margin` more seconds (renewing it if needed)."""
        with self._lock:
            if not self._token or self._clock() >= self._expires - self.margin:
                self._renew(http)
            return self._token

    def _renew(self, http: HttpClient) -> None:
        body = self.grant(http, self._refresh)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise ConnectorUnavailable(f"{http.name}: {self.endpoint} answered without a token")
        http.add_secret(str(token))
        refresh = body.get("refresh_token")
        if refresh:
            http.add_secret(str(refresh))
        self._refresh = str(refresh or "")
        self._token = str(token)
        self._expires = self._clock() + float(body.get("expires_in") or 3600)
        self.granted_scope = str(body.get("scope") or "")
        self.renewals += 1

    # ------------------------------------------------------------ the client's hooks
    def ready(self, client: HttpClient) -> None:
        self.token(client)

    def refused(self, client: HttpClient, response: requests.Response) -> bool:
        """A 401 to a request that carried a token: renew it, unless another thread
        already replaced the refused one, and have the request sent once more."""
        sent = str(response.request.headers.get("Authorization", ""))
        if response.status_code != 401 or not sent.startswith("Bearer "):
            return False
        with self._lock:
            if self._token == sent.removeprefix("Bearer ") or not self._token:
                self._renew(client)
        return True

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if self._token:  # `ready` fetched it; the token request itself goes without
            r.headers["Authorization"] = f"Bearer {self._token}"
        return r
