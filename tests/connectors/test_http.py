"""The shared HTTP layer against a scripted loopback server (real sockets, real TLS)."""

from __future__ import annotations

import json
import logging
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import trustme
from hypothesis import given
from hypothesis import strategies as st

from noc_console.connectors.errors import (
    ActionRejected,
    AuthFailed,
    ConnectorUnavailable,
    NotFound,
    RateLimited,
)
from noc_console.connectors.http.client import Authenticator, HttpClient, HttpSettings
from noc_console.connectors.http.paging import (
    Keyset,
    by_cursor,
    by_link_header,
    by_next_url,
    by_page_number,
    follow,
)
from noc_console.connectors.http.rate_limit import RateLimiter
from tests.fakes.scripted_server import ScriptedServer, serving


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with serving() as running:
        yield running


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(url: str, sleeps: Sleeps | None = None, **settings: Any) -> HttpClient:
    options = {"read_timeout": 2.0, **settings}
    return HttpClient(
        "rt", HttpSettings(url, **options), sleep=Sleeps() if sleeps is None else sleeps
    )


def test_every_request_names_the_product_and_asks_for_json(server: ScriptedServer) -> None:
    assert client(server.url).json("GET", "/REST/2.0/rt") == {"ok": True}
    (seen,) = server.requests
    assert seen.headers["User-Agent"].startswith("NOC-Console/")
    assert seen.headers["Accept"] == "application/json"
    assert seen.path == "/REST/2.0/rt"


def test_a_slow_server_times_out(server: ScriptedServer) -> None:
    server.answer(delay=1.0)
    with pytest.raises(ConnectorUnavailable, match="timed out"):
        client(server.url, read_timeout=0.2, retries=0).json("GET", "/slow")


def test_reads_retry_transient_failures_with_growing_jittered_backoff(
    server: ScriptedServer,
) -> None:
    server.answer(503, {"message": "maintenance"}, times=2)
    server.drop()
    sleeps = Sleeps()
    assert client(server.url, sleeps, backoff=0.5).json("GET", "/tickets") == {"ok": True}
    assert len(server.requests) == 4
    assert len(sleeps) == 3
    for attempt, waited in enumerate(sleeps):
        assert 0 <= waited <= 0.5 * 2**attempt


def test_reads_give_up_after_the_configured_retries(server: ScriptedServer) -> None:
    server.answer(502, times=5)
    with pytest.raises(ConnectorUnavailable, match="server error HTTP 502"):
        client(server.url, retries=2).json("GET", "/tickets")
    assert len(server.requests) == 3


def test_writes_are_never_resent_by_the_http_layer(server: ScriptedServer) -> None:
    server.answer(503)
    with pytest.raises(ConnectorUnavailable, match="HTTP 503"):
        client(server.url).json("POST", "/ticket/1/comment", json={"Content": "x"})
    server.drop()
    with pytest.raises(ConnectorUnavailable, match="cannot connect"):
        client(server.url).json("POST", "/ticket/1/comment", json={"Content": "x"})
    assert len(server.requests) == 2
    server.answer(503)  # unless the caller says the write is idempotent
    assert client(server.url).json("PUT", "/ticket/1", idempotent=True, json={}) == {"ok": True}


def test_a_server_that_is_down_is_said_to_be_down_not_misaddressed() -> None:
    with socket.socket() as bound:  # bound, never listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/REST/2.0"
        with pytest.raises(ConnectorUnavailable) as raised:
            client(url, retries=0).json("GET", "/rt")
    message = str(raised.value)
    assert f"nothing is answering at {url}/ (connection refused)" in message
    assert "is the server running" in message
    assert "firewall" in message
    assert "check the base URL" not in message


def test_a_short_retry_after_is_waited_out(server: ScriptedServer) -> None:
    server.answer(429, {"message": "slow down"}, {"Retry-After": "2"})
    sleeps = Sleeps()
    assert client(server.url, sleeps).json("POST", "/ticket/1/comment") == {"ok": True}
    assert sleeps == [2.0]


