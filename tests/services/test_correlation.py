"""Correlation's rules, one behaviour each (the corpus test scores them together)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from noc_console.connectors.demo.burst import BURST
from noc_console.models.board_row import BoardRow
from noc_console.models.errors import ConfigError
from noc_console.models.incident import IncidentKey
from noc_console.services.config import parse_config
from noc_console.services.correlation import Arrival, Correlator, correlate
from tests.factories import board_row

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


def burst(*lines: tuple[str, str, float] | tuple[str, str, float, str]) -> list[Arrival]:
    """Arrivals D-1, D-2 … from (client, title, minute[, category])."""
    return [arrival(n, *line) for n, line in enumerate(lines, start=1)]


def test_a_carrier_outage_at_one_site_is_one_group_across_clients_with_its_label() -> None:
    arrivals = burst(
        ("northwind", "Internet down at Oslo office", 0),
        ("contoso", "No internet in Oslo", 2),
        ("fabrikam", "Oslo site: WAN circuit unreachable", 4),
        ("contoso", "Internet circuit down at Oslo, CID TN-88213", 6),
        ("adatum", "Telia circuit CID TN-88213 down", 7),
        ("litware", "Password reset for j.olsen", 3),
    )
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
    arrivals = burst(
        ("northwind", "Firewall fw-osl-01 unreachable", 0),
        ("contoso", "High CPU on fw-osl-01", 20),
    )
    assert correlate(arrivals) == []
    [group] = correlate(arrivals, window=timedelta(minutes=30))
    assert len(group.members) == 2


def test_a_shared_configuration_item_groups_whatever_the_wording() -> None:
    arrivals = burst(
        ("northwind", "VM unreachable on hv-cluster-02", 0),
        ("contoso", "Datastore latency high on hv-cluster-02", 3),
    )
    [group] = correlate(arrivals)
    assert group.clients == ("contoso", "northwind")


def test_a_short_server_name_is_each_clients_own_machine() -> None:
    """SQL01 at two clients is two servers; at one client, one."""
    apart = burst(
        ("northwind", "TLS certificate expires in 7 days on APP03", 0),
        ("contoso", "TLS certificate expires in 7 days on APP03", 3),
    )
    assert correlate(apart) == []
    together = burst(
        ("northwind", "Disk 95% full on SQL01", 0),
        ("northwind", "SQL Agent job failing on SQL01", 3),
    )
    [group] = correlate(together)
    assert len(group.members) == 2


def test_the_same_wording_at_two_clients_is_chance_but_three_are_an_event() -> None:
    two = burst(
        ("northwind", "VoIP phones down", 0),
        ("contoso", "Phones down - no dial tone", 4),
    )
    assert correlate(two) == []
    three = [*two, arrival(3, "fabrikam", "SIP trunk down, phones dead", 8)]
    [group] = correlate(three)
    assert group.label == "Phones down"
    assert len(group.members) == 3


def test_two_calls_from_one_client_about_one_thing_are_grouped() -> None:
    arrivals = burst(
        ("contoso", "IPsec tunnel down", 0),
        ("contoso", "VPN not working for remote staff", 5),
    )
    [group] = correlate(arrivals)
    assert group.summary == "2 incidents · 1 client · VPN down"


def test_printers_wifi_laptops_and_accounts_do_not_group_across_clients_by_wording_or_site() -> (
    None
):
    arrivals = burst(
        ("northwind", "Printer offline at Bergen office", 0),
        ("contoso", "Printer offline at Bergen office", 2),
        ("fabrikam", "Printer offline", 4),
        ("adatum", "Wi-Fi down at Bergen warehouse", 5),
        ("litware", "Wi-Fi down at Bergen office", 6),
        ("tailspin", "Wi-Fi not working", 7),
        ("wingtip", "Account locked out", 8),
        ("coho", "Account locked out", 9),
        ("trey", "Account locked out", 10),
    )
    assert correlate(arrivals) == []


def test_other_trouble_at_a_site_that_is_down_stays_apart() -> None:
    arrivals = burst(
        ("northwind", "Internet down at Oslo office", 0),
        ("contoso", "No internet at Oslo office", 2),
        ("fabrikam", "Email bounced from supplier at Oslo office", 3),
    )
    [group] = correlate(arrivals)
    assert IncidentKey("demo", "D-3") not in group.members


def test_a_line_down_at_another_site_is_another_event_but_a_cloud_service_is_not() -> None:
    lines = burst(
        ("northwind", "Internet circuit down at Oslo", 0),
        ("contoso", "Internet circuit down at Leeds", 2),
        ("fabrikam", "Internet circuit down at Perth", 4),
    )
    assert correlate(lines) == []
    outage = burst(
        ("northwind", "Internet circuit down at Oslo", 0),
        ("contoso", "Oslo office offline - carrier circuit TN-88213", 1),
        ("tailspin", "Carrier circuit TN-88213 down", 2),  # names no site
        ("coho", "Internet circuit down at Leeds", 3),
    )
    [group] = correlate(outage)
    assert IncidentKey("demo", "D-4") not in group.members
    teams = burst(
        ("northwind", "Teams calls dropping at Oslo", 0),
        ("contoso", "Teams calls dropping at Leeds", 2),
        ("fabrikam", "Teams down at Perth", 4),
    )
    [group] = correlate(teams)
    assert len(group.members) == 3


def test_the_demos_carrier_outage_leaves_a_line_down_in_another_city_apart() -> None:
    """The demo's scripted Oslo outage once took in a random "Internet circuit down at
    Dublin" (docs/images/major-incident-declare.png, unticked by hand): whenever it comes."""
    outage = [
        arrival(n, client, title, minute, category)
        for n, (minute, client, title, category, _, _) in enumerate(BURST, start=1)
    ]
    for minute in range(-14, len(BURST) + 23):
        dublin = arrival(99, "fabrikam", "Internet circuit down at Dublin", minute, "Network")
        groups = correlate([*outage, dublin])
        assert all(dublin.key not in group.members for group in groups), minute


