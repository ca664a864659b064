"""Config files of older schema versions are upgraded as they are read and when the
console writes them; newer ones are refused (services/config_migrations.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from noc_console.models.errors import ConfigError
from noc_console.services.config import load_config
from noc_console.services.config_migrations import SCHEMA_VERSION
from noc_console.services.sources.config import new_connector
from noc_console.services.sources.config_writer import save_connectors

LEGAL = """\
[sla.contracts.Legal]
calendar = "office-utc"
P1 = { response = "15m", resolution = "4h" }
P2 = { response = "1h", resolution = "1d" }
P3 = { response = "4h", resolution = "3d" }
P4 = { response = "1d", resolution = "5d" }
"""

#: A user's file as version 1 wrote it: clients' terms in a top-level [clients] table.
VERSION_1 = f"""\
# Contoso NOC: kept by hand
schema_version = 1
theme = "light"

{LEGAL}
[wall]
rows_per_page = 8

# the law firm is on its own contract
[clients.contoso-legal]
contract = "Legal"   # since 2025

[clients.fabrikam]
calendar = "24x7"
"""

#: The same settings in today's format.
VERSION_2 = f"""\
schema_version = 2
theme = "light"

{LEGAL}
[sla.clients.contoso-legal]
contract = "Legal"

[sla.clients.fabrikam]
calendar = "24x7"

[wall]
rows_per_page = 8
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_version_1_file_loads_to_the_same_settings_as_its_version_2_form(
    tmp_path: Path,
) -> None:
    old = load_config(write(tmp_path, "old.toml", VERSION_1))
    new = load_config(write(tmp_path, "new.toml", VERSION_2))
    assert old.schema_version == new.schema_version == SCHEMA_VERSION
    assert old.sla.policy.clients == new.sla.policy.clients
    assert old.sla.policy.terms("contoso-legal", "Gold").contract.name == "Legal"
    assert old.sla.policy.terms("fabrikam", "Gold").calendar.name == "24x7"
    assert old.sla == new.sla
    assert (old.theme, old.wall) == (new.theme, new.wall)


def test_loading_does_not_rewrite_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "config.toml", VERSION_1)
    load_config(path)
    assert path.read_text(encoding="utf-8") == VERSION_1


def test_a_file_without_a_version_is_version_1(tmp_path: Path) -> None:
    text = VERSION_1.replace("schema_version = 1\n", "")
    config = load_config(write(tmp_path, "config.toml", text))
    assert config.sla.policy.terms("contoso-legal", "Gold").contract.name == "Legal"


def test_an_error_in_a_version_1_file_names_the_key_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, "config.toml", VERSION_1.replace('"Legal"   #', '"Platinum"   #'))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "clients.contoso-legal.contract"
    assert "no contract named 'Platinum'" in caught.value.problem


def test_a_version_2_file_with_the_old_table_says_where_it_went(tmp_path: Path) -> None:
    path = write(tmp_path, "config.toml", "schema_version = 2\n[clients.acme]\ncontract = 'Gold'\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "clients"
    assert "is sla.clients since schema version 2" in caught.value.problem


def test_the_same_clients_in_both_places_is_refused(tmp_path: Path) -> None:
    text = "[clients.acme]\ncontract = 'Gold'\n[sla.clients.acme]\ncontract = 'Gold'\n"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "config.toml", text))
    assert caught.value.key == "clients"
    assert "also written as sla.clients" in caught.value.problem


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ("3", "is 3, newer than this noc-console knows; this version reads 1 to 2: upgrade"),
        ("0", "is 0; must be a whole number from 1 to 2"),
        ('"2"', "must be a whole number from 1 to 2, not '2'"),
        ("true", "must be a whole number from 1 to 2, not True"),
    ],
)
def test_a_version_it_cannot_read_is_one_clear_line(
    tmp_path: Path, version: str, problem: str
) -> None:
    path = write(tmp_path, "config.toml", f"schema_version = {version}\ntheme = 'light'\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (caught.value.path, caught.value.key) == (str(path), "schema_version")
    assert caught.value.problem.startswith(problem)
    assert "\n" not in str(caught.value)


def test_saving_connectors_writes_the_current_version_and_keeps_comments(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "config.toml", VERSION_1)
    before = load_config(path)
    saved = save_connectors(path, [new_connector("sim", "demo", seed=3)])
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["schema_version"] == SCHEMA_VERSION
    assert "clients" not in data
    assert set(data["sla"]["clients"]) == {"contoso-legal", "fabrikam"}
    for kept in ("# Contoso NOC: kept by hand", "# the law firm is on its own contract",
                 'contract = "Legal"   # since 2025', "rows_per_page = 8"):  # fmt: skip
        assert kept in text
    after = load_config(path)
    assert after.sla == before.sla
    assert (after.wall, after.theme) == (before.wall, before.theme)
    assert saved.connectors == after.connectors == (new_connector("sim", "demo", seed=3),)


def test_saving_a_file_whose_sla_tables_are_out_of_order_moves_the_clients_too(
    tmp_path: Path,
) -> None:
    text = (
        "[sla]\nwarning_at = 0.6\n[clients.acme]\ncalendar = '24x7'\n"
        "[sla.calendars.night]\ntimezone = 'UTC'\nhours = { everyday = '00:00-24:00' }\n"
    )
    path = write(tmp_path, "config.toml", text)
    before = load_config(path)
    save_connectors(path, [])
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["sla"]["clients"] == {"acme": {"calendar": "24x7"}}
    after = load_config(path).sla.policy  # (calendars compare by identity: names and terms)
    assert after.clients == before.sla.policy.clients
    assert after.thresholds == before.sla.policy.thresholds
    assert after.calendars.keys() == before.sla.policy.calendars.keys()


def test_saving_refuses_a_file_newer_than_it_knows_and_leaves_it_alone(tmp_path: Path) -> None:
    text = "schema_version = 3\n[future]\nkey = 1\n"
    path = write(tmp_path, "config.toml", text)
    with pytest.raises(ConfigError, match="schema_version: is 3, newer"):
        save_connectors(path, [])
    assert path.read_text(encoding="utf-8") == text