def test_a_long_retry_after_is_handed_to_the_engine(server: ScriptedServer) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(minutes=5), usegmt=True)
    server.answer(429, headers={"Retry-After": later})
    sleeps = Sleeps()
    with pytest.raises(RateLimited) as limited:
        client(server.url, sleeps, max_retry_after=30).json("GET", "/tickets")
    assert limited.value.retry_after is not None
    assert 290 < limited.value.retry_after <= 300
    assert sleeps == []


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        (401, {"message": "Unauthorized"}, AuthFailed, "credentials refused (HTTP 401)"),
        (403, {"message": "No permission"}, AuthFailed, "No permission"),
        (404, {"message": "Resource does not exist"}, NotFound, "not found"),
        (400, {"message": "Queue not set"}, ActionRejected, "Queue not set"),
        (422, {"errors": [{"message": "bad"}, "worse"]}, ActionRejected, "bad; worse"),
    ],
)  # fmt: skip
def test_failures_are_typed_with_the_vendors_message(
    server: ScriptedServer, status: int, body: Any, error: type[Exception], text: str
) -> None:
    server.answer(status, body)
    with pytest.raises(error) as raised:
        client(server.url).json("PUT", "/ticket/1", json={})
    assert text in str(raised.value)


@pytest.mark.parametrize(
    "body",
    [{"message": "Queue\r\nnot set\x1b[2J\x07 for\tthis ticket"},
     "Queue\r\nnot set\x1b[2J\x07 for\tthis ticket"],
)  # fmt: skip
def test_a_vendors_message_is_one_printable_line(server: ScriptedServer, body: Any) -> None:
    """A refusal's words are shown in the status bar, a dialog's one line and the log:
    the PSA's line breaks and terminal escapes must not reach them."""
    if isinstance(body, str):
        server.answer(400, raw=body.encode(), headers={"Content-Type": "text/plain"})
    else:
        server.answer(400, body)
    with pytest.raises(ActionRejected) as raised:
        client(server.url).json("PUT", "/ticket/1", json={})
    said = str(raised.value)
    assert "Queue not set[2J for this ticket" in said
    assert said.isprintable()


def test_an_html_page_instead_of_json_says_to_check_the_base_url(server: ScriptedServer) -> None:
    server.answer(200, raw=b"<!DOCTYPE html><html><body>Login</body></html>",
                  headers={"Content-Type": "text/html"})  # fmt: skip
    with pytest.raises(ConnectorUnavailable, match="HTML page, not JSON — is the base URL"):
        client(server.url).json("GET", "/tickets")
    server.answer(200, raw=b'{"truncated": ')
    with pytest.raises(ConnectorUnavailable, match="malformed JSON"):
        client(server.url).json("GET", "/tickets")


def test_nothing_secret_reaches_logs_or_errors(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    password, token = "hunter2-very-secret", "1-14-8e02f6ad3cba"
    http = HttpClient(
        "rt", HttpSettings(server.url, retries=1, allow_insecure_http=True),
        auth=("root", password),
        secrets=[password, token],
        sleep=Sleeps(),
    )  # fmt: skip
    server.answer(503)
    server.answer(401, {"message": f"bad token {token} for root:{password}"})
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthFailed) as refused:
        http.json("GET", f"/tickets?token={token}&query=x")
    assert server.requests[0].headers["Authorization"].startswith("Basic ")  # it was sent
    everything = caplog.text + str(refused.value)
    assert "GET" in caplog.text  # the requests were logged...
    assert password not in everything  # ...without the secrets
    assert token not in everything
    assert "token=***" in caplog.text


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def test_tls_is_verified_and_a_private_ca_can_be_trusted(ca: trustme.CA, tmp_path: Path) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serving(tls=context) as server:
        with pytest.raises(ConnectorUnavailable, match="certificate not trusted") as refused:
            client(server.url, retries=0).json("GET", "/rt")
        assert "set ca_bundle" in str(refused.value)
        bundle = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(bundle))
        assert client(server.url, ca_bundle=str(bundle)).json("GET", "/rt") == {"ok": True}


def test_https_to_a_plain_http_port_is_explained(server: ScriptedServer) -> None:
    with pytest.raises(ConnectorUnavailable, match="TLS"):
        client(server.url.replace("http://", "https://"), retries=0).json("GET", "/rt")


