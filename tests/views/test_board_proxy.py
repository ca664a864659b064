from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from noc_console.models.incident import Priority, Tier
from noc_console.models.store import Store
from noc_console.services.board_feed import BoardUpdate
from noc_console.services.live_rows import LiveRows
from noc_console.views.board_model import BoardModel, Column
from noc_console.views.board_proxy import BoardProxy
from tests.conftest import T0
from tests.factories import incident


def board(store: Store) -> tuple[BoardModel, BoardProxy]:
    store.upsert_incidents(
        [
            incident(1, title="VPN tunnel down", tier=Tier.L2, priority=Priority.P1),
            incident(2, title="Backup failed", assignee="Ann Lee"),
            incident(3, title="vpn flapping", tier=Tier.L2),
        ]
    )
    model = BoardModel(LiveRows(T0))
    model.apply(BoardUpdate(store.open_rows(), [], full=True))
    return model, BoardProxy(model)


def titles(proxy: BoardProxy) -> list[str]:
    return [proxy.index(r, Column.TITLE).data() for r in range(proxy.rowCount())]


def test_text_filter_matches_id_client_title_and_assignee_in_any_case(
    store: Store, qtmodeltester: ModelTester
) -> None:
    _model, proxy = board(store)
    proxy.set_text("VPN")
    assert titles(proxy) == ["VPN tunnel down", "vpn flapping"]
    proxy.set_text("ann")
    assert titles(proxy) == ["Backup failed"]
    proxy.set_text("T-3")
    assert titles(proxy) == ["vpn flapping"]
    proxy.set_text("")
    assert len(titles(proxy)) == 3
    qtmodeltester.check(proxy)


def test_queue_predicate_and_text_combine_and_follow_changes(store: Store) -> None:
    model, proxy = board(store)
    proxy.set_predicate(lambda row: row.tier is Tier.L2)
    assert titles(proxy) == ["VPN tunnel down", "vpn flapping"]
    proxy.set_text("flap")
    assert titles(proxy) == ["vpn flapping"]
    store.upsert_incidents([incident(3, title="vpn flapping", tier=Tier.L3, version="2")])
    model.apply(BoardUpdate(store.rows([incident(3).key]), []))
    assert titles(proxy) == []  # the changed row was checked again as it changed


def test_header_sort_goes_to_the_model(store: Store) -> None:
    model, proxy = board(store)
    proxy.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert model.sort_column is Column.TITLE
    assert titles(proxy) == ["Backup failed", "vpn flapping", "VPN tunnel down"]  # any case


def test_tick_with_visible_rows_touches_only_their_countdown_cells(
    store: Store, qtbot: QtBot
) -> None:
    model, proxy = board(store)
    titles(proxy)
    for r in range(proxy.rowCount()):  # painted
        proxy.index(r, Column.RESPONSE).data()
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
    _model, proxy = board(store)
    _model.apply(BoardUpdate(store.open_rows(), [], full=True))
    proxy.set_clients(frozenset({"other"}))
    assert titles(proxy) == ["VPN down at Other"]
    proxy.set_text("backup")
    assert titles(proxy) == []
    proxy.set_text("")
    proxy.set_clients(frozenset())
    assert len(titles(proxy)) == 4
