"""ServiceNow's OAuth 2 grants at `/oauth_token.do` (`http.oauth.BearerToken` does
the caching, renewal and resend-once-on-401).

- `password` grant: `client_id`, `client_secret`, `username`, `password` — the token
  acts as that user (their roles and time zone);
- `client_credentials` grant: `client_id`, `client_secret` — only on instances that
  enable it (system property `glide.oauth.inbound.client.credential.grant_type.enabled`,
  off by default, and an OAuth Application User on the OAuth client, per ServiceNow's
  docs); the token then acts as that user;
- a renewal first tries the `refresh_token` grant with the refresh token of the last
  grant, and falls back to the full grant when that is refused (refresh tokens expire
  too).

A refused grant is `AuthFailed` naming what to check; the secrets are registered with
the client's redactor when the client is built, every token when it arrives.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from noc_console.connectors.errors import AuthFailed
from noc_console.connectors.http.client import HttpClient, parse_json, vendor_message
from noc_console.connectors.http.oauth import BearerToken, NoAuth

TOKEN_PATH = "/oauth_token.do"


class ServiceNowToken(BearerToken):
    endpoint = TOKEN_PATH

    def __init__(self, client_id: str, client_secret: str, username: str = "",
                 password: str = "", *, margin: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        super().__init__(margin=margin, clock=clock)
        self.client_id = client_id
        self._client_secret = client_secret
        self.username = username
        self._password = password

    @property
    def grant_type(self) -> str:
        return "password" if self.username else "client_credentials"

    def grant(self, http: HttpClient, refresh: str) -> Any:
        client = {"client_id": self.client_id, "client_secret": self._client_secret}
        if refresh:
            answer = self._ask(http, {**client, "grant_type": "refresh_token",
                                      "refresh_token": refresh})  # fmt: skip
            if answer is not None:
                return answer
        form = {**client, "grant_type": self.grant_type}
        if self.username:
            form.update(username=self.username, password=self._password)
        answer = self._ask(http, form)
        if answer is None:
            who = "client_id, username and" if self.username else "client_id and"
            allowed = "" if self.username else (
                ", and that the instance allows the grant (system property "
                "glide.oauth.inbound.client.credential.grant_type.enabled and an OAuth "
                "Application User on the OAuth client)")  # fmt: skip
            raise AuthFailed(
                f"{http.name}: ServiceNow refused the OAuth {self.grant_type} grant "
                f"({self.last_refusal}) — check {who} the secret stored in the keyring{allowed}"
            )
        return answer

    def _ask(self, http: HttpClient, form: dict[str, str]) -> Any:
        """The grant's body, or None when ServiceNow refused it."""
        response = http.request("POST", TOKEN_PATH, data=form, auth=NoAuth(),
                                accept=(400, 401, 403), authenticate=False)  # fmt: skip
        if response.status_code >= 400:
            self.last_refusal = http.redact(vendor_message(response)) or \
                f"HTTP {response.status_code}"  # fmt: skip
            return None
        return parse_json(http, response)

    last_refusal = ""
