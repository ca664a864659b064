"""The Halo fake keeps the documented behaviours a connector will rely on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fakes.fake_halo import EMPTY, ERROR_SHAPES, FakeHalo, halo_time
from tests.fakes.http_fake import running


@pytest.fixture
def halo() -> Iterator[FakeHalo]:
    fake = FakeHalo()
    fake.seed(50)
    with running(fake) as server:
        yield server


def token(halo: FakeHalo, secret: str = "s3cret") -> requests.Response:
    form = {"grant_type": "client_credentials", "client_id": halo.client_id,
            "client_secret": secret, "scope": "all"}  # fmt: skip
    return requests.post(f"{halo.url}/auth/token", data=form)


@pytest.fixture
def http(halo: FakeHalo) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + token(halo).json()["access_token"]
    return session


def pages(http: requests.Session, halo: FakeHalo, **params: Any) -> list[dict[str, Any]]:
    """Walk pageinate/page_no until the tickets counted by record_count are read."""
    seen: list[dict[str, Any]] = []
    page_no = 1
    while True:
        query = {"pageinate": "true", "page_no": page_no, **params}
        body = http.get(f"{halo.url}/api/Tickets", params=query).json()
        seen.extend(body["tickets"])
        if not body["tickets"] or len(seen) >= body["record_count"]:
            return seen
        page_no += 1


def test_client_credentials_grant_a_bearer_token(halo: FakeHalo) -> None:
    info = requests.get(f"{halo.url}/api/authinfo").json()
    assert info["auth_url"] == f"{halo.url}/auth"
    granted = token(halo).json()
    assert granted["token_type"] == "Bearer"
    assert granted["expires_in"] == 3600
    refused = token(halo, secret="wrong")
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_client"


def test_api_calls_need_a_live_token(halo: FakeHalo, http: requests.Session) -> None:
    assert requests.get(f"{halo.url}/api/Tickets/4001").status_code == 401
    assert http.get(f"{halo.url}/api/Tickets/4001").status_code == 200
    halo.advance(3600)
    expired = http.get(f"{halo.url}/api/Tickets/4001")
    assert expired.status_code == 401
    http.headers["Authorization"] = "Bearer " + token(halo).json()["access_token"]
    assert http.get(f"{halo.url}/api/Tickets/4001").status_code == 200


def test_a_new_token_can_revoke_the_old_one(halo: FakeHalo, http: requests.Session) -> None:
    halo.new_token_revokes_old = True
    token(halo)
    assert http.get(f"{halo.url}/api/Tickets/4001").status_code == 401


def test_pages_visit_every_ticket_once(halo: FakeHalo, http: requests.Session) -> None:
    seen = pages(http, halo, page_size=7)
    assert sorted(t["id"] for t in seen) == sorted(halo.tickets)
    assert len(seen) == len(halo.tickets)


def test_page_size_is_clamped_to_the_documented_100(halo: FakeHalo, http: requests.Session) -> None:
    for _ in range(150):
        halo.add_ticket()
    query: dict[str, Any] = {"pageinate": "true", "page_size": 1000, "page_no": 1}
    body = http.get(f"{halo.url}/api/Tickets", params=query).json()
    assert body["page_size"] == 100
    assert len(body["tickets"]) == 100
    assert body["record_count"] == 200  # a client trusting its own page_size misses 100
    assert len(pages(http, halo, page_size=1000)) == 200


def test_last_update_from_date_is_inclusive(halo: FakeHalo, http: requests.Session) -> None:
    halo.advance(60)
    mark = halo.now
    halo.update_ticket(4001, summary="edited at the mark")
    halo.advance(1)
    halo.update_ticket(4002, summary="edited later")
    for since in (halo_time(mark), halo_time(mark) + "Z"):
        found = pages(http, halo, lastupdatefromdate=since)
        assert sorted(t["id"] for t in found) == [4001, 4002]


def test_tickets_have_naive_dates_and_1900_empties(halo: FakeHalo, http: requests.Session) -> None:
    open_ticket = next(t for t in halo.tickets.values() if t["status_id"] != 9)
    body = http.get(f"{halo.url}/api/Tickets/{open_ticket['id']}").json()
    assert body["dateclosed"] == EMPTY
    assert "+" not in body["fixbydate"]
    assert not body["fixbydate"].endswith("Z")
    assert "last_update" in body


def test_open_only_and_filters(halo: FakeHalo, http: requests.Session) -> None:
    found = pages(http, halo, open_only="true", client_id=12)
    expected = {t["id"] for t in halo.tickets.values()
                if t["status_id"] != 9 and t["client_id"] == 12}  # fmt: skip
    assert expected
    assert {t["id"] for t in found} == expected


def test_lookups_have_their_own_shapes(halo: FakeHalo, http: requests.Session) -> None:
    statuses = http.get(f"{halo.url}/api/Status").json()
    assert {s["type"] for s in statuses} == {0, 1}
    priorities = http.get(f"{halo.url}/api/Priority").json()
    assert all(isinstance(p["priorityid"], int) and isinstance(p["id"], str) for p in priorities)
    clients = http.get(f"{halo.url}/api/Client").json()
    assert clients["record_count"] == len(clients["clients"])


def test_post_tickets_array_updates_and_answers_with_lastupdate(
    halo: FakeHalo, http: requests.Session
) -> None:
    halo.advance(30)
    ticket = next(t["id"] for t in halo.tickets.values() if t["status_id"] != 9)
    body = [{"id": ticket, "status_id": 9, "agent_id": 3}]
    response = http.post(f"{halo.url}/api/Tickets", json=body)
    assert response.status_code == 201
    answer = response.json()
    assert answer["lastupdate"] == halo_time(halo.now)
    assert "last_update" not in answer
    assert halo.tickets[ticket]["dateclosed"] == halo_time(halo.now)
    assert halo.writes == [("POST", "/api/Tickets", body)]


@pytest.mark.parametrize(
    "body",
    [
        {"id": 4003, "status_id": 9},  # not an array
        [{"id": 4003, "status_id": 20}],  # a status that is not for tickets
        [{"id": 4003, "dateoccurred": "2020-01-01T00:00:00"}],  # not updatable
        [{"id": 99999, "status_id": 2}],  # no such ticket
        [{"id": 4003, "team": "Tier 2"}],  # a team this tenant does not have
    ],
)
def test_bad_ticket_posts_are_refused(halo: FakeHalo, http: requests.Session, body: Any) -> None:
    before = dict(halo.tickets[4003])
    response = http.post(f"{halo.url}/api/Tickets", json=body)
    assert response.status_code in (400, 404)
    assert halo.tickets[4003] == before
    assert halo.writes == []


def test_teams_are_the_tenants_own_and_an_unknown_one_is_refused_with_its_name(
    halo: FakeHalo, http: requests.Session
) -> None:
    halo.teams = ["NOC", "NOC L2"]
    assert [t["name"] for t in http.get(f"{halo.url}/api/Team").json()] == ["NOC", "NOC L2"]
    refused = http.post(f"{halo.url}/api/Tickets", json=[{"id": 4003, "team": "2nd Line"}])
    assert (refused.status_code, refused.json()) == (400, "Team '2nd Line' is not valid")
    moved = http.post(f"{halo.url}/api/Actions", json=[{"ticket_id": 4003, "note": "Up",
                                                        "new_team": "NOC L2"}])  # fmt: skip
    assert moved.status_code == 201
    assert halo.tickets[4003]["team"] == "NOC L2"


def test_actions_add_notes_and_change_the_ticket(halo: FakeHalo, http: requests.Session) -> None:
    halo.advance(30)
    action: list[dict[str, Any]] = [{"ticket_id": 4004, "note": "Rebooted",
                                     "outcome": "Private Note", "hiddenfromuser": True,
                                     "new_status": 2}]  # fmt: skip
    response = http.post(f"{halo.url}/api/Actions", json=action)
    assert response.status_code == 201
    assert response.json()["note"] == "Rebooted"
    assert halo.tickets[4004]["status_id"] == 2
    assert halo.tickets[4004]["last_update"] == halo_time(halo.now)
    listed = http.get(f"{halo.url}/api/Actions", params={"ticket_id": 4004}).json()
    assert [a["note"] for a in listed["actions"]] == ["Rebooted"]


@pytest.mark.parametrize("shape", sorted(ERROR_SHAPES))
def test_error_shapes_are_inconsistent(halo: FakeHalo, http: requests.Session, shape: str) -> None:
    halo.inject_error(shape, "/api/Tickets")
    response = http.get(f"{halo.url}/api/Tickets")
    assert response.status_code == 400
    assert response.json() == ERROR_SHAPES[shape]


def test_429_carries_retry_after(halo: FakeHalo, http: requests.Session) -> None:
    halo.inject("429", "/api/", seconds=5)
    throttled = http.get(f"{halo.url}/api/Tickets")
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "5"
    assert isinstance(throttled.json(), str)


def test_a_ticket_becomes_a_child_through_parent_id(halo: FakeHalo, http: requests.Session) -> None:
    halo.advance(30)
    response = http.post(f"{halo.url}/api/Tickets", json=[{"id": 4002, "parent_id": 4001}])
    assert response.status_code == 201
    assert response.json()["parent_id"] == 4001
    assert halo.tickets[4002]["last_update"] == halo_time(halo.now)
    children = http.get(f"{halo.url}/api/Tickets", params={"parent_id": 4001}).json()
    assert [t["id"] for t in children["tickets"]] == [4002]
    lead = http.get(f"{halo.url}/api/Tickets/4001", params={"includechildids": "true"}).json()
    assert lead["child_ticket_ids"] == [4002]
    assert "child_ticket_ids" not in http.get(f"{halo.url}/api/Tickets/4001").json()
    assert halo.tickets[4003]["parent_id"] == 0  # no parent
    halo.ignored_fields = {"parent_id"}  # a tenant that drops what it does not take
    dropped = http.post(f"{halo.url}/api/Tickets", json=[{"id": 4003, "parent_id": 4001}])
    assert (dropped.status_code, halo.tickets[4003]["parent_id"]) == (201, 0)


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        (99999, "Parent ticket 99999 not found"),
        (4003, "Ticket 4003 cannot be its own parent"),
        (4005, "Ticket 4005 is a child of ticket 4003: it cannot be its parent"),  # a loop
        ("4001", "Invalid parent_id '4001'"),
        (4001, "Tickets of type 'Project Task' cannot be child tickets"),
    ],
)
def test_a_parent_halo_cannot_accept_is_refused(
    halo: FakeHalo, http: requests.Session, parent: Any, message: str
) -> None:
    halo.update_ticket(4004, parent_id=4003)
    halo.update_ticket(4005, parent_id=4004)  # 4003 > 4004 > 4005
    if parent == 4001:  # the tenant's type for 4003 may not be a child
        halo.update_ticket(4003, tickettype_id=7)
        halo.not_child_types = {7: "Project Task"}
    before = dict(halo.tickets[4003])
    refused = http.post(f"{halo.url}/api/Tickets", json=[{"id": 4003, "parent_id": parent}])
    assert (refused.status_code, refused.json()) == (400, message)
    assert halo.tickets[4003] == before
    assert halo.writes == []


def test_a_parent_whose_type_says_so_cannot_close_before_its_children(
    halo: FakeHalo, http: requests.Session
) -> None:
    halo.children_close_first = True
    for ticket in (4001, 4002, 4003):
        halo.update_ticket(ticket, status_id=2)
    halo.update_ticket(4002, parent_id=4001)
    halo.update_ticket(4003, parent_id=4001)
    close: list[dict[str, Any]] = [{"ticket_id": 4001, "note": "Fixed", "new_status": 9}]
    refused = http.post(f"{halo.url}/api/Actions", json=close)
    assert (refused.status_code, refused.json()) == (
        400, "Ticket 4001 has open child tickets (4002, 4003): close them first")  # fmt: skip
    closing_lead = http.post(f"{halo.url}/api/Tickets", json=[{"id": 4001, "status_id": 9}])
    assert (closing_lead.status_code, halo.tickets[4001]["status_id"]) == (400, 2)
    for child in (4002, 4003):
        assert http.post(f"{halo.url}/api/Tickets", json=[{"id": child, "status_id": 9}]).ok
    assert http.post(f"{halo.url}/api/Actions", json=close).status_code == 201
    assert halo.tickets[4001]["status_id"] == 9
