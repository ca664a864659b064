"""HaloPSA's OAuth2 client-credentials grant, as a `requests` auth for the shared client.

Halo issues bearer tokens at `{base}/auth/token` (form `grant_type=client_credentials`,
`client_id`, `client_secret`, `scope=all`, and `?tenant=` for hosted tenants that need
it). `HaloToken` keeps one token per connector and:

- renews it `margin` seconds before `expires_in` runs out, so a long sync does not
  walk into an expired token;
- on a 401 (the token expired early, or a newer token revoked it — Halo may invalidate
  earlier tokens when a new one is issued) renews once and resends the request once;
  a second 401 is returned as is, and the shared client raises `AuthFailed`;
- registers every access token with the client's redactor, so no log line or error
  message ever carries one (the client secret is registered when the client is built).

Because it is the session's `auth`, every request the shared client sends — paging
included — is authorised the same way; no caller handles tokens. Renewals are
serialised by a lock: two threads renewing at once could revoke each other's token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from noc_console.connectors.errors import AuthFailed, ConnectorUnavailable
from noc_console.connectors.http.client import HttpClient, parse_json, vendor_message


class NoAuth(requests.auth.AuthBase):
    """For the few requests that carry no bearer token (the token request itself)."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


class HaloToken(requests.auth.AuthBase):
    """Bearer tokens for one Halo tenant; bind it to its `HttpClient` before use.

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
        self._http: HttpClient | None = None
        self._token = ""
        self._expires = 0.0
        self._lock = threading.Lock()
        self.granted_scope = ""
        self.renewals = 0

    def bind(self, http: HttpClient) -> None:
        self._http = http

    # ------------------------------------------------------------ tokens
    def token(self) -> str:
        """A token valid for at least `margin` more seconds (renewing it if needed)."""
        with self._lock:
            if not self._token or self._clock() >= self._expires - self.margin:
                self._renew()
            return self._token

    def renew_after_401(self, refused: str) -> str:
        """A fresh token, unless another thread already replaced the refused one."""
        with self._lock:
            if self._token == refused or not self._token:
                self._renew()
            return self._token

    def _renew(self) -> None:
        http = self._http
        if http is None:
            raise RuntimeError("HaloToken.bind(http) was not called")
        form = {"grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self._client_secret, "scope": self.scope}  # fmt: skip
        params = {"tenant": self.tenant} if self.tenant else None
        response = http.request("POST", "/auth/token", data=form, params=params,
                                auth=NoAuth(), accept=(400, 401, 403))  # fmt: skip
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

    # ------------------------------------------------------------ requests auth
    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self.token()}"
        r.register_hook("response", self._on_response)
        return r

    def _on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        """On a 401, renew the token and resend the request once (like digest auth)."""
        if response.status_code != 401:
            return response
        sent = str(response.request.headers.get("Authorization", "")).removeprefix("Bearer ")
        token = self.renew_after_401(sent)
        response.content  # noqa: B018 -- read the body so the connection is reusable
        response.close()
        again = response.request.copy()
        again.headers["Authorization"] = f"Bearer {token}"
        again.hooks = {"response": []}  # a second 401 goes back to the caller as is
        retried: requests.Response = response.connection.send(again, **kwargs)
        retried.history.append(response)
        retried.request = again
        return retried