def test_a_circuit_named_without_a_site_does_not_bring_another_citys_line_into_an_outage() -> None:
    """The carrier's own wording ("Telia circuit … down") names no site: by wording alone
    it joined a line down at Dublin, and its circuit id then merged Dublin into Oslo."""
    for dublin, telia in ((2, 3), (3, 2)):
        arrivals = burst(
            ("northwind", "Internet down at Oslo office", 0),
            ("trey", "No internet in Oslo", 1),
            ("fabrikam", "Internet circuit down at Dublin", dublin),
            ("alpineski", "Telia circuit CID TN-88213 down", telia),
            ("alpineski", "Internet circuit down at Oslo, CID TN-88213", 5),
            ("wideworld", "Leased line Oslo down - carrier fault", 6),  # names it, no "at"
        )
        [group] = correlate(arrivals)
        assert group.members == tuple(IncidentKey("demo", f"D-{n}") for n in (1, 2, 4, 5, 6))


def test_an_on_premises_mail_server_failing_before_a_cloud_mail_outage_stays_out_of_it() -> None:
    """A client's own mail server (on-prem, or named like EXCH01) is not the cloud service
    many clients share, whatever the wording; its own users' calls still join it."""
    arrivals = burst(
        ("litware", "Exchange server down - on-prem", 0, "Email"),
        ("adatum", "EXCH01 not responding - no email", 1, "Email"),
        ("northwind", "Outlook not connecting to Exchange Online", 10, "Email"),
        ("contoso", "Users cannot send email - 503 errors", 11, "Email"),
        ("fabrikam", "Email down for whole office", 12, "Email"),
    )
    [group] = correlate(arrivals)
    assert group.members == tuple(IncidentKey("demo", f"D-{n}") for n in (3, 4, 5))
    own = burst(
        ("litware", "Exchange server down - on-premises", 0, "Email"),
        ("litware", "Email not working for all users", 3, "Email"),
    )
    [group] = correlate(own)
    assert len(group.members) == 2


def test_different_categories_do_not_group_by_wording() -> None:
    arrivals = burst(
        ("northwind", "Server down", 0, "Hosting"),
        ("contoso", "Server down", 2, "Hardware"),
        ("fabrikam", "Server down", 4, "Backup"),
    )
    assert correlate(arrivals) == []


