"""The JSM fake behaves as its docstring says (tests/fakes/fake_jsm.py): the connector's
tests are only as good as the fake they run against."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.fakes.fake_jsm import FakeJsm, decoded, seeded
from tests.fakes.http_fake import running

AUTH = ("noc@example.com", "jsm-token")


@pytest.fixture
def jsm() -> Iterator[FakeJsm]:
    with seeded(30) as server:
        yield server


def get(jsm: FakeJsm, path: str, auth: tuple[str, str] = AUTH, **params: Any
        ) -> requests.Response:  # fmt: skip
    return requests.get(f"{jsm.url}{path}", params=params, auth=auth, timeout=10)


def search(jsm: FakeJsm, jql: str, **params: Any) -> list[dict[str, Any]]:
    """Every issue the JQL finds, page by page as a client must."""
    found: list[dict[str, Any]] = []
    token = None
    while True:
        extra: dict[str, Any] = {"nextPageToken": token} if token else {}
        body = get(jsm, "/rest/api/3/search/jql", AUTH, jql=jql, **params, **extra).json()
        found += body["issues"]
        token = body.get("nextPageToken")
        if not token:
            assert body["isLast"] is True
            return found


def test_basic_auth_with_email_and_token_only(jsm: FakeJsm) -> None:
    assert get(jsm, "/rest/api/3/myself").status_code == 200
    refused = get(jsm, "/rest/api/3/myself", auth=("noc@example.com", "wrong"))
    assert refused.status_code == 401
    assert "errorMessages" in refused.json()
    assert requests.get(f"{jsm.url}/rest/api/3/serverInfo", timeout=10).status_code == 200


def test_the_legacy_search_is_gone(jsm: FakeJsm) -> None:
    answer = get(jsm, "/rest/api/3/search", jql="order by key")
    assert answer.status_code == 410
    assert "/rest/api/3/search/jql" in answer.json()["errorMessages"][0]


def test_search_pages_by_an_opaque_token_and_returns_ids_unless_fields_are_asked(
    jsm: FakeJsm,
) -> None:
    bare = get(jsm, "/rest/api/3/search/jql", jql="project = NOC ORDER BY key ASC",
               maxResults=5).json()  # fmt: skip
    assert set(bare["issues"][0]) == {"id"}
    assert "total" not in bare
    assert bare["nextPageToken"]
    assert bare["isLast"] is False
    assert ":" in decoded(bare["nextPageToken"])  # opaque to clients, not a page number
    found = search(jsm, "project = NOC ORDER BY key ASC", maxResults=1000, fields="summary,status")
    assert [i["key"] for i in found] == [f"NOC-{n}" for n in range(1, 31)]
    assert set(found[0]["fields"]) == {"summary", "status"}


def test_max_results_is_capped(jsm: FakeJsm) -> None:
    jsm.seed(150, seed=3)
    body = get(jsm, "/rest/api/3/search/jql", jql="project = NOC", maxResults=5000).json()
    assert len(body["issues"]) == 100


def test_a_token_of_another_query_is_refused(jsm: FakeJsm) -> None:
    token = get(jsm, "/rest/api/3/search/jql", jql="project = NOC", maxResults=5).json()[
        "nextPageToken"]  # fmt: skip
    other = get(jsm, "/rest/api/3/search/jql", jql="statusCategory = Done", nextPageToken=token)
    assert other.status_code == 400


def test_updated_compares_at_minute_precision_in_the_users_zone() -> None:
    fake = FakeJsm(user_zone="Europe/Berlin")  # UTC+1 in November
    issue = fake.add_issue("Edge", created=fake.now - timedelta(hours=1))
    fake.advance(42)  # 14:00:42 UTC = 15:00:42 Berlin
    fake.update_issue(issue["key"], summary="edited")
    with running(fake) as server:

        def keys(jql: str) -> list[str]:
            return [i["key"] for i in search(server, jql, fields="summary")]

        assert keys('updated >= "2026-11-25 15:00"') == ["NOC-1"]  # the same minute
        assert keys('updated > "2026-11-25 15:00"') == []  # not a later minute
        assert keys('updated >= "2026-11-25 14:01"') == ["NOC-1"]  # read as Berlin time
        assert keys('updated >= "2026-11-25 15:01"') == []


def test_status_category_and_unsupported_jql(jsm: FakeJsm) -> None:
    done = {i["key"] for i in search(jsm, "statusCategory = Done", fields="status")}
    open_ = {i["key"] for i in search(jsm, "statusCategory != Done", fields="status")}
    assert done.isdisjoint(open_)
    assert len(done | open_) == 30
    grouped = search(jsm, "(project = NOC AND statusCategory != Done) AND (project in (NOC))")
    assert {i["id"] for i in grouped} == {jsm.issues[k]["id"] for k in open_}
    bad = get(jsm, "/rest/api/3/search/jql", jql="assignee = currentUser()")
    assert bad.status_code == 400
    assert bad.json()["errorMessages"][0].startswith("Error in the JQL Query")


def test_transitions_go_by_id_from_where_the_issue_stands(jsm: FakeJsm) -> None:
    key = jsm.add_issue("Router down")["key"]
    offered = get(jsm, f"/rest/api/3/issue/{key}/transitions").json()["transitions"]
    start = next(t for t in offered if t["to"]["name"] == "In Progress")

    def post(tid: str) -> requests.Response:
        return requests.post(f"{jsm.url}/rest/api/3/issue/{key}/transitions",
                             json={"transition": {"id": tid}}, auth=AUTH, timeout=10)  # fmt: skip

    assert post(start["id"]).status_code == 204
    assert jsm.issues[key]["status"] == "In Progress"
    again = get(jsm, f"/rest/api/3/issue/{key}/transitions").json()["transitions"]
    resolve = next(t for t in again if t["to"]["name"] == "Resolved")
    assert resolve["id"] != next(t for t in offered if t["to"]["name"] == "Resolved")["id"]
    assert post("999").status_code == 400


def test_comments_need_adf_and_the_internal_property(jsm: FakeJsm) -> None:
    key = jsm.add_issue("Router down")["key"]
    url = f"{jsm.url}/rest/api/3/issue/{key}/comment"
    plain = requests.post(url, json={"body": "text"}, auth=AUTH, timeout=10)
    assert plain.status_code == 400
    text = {"type": "text", "text": "checking"}
    doc: dict[str, Any] = {"type": "doc", "version": 1,
                           "content": [{"type": "paragraph", "content": [text]}]}  # fmt: skip
    marked = [{"key": "sd.public.comment", "value": {"internal": True}}]
    internal: dict[str, Any] = {"body": doc, "properties": marked}
    assert requests.post(url, json=internal, auth=AUTH, timeout=10).status_code == 201
    assert jsm.issues[key]["responded"] is None  # an internal note is no response
    assert requests.post(url, json={"body": doc}, auth=AUTH, timeout=10).status_code == 201
    assert jsm.issues[key]["responded"] == jsm.now
    assert [c["jsdPublic"] for c in jsm.comments[key]] == [False, True]


def test_sla_cycles_complete_pause_and_breach(jsm: FakeJsm) -> None:
    key = jsm.add_issue("Router down", priority="High")["key"]
    slas = {s["name"]: s for s in get(jsm, f"/rest/servicedeskapi/request/{key}/sla").json()[
        "values"]}  # fmt: skip
    response = slas["Time to first response"]["ongoingCycle"]
    assert response["breachTime"]["epochMillis"] == int(
        (jsm.now + timedelta(hours=1)).timestamp() * 1000)  # fmt: skip
    assert response["goalDuration"]["millis"] == 3_600_000
    jsm.update_issue(key, status="Waiting for customer", paused_since=jsm.now, responded=jsm.now)
    paused = {s["name"]: s for s in get(jsm, f"/rest/servicedeskapi/request/{key}/sla").json()[
        "values"]}  # fmt: skip
    assert paused["Time to first response"]["completedCycles"][0]["stopTime"]
    resolution = paused["Time to resolution"]["ongoingCycle"]
    assert resolution["paused"] is True
    assert "breachTime" not in resolution
    assert get(jsm, "/rest/servicedeskapi/request/NOC-999/sla").status_code == 404


def test_injected_429_carries_retry_after(jsm: FakeJsm) -> None:
    jsm.inject("429", "/rest/api/3/search/jql", seconds=7)
    answer = get(jsm, "/rest/api/3/search/jql", jql="project = NOC")
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "7")


def link(jsm: FakeJsm, outward: str, inward: str, kind: str = "Relates") -> requests.Response:
    body = {"type": {"name": kind}, "outwardIssue": {"key": outward},
            "inwardIssue": {"key": inward}}  # fmt: skip
    return requests.post(f"{jsm.url}/rest/api/3/issueLink", json=body, auth=AUTH, timeout=10)


def test_issue_links_of_the_default_types_show_on_both_issues(jsm: FakeJsm) -> None:
    types = get(jsm, "/rest/api/3/issueLinkType").json()["issueLinkTypes"]
    assert [(t["name"], t["inward"], t["outward"]) for t in types] == [
        ("Blocks", "is blocked by", "blocks"), ("Cloners", "is cloned by", "clones"),
        ("Duplicate", "is duplicated by", "duplicates"), ("Relates", "relates to", "relates to"),
    ]  # fmt: skip
    made = link(jsm, "NOC-2", "NOC-1")
    assert (made.status_code, made.content) == (201, b"")  # Jira returns nothing
    assert link(jsm, "NOC-2", "NOC-1").status_code == 201  # a duplicate: "created", not added
    assert len(jsm.links) == 1

    def linked(key: str) -> list[tuple[str, str]]:
        found = get(jsm, f"/rest/api/3/issue/{key}", fields="issuelinks").json()["fields"]
        return [(entry["type"]["name"], (entry.get("inwardIssue") or entry["outwardIssue"])["key"])
                for entry in found["issuelinks"]]  # fmt: skip

    assert (linked("NOC-2"), linked("NOC-1")) == ([("Relates", "NOC-1")], [("Relates", "NOC-2")])
    refusals = {("NOC-3", "NOC-3", "Relates"): 400, ("NOC-3", "NOC-999", "Relates"): 404,
                ("NOC-3", "NOC-1", "Causes"): 404}  # fmt: skip
    for (outward, inward, kind), status in refusals.items():
        answer = link(jsm, outward, inward, kind)
        assert answer.status_code == status, answer.text
        assert answer.json()["errorMessages"]
    jsm.linking = False  # an admin turned issue linking off
    assert link(jsm, "NOC-4", "NOC-1").status_code == 404
    assert len(jsm.links) == 1
