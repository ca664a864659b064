"""The serial worker and its typed ops: results come back on the GUI thread in the order
the work was submitted; failures go to the op's own handler or to the log; nothing is
delivered once the worker is closed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from noc_console.views.worker import Op, SerialWorker


@pytest.fixture
def worker(qtbot: QtBot) -> Iterator[SerialWorker]:
    worker = SerialWorker()
    yield worker
    worker.close()


def test_results_arrive_in_order_on_the_gui_thread(qtbot: QtBot, worker: SerialWorker) -> None:
    received: list[tuple[int, str]] = []
    threads: list[threading.Thread] = []

    def shown(result: tuple[int, str]) -> None:
        received.append(result)
        threads.append(threading.current_thread())

    def numbered(i: int) -> Callable[[], tuple[int, str]]:
        return lambda: (i, threading.current_thread().name)

    for i in range(20):
        Op(numbered(i), shown).start(worker.run)
    qtbot.waitUntil(lambda: len(received) == 20)

    assert [number for number, _ in received] == list(range(20))
    assert {name for _, name in received} == {"store-worker_0"}  # one thread, off the GUI
    assert set(threads) == {threading.main_thread()}


def test_a_failure_goes_to_the_ops_handler(qtbot: QtBot, worker: SerialWorker) -> None:
    errors: list[BaseException] = []
    shown: list[int] = []

    def broken() -> int:
        raise ValueError("store unreachable")

    Op(broken, shown.append, errors.append).start(worker.run)
    qtbot.waitUntil(lambda: len(errors) == 1)

    assert isinstance(errors[0], ValueError)
    assert str(errors[0]) == "store unreachable"
    assert shown == []


def test_a_failure_without_handler_is_logged(
    qtbot: QtBot, worker: SerialWorker, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> int:
        raise ValueError("store unreachable")

    with caplog.at_level(logging.ERROR, logger="noc_console.views.worker"):
        Op(broken, print).start(worker.run)
        Op(lambda: None, lambda _: None).start(worker.run)  # a later op still runs
        qtbot.waitUntil(lambda: bool(caplog.records))

    record = caplog.records[0]
    assert record.getMessage() == "background work failed"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)


def test_nothing_is_delivered_after_close(qtbot: QtBot) -> None:
    worker = SerialWorker()
    shown: list[int] = []
    second_started = threading.Event()
    Op(lambda: 1, shown.append).start(worker.run)
    # The worker is serial: once the second op runs, the first one's result is on its
    # way to the GUI thread (queued, not delivered: this thread has not run its events).
    Op(second_started.set, lambda _: None).start(worker.run)
    assert second_started.wait(timeout=10)

    worker.close()
    QCoreApplication.processEvents()
    Op(lambda: 2, shown.append).start(worker.run)  # refused: the worker is closed
    QCoreApplication.processEvents()

    assert shown == []
