"""Secrets go to the keyring, never to plain text unless the user opted in."""

import stat
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from noc_console.services.secrets import SecretStore, SecretsUnavailable
from tests.fakes.memory_keyring import MemoryKeyring


def test_secrets_round_trip_through_the_keyring(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.status().secure
    store.set("rt-prod", "s3cret-token")
    assert store.get("rt-prod") == "s3cret-token"
    assert memory_keyring.entries == {("noc-console", "rt-prod"): "s3cret-token"}
    store.delete("rt-prod")
    store.delete("rt-prod")  # deleting what is gone is fine
    assert store.get("rt-prod") is None


@pytest.fixture
def no_keyring() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.mark.usefixtures("no_keyring")
def test_without_a_secure_keyring_nothing_is_stored_and_the_user_is_told_what_to_do(
    tmp_path: Path,
) -> None:
    store = SecretStore(allow_plaintext=False, plaintext_path=tmp_path / "secrets.json")
    status = store.status()
    assert not status.secure
    assert "Secret Service" in status.advice or "keychain" in status.advice
    assert "allow_plaintext_secrets" in status.advice
    with pytest.raises(SecretsUnavailable, match="no secure keyring"):
        store.set("rt-prod", "s3cret-token")
    assert not (tmp_path / "secrets.json").exists()


@pytest.mark.usefixtures("no_keyring")
def test_plain_text_only_on_opt_in_and_only_for_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    store = SecretStore(allow_plaintext=True, plaintext_path=path)
    assert "plain-text file" in store.status().backend
    store.set("rt-prod", "s3cret-token")
    assert store.get("rt-prod") == "s3cret-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
