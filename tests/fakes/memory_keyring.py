"""Keyring backends for tests, so no test ever touches the developer's keyring.

`MemoryKeyring` is installed for every test by tests/conftest.py. `FileKeyring` is for
subprocesses (the CLI end-to-end tests): `PYTHON_KEYRING_BACKEND=
tests.fakes.memory_keyring.FileKeyring` with `NOC_TEST_KEYRING` naming a JSON file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend
import keyring.errors


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority: float = 1

    def __init__(self) -> None:
        # KeyringBackend.__init__ has no annotations (untyped_calls_exclude misses super()).
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


class FileKeyring(MemoryKeyring):
    priority = 0.5  # keyring instantiates every backend it finds

    def __init__(self) -> None:
        super().__init__()
        self.path = Path(os.environ.get("NOC_TEST_KEYRING", os.devnull))
        if self.path.is_file():
            stored = json.loads(self.path.read_text())
            self.entries = {tuple(k.split("/", 1)): v for k, v in stored.items()}

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service, username, password)
        if self.path != Path(os.devnull):
            stored = {f"{s}/{u}": v for (s, u), v in self.entries.items()}
            self.path.write_text(json.dumps(stored))