# ------------------------------------------------------------------ re-authentication
class MovingBase(Authenticator):
    """Re-authenticates by moving the client to `/v2/` on a 401 (as a vendor whose
    tenant moved); `asked` records each refusal it was shown."""

    def __init__(self) -> None:
        self.asked: list[int] = []
        self.readied = 0

    def ready(self, client: HttpClient) -> None:
        self.readied += 1

    def refused(self, client: HttpClient, response: requests.Response) -> bool:
        self.asked.append(response.status_code)
        if response.status_code != 401:
            return False
        client.base = client.base.replace("/v1/", "/v2/")
        return True


def test_a_refused_request_is_resent_once_where_the_authenticator_says(
    server: ScriptedServer,
) -> None:
    hook = MovingBase()
    http = HttpClient("psa", HttpSettings(f"{server.url}/v1"), authenticator=hook)
    server.answer(401, {"message": "moved"})
    assert http.json("POST", "tickets", json={"a": 1}) == {"ok": True}  # a write too
    server.answer(401, {"message": "moved"})
    assert http.json("GET", f"{server.url}/v2/tickets?page=2") == {"ok": True}
    assert [(r.method, r.path) for r in server.requests] == [
        ("POST", "/v1/tickets"), ("POST", "/v2/tickets"),
        ("GET", "/v2/tickets?page=2"), ("GET", "/v2/tickets?page=2")]  # fmt: skip
    assert hook.asked == [401, 401]
    assert hook.readied == 2


def test_a_second_refusal_is_the_same_typed_error_and_others_are_not_resent(
    server: ScriptedServer,
) -> None:
    hook = MovingBase()
    http = HttpClient("psa", HttpSettings(f"{server.url}/v1"), authenticator=hook)
    server.answer(401, {"message": "Unauthorized"}, times=2)
    with pytest.raises(AuthFailed, match=r"credentials refused \(HTTP 401\)"):
        http.json("GET", "tickets")
    server.answer(404, {"message": "no such ticket"})
    with pytest.raises(NotFound):
        http.json("GET", "tickets/9")
    assert hook.asked == [401, 404]  # asked once per request, never about the resend
    assert len(server.requests) == 3
    server.answer(401)
    with pytest.raises(AuthFailed):  # the authenticator's own requests skip it
        http.json("GET", "token", authenticate=False)
    assert hook.asked == [401, 404]


# ------------------------------------------------------------------ paging
def test_link_headers_are_followed_to_the_last_page(server: ScriptedServer) -> None:
    server.answer(200, [1, 2], {"Link": f'<{server.url}/t?page=2>; rel="next"'})
    server.answer(200, [3], {"Link": f'<{server.url}/t?page=1>; rel="first"'})
    pages = list(follow(client(server.url), "/t", {"page": 1}, by_link_header))
    assert pages == [[1, 2], [3]]
    assert [r.path for r in server.requests] == ["/t?page=1", "/t?page=2"]


def test_next_urls_in_the_body_are_followed(server: ScriptedServer) -> None:
    server.answer(200, {"items": [1], "next_page": f"{server.url}/t?page=2"})
    server.answer(200, {"items": [2]})
    walk = follow(client(server.url), "/t", {}, by_next_url(lambda body: body.get("next_page")))
    assert [page["items"] for page in walk] == [[1], [2]]


def test_numbered_pages_stop_at_a_short_page(server: ScriptedServer) -> None:
    server.answer(200, {"items": [1, 2]})
    server.answer(200, {"items": [3]})
    params, next_page = by_page_number({"query": "x"}, lambda b: b["items"], size=2)
    pages = list(follow(client(server.url), "/t", params, next_page))
    assert [p["items"] for p in pages] == [[1, 2], [3]]
    assert server.requests[1].path == "/t?query=x&page=2&per_page=2"


def test_cursors_are_sent_back(server: ScriptedServer) -> None:
    server.answer(200, {"items": [1], "cursor": "abc"})
    server.answer(200, {"items": [2], "cursor": None})
    walk = follow(
        client(server.url), "/t", {"q": 1}, by_cursor({"q": 1}, "after", lambda b: b["cursor"])
    )
    assert len(list(walk)) == 2
    assert server.requests[1].path == "/t?q=1&after=abc"


