"""The settings dialog offers and edits whatever connector types the registry holds:
a type registered by a test gets its label, its fields with their descriptions, its
secret's name and its default mapping, and is saved as the file format says."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from noc_console.services.config import load_config
from noc_console.services.secrets import SecretStore
from noc_console.views.settings.connectors import ConnectorSettingsDialog
from tests.fakes import fake_vendor
from tests.fakes.fake_vendor import REGION_DOC, AcmeSettings
from tests.fakes.memory_keyring import MemoryKeyring
from tests.views.table_cells import cell_text


def test_a_registered_type_is_offered_edited_and_saved(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    fake_vendor.register(monkeypatch)
    path = tmp_path / "config.toml"
    path.write_text("# notes\n", encoding="utf-8")
    dialog = ConnectorSettingsDialog(load_config(path), path, SecretStore())
    qtbot.addWidget(dialog)
    dialog.add_connector()
    form = dialog.form
    index = form.type.findText("Acme PSA")
    assert index >= 0
    form.type.setCurrentIndex(index)  # the user picks the type: the form is rebuilt

    assert list(form.editors)[:2] == ["base_url", "region"]  # the vendor's own after base_url
    assert "secret" not in form.editors  # the keyring entry's name is not edited here
    region = form.editors["region"]
    assert isinstance(region, QLineEdit)
    assert region.toolTip() == REGION_DOC
    secret_label = form.layout_.labelForField(form.secret)
    assert isinstance(secret_label, QLabel)
    assert "client secret" in secret_label.text()
    mapped = [cell_text(dialog.mapping.table, r, 1) for r in range(dialog.mapping.table.rowCount())]
    assert "Open" in mapped  # the type's default mapping

    form.name.setText("acme-eu")
    base_url = form.editors["base_url"]
    assert isinstance(base_url, QLineEdit)
    base_url.setText("https://acme.example/api")
    region.setText("eu")
    form.secret.setText("acme-secret")
    dialog.save()
    assert dialog.status.text().startswith("Saved"), dialog.status.text()

    (saved,) = load_config(path).connectors
    assert (saved.name, saved.type) == ("acme-eu", "acme_psa")
    assert saved.settings == AcmeSettings(base_url="https://acme.example/api", region="eu")
    assert memory_keyring.entries == {("noc-console", "acme-eu"): "acme-secret"}
    text = path.read_text(encoding="utf-8")
    assert text == (
        '# notes\nschema_version = 2\n\n[[connectors]]\nname = "acme-eu"\ntype = "acme_psa"\n'
        'base_url = "https://acme.example/api"\nregion = "eu"\n'
    )
