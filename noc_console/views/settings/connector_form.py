"""The fields of one connector, as a form built from its type's declaration.

The types offered are those of `connectors/registry.py`; each type's settings
dataclass declares its fields once (type, default, description, label, choices); this
form shows them with the description as tooltip and turns the widgets back into a
`ConnectorConfig`. The secret has its own password field, named by the type's secret
kind: it is never shown, never written to the config, and only goes to the keyring
when the user saves. (`secret` among the settings is the keyring entry's name: kept,
not shown.)
"""

from __future__ import annotations

from dataclasses import MISSING, Field, replace
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

from noc_console.connectors.registry import connector_type, connector_types
from noc_console.connectors.settings import ordered_fields
from noc_console.services.sources.config import ConnectorConfig, new_connector, retyped

HIDDEN = ("secret",)  # the keyring entry's name: kept as configured, not edited here


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
        for kind in connector_types():
            self.type.addItem(kind.label, kind.key)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setObjectName("secret")
        self.layout_.addRow("&Name", self.name)
        self.layout_.addRow("&Label", self.label)
        self.layout_.addRow("T&ype", self.type)
        self.editors: dict[str, QWidget] = {}
        self._config = new_connector("", str(self.type.currentData()))
        self.type.currentIndexChanged.connect(self._type_picked)

    def load(self, config: ConnectorConfig[Any], secret_stored: bool) -> None:
        self._config = config
        self.name.setText(config.name)
        self.label.setText(config.label)
        self.type.blockSignals(True)
        self.type.setCurrentIndex(self.type.findData(config.type))
        self.type.blockSignals(False)
        self._build(config, secret_stored)

    def config(self) -> ConnectorConfig[Any]:
        """The form as a config (not yet validated: saving does that)."""
        edited = {name: _value(editor) for name, editor in self.editors.items()}
        return replace(self._config, name=self.name.text().strip(),
                       label=self.label.text().strip(),
                       settings=replace(self._config.settings, **edited))  # fmt: skip

    def typed_secret(self) -> str:
        return self.secret.text()

    def _type_picked(self) -> None:
        kind = str(self.type.currentData())
        self._config = retyped(self.config(), kind)
        self._build(self._config, secret_stored=False)
        self.type_changed.emit(kind)

    def _build(self, config: ConnectorConfig[Any], secret_stored: bool) -> None:
        while self.layout_.rowCount() > 3:
            self.layout_.removeRow(3)  # deletes the row's widgets
        self.editors = {}
        for spec in ordered_fields(type(config.settings)):
            if spec.name in HIDDEN:
                continue
            editor = _editor(spec, getattr(config.settings, spec.name))
            editor.setObjectName(spec.name)
            editor.setToolTip(str(spec.metadata.get("doc", "")))
            self.editors[spec.name] = editor
            label = spec.metadata.get("label") or spec.name.replace("_", " ").capitalize()
            self.layout_.addRow(label, editor)
        kind = connector_type(config.type)
        if kind is not None and kind.needs_secret:
            self.secret = QLineEdit()
            self.secret.setEchoMode(QLineEdit.EchoMode.Password)
            self.secret.setObjectName("secret")
            self.secret.setPlaceholderText(
                "stored in the keyring — type to replace" if secret_stored else "not set"
            )
            self.layout_.addRow(f"&Secret ({kind.secret.value})", self.secret)


def _editor(spec: Field[Any], value: Any) -> QWidget:
    choices = spec.metadata.get("choices")
    if choices:
        box = QComboBox()
        box.addItems(choices)
        box.setCurrentText(str(value))
        return box
    zero = str(spec.metadata.get("zero", "")).removeprefix("the ")  # shown instead of a 0
    kind = spec.type
    if kind == "bool":
        check = QCheckBox()
        check.setChecked(bool(value))
        return check
    if kind == "int":
        spin = QSpinBox()
        spin.setRange(0, 1_000_000)
        spin.setSpecialValueText(zero)
        spin.setValue(int(value))
        return spin
    if kind == "float":
        real = QDoubleSpinBox()
        real.setRange(0, 1_000_000)
        real.setDecimals(1)
        real.setSpecialValueText(zero)
        real.setValue(float(value))
        return real
    line = QLineEdit(str(value))
    default = spec.default
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
