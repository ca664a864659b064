"""Hostile configuration values and files: each gives one `ConfigError` naming the file,
the key and the problem (with what is allowed) — never a traceback, a hang, or a value
the console then runs with (issue 14 item 18, issue 15 item 8)."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from noc_console.connectors.demo.declaration import DemoSettings
from noc_console.models.errors import ConfigError
from noc_console.services.config import Config, load_config
from noc_console.services.sources.config import ConnectorConfig
from noc_console.services.sources.config_writer import save_connectors

DEMO = '[[connectors]]\nname = "sim"\ntype = "demo"\n'
REST = '[[connectors]]\nname = "gw"\ntype = "rest_json"\nbase_url = "https://gw.example.net/api"\n'
#: A type that pages by size (rest_json's API chooses its own pages: no page_size).
CW = (
    '[[connectors]]\nname = "cw"\ntype = "connectwise"\nbase_url = "https://cw.example.net"\n'
    'company = "contoso"\npublic_key = "pub"\nclient_id = "cid"\n'
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"{path}: {caught.value.key}: ")
    return caught.value


def refused_at(tmp_path: Path, text: str, key: str, problem: str) -> None:
    """`text` as a config file is refused at `key`, with `problem` in the message."""
    error = refused(write(tmp_path, text))
    assert error.key == key
    assert problem in error.problem


# (config text, key named, words of the problem)
RANGES = [
    ("sync_interval_s = nan", "sync_interval_s", "from 1 to 86400"),
    ("sync_interval_s = inf", "sync_interval_s", "from 1 to 86400"),
    ("sync_interval_s = -inf", "sync_interval_s", "from 1 to 86400"),
    ("sync_interval_s = 1e308", "sync_interval_s", "from 1 to 86400"),
    ("sync_interval_s = -5", "sync_interval_s", "is -5"),
    ("sync_interval_s = 0", "sync_interval_s", "is 0"),
    ("sync_interval_s = 0.001", "sync_interval_s", "from 1 to 86400"),
    (DEMO + "speed = 0", "connectors[0].speed", "is 0"),
    (DEMO + "speed = -1", "connectors[0].speed", "is -1"),
    (DEMO + "speed = nan", "connectors[0].speed", "is nan"),
    (DEMO + "speed = inf", "connectors[0].speed", "is inf"),
    (REST + "timeout_s = 0", "connectors[0].timeout_s", "from 0.5 to 600"),
    (REST + "timeout_s = -1", "connectors[0].timeout_s", "from 0.5 to 600"),
    (REST + "timeout_s = 1e300", "connectors[0].timeout_s", "from 0.5 to 600"),
    (REST + "timeout_s = nan", "connectors[0].timeout_s", "from 0.5 to 600"),
    (REST + "requests_per_minute = 1e-9", "connectors[0].requests_per_minute",
     "or 0 (the vendor's default)"),
    (REST + "requests_per_minute = -1", "connectors[0].requests_per_minute", "from 1 to"),
    (REST + "requests_per_minute = inf", "connectors[0].requests_per_minute", "from 1 to"),
    (REST + "requests_per_minute = nan", "connectors[0].requests_per_minute", "from 1 to"),
    (CW + "page_size = -1", "connectors[0].page_size", "or 0 (the vendor's maximum)"),
    (CW + "page_size = 9223372036854775807", "connectors[0].page_size", "from 1 to 1000"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "key", "problem"), RANGES)
def test_numbers_out_of_their_declared_range_are_refused(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    refused_at(tmp_path, text, key, problem)


def test_the_edges_of_each_range_and_zero_where_it_means_a_default_are_accepted(
    tmp_path: Path,
) -> None:
    config = load_config(
        write(
            tmp_path,
            "sync_interval_s = 1\n" + CW + "timeout_s = 600\nrequests_per_minute = 0\n"
            "page_size = 0\n" + DEMO.replace('"sim"', '"sim2"') + "speed = 0.1\n",
        )
    )
    assert config.sync_interval_s == 1
    cw, demo = config.connectors
    assert (cw.settings.timeout_s, cw.settings.requests_per_minute, cw.settings.page_size) == (
        600, 0, 0)  # fmt: skip
    assert demo.settings.speed == 0.1


def rest_with(line: str) -> str:
    """The rest_json connector with `line` added, or replacing its base_url."""
    if line.startswith("base_url"):
        return REST.replace('base_url = "https://gw.example.net/api"', line)
    return REST + line + "\n"


TEXTS = [
    (rest_with('base_url = "http://"'), "connectors[0].base_url", "has no host"),
    (rest_with('base_url = "https://"'), "connectors[0].base_url", "has no host"),
    (rest_with('base_url = "https://gw.example.net:99999/api"'), "connectors[0].base_url",
     "port"),
    (rest_with('base_url = "https://gw.example.net:0/api"'), "connectors[0].base_url", "port"),
    (rest_with('base_url = "https://gw.example.net:http/api"'), "connectors[0].base_url",
     "port"),
    (rest_with('base_url = "https://gw example.net/api"'), "connectors[0].base_url",
     "spaces or control characters"),
    (rest_with('base_url = "https://gw.example.net/api\\n"'), "connectors[0].base_url",
     "spaces or control characters"),
    (rest_with('base_url = "ftp://gw.example.net/api"'), "connectors[0].base_url",
     "http(s) URL"),
    (rest_with('base_url = "file:///etc/passwd"'), "connectors[0].base_url", "http(s) URL"),
    (rest_with('base_url = "https://noc:hunter2@gw.example.net/api"'),
     "connectors[0].base_url", "keyring"),
    (rest_with('base_url = "https://gw.exa<mple.net/api"'), "connectors[0].base_url",
     "is not a host name"),
    (rest_with('base_url = "https://[::1/api"'), "connectors[0].base_url",
     "is not a valid URL"),
    (rest_with('ca_bundle = "/nonexistent/private-ca.pem"'), "connectors[0].ca_bundle",
     "does not exist"),
    ('[[connectors]]\nname = ""\ntype = "demo"\n', "connectors[0].name", "must not be empty"),
    ('[[connectors]]\nname = "   "\ntype = "demo"\n', "connectors[0].name",
     "must not be empty"),
    ('[[connectors]]\nname = "rt:prod"\ntype = "demo"\n', "connectors[0].name", "':'"),
    ('[[connectors]]\nname = " rt"\ntype = "demo"\n', "connectors[0].name",
     "spaces at either end"),
    ('[[connectors]]\nname = "rt\\nprod"\ntype = "demo"\n', "connectors[0].name",
     "control characters"),
    (f'[[connectors]]\nname = "{"r" * 65}"\ntype = "demo"\n', "connectors[0].name",
     "at most 64"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "key", "problem"), TEXTS)
def test_urls_files_and_names_that_cannot_work_are_refused(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    refused_at(tmp_path, text, key, problem)


def test_a_ca_bundle_must_be_a_readable_file(tmp_path: Path) -> None:
    error = refused(write(tmp_path, rest_with(f'ca_bundle = "{tmp_path}"')))
    assert error.key == "connectors[0].ca_bundle"
    assert "is not a file" in error.problem
    pem = tmp_path / "ca.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    (rest,) = load_config(write(tmp_path, rest_with(f'ca_bundle = "{pem}"'))).connectors
    assert rest.settings.ca_bundle == str(pem)


def test_sane_urls_and_names_are_accepted(tmp_path: Path) -> None:
    text = "".join(
        rest_with(f'base_url = "{url}"').replace('"gw"', f'"{name}"')
        for name, url in (
            ("gw", "https://gw.example.net:8443/api"),
            ("gw-2", "http://127.0.0.1:8080"),
            ("gw v6", "https://[::1]:9000/api"),
            ("Zürich RT", "https://rt.zürich.example/REST/2.0"),
        )
    )
    names = [c.name for c in load_config(write(tmp_path, text)).connectors]
    assert names == ["gw", "gw-2", "gw v6", "Zürich RT"]


OTHER_SECTIONS = [
    ("[wall]\npage_interval_s = nan", "wall.page_interval_s", "from 3 to 3600"),
    ("[wall]\nstale_after_s = inf", "wall.stale_after_s", "from 5 to 86400"),
    ("[wall]\npixel_shift_px = -4", "wall.pixel_shift_px", "from 0 to 40"),
    ("[sla]\nwarning_at = nan", "sla.warning_at", "from 0.01 to 1"),
    ("[sla]\ncritical_at = -inf", "sla.critical_at", "from 0.01 to 1"),
    ("[sla.calendars.noc]\ntimezone = 5", "sla.calendars.noc.timezone", "must be a string"),
    ("[major_incident]\nimpact = 1.5", "major_incident.impact", "whole number from 1 to 3"),
    ("[major_incident]\nimpact = nan", "major_incident.impact", "from 1 to 3"),
    ('[major_incident]\nopen_for = "99999999999d"', "major_incident.open_for",
     "at most 366 days"),
    ('[escalation]\nP1 = { L2 = "9999999999999999999999d" }', "escalation.P1.L2",
     "at most 366 days"),
    ('[sla.contracts.Huge]\nP1 = { response = "1h", resolution = "500000d" }\n'
     'P2 = { response = "1h", resolution = "1d" }\nP3 = { response = "1h", resolution = "1d" }\n'
     'P4 = { response = "1h", resolution = "1d" }', "sla.contracts.Huge.P1.resolution",
     "at most 366 days"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "key", "problem"), OTHER_SECTIONS)
def test_the_sla_wall_and_major_incident_tables_refuse_the_same_numbers(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    refused_at(tmp_path, text, key, problem)


MISPLACED = [
    (DEMO + "[connectors.mapping.tier]\nQueue = \"L2\"\nallow_plaintext_secrets = true\n",
     "connectors[0].mapping.tier.allow_plaintext_secrets"),
    (DEMO + "allow_plaintext_secrets = true\n", "connectors[0].allow_plaintext_secrets"),
    (DEMO + "[connectors.mapping]\nsync_interval_s = 10\n",
     "connectors[0].mapping.sync_interval_s"),
    ("[wall]\nrows_per_page = 8\ntheme = \"light\"\n", "wall.theme"),
    ("[handover]\ntimezone = \"UTC\"\nschema_version = 1\n", "handover.schema_version"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "key"), MISPLACED)
def test_a_top_level_key_written_inside_a_table_says_where_it_belongs(
    tmp_path: Path, text: str, key: str
) -> None:
    refused_at(tmp_path, text, key, "this key belongs at the top of the file, before any [table]")


# ------------------------------------------------------------------ the file itself
def finishes(action: Callable[[], object], seconds: float = 20) -> object:
    """Runs `action` in a thread and fails (instead of hanging the suite) if it does not
    return; what it returned or raised comes back."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as exc:  # handed back to the test, whatever it is
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still running after {seconds} s"
    return outcome[0]


