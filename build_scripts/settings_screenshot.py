"""Render docs/images/connector-settings.png: the connector settings dialog after a
"Test connection" against a real Request Tracker (started here, as the tests do).

    PYTHONPATH=. .venv/bin/python build_scripts/settings_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
from PySide6.QtWidgets import QApplication

from noc_console.services.config import load_config
from noc_console.services.secrets import SecretStore
from noc_console.views.settings.connectors import ConnectorSettingsDialog
from noc_console.views.theme import apply_dark_theme
from tests.fakes.memory_keyring import MemoryKeyring
from tests.peers.request_tracker import RtServer

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"


def main() -> int:
    app = QApplication(sys.argv[:1])
    apply_dark_theme(app)
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as folder:
        rt = RtServer(Path(folder)).start()
        try:
            rt.create_queue("Acme", "Acme Corp")
            for subject in ("VPN tunnel down at HQ", "Backup job failed", "Disk 91% on FS01"):
                rt.create_ticket("Acme", subject)
            path = Path(folder) / "config.toml"
            path.write_text(
                f'[[connectors]]\nname = "rt-contoso"\ntype = "rt"\nlabel = "RT — Contoso"\n'
                f'base_url = "{rt.url}"\nauth = "basic"\nusername = "root"\n'
                "allow_insecure_http = true\n",  # the RT started here answers plain http
                encoding="utf-8",
            )
            secrets = SecretStore()
            secrets.set("rt-contoso", "password")
            dialog = ConnectorSettingsDialog(load_config(path), path, secrets)
            dialog.show()
            done: list[object] = []
            dialog.tested.connect(done.append)
            dialog.test_connection()
            while not done:
                app.processEvents()
                QApplication.instance().thread().msleep(20)  # type: ignore[union-attr]
            app.processEvents()
            dialog.grab().save(str(IMAGES / "connector-settings.png"))
            dialog.close()
        finally:
            rt.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
