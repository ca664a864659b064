"""The ServiceNow fake keeps the documented behaviours a connector will rely on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.fakes.fake_servicenow import FakeServiceNow, sn_time
from tests.fakes.http_fake import running

TABLE = "/api/now/table/incident"


@pytest.fixture
def sn() -> Iterator[FakeServiceNow]:
    fake = FakeServiceNow()
    fake.seed(25)
    with running(fake) as server:
        yield server


@pytest.fixture
def http(sn: FakeServiceNow) -> requests.Session:
    session = requests.Session()
    session.auth = (sn.user, sn.password)
    return session


def grant(sn: FakeServiceNow, **form: str) -> requests.Response:
    base = {
        "grant_type": "password",
        "client_id": sn.client_id,
        "client_secret": sn.client_secret,
        "username": sn.user,
        "password": sn.password,
    }
    return requests.post(f"{sn.url}/oauth_token.do", data={**base, **form})  # fmt: skip


def test_basic_auth_and_its_refusal(sn: FakeServiceNow, http: requests.Session) -> None:
    assert http.get(f"{sn.url}{TABLE}").status_code == 200
    refused = requests.get(f"{sn.url}{TABLE}", auth=(sn.user, "wrong"))
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "User Not Authenticated"


def test_oauth_password_grant_expiry_and_refresh(sn: FakeServiceNow) -> None:
    granted = grant(sn).json()
    bearer = {"Authorization": f"Bearer {granted['access_token']}"}
    assert requests.get(f"{sn.url}{TABLE}", headers=bearer).status_code == 200
    sn.advance(sn.token_lifetime)
    assert requests.get(f"{sn.url}{TABLE}", headers=bearer).status_code == 401
    renewed = grant(sn, grant_type="refresh_token", refresh_token=granted["refresh_token"])
    assert renewed.status_code == 200
    assert grant(sn, password="nope").status_code == 401
    assert grant(sn, grant_type="client_credentials").status_code == 401  # not enabled
    sn.client_credentials = True
    assert grant(sn, grant_type="client_credentials").status_code == 200


def test_paging_with_link_and_total_count(sn: FakeServiceNow, http: requests.Session) -> None:
    seen: list[str] = []
    url: str | None = f"{sn.url}{TABLE}?sysparm_limit=7&sysparm_query=ORDERBYnumber"
    while url:
        answer = http.get(url)
        assert answer.headers["X-Total-Count"] == "25"
        seen.extend(r["number"] for r in answer.json()["result"])
        url = answer.links.get("next", {}).get("url")
    assert seen == sorted(r["number"] for r in sn.tables["incident"].values())
    single = http.get(f"{sn.url}{TABLE}", params={"sysparm_limit": 100})
    assert "Link" not in single.headers


def test_date_queries_are_in_the_users_zone(sn: FakeServiceNow, http: requests.Session) -> None:
    sn.advance(3600)
    changed = sn.update_incident("INC0010003", short_description="edited")
    local = sn.now.astimezone(sn.time_zone) - timedelta(seconds=1)
    clause = f"javascript:gs.dateGenerate('{local:%Y-%m-%d}','{local:%H:%M:%S}')"
    query = {"sysparm_query": f"sys_updated_on>{clause}^bogus_field=1^ORDERBYsys_updated_on"}
    found = http.get(f"{sn.url}{TABLE}", params=query).json()["result"]
    assert [r["number"] for r in found] == [changed["number"]]  # the bogus term is ignored


def test_display_value_all_gives_values_and_labels(
    sn: FakeServiceNow, http: requests.Session
) -> None:
    incident = sn.add_incident(
        "Core down", state="3", hold_reason="4", company="Globex Corporation"
    )
    params = {"sysparm_display_value": "all", "sysparm_query": f"number={incident['number']}",
              "sysparm_fields": "state,hold_reason,company,opened_at"}  # fmt: skip
    (row,) = http.get(f"{sn.url}{TABLE}", params=params).json()["result"]
    assert row["state"] == {"display_value": "On Hold", "value": "3"}
    assert row["hold_reason"]["display_value"] == "Awaiting Vendor"
    assert row["company"]["display_value"] == "Globex Corporation"
    assert "link" in row["company"]
    assert row["opened_at"]["value"] == incident["opened_at"]  # UTC value, local label
    assert row["opened_at"]["display_value"] != row["opened_at"]["value"]


def test_patch_counts_modifications_and_keeps_journal(
    sn: FakeServiceNow, http: requests.Session
) -> None:
    incident = sn.add_incident("Core down")
    url = f"{sn.url}{TABLE}/{incident['sys_id']}"
    answer = http.patch(url, json={"state": "In Progress", "work_notes": "on it"},
                        params={"sysparm_input_display_value": "true"})  # fmt: skip
    assert answer.json()["result"]["state"] == "2"
    assert answer.json()["result"]["sys_mod_count"] == "1"
    assert [j["value"] for j in sn.journal(incident["number"])] == ["on it"]
    bad = http.patch(url, json={"state": "Pondering"}, params={"sysparm_input_display_value":
                                                              "true"})  # fmt: skip
    assert bad.status_code == 400
    resolve = http.patch(url, json={"state": "6"})
    assert resolve.status_code == 403
    assert "Data Policy Exception" in resolve.json()["error"]["detail"]


def test_a_rate_limit_rule_answers_429_with_retry_after(
    sn: FakeServiceNow, http: requests.Session
) -> None:
    sn.rate_limit_per_hour = 2
    first = http.get(f"{sn.url}{TABLE}")
    assert first.headers["X-RateLimit-Limit"] == "2"
    http.get(f"{sn.url}{TABLE}")
    limited = http.get(f"{sn.url}{TABLE}")
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    sn.advance(int(limited.headers["Retry-After"]))
    assert http.get(f"{sn.url}{TABLE}").status_code == 200


def test_task_sla_dot_walks_to_its_incident(sn: FakeServiceNow, http: requests.Session) -> None:
    incident = sn.add_incident("Core down", impact="1", urgency="1")
    params: dict[str, Any] = {"sysparm_query": f"task.number={incident['number']}",
                              "sysparm_fields": "task,sla.target,planned_end_time"}  # fmt: skip
    rows = http.get(f"{sn.url}/api/now/table/task_sla", params=params).json()["result"]
    due = {r["sla.target"]: r["planned_end_time"] for r in rows}
    assert due == {"response": sn_time(sn.now + timedelta(minutes=15)),
                   "resolution": sn_time(sn.now + timedelta(hours=4))}  # fmt: skip
    sn.sla_readable = False
    assert http.get(f"{sn.url}/api/now/table/task_sla").status_code == 403


def test_a_parent_incident_is_a_reference_its_children_follow(
    sn: FakeServiceNow, http: requests.Session
) -> None:
    parent, child, closed = (sn.add_incident(f"Internet down {n}") for n in (1, 2, 3))
    url = f"{sn.url}{TABLE}/{{}}"
    for kid in (child, closed):
        answer = http.patch(url.format(kid["sys_id"]), json={"parent_incident": parent["sys_id"]})
        assert answer.json()["result"]["parent_incident"] == parent["sys_id"]
    params = {"sysparm_display_value": "all", "sysparm_fields": "parent_incident",
              "sysparm_query": f"parent_incident={parent['sys_id']}^ORDERBYnumber"}  # fmt: skip
    rows = http.get(f"{sn.url}{TABLE}", params=params).json()["result"]
    assert [r["parent_incident"]["display_value"] for r in rows] == [parent["number"]] * 2
    assert sn.children(parent["number"]) == [child["number"], closed["number"]]
    itself = http.patch(url.format(child["sys_id"]), json={"parent_incident": child["sys_id"]})
    assert itself.status_code == 403
    sn.update_incident(closed["number"], state="7")  # closed children are left alone
    on_hold = {"state": "3", "hold_reason": "4"}  # the parent waits for a vendor: so do they
    http.patch(url.format(parent["sys_id"]), json=on_hold)
    assert (sn.incident(child["number"])["state"], sn.incident(child["number"])["hold_reason"]) \
        == ("3", "4")  # fmt: skip
    resolve = {"state": "6", "close_code": "Solved (Permanently)", "close_notes": "Carrier fixed"}
    http.patch(url.format(parent["sys_id"]), json=resolve)
    after = sn.incident(child["number"])
    assert (after["state"], after["close_notes"], after["active"]) == (
        "6",
        "Carrier fixed",
        "false",
    )
    assert "Carrier fixed" in sn.journal(child["number"])[-1]["value"]
    assert sn.incident(closed["number"])["state"] == "7"
    sn.refuse_parents = True
    refused = http.patch(url.format(closed["sys_id"]), json={"parent_incident": ""})
    assert refused.status_code == 403
