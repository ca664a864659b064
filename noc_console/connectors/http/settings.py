"""How a connector talks HTTP: timeouts, retries, rate, TLS (see `http.HttpClient`).

Apart from `client.py` so that configuration can describe a connector without loading
`requests` (the demo feed's start-up never needs it).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Pages one listing may take before it is stopped as endless (50,000 tickets take
#: 50 to 500 pages at the vendors' page sizes).
MAX_PAGES = 10_000
#: Seconds one request may take in all, however steadily the server drips its answer.
REQUEST_DEADLINE = 120.0
#: Seconds one listing (a sync's changed or open incidents, a lookup list) may take.
LISTING_DEADLINE = 1800.0


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """How one connector talks HTTP; every field has a safe default."""

    base_url: str
    connect_timeout: float = 3.05
    read_timeout: float = 20.0  # longest wait for any one read
    retries: int = 3  # extra attempts for transient failures of safe requests
    backoff: float = 0.5  # seconds; the n-th retry waits up to backoff * 2**n
    max_retry_after: float = 30.0  # wait in-line at most this long for a 429
    requests_per_minute: float = 0.0  # client-side limit; 0 means none
    ca_bundle: str = ""  # PEM file of extra trusted CAs; verification stays on
    allow_insecure_http: bool = False  # credentials may go over a plain http:// base URL
    request_deadline: float = REQUEST_DEADLINE  # never below connect + read timeout
    listing_deadline: float = LISTING_DEADLINE
    max_pages: int = MAX_PAGES
