"""Where a connector's requests may go and how long each may take: the `requests.Session`
under `HttpClient`, and the rules it enforces whatever a server answers.

- **Destinations.** A connector sends requests only to the origin (scheme, host, port) of
  its configured base URL, plus origins it was told of by a vendor's documented discovery
  (Autotask's zone, `Destinations.allow`). A redirect, a next-page link or a discovered
  URL elsewhere is refused with `ConnectorUnavailable` *before* anything is sent: requests
  itself drops only `Authorization` on a redirect to another host, not custom headers
  (Autotask's `Secret`) nor a 307's body (Halo's `client_secret`), and it sends session
  headers to any URL a next-page link names. A connector with credentials never uses
  plain `http://` unless its base URL is `http://` and `allow_insecure_http` is set.
- **The environment.** `trust_env` is off: `REQUESTS_CA_BUNDLE`/`CURL_CA_BUNDLE` cannot
  change which certificates are trusted and `~/.netrc` cannot replace a connector's
  credentials. Proxies from the environment (`HTTPS_PROXY`, `NO_PROXY`…) are still used,
  per request (`EnvironmentProxies`): a NOC behind a corporate proxy needs them.
- **Deadlines.** A read timeout bounds each read, not a request: a server dripping one
  byte a second never trips it. `Deadline` bounds the whole request (redirects included):
  when it passes, the sockets of the request's connections are shut down, the read in
  progress ends and the caller gets the deadline's error. It covers the request, the
  status line, headers and body; the TCP connect and TLS handshake keep their per-step
  timeouts only (the socket is not reachable from here until the handshake is done).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import requests.utils
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from noc_console.connectors.errors import ConnectorUnavailable

#: Redirects followed for one request (same origin only) before it is given up.
MAX_REDIRECTS = 10

Origin = tuple[str, str, int]


def origin_of(url: str) -> Origin:
    """(scheme, host, port) with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is no number, or out of range
        port = -1
    default = 443 if scheme == "https" else 80
    return scheme, (parts.hostname or "").lower(), port if port is not None else default


def origin_text(origin: Origin) -> str:
    scheme, host, port = origin
    return f"{scheme}://{host}:{port}"


