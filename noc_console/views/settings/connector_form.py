"""The fields of one connector, as a form built from its type's declared fields.

`services/sources/config.py` declares each field once (type, default, description);
this form shows the fields `TYPE_FIELDS` lists for the chosen type, with the
description as tooltip, and turns the widgets back into a `ConnectorConfig`. The
secret has its own password field: it is never shown, never written to the config,
and only goes to the keyring when the user saves.
"""

from __future__ import annotations

from dataclasses import MISSING, fields, replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from noc_console.services.sources.config import (
    CONNECTOR_TYPES,
    NEEDS_SECRET,
    TYPE_FIELDS,
    TYPE_LABELS,
    ConnectorConfig,
)

CHOICES = {"auth": ("token", "basic")}
#: What a 0 means, shown instead of the 0.
ZERO_MEANS = {"page_size": "vendor's maximum", "requests_per_minute": "vendor's default"}
LABELS = {
    "base_url": "Base &URL",
    "auth": "&Authentication",
    "username": "User na&me",
    "timezone": "RT time &zone",
    "tier_field": "Tier custom field",
    "ca_bundle": "CA bundle (PEM file)",
    "requests_per_minute": "Requests per minute",
    "timeout_s": "Read timeout (seconds)",
    "page_size": "Page size",
    "allow_insecure_http": "Allow plain &http (test lab)",
    "seed": "Random seed",
    "speed": "Simulated seconds per second",
}
SPECS = {f.name: f for f in fields(ConnectorConfig)}


class ConnectorForm(QWidget):
    """Signals:
    type_changed(str): the user picked another connector type.
    """

    type_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.name = QLineEdit()
        self.label = QLineEdit()
        self.type = QComboBox()
        for kind in CONNECTOR_TYPES:
            self.type.addItem(TYPE_LABELS[kind], kind)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setObjectName("secret")
        self.layout_.addRow("&Name", self.name)
        self.layout_.addRow("&Label", self.label)
        self.layout_.addRow("T&ype", self.type)
        self.editors: dict[str, QWidget] = {}
        self._config = ConnectorConfig(name="", type="rt")
        self.type.currentIndexChanged.connect(self._type_picked)

    def load(self, config: ConnectorConfig, secret_stored: bool) -> None:
        self._config = config
        self.name.setText(config.name)
        self.label.setText(config.label)
        self.type.blockSignals(True)
        self.type.setCurrentIndex(CONNECTOR_TYPES.index(config.type))
        self.type.blockSignals(False)
        self._build(config, secret_stored)

    def config(self) -> ConnectorConfig:
        """The form as a config (not yet validated: saving does that)."""
        values: dict[str, Any] = {"name": self.name.text().strip(),
                                  "label": self.label.text().strip(),
                                  "type": self.type.currentData()}  # fmt: skip
        for name, editor in self.editors.items():
            values[name] = _value(editor)
        return replace(self._config, **values)

    def typed_secret(self) -> str:
        return self.secret.text()

    def _type_picked(self) -> None:
        kind = str(self.type.currentData())
        self._config = replace(self.config(), type=kind, mapping={})
        self._build(self._config, secret_stored=False)
        self.type_changed.emit(kind)

    def _build(self, config: ConnectorConfig, secret_stored: bool) -> None:
        while self.layout_.rowCount() > 3:
            self.layout_.removeRow(3)  # deletes the row's widgets
        self.editors = {}
        for name in TYPE_FIELDS.get(config.type, ()):
            if name == "secret":
                continue
            editor = _editor(name, getattr(config, name))
            editor.setObjectName(name)
            editor.setToolTip(str(SPECS[name].metadata.get("doc", "")))
            self.editors[name] = editor
            self.layout_.addRow(LABELS.get(name, name.replace("_", " ").capitalize()), editor)
        if config.type in NEEDS_SECRET:
            self.secret = QLineEdit()
            self.secret.setEchoMode(QLineEdit.EchoMode.Password)
            self.secret.setObjectName("secret")
            self.secret.setPlaceholderText(
                "stored in the keyring — type to replace" if secret_stored else "not set"
            )
            self.layout_.addRow("&Secret (token or password)", self.secret)


def _editor(name: str, value: Any) -> QWidget:
    if name in CHOICES:
        box = QComboBox()
        box.addItems(CHOICES[name])
        box.setCurrentText(str(value))
        return box
    kind = SPECS[name].type
    if kind == "bool":
        check = QCheckBox()
        check.setChecked(bool(value))
        return check
    if kind == "int":
        spin = QSpinBox()
        spin.setRange(0, 1_000_000)
        spin.setSpecialValueText(ZERO_MEANS.get(name, ""))
        spin.setValue(int(value))
        return spin
    if kind == "float":
        real = QDoubleSpinBox()
        real.setRange(0, 1_000_000)
        real.setDecimals(1)
        real.setSpecialValueText(ZERO_MEANS.get(name, ""))
        real.setValue(float(value))
        return real
    line = QLineEdit(str(value))
    default = SPECS[name].default
    if default is not MISSING and default:
        line.setPlaceholderText(str(default))
    return line


def _value(editor: QWidget) -> Any:
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QComboBox):
        return editor.currentText()
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QDoubleSpinBox):
        return editor.value()
    assert isinstance(editor, QLineEdit)
    return editor.text().strip()
