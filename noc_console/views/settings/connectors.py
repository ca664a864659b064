"""Settings → Connectors: add, edit and remove sources, test them, save them.

The dialog edits a copy of the configured connectors. "Test connection" builds the
connector from the form as it is (with the secret just typed, if any) and runs the
checks of `services/sources/connection_check.py` on a thread of its own — never on the GUI
thread, never on the store's worker. "Save" validates and writes the config file
(comments kept) and puts typed secrets into the keyring; nothing secret is written
anywhere else. New settings take effect at the next start.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from noc_console.connectors.base import Check
from noc_console.models.clock import SystemClock
from noc_console.models.errors import NocError
from noc_console.models.priority import DEFAULT_MATRIX
from noc_console.services.config import Config
from noc_console.services.secrets import SecretStore
from noc_console.services.sources.config import ConnectorConfig, new_connector
from noc_console.services.sources.config_writer import save_connectors
from noc_console.services.sources.connection_check import check_connection
from noc_console.services.sources.factory import build_connector, default_mapping
from noc_console.views.plain_text import plain, tooltip
from noc_console.views.settings.connector_form import ConnectorForm
from noc_console.views.settings.mapping_editor import MappingEditor
from noc_console.views.worker import Op, SerialWorker

MARKS = {True: "✔", False: "✘", None: "?"}
COLOURS = {True: "#009e73", False: "#e0603a", None: "#e69f00"}  # Okabe–Ito, as the board


class ConnectorSettingsDialog(QDialog):
    """Signals:
    tested(list): a connection test finished, with its `Check`s.
    saved(object): the config was written; carries the new `Config`.
    """

    tested = Signal(list)
    saved = Signal(object)

    def __init__(self, config: Config, config_path: Path, secrets: SecretStore,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Connectors")
        self.resize(1000, 820)
        self._config, self._path, self._secrets = config, config_path, secrets
        self._connectors = list(config.connectors)
        self._typed: dict[str, str] = {}  # connector name → secret typed, not yet saved
        self._current = -1
        self._worker = SerialWorker(self)

        self.keyring = QLabel(self._keyring_text())
        self.keyring.setWordWrap(True)
        self.keyring.setObjectName("keyring")
        self.list = QListWidget()
        add, remove = QPushButton("&Add"), QPushButton("&Remove")
        add.clicked.connect(self.add_connector)
        remove.clicked.connect(self.remove_connector)
        left = QVBoxLayout()
        left.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        left.addLayout(row)
        self.form = ConnectorForm()
        self.mapping = MappingEditor()
        self.test_button = QPushButton("&Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.results = QListWidget()
        self.results.setObjectName("results")
        self.results.setMinimumHeight(self.results.fontMetrics().lineSpacing() * 8)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("status")
        plain(self.keyring, self.status)  # they quote backends' and config errors' words
        connection = QVBoxLayout()
        connection.addWidget(self.form)
        connection.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        connection.addWidget(self.results, 1)
        mappings = QVBoxLayout()
        hint = QLabel("The type's defaults; change a value to override it, add rows for "
                      "queues → clients or tiers. Only changes are saved.")  # fmt: skip
        hint.setWordWrap(True)
        mappings.addWidget(hint)
        mappings.addWidget(self.mapping, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(_holder(connection), "&Connection")
        self.tabs.addTab(_holder(mappings), "&Mappings")
        splitter = QSplitter()
        splitter.addWidget(_holder(left))
        splitter.addWidget(self.tabs)
        splitter.setSizes([220, 760])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Close)  # fmt: skip
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.form.type_changed.connect(lambda kind: self.mapping.load(default_mapping(kind), {}))
        self.list.currentRowChanged.connect(self._select)
        self._refill(0)

    # ------------------------------------------------------------ editing
    def add_connector(self) -> None:
        self._stash()
        taken = {c.name for c in self._connectors}
        name = next(f"rt-{n}" for n in range(1, 1000) if f"rt-{n}" not in taken)
        self._connectors.append(new_connector(name, "rt", base_url="https://"))
        self._refill(len(self._connectors) - 1)
        self.form.name.setFocus()

    def remove_connector(self) -> None:
        if 0 <= self._current < len(self._connectors):
            del self._connectors[self._current]
            self._current = -1
            self._refill(max(0, self.list.currentRow() - 1))

    def test_connection(self) -> None:
        self._stash()
        if not 0 <= self._current < len(self._connectors):
            return
        config = self._connectors[self._current]
        secret = self._typed.get(config.name, "")
        self.results.clear()
        self.results.addItem(f"Testing {config.label or config.name}…")
        self.test_button.setEnabled(False)

        def run() -> list[Check]:
            connector = build_connector(
                config, SystemClock(), DEFAULT_MATRIX, self._secrets, secret
            )
            return list(check_connection(connector, config))

        Op(run, self._show_checks, self._show_error).start(self._worker.run)

    def save(self) -> None:
        self._stash()
        try:  # secrets first: if the keyring refuses, the config is left as it was
            for name, secret in self._typed.items():
                if secret:
                    self._secrets.set(_secret_name(self._connectors, name), secret)
            new = save_connectors(self._path, self._connectors)
        except NocError as exc:
            self.status.setText(f"Not saved: {exc}")
            self.status.setStyleSheet("color: #d55e00;")
            return
        self._typed.clear()
        self._config = new
        self.status.setStyleSheet("")
        self.status.setText(f"Saved to {self._path}. Restart NOC Console to connect with these "
                            "settings.")  # fmt: skip
        self.saved.emit(new)

    # ------------------------------------------------------------ internals
    def _stash(self) -> None:
        """Keep the form's edits in the working list before switching away."""
        if 0 <= self._current < len(self._connectors):
            edited = replace(self.form.config(), mapping=self.mapping.overrides())
            old_name = self._connectors[self._current].name
            self._connectors[self._current] = edited
            typed = self.form.typed_secret()
            if typed:
                self._typed[edited.name] = typed
            elif old_name != edited.name and old_name in self._typed:
                self._typed[edited.name] = self._typed.pop(old_name)

    def _refill(self, select: int) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for c in self._connectors:
            self.list.addItem(c.name)
        self.list.blockSignals(False)
        self._current = -1
        if self._connectors:
            self.list.setCurrentRow(min(select, len(self._connectors) - 1))
        self.form.setEnabled(bool(self._connectors))

    def _select(self, row: int) -> None:
        self._stash()
        self._current = row
        if not 0 <= row < len(self._connectors):
            return
        config = self._connectors[row]
        self.form.load(config, self._secret_stored(config))
        self.mapping.load(default_mapping(config.type), config.mapping)
        self.results.clear()

    def _secret_stored(self, config: ConnectorConfig[Any]) -> bool:
        if config.kind is None or not config.kind.needs_secret:
            return False
        try:
            return bool(self._secrets.get(config.secret_name))
        except NocError:
            return False

    def _show_checks(self, checks: list[Check]) -> None:
        self.test_button.setEnabled(True)
        self.results.clear()
        for check in checks:
            item = QListWidgetItem(f"{MARKS[check.ok]}  {check.step}: {check.detail}")
            item.setForeground(QColor(COLOURS[check.ok]))
            item.setToolTip(tooltip(check.detail))  # what the server said: plain text
            self.results.addItem(item)
        self.tested.emit(checks)

    def _show_error(self, error: BaseException) -> None:
        self._show_checks([Check("test", False, str(error))])

    def _keyring_text(self) -> str:
        status = self._secrets.status()
        if status.secure:
            return f"Secrets are kept in the system keyring ({status.backend})."
        if not status.advice:
            return f"⚠ Secrets are kept in a {status.backend} — not encrypted (you opted in)."
        return f"⚠ No secure keyring: secrets cannot be saved. {status.advice}."

    def done(self, result: int) -> None:
        self._worker.close()
        super().done(result)


def _holder(layout: QVBoxLayout | QHBoxLayout) -> QWidget:
    widget = QWidget()
    widget.setLayout(layout)
    return widget


def _secret_name(connectors: list[ConnectorConfig[Any]], name: str) -> str:
    return next((c.secret_name for c in connectors if c.name == name), name)
