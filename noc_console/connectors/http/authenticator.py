"""The one way a connector re-authenticates and resends: an `Authenticator` given to
`HttpClient`.

Vendors differ in what a refusal means and how to recover from it — Halo's bearer
token expired or was revoked (401: fetch a new token), an Autotask tenant moved to
another zone (401: ask `zoneInformation` again), a ConnectWise cloud codebase moved
(404: read `login/companyinfo` again) — but not in what follows: the client asks the
authenticator once, and resends the refused request once if it says so. A refused
request did nothing, so resending is safe for writes too. A second refusal is raised
as the typed error the client raises for any refusal (`HttpClient.error_for`).

The authenticator's own requests (discovery, a token, a check that explains a
refusal) are sent with `authenticate=False`, so they never come back to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

if TYPE_CHECKING:
    from noc_console.connectors.http.client import HttpClient


class Authenticator:
    """What a vendor does before its requests and when one is refused (the defaults:
    nothing, and no resend)."""

    def ready(self, client: HttpClient) -> None:
        """Before every request: learn what requests need and is not known yet (a
        zone, a codebase, a token), setting `client.base` if the API lives elsewhere."""

    def refused(self, client: HttpClient, response: requests.Response) -> bool:
        """A response the client is about to raise as an error: whether it is this
        vendor's refusal that new credentials or a new base URL cure. Renew them and
        return True to have the request sent once more; or raise a clearer error."""
        return False


def rebased(path: str, old_base: str, new_base: str) -> str:
    """`path` for a request resent after the base URL moved: a relative path is
    resolved against the new base anyway; an absolute URL under the old base (a
    next-page link) is moved under the new one (vendors' paths ignore case)."""
    if "://" in path and old_base != new_base and path.lower().startswith(old_base.lower()):
        return new_base + path[len(old_base) :]
    return path
