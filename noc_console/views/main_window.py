"""The main board window: the incident table and a status bar that never hides staleness."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from noc_console import APP_NAME
from noc_console.models.board_row import BoardRow, ChangeSet
from noc_console.models.clock import Clock
from noc_console.models.errors import EnvironmentProblem, StoreError
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import MajorIncident, UpdateClock
from noc_console.models.priority import DEFAULT_MATRIX, PriorityMatrix
from noc_console.models.text_limits import capped
from noc_console.services.alarms import AlarmLedger, Alarms, AlarmSettings
from noc_console.services.board.board_order import DEFAULT_ORDER, Order, order_named
from noc_console.services.board.incident_detail import IncidentDetail
from noc_console.services.board.live_rows import LiveRows
from noc_console.services.board.queues import Queue, membership, queues
from noc_console.services.correlation import Correlator, Group
from noc_console.services.correlation.settings import CorrelationSettings
from noc_console.services.handover.desk import HandoverDesk
from noc_console.services.identity import Identity
from noc_console.services.major_incident.comms_desk import CommsDesk
from noc_console.services.major_incident.declare import (
    CannotDeclare,
    Declaration,
    draft,
    group_draft,
)
from noc_console.services.major_incident.desk import MajorIncidentDesk
from noc_console.services.sla_config import SlaSettings
from noc_console.services.sources.connectivity import (
    DATABASE_FEED,
    Connectivity,
    FeedStatus,
    data_age,
    kept_words,
    unsynced_words,
)
from noc_console.services.team.status import ServiceBeat, service_words
from noc_console.views import format as fmt
from noc_console.views.alarms.presenter import AlarmPresenter
from noc_console.views.board.cell_delegate import CellDelegate
from noc_console.views.board.client_filter import ClientFilter
from noc_console.views.board.column_chooser import (
    DEFAULT_LAYOUT,
    ColumnChooser,
    ColumnMenu,
    apply_layout,
    current_layout,
)
from noc_console.views.board.column_fit import ColumnFit
from noc_console.views.board.controller import BoardController
from noc_console.views.board.detail_panel import DetailPanel
from noc_console.views.board.empty_notice import EmptyNotice
from noc_console.views.board.group_list import GroupList
from noc_console.views.board.model import ROW_ROLE, BoardModel
from noc_console.views.board.order_chooser import OrderChooser
from noc_console.views.board.queue_list import QueueList
from noc_console.views.board.saved_views import SavedViews, View
from noc_console.views.board.triage import HINTS, Triage
from noc_console.views.handover.flag import HandoverFlag
from noc_console.views.handover.window import HandoverWindow
from noc_console.views.major_incident.banner import MajorIncidentBanner
from noc_console.views.major_incident.comms_actions import CommsActions
from noc_console.views.major_incident.declare_dialog import DeclareDialog
from noc_console.views.major_incident.join_actions import JoinActions
from noc_console.views.theme import tokens
from noc_console.views.worker import Op

QUEUE_REFRESH_MS = 3000  # counts and time-dependent queues (at risk, breached …)
#: The banner's records on a desk's own cache (another process, a wall, may change them;
#: a team's are followed from the shared database). The countdown ticks every second.
MAJOR_INCIDENT_REFRESH_MS = 5000

ROW_HEIGHT = 28
#: The window's size before it is fitted to the screen's available room.
PREFERRED_SIZE = (1600, 900)
#: Below this width the open detail panel takes the queue list's room (Q brings it back).
WIDE = 1600
QUEUE_WIDTH, DETAIL_WIDTH = 240, 380
#: Keys of the window itself, after the board's triage keys in the hint bar.
MORE_HINTS = (
    "Home/End first/last",
    "C columns",
    "G groups",
    "H handover",
    "Shift+M metrics",
    "M major incident",
    "Shift+A acknowledge alarms",
    "Shift+S snooze alarms",
    "Ctrl+, settings",
)


def hint_text(parts: Iterable[str]) -> str:
    """The hint bar's text: it wraps between hints, never inside one."""
    return " · ".join(part.strip().replace(" ", "\u00a0") for part in parts)