def test_dev_zero_is_refused_without_reading_it() -> None:
    error = finishes(lambda: load_config(Path("/dev/zero")))
    assert isinstance(error, ConfigError)
    assert (error.path, error.key) == ("/dev/zero", "(file)")
    assert "not a regular file" in error.problem


def test_a_fifo_nobody_writes_to_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    error = finishes(lambda: load_config(fifo))
    assert isinstance(error, ConfigError)
    assert "not a regular file" in error.problem


def test_a_file_over_one_mebibyte_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# padding\n" * 110_000 + "theme = 'light'\n", encoding="utf-8")
    error = refused(path)
    assert error.key == "(file)"
    assert "larger than 1 MiB" in error.problem


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe\x00garbage\x9c" * 100, "not UTF-8"),
        (b"theme = 'light'\x00\n", "not valid TOML"),
        (b"a = " + b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"a = " + b"{b = " * 5_000 + b"1" + b"}" * 5_000, "nested too deeply"),
    ],
)
def test_garbage_is_one_clear_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    error = refused(path)
    assert error.key == "(file)"
    assert problem in error.problem


def test_a_folder_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path)
    assert "not a regular file" in error.problem


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    line = "# " + "x" * 1021 + "\n"  # 1 KiB
    path = tmp_path / "config.toml"
    path.write_text(line * 1023 + "theme = 'light'\n", encoding="utf-8")
    assert path.stat().st_size <= 1024 * 1024
    assert load_config(path) == Config(theme="light", path=str(path))


