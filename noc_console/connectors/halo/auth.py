"""HaloPSA's OAuth2 client-credentials grant, as the shared client's `auth` and
`Authenticator`.

Halo issues bearer tokens at `{base}/auth/token` (form `grant_type=client_credentials`,
`client_id`, `client_secret`, `scope=all`, and `?tenant=` for hosted tenants that need
it). `HaloToken` keeps one token per connector and:

- renews it `margin` seconds before `expires_in` runs out, so a long sync does not
  walk into an expired token;
- on a 401 (the token expired early, or a newer token revoked it — Halo may invalidate
  earlier tokens when a new one is issued) renews it, and the client resends the
  request once; a second 401 is `AuthFailed`, as any refusal;
- registers every access token with the client's redactor, so no log line or error
  message ever carries one (the client secret is registered when the client is built).

Because it is the client's `auth` and `authenticator`, every request the shared client
sends — paging included — is authorised the same way; no caller handles tokens. Renewals are
serialised by a lock: two threads renewing at once could revoke each other's token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from noc_console.connectors.errors import AuthFailed, ConnectorUnavailable
from noc_console.connectors.http.client import Authenticator, HttpClient, parse_json, vendor_message


class NoAuth(requests.auth.AuthBase):
    """For the few requests that carry no bearer token (the token request itself)."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


class HaloToken(requests.auth.AuthBase, Authenticator):
    """Bearer tokens for one Halo tenant: the `auth` and the `authenticator` of its
    `HttpClient` (`halo_client` sets both).

    `renewals` counts tokens fetched (for tests and the connection test).
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        tenant: str = "",
        *,
        scope: str = "all",
        margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.tenant = tenant
        self.scope = scope
        self.margin = margin
        self._clock = clock
        self._token = ""
        self._expires = 0.0
        self._lock = threading.Lock()
        self.granted_scope = ""
        self.renewals = 0

    # ------------------------------------------------------------ tokens
    def token(self, http: HttpClient) -> str:
        """A token valid for at least `margin` more seconds (renewing it if needed)."""
        with self._lock:
            if not self._token or self._clock() >= self._expires - self.margin:
                self._renew(http)
            return self._token

    def _renew(self, http: HttpClient) -> None:
        form = {"grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self._client_secret, "scope": self.scope}  # fmt: skip
        params = {"tenant": self.tenant} if self.tenant else None
        response = http.request("POST", "/auth/token", data=form, params=params, auth=NoAuth(),
                                accept=(400, 401, 403), authenticate=False)  # fmt: skip
        if response.status_code >= 400:
            detail = http.redact(vendor_message(response)) or f"HTTP {response.status_code}"
            raise AuthFailed(
                f"{http.name}: Halo refused the client credentials ({detail}) — check "
                "client_id, tenant and the client secret stored in the keyring"
            )
        body: Any = parse_json(http, response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise ConnectorUnavailable(f"{http.name}: /auth/token answered without a token")
        http.add_secret(str(token))
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
