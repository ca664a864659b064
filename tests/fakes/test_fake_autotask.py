"""The Autotask fake keeps the documented behaviours a connector will rely on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.fakes.at_query import at_time
from tests.fakes.fake_autotask import DENIED, FakeAutotask
from tests.fakes.http_fake import running

ALL: list[dict[str, Any]] = [{"op": "gte", "field": "id", "value": 0}]


@pytest.fixture
def at() -> Iterator[FakeAutotask]:
    fake = FakeAutotask()
    fake.seed(50)
    with running(fake) as server:
        yield server


@pytest.fixture
def http(at: FakeAutotask) -> requests.Session:
    session = requests.Session()
    session.headers.update({"ApiIntegrationCode": at.integration_code,
                            "UserName": at.username, "Secret": at.secret})  # fmt: skip
    return session


def discover(at: FakeAutotask) -> str:
    response = requests.get(f"{at.url}/atservicesrest/v1.0/zoneInformation",
                            params={"user": at.username})  # fmt: skip
    assert response.status_code == 200
    return str(response.json()["url"]) + "v1.0"


def query(http: requests.Session, base: str, search: dict[str, Any]) -> list[dict[str, Any]]:
    """POST the query, then follow nextPageUrl (by GET) until it is null."""
    page = http.post(f"{base}/Tickets/query", json=search).json()
    items = list(page["items"])
    while page["pageDetails"]["nextPageUrl"]:
        page = http.get(page["pageDetails"]["nextPageUrl"]).json()
        items.extend(page["items"])
    return items


def test_zone_discovery_needs_no_auth_and_refuses_unknown_users(at: FakeAutotask) -> None:
    assert discover(at) == f"{at.url}/zone5/ATServicesRest/v1.0"
    unknown = requests.get(f"{at.url}/atservicesrest/v1.0/zoneInformation?user=nobody")
    assert unknown.status_code == 500
    assert unknown.json()["errors"]


def test_every_call_needs_the_three_headers(at: FakeAutotask, http: requests.Session) -> None:
    url = f"{discover(at)}/Tickets/7001"
    assert http.get(url).json()["item"]["id"] == 7001
    assert http.get(f"{discover(at)}/Tickets/99").json() == {"item": None}
    assert http.get(url, headers={"Secret": "wrong"}).status_code == 401
    assert requests.get(url, headers={"UserName": at.username}).status_code == 401
    wrong_code = http.get(url, headers={"ApiIntegrationCode": "NOT7THE7TRACKING7IDENTIFIER"})
    assert wrong_code.status_code == 500  # valid user and secret: 500, not 401 (apigrate)
    assert wrong_code.json() == {"errors": ["IntegrationCode is invalid."]}


def test_a_zone_move_answers_401_until_rediscovered(
    at: FakeAutotask, http: requests.Session
) -> None:
    old = discover(at)
    at.move_zone(12)
    assert http.get(f"{old}/Tickets/7001").status_code == 401
    assert http.get(f"{discover(at)}/Tickets/7001").status_code == 200


def test_next_page_urls_visit_every_ticket_once(at: FakeAutotask, http: requests.Session) -> None:
    items = query(http, discover(at), {"filter": ALL, "MaxRecords": 7})
    assert [t["id"] for t in items] == sorted(at.tickets)
    first = http.post(f"{discover(at)}/Tickets/query", json={"filter": ALL, "MaxRecords": 7})
    assert first.json()["pageDetails"]["prevPageUrl"] is None
    assert first.json()["pageDetails"]["requestCount"] == 7
    second = http.get(first.json()["pageDetails"]["nextPageUrl"]).json()
    back = http.get(second["pageDetails"]["prevPageUrl"]).json()
    assert back["items"] == first.json()["items"]


def test_get_with_search_equals_post(at: FakeAutotask, http: requests.Session) -> None:
    search: dict[str, Any] = {"filter": [{"op": "eq", "field": "status", "value": 5}]}
    by_get = http.get(f"{discover(at)}/Tickets/query", params={"search": json.dumps(search)})
    by_post = http.post(f"{discover(at)}/Tickets/query", json=search)
    assert by_get.json()["items"] == by_post.json()["items"]
    assert by_get.json()["items"]


@pytest.mark.parametrize(
    "search",
    [
        {"filter": ALL, "MaxRecords": 501},
        {"filter": []},
        {"filter": [{"op": "gt", "field": "noSuchField", "value": 1}]},
        {"filter": [{"op": "between", "field": "id", "value": 1}]},
    ],
)
def test_bad_queries_are_refused_with_errors(
    at: FakeAutotask, http: requests.Session, search: dict[str, Any]
) -> None:
    response = http.post(f"{discover(at)}/Tickets/query", json=search)
    assert response.status_code == 500
    assert response.json()["errors"]


def test_change_marker_filter_is_strict_to_the_millisecond(
    at: FakeAutotask, http: requests.Session
) -> None:
    at.advance(60)
    mark = at.now
    at.update_ticket(7001, title="edited at the mark")
    at.advance(0.001)
    at.update_ticket(7002, title="edited a millisecond later")
    since = [{"op": "gt", "field": "LastTrackedModificationDateTime", "value": at_time(mark)}]
    assert [t["id"] for t in query(http, discover(at), {"filter": since})] == [7002]
    since[0]["op"] = "gte"
    assert [t["id"] for t in query(http, discover(at), {"filter": since})] == [7001, 7002]


def test_groups_lists_and_count(at: FakeAutotask, http: requests.Session) -> None:
    search: dict[str, Any] = {"filter": [{"op": "or", "items": [
        {"op": "in", "field": "priority", "value": [1, 4]},
        {"op": "eq", "field": "queueID", "value": "29682833"}]},
        {"op": "noteq", "field": "status", "value": 5}]}  # fmt: skip
    expected = {t["id"] for t in at.tickets.values() if t["status"] != 5
                and (t["priority"] in (1, 4) or t["queueID"] == 29682833)}  # fmt: skip
    assert expected
    assert {t["id"] for t in query(http, discover(at), search)} == expected
    count = http.post(f"{discover(at)}/Tickets/query/count", json=search)
    assert count.json() == {"queryCount": len(expected)}


def test_include_fields_keeps_id(at: FakeAutotask, http: requests.Session) -> None:
    search: dict[str, Any] = {"filter": ALL, "IncludeFields": ["status", "lastActivityDate"]}
    items = http.post(f"{discover(at)}/Tickets/query", json=search).json()["items"]
    assert {key for item in items for key in item} == {"id", "status", "lastActivityDate"}


def test_picklist_labels_come_from_entity_information(
    at: FakeAutotask, http: requests.Session
) -> None:
    at.picklists["status"][17] = "Waiting Vendor"  # this tenant has its own status
    fields = http.get(f"{discover(at)}/Tickets/entityInformation/fields").json()["fields"]
    status = next(f for f in fields if f["name"] == "status")
    assert status["isPickList"] is True
    assert {"value": "17", "label": "Waiting Vendor"}.items() <= status["picklistValues"][
        -1
    ].items()
    assert next(f for f in fields if f["name"] == "title")["picklistValues"] is None


def test_patch_at_the_root_with_the_id_in_the_body(
    at: FakeAutotask, http: requests.Session
) -> None:
    at.advance(30)
    body = {"id": 7003, "status": 5, "assignedResourceID": 29682901,
            "assignedResourceRoleID": 29682885}  # fmt: skip
    response = http.patch(f"{discover(at)}/Tickets", json=body)
    assert response.json() == {"itemId": 7003}
    ticket = at.tickets[7003]
    assert ticket["status"] == 5
    assert ticket["completedDate"] == at_time(at.now)
    assert (
        ticket["lastTrackedModificationDateTime"] == ticket["lastActivityDate"] == at_time(at.now)
    )
    assert at.writes == [("PATCH", "/zone5/ATServicesRest/v1.0/Tickets", body)]


@pytest.mark.parametrize(
    "body",
    [
        {"status": 5},  # no id
        {"id": 99, "status": 5},  # no such ticket
        {"id": 7003, "status": 99},  # not in the picklist
        {"id": 7003, "assignedResourceID": 29682901},  # a resource needs its role
        {"id": 7003, "createDate": "2020-01-01T00:00:00Z"},  # read-only
    ],
)
def test_invalid_patches_are_500_with_errors(
    at: FakeAutotask, http: requests.Session, body: dict[str, Any]
) -> None:
    response = http.patch(f"{discover(at)}/Tickets", json=body)
    assert response.status_code == 500
    assert response.json()["errors"]
    assert at.writes == []


def test_a_note_moves_last_activity_only(at: FakeAutotask, http: requests.Session) -> None:
    before = dict(at.tickets[7004])
    at.advance(30)
    note: dict[str, Any] = {
        "title": "Update",
        "description": "Rebooted",
        "noteType": 1,
        "publish": 1,
    }
    response = http.post(f"{discover(at)}/Tickets/7004/Notes", json=note)
    assert response.status_code == 200
    assert at.notes[response.json()["itemId"]]["description"] == "Rebooted"
    assert at.tickets[7004]["lastActivityDate"] == at_time(at.now)
    assert (at.tickets[7004]["lastTrackedModificationDateTime"]
            == before["lastTrackedModificationDateTime"])  # fmt: skip
    missing = http.post(f"{discover(at)}/Tickets/7004/Notes", json={"title": "x"})
    assert missing.status_code == 500
    assert len(missing.json()["errors"]) == 3


def test_permission_errors_are_500(at: FakeAutotask, http: requests.Session) -> None:
    at.read_only = True
    response = http.patch(f"{discover(at)}/Tickets", json={"id": 7001, "status": 5})
    assert response.status_code == 500
    assert response.json() == {"errors": [DENIED]}


def test_the_hourly_threshold_blocks_then_recovers(
    at: FakeAutotask, http: requests.Session
) -> None:
    at.hourly_limit = 4
    url = discover(at)
    assert [http.get(f"{url}/Tickets/7001").status_code for _ in range(3)] == [200] * 3
    usage = http.get(f"{url}/ThresholdInformation").json()
    assert usage == {"externalRequestThreshold": 4, "requestThresholdTimeframe": 60,
                     "currentTimeframeRequestCount": 4}  # fmt: skip
    blocked = http.get(f"{url}/Tickets/7001")
    assert blocked.status_code == 429
    assert "threshold" in blocked.json()["errors"][0]
    at.advance(3600)
    assert http.get(f"{url}/Tickets/7001").status_code == 200


def test_a_fourth_thread_on_one_endpoint_is_refused(
    at: FakeAutotask, http: requests.Session
) -> None:
    at.latency = 0.3
    url = f"{discover(at)}/Tickets/7001"
    with ThreadPoolExecutor(4) as pool:
        calls = pool.map(lambda _: requests.get(url, headers=http.headers), range(4))
        statuses = sorted(response.status_code for response in calls)
    assert statuses == [200, 200, 200, 429]


def test_injected_429_carries_retry_after(at: FakeAutotask, http: requests.Session) -> None:
    at.inject("429", "/zone5/", seconds=3)
    response = http.get(f"{discover(at)}/Tickets/7001")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"


def test_note_picklists_roles_and_resolution_are_served(
    at: FakeAutotask, http: requests.Session
) -> None:
    base = discover(at)
    fields = http.get(f"{base}/TicketNotes/entityInformation/fields").json()["fields"]
    labels = {f["name"]: {v["value"]: v["label"] for v in f["picklistValues"]} for f in fields}
    assert labels["publish"] == {"1": "All Autotask Users", "2": "Internal Users"}
    assert labels["noteType"]["13"] == "Internal Notes"
    bad: dict[str, Any] = {"title": "t", "description": "d", "noteType": 13, "publish": 9}
    refused = http.post(f"{base}/Tickets/7001/Notes", json=bad)
    assert refused.status_code == 500
    assert refused.json() == {"errors": ["Value 9 is not a valid publish."]}
    mine: dict[str, Any] = {"filter": [{"op": "eq", "field": "resourceID", "value": 29682900}]}
    roles = http.post(f"{base}/ResourceServiceDeskRoles/query", json=mine).json()["items"]
    assert [(r["roleID"], r["isDefault"]) for r in roles] == [(29682885, True)]
    done = http.patch(f"{base}/Tickets", json={"id": 7001, "status": 5, "resolution": "Fixed"})
    assert done.status_code == 200
    assert at.tickets[7001]["resolution"] == "Fixed"


def test_an_incident_names_its_problem_ticket_and_the_problem_lists_it(
    at: FakeAutotask, http: requests.Session
) -> None:
    problem = at.add_ticket("Carrier outage at Oslo", ticketType=3)["id"]
    incident = at.add_ticket("No internet at Oslo office", ticketType=2, status=8)["id"]
    at.advance(30)
    base = discover(at)
    body = {"id": incident, "problemTicketId": problem}
    assert http.patch(f"{base}/Tickets", json=body).json() == {"itemId": incident}
    linked = at.tickets[incident]
    assert (linked["problemTicketId"], linked["ticketType"], linked["status"]) == (problem, 2, 8)
    assert linked["lastTrackedModificationDateTime"] == at_time(at.now)
    assert at.incidents_of(problem) == [incident]
    mine: dict[str, Any] = {"filter": [{"op": "eq", "field": "problemTicketID", "value": problem}]}
    assert [t["id"] for t in query(http, base, mine)] == [incident]  # names ignore case
    kinds = {f["name"]: f for f in http.get(f"{base}/Tickets/entityInformation/fields").json()[
        "fields"]}  # fmt: skip
    assert {v["label"] for v in kinds["ticketType"]["picklistValues"]} >= {
        "Incident",
        "Problem",
        "Change Request",
    }
    cleared = http.patch(f"{base}/Tickets", json={"id": incident, "problemTicketId": None})
    assert cleared.status_code == 200
    assert at.incidents_of(problem) == []


@pytest.mark.parametrize(
    ("child", "target", "message"),
    [
        ("incident", 99, "Value 99 does not reference an existing entity for problemTicketId."),
        ("incident", "alert", "is not a Problem ticket"),  # only a Problem ticket has incidents
        ("problem", "problem", "cannot be its own problem ticket"),
        ("problem", "other problem", "A Problem ticket cannot be an incident"),
        ("alert", "problem", "Only an Incident ticket can be associated with a problem ticket"),
    ],
)
def test_a_problem_link_autotask_refuses_is_500_with_errors(
    at: FakeAutotask, http: requests.Session, child: str, target: str | int, message: str
) -> None:
    tickets = {
        "problem": at.add_ticket("Carrier outage", ticketType=3)["id"],
        "other problem": at.add_ticket("Core router", ticketType=3)["id"],
        "incident": at.add_ticket("No internet", ticketType=2)["id"],
        "alert": at.add_ticket("Ping loss", ticketType=5)["id"],
    }
    value = tickets[target] if isinstance(target, str) else target
    response = http.patch(f"{discover(at)}/Tickets",
                          json={"id": tickets[child], "problemTicketId": value})  # fmt: skip
    assert response.status_code == 500
    (error,) = response.json()["errors"]
    assert message in error
    assert at.writes == []
    assert all(t.get("problemTicketId") is None for t in at.tickets.values())
