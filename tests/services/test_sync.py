from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from noc_console.connectors.base import Page
from noc_console.connectors.demo.feed import DemoFeed
from noc_console.connectors.errors import ConnectorUnavailable
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import Client, Incident
from noc_console.services.board.feed import BoardFeed
from noc_console.services.sync import OVERLAP, SyncService
from tests.conftest import T0
from tests.factories import incident


class ScriptedSource:
    """A connector whose pages a test writes, and which can be made to go down."""

    name = "test"
    label = "Scripted"

    def __init__(self, pages: list[Page]) -> None:
        self.pages = pages
        self.calls: list[datetime | None] = []
        self.down_after_pages: int | None = None

    def clients(self) -> Sequence[Client]:
        return [Client("acme", "Acme Corp", "Gold")]

    def list_open(self) -> Iterator[Page]:
        yield from self.pages

    def apply(self, action: object, retry: bool) -> str:
        raise NotImplementedError

    def fetch_changed(self, since: datetime | None) -> Iterator[Page]:
        self.calls.append(since)
        for number, page in enumerate(self.pages):
            if self.down_after_pages is not None and number >= self.down_after_pages:
                raise ConnectorUnavailable("connection refused by psa.example")
            yield page


def page(*incidents: Incident) -> Page:
    return Page(incidents, watermark=max(i.updated_at for i in incidents))


def test_demo_feed_syncs_into_the_store(store: Store, clock: ManualClock) -> None:
    service = SyncService(DemoFeed(clock), store, clock)
    result = service.sync_once()
    assert result.ok
    assert len(result.changes.upserted) > 50
    assert store.open_count() > 20
    assert store.client("northwind-bank") is not None
    clock.advance(timedelta(minutes=10))
    second = service.sync_once()
    assert 0 < len(second.changes.upserted) < len(result.changes.upserted)


def test_watermark_moves_and_next_sync_overlaps(store: Store, clock: ManualClock) -> None:
    source = ScriptedSource([page(incident(1, updated_at=T0 - timedelta(minutes=3)))])
    service = SyncService(source, store, clock)
    service.sync_once()
    service.sync_once()
    assert source.calls == [None, T0 - timedelta(minutes=3) - OVERLAP]
    assert store.sync_state("test").last_success_at == T0


def test_a_failing_source_keeps_earlier_pages_and_reports(store: Store, clock: ManualClock) -> None:
    first = page(incident(1, updated_at=T0 - timedelta(minutes=5)))
    second = page(incident(2, updated_at=T0 - timedelta(minutes=4)))
    source = ScriptedSource([first, second])
    source.down_after_pages = 1
    result = SyncService(source, store, clock).sync_once()
    assert not result.ok
    assert result.error is not None
    assert "connection refused" in result.error
    assert [r.key.external_id for r in store.open_rows()] == ["T-1"]
    state = store.sync_state("test")
    assert state.last_error == result.error
    # Pages need not come in change order: a sync that did not finish keeps the old
    # watermark, so the changes on the pages it never read are asked for again.
    assert state.watermark is None
    assert state.last_success_at is None


def test_skipped_records_are_counted(store: Store, clock: ManualClock) -> None:
    good = incident(1)
    source = ScriptedSource([Page([good], good.updated_at, skipped=("T-2", "T-3"))])
    result = SyncService(source, store, clock).sync_once()
    assert result.changes.skipped == 2
    assert store.open_count() == 1


def test_board_feed_snapshot_then_changed_rows(store: Store, clock: ManualClock) -> None:
    source = ScriptedSource([page(incident(1), incident(2))])
    feed = BoardFeed(store, [source])
    assert feed.snapshot().rows == []
    changes = SyncService(source, store, clock).sync_once().changes
    update = feed.update(changes.upserted)
    assert {r.key.external_id for r in update.rows} == {"T-1", "T-2"}
    assert not update.full
    (status,) = update.feeds
    assert status.online
    assert status.label == "Scripted"
    snapshot = feed.snapshot()
    assert snapshot.full
    assert len(snapshot.rows) == 2
    assert feed.update([]).rows == []
