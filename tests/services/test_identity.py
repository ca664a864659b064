"""`[me]`: who sits at the console, to people and in each PSA — read from the file, with
mistakes named by file, key and problem, and what "mine" means on each row's source."""

from __future__ import annotations

from pathlib import Path

import pytest

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.services.config import load_config
from noc_console.services.identity import Identity, os_user
from tests.factories import board_row
from tests.services.test_config import assert_refused, write

TWO_PSAS = """
[[connectors]]
name = "rt"
type = "demo"
[[connectors]]
name = "cw"
type = "demo"
"""


def test_name_and_accounts_per_connector_are_read(tmp_path: Path) -> None:
    text = '[me]\nname = "Sam Tech"\n[me.identities]\nrt = "sam"\ncw = " stech "\n' + TWO_PSAS
    me = Identity.configured(load_config(write(tmp_path, text)).me)
    assert (me.name, me.on("rt"), me.on("cw"), me.on("demo")) == ("Sam Tech", "sam", "stech",
                                                                   "Sam Tech")  # fmt: skip


def test_without_a_name_i_am_the_os_login(tmp_path: Path) -> None:
    assert os_user()  # the tests run as someone
    assert Identity.configured(load_config(tmp_path / "absent.toml").me).name == os_user()
    assert Identity.configured(load_config(write(tmp_path, '[me]\nname = " "\n')).me).name == (
        os_user()
    )


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[me]\nname = 7", "me.name", "must be a string, not 7"),
        ('[me]\nname = "Sam\\nTech"', "me.name", "must be one line of text"),
        (f'[me]\nname = "{"x" * 201}"', "me.name", "at most 200"),
        ("[me]\nnick = 'sam'", "me.nick", "unknown key (known keys: identities, name)"),
        ("[me.identities]\nrt = ''\n" + TWO_PSAS, "me.identities.rt", "is empty"),
        ("[me.identities]\nrt = 5\n" + TWO_PSAS, "me.identities", "must be a string, not 5"),
        ("[me.identities]\nhalo = 'sam'\n" + TWO_PSAS, "me.identities.halo",
         "no connector named 'halo' (configured: rt, cw)"),
        ("[me]\nidentities = 'sam'", "me.identities", "must be a table"),
    ],
)  # fmt: skip
def test_mistakes_name_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    assert_refused(tmp_path, text, key, problem)


def test_a_console_on_a_shared_database_names_sources_it_does_not_run(tmp_path: Path) -> None:
    """No [[connectors]] here (the service runs them): any source name is taken."""
    config = load_config(write(tmp_path, "[me.identities]\nhalo = 'Sam Tech'\n"))
    assert Identity.configured(config.me).on("halo") == "Sam Tech"


def row(number: int, source: str, assignee: str | None) -> BoardRow:
    return board_row(number, key=IncidentKey(source, str(number)), assignee=assignee)


def test_mine_is_my_account_on_the_rows_own_source() -> None:
    me = Identity("Sam Tech", {"rt": "sam", "cw": "stech"})
    assert me.owns(row(1, source="rt", assignee="SAM"))  # PSAs compare logins without case
    assert not me.owns(row(2, source="cw", assignee="sam"))  # my RT login, on ConnectWise
    assert me.owns(row(3, source="cw", assignee="stech"))
    assert me.owns(row(4, source="demo", assignee="Sam Tech"))  # no account there: my name
    assert not me.owns(row(5, source="rt", assignee=None))
    assert not Identity("", {}).owns(row(6, source="rt", assignee=""))
