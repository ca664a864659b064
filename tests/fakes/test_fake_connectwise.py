"""The ConnectWise fake keeps the documented behaviours a connector will rely on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fakes.fake_connectwise import FakeConnectWise, cw_time
from tests.fakes.http_fake import running


@pytest.fixture
def cw() -> Iterator[FakeConnectWise]:
    fake = FakeConnectWise()
    fake.seed(50)
    with running(fake) as server:
        yield server


@pytest.fixture
def http(cw: FakeConnectWise) -> requests.Session:
    session = requests.Session()
    session.auth = (f"{cw.company}+{cw.public_key}", cw.private_key)
    session.headers["clientId"] = cw.client_id
    return session


def walk(http: requests.Session, url: str, **kwargs: Any) -> list[dict[str, object]]:
    """Follow rel="next" until it is gone, as a connector would."""
    seen: list[dict[str, object]] = []
    next_url: str | None = url
    while next_url:
        response = http.get(next_url, **kwargs)
        assert response.status_code == 200, response.text
        seen.extend(response.json())
        next_url = response.links.get("next", {}).get("url")
    return seen


def test_codebase_is_discovered_without_credentials(cw: FakeConnectWise) -> None:
    info = requests.get(f"{cw.url}/login/companyinfo/{cw.company}").json()
    assert info["Codebase"] == "v2025_1/"
    assert requests.get(f"{cw.url}/login/companyinfo/nobody").json() is None


def test_the_v4_6_release_router_reaches_the_same_tenant(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    routed = http.get(f"{cw.url}/v4_6_release/apis/3.0/service/tickets/1001")
    assert routed.json() == http.get(f"{cw.api_url}/service/tickets/1001").json()


def test_auth_rejections_have_the_vendor_shapes(cw: FakeConnectWise) -> None:
    no_client_id = requests.get(f"{cw.api_url}/service/tickets",
                                auth=(f"{cw.company}+{cw.public_key}", cw.private_key))  # fmt: skip
    assert no_client_id.status_code == 403
    assert set(no_client_id.json()) == {"code", "message", "errors"}
    bad_keys = requests.get(f"{cw.api_url}/service/tickets", auth=(f"{cw.company}+x", "y"),
                            headers={"clientId": cw.client_id})  # fmt: skip
    assert bad_keys.status_code == 404  # cloud: bad credentials look like a missing page
    cw.cloud = False
    on_premise = requests.get(f"{cw.api_url}/service/tickets", auth=(f"{cw.company}+x", "y"),
                              headers={"clientId": cw.client_id})  # fmt: skip
    assert on_premise.status_code == 401
    assert requests.get(f"{cw.api_url}/system/info").status_code == 200  # needs no auth


def test_link_headers_visit_every_ticket_exactly_once(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    seen = walk(http, f"{cw.api_url}/service/tickets?pageSize=7")
    assert sorted(t["id"] for t in seen) == sorted(cw.tickets)  # type: ignore[type-var]
    last = http.get(f"{cw.api_url}/service/tickets", params={"pageSize": 7, "page": 8})
    assert "next" not in last.links
    assert "prev" in last.links
    assert http.get(f"{cw.api_url}/service/tickets?pageSize=7&page=9").json() == []


def test_page_size_defaults_to_25_and_is_clamped_to_1000(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    for _ in range(1000):
        cw.add_ticket()
    assert len(http.get(f"{cw.api_url}/service/tickets").json()) == 25
    clamped = http.get(f"{cw.api_url}/service/tickets", params={"pageSize": 5000})
    assert len(clamped.json()) == 1000
    assert "pageSize=1000" in clamped.links["next"]["url"]


def test_last_updated_condition_is_strict_and_whole_seconds(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    cw.advance(10)  # past every seeded change
    mark = cw.now
    cw.update_ticket(1001, summary="edited at the mark")
    cw.advance(0.4)  # still the same second on the wire
    cw.update_ticket(1002, summary="edited 0.4 s later")
    cw.advance(1)
    cw.update_ticket(1003, summary="edited a second later")
    url = f"{cw.api_url}/service/tickets"
    after = http.get(url, params={"conditions": f"lastUpdated>[{cw_time(mark)}]"}).json()
    assert [t["id"] for t in after] == [1003]  # same-second changes are invisible to ">"
    since = http.get(url, params={"conditions": f"_info/lastUpdated>=[{cw_time(mark)}]"})
    assert [t["id"] for t in since.json()] == [1001, 1002, 1003]


def test_conditions_combine_board_names_and_the_closed_flag(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    conditions = 'closedFlag = false and board/name in ("NOC Alerts") and priority/id <= 2'
    found = walk(http, f"{cw.api_url}/service/tickets?pageSize=1000&conditions={conditions}")
    expected = {t["id"] for t in cw.tickets.values() if not t["closedFlag"]
                and t["board"]["name"] == "NOC Alerts" and t["priority"]["id"] <= 2}  # fmt: skip
    assert expected
    assert {t["id"] for t in found} == expected
    count = http.get(f"{cw.api_url}/service/tickets/count", params={"conditions": conditions})
    assert count.json() == {"count": len(expected)}


def test_an_unknown_condition_field_is_a_400(cw: FakeConnectWise, http: requests.Session) -> None:
    response = http.get(
        f"{cw.api_url}/service/tickets", params={"conditions": "configurations/id=1"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidObject"
    assert response.json()["errors"]


def test_order_by_and_fields(cw: FakeConnectWise, http: requests.Session) -> None:
    query: dict[str, Any] = {
        "orderBy": "_info/lastUpdated desc",
        "fields": "id,_info",
        "pageSize": 1000,
    }
    rows = http.get(f"{cw.api_url}/service/tickets", params=query).json()
    stamps = [r["_info"]["lastUpdated"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)
    assert {key for r in rows for key in r} == {"id", "_info"}


def test_forward_only_paging_walks_page_ids(cw: FakeConnectWise, http: requests.Session) -> None:
    forward = {"pagination-type": "forward-only"}
    seen = walk(http, f"{cw.api_url}/service/tickets?pageSize=9", headers=forward)
    assert [t["id"] for t in seen] == sorted(cw.tickets)
    refused = http.get(f"{cw.api_url}/service/tickets?orderBy=id desc", headers=forward)
    assert refused.status_code == 400


def test_json_patch_changes_status_and_bumps_last_updated(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    ticket = next(t for t in cw.tickets.values() if t["board"]["id"] == 1)
    cw.advance(60)
    patch: list[dict[str, Any]] = [{"op": "replace", "path": "status", "value": {"id": 14}},
             {"op": "replace", "path": "owner", "value": {"id": 101}}]  # fmt: skip
    response = http.patch(f"{cw.api_url}/service/tickets/{ticket['id']}", json=patch)
    assert response.status_code == 200
    body = response.json()
    assert body["status"]["name"] == "Resolved"
    assert body["closedFlag"] is True
    assert body["owner"]["identifier"] == "bjones"
    assert body["_info"]["lastUpdated"] == cw_time(cw.now)
    assert cw.writes == [("PATCH", f"/v2025_1/apis/3.0/service/tickets/{ticket['id']}", patch)]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ([{"op": "replace", "path": "status", "value": {"id": 22}}], "status"),  # other board
        ([{"op": "replace", "path": "status", "value": 14}], "status"),  # not a reference
        ([{"op": "replace", "path": "closedBy", "value": "me"}], "closedBy"),
        ([{"op": "replace", "path": "summary", "value": "x" * 101}], "summary"),
    ],
)
def test_invalid_patches_are_400_and_change_nothing(
    cw: FakeConnectWise, http: requests.Session, patch: list[dict[str, Any]], field: str
) -> None:
    ticket = next(t for t in cw.tickets.values() if t["board"]["id"] == 1)
    before = dict(ticket)
    response = http.patch(f"{cw.api_url}/service/tickets/{ticket['id']}", json=patch)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert cw.tickets[ticket["id"]] == before
    assert cw.writes == []


def test_a_patch_must_be_an_array(cw: FakeConnectWise, http: requests.Session) -> None:
    response = http.patch(f"{cw.api_url}/service/tickets/1001", json={"status": {"id": 12}})
    assert response.status_code == 400


def test_notes_are_created_with_201_and_need_text(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    url = f"{cw.api_url}/service/tickets/1001/notes"
    cw.advance(5)
    created = http.post(url, json={"text": "Rebooted", "internalAnalysisFlag": True})
    assert created.status_code == 201
    assert created.json()["internalAnalysisFlag"] is True
    assert cw.notes[1001][0]["text"] == "Rebooted"
    assert cw.tickets[1001]["_info"]["lastUpdated"] == cw_time(cw.now)
    empty = http.post(url, json={"text": "  "})
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["code"] == "NullValue"


def test_429_carries_retry_after(cw: FakeConnectWise, http: requests.Session) -> None:
    cw.inject("429", "/v2025_1/apis/3.0/service/tickets", seconds=7)
    throttled = http.get(f"{cw.api_url}/service/tickets")
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "7"
    assert http.get(f"{cw.api_url}/service/tickets").status_code == 200
    assert cw.count("GET", "/v2025_1/apis/3.0/service/tickets") == 2


def test_a_moved_codebase_answers_404_until_rediscovered(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    old = cw.api_url
    cw.move_codebase("v2026_1/")
    assert http.get(f"{old}/service/tickets").status_code == 404
    codebase = requests.get(f"{cw.url}/login/companyinfo/{cw.company}").json()["Codebase"]
    assert http.get(f"{cw.url}/{codebase}apis/3.0/service/tickets").status_code == 200


def test_deleted_company_leaves_tickets_pointing_at_it(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    company = cw.tickets[1001]["company"]["id"]
    cw.delete_company(company)
    ticket = http.get(f"{cw.api_url}/service/tickets/1001").json()
    assert ticket["company"]["id"] == company
    companies = http.get(f"{cw.api_url}/company/companies").json()
    assert company not in {c["id"] for c in companies}
    assert companies


def test_a_tenant_board_has_its_own_status_ids(cw: FakeConnectWise, http: requests.Session) -> None:
    board = cw.add_board("Network Ops", [("New", False), ("Dispatched", False), ("Fixed", True)])
    statuses = http.get(f"{cw.api_url}/service/boards/{board['id']}/statuses").json()
    assert [s["name"] for s in statuses] == ["New", "Dispatched", "Fixed"]
    assert cw.status_id(board["id"], "New") not in (cw.status_id(1, "New"), cw.status_id(2, "New"))
    ticket = cw.add_ticket(board=board["id"], status=cw.status_id(board["id"], "Fixed"))
    assert ticket["closedFlag"] is True


# ------------------------------------------------------------------ bundling (parent/child)
def attach(cw: FakeConnectWise, http: requests.Session, parent: int, *children: Any
           ) -> requests.Response:  # fmt: skip
    url = f"{cw.api_url}/service/tickets/{parent}/attachChildren"
    return http.post(url, json={"childTicketIds": list(children)})


def test_attach_children_bundles_them_under_the_parent(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    parent, a, b = (cw.add_ticket(f"Internet down {n}")["id"] for n in range(3))
    cw.advance(30)
    response = attach(cw, http, parent, a, b)
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert cw.children_of(parent) == [a, b]
    assert http.get(f"{cw.api_url}/service/tickets/{a}").json()["parentTicketId"] == parent
    shown = http.get(f"{cw.api_url}/service/tickets/{parent}").json()
    assert shown["hasChildTicket"] is True
    assert "parentTicketId" not in shown
    assert shown["_info"]["lastUpdated"] == cw_time(cw.now)
    assert attach(cw, http, parent, a).status_code == 200  # again: still its child
    assert cw.children_of(parent) == [a, b]


def test_what_connectwise_refuses_to_bundle_is_a_400_naming_the_ticket(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    parent, child, other = (cw.add_ticket(f"Internet down {n}")["id"] for n in range(3))
    assert attach(cw, http, parent, child).status_code == 200
    refusals = {
        (parent, parent): f"Ticket {parent} cannot be its own parent",
        (parent, 999999): "Ticket 999999 was not found",
        (other, child): f"Ticket {child} is already a child of ticket {parent}",
        (child, other): f"Ticket {child} is a child of ticket {parent} and cannot be a parent",
    }
    for (to, what), message in refusals.items():
        response = attach(cw, http, to, what)
        assert response.status_code == 400, (to, what)
        assert response.json()["errors"][0]["message"] == message
    assert attach(cw, http, 999999, child).status_code == 404  # no such parent
    bad = http.post(f"{cw.api_url}/service/tickets/{parent}/attachChildren", json={"ids": [1]})
    assert bad.status_code == 400
    assert cw.children_of(parent) == [child]
    assert cw.children_of(other) == []
    assert cw.children_of(child) == []


def test_closing_the_parent_closes_its_children(
    cw: FakeConnectWise, http: requests.Session
) -> None:
    parent = cw.add_ticket("Carrier outage", board=1, status=11)["id"]
    child = cw.add_ticket("No internet", board=2, status=21)["id"]
    bystander = cw.add_ticket("Printer jam", board=1, status=11)["id"]
    assert attach(cw, http, parent, child).status_code == 200
    close: list[dict[str, Any]] = [{"op": "replace", "path": "status", "value": {"id": 15}}]
    assert http.patch(f"{cw.api_url}/service/tickets/{parent}", json=close).status_code == 200
    closed = cw.tickets[child]
    assert (closed["closedFlag"], closed["status"]["name"]) == (True, "Resolved")  # its board's
    assert cw.tickets[bystander]["closedFlag"] is False
