"""The bridge that runs engine work off the GUI thread.

One serial worker thread owns every store access (the single writer of DESIGN.md §1);
its results come back to the GUI thread through a queued signal, where the callback
runs. Nothing here blocks the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class SerialWorker(QObject):
    """Runs submitted callables one at a time on a background thread.

    Signals:
        _finished(object, object, object): internal; (callback, result, error),
            emitted on the worker thread and delivered queued on the GUI thread.
    """

    _finished = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-worker")
        self._finished.connect(self._deliver)
        self._closed = False

    def submit(
        self, work: Callable[[], Any], on_result: Callback, on_error: ErrorCallback | None = None
    ) -> None:
        if self._closed:
            return
        future = self._executor.submit(work)
        future.add_done_callback(lambda f: self._complete(f, on_result, on_error))

    def close(self) -> None:
        """Finish the running job, drop queued ones, and stop the thread."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _complete(
        self, future: Future[Any], on_result: Callback, on_error: ErrorCallback | None
    ) -> None:
        if future.cancelled() or self._closed:
            return
        error = future.exception()
        if error is not None:
            self._finished.emit(on_error or _log_error, None, error)
        else:
            self._finished.emit(on_result, future.result(), None)

    def _deliver(self, callback: Callable[[Any], None], result: Any, error: Any) -> None:
        callback(error if error is not None else result)


def _log_error(error: BaseException) -> None:
    log.error("background work failed", exc_info=error)