class Destinations:
    """The origins one connector may send requests to; `check` raises for any other."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        credentialed: bool,
        allow_insecure_http: bool,
        redact: Callable[[str], str],
    ) -> None:
        self.name = name
        self.base = origin_of(base_url)
        self.credentialed = credentialed
        self.insecure_allowed = allow_insecure_http and self.base[0] == "http"
        self.redact = redact
        self._allowed = {self.base}

    def allow(self, url: str, what: str) -> None:
        """Trust `url`'s origin too (a vendor's discovered API host); `what` names where
        the URL came from. Plain http is refused unless the base URL is http as well."""
        target = origin_of(url)
        if self.credentialed and target[0] != "https" and not self.insecure_allowed:
            raise ConnectorUnavailable(
                f"{self.name}: {what} named {self.redact(url)}, which is not https — "
                "refusing to send the credentials there; check base_url (the vendor's "
                "https address)"
            )
        self._allowed.add(target)

    def check(self, url: str, *, redirected_from: str = "") -> None:
        target = origin_of(url)
        if target not in self._allowed:
            allowed = ", ".join(sorted(origin_text(o) for o in self._allowed))
            if redirected_from:
                how = (f"{self.redact(redirected_from)} was redirected to another host "
                       f"({self.redact(url)})")  # fmt: skip
            else:
                how = f"the server sent a link to another host ({self.redact(url)})"
            raise ConnectorUnavailable(
                f"{self.name}: {how}; NOC Console sends requests only to {allowed} — if the "
                "API has moved, set base_url to its new address"
            )
        if self.credentialed and target[0] == "http" and not self.insecure_allowed:
            raise ConnectorUnavailable(
                f"{self.name}: refusing to send credentials over plain http:// to "
                f"{self.redact(url)} — use https://, or set allow_insecure_http = true for "
                "this connector (a test lab only: anyone on the path can read the secret)"
            )


class GuardedSession(requests.Session):
    """A `requests.Session` that ignores the environment's TLS and netrc settings, checks
    each redirect with `Destinations` before following it, and watches its connections
    for `Deadline`."""

    def __init__(self, destinations: Destinations) -> None:
        super().__init__()
        self.destinations = destinations
        self.trust_env = False
        self.max_redirects = MAX_REDIRECTS
        adapter = WatchedAdapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def rebuild_auth(self, prepared_request: requests.PreparedRequest,
                     response: requests.Response) -> None:  # fmt: skip
        self.destinations.check(prepared_request.url or "", redirected_from=response.url)
        super().rebuild_auth(prepared_request, response)


class EnvironmentProxies:
    """The proxies the environment names (`HTTPS_PROXY`…), read once, per URL honouring
    `NO_PROXY`: what requests would use with `trust_env`, without the rest of it."""

    def __init__(self) -> None:
        self.proxies: dict[str, str] = urllib.request.getproxies()

    def __call__(self, url: str) -> dict[str, str]:
        if not self.proxies or requests.utils.should_bypass_proxies(url, no_proxy=None):
            return {}
        return self.proxies


# ---------------------------------------------------------------- deadlines
_local = threading.local()


class Deadline:
    """While active on this thread, the connections this thread's requests use are cut
    `seconds` after it started; `expired` says whether that happened."""

    def __init__(self, seconds: float) -> None:
        self.ends_at = time.monotonic() + seconds
        self.expired = False
        self.done = False
        self._lock = threading.Lock()
        self._connections: list[HTTPConnection] = []
        self._outer: Deadline | None = None

    def __enter__(self) -> Deadline:
        self._outer = getattr(_local, "deadline", None)
        _local.deadline = self
        WATCHDOG.add(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        with self._lock:
            self.done = True
            self._connections.clear()
        WATCHDOG.finished()
        _local.deadline = self._outer

    def watch(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)
            if not self.expired:
                return
        _cut([connection])

    def expire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.expired = True
            connections = list(self._connections)
        _cut(connections)


class _Watchdog:
    """One daemon thread for every `Deadline` in the process (a thread per request would
    double the cost of a loopback request): it sleeps until the earliest one is due."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: list[tuple[float, int, Deadline]] = []  # a heap
        self._order = itertools.count()
        self._finished = 0  # entries whose request ended; dropped when they are many
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._due, (deadline.ends_at, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="http-deadlines",
                                                daemon=True)  # fmt: skip
                self._thread.start()
            self._wake.notify()

    def finished(self) -> None:
        with self._wake:
            self._finished += 1
            if self._finished > 64 and self._finished * 2 > len(self._due):
                self._due = [entry for entry in self._due if not entry[2].done]
                heapq.heapify(self._due)
                self._finished = 0

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._due or self._due[0][0] > time.monotonic():
                    timeout = self._due[0][0] - time.monotonic() if self._due else None
                    self._wake.wait(timeout)
                _, _, deadline = heapq.heappop(self._due)
            deadline.expire()


WATCHDOG = _Watchdog()


def _cut(connections: Iterable[HTTPConnection]) -> None:
    """Shut the sockets down: a blocked read returns at once (end of stream)."""
    for connection in connections:
        sock = getattr(connection, "sock", None)
        if isinstance(sock, socket.socket):  # not a TLS-in-TLS proxy transport
            with contextlib.suppress(OSError):  # already closed
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw fd, TLS or not


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline: Deadline | None = getattr(_local, "deadline", None)
        if deadline is not None:
            deadline.watch(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    pass


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedTlsPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


POOLS = {"http": _WatchedPool, "https": _WatchedTlsPool}


class WatchedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter whose connections report to the thread's `Deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools have their own classes
            manager.pool_classes_by_scheme = POOLS
        return manager
