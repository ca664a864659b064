"""The board's group rows: open incidents that are probably one event, one row each.

A row says "5 incidents · 3 clients · Internet circuit down at Oslo"
(`services/correlation`); it opens (Right, Enter, a double-click or its arrow) on its
members, one line each ending with why it is in the group ("same circuit TN-88213";
"same words only" for one that joined other clients' incidents by wording alone, which
a declaration starts unticked), and Enter or a double-click on a member shows that incident on
the board; M on a group row or a member declares a major incident of the group (the
board window's shortcut, `current_group`). Rows are rebuilt when the groups are
computed again; which groups are open and the current row are kept by key, so a
refresh never closes what someone is reading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QTreeWidget, QTreeWidgetItem, QWidget

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.models.text_limits import capped
from noc_console.services.correlation import Group, Reason
from noc_console.views.plain_text import tooltip

#: At most this many lines tall; more scroll.
MOST_LINES = 8
_KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the IncidentKey of a member line
_GROUP_ROLE = Qt.ItemDataRole.UserRole + 2  # the Group of a group row


class GroupList(QTreeWidget):
    """Group rows above the board's table; hidden while there is no group.

    Signals:
        incident_chosen(object): the IncidentKey of a member the user picked.
    """

    incident_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("groups")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setExpandsOnDoubleClick(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._declared: Mapping[IncidentKey, str] = {}  # member → its major incident
        self._rows: Mapping[IncidentKey, BoardRow] = {}
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self.itemDoubleClicked.connect(self._double_clicked)
        self.expanded.connect(self._fit)
        self.collapsed.connect(self._fit)
        self.hide()

    def set_groups(self, groups: Sequence[Group], rows: Mapping[IncidentKey, BoardRow]) -> None:
        """Show `groups`; member lines read their id, client and title from `rows`."""
        opened = {self._group_key(item) for item in self.group_rows() if item.isExpanded()}
        current = self.currentItem()
        current_key = None if current is None else self._item_key(current)
        self.clear()
        self._rows = rows
        restore: QTreeWidgetItem | None = None
        for group in groups:
            item = QTreeWidgetItem()
            item.setData(0, _GROUP_ROLE, group)
            item.setFont(0, self._bold)
            for key in group.members:
                child = QTreeWidgetItem()
                child.setData(0, _KEY_ROLE, key)
                item.addChild(child)
                if current_key == ("member", key):
                    restore = child
            self.addTopLevelItem(item)
            item.setExpanded(group.key in opened)
            if current_key == ("group", group.key):
                restore = item
        if restore is None and self.topLevelItemCount():
            restore = self.topLevelItem(0)
        self._label_all()
        if restore is not None:
            self.setCurrentItem(restore)
        self.setVisible(bool(groups))
        self._fit()

    def set_declared(self, declared: Mapping[IncidentKey, str]) -> None:
        """Mark the groups and members already in an open major incident (incident key →
        "MI-7"): a group declared on another desk says so before anyone declares it again."""
        if dict(declared) != dict(self._declared):
            self._declared = dict(declared)
            self._label_all()

    def _label_all(self) -> None:
        for item in self.group_rows():
            group = item.data(0, _GROUP_ROLE)
            if not isinstance(group, Group):
                continue
            refs = sorted({self._declared[k] for k in group.members if k in self._declared})
            mark = f"⚑ {', '.join(refs)} · " if refs else ""
            item.setText(0, mark + group.summary)
            tip = f"{group.summary}\nclients: {', '.join(group.client_names)}"
            if refs:
                inside = sum(k in self._declared for k in group.members)
                tip += (f"\n{inside} of {len(group.members)} incidents in {', '.join(refs)}: "
                        "Ctrl+M adds the others")  # fmt: skip
            item.setToolTip(0, tooltip(tip))  # a label can be a member's title: PSA text
            reasons = dict(zip(group.members, group.reasons, strict=False))
            for n in range(item.childCount()):
                child = item.child(n)
                key = None if child is None else self.key_of(child)
                if child is not None and key is not None:
                    ref = self._declared.get(key)
                    line = _member_line(key, self._rows.get(key), reasons.get(key))
                    child.setText(0, f"⚑ {ref} · {line}" if ref else line)

    def group_rows(self) -> list[QTreeWidgetItem]:
        """The group rows, in order (their members are their children)."""
        found = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return [item for item in found if item is not None]

    def current_group(self) -> Group | None:
        """The group of the current row (a member's group too): what M declares."""
        item = self.currentItem()
        if item is None:
            return None
        top = item.parent() or item
        group = top.data(0, _GROUP_ROLE)
        return group if isinstance(group, Group) else None

    def key_of(self, item: QTreeWidgetItem) -> IncidentKey | None:
        """The incident a member line stands for (None for a group row)."""
        key = item.data(0, _KEY_ROLE)
        return key if isinstance(key, IncidentKey) else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() and item is not None:
            key = self.key_of(item)
            if key is None:
                item.setExpanded(not item.isExpanded())
            else:
                self.incident_chosen.emit(key)
            return
        super().keyPressEvent(event)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        key = self.key_of(item)
        if key is not None:
            self.incident_chosen.emit(key)

    def _fit(self, _index: QModelIndex | None = None) -> None:
        """As tall as its lines, up to MOST_LINES: the table keeps the room."""
        lines = 0
        for item in self.group_rows():
            lines += 1 + (item.childCount() if item.isExpanded() else 0)
        line = self.sizeHintForRow(0) if lines else 0
        self.setFixedHeight(min(lines, MOST_LINES) * max(line, 1) + 2 * self.frameWidth() + 2)

    def _group_key(self, item: QTreeWidgetItem) -> str:
        group = item.data(0, _GROUP_ROLE)
        return group.key if isinstance(group, Group) else ""

    def _item_key(self, item: QTreeWidgetItem) -> tuple[str, object]:
        key = self.key_of(item)
        return ("member", key) if key is not None else ("group", self._group_key(item))


def _member_line(key: IncidentKey, row: BoardRow | None, reason: Reason | None) -> str:
    if row is None:  # closed since the groups were made
        return f"{key.external_id} · closed"
    line = f"{key.external_id} · {row.client_name} · {row.priority.value} · {row.title}"
    if reason is None:
        return line
    return f"{line}  —  {'same words only' if reason.doubtful else capped(reason.text)}"
