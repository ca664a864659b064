"""The Zendesk fake keeps the documented behaviours a connector will rely on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.fakes.fake_zendesk import FakeZendesk
from tests.fakes.http_fake import running

EXPORT = "/api/v2/incremental/tickets/cursor.json"


@pytest.fixture
def zd() -> Iterator[FakeZendesk]:
    fake = FakeZendesk()
    fake.seed(30)
    with running(fake) as server:
        yield server


@pytest.fixture
def http(zd: FakeZendesk) -> requests.Session:
    session = requests.Session()
    session.auth = (f"{zd.email}/token", zd.api_token)
    return session


def export(zd: FakeZendesk, http: requests.Session, **params: Any) -> list[dict[str, Any]]:
    """Every page of the cursor export until end_of_stream."""
    pages = []
    body = http.get(f"{zd.url}{EXPORT}", params=params).json()
    pages.append(body)
    while not body["end_of_stream"]:
        body = http.get(body["after_url"]).json()
        pages.append(body)
    return pages


def test_api_token_and_oauth_auth(zd: FakeZendesk, http: requests.Session) -> None:
    assert http.get(f"{zd.url}/api/v2/users/me.json").status_code == 200
    refused = requests.get(f"{zd.url}/api/v2/users/me.json", auth=(zd.email, zd.api_token))
    assert refused.status_code == 401
    assert refused.json() == {"error": "Couldn't authenticate you"}
    bearer = {"Authorization": f"Bearer {zd.issue_oauth_token()}"}
    assert requests.get(f"{zd.url}/api/v2/users/me.json", headers=bearer).status_code == 200
    zd.revoke()
    assert http.get(f"{zd.url}/api/v2/users/me.json").status_code == 401


def test_the_cursor_export_streams_every_change_once(
    zd: FakeZendesk, http: requests.Session
) -> None:
    zd.advance(120)
    pages = export(zd, http, start_time=0, per_page=7)
    seen = [t["id"] for page in pages for t in page["tickets"]]
    assert sorted(seen) == sorted(zd.tickets)
    assert len(pages) == 5


def test_the_last_minute_is_left_out_and_edits_come_again(
    zd: FakeZendesk, http: requests.Session
) -> None:
    zd.advance(120)
    (page,) = export(zd, http, start_time=0)
    zd.update_ticket(101, subject="edited")
    again = http.get(page["after_url"]).json()
    assert again["tickets"] == []  # changed within the minute: not yet
    zd.advance(61)
    again = http.get(page["after_url"]).json()
    assert [t["subject"] for t in again["tickets"]] == ["edited"]


def test_ten_export_requests_a_minute(zd: FakeZendesk, http: requests.Session) -> None:
    for _ in range(10):
        assert http.get(f"{zd.url}{EXPORT}", params={"start_time": 0}).status_code == 200
    limited = http.get(f"{zd.url}{EXPORT}", params={"start_time": 0})
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "60"
    assert http.get(f"{zd.url}/api/v2/users/me.json").status_code == 200  # other endpoints
    zd.advance(60)
    assert http.get(f"{zd.url}{EXPORT}", params={"start_time": 0}).status_code == 200


def test_slas_are_sideloaded(zd: FakeZendesk, http: requests.Session) -> None:
    ticket = zd.add_ticket("Core down", priority="urgent", created=zd.now - timedelta(hours=1))
    many = http.get(f"{zd.url}/api/v2/tickets/show_many.json",
                    params={"ids": str(ticket["id"]), "include": "slas"}).json()  # fmt: skip
    metrics = {m["metric"]: m["breach_at"] for m in many["tickets"][0]["slas"]["policy_metrics"]}
    assert metrics["first_reply_time"] == "2026-11-25T13:15:00Z"
    single = http.get(f"{zd.url}/api/v2/tickets/{ticket['id']}.json").json()["ticket"]
    assert "slas" not in single


def test_safe_update_refuses_a_stale_stamp(zd: FakeZendesk, http: requests.Session) -> None:
    ticket = zd.tickets[101]
    url = f"{zd.url}/api/v2/tickets/101.json"
    stale = ticket["updated_at"]
    zd.advance(5)
    zd.update_ticket(101, priority="high")
    refused = http.put(url, json={"ticket": {"status": "open", "safe_update": True,
                                             "updated_stamp": stale}})  # fmt: skip
    assert refused.status_code == 409
    assert refused.json()["error"] == "UpdateConflict"
    fresh = {"status": "open", "safe_update": True, "updated_stamp": ticket["updated_at"],
             "comment": {"body": "on it", "public": False}}  # fmt: skip
    assert http.put(url, json={"ticket": fresh}).status_code == 200
    assert zd.comments[101][-1]["public"] is False
    zd.update_ticket(101, status="closed")
    assert http.put(url, json={"ticket": {"status": "open"}}).status_code == 422


def test_search_export_lists_unsolved_tickets(zd: FakeZendesk, http: requests.Session) -> None:
    params: dict[str, Any] | None = {"query": "status<solved", "filter[type]": "ticket",
                                     "page[size]": 10}  # fmt: skip
    found: list[int] = []
    url: str | None = f"{zd.url}/api/v2/search/export.json"
    while url:
        body = http.get(url, params=params).json()
        params = None  # the next link carries them
        found.extend(t["id"] for t in body["results"])
        url = body["links"]["next"]
    assert found == sorted(t["id"] for t in zd.tickets.values()
                           if t["status"] not in ("solved", "closed"))  # fmt: skip