#: What the status bar says of the sync service while its heartbeat cannot be read.
SERVICE_UNKNOWN = "sync service: state unknown (the database does not answer)"
#: A status bar problem the user must see (stale data, a dead sync service).
PROBLEM_STYLE = "color: #ffffff; background: #a4161a; padding: 0 6px;"


class BoardWindow(QMainWindow):
    """The technicians' board.

    Signals: only those of QMainWindow.
    """

    def __init__(
        self,
        live: LiveRows,
        controller: BoardController,
        clock: Clock,
        stale_after: timedelta = timedelta(seconds=30),
        me: Identity | None = None,
        matrix: PriorityMatrix = DEFAULT_MATRIX,
        settings: QSettings | None = None,
        sla: SlaSettings | None = None,
        alarms: AlarmSettings | None = None,
        alarm_ledger: AlarmLedger | None = None,
        correlation: CorrelationSettings | None = None,
    ) -> None:
        super().__init__()
        self._live = live
        me = me if me is not None else Identity()  # who takes, and whom "Mine" shows
        self.me = me
        #: The rows on the board: those the search, the clients and the queue show.
        self.model = model = BoardModel(live, self)
        self._controller = controller
        self._clock = clock
        self._stale_after = stale_after
        self._feeds: Sequence[FeedStatus] = ()
        self._error: str | None = None
        self._service: ServiceBeat | None = None  # the team's sync service (team mode)
        self._service_known = False  # its heartbeat was read at least once

        self.table = QTableView(self)
        self.table.setObjectName("board")
        self.table.setModel(model)
        self.table.setSortingEnabled(True)  # a header click sorts; OrderChooser names orders
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.column_fit = ColumnFit(self.table)  # the title takes the rest (it says what broke)
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.column_chooser: ColumnChooser | None = None
        self.set_columns(DEFAULT_LAYOUT)
        self.table.setItemDelegate(CellDelegate(model, self.table))  # from the cell cache

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(
            'Search  ( / )   words, "a phrase", p1, client:name, tier:l2, status:waiting, mine'
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(model.set_text)
        self.search.returnPressed.connect(self.table.setFocus)
        escape = QShortcut(QKeySequence("Esc"), self)
        escape.activated.connect(self._escape)
        self.hints = QLabel(hint_text([*HINTS.split(" · "), *MORE_HINTS]), self)
        self.hints.setObjectName("hints")
        self.hints.setWordWrap(True)  # two lines on a small screen rather than a wide window
        self.hints.setStyleSheet(f"color: {tokens()['muted']}; padding: 2px 6px;")

        policies = sla or SlaSettings()  # the configured escalation rules and thresholds
        self._queues: list[Queue] = queues(
            me, policies.escalation, policies.major_incident, live.thresholds
        )
        self._members: dict[str, frozenset[IncidentKey]] = {}
        self.queue_list = QueueList(self._queues, self)
        self.queue_list.queue_selected.connect(self._select_queue)
        self.queue_list.queue_selected.connect(self._order_for_queue)

        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.clients = ClientFilter(right)
        self.clients.clients_changed.connect(model.set_clients)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.clients)
        self.order = OrderChooser(model, self.table, right)  # needs me first, by default
        filters.addWidget(self.order)
        self.views = SavedViews(self._current_view, settings, right)
        self.views.view_chosen.connect(self.apply_view)
        filters.addWidget(self.views)
        column.addLayout(filters)
        #: Open incidents that are probably one event (G goes there; services/correlation).
        self.groups = GroupList(right)
        self.groups.incident_chosen.connect(self.show_incident)
        self._correlator = Correlator((correlation or CorrelationSettings()).window)
        self._groups_shown: Sequence[Group] | None = None
        column.addWidget(self.groups)
        self._board_column = column  # the major-incident banner goes above the table
        column.addWidget(self.table)
        column.addWidget(self.hints)
        self.detail = DetailPanel(self)
        splitter = QSplitter(self)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.queue_list)
        splitter.addWidget(right)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([QUEUE_WIDTH, 980, DETAIL_WIDTH])
        splitter.setCollapsible(1, False)
        self.queue_list.setMinimumWidth(160)
        self.queue_list.installEventFilter(self)  # Q on a folded-away queue list opens it
        self.detail.setMinimumWidth(320)
        self.detail.hide()  # Enter shows it; the board keeps its width until then
        self.splitter = splitter
        self.setCentralWidget(splitter)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.table.installEventFilter(self)  # Enter on the table toggles the detail
        self.triage = Triage(
            self.table, controller, me, matrix, self.search, self.queue_list,
            silence=lambda key: self.alarms.acknowledge(key),
        )  # fmt: skip
        self.triage.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        controller.changed.connect(self._detail_changed)  # the panel follows its incident
        to_groups = QShortcut(QKeySequence("G"), self.table)
        to_groups.setContext(Qt.ShortcutContext.WidgetShortcut)
        to_groups.activated.connect(self._to_groups)
        choose = QShortcut(QKeySequence("C"), self.table)
        choose.setContext(Qt.ShortcutContext.WidgetShortcut)
        choose.activated.connect(self.choose_columns)
        self._queue_timer = QTimer(self)
        self._queue_timer.setInterval(QUEUE_REFRESH_MS)
        self._queue_timer.timeout.connect(self.refresh_queues)
        self._queue_timer.start()

        self.feed_label = QLabel(self)
        self.feed_label.setObjectName("feedState")
        self.age_label = QLabel(self)
        self.age_label.setObjectName("dataAge")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("openCount")
        status = self.statusBar()
        self.feed_label.setTextFormat(Qt.TextFormat.RichText)
        #: The team's sync service (shown on a shared database only).
        self.service_label = QLabel(self)
        self.service_label.setObjectName("serviceState")
        self.service_label.setTextFormat(Qt.TextFormat.PlainText)  # a host name inside
        self.service_label.setText("sync service: checking…")
        self.service_label.setVisible(controller.shared)
        status.addWidget(self.service_label)
        status.addWidget(self.feed_label)
        status.addWidget(self.age_label)
        status.addPermanentWidget(self.count_label)
        self.alarm_label = QLabel(self)
        self.alarm_label.setObjectName("alarms")
        self.alarm_label.hide()
        status.addWidget(self.alarm_label, 1)
        self.alarms = AlarmPresenter(
            Alarms.configured(alarms or AlarmSettings(), alarm_ledger, me.name),
            live.rows,
            controller.run_in_background,
            clock,
            self,
            self.alarm_label,
        )
        files = (alarms or AlarmSettings()).sound_files
        self.alarms.sound.chosen = {Priority(p): Path(f) for p, f in files.items()}

        controller.loaded.connect(self.refresh_queues)
        controller.synced.connect(self.refresh_queues)
        controller.loaded.connect(self.refresh_groups)
        controller.synced.connect(self.refresh_groups)
        controller.feeds_changed.connect(self._on_feeds)
        controller.service_changed.connect(self._on_service)
        controller.service_unknown.connect(self._service_unknown)
        controller.ticked.connect(self._tick)
        controller.failed.connect(self._on_failed)
        controller.synced.connect(self._clear_error)
        controller.applied.connect(self._refresh_count)  # every open one, shown or not
        self.empty = EmptyNotice(self.table)  # says so when the filters leave no row
        live.set_filter(replace(live.filter, me=me))  # who `mine` in the search means
        live.subscribe(lambda _diff: self._refresh_count())  # "N shown of M open"
        self.search.textChanged.connect(self._refresh_count)  # also when none came or went
        self.clients.clients_changed.connect(self._refresh_count)
        self.queue_list.queue_selected.connect(self._refresh_count)
        self._refresh_count()
        self._refresh_status()
        self.resize(*PREFERRED_SIZE)
        self._settings = settings
        self._restore()
        self._fitted = False
        self._fit_to_screen()

    def attach_handover(self, desk: HandoverDesk, me: str = "") -> None:
        """Shift → Shift handover… (H), and the unacknowledged-handover flag."""
        run = self._controller.run_in_background
        self.handover_flag = HandoverFlag(desk, run, self)
        self.statusBar().addPermanentWidget(self.handover_flag)
        self.handover_window: HandoverWindow | None = None

        def handovers_changed() -> None:  # on another desk (team mode)
            self.handover_flag.check()
            if self.handover_window is not None and self.handover_window.isVisible():
                self.handover_window.refresh()

        self._controller.handovers_changed.connect(handovers_changed)

        def open_handover() -> None:
            if self.handover_window is None:
                self.handover_window = HandoverWindow(desk, run, me, self)
                self.handover_window.changed.connect(self.handover_flag.check)
            elif not self.handover_window.isVisible():
                self.handover_window.refresh()
            self.handover_window.show()

        action = QAction("Shift &handover…", self)
        action.setShortcut(QKeySequence("H"))
        action.triggered.connect(open_handover)
        self.menuBar().addMenu("&Shift").addAction(action)
        self.addAction(action)

    def attach_major_incidents(self, desk: MajorIncidentDesk) -> None:
        """M declares a major incident of the selected rows (or the current row's
        correlated group); the banner counts down to each one's next client update, and
        an overdue update alarms (views/major_incident/)."""
        self.major_incidents = desk
        self.mi_banner = MajorIncidentBanner(self._clock, self)
        self._board_column.insertWidget(1, self.mi_banner)
        self.declare_dialog: DeclareDialog | None = None
        declare_key = QShortcut(QKeySequence("M"), self.table)
        declare_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        declare_key.activated.connect(self.declare_major_incident)
        group_key = QShortcut(QKeySequence("M"), self.groups)  # on a group row (G)
        group_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        group_key.activated.connect(self.declare_group)
        action = QAction("Declare &major incident…  (M)", self)
        action.triggered.connect(self.declare_major_incident)
        self.incident_menu = self.menuBar().addMenu("&Incident")
        self.incident_menu.addAction(action)
        self.join_actions = JoinActions(desk, self.me, self.table, self.incident_menu,
                                        self.triage.selected, self.shown_groups,
                                        self._controller.run_in_background,
                                        self.triage.open_dialog)  # fmt: skip
        self.join_actions.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.join_actions.changed.connect(self._controller.refresh_rows)
        self.join_actions.changed.connect(lambda _c: self.refresh_major_incidents())
        self._controller.ticked.connect(self.mi_banner.tick)
        self._controller.major_incidents_changed.connect(self.refresh_major_incidents)
        self._mi_timer = QTimer(self)
        self._mi_timer.setInterval(MAJOR_INCIDENT_REFRESH_MS)
        self._mi_timer.timeout.connect(self.refresh_major_incidents)
        if not self._controller.shared:  # a team's are followed (and its reloads re-read)
            self._mi_timer.start()
        self.alarms.updates = desk.clocks  # read with each alarm scan, off the GUI thread
        self.refresh_major_incidents()

    def attach_comms(self, desk: CommsDesk) -> None:
        """U sends a major incident's client update, Shift+R closes it out (after
        `attach_major_incidents`: its Incident menu)."""
        self.comms = CommsActions(desk, self.me, self.table, self.incident_menu,
                                  self.triage.selected, self._controller.run_in_background,
                                  self.triage.open_dialog,
                                  lambda: self._clock.now().date())  # fmt: skip
        self.comms.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.comms.changed.connect(self._controller.refresh_rows)
        self.comms.changed.connect(lambda _c: self.refresh_major_incidents())

    def refresh_major_incidents(self) -> None:
        desk = self.major_incidents

        def read() -> tuple[list[UpdateClock], dict[IncidentKey, str]]:
            clocks = desk.clocks()
            return clocks, desk.resolve_warnings([c.record for c in clocks])

        Op(read, self._major_incidents_read).start(self._controller.run_in_background)

    def _major_incidents_read(self, read: tuple[list[UpdateClock], dict[IncidentKey, str]]) -> None:
        clocks, warnings = read
        self.triage.resolve_warnings = warnings
        self.mi_banner.set_clocks(clocks)
        self.groups.set_declared({key: c.record.reference for c in clocks
                                  for key in c.record.child_keys})  # fmt: skip

    def declare_major_incident(self) -> None:
        rows = self.triage.selected()
        if not rows:
            self.statusBar().showMessage(
                "select the rows of the major incident (or one row of its group), then M", 8000
            )
            return
        self._open_declare(draft(rows, self._live.rows(), self.shown_groups(), self.me))

    def shown_groups(self) -> Sequence[Group]:
        """The correlated groups the board shows now (computed off the GUI thread)."""
        return self._groups_shown or ()

    def declare_group(self) -> None:
        """M on a group row (or one of its members): that group's open incidents."""
        group = self.groups.current_group()
        if group is None:
            return
        self._open_declare(group_draft(group, self._live.rows(), self.me))

    def _open_declare(self, declaration: Declaration) -> None:
        dialog = DeclareDialog(declaration, self)
        dialog.chosen.connect(lambda d: self._declare(d, dialog))
        self.declare_dialog = dialog
        self.triage.open_dialog(dialog)

    def _declare(self, declaration: Declaration, dialog: DeclareDialog) -> None:
        desk, me = self.major_incidents, self.me

        def declared(result: tuple[MajorIncident, ChangeSet]) -> None:
            record, changes = result
            self._controller.refresh_rows(changes)
            self.refresh_major_incidents()
            self.statusBar().showMessage(
                f"declared {record.reference}: {capped(record.title)} — "
                f"{len(record.children)} incidents, notes queued to each",
                8000,
            )

        def failed(error: BaseException) -> None:
            if isinstance(error, StoreError):  # unreachable, or it refused: nothing stored
                said = "nothing stored, Ctrl+Enter tries again"
                dialog.show_problem(capped(f"not declared ({said}): {error}"))
            elif isinstance(error, (CannotDeclare, EnvironmentProblem)):
                dialog.show_problem(capped(f"not declared: {error}"))
            else:
                dialog.show_problem(f"not declared: internal error {error!r}")

        Op(lambda: desk.declare(declaration, me), declared, failed).start(
            self._controller.run_in_background
        )

    def refresh_queues(self) -> None:
        """Recount every queue off the GUI thread; re-filter if the queue moved."""
        rows = self._live.rows()
        self.clients.set_clients({row.client_id: row.client_name for row in rows})
        now = self._clock.now()
        all_queues = self._queues
        count = Op(lambda: membership(all_queues, rows, now), self._queues_counted)
        count.start(self._controller.run_in_background)

    def refresh_groups(self) -> None:
        """Correlate the open incidents off the GUI thread (after a load or a sync; the
        correlator answers at once while the same incidents are open)."""
        rows = self._live.rows()
        correlator = self._correlator
        group = Op(lambda: correlator.groups(rows), lambda groups: self._grouped(groups, rows))
        group.start(self._controller.run_in_background)

    def _grouped(self, groups: Sequence[Group], rows: Sequence[BoardRow]) -> None:
        if groups is not self._groups_shown:
            self._groups_shown = groups
            self.groups.set_groups(groups, {r.key: r for r in rows})

    def show_incident(self, key: IncidentKey) -> None:
        """Select `key`'s row on the board and go there (a group's member was chosen)."""
        position = self.model.position_of(key)
        if position is None:
            self.statusBar().showMessage(f"{key} is not shown: the search, clients or queue "
                                         "hide it", 8000)  # fmt: skip
            return
        self.table.selectRow(position)
        self.table.setFocus()

    def _to_groups(self) -> None:
        if self.groups.isVisible():
            self.groups.setFocus()

    def _queues_counted(self, members: dict[str, frozenset[IncidentKey]]) -> None:
        self._members = members
        self.queue_list.set_counts({key: len(keys) for key, keys in members.items()})
        self._select_queue(self.queue_list.current_key)

    def _order_for_queue(self, key: str) -> None:
        """Picking "Likely to breach" orders the board by the chance, highest first."""
        if key == "likely":
            self.order.choose(Order.LIKELY)

    def _select_queue(self, key: str) -> None:
        if key == "all":
            self.model.set_predicate(None)
            return
        queue = next(q for q in self._queues if q.key == key)
        members = self._members.get(key)
        if members is not None:  # counted on the worker: a set lookup per row
            self.model.set_members(members)
            return
        clock = self._clock  # not counted yet (first seconds): ask the queue itself
        self.model.set_predicate(lambda row: queue.matches(row, clock.now()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key, plain_key = event.key(), not event.modifiers()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain_key:
                self.toggle_detail()
                return True
        if watched is self.queue_list and event.type() == QEvent.Type.FocusIn:
            self._unfold_queues()
        return super().eventFilter(watched, event)

    def toggle_detail(self) -> None:
        """Enter: show the selected incident in full beside the board, or hide it."""
        self.detail.setVisible(not self.detail.isVisible())
        self._arrange()
        if self.detail.isVisible():
            self._show_detail(None)

    # ----------------------------------------------------------- room
    def fit_within(self, area: QRect) -> None:
        """Keep the window inside `area` (the screen's available geometry: no status bar
        below the screen's edge), frame included once it has one."""
        frame = self.frameGeometry()
        extra_w = frame.width() - self.width()
        extra_h = frame.height() - self.height()
        width = min(self.width(), area.width() - extra_w)
        height = min(self.height(), area.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        x = min(max(frame.x(), area.x()), area.right() + 1 - frame.width())
        y = min(max(frame.y(), area.y()), area.bottom() + 1 - frame.height())
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.fit_within(screen.availableGeometry())

    def showEvent(self, event: QShowEvent) -> None:
        """Fitted again once shown: only then is the window frame's size known."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self._fit_to_screen()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """On a narrow window the open detail panel takes the queue list's room, so the
        board keeps its columns; wide again (or the panel closed), the list is back."""
        sizes = self.splitter.sizes()
        if self.detail.isVisible() and self.width() < WIDE:
            if sizes[0]:
                self.splitter.setSizes([0, sizes[0] + sizes[1], sizes[2]])
        elif not sizes[0]:
            self._unfold_queues()

    def _unfold_queues(self) -> None:
        sizes = self.splitter.sizes()
        if not sizes[0]:
            self.splitter.setSizes([QUEUE_WIDTH, max(0, sizes[1] - QUEUE_WIDTH), sizes[2]])

    # ----------------------------------------------------------- columns
    def set_columns(self, layout: Sequence[str]) -> None:
        """Show these columns (`Column` names) left to right; the title takes the rest."""
        apply_layout(self.table.horizontalHeader(), layout)
        self.column_fit.fit()

    def columns(self) -> tuple[str, ...]:
        return current_layout(self.table.horizontalHeader())

    def choose_columns(self) -> None:
        """C: the column chooser (show, hide, reorder by keyboard)."""
        self.column_chooser = ColumnChooser(self.columns(), self)
        self.column_chooser.chosen.connect(self.set_columns)
        self.column_chooser.finished.connect(self.table.setFocus)
        self.column_chooser.open()

    def _header_menu(self, at: QPoint) -> None:
        header = self.table.horizontalHeader()
        ColumnMenu(header, self.set_columns, self.choose_columns).popup(header.mapToGlobal(at))

    def _show_detail(self, current: object, _previous: object = None) -> None:
        if not self.detail.isVisible():
            return
        row = self.table.currentIndex().siblingAtColumn(0).data(ROW_ROLE)
        if not isinstance(row, BoardRow):
            self.detail.show_nothing()
            return
        store_detail = self._controller.detail
        now = self._clock.now()
        lookup = Op(lambda: store_detail(row.key, now), lambda d: self._detail_ready(d, now))
        lookup.start(self._controller.run_in_background)

    def _detail_changed(self, keys: frozenset[IncidentKey]) -> None:
        row = self.table.currentIndex().siblingAtColumn(0).data(ROW_ROLE)
        if isinstance(row, BoardRow) and row.key in keys:
            self._show_detail(None)

    def _detail_ready(self, detail: IncidentDetail | None, now: datetime) -> None:
        if detail is not None:
            self.detail.show_detail(detail, now)

    def _current_view(self) -> View:
        return View(
            self.queue_list.current_key,
            self.search.text(),
            tuple(sorted(self.clients.chosen)),
            (self.order.order or DEFAULT_ORDER).value,
            self.columns(),
        )

    def apply_view(self, view: View) -> None:
        self.queue_list.select(view.queue)
        self.search.setText(view.search)
        self.clients.choose(set(view.clients))
        self.order.choose(order_named(view.order))
        if view.columns is not None:
            self.set_columns(view.columns)

    def _escape(self) -> None:
        if self.search.hasFocus() and self.search.text():
            self.search.clear()
        self.table.setFocus()

    def _tick(self) -> None:
        """Once a second: the countdowns on screen, then the status bar."""
        self.model.tick(self._clock.now(), self.visible_rows())
        self._refresh_status()

    def visible_rows(self) -> range:
        """The rows on screen (the once-a-second tick repaints only these)."""
        table = self.table
        first = table.rowAt(0)
        if first < 0:
            return range(0)
        last = table.rowAt(table.viewport().height() - 1)
        last = self.model.rowCount() - 1 if last < 0 else last
        return range(first, last + 1)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save()
        self._controller.stop()
        super().closeEvent(event)

    # Layout, filters and geometry survive a restart (QSettings, per user).
    def _save(self) -> None:
        if self._settings is None:
            return
        s = self._settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("board/splitter", self.splitter.saveState())
        s.setValue("board/header", self.table.horizontalHeader().saveState())
        s.setValue("board/columns", ",".join(self.columns()))
        s.setValue("board/queue", self.queue_list.current_key)
        s.setValue("board/search", self.search.text())
        s.setValue("board/detail", self.detail.isVisible())
        s.sync()

    def _restore(self) -> None:
        if self._settings is None:
            return
        s = self._settings
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/state", self.restoreState),
            ("board/splitter", self.splitter.restoreState),
            ("board/header", self.table.horizontalHeader().restoreState),
        ):
            value = s.value(key)
            if isinstance(value, QByteArray):
                restore(value)
        columns = str(s.value("board/columns", ""))
        self.set_columns(columns.split(",") if columns else DEFAULT_LAYOUT)
        self.queue_list.select(str(s.value("board/queue", "all")))
        self.search.setText(str(s.value("board/search", "")))
        self.detail.setVisible(str(s.value("board/detail", "false")).lower() == "true")

    def _on_feeds(self, feeds: list[FeedStatus]) -> None:
        self._feeds = feeds
        self._refresh_status()

    def _on_service(self, beat: ServiceBeat | None) -> None:
        self._service, self._service_known = beat, True
        self._refresh_status()

    def _service_unknown(self) -> None:
        self._service_known = False
        _set_text(self.service_label, SERVICE_UNKNOWN, "")

    def _on_failed(self, message: str) -> None:
        self._error = message
        self._refresh_status()

    def _clear_error(self) -> None:
        self._error = None

    def _refresh_count(self) -> None:
        """The open count — and, while a filter hides some, how many show; a notice over
        an empty board says which search found nothing."""
        count = len(self._live)
        shown = self.model.rowCount()
        filtering = self.model.filtering
        self.count_label.setText(f"{shown} shown of {count} open" if filtering else f"{count} open")
        self.setWindowTitle(f"{APP_NAME} — {count} open")
        self.empty.say(self._nothing_shown() if filtering and not shown and count else "")

    def _nothing_shown(self) -> str:
        """Why the board is empty: the search (and what of it was not understood), the
        queue and the clients it was looked for in."""
        where = []
        queue = self.queue_list.currentItem()
        if queue is not None and self.queue_list.current_key != "all":
            where.append(f"in the queue {queue.text(0)}")
        if self.clients.chosen:
            chosen = len(self.clients.chosen)
            where.append(f"for the {chosen} chosen client{'s' if chosen > 1 else ''}")
        text = self.search.text().strip()
        if not text:
            return f"No open incident {' '.join(where)}."
        lines = [f"No open incident matches “{capped(text)}” {' '.join(where)}".rstrip() + "."]
        lines += self._live.filter.search.notes
        lines.append("Esc clears the search.")
        return "\n".join(lines)

    def _refresh_status(self) -> None:
        """Once a second: texts and styles are set only when they change (a style sheet
        change re-polishes the widget, far too costly for every tick)."""
        now = self._clock.now()
        if self._controller.shared and self._service_known:
            service = service_words(self._service, self._feeds, now)
            _set_text(self.service_label, service.text, PROBLEM_STYLE if service.problem else "")
        _set_text(self.feed_label, feed_summary(self._feeds, self._error))
        age = data_age(self._feeds, now)
        if age is None:  # a source has not synced since the start: say what is shown
            words = unsynced_words(self._feeds, len(self._live))
            _set_text(self.age_label, words, f"color: {tokens()['warning']};")
        elif age > self._stale_after:
            _set_text(
                self.age_label,
                f"STALE: data {fmt.duration(age)} old",
                PROBLEM_STYLE,
            )
        else:
            _set_text(self.age_label, f"data {fmt.duration(age)} old", "")


def _set_text(label: QLabel, text: str, style: str | None = None) -> None:
    if label.text() != text:
        label.setText(text)
    if style is not None and label.styleSheet() != style:
        label.setStyleSheet(style)


def feed_summary(feeds: Sequence[FeedStatus], error: str | None = None) -> str:
    """Rich text: a coloured dot and the state in words for each connector. Labels and
    errors (servers' words among them) are escaped and capped."""

    def e(text: str | None) -> str:
        return html.escape(capped(text or ""))

    if error and not any(f.name == DATABASE_FEED and not f.online for f in feeds):
        return _dot("offline") + e(error)  # (with the shared database away, its banner says why)
    if not feeds:
        return _dot("muted") + "loading…"
    parts = []
    for feed in feeds:
        label = e(feed.label)
        problem = e(feed.last_error or feed.warning)
        if feed.state is Connectivity.ONLINE:
            text = f"{_dot('online')}{label}: online"
        elif feed.state is Connectivity.DEGRADED:
            text = f"{_dot('warning')}{label}: degraded ({problem})"
        elif feed.state is Connectivity.OFFLINE:
            since = f" since {feed.offline_since.astimezone():%H:%M}" if feed.offline_since else ""
            text = f"{_dot('offline')}<b>{label}: OFFLINE{since}</b> ({problem})"
            if feed.name == DATABASE_FEED:  # team mode: the red banner (services/team/spool.py)
                kept = f" — {kept_words(feed.kept)}" if feed.kept else ""
                text = f"{_BANNER}&nbsp;{label} unreachable{since}{kept}&nbsp;</span> ({problem})"
        else:
            text = f"{_dot('muted')}{label}: connecting…"
        if feed.queued:
            text += f" · {feed.queued} action{'s' if feed.queued > 1 else ''} queued"
        if feed.kept and feed.state is not Connectivity.OFFLINE:  # handing them over
            text += f" — {kept_words(feed.kept)}"
        if feed.skipped:
            note = e(feed.skip_note)
            text += f" · {_dot('warning')}{feed.skipped} skipped: {note}"
        parts.append(text)
    return " &nbsp; ".join(parts)


_BANNER = '<span style="color:#ffffff; background-color:#a4161a; font-weight:bold;">'


def _dot(colour: str) -> str:
    return f'<span style="color:{tokens()[colour]}">●</span>&nbsp;'
