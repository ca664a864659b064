"""The HTTP layer every connector shares: one `requests.Session` per connector.

What it guarantees, so no connector has to remember:

- a connect and a read timeout on every call;
- transient failures of safe requests (GET/HEAD, and writes the caller marks
  idempotent) retried with exponential backoff and full jitter; other writes are never
  resent here (the outbox retries them knowing whether they may have landed);
- 429 answered by waiting `Retry-After` when it is short, else `RateLimited` so the
  engine backs off; a client-side `RateLimiter` keeps under the vendor's published rate;
- TLS verification always on, against certifi's bundle or the configured CA bundle;
  no switch turns it off and the environment cannot change it;
- requests go only to the configured host (and hosts a vendor's discovery names), never
  follow a redirect elsewhere, and carry credentials over plain http only when the
  connector allows it (`http_transport`);
- a total deadline per request, so a server dripping its answer cannot hold a sync;
- failures mapped onto `connectors.errors`, with a message naming the connector, the
  request and what to fix (an HTML page instead of JSON usually means a wrong base URL);
- secrets never logged: auth travels in headers, which are never logged; every
  message this layer logs or raises, and every record urllib3 logs, is passed through
  the process-wide redactor that knows each connector's secrets.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import requests
import requests.utils

from noc_console import __version__
from noc_console.connectors.errors import (
    ActionRejected,
    AuthFailed,
    ConnectorUnavailable,
    NotFound,
    RateLimited,
)
from noc_console.connectors.http.rate_limit import RateLimiter
from noc_console.connectors.http.redaction import REDACT, guard_third_party_loggers
from noc_console.connectors.http.settings import HttpSettings as HttpSettings  # re-exported
from noc_console.connectors.http.transport import (
    MAX_REDIRECTS,
    Deadline,
    Destinations,
    EnvironmentProxies,
    GuardedSession,
)
from noc_console.models.record_text import clean

log = logging.getLogger(__name__)
guard_third_party_loggers()

USER_AGENT = f"NOC-Console/{__version__} (+https://noc-console.example/; python-requests)"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


class Authenticator:
    """What a vendor does before its requests and when one is refused (the defaults:
    nothing, and no resend).

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


