"""`[[connectors]]` for real PSAs: per-type fields, mapping overrides, clear errors."""

from dataclasses import replace
from pathlib import Path

import pytest

from noc_console.connectors.request_tracker.connector import DEFAULT_MAPPING
from noc_console.models.errors import ConfigError
from noc_console.models.incident import Priority, Status, Tier
from noc_console.services.config import load_config

RT = """
allow_plaintext_secrets = false
[[connectors]]
name = "rt-prod"
type = "rt"
label = "RT — Contoso MSP"
base_url = "https://rt.contoso.example/REST/2.0"
auth = "basic"
username = "noc-bot"
secret = "rt-prod-password"
timezone = "Europe/London"
requests_per_minute = 120
[connectors.mapping]
default_tier = "L2"
[connectors.mapping.status]
escalated = "in_progress"
[connectors.mapping.client]
"Acme Support" = "acme"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_rt_connector_is_read_with_its_mapping(tmp_path: Path) -> None:
    (rt,) = load_config(write(tmp_path, RT)).connectors
    assert (rt.type, rt.settings.auth, rt.settings.username, rt.secret_name) == (
        "rt", "basic", "noc-bot", "rt-prod-password")  # fmt: skip
    mapping = DEFAULT_MAPPING.overridden(rt.mapping)
    assert mapping.status_of("escalated") is Status.IN_PROGRESS
    assert mapping.status_of("stalled") is Status.WAITING_CUSTOMER  # defaults kept
    assert mapping.client_of("Acme Support") == "acme"
    assert mapping.tier_of("Acme Support") is Tier.L2


def test_an_empty_value_takes_a_default_out_of_the_mapping(tmp_path: Path) -> None:
    text = (
        RT.replace('escalated = "in_progress"', 'stalled = ""')
        + """\
[connectors.mapping.status_out]
acknowledged = ""
[connectors.mapping.tier]
"NOC L2" = "L2"
"""
    )
    (rt,) = load_config(write(tmp_path, text)).connectors
    mapping = DEFAULT_MAPPING.overridden(rt.mapping)
    assert "stalled" not in mapping.status
    assert Status.ACKNOWLEDGED not in mapping.status_out
    assert mapping.tier_of("NOC L2") is Tier.L2
    assert mapping.names_for("tier", Tier.L2) == ["NOC L2"]


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (('base_url = "https://rt.contoso.example/REST/2.0"', 'base_url = "rt.contoso"'),
         "connectors[0].base_url", "must be an http(s) URL"),
        (('auth = "basic"', 'auth = "kerberos"'), "connectors[0].auth", "use token or basic"),
        (('username = "noc-bot"\n', ""), "connectors[0].username", "required with auth = basic"),
        (('"Europe/London"', '"Mars/Olympus"'), "connectors[0].timezone", "not an IANA time zone"),
        (('escalated = "in_progress"', 'escalated = "on_fire"'),
         "connectors[0].mapping.status.escalated", "use one of new, acknowledged"),
        (('default_tier = "L2"', 'default_tier = "L9"'),
         "connectors[0].mapping.default_tier", "use one of L1"),
        (("[connectors.mapping.client]", "[connectors.mapping.clients]"),
         "connectors[0].mapping.clients", "unknown key"),
        (("allow_plaintext_secrets = false", "allow_plaintext_secrets = 1"),
         "allow_plaintext_secrets", "must be bool"),
        (("requests_per_minute = 120", "page_size = 250"),
         "connectors[0].page_size", "must be 1 to 100 (rt's maximum), or 0"),
        (('base_url = "https://rt.contoso.example/REST/2.0"\n', ""),
         "connectors[0].base_url", "is required for type 'rt'"),
    ],
)  # fmt: skip
def test_mistakes_name_their_key(
    tmp_path: Path, change: tuple[str, str], key: str, problem: str
) -> None:
    old, new = change
    assert old in RT
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, RT.replace(old, new, 1)))
    assert error.value.key == key
    assert problem in error.value.problem
    assert str(tmp_path / "config.toml") in str(error.value)


def test_numeric_priorities_map_by_threshold_and_back() -> None:
    m = DEFAULT_MAPPING
    assert [m.priority_of(v) for v in ("0", "49", "50", "74", "75", "99", "100", "250")] == [
        Priority.P4, Priority.P4, Priority.P3, Priority.P3, Priority.P2, Priority.P2,
        Priority.P1, Priority.P1,
    ]  # fmt: skip
    for priority in Priority:
        assert m.priority_of(m.priority_for(priority)) is priority
    assert m.status_for(Status.ACKNOWLEDGED) == "open"
    assert m.status_of(m.status_for(Status.WAITING_CUSTOMER)) is Status.WAITING_CUSTOMER


def test_page_size_defaults_to_each_vendors_largest_page(tmp_path: Path) -> None:
    (rt,) = load_config(write(tmp_path, RT)).connectors
    assert rt.settings.page_size == 0
    assert rt.pages_of == 100
    for vendor, largest in (("connectwise", 1000), ("autotask", 500), ("halo", 100)):
        assert replace(rt, type=vendor).pages_of == largest
    assert replace(rt, type="connectwise", settings=replace(rt.settings, page_size=25)
                   ).pages_of == 25  # fmt: skip