def test_the_groups_do_not_depend_on_the_order_arrivals_are_given_in() -> None:
    arrivals = burst(
        ("northwind", "DNS resolution failing", 0),
        ("contoso", "Websites not loading - DNS failure", 1),
        ("fabrikam", "External DNS resolver unreachable", 2),
        ("adatum", "Internet down at Oslo", 1),
        ("litware", "No internet in Oslo", 1),
    )
    expected = correlate(arrivals)
    shuffled = list(arrivals)
    random.Random(7).shuffle(shuffled)
    assert correlate(shuffled) == expected
    assert [g.label for g in expected] == ["DNS down", "Internet down at Oslo"]


def test_hostile_titles_neither_crash_nor_group() -> None:
    arrivals = burst(
        ("northwind", "", 0),
        ("contoso", "at at at in in @ @", 1),
        ("fabrikam", "x" * 5000, 2),
        ("adatum", "\u202e\u0000<b>down</b> at", 3),
        ("litware", "circuit circuit circuit", 4),
    )
    assert correlate(arrivals) == []


def test_the_window_is_read_from_the_correlation_table() -> None:
    assert parse_config('[correlation]\nwindow = "30m"\n', "noc.toml").correlation.window == (
        timedelta(minutes=30)
    )
    assert parse_config("", "noc.toml").correlation.window == timedelta(minutes=15)


