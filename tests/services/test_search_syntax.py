"""The board's search syntax: parsed without Qt, applied by `RowFilter` in passes."""

from __future__ import annotations

import pytest

from noc_console.models.incident import Priority, Status, Tier
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.board.row_filter import RowFilter
from noc_console.services.board.search_syntax import Search, parse
from noc_console.services.identity import Identity
from tests.conftest import T0
from tests.factories import board_row


def test_free_words_and_quoted_phrases_are_pieces_of_text() -> None:
    assert parse('VPN  "Disk Full"  northwind') == Search(words=("vpn", "disk full", "northwind"))


def test_fields_priorities_and_mine() -> None:
    search = parse("p1 P2 client:North tier:l2 status:waiting mine", me=Identity("Sam.Tech"))
    assert search.priorities == {Priority.P1, Priority.P2}
    assert search.clients == ("north",)
    assert search.tiers == {Tier.L2}
    assert search.statuses == {Status.WAITING_CUSTOMER, Status.WAITING_VENDOR}
    assert search.mine == Identity("Sam.Tech")
    assert search.words == ()
    assert search.notes == ()


def test_a_quoted_client_and_status_spellings() -> None:
    assert parse('client:"north wind"').clients == ("north wind",)
    assert parse("status:in-progress").statuses == {Status.IN_PROGRESS}
    assert parse("status:new").statuses == {Status.NEW}


@pytest.mark.parametrize(
    ("text", "word", "note"),
    [
        ("foo:bar", "foo:bar", "foo: is not a search field"),
        ("tier:l9", "tier:l9", "tier is one of l1, l2, l3, eng"),
        ("status:gone", "status:gone", "status is one of new, acknowledged"),
        ("mine", "mine", "no user is known"),
    ],
)
def test_what_the_syntax_does_not_know_is_text_and_said(text: str, word: str, note: str) -> None:
    search = parse(text)
    assert search.words == (word,)
    assert len(search.notes) == 1
    assert note in search.notes[0]


def test_a_quoted_term_is_text_and_a_time_is_no_field() -> None:
    assert parse('"p1"').words == ("p1",)
    assert not parse('"p1"').priorities
    assert parse("12:30") == Search(words=("12:30",))  # no note: not meant as a field


def test_the_filter_combines_terms_with_and() -> None:
    rows = [
        board_row(1, None, Status.NEW, title="VPN down", client_id="northwind",
                  client_name="Northwind Traders", priority=Priority.P1),
        board_row(2, title="VPN slow", client_id="northwind",
                  client_name="Northwind Traders", priority=Priority.P3),
        board_row(3, title="VPN down", client_id="contoso", priority=Priority.P1),
        board_row(4, title="Disk full on backup", client_id="northwind",
                  client_name="Northwind Traders", priority=Priority.P1,
                  tier=Tier.L2, assignee="sam"),
    ]  # fmt: skip
    live = LiveRows(T0)
    live.apply(rows, full=True)

    def shown(text: str) -> set[int]:
        live.set_filter(RowFilter(text=text.casefold(), me=Identity("sam")))
        return {int(e.row.key.external_id[2:]) for e in live.shown()}

    assert shown("northwind p1") == {1, 4}
    assert shown("client:northwind p1 vpn") == {1}
    assert shown("p1 p3 client:north") == {1, 2, 4}  # a field twice: either
    assert shown('"disk full" tier:l2 mine') == {4}
    assert shown('"full disk"') == set()
    assert shown("down vpn") == {1, 3}  # words in any order
    assert shown("status:new") == {1}
    assert shown("client:traders") == {1, 2, 4}  # by name too
    assert shown("t-3") == {3}
    assert shown("test:t-3") == {3}  # SOURCE:ID as exported
