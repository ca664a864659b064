"""Each group member carries why it is in the group: its strongest link to another."""

from __future__ import annotations

from noc_console.services.correlation import Reason, correlate, starts_unticked
from noc_console.services.correlation.reasons import DOUBTFUL_HINT, ITEM, WORDS
from tests.services.test_correlation import burst


def reasons(*lines: tuple[str, str, float] | tuple[str, str, float, str]) -> list[str]:
    """The one group's members' reasons, "text" or "text (doubtful)", in member order."""
    [group] = correlate(burst(*lines))
    found = [group.reason_of(key) for key in group.members]
    return [f"{r.text}{' (doubtful)' if r.doubtful else ''}" for r in found if r is not None]


def test_a_shared_circuit_is_the_reason_whatever_else_is_said() -> None:
    assert (
        reasons(
            ("contoso", "Internet circuit down at Oslo, CID TN-88213", 0),
            ("adatum", "Telia circuit CID TN-88213 down", 2),
            ("northwind", "Packet loss on ckt TN-88213", 3),
        )
        == ["same circuit TN-88213"] * 3
    )


def test_one_site_and_kind_of_failure_is_the_reason_and_a_circuit_beats_it() -> None:
    assert reasons(
        ("northwind", "Internet down at Oslo office", 0),
        ("contoso", "No internet in Oslo", 2),
        ("fabrikam", "Oslo site: WAN circuit unreachable", 4),
        ("contoso", "Internet circuit down at Oslo, CID TN-88213", 6),
        ("adatum", "Telia circuit CID TN-88213 down", 7),
    ) == [
        "same site: Oslo (Internet)",
        "same site: Oslo (Internet, circuit)",
        "same site: Oslo (Internet, circuit)",
        "same circuit TN-88213",
        "same circuit TN-88213",
    ]


def test_one_cloud_platform_is_the_reason_and_a_member_joining_by_words_is_doubtful() -> None:
    assert reasons(
        ("northwind", "Teams not loading", 0, "Collaboration"),
        ("contoso", "Outlook cannot connect to Office 365", 2, "Email"),
        ("fabrikam", "Users unable to log in to Office 365", 4, "Access"),
        ("adatum", "Email not sending", 6, "Email"),
    ) == ["same platform: Microsoft 365"] * 3 + ["same words (doubtful)"]


def test_words_alone_are_doubtful_across_clients_but_not_between_one_clients_calls() -> None:
    assert (
        reasons(
            ("northwind", "Email down", 0),
            ("contoso", "Email not working", 2),
            ("fabrikam", "Cannot send email", 4),
            ("fabrikam", "Email down for the office", 5),
        )
        == ["same words (doubtful)"] * 2 + ["same words"] * 2
    )
    assert DOUBTFUL_HINT.startswith("same words only")


def test_only_a_stray_beside_firmer_evidence_starts_unticked() -> None:
    """Measured on the corpora (issue 21's note): unticking every member held by wording
    alone dropped most right pairs for almost no precision; a wording-only member beside
    a shared circuit, site or platform is the stray worth a second look."""
    words, circuit = Reason(WORDS, "same words", True), Reason(ITEM, "same circuit X-1", True)
    one_clients_words = Reason(WORDS, "same words", False)
    assert starts_unticked([words, words, words]) == [False, False, False]
    assert starts_unticked([circuit, circuit, words]) == [False, False, True]
    assert starts_unticked([circuit, one_clients_words]) == [False, False]
    assert starts_unticked([]) == []