@pytest.mark.parametrize(
    ("value", "problem"),
    [('"soon"', "correlation.window"), ('"0s"', "between 1 minute and 24 hours")],
)
def test_a_bad_window_is_one_clear_error(value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(f"[correlation]\nwindow = {value}\n", "noc.toml")
    assert "noc.toml" in str(error.value)
    assert problem in str(error.value)


def test_the_correlator_answers_again_only_when_the_open_incidents_change() -> None:
    def row(n: int, client: str, title: str) -> BoardRow:
        return board_row(n, client_id=client, title=title, created_at=T + timedelta(minutes=n))

    rows = [row(1, "acme", "Internet down at Oslo"), row(2, "globex", "No internet in Oslo")]
    correlator = Correlator(timedelta(minutes=15))
    first = correlator.groups(rows)
    assert [len(g.members) for g in first] == [2]
    assert correlator.groups(list(rows)) is first
    more = correlator.groups([*rows, row(3, "initech", "Oslo office internet outage")])
    assert [len(g.members) for g in more] == [3]
    assert correlator.groups(rows[:1]) == ()


def test_a_circuit_bridging_two_groups_merges_them_and_keeps_groups_in_order_of_start() -> None:
    arrivals = burst(
        ("northwind", "Internet down at Oslo office", 0),
        ("contoso", "DNS resolution failing", 1),
        ("fabrikam", "Websites not loading - DNS failure", 2),
        ("adatum", "External DNS resolver unreachable", 3),
        ("litware", "Telia circuit CID TN-88213 down", 4),
        ("tailspin", "Internet circuit down at Oslo, CID TN-88213", 5),
    )
    oslo, dns = correlate(arrivals)
    assert [k.external_id for k in oslo.members] == ["D-1", "D-5", "D-6"]
    assert oslo.first_at == T
    assert len(dns.members) == 3


def keys(*numbers: int) -> tuple[IncidentKey, ...]:
    return tuple(IncidentKey("demo", f"D-{n}") for n in numbers)


def test_an_alert_names_words_run_together_and_are_read_as_words() -> None:
    """Alertmanager names its alerts "VeeamJobFailed", "SIPTrunkUnregistered": one word."""
    arrivals = burst(
        ("pinecrest", "[FIRING:1] VeeamJobFailed offsite-copy pinecrest-vbr01", 0, "Backup"),
        ("harbour", "Veeam offsite backup failed", 2, "Backup"),
        ("oakfield", "Backup copy job failed - cloud repository unavailable", 4, "Backup"),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2, 3)


def test_a_site_named_before_hq_or_dc_in_capitals_is_a_site() -> None:
    arrivals = burst(
        ("oakfield", "Internet outage Leeds HQ", 0),
        ("northgate", "No internet at Leeds office", 3),
    )
    [group] = correlate(arrivals)
    assert group.label == "Internet down at Leeds"
    assert len(correlate(burst(("a", "Glasgow DC offline", 0), ("b", "Glasgow DC down", 2)))) == 1


def test_a_power_cut_or_a_whole_site_offline_takes_what_fails_at_that_site_but_not_a_device() -> (
    None
):
    arrivals = burst(
        ("northwind", "UPS on battery at Bergen office", 0, "Power"),
        ("contoso", "Bergen site offline", 2, "Network"),
        ("fabrikam", "Switch stack unreachable at Bergen", 3, "Network"),
        ("adatum", "Internet down at Bergen branch", 4, "Network"),
        ("redwood", "Bergen store - card terminal not connecting", 5, "Network"),
        ("litware", "Printer offline at Bergen office", 6, "Printing"),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2, 3, 4)


def test_one_clients_power_failing_takes_its_switches_and_its_line_its_circuit() -> None:
    power = burst(
        ("pinecrest", "UPS on battery", 0, "Power"),
        ("pinecrest", "All switches unreachable", 2, "Network"),
    )
    [group] = correlate(power)
    assert group.members == keys(1, 2)
    line = burst(("kestrel", "SD-WAN tunnel down", 0), ("kestrel", "No internet", 3))
    [group] = correlate(line)
    assert group.members == keys(1, 2)
    script = burst(
        ("pinecrest", "PowerShell script failing", 0, "Software"),
        ("pinecrest", "All switches unreachable", 2, "Network"),
    )
    assert correlate(script) == []  # an alert's words run together, not any CamelCase


def test_an_internet_line_and_a_circuit_down_at_one_site_are_one_connection() -> None:
    arrivals = burst(
        ("humongous", "Internet down at Stockholm", 0),
        ("litware", "No internet at Stockholm office", 2),
        ("northwind", "MPLS circuit down in Stockholm", 4),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2, 3)


def test_one_cloud_platform_groups_across_categories_and_two_platforms_stay_apart() -> None:
    arrivals = burst(
        ("contoso", "Outlook not connecting to Exchange Online", 0, "Email"),
        ("adatum", "Teams not loading", 1, "Collaboration"),
        ("woodgrove", "SharePoint unavailable - 503", 2, "Collaboration"),
        ("ashford", "Gmail not loading for staff", 3, "Email"),
        ("margie", "Exchange Online mail flow delayed", 4, "Email"),
        ("juniper", "Users unable to log in to Office 365", 5, "Access"),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2, 3, 5, 6)


def test_one_persons_device_or_one_sender_is_not_an_event_across_clients() -> None:
    arrivals = burst(
        ("oakfield", "Phones down - no inbound calls", 0, "Telephony"),
        ("larchmont", "Phones down - can't make outbound calls", 2, "Telephony"),
        ("silverline", "Handset at desk 14 not powering on", 3, "Telephony"),
        ("northgate", "SIP trunk down, phones dead", 5, "Telephony"),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2, 4)
    mail = burst(
        ("ashford", "Email down for all users", 0, "Email"),
        ("millbrook", "Outlook not receiving emails from one sender", 1, "Email"),
        ("nettlefield", "Cannot send email", 2, "Email"),
        ("granite", "Email outage - no mail in or out", 3, "Email"),
    )
    [group] = correlate(mail)
    assert group.members == keys(1, 3, 4)


def test_phishing_reports_group_only_when_they_name_one_lure() -> None:
    """Phishing is reported every day; a campaign names the same sender or brand."""
    everyday = burst(
        ("blueyonder", "Phishing email reported by user", 0, "Security"),
        ("trey", "Suspicious email with invoice link", 2, "Security"),
        ("fourthcoffee", "Phishing: fake DocuSign email", 5, "Security"),
    )
    assert correlate(everyday) == []
    campaign = burst(
        ("larchmont", "Phishing email reported: 'DocuSign - Invoice 4471'", 0, "Security"),
        ("hollybank", "Suspicious DocuSign email received by several staff", 5, "Security"),
        ("brightwater", "User clicked DocuSign link in phishing email", 11, "Security"),
        ("ashford", "Email down for all users", 12, "Security"),
    )
    [group] = correlate(campaign)
    assert group.members == keys(1, 2, 3)
    assert group.label == "Email threat"


def test_wording_alone_across_two_clients_is_chance_however_many_tickets() -> None:
    arrivals = burst(
        ("meridian", "Internet down for the whole office", 0),
        ("meridian", "Internet connection lost", 3),
        ("juniper", "Internet down", 7),
    )
    assert correlate(arrivals) == []


def test_two_calls_about_one_clients_printer_or_wifi_are_grouped() -> None:
    printer = burst(
        ("hollybank", "Printer on 3rd floor jammed and offline", 0, "Printing"),
        ("hollybank", "3rd floor printer not printing", 3, "Printing"),
    )
    [group] = correlate(printer)
    assert group.members == keys(1, 2)
    wifi = burst(
        ("brightwater", "Wi-Fi down in Bergen office", 0),
        ("brightwater", "Wireless not working, APs flashing", 4),
    )
    [group] = correlate(wifi)
    assert group.members == keys(1, 2)


def test_a_vendors_incident_reference_is_one_thing_whatever_the_client() -> None:
    arrivals = burst(
        ("ironbridge", "SharePoint access denied - MS incident MO1045221", 0, "Collaboration"),
        ("pinecrest", "MO1045221 sign-in issue - client informed", 5, "Email"),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2)


def test_a_circuit_named_as_a_circuit_and_bare_is_one_item_within_a_client() -> None:
    arrivals = burst(
        ("cedarvale", "Leased line circuit LL-4471 down", 0),
        ("cedarvale", "High latency on LL-4471", 4),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2)


def test_the_monitoring_category_says_where_an_alert_came_from_not_what_it_is_about() -> None:
    arrivals = burst(
        ("graphicdesign", "Certificate expired on portal.graphicdesign.com", 0, "Monitoring"),
        ("graphicdesign", "Customer portal shows certificate error", 4, "Web"),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2)


def test_an_rmm_outage_is_one_event_across_clients() -> None:
    arrivals = burst(
        ("orchard", "RMM shows all agents offline", 0, "Monitoring"),
        ("larchmont", "N-able: 48 devices offline at once", 3, "Monitoring"),
        ("oakfield", "Monitoring agents disconnected - RMM portal slow", 7, "Monitoring"),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2, 3)
    assert group.label == "RMM down"


def test_a_dns_outage_groups_though_each_ticket_names_other_things_too() -> None:
    """Wording links when half the objects of the shorter title are shared: "DNS
    resolution failing on firewall forwarders" and "Websites not loading - DNS errors"."""
    arrivals = burst(
        ("juniper", "Websites not loading - DNS errors", 0),
        ("bluepeak", "DNS resolution failing on firewall forwarders", 4),
        ("millbrook", "DNS lookups timing out for all users", 8),
    )
    [group] = correlate(arrivals)
    assert group.members == keys(1, 2, 3)


def test_a_groups_label_is_the_same_in_every_process() -> None:
    """Team consoles and walls each correlate for themselves: a tie between what members
    say (each says "down" and "slow") must not be broken by the process's string
    hash seed, or one desk reads "Email down" where the wall reads "Email degraded"."""
    script = (
        "from tests.services.test_correlation import burst\n"
        "from noc_console.services.correlation import correlate\n"
        "arrivals = burst(('acme', 'Email down and slow for all users', 0),"
        " ('acme', 'Email slow, now down', 1))\n"
        "print([g.label for g in correlate(arrivals)])\n"
    )
    root = Path(__file__).parents[2]
    labels = {
        subprocess.run(
            [sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
            check=True, env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(root)},
        ).stdout.strip()
        for seed in range(4)  # seeds 0 and 1 told them apart before
    }  # fmt: skip
    assert len(labels) == 1, labels
    assert labels != {"[]"}  # the burst is a group: the label was compared, not nothing
