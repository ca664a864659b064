"""The mapping lines of `connectors test` (connectors/mapping/check.py) from what a
tenant has and what its open tickets carry — the same for every vendor — and the
mapping lines it suggests, pasted into a real config file and read back."""

from __future__ import annotations

from pathlib import Path

from noc_console.connectors.base import Check
from noc_console.connectors.mapping.check import OpenUse, Tenant, TenantStatus, check_mapping
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.mapping.lines import as_toml
from noc_console.models.incident import Priority, Status, Tier
from noc_console.services.config import load_config

MAPPING = FieldMapping(
    status={"New": Status.NEW, "In Progress": Status.IN_PROGRESS, "Acknowledged":
            Status.ACKNOWLEDGED, "Waiting Customer": Status.WAITING_CUSTOMER,
            "Resolved": Status.RESOLVED, "Closed": Status.CLOSED},
    priority={"Critical": Priority.P1, "High": Priority.P2, "Medium": Priority.P3,
              "Low": Priority.P4},
    tier={"Service Desk": Tier.L1, "Tier 2": Tier.L2, "Tier 3": Tier.L3,
          "Engineering": Tier.ENG},
)  # fmt: skip
STATUSES = ["New", "Acknowledged", "In Progress", "Waiting Customer", "Resolved", "Closed"]
PRIORITIES = ["Critical", "High", "Medium", "Low"]
BOARDS = ["Service Desk", "Tier 2", "Tier 3", "Engineering"]


def tenant(statuses: list[str] = STATUSES, priorities: list[str] = PRIORITIES,
           tiers: list[str] = BOARDS) -> Tenant:  # fmt: skip
    return Tenant({"": [TenantStatus(s) for s in statuses]}, priorities, tiers, "queue")


def checked(mapping: FieldMapping, found: Tenant, used: OpenUse | None = None
            ) -> dict[str, Check]:  # fmt: skip
    return {c.step: c for c in check_mapping(mapping, found, used or OpenUse())}


def test_a_tenant_that_fits_its_mapping_passes_every_line() -> None:
    used = OpenUse()
    used.add("New", "High", "Tier 2")
    checks = checked(MAPPING, tenant(), used)
    assert list(checks) == ["statuses", "status targets", "priorities", "priority targets",
                            "tiers", "escalation"]  # fmt: skip
    assert all(c.ok is True for c in checks.values()), checks
    assert not [s for c in checks.values() for s in c.suggestions]


def test_unmapped_statuses_are_failures_counted_on_open_tickets_with_suggestions() -> None:
    used = OpenUse()
    for _ in range(44):
        used.add("Waiting on Vendor", "High", "Service Desk")
    used.add("Triage", "High", "Service Desk")
    checks = checked(MAPPING, tenant([*STATUSES, "Waiting on Vendor", "Parked"]), used)
    statuses = checks["statuses"]
    assert statuses.ok is False
    assert ("not mapped, so their tickets are skipped: 'Waiting on Vendor' (44 open tickets), "
            "'Triage' (1 open ticket), 'Parked' (no open ticket)") in statuses.detail  # fmt: skip
    assert as_toml(statuses.suggestions) == [
        "[connectors.mapping.status]",
        '"Waiting on Vendor" = "waiting_vendor"',
        '# "Triage" = "?"   (unsure: one of new, acknowledged, in_progress, waiting_customer, '
        "waiting_vendor, resolved, closed)",
        '# "Parked" = "?"   (unsure: one of new, acknowledged, in_progress, waiting_customer, '
        "waiting_vendor, resolved, closed)",
    ]


def test_closed_statuses_of_the_tenant_need_no_mapping() -> None:
    board = [TenantStatus("New"), TenantStatus("Done and dusted", closed=True)]
    found = Tenant({"Projects": board}, PRIORITIES, BOARDS, "board", "board")
    assert checked(MAPPING, found)["statuses"].ok is True


def test_an_open_ticket_in_a_queue_no_tier_maps_is_said_to_show_as_the_default_tier() -> None:
    used = OpenUse()
    for queue in ["Client Portal"] * 8 + ["Monitoring Alert"] * 3 + ["Network Ops"]:
        used.add("New", "High", queue)
    tiers = checked(MAPPING, tenant(tiers=[*BOARDS, "Client Portal", "Network Ops"]), used)
    line = tiers["tiers"]
    assert line.ok is None  # the test cannot know whether L1 is meant
    assert ("open tickets in queues no tier is mapped from show as L1 "
            "(mapping.default_tier): 'Client Portal' (8 open tickets), 'Monitoring Alert' "
            "(3 open tickets), 'Network Ops' (1 open ticket)") in line.detail  # fmt: skip
    assert as_toml(line.suggestions) == [
        "[connectors.mapping.tier]",
        '"Client Portal" = "L1"',
        '"Monitoring Alert" = "L1"',
        '# "Network Ops" = "?"   (unsure: one of L1, L2, L3, ENG)',
    ]