def test_the_first_request_may_carry_a_body_and_the_next_pages_are_gets(
    server: ScriptedServer,
) -> None:
    server.answer(200, {"items": [1], "next": f"{server.url}/q/next?p=2"})
    server.answer(200, {"items": [2], "next": None})
    walk = follow(client(server.url), "/q", {}, by_next_url(lambda b: b["next"]), "POST",
                  body={"filter": [{"op": "gte", "field": "id", "value": 0}]})  # fmt: skip
    assert [page["items"] for page in walk] == [[1], [2]]
    first, second = server.requests
    assert (first.method, first.path) == ("POST", "/q")
    assert json.loads(first.body) == {"filter": [{"op": "gte", "field": "id", "value": 0}]}
    assert (second.method, second.path, second.body) == ("GET", "/q/next?p=2", b"")


def test_a_keyset_walks_from_the_newest_marker_and_steps_pages_on_a_tie(
    server: ScriptedServer,
) -> None:
    server.answer(200, {"rows": [{"at": 1}, {"at": 3}], "total": 9})
    server.answer(200, {"rows": [{"at": 3}, {"at": 3}], "total": 9})  # all at the bound
    server.answer(200, {"rows": [{"at": 3}, {"at": 5}], "total": 3})
    keyset = Keyset({"q": "x"}, lambda b: b["rows"], lambda r: r["at"], "from", str,
                    lambda b, n: (n - 1) * 2 + len(b["rows"]) >= b["total"])  # fmt: skip
    pages = list(follow(client(server.url), "/t", keyset.start, keyset))
    assert len(pages) == 3
    assert [r.path for r in server.requests] == ["/t?q=x&page=1", "/t?q=x&page=1&from=3",
                                                 "/t?q=x&page=2&from=3"]  # fmt: skip
    assert keyset.ordered


def test_a_keyset_served_out_of_order_falls_back_to_page_numbers(
    server: ScriptedServer,
) -> None:
    server.answer(200, {"rows": [{"at": 4}, {"at": 2}], "total": 4})
    server.answer(200, {"rows": [{"at": 9}, {"at": 1}], "total": 4})
    keyset = Keyset({}, lambda b: b["rows"], lambda r: r["at"], "from", str,
                    lambda b, n: (n - 1) * 2 + len(b["rows"]) >= b["total"])  # fmt: skip
    walk = follow(client(server.url), "/t", keyset.start, keyset)
    first = next(walk)
    assert not keyset.in_order(first["rows"])  # its newest marker is no resume point
    assert len(list(walk)) == 1
    assert server.requests[1].path == "/t?page=2"
    assert not keyset.ordered


def test_a_server_that_repeats_a_page_is_stopped(server: ScriptedServer) -> None:
    server.answer(200, [1], {"Link": f'<{server.url}/t?page=2>; rel="next"'}, times=3)
    with pytest.raises(ConnectorUnavailable, match="same page again"):
        list(follow(client(server.url), f"{server.url}/t?page=2", {}, by_link_header))


# ------------------------------------------------------------------ rate limit
class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@given(
    rate=st.floats(0.1, 50),
    gaps=st.lists(st.floats(0, 5), min_size=1, max_size=60),
)
def test_the_limiter_never_exceeds_its_rate_plus_burst(rate: float, gaps: list[float]) -> None:
    time = FakeTime()
    limiter = RateLimiter(rate, clock=time.clock, sleep=time.sleep)
    grants = []
    for gap in gaps:
        time.now += gap
        limiter.acquire()
        grants.append(time.now)
    for i, start in enumerate(grants):  # any window holds at most burst + rate * width grants
        for j in range(i, len(grants)):
            width = grants[j] - start
            assert j - i + 1 <= limiter.burst + rate * width + 1e-6


def test_the_limiter_waits_only_when_the_bucket_is_empty() -> None:
    time = FakeTime()
    limiter = RateLimiter(2.0, clock=time.clock, sleep=time.sleep)  # burst of 2
    waits = [limiter.acquire() for _ in range(4)]
    assert waits[:2] == [0.0, 0.0]
    assert waits[2] == pytest.approx(0.5)
    assert waits[3] == pytest.approx(0.5)
    assert RateLimiter(0).acquire() == 0.0  # 0 means unlimited
