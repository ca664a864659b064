"""How NOC Console talks HTTP to ConnectWise PSA (Manage REST API 3.0).

- Auth: HTTP Basic `company+publicKey:privateKey` plus the integration's `clientId`
  header on every call; the private key is the only secret (redacted from every log).
- Codebase discovery: `base_url` is the site (`https://api-na.myconnectwise.net`);
  the API lives under `{site}/{codebase}apis/3.0/`, and the tenant's codebase comes
  from the unauthenticated `GET {site}/login/companyinfo/{company}` on the first
  request (not at construction: building a connector never touches the network).
  A `base_url` that already ends in `/apis/3.0` is used as it is.
- Refusals name ConnectWise's own fields (`error_for`): a bad `clientId` (403, or 400
  naming it) says client_id; bad keys say company, public_key and the private key.
- A 404 is ambiguous on ConnectWise cloud: the record is gone, the hosted codebase
  moved (an upgrade), or the credentials were refused (cloud answers bad company or
  keys with 404, not 401). Each 404 is explained with one cheap authenticated read of
  a list that always exists: if that works, the 404 was real (`NotFound`); if not, the
  codebase is discovered again and the request resent once when it moved; otherwise
  it is `AuthFailed` ("credentials refused"). Discovery and the 404 check are the
  client's `Authenticator` (`Codebase`), the shared way to re-authenticate.
- Lists are read with forward-only paging (`pagination-type: forward-only`, the next
  `pageId` in the `Link` header): stable while tickets change during a long read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

import requests
import requests.auth

from noc_console.connectors.errors import AuthFailed, ConnectorUnavailable
from noc_console.connectors.http.client import (
    Authenticator,
    HttpClient,
    HttpSettings,
    parse_json,
    vendor_message,
)
from noc_console.connectors.http.paging import by_link_header, follow

API_PATH = "apis/3.0/"
MAX_PAGE_SIZE = 1000  # ConnectWise's hard limit; larger values are silently capped
FORWARD_ONLY = {"pagination-type": "forward-only"}
#: A list every API member may read; its 404 means the API itself refused us.
CANARY = "service/priorities"
KEYS = ("check company and public_key in the configuration and the private key stored in "
        "the keyring")  # fmt: skip


class Codebase(Authenticator):
    """ConnectWise's codebase: discovered before the first request, and again when a
    404 turns out to be the hosted codebase moving (see the module's docstring)."""

    def __init__(self, site: str, company: str) -> None:
        self.site = site
        self.company = company
        self.codebase = "" if "/apis/3.0" not in site else "(configured)"

    def ready(self, client: HttpClient) -> None:
        if not self.codebase:
            self.discover(client)

    def discover(self, client: HttpClient) -> str:
        """The tenant's codebase from `login/companyinfo`; sets the API base URL."""
        url = f"{self.site}/login/companyinfo/{quote(self.company)}"
        info = parse_json(client, client.request("GET", url, authenticate=False))
        codebase = info.get("Codebase") if isinstance(info, dict) else None
        if not codebase:
            raise AuthFailed(
                f"{client.name}: credentials refused: company {self.company!r} is not known "
                f"at {self.site} — check company (the id you log in with) and base_url (the "
                "API site, e.g. https://api-na.myconnectwise.net)"
            )
        self.codebase = str(codebase).strip("/") + "/"
        client.base = f"{self.site}/{self.codebase}{API_PATH}"
        return self.codebase

    def refused(self, client: HttpClient, response: requests.Response) -> bool:
        """A 404 is explained by the canary list: it answers, so the 404 was real (no
        resend: `NotFound`); it is refused too, so the codebase moved (resend there) or
        else the credentials were refused (`AuthFailed`)."""
        if response.status_code != 404:
            return False
        canary = client.request("GET", CANARY, params={"pageSize": 1}, accept=(404,),
                                authenticate=False)  # fmt: skip
        if canary.status_code != 404:
            return False
        if self.codebase != "(configured)":
            old = self.codebase
            if self.discover(client) != old:
                return True  # the old codebase answered 404 without doing anything
        raise AuthFailed(
            f"{client.name}: credentials refused (ConnectWise cloud answers a wrong company, "
            f"public key or private key with HTTP 404) — {KEYS}"
        )


class ConnectWiseHttp(HttpClient):
    """`HttpClient` with ConnectWise's auth, codebase discovery and refusals."""

    def __init__(self, name: str, settings: HttpSettings, company: str, public_key: str,
                 client_id: str, private_key: str, **kwargs: Any) -> None:  # fmt: skip
        auth = requests.auth.HTTPBasicAuth(f"{company}+{public_key}", private_key)
        self.discovery = Codebase(settings.base_url.rstrip("/"), company)
        super().__init__(name, settings, auth=auth, headers={"clientId": client_id},
                         secrets=[private_key], authenticator=self.discovery,
                         **kwargs)  # fmt: skip
        self.site = self.discovery.site

    @property
    def codebase(self) -> str:
        """The codebase in use ("" before discovery, "(configured)" if in base_url)."""
        return self.discovery.codebase

    def discover(self) -> str:
        return self.discovery.discover(self)

    def error_for(self, method: str, url: str, response: requests.Response) -> Exception:
        """ConnectWise's refusals name the fields it has: a missing or unregistered
        `clientId` is refused before the keys are looked at (HTTP 403, or 400 naming
        clientId); wrong keys on premise are a 401 (cloud: a 404, see
        `Codebase.refused`). A 403 that is not about the clientId is the API member's
        security role."""
        status, detail = response.status_code, self.redact(vendor_message(response))
        said = f" (HTTP {status}: {detail})" if detail else f" (HTTP {status})"
        if status in (400, 403) and "clientid" in detail.replace(" ", "").lower():
            return AuthFailed(f"{self.name}: ConnectWise refused the clientId{said} — check "
                              "client_id in the configuration: the GUID registered for this "
                              "integration at developer.connectwise.com")  # fmt: skip
        if status == 401:
            return AuthFailed(f"{self.name}: credentials refused{said} — {KEYS}")
        if status == 403:
            return AuthFailed(f"{self.name}: ConnectWise refused {method} "
                              f"{self.redact(url)}{said} — check the API member's security "
                              "role, and client_id in the configuration")  # fmt: skip
        return super().error_for(method, url, response)

    # ------------------------------------------------------------ lists
    def pages(self, path: str, params: Mapping[str, Any], page_size: int = MAX_PAGE_SIZE
              ) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
        """Each page of a list (forward-only, ascending id), as a list of records."""
        size = min(max(page_size, 1), MAX_PAGE_SIZE)
        query = {**params, "pageSize": size}
        for body in follow(self, path, query, by_link_header, headers=FORWARD_ONLY):
            if not isinstance(body, list):
                raise ConnectorUnavailable(f"{self.name}: {path} answered an unexpected shape")
            yield [row for row in body if isinstance(row, dict)]

    def everything(self, path: str, params: Mapping[str, Any] | None = None
                   ) -> list[dict[str, Any]]:  # fmt: skip
        return [row for page in self.pages(path, params or {}) for row in page]
