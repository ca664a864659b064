"""Settings (Ctrl+,): a page each for connectors, appearance, alarms, the wall and shifts.

The pages edit what the configuration file holds and Save writes it back with the one
writer (services/sources/config_writer.save_settings: comments kept, the file checked as
the console reads it). A value the console would refuse is not saved: the line under
the pages names the key and the problem, exactly as starting with it would. Changes
take effect at the next start; the connectors page opens the connector dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from noc_console.models.comms_template import DEFAULT_TEMPLATES, VARIABLES, Phase
from noc_console.models.errors import ConfigError
from noc_console.models.incident import Priority
from noc_console.models.shift import ShiftPlan
from noc_console.services.alarms import AlarmSettings
from noc_console.services.config import Config
from noc_console.services.config_rules import duration_text
from noc_console.services.shift_config import HandoverTable
from noc_console.services.sources.config_writer import save_settings, toml_value
from noc_console.services.wall.config import WallSettings
from noc_console.views.plain_text import plain


class SettingsDialog(QDialog):
    """Signals:
    saved(object): the `Config` as written.
    """

    saved = Signal(object)

    def __init__(
        self,
        config: Config,
        path: Path,
        open_connectors: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings")
        self.setWindowTitle("Settings")
        self._config, self._path = config, path
        self.pages = QTabWidget(self)  # Ctrl+Tab / Ctrl+PgDown turn the pages
        self.pages.addTab(self._connectors_page(open_connectors), "&Connectors")
        self.pages.addTab(self._appearance_page(), "&Appearance")
        self.pages.addTab(self._alarms_page(), "A&larms")
        self.pages.addTab(self._wall_page(), "&Wall")
        self.pages.addTab(self._shifts_page(), "Shi&fts")
        self.pages.addTab(self._communications_page(), "Co&mmunications")
        self.problem = QLabel(self)
        self.problem.setObjectName("settingsProblem")
        self.problem.setWordWrap(True)
        plain(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        box = QVBoxLayout(self)
        box.addWidget(self.pages, 1)
        box.addWidget(QLabel(f"Saved to {path}; changes apply at the next start.", self))
        box.addWidget(self.problem)
        box.addWidget(buttons)

    # ----------------------------------------------------------- pages
    def _connectors_page(self, open_connectors: Callable[[], None] | None) -> QWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        names = ", ".join(c.name for c in self._config.connectors) or "none (the demo feed)"
        box.addWidget(QLabel(f"Configured: {names}", page))
        button = QPushButton("Edit connectors…", page)
        button.setEnabled(open_connectors is not None)
        if open_connectors is not None:
            button.clicked.connect(open_connectors)
        box.addWidget(button)
        box.addStretch(1)
        return page

    def _appearance_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.theme = QComboBox(page)
        self.theme.addItems(["dark", "light", "system"])
        self.theme.setCurrentText(self._config.theme)
        form.addRow("&Theme", self.theme)
        return page

    def _alarms_page(self) -> QWidget:
        alarms = self._config.alarms
        page = QWidget(self)
        grid = QGridLayout(page)
        for column, title in enumerate(("", "Notify", "Sound", "WAV file (empty: its tone)")):
            grid.addWidget(QLabel(title, page), 0, column)
        self.notify: dict[Priority, QCheckBox] = {}
        self.sound: dict[Priority, QCheckBox] = {}
        self.sound_file: dict[Priority, QLineEdit] = {}
        for row, priority in enumerate(Priority, start=1):
            grid.addWidget(QLabel(priority.value, page), row, 0)
            self.notify[priority] = QCheckBox(page)
            self.notify[priority].setChecked(priority in alarms.notify)
            self.sound[priority] = QCheckBox(page)
            self.sound[priority].setChecked(priority in alarms.sounding)
            self.sound_file[priority] = QLineEdit(alarms.sound_files.get(priority.value, ""), page)
            grid.addWidget(self.notify[priority], row, 1)
            grid.addWidget(self.sound[priority], row, 2)
            grid.addWidget(self.sound_file[priority], row, 3)
        self.repeat = QLineEdit(duration_text(alarms.repeat), page)
        self.repeat.setObjectName("alarmRepeat")
        grid.addWidget(QLabel("&Repeat a sounding alarm every", page), 5, 0, 1, 3)
        grid.addWidget(self.repeat, 5, 3)
        grid.setRowStretch(6, 1)
        return page

    def _wall_page(self) -> QWidget:
        wall = self._config.wall
        page = QWidget(self)
        form = QFormLayout(page)
        self.wall_pages = QLineEdit(", ".join(wall.pages), page)
        self.wall_interval = QLineEdit(f"{wall.page_interval_s:g}", page)
        self.wall_rows = QLineEdit(str(wall.rows_per_page), page)
        self.wall_stale = QLineEdit(f"{wall.stale_after_s:g}", page)
        form.addRow("&Pages (in order)", self.wall_pages)
        form.addRow("Seconds per &page", self.wall_interval)
        form.addRow("&Rows per list page", self.wall_rows)
        form.addRow("&Stale after (seconds)", self.wall_stale)
        return page

    def _shifts_page(self) -> QWidget:
        plan = self._config.shifts
        page = QWidget(self)
        form = QFormLayout(page)
        self.timezone = QLineEdit(plan.timezone, page)
        self.shifts = QPlainTextEdit(page)
        self.shifts.setPlainText(
            "\n".join(f"{s.name} {s.start:%H:%M}-{s.end:%H:%M}" for s in plan.shifts)
        )
        form.addRow("&Time zone", self.timezone)
        form.addRow("S&hifts (name HH:MM-HH:MM)", self.shifts)
        return page

    def _communications_page(self) -> QWidget:
        """The NOC's client update per phase (a client's own wording: in the file)."""
        page = QWidget(self)
        form = QFormLayout(page)
        templates = self._config.communications.template_set()
        self.templates: dict[Phase, QPlainTextEdit] = {}
        for phase in Phase:
            field = QPlainTextEdit(templates.defaults.get(phase, ""), page)
            field.setTabChangesFocus(True)
            self.templates[phase] = field
            form.addRow(f"{phase.label} update", field)
        hint = QLabel("Variables: " + ", ".join("{" + v + "}" for v in VARIABLES)
                      + ". A client's own wording: [communications.clients.<id>] in the "
                      "file (docs/major-incidents.md).", page)  # fmt: skip
        hint.setWordWrap(True)
        form.addRow(hint)
        return page

    # ----------------------------------------------------------- saving
    def values(self) -> dict[str, Any]:
        """What the pages say, as the file's keys and values (checked on saving); a
        value left at its default is not written (None: the key goes)."""
        files = {p.value: f.text().strip() for p, f in self.sound_file.items() if f.text().strip()}
        alarms = {
            "notify": [p.value for p, box in self.notify.items() if box.isChecked()],
            "sounding": [p.value for p, box in self.sound.items() if box.isChecked()],
            "repeat": self.repeat.text().strip(),
            "sound_files": files,
        }
        wall = {
            "pages": [p.strip() for p in self.wall_pages.text().split(",") if p.strip()],
            "page_interval_s": _number(self.wall_interval.text()),
            "rows_per_page": _number(self.wall_rows.text()),
            "stale_after_s": _number(self.wall_stale.text()),
        }
        shifts = tuple(_shift(line) for line in self.shifts.toPlainText().splitlines()
                       if line.strip())  # fmt: skip
        default_shifts = tuple(
            {"name": s.name, "start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}"}
            for s in ShiftPlan().shifts
        )
        return {
            "theme": self.theme.currentText(),
            "alarms": _changed(alarms, AlarmSettings()),
            "wall": _changed(wall, WallSettings()),
            "handover": _changed({"timezone": self.timezone.text().strip()}, HandoverTable()),
            "shifts": None if shifts in ((), default_shifts) else shifts,
            "communications": {"templates": _templates(self.templates)},
        }

    def save(self) -> None:
        """Write the pages; on a refusal say which key and why, and keep the file."""
        try:
            config = save_settings(self._path, self.values())
        except ConfigError as exc:
            self.problem.setText(f"Not saved: {exc.key}: {exc.problem}")
            return
        self.problem.setText("Saved.")
        self._config = config
        self.saved.emit(config)


def _changed(values: dict[str, Any], defaults: object) -> dict[str, Any]:
    """`values`, with None for those equal to `defaults`' (as the file writes them)."""
    return {
        key: None if value == toml_value(getattr(defaults, key)) else value
        for key, value in values.items()
    }


def _templates(fields: dict[Phase, QPlainTextEdit]) -> dict[str, str] | None:
    """The phases worded otherwise than built in (None: every one is as built in)."""
    changed = {phase.value: field.toPlainText() for phase, field in fields.items()
               if field.toPlainText() != DEFAULT_TEMPLATES[phase]}  # fmt: skip
    return changed or None


def _number(text: str) -> Any:
    """A number typed in a box; anything else as typed (the reader names the key)."""
    for kind in (int, float):
        try:
            return kind(text.strip())
        except ValueError:
            continue
    return text.strip()


def _shift(line: str) -> dict[str, str]:
    """ "Early 07:00-15:00" → a `[[shifts]]` table (the reader checks the times)."""
    name, _, span = line.strip().rpartition(" ")
    start, _, end = span.partition("-")
    return {"name": name.strip() or span, "start": start.strip(), "end": end.strip()}
