"""HaloPSA's OAuth2 client-credentials grant (`http.oauth.BearerToken` does the rest).

Halo issues bearer tokens at `{base}/auth/token` (form `grant_type=client_credentials`,
`client_id`, `client_secret`, `scope=all`, and `?tenant=` for hosted tenants that need
it). Halo may invalidate earlier tokens when a new one is issued: the shared token's
renew-once-on-401 covers that. Because the token is the client's `auth` and
`authenticator`, every request the shared client sends — paging included — is
authorised the same way; no caller handles tokens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from noc_console.connectors.errors import AuthFailed
from noc_console.connectors.http.client import HttpClient, parse_json, vendor_message
from noc_console.connectors.http.oauth import BearerToken, NoAuth

__all__ = ["HaloToken", "NoAuth"]


class HaloToken(BearerToken):
    """Bearer tokens for one Halo tenant (`halo_client` makes it the client's `auth`
    and `authenticator`)."""

    endpoint = "/auth/token"

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
        super().__init__(margin=margin, clock=clock)
        self.client_id = client_id
        self._client_secret = client_secret
        self.tenant = tenant
        self.scope = scope

    def grant(self, http: HttpClient, refresh: str) -> Any:
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
        return parse_json(http, response)
