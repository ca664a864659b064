"""Hostile configuration and secrets files meet the real command line: one line on
stderr naming what to fix, a non-zero exit, no traceback, no hang, nothing overwritten
(issue 14 items 18 and 19, issue 15 item 8)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console, one_error_line

pytestmark = pytest.mark.e2e

RT = """
[[connectors]]
name = "rt"
type = "rt"
base_url = "https://rt.example.net/REST/2.0"
"""


def test_dev_zero_as_config_is_refused_at_once(tmp_path: Path) -> None:
    result = console(tmp_path, "export", "--format", "json", config=Path("/dev/zero"),
                     timeout=60)  # fmt: skip
    line = one_error_line(result)
    assert line.startswith("noc-console: /dev/zero: (file): is not a regular file")
    assert result.stdout == ""


def test_a_fifo_as_config_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    line = one_error_line(console(tmp_path, "sync", "--once", timeout=60))
    assert f"{fifo}: (file): is not a regular file" in line


def test_a_nan_sync_interval_names_the_key_and_the_range(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("sync_interval_s = nan\n", encoding="utf-8")
    line = one_error_line(console(tmp_path, "sync", "--once"))
    assert line == (
        f"noc-console: {tmp_path / 'config.toml'}: sync_interval_s: is nan; "
        "must be a number from 1 to 86400"
    )


def test_allow_plaintext_secrets_after_a_table_says_where_it_belongs(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        RT + '[connectors.mapping.tier]\n"NOC L2" = "L2"\nallow_plaintext_secrets = true\n',
        encoding="utf-8",
    )
    line = one_error_line(console(tmp_path, "connectors", "list"))
    assert "connectors[0].mapping.tier.allow_plaintext_secrets" in line
    assert "this key belongs at the top of the file, before any [table]" in line


def test_set_secret_refuses_to_overwrite_a_corrupt_secrets_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("allow_plaintext_secrets = true\n" + RT,
                                          encoding="utf-8")  # fmt: skip
    secrets = tmp_path / "xdg" / "noc-console" / "secrets.json"
    secrets.parent.mkdir(parents=True)
    secrets.write_bytes(b'{"noc-console/other": "kept-tok')
    no_keyring = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                  "XDG_CONFIG_HOME": str(tmp_path / "xdg")}  # fmt: skip
    line = one_error_line(
        console(tmp_path, "connectors", "set-secret", "rt", stdin="new-token\n", env=no_keyring)
    )
    assert str(secrets) in line
    assert "is corrupt" in line
    assert "move it aside" in line
    assert secrets.read_bytes() == b'{"noc-console/other": "kept-tok'
