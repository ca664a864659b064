"""The plain-text secrets file (opt-in, `allow_plaintext_secrets`) stays the owner's only
and is never silently lost (issue 14 items 14 and 19).

- Permissions: the file 0600 and a folder it creates 0700 whatever the umask and
  whatever a stale `secrets.tmp` from a crashed write looked like.
- A corrupt file (not JSON, not an object of strings, binary garbage) is one clear
  error naming the file and what to do, and `set` refuses rather than overwrite the
  secrets it holds.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from noc_console.services.secrets import SecretStore, SecretsUnavailable


@pytest.fixture(autouse=True)
def no_keyring() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture
def loose_umask() -> Iterator[None]:
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def plaintext(path: Path) -> SecretStore:
    return SecretStore(allow_plaintext=True, plaintext_path=path)


@pytest.mark.usefixtures("loose_umask")
def test_a_stale_world_readable_temp_file_does_not_leak_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    stale = tmp_path / "secrets.tmp"
    stale.write_text('{"noc-console/old": "leaked"}', encoding="utf-8")
    stale.chmod(0o644)
    plaintext(path).set("rt-prod", "s3cret-token")
    assert mode(path) == 0o600
    assert not stale.exists()
    assert plaintext(path).get("rt-prod") == "s3cret-token"
    assert plaintext(path).get("old") is None


@pytest.mark.usefixtures("loose_umask")
def test_a_world_readable_secrets_file_is_made_private_on_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_text('{"noc-console/old": "kept"}', encoding="utf-8")
    path.chmod(0o644)
    plaintext(path).set("rt-prod", "s3cret-token")
    assert mode(path) == 0o600
    assert plaintext(path).get("old") == "kept"


@pytest.mark.usefixtures("loose_umask")
def test_a_new_folder_is_the_owners_only(tmp_path: Path) -> None:
    path = tmp_path / "config" / "noc-console" / "secrets.json"
    plaintext(path).set("rt-prod", "s3cret-token")
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secrets.json"]


CORRUPT = [
    (b'{"noc-console/rt-prod": "s3cret"', "not valid JSON"),
    (b'["noc-console/rt-prod", "s3cret"]', "not an object"),
    (b'{"noc-console/rt-prod": {"token": "s3cret"}}', "not an object of strings"),
    (b'{"noc-console/rt-prod": 42}', "not an object of strings"),
    (b"\x00\xff\xfe garbage \x9c\x80" * 64, "not valid JSON"),
    (b"", "not valid JSON"),
]


@pytest.mark.parametrize(("content", "problem"), CORRUPT)
def test_a_corrupt_file_is_one_clear_error_and_is_never_overwritten(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "secrets.json"
    path.write_bytes(content)
    store = plaintext(path)
    with pytest.raises(SecretsUnavailable) as read:
        store.get("rt-prod")
    message = str(read.value)
    assert str(path) in message
    assert problem in message
    assert "move it aside" in message
    assert "\n" not in message
    with pytest.raises(SecretsUnavailable, match="move it aside"):
        store.set("rt-prod", "new-token")
    with pytest.raises(SecretsUnavailable, match="move it aside"):
        store.delete("rt-prod")
    assert path.read_bytes() == content


def test_after_moving_it_aside_secrets_can_be_stored_again(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_bytes(b"{broken")
    store = plaintext(path)
    with pytest.raises(SecretsUnavailable):
        store.set("rt-prod", "new-token")
    path.rename(tmp_path / "secrets.json.broken")
    store.set("rt-prod", "new-token")
    assert store.get("rt-prod") == "new-token"
