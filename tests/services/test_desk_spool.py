"""The desk spool on its own (services/team/spool.py): what it keeps survives a new
process, comes back whole and in order, is kept once however often it is put, lives in
one file per shared database, and a file it cannot use is named in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from noc_console.models.actions import Action, ActionKind
from noc_console.models.errors import StoreError
from noc_console.models.incident import IncidentKey
from noc_console.services.team.spool import DeskSpool, spool_file
from tests.conftest import T0

KEY = IncidentKey("psa", "INC-1")


def test_kept_actions_come_back_whole_in_order_after_a_restart(tmp_path: Path) -> None:
    path = spool_file(tmp_path, "postgresql://db.example:5432/noc")
    actions = [
        Action(KEY, ActionKind.ACKNOWLEDGE, base_version="v7", expected={"status": "new"},
               created_at=T0, author="Dana"),
        Action(KEY, ActionKind.NOTE, {"text": "ünïcode\\n«quotes»", "internal": True},
               created_at=T0, author="Dana", force=True),
        Action(IncidentKey("cw", "42"), ActionKind.PRIORITY,
               {"priority": "P1", "impact": 1, "urgency": 1}, created_at=T0),
    ]  # fmt: skip
    first = DeskSpool(path)
    for action in actions:
        first.put(action)
    first.put(actions[0])  # put again: kept once
    again = DeskSpool(path)  # another process, later
    kept = again.head()
    assert [action for _n, action in kept] == actions
    again.remove(kept[0][0])
    assert [action for _n, action in DeskSpool(path).head()] == actions[1:]
    assert DeskSpool(path).count() == 2


def test_each_shared_database_has_its_own_spool(tmp_path: Path) -> None:
    one = spool_file(tmp_path, "postgresql://db.example:5432/noc")
    assert one == spool_file(tmp_path, "postgresql://db.example:5432/noc")
    assert one != spool_file(tmp_path, "postgresql://db.example:5432/noc_test")
    assert one.parent == tmp_path / "spool"


def test_a_spool_file_that_cannot_be_used_is_named(tmp_path: Path) -> None:
    path = spool_file(tmp_path, "postgresql://db.example:5432/noc")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all, " * 100)
    with pytest.raises(StoreError, match=r"cannot keep actions on this desk in .*spool") as error:
        DeskSpool(path)
    assert "\n" not in str(error.value)
