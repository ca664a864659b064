"""Filtering the board: text, clients and queues, done by the live rows, shown by the
model through the narrowest notification (no proxy)."""

from datetime import timedelta

from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from noc_console.models.cache.store import Store
from noc_console.models.incident import Priority, Tier
from noc_console.services.board.columns import Column
from noc_console.services.board.feed import BoardUpdate
from noc_console.services.board.live_rows import LiveRows
from noc_console.views.board.model import BoardModel
from tests.conftest import T0
from tests.factories import incident


def board(store: Store) -> BoardModel:
    store.upsert_incidents(
        [
            incident(1, title="VPN tunnel down", tier=Tier.L2, priority=Priority.P1),
            incident(2, title="Backup failed", assignee="Ann Lee"),
            incident(3, title="vpn flapping", tier=Tier.L2),
        ]
    )
    model = BoardModel(LiveRows(T0))
    model.apply(BoardUpdate(store.open_rows(), [], full=True))
    return model


def titles(model: BoardModel) -> list[str]:
    return [model.index(r, Column.TITLE).data() for r in range(model.rowCount())]


def test_text_filter_matches_id_client_title_and_assignee_in_any_case(
    store: Store, qtmodeltester: ModelTester
) -> None:
    model = board(store)
    qtmodeltester.check(model)  # attached: every change below is checked too
    model.set_text("VPN")
    assert titles(model) == ["VPN tunnel down", "vpn flapping"]
    model.set_text("ann")
    assert titles(model) == ["Backup failed"]
    model.set_text("T-3")
    assert titles(model) == ["vpn flapping"]
    model.set_text("")
    assert len(titles(model)) == 3


def test_queue_predicate_and_text_combine_and_follow_changes(store: Store) -> None:
    model = board(store)
    model.set_predicate(lambda row: row.tier is Tier.L2)
    assert titles(model) == ["VPN tunnel down", "vpn flapping"]
    model.set_text("flap")
    assert titles(model) == ["vpn flapping"]
    store.upsert_incidents([incident(3, title="vpn flapping", tier=Tier.L3, version="2")])
    model.apply(BoardUpdate(store.rows([incident(3).key]), []))
    assert titles(model) == []  # the changed row was checked again as it changed


def test_a_filter_keeps_the_current_row_when_it_stays_shown(store: Store, qtbot: QtBot) -> None:
    model = board(store)
    current = QPersistentModelIndex(model.index(2, Column.TITLE))  # "vpn flapping"
    gone = QPersistentModelIndex(model.index(1, Column.TITLE))  # "Backup failed"
    with qtbot.assertNotEmitted(model.modelReset):
        model.set_text("vpn")
    assert current.data() == "vpn flapping"
    assert current.row() == 1
    assert not gone.isValid()


def test_the_same_queue_members_again_change_nothing(store: Store, qtbot: QtBot) -> None:
    model = board(store)
    l2 = frozenset(r.key for r in model.rows() if r.tier is Tier.L2)
    model.set_members(l2)
    assert titles(model) == ["VPN tunnel down", "vpn flapping"]
    with (
        qtbot.assertNotEmitted(model.layoutChanged),
        qtbot.assertNotEmitted(model.rowsRemoved),
        qtbot.assertNotEmitted(model.rowsInserted),
    ):
        model.set_members(frozenset(l2))  # a new count of the same queue


def test_header_sort_goes_to_the_live_rows(store: Store) -> None:
    model = board(store)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert model.sort_column is Column.TITLE
    assert titles(model) == ["Backup failed", "vpn flapping", "VPN tunnel down"]  # any case


def test_tick_with_visible_rows_touches_only_their_countdown_cells(
    store: Store, qtbot: QtBot
) -> None:
    model = board(store)
    titles(model)
    for r in range(model.rowCount()):  # painted
        model.index(r, Column.RESPONSE).data()
    cells: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, roles=(): cells.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    model.tick(T0 + timedelta(seconds=1), visible=[2])  # both clocks sat on a minute …
    assert cells == [(2, Column.RESPONSE, 2, Column.RESOLUTION)]  # … one range for the pair
    cells.clear()
    model.tick(T0 + timedelta(seconds=2), visible=[2])
    assert cells == [(2, Column.RESPONSE, 2, Column.RESPONSE)]  # "49m 58s"; "3h 49m" stays


def test_client_filter_combines_with_text(store: Store) -> None:
    from noc_console.models.incident import Client

    store.upsert_clients([Client("other", "Other Ltd")])
    store.upsert_incidents([incident(4, title="VPN down at Other", client_id="other")])
    model = board(store)
    model.apply(BoardUpdate(store.open_rows(), [], full=True))
    model.set_clients(frozenset({"other"}))
    assert titles(model) == ["VPN down at Other"]
    model.set_text("backup")
    assert titles(model) == []
    model.set_text("")
    model.set_clients(frozenset())
    assert len(titles(model)) == 4
