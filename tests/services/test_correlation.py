"""Correlation's rules, one behaviour each (the corpus test scores them together)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from noc_console.models.incident import IncidentKey
from noc_console.services.correlation import Arrival, correlate

T = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def arrival(n: int, client: str, title: str, minute: float, category: str = "") -> Arrival:
    return Arrival(
        IncidentKey("demo", f"D-{n}"),
        client,
        client.capitalize(),
        title,
        T + timedelta(minutes=minute),
        category,
    )


def test_a_carrier_outage_at_one_site_is_one_group_across_clients_with_its_label() -> None:
    arrivals = [
        arrival(1, "northwind", "Internet down at Oslo office", 0),
        arrival(2, "contoso", "No internet in Oslo", 2),
        arrival(3, "fabrikam", "Oslo site: WAN circuit unreachable", 4),
        arrival(4, "contoso", "Internet circuit down at Oslo, CID TN-88213", 6),
        arrival(5, "adatum", "Telia circuit CID TN-88213 down", 7),
        arrival(6, "litware", "Password reset for j.olsen", 3),
    ]
    [group] = correlate(arrivals)
    assert group.members == tuple(IncidentKey("demo", f"D-{n}") for n in (1, 2, 3, 4, 5))
    assert group.clients == ("adatum", "contoso", "fabrikam", "northwind")
    assert group.client_names == ("Adatum", "Contoso", "Fabrikam", "Northwind")
    assert group.summary == "5 incidents · 4 clients · Internet circuit down at Oslo"
    assert group.key == "group:demo:D-1"
    assert (group.first_at, group.last_at) == (T, T + timedelta(minutes=7))


def test_arrivals_further_apart_than_the_window_are_not_grouped_and_the_window_is_a_setting() -> (
    None
):
    arrivals = [
        arrival(1, "northwind", "Firewall fw-osl-01 unreachable", 0),
        arrival(2, "contoso", "High CPU on fw-osl-01", 20),
    ]
    assert correlate(arrivals) == []
    [group] = correlate(arrivals, window=timedelta(minutes=30))
    assert len(group.members) == 2


def test_a_shared_configuration_item_groups_whatever_the_wording() -> None:
    arrivals = [
        arrival(1, "northwind", "VM unreachable on hv-cluster-02", 0),
        arrival(2, "contoso", "Datastore latency high on hv-cluster-02", 3),
    ]
    [group] = correlate(arrivals)
    assert group.clients == ("contoso", "northwind")


def test_the_same_wording_at_two_clients_is_chance_but_three_are_an_event() -> None:
    two = [
        arrival(1, "northwind", "VoIP phones down", 0),
        arrival(2, "contoso", "Phones down - no dial tone", 4),
    ]
    assert correlate(two) == []
    three = [*two, arrival(3, "fabrikam", "SIP trunk down, phones dead", 8)]
    [group] = correlate(three)
    assert group.label == "Phones down"
    assert len(group.members) == 3


def test_two_calls_from_one_client_about_one_thing_are_grouped() -> None:
    arrivals = [
        arrival(1, "contoso", "IPsec tunnel down", 0),
        arrival(2, "contoso", "VPN not working for remote staff", 5),
    ]
    [group] = correlate(arrivals)
    assert group.summary == "2 incidents · 1 client · VPN down"


def test_printers_wifi_laptops_and_accounts_do_not_group_across_clients_by_wording_or_site() -> (
    None
):
    arrivals = [
        arrival(1, "northwind", "Printer offline at Bergen office", 0),
        arrival(2, "contoso", "Printer offline at Bergen office", 2),
        arrival(3, "fabrikam", "Printer offline", 4),
        arrival(4, "adatum", "Wi-Fi down at Bergen warehouse", 5),
        arrival(5, "litware", "Wi-Fi down at Bergen office", 6),
        arrival(6, "tailspin", "Wi-Fi not working", 7),
        arrival(7, "wingtip", "Account locked out", 8),
        arrival(8, "coho", "Account locked out", 9),
        arrival(9, "trey", "Account locked out", 10),
    ]
    assert correlate(arrivals) == []


def test_other_trouble_at_a_site_that_is_down_stays_apart() -> None:
    arrivals = [
        arrival(1, "northwind", "Internet down at Oslo office", 0),
        arrival(2, "contoso", "No internet at Oslo office", 2),
        arrival(3, "fabrikam", "Email bounced from supplier at Oslo office", 3),
    ]
    [group] = correlate(arrivals)
    assert IncidentKey("demo", "D-3") not in group.members


def test_different_categories_do_not_group_by_wording() -> None:
    arrivals = [
        arrival(1, "northwind", "Server down", 0, "Hosting"),
        arrival(2, "contoso", "Server down", 2, "Hardware"),
        arrival(3, "fabrikam", "Server down", 4, "Backup"),
    ]
    assert correlate(arrivals) == []


def test_the_groups_do_not_depend_on_the_order_arrivals_are_given_in() -> None:
    arrivals = [
        arrival(n, client, title, minute)
        for n, (client, title, minute) in enumerate(
            [
                ("northwind", "DNS resolution failing", 0),
                ("contoso", "Websites not loading - DNS failure", 1),
                ("fabrikam", "External DNS resolver unreachable", 2),
                ("adatum", "Internet down at Oslo", 1),
                ("litware", "No internet in Oslo", 1),
            ]
        )
    ]
    expected = correlate(arrivals)
    shuffled = list(arrivals)
    random.Random(7).shuffle(shuffled)
    assert correlate(shuffled) == expected
    assert [g.label for g in expected] == ["DNS down", "Internet down at Oslo"]


def test_hostile_titles_neither_crash_nor_group() -> None:
    arrivals = [
        arrival(1, "northwind", "", 0),
        arrival(2, "contoso", "at at at in in @ @", 1),
        arrival(3, "fabrikam", "x" * 5000, 2),
        arrival(4, "adatum", "\u202e\u0000<b>down</b> at", 3),
        arrival(5, "litware", "circuit circuit circuit", 4),
    ]
    assert correlate(arrivals) == []
