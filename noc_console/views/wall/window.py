"""The wall display: a full-screen, read-only window of rotating pages.

It takes nothing but Space (pause or resume the rotation) and Ctrl+Q (quit): no
actions, no dialogs, no cursor. Rows come from the same `BoardController` and
`LiveRows` as the board (no Qt model: the wall shows no table); a `WallSummary` is
computed on the controller's worker after every batch and every few seconds
(time-dependent queues), scoped to the wall's clients before anything is counted. Each second the
current page's clocks move, the page may rotate, and the picture may shift a few
pixels against burn-in; rotation and shift follow `pace` (default: `clock`), so a
simulated day runs in seconds under a `ManualClock`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from noc_console import APP_NAME
from noc_console.models.clock import Clock
from noc_console.models.major_incident import UpdateClock
from noc_console.models.sla_clock import ClockState
from noc_console.models.text_limits import BLOCK, capped
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.board.queues import queues
from noc_console.services.correlation import Correlator
from noc_console.services.correlation.settings import CorrelationSettings
from noc_console.services.sla_config import SlaSettings
from noc_console.services.sources.connectivity import FeedStatus
from noc_console.services.team.status import ServiceBeat, service_words
from noc_console.services.wall.config import (
    DEADLINES,
    METRICS,
    OVERVIEW,
    QUEUE_PREFIX,
    WallSettings,
)
from noc_console.services.wall.metrics_summary import WallMetrics
from noc_console.services.wall.rotation import Rotation, pixel_shift
from noc_console.services.wall.scope import ClientScope
from noc_console.services.wall.summary import WallSummary, summarise
from noc_console.views.board.controller import BoardController
from noc_console.views.major_incident.wall_panel import MajorIncidentPanel
from noc_console.views.theme import tokens
from noc_console.views.wall.metrics_page import MetricsPage
from noc_console.views.wall.pages import ListPage, OverviewPage
from noc_console.views.wall.scale import WallScale, apply_scale, label
from noc_console.views.wall.status import wall_banner, wall_status
from noc_console.views.wall.widgets import ElidedLabel, paint, state_colours
from noc_console.views.worker import Op

log = logging.getLogger(__name__)

SUMMARY_REFRESH_MS = 5000  # at risk / breached / escalate change with time alone
PULSE_MS = 600
#: The metrics page's figures move with closed incidents, not by the second, and a read
#: costs the worker a second or more on a big cache: at most once a minute after syncs.
METRICS_REFRESH = timedelta(seconds=60)
Page = OverviewPage | ListPage | MetricsPage
#: Reads the `metrics` page's figures at an instant for a scope, with sparklines for so
#: many clients (on the worker: it reads the cache).
WallMetricsSource = Callable[[datetime, ClientScope, int], WallMetrics]


class WallWindow(QWidget):
    """The wall.

    Signals:
        page_changed(str): the page now on show (its name in the configuration).
        paused_changed(bool): rotation paused (True) or resumed.
        summarised(): a new summary is on every page.
    """

    page_changed = Signal(str)
    paused_changed = Signal(bool)
    summarised = Signal()

    def __init__(
        self,
        live: LiveRows,
        controller: BoardController,
        clock: Clock,
        settings: WallSettings | None = None,
        scope: ClientScope | None = None,
        sla: SlaSettings | None = None,
        pace: Clock | None = None,
        metrics: WallMetricsSource | None = None,
        correlation: CorrelationSettings | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle(f"{APP_NAME} — wall")
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.settings = settings or WallSettings()
        self.scope = scope or ClientScope()
        sla = sla or SlaSettings()
        self._live, self._controller, self._clock = live, controller, clock
        self._pace = pace or clock
        self._thresholds = sla.policy.thresholds
        self._correlator = Correlator((correlation or CorrelationSettings()).window)
        self._queues = queues(None, sla.escalation, sla.major_incident, self._thresholds)
        self._started = self._pace.now()
        self.rotation = Rotation(
            self.settings.pages, timedelta(seconds=self.settings.page_interval_s), self._started
        )
        self._feeds: list[FeedStatus] = []
        self._service: ServiceBeat | None = None  # team mode: the service's heartbeat
        self._service_known = False  # read at least once (team mode only)
        self.summary: WallSummary | None = None
        self._summarising = self._again = False
        self._shift = (0, 0)
        self._margin = 0
        self._pulse_on = False
        self._metrics_source = metrics
        self._metrics_reading = False
        self._metrics_read_at: datetime | None = None  # pace time of the last read begun
        self._metrics_after_sync = False  # the first sync's incidents are read at once
        self._metrics_again = False  # asked for while a read ran: read once more after it
        self.major_incidents: MajorIncidentPanel | None = None

        self.scope_label = ElidedLabel("head", self)
        self.page_label = label("", "head", self)
        self.paused_label = label("❚❚ PAUSED — Space resumes", "head", self)
        bg, fg = state_colours(ClockState.WARNING)
        paint(self.paused_label, fg, bg)
        self.paused_label.hide()
        self.clock_label = label("", "head", self)
        header = QHBoxLayout()
        self._header = header
        header.addWidget(self.scope_label, 1)
        header.addWidget(self.page_label)
        header.addWidget(self.paused_label)
        header.addWidget(self.clock_label)
        self.banner = label("", "banner", self)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        paint(self.banner, "#ffffff", "#a4161a")
        self.banner.hide()
        self.stack = QStackedWidget(self)
        self.pages: dict[str, Page] = {}
        for name in self.settings.pages:
            page = self._make_page(name)
            self.pages[name] = page
            self.stack.addWidget(page)
        self.status_label = label("", "small", self)
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.dots = label("", "small", self)
        for part in (self.status_label, self.dots, self.page_label, self.clock_label):
            paint(part, tokens()["text"])
        paint(self.scope_label, tokens()["muted"])
        footer = QHBoxLayout()
        footer.addWidget(self.status_label, 1)
        footer.addWidget(self.dots)
        self._root = QVBoxLayout(self)
        # The screen sets the size and the size sets the fonts: never the other way round.
        self._root.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._root.addLayout(header)
        self._root.addWidget(self.banner)
        self._root.addWidget(self.stack, 1)
        self._root.addLayout(footer)

        controller.loaded.connect(self.refresh_metrics)  # before the summary: its op runs first
        controller.synced.connect(self._synced_metrics)
        controller.loaded.connect(self.refresh)
        controller.applied.connect(self.refresh)
        controller.ticked.connect(self.tick)
        controller.feeds_changed.connect(self._on_feeds)
        controller.service_changed.connect(self._on_service)
        controller.service_unknown.connect(self._service_unknown)
        controller.failed.connect(self._on_failed)
        self._summary_timer = QTimer(self)
        self._summary_timer.setInterval(SUMMARY_REFRESH_MS)
        self._summary_timer.timeout.connect(self.refresh)
        self._summary_timer.start()
        self._pulse_timer = QTimer(self)
        self._pulse_timer.setInterval(PULSE_MS)
        self._pulse_timer.timeout.connect(self._pulse)
        self._show_page()
        self._rescale()
        self.tick()

    # ---------------------------------------------------------------- public
    @property
    def current_page(self) -> str:
        return self.rotation.page

    def toggle_pause(self) -> None:
        paused = self.rotation.toggle_pause(self._pace.now())
        self.paused_label.setVisible(paused)
        self._show_dots()
        self.paused_changed.emit(paused)

    def refresh(self) -> None:
        """Recompute the summary off the GUI thread (one at a time; a request made
        meanwhile runs once the current one is on screen)."""
        if self._summarising:
            self._again = True
            return
        self._summarising = True
        rows, now, scope = self._live.rows(), self._clock.now(), self.scope
        pages, all_queues = self.settings.pages, self._queues
        per_page = max((p.capacity for p in self.pages.values() if isinstance(p, ListPage)),
                       default=1)  # fmt: skip
        thresholds, correlator = self._thresholds, self._correlator
        Op(
            lambda: summarise(
                rows, now, scope, pages, all_queues, per_page, thresholds, correlator
            ),
            self._summarised,
        ).start(self._controller.run_in_background)

    def refresh_metrics(self) -> None:
        """Read the `metrics` page's figures on the worker, one read at a time; only the
        tiles that fit get a sparkline (each is one more read)."""
        page = self.pages.get(METRICS)
        source = self._metrics_source
        if not isinstance(page, MetricsPage) or source is None:
            return
        if self._metrics_reading:
            self._metrics_again = True
            return
        self._metrics_reading = True
        self._metrics_read_at = self._pace.now()
        now, scope, tiles = self._clock.now(), self.scope, page.capacity or 24
        Op(lambda: source(now, scope, tiles), self._metrics_read, self._metrics_failed).start(
            self._controller.run_in_background
        )

    def _synced_metrics(self) -> None:
        """After the first sync at once, then at most every METRICS_REFRESH."""
        last = self._metrics_read_at
        if self._metrics_after_sync and last and self._pace.now() - last < METRICS_REFRESH:
            return
        self._metrics_after_sync = True
        self.refresh_metrics()

    def _metrics_read(self, metrics: WallMetrics) -> None:
        self._metrics_reading = False
        if self._metrics_again:
            self._metrics_again = False
            self.refresh_metrics()
        page = self.pages.get(METRICS)
        if isinstance(page, MetricsPage):
            page.show_metrics(metrics, self._thresholds)

    def _metrics_failed(self, error: BaseException) -> None:
        self._metrics_reading = False
        log.warning("wall metrics: %s", error)

    def attach_major_incidents(self, clocks: Callable[[], list[UpdateClock]]) -> None:
        """The major-incident panel above every page (views/major_incident/wall_panel.py);
        `clocks` reads the open ones (run on the controller's worker)."""
        self.major_incidents = MajorIncidentPanel(self)
        self._root.insertWidget(2, self.major_incidents)  # under the stale banner
        self._mi_clocks = clocks
        if self._controller.shared:  # followed from the team's database (and its reloads)
            self._controller.major_incidents_changed.connect(self._refresh_major_incidents)
        else:  # another process may change a desk's cache
            self._summary_timer.timeout.connect(self._refresh_major_incidents)
        self._refresh_major_incidents()
        self._rescale()

    def _refresh_major_incidents(self) -> None:
        panel = self.major_incidents
        if panel is not None:
            Op(self._mi_clocks, panel.set_clocks).start(self._controller.run_in_background)

    def tick(self) -> None:
        """Once a second: clocks, rotation, banner, status line, burn-in shift."""
        now, pace_now = self._clock.now(), self._pace.now()
        if self.major_incidents is not None:
            self.major_incidents.tick(now)
        skip = self.summary.empty_pages if self.summary is not None else ()
        if self.rotation.advance(pace_now, skip):
            self._show_page()
        self.pages[self.rotation.page].tick(now, self._thresholds)
        _set(self.clock_label, f"{now.astimezone():%H:%M:%S}")
        showing = self.summary.open_total if self.summary is not None else 0
        service = None
        if self._service_known:
            service = service_words(self._service, self._feeds, now)
        _set(self.status_label, wall_status(self._feeds, now, showing, service))
        stale = timedelta(seconds=self.settings.stale_after_s)
        banner = wall_banner(self._feeds, now, stale, pace_now - self._started, showing)
        if service is not None and service.banner:  # the cause before its effects
            banner = service.banner
        _set(self.banner, banner or "")
        self.banner.setVisible(banner is not None)
        self._apply_shift(pace_now)

    # ---------------------------------------------------------------- Qt events
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.toggle_pause()
        elif (
            event.key() == Qt.Key.Key_Q and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.close()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._summary_timer.stop()
        self._pulse_timer.stop()
        self._controller.stop()
        super().closeEvent(event)

    # ---------------------------------------------------------------- internals
    def _make_page(self, name: str) -> Page:
        most = self.settings.rows_per_page
        if name == OVERVIEW:
            return OverviewPage(self)
        if name == METRICS:
            return MetricsPage(self)
        if name == DEADLINES:
            page = ListPage(name, "Next deadlines", most, self)
        else:
            key = name.removeprefix(QUEUE_PREFIX)
            title = next(q.label for q in self._queues if q.key == key)
            page = ListPage(name, title, most, self)
        page.capacity_changed.connect(self._capacity_changed)
        return page

    def _capacity_changed(self, capacity: int) -> None:
        """A taller page shows more rows: the summary must hold that many."""
        if self.summary is not None and any(
            len(listing.rows) < min(capacity, listing.total)
            for listing in self.summary.lists.values()
        ):
            self.refresh()

    def _show_page(self) -> None:
        page = self.pages[self.rotation.page]
        self.stack.setCurrentWidget(page)
        self.page_label.setText(page.title)
        self._show_dots()
        page.tick(self._clock.now(), self._thresholds)
        self.page_changed.emit(self.rotation.page)

    def _show_dots(self) -> None:
        """One dot per page in the rotation now: a page skipped for having nothing to
        show has none (the overview says it was skipped)."""
        skip = self.summary.empty_pages if self.summary is not None else frozenset()
        shown = [
            i for i, page in enumerate(self.rotation.pages)
            if page not in skip or i == self.rotation.index
        ]  # fmt: skip
        marks = " ".join("●" if i == self.rotation.index else "○" for i in shown)
        state = "paused" if self.rotation.paused else f"every {self.settings.page_interval_s:g} s"
        at = shown.index(self.rotation.index) + 1
        self.dots.setText(f"page {at}/{len(shown)} {marks}  ({state})")

    def _summarised(self, summary: WallSummary) -> None:
        self._summarising = False
        self.summary = summary
        self._show_dots()  # a page may have emptied or filled
        now = self._clock.now()
        for page in self.pages.values():
            page.show_summary(summary, now, self._thresholds)
        quiet = [self.pages[name].title for name in self.settings.pages
                 if name in summary.empty_pages]  # fmt: skip
        overview = self.pages.get(OVERVIEW)
        if isinstance(overview, OverviewPage):
            overview.show_quiet(quiet)
        if self.scope.everyone:
            scope = "All clients"
        else:
            names = sorted(capped(t.name) for t in summary.tiles)
            scope = capped(", ".join(names), BLOCK)
        self.scope_label.setText(f"{APP_NAME} · {scope} · {summary.open_total} open")
        if summary.breached_p1 and not self._pulse_timer.isActive():
            self._pulse_timer.start()
        elif not summary.breached_p1:
            self._pulse_timer.stop()
        self.summarised.emit()
        if self._again:
            self._again = False
            self.refresh()

    def _pulse(self) -> None:
        self._pulse_on = not self._pulse_on
        self.pages[self.rotation.page].pulse(self._pulse_on)

    def _on_feeds(self, feeds: list[FeedStatus]) -> None:
        self._feeds = feeds

    def _on_service(self, beat: ServiceBeat | None) -> None:
        self._service, self._service_known = beat, True

    def _service_unknown(self) -> None:
        self._service_known = False  # the banner names the database's problem, if any

    def _on_failed(self, message: str) -> None:
        self._summarising = False  # a failed summary must not stop the next one
        log.warning("wall: %s", message)

    def _rescale(self) -> None:
        scale = WallScale.for_size(self.size())
        apply_scale(self, scale)
        for page in self.pages.values():
            page.rescale(scale)
        if self.major_incidents is not None:
            self.major_incidents.rescale(scale)
        self._root.setSpacing(scale.gap())
        self._header.setSpacing(scale.gap(3))
        self._margin = scale.gap(1.5)
        self._shift = (-1, -1)  # force the margins to be set again
        self._apply_shift(self._pace.now())
        for layout in self.findChildren(QLayout):  # lay out for the new fonts now, not
            layout.invalidate()  # one level per event-loop pass (a wrong first frame)
        self._root.activate()

    def _apply_shift(self, pace_now: datetime) -> None:
        amplitude = self.settings.pixel_shift_px
        every = timedelta(seconds=self.settings.pixel_shift_every_s)
        shift = pixel_shift(pace_now - self._started, every, amplitude)
        if shift == self._shift:
            return
        self._shift = shift
        base = self._margin + amplitude
        dx, dy = shift
        self._root.setContentsMargins(base + dx, base + dy, base - dx, base - dy)

    @property
    def shift(self) -> tuple[int, int]:
        """The burn-in offset in pixels now applied."""
        return self._shift


def _set(widget: QLabel, text: str) -> None:
    """Set a text only when it changed (a label relayouts on every setText)."""
    if widget.text() != text:
        widget.setText(text)
