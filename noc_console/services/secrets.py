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
from noc_console.services.safe_file import PRIVATE_FILE, read_small, replace_atomically

SERVICE = APP_ID
_INSECURE = ("fail", "null", "plaintext", "chainer")  # module names of unusable backends
MAX_SECRETS_BYTES = 1024 * 1024


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
    """Opt-in fallback: a JSON object {"service/name": secret} in a file only its owner
    can read (0600, in a 0700 folder if it creates one: services/safe_file.py).

    A file that is not such an object (a crash mid-copy, an editor, a disk error) is
    refused with its path and what to do, by every read and write: writing over it
    would silently lose every secret it still holds.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, str]:
        try:
            raw = read_small(self.path, MAX_SECRETS_BYTES)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretsUnavailable(
                f"cannot read the secrets file {self.path}: {exc.strerror or exc}"
            ) from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._corrupt(f"not valid JSON: {exc}") from None
        if not isinstance(data, dict) or not all(
            isinstance(v, str) for v in data.values()
        ):  # fmt: skip
            raise self._corrupt(f"not an object of strings but {_shape(data)}")
        return data

    def _corrupt(self, why: str) -> SecretsUnavailable:
        return SecretsUnavailable(
            f"the secrets file {self.path} is corrupt ({why}); move it aside (or fix it) "
            "and store the secrets again with `noc-console connectors set-secret NAME`"
        )

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
        # Earlier versions wrote through a fixed `secrets.tmp` opened with O_TRUNC: a
        # leftover one kept its mode (0644 seen) and passed it on. It holds secrets.
        self.path.with_suffix(".tmp").unlink(missing_ok=True)
        try:
            replace_atomically(self.path, json.dumps(data).encode("utf-8"), PRIVATE_FILE)
        except OSError as exc:
            raise SecretsUnavailable(
                f"cannot write the secrets file {self.path}: {exc.strerror or exc}"
            ) from None


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


def _shape(data: object) -> str:
    if isinstance(data, dict):
        return "an object with other values"
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(data), "a number")