def test_escalation_fails_for_a_tier_whose_mapped_names_the_tenant_lacks() -> None:
    found = tenant(tiers=["Service Desk", "NOC L2", "Level III", "Projects"])
    line = checked(MAPPING, found)["escalation"]
    assert line.ok is False
    assert ("no queue of this tenant for L2 (mapped to it: 'Tier 2'); L3 (mapped to it: "
            "'Tier 3'); ENG (mapped to it: 'Engineering') — escalating there fails"
            ) in line.detail  # fmt: skip
    assert as_toml(line.suggestions) == [
        "[connectors.mapping.tier]", '"NOC L2" = "L2"', '"Level III" = "L3"',
        '"Projects" = "ENG"']  # fmt: skip
    no_eng = checked(MAPPING, tenant(tiers=["Service Desk", "Tier 2", "Tier 3"]))["escalation"]
    assert as_toml(no_eng.suggestions) == [
        "[connectors.mapping.tier]",
        '# "<queue>" = "ENG"   (no queue of this tenant looks like ENG)']  # fmt: skip


def test_a_tenant_wide_status_target_is_fixed_with_status_out() -> None:
    mapping = MAPPING.overridden({"status_out": {Status.RESOLVED: "Complete"}})
    line = checked(mapping, tenant([*STATUSES[:4], "Done", "Closed"]))["status targets"]
    assert line.ok is False
    assert "no status to write for resolved (tried 'Complete') — that action fails" in (line.detail)
    assert as_toml(line.suggestions) == ["[connectors.mapping.status_out]", 'resolved = "Done"']


def test_per_board_targets_try_every_name_the_connector_would_and_name_the_board() -> None:
    fallbacks = {Status.ACKNOWLEDGED: ["Acknowledged", "In Progress"],
                 Status.WAITING_CUSTOMER: ["Waiting Customer"],
                 Status.RESOLVED: ["Resolved", "Closed"]}  # fmt: skip
    boards = {
        "Service Desk": [TenantStatus(s) for s in STATUSES],
        "Network Ops": [
            TenantStatus("Dispatched"),
            TenantStatus("Waiting Customer"),
            TenantStatus("Closed", closed=True),
        ],
    }
    found = Tenant(boards, PRIORITIES, BOARDS, "board", "board")
    used = OpenUse()
    used.add("Dispatched", "High", "Network Ops", scope="Network Ops")
    checks = {c.step: c for c in check_mapping(MAPPING, found, used, fallbacks.__getitem__)}
    assert "'Dispatched' (1 open ticket, board 'Network Ops')" in checks["statuses"].detail
    targets = checks["status targets"]
    assert targets.ok is False  # resolve finds "Closed" on Network Ops: only acknowledge fails
    assert targets.detail == (
        "no status to write for acknowledged on board 'Network Ops' "
        "(tried 'Acknowledged', 'In Progress') — that action fails"
    )
    assert as_toml(targets.suggestions) == [
        "[connectors.mapping.status]", '"Dispatched" = "in_progress"']  # fmt: skip


def test_priority_targets_name_the_priority_that_would_be_written() -> None:
    line = checked(MAPPING, tenant(priorities=["Critical", "High", "Medium", "P4 - Planned"]))
    assert line["priorities"].ok is False  # "P4 - Planned" is not mapped: skipped when read
    targets = line["priority targets"]
    assert targets.ok is False
    assert "no priority to write for P4 ('Low') — setting that priority fails" in targets.detail
    assert as_toml(targets.suggestions) == [
        "[connectors.mapping.priority]", '"P4 - Planned" = "P4"']  # fmt: skip


def test_unlisted_ids_are_named_without_a_suggestion() -> None:
    used = OpenUse()
    used.add(None, "High", "Service Desk")
    used.unknown("status", 99)
    (first, *_) = check_mapping(MAPPING, tenant(), used)
    assert (first.step, first.ok, first.suggestions) == ("unknown ids", False, ())
    assert "status id 99 (1 open ticket)" in first.detail


def test_lists_a_vendor_cannot_give_are_not_checked() -> None:
    used = OpenUse()
    used.add("stalled", "-5")
    steps = {c.step: c for c in check_mapping(FieldMapping(status={"stalled": Status.NEW},
                                                          priority={"0": Priority.P4}),
                                              Tenant(None, None, None), used)}  # fmt: skip
    assert list(steps) == ["statuses", "priorities"]
    assert steps["statuses"].ok is True
    assert steps["priorities"].ok is False  # below every numeric level
    assert "'-5' (1 open ticket)" in steps["priorities"].detail


def test_the_suggested_lines_pasted_into_the_config_fix_what_they_name(tmp_path: Path) -> None:
    used = OpenUse()
    used.add("Waiting on Vendor", "P4 - Planned", "Client Portal")
    found = tenant([*STATUSES, "Waiting on Vendor"], ["Critical", "High", "Medium",
                   "P4 - Planned"], ["Service Desk", "NOC L2", "Tier 3", "Engineering",
                   "Client Portal"])  # fmt: skip
    before = check_mapping(MAPPING, found, used)
    lines = as_toml(s for c in before for s in c.suggestions)
    config = tmp_path / "config.toml"
    config.write_text('[[connectors]]\nname = "x"\ntype = "demo"\n' + "\n".join(lines) + "\n",
                      encoding="utf-8")  # fmt: skip
    (connector,) = load_config(config).connectors
    after = {c.step: c for c in check_mapping(MAPPING.overridden(connector.mapping), found, used)}
    for step in ("statuses", "priorities", "tiers", "escalation"):
        assert after[step].ok is True, after[step]
    assert connector.mapping["tier"]["NOC L2"] is Tier.L2