# ------------------------------------------------------------------ saving through a link
def saved_through(link: Path, target: Path) -> None:
    save_connectors(link, [ConnectorConfig(name="sim", type="demo", settings=DemoSettings(seed=3))])
    assert link.is_symlink()
    assert load_config(target).connectors[0].settings.seed == 3
    assert "# kept" in target.read_text(encoding="utf-8")


def test_saving_a_symlinked_config_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "noc.toml"
    target.write_text("# kept\ntheme = 'light'\n", encoding="utf-8")
    target.chmod(0o640)
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    link = config_dir / "config.toml"
    link.symlink_to(Path("..") / "dotfiles" / "noc.toml")  # relative, as dotfile tools do
    saved_through(link, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in config_dir.iterdir()) == ["config.toml"]
    assert sorted(p.name for p in dotfiles.iterdir()) == ["noc.toml"]  # no temp left


def test_a_chain_of_links_is_followed_to_the_file(tmp_path: Path) -> None:
    target = tmp_path / "real.toml"
    target.write_text("# kept\n", encoding="utf-8")
    middle = tmp_path / "middle.toml"
    middle.symlink_to(target)
    link = tmp_path / "config.toml"
    link.symlink_to(middle)
    saved_through(link, target)
    assert middle.is_symlink()


def test_a_link_loop_is_one_clear_error(tmp_path: Path) -> None:
    link = tmp_path / "config.toml"
    other = tmp_path / "other.toml"
    link.symlink_to(other)
    other.symlink_to(link)
    with pytest.raises(ConfigError) as caught:
        save_connectors(link, [ConnectorConfig(name="sim", type="demo", settings=DemoSettings())])
    assert caught.value.path == str(link)
    assert caught.value.key == "(file)"
    assert link.is_symlink()
    assert other.is_symlink()


def test_saving_over_dev_zero_refuses_without_reading_it() -> None:
    error = finishes(lambda: save_connectors(Path("/dev/zero"), []))
    assert isinstance(error, ConfigError)
    assert "not a regular file" in error.problem