class HttpClient:
    """A connector's HTTP session: `request()` returns a 2xx (or an accepted) response
    or raises a typed `ConnectorError`; `json()` also parses the body.

    `requests_made` counts requests sent (retries included), for measurements.
    """

    def __init__(
        self,
        name: str,
        settings: HttpSettings,
        *,
        auth: requests.auth.AuthBase | tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
        secrets: Iterable[str] = (),
        sleep: Callable[[float], None] = time.sleep,
        authenticator: Authenticator | None = None,
    ) -> None:
        self.name = name
        #: the vendor's re-authentication (`Authenticator`); None: a refusal is final
        self.authenticator = authenticator
        self.settings = settings
        self.base = settings.base_url.rstrip("/") + "/"
        self.redact = REDACT
        secrets = list(secrets)
        for secret in secrets:
            REDACT.add(secret)
        self.destinations = Destinations(
            name, self.base, credentialed=bool(secrets) or auth is not None,
            allow_insecure_http=settings.allow_insecure_http, redact=self.redact,
        )  # fmt: skip
        self.session = GuardedSession(self.destinations)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.session.headers.update(headers or {})
        self.session.auth = auth
        #: certifi's bundle unless a CA bundle is configured: never the environment's
        self.verify = settings.ca_bundle or requests.utils.DEFAULT_CA_BUNDLE_PATH
        #: never below one connect and one read: a single slow read has its own timeout
        self.deadline = max(settings.request_deadline,
                            settings.connect_timeout + settings.read_timeout)  # fmt: skip
        self._proxies = EnvironmentProxies()
        self.limiter = RateLimiter(settings.requests_per_minute / 60.0, sleep=sleep)
        self._sleep = sleep
        self.requests_made = 0

    def add_secret(self, value: str) -> None:
        """A secret learned later (an OAuth token) that must never reach a log."""
        self.redact.add(value)

    def url(self, path: str) -> str:
        """`path` relative to the base URL; absolute URLs (next-page links) as they are."""
        return urljoin(self.base, path.lstrip("/")) if "://" not in path else path

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """`request()`, then the body as JSON (an empty body is None)."""
        return parse_json(self, self.request(method, path, **kwargs))

    def request(
        self,
        method: str,
        path: str,
        *,
        accept: Collection[int] = (),
        idempotent: bool | None = None,
        authenticate: bool = True,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request; statuses in `accept` are returned instead of raised.

        The authenticator, if any, is asked first (`ready`) and, when the server
        refuses the request, whether new credentials or a moved base URL cure it
        (`refused`): then the request is sent once more. `authenticate=False` for the
        authenticator's own requests, which must not come back to it."""
        authenticator = self.authenticator if authenticate else None
        if authenticator is not None:
            authenticator.ready(self)
        base, url = self.base, self.url(path)
        response = self._exchange(method, url, accept, idempotent, kwargs)
        if response.status_code < 400 or response.status_code in accept:
            return response
        if authenticator is not None and authenticator.refused(self, response):
            response.close()
            url = self.url(rebased(path, base, self.base))
            response = self._exchange(method, url, accept, idempotent, kwargs)
            if response.status_code < 400 or response.status_code in accept:
                return response
        raise self.error_for(method, url, response)

    def _exchange(
        self, method: str, url: str, accept: Collection[int], idempotent: bool | None,
        kwargs: dict[str, Any],
    ) -> requests.Response:  # fmt: skip
        """One request with its retries: the answer to return or to raise as an error."""
        self.destinations.check(url)
        retry_safe = method in SAFE_METHODS if idempotent is None else idempotent
        attempt = 0
        while True:
            self.limiter.acquire()
            started = time.perf_counter()
            self.requests_made += 1
            deadline = Deadline(self.deadline)
            try:
                with deadline:
                    response = self.session.request(
                        method,
                        url,
                        timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                        verify=self.verify,
                        proxies=self._proxies(url),
                        **kwargs,
                    )
            except requests.RequestException as exc:
                if deadline.expired:
                    raise ConnectorUnavailable(self._deadline_message(method, url)) from None
                if isinstance(exc, requests.exceptions.SSLError):
                    raise ConnectorUnavailable(self._tls_message(url, exc)) from None
                network = (requests.ConnectionError, requests.Timeout,
                           requests.exceptions.ChunkedEncodingError)  # fmt: skip
                if not isinstance(exc, network):
                    raise ConnectorUnavailable(self._protocol_message(method, url, exc)) from None
                never_sent = isinstance(exc, requests.exceptions.ConnectTimeout)
                if (retry_safe or never_sent) and attempt < self.settings.retries:
                    attempt = self._back_off(attempt, method, url, type(exc).__name__)
                    continue
                raise ConnectorUnavailable(self._network_message(method, url, exc)) from None
            if deadline.expired:  # cut while reading headers: what arrived looks complete
                response.close()
                raise ConnectorUnavailable(self._deadline_message(method, url))
            status = response.status_code
            log.debug(
                "%s: %s %s -> %d in %.0f ms",
                self.name,
                method,
                self.redact(url),
                status,
                (time.perf_counter() - started) * 1000,
            )
            if status < 400 or status in accept:
                return response
            if status == 429:
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                if attempt < self.settings.retries and (wait or 0) <= self.settings.max_retry_after:
                    attempt = self._back_off(attempt, method, url, "HTTP 429", wait)
                    continue
                raise RateLimited(f"{self.name}: rate limited by the server (HTTP 429)", wait)
            if status in TRANSIENT_STATUSES and retry_safe and attempt < self.settings.retries:
                attempt = self._back_off(attempt, method, url, f"HTTP {status}")
                continue
            return response

    def error_for(self, method: str, url: str, response: requests.Response) -> Exception:
        """The typed error for a failed response (connectors refine vendor quirks)."""
        status = response.status_code
        what = f"{self.name}: {method} {self.redact(url)}"
        detail = self.redact(vendor_message(response))
        suffix = f": {detail}" if detail else ""
        if status in (401, 403):
            return AuthFailed(
                f"{self.name}: credentials refused (HTTP {status}){suffix} — check the "
                "user name and the secret stored in the keyring"
            )
        if status == 404:
            return NotFound(f"{what} not found (HTTP 404){suffix}")
        if status >= 500:
            return ConnectorUnavailable(f"{what} failed: server error HTTP {status}{suffix}")
        return ActionRejected(f"{what} refused (HTTP {status}){suffix}")

    def _back_off(
        self, attempt: int, method: str, url: str, why: str, wait: float | None = None
    ) -> int:
        if wait is None:  # full jitter: uniform over [0, backoff * 2**attempt]
            wait = random.uniform(0, self.settings.backoff * 2**attempt)
        log.info("%s: %s %s: %s; retrying in %.1f s", self.name, method,
                 self.redact(url), why, wait)  # fmt: skip
        self._sleep(wait)
        return attempt + 1

    def _deadline_message(self, method: str, url: str) -> str:
        return (f"{self.name}: {method} {self.redact(url)} took longer than "
                f"{self.deadline:g} s in all (the server answers too slowly, or drips its "
                "answer) — check the server's health and load")  # fmt: skip

    def _protocol_message(self, method: str, url: str, exc: Exception) -> str:
        if isinstance(exc, requests.TooManyRedirects):
            what = f"was redirected more than {MAX_REDIRECTS} times"
        elif isinstance(exc, requests.exceptions.ContentDecodingError):
            what = "answered a body that does not decode as its Content-Encoding says"
        else:
            what = f"failed: {type(exc).__name__}: {self.redact(str(exc))[:200]}"
        return (f"{self.name}: {method} {self.redact(url)} {what} — check base_url (the "
                "API's address) and the server")  # fmt: skip

    def _network_message(self, method: str, url: str, exc: Exception) -> str:
        if isinstance(exc, requests.Timeout):
            return f"{self.name}: {method} {self.redact(url)} timed out"
        if _refused(exc):  # the address is right or wrong, but surely nothing listens there
            return (f"{self.name}: cannot connect: nothing is answering at "
                    f"{self.redact(self.base)} (connection refused) — is the server running "
                    "at that address and port, and does a firewall let us through?")  # fmt: skip
        return f"{self.name}: cannot connect to {self.redact(self.base)} — check the base URL"

    def _tls_message(self, url: str, exc: Exception) -> str:
        reason = self.redact(str(exc.__context__ or exc))
        hint = (
            "check that the server's certificate is valid for this host name, or set "
            "ca_bundle to the PEM file of your private CA"
        )
        if "CERTIFICATE_VERIFY_FAILED" in reason:
            reason = "certificate not trusted (CERTIFICATE_VERIFY_FAILED)"
        elif "WRONG_VERSION_NUMBER" in reason:
            reason = "the server does not speak TLS on this port (is it http://?)"
        return f"{self.name}: TLS verification failed for {self.redact(url)}: {reason}; {hint}"


def parse_json(client: HttpClient, response: requests.Response) -> Any:
    """The response's JSON body; HTML or garbage becomes a clear `ConnectorUnavailable`."""
    if not response.content:
        return None
    content_type = response.headers.get("Content-Type", "")
    where = f"{client.name}: {client.redact(response.url)}"
    if "html" in content_type or response.content.lstrip()[:1] == b"<":
        raise ConnectorUnavailable(
            f"{where} answered an HTML page, not JSON — is the base URL the API's address? "
            f"(configured: {client.redact(client.base)})"
        )
    try:
        return response.json()
    except ValueError:
        raise ConnectorUnavailable(f"{where} answered malformed JSON") from None


@contextmanager
def reading() -> Iterator[None]:
    """Around reads a sync depends on (clients, listings, lookups): a refusal (HTTP 404,
    400, 409, 422…) means the source cannot be read as configured. It becomes
    `ConnectorUnavailable` saying what to check — the source shows as failing with that
    line — instead of an action's `ActionRejected`, which a sync does not expect."""
    try:
        yield
    except ActionRejected as exc:
        if isinstance(exc, NotFound):
            hint = "check base_url: the API does not answer at this path"
        else:
            hint = "the server refused this read; check base_url and the API user's rights"
        raise ConnectorUnavailable(f"{exc} — {hint}") from None


def vendor_message(response: requests.Response) -> str:
    """The human part of an error body, whatever shape the vendor chose, on one printable
    line of at most 200 characters (it reaches the status bar, a dialog and the log)."""
    return clean(_vendor_words(response).strip(), 200, one_line=True)


def _vendor_words(response: requests.Response) -> str:
    try:
        data: Any = response.json()
    except ValueError:
        text = response.text.strip()
        return "" if text.startswith("<") else text[:1000]
    for _ in range(3):  # nested shapes: {"error": {"error_description": "…"}} (Halo)
        if not isinstance(data, dict):
            break
        key = next((k for k in ("message", "Message", "error_description", "error",
                                "errors", "detail") if data.get(k)), None)  # fmt: skip
        if key is None:
            break
        data = data[key]
    if isinstance(data, list):
        data = "; ".join(str(item.get("message", item)) if isinstance(item, dict) else str(item)
                         for item in data)  # fmt: skip
    return str(data)[:1000]


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(when.tzinfo)).total_seconds())


def _refused(exc: BaseException) -> bool:
    """Whether a connection error is a refused connection (nothing listening there)."""
    seen: list[BaseException | None] = [exc]
    for _ in range(8):  # requests → urllib3 MaxRetryError → NewConnectionError → OSError
        found = [e for e in seen if e is not None]
        if any(isinstance(e, ConnectionRefusedError) for e in found):
            return True
        seen = [n for e in found for n in (e.__cause__, e.__context__, getattr(e, "reason", None))
                if isinstance(n, BaseException)]  # fmt: skip
    return False
