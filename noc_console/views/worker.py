"""The bridge that runs engine work off the GUI thread.

One serial worker thread owns every store access (the single writer of DESIGN.md §1);
its results come back to the GUI thread through a queued signal, where the callback
runs. Nothing here blocks the GUI thread.

Work goes as an `Op[T]` (after Anki's `QueryOp[T]`): the work returns a `T` and the
success callback takes that `T`, so the type checker follows the result from the worker
thread to the widget that shows it and no callback has to re-check it. Build the op on
its own and hand it over with `start` — `Op(work, shown).start(runner)` — and not as an
argument (`runner(Op(work, shown))`): there mypy infers `T` from the parameter and
lets a callback that does not fit the work pass unnoticed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")
Failure = Callable[[BaseException], None]


@dataclass(frozen=True)
class Op(Generic[T]):
    """Work for the worker thread, and what to do with its outcome on the GUI thread.

    `failure` is optional: whoever runs the op supplies its own (the board controller
    shows the error in the status bar); a bare `SerialWorker` logs it.
    """

    work: Callable[[], T]
    success: Callable[[T], None]
    failure: Failure | None = None

    def start(self, runner: Runner) -> None:
        """Run this op on `runner` (`SerialWorker.run`, `BoardController.run_in_background`)."""
        runner(self)

    def failing_with(self, failure: Failure) -> Op[T]:
        """This op, with `failure` unless it names its own."""
        return self if self.failure is not None else replace(self, failure=failure)


#: Runs ops in the background: what the windows sharing the board's worker are given.
#: `Op[Any]`: each op was checked when it was built (see the module's docstring).
Runner = Callable[[Op[Any]], None]


class SerialWorker(QObject):
    """Runs submitted ops one at a time, in order, on a background thread.

    After `close` no callback runs, even one whose work had already finished.

    Signals:
        _finished(object): internal; a callback bound to its outcome, emitted on the
            worker thread and delivered queued on the GUI thread.
    """

    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-worker")
        # Queued even when emitted on this thread: a future already done when `run` adds
        # its callback completes on the caller's thread, and its callback must still wait
        # for the event loop rather than run inside `run`.
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._closed = False

    def run(self, op: Op[Any]) -> None:
        """Queue `op`'s work; its callback runs on the GUI thread once it is done.
        A `Runner`: call it as `op.start(worker.run)`."""
        if self._closed:
            return
        future = self._executor.submit(op.work)
        future.add_done_callback(lambda f: self._complete(f, op))

    def close(self) -> None:
        """Finish the running job, drop queued ones, and stop the thread."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _complete(self, future: Future[T], op: Op[T]) -> None:
        if future.cancelled() or self._closed:
            return
        error = future.exception()
        if error is not None:
            self._finished.emit(partial(op.failure or _log_error, error))
        else:
            self._finished.emit(partial(op.success, future.result()))

    def _deliver(self, callback: Callable[[], None]) -> None:
        if not self._closed:  # emitted just before close(), delivered after it
            callback()


def _log_error(error: BaseException) -> None:
    log.error("background work failed", exc_info=error)
