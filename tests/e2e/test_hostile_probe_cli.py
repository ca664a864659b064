"""`noc-console connectors test` as a subprocess against a ConnectWise fake whose tenant
names and version string are hostile: line breaks, TOML injection, bidi overrides, a
lone surrogate. Every line printed is one printable line, nothing crashes, and the
suggested mapping lines pasted as printed give a config that loads and maps the
hostile status by exactly its name."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.e2e.test_connectwise_cli import cw_config
from tests.e2e.workspace_console import console
from tests.fakes.fake_connectwise import FakeConnectWise
from tests.fakes.http_fake import running

pytestmark = pytest.mark.e2e

INJECTION = 'Waiting customer"\n[connectors.mapping.tier]\n"Service Desk" = "ENG'
BOARD = "Ops\n\u202eL2 LEVEL"  # a line break and a right-to-left override in a board name


def test_hostile_names_print_as_one_line_each_and_paste_as_themselves(tmp_path: Path) -> None:
    fake = FakeConnectWise()
    board = fake.add_board(BOARD, [(INJECTION, False), ("Waiting \ud800 vendor", False),
                                   ("Resolved", True)])  # fmt: skip
    fake.add_ticket("Odd", board=board["id"], status=fake.status_id(board["id"], INJECTION))
    with running(fake) as cw:
        cw.inject("200", "/v2025_1/apis/3.0/system/info", times=2,
                  body={"version": "v2025\n\ud800\x1b[2J"})  # fmt: skip
        config = cw_config(tmp_path, cw)
        console(tmp_path, "connectors", "set-secret", "cw", stdin=f"{cw.private_key}\n")
        tested = console(tmp_path, "connectors", "test", "cw")
        assert tested.returncode == 1, tested.stdout + tested.stderr
        assert tested.stderr == ""  # no traceback
        lines = tested.stdout.splitlines()
        assert all(line.isprintable() for line in lines)
        assert "ok   reachable: ConnectWise v2025\\n\\ud800\\x1b[2J at " in tested.stdout
        assert sum(1 for line in lines if line.startswith("  FAIL statuses:")) == 1
        block = [line.strip() for line in lines[lines.index(next(
            line for line in lines if line.startswith("Suggested mapping"))) + 1:]]  # fmt: skip

        with config.open("a", encoding="utf-8") as pasted:
            pasted.write("\n".join(block) + "\n")
        mapping = tomllib.loads(config.read_text(encoding="utf-8"))["connectors"][0]["mapping"]
        assert mapping["status"] == {INJECTION: "waiting_customer"}  # exactly the name
        assert mapping["tier"] == {BOARD: "L2"}  # no "Service Desk" = "ENG" got in
        again = console(tmp_path, "connectors", "test", "cw")
        assert again.stderr == ""
        statuses = next(line for line in again.stdout.splitlines() if " statuses:" in line)
        assert statuses.startswith("  FAIL statuses:")  # the surrogate one is left unmapped
        assert "Waiting customer" not in statuses
