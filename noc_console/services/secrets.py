"""Connector secrets in the OS keyring — the only module that imports `keyring`.

Config files name a secret (`secret = "rt-prod"`); its value lives in the platform's
keyring (Windows Credential Locker, macOS Keychain, Secret Service or KWallet on
Linux) under the service "noc-console". When no secure backend exists the console
says so, with what to install, and refuses to keep secrets in plain text unless the
configuration opts in (`allow_plaintext_secrets = true`): then they go to a file only
the user can read, and every screen that shows the keyring state says so.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import keyring.backend

from noc_console import APP_ID
from noc_console.models.errors import EnvironmentProblem

SERVICE = APP_ID
_INSECURE = ("fail", "null", "plaintext", "chainer")  # module names of unusable backends


class SecretsUnavailable(EnvironmentProblem):
    """No keyring can hold secrets here; the message says what to install or enable."""


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    secure: bool
    backend: str  # what keyring chose, for the settings dialog
    advice: str  # "" when secure


def _keyring() -> ModuleType:
    """`keyring`, imported on first use: loading its backends costs ~40 ms, and a console
    on the demo feed (or on sources without secrets) never needs it."""
    import keyring
    import keyring.errors

    return keyring


class _Backend(Protocol):
    def get_password(self, service: str, username: str) -> str | None: ...
    def set_password(self, service: str, username: str, password: str) -> None: ...
    def delete_password(self, service: str, username: str) -> None: ...


class PlaintextFileKeyring:
    """Opt-in fallback: a JSON file readable only by its owner (0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            data = self._load()
            data[f"{service}/{username}"] = password
            self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            data = self._load()
            if data.pop(f"{service}/{username}", None) is not None:
                self._write(data)

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_suffix(".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(temp, self.path)


class SecretStore:
    """Get, set and delete named secrets; raises `SecretsUnavailable` when it cannot."""

    def __init__(self, allow_plaintext: bool = False, plaintext_path: Path | None = None) -> None:
        self.allow_plaintext = allow_plaintext
        self.plaintext_path = plaintext_path

    def status(self) -> KeyringStatus:
        backend = _keyring().get_keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        if _secure(backend):
            return KeyringStatus(True, name, "")
        if self.allow_plaintext and self.plaintext_path is not None:
            return KeyringStatus(False, f"plain-text file {self.plaintext_path}", "")
        return KeyringStatus(False, name, _advice())

    def get(self, name: str) -> str | None:
        errors = _keyring().errors
        try:
            return self._backend().get_password(SERVICE, name)
        except errors.KeyringError as exc:
            raise SecretsUnavailable(
                f"cannot read secret {name!r} from the keyring: {exc}"
            ) from None

    def set(self, name: str, value: str) -> None:
        errors = _keyring().errors
        try:
            self._backend().set_password(SERVICE, name, value)
        except errors.KeyringError as exc:
            raise SecretsUnavailable(
                f"cannot store secret {name!r} in the keyring: {exc}"
            ) from None

    def delete(self, name: str) -> None:
        errors = _keyring().errors
        try:
            self._backend().delete_password(SERVICE, name)
        except errors.PasswordDeleteError:
            pass  # already gone
        except errors.KeyringError as exc:
            raise SecretsUnavailable(f"cannot delete secret {name!r}: {exc}") from None

    def _backend(self) -> _Backend:
        backend: keyring.backend.KeyringBackend = _keyring().get_keyring()
        if _secure(backend):
            return backend
        if self.allow_plaintext and self.plaintext_path is not None:
            return PlaintextFileKeyring(self.plaintext_path)
        raise SecretsUnavailable(f"no secure keyring is available: {_advice()}")


def _secure(backend: keyring.backend.KeyringBackend) -> bool:
    module = type(backend).__module__.lower().split(".")[-1]
    if "plaintext" in type(backend).__name__.lower():
        return False
    if any(part in module for part in _INSECURE):
        chained = getattr(backend, "backends", ())
        return bool(chained) and any(_secure(b) for b in chained)
    return float(backend.priority) > 0


def _advice() -> str:
    if sys.platform.startswith("linux"):
        how = (
            "install and unlock a Secret Service provider (GNOME Keyring, KeePassXC) or "
            "KWallet, with the Python 'secretstorage' or 'dbus-python' package"
        )
    else:
        how = "enable the system keychain (Keychain on macOS, Credential Locker on Windows)"
    return (
        f"{how}; or, knowing the risk, set allow_plaintext_secrets = true in the config "
        "to keep secrets in a file only you can read"
    )
