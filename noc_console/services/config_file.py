"""The configuration file on disk: read with a bound, replaced atomically through links.

Reading: only a regular file, at most `MAX_BYTES`, UTF-8. `--config /dev/zero` once
grew the process to 2.7 GB and a FIFO nobody writes to blocks an `open()` forever;
both are refused before any byte is read. Writing (Settings → Connectors): when the
path is a symbolic link (a config kept in a dotfiles repository), the link's target
is replaced, with its permissions, and the link stays a link.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from noc_console.models.errors import ConfigError

MAX_BYTES = 1024 * 1024  # a hand-written config is a few KiB; 1 MiB is generous
FILE_KEY = "(file)"


def read_config_text(path: Path) -> str:
    """The text of `path`; `ConfigError` when it is not a regular UTF-8 file of at most
    `MAX_BYTES`. Never blocks on a FIFO and never reads more than `MAX_BYTES + 1`."""
    where = str(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise _not_regular(where)
        # O_NONBLOCK: if the path became a FIFO since the stat, open() must not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise _not_regular(where)
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(where, FILE_KEY, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(
            where, FILE_KEY, f"is larger than {MAX_BYTES // 1024 // 1024} MiB; is it the "
            "configuration file?"
        )  # fmt: skip
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            where, FILE_KEY, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None


def replace_config_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (temp file, fsync, rename). Through a symbolic
    link the target is replaced and keeps its permissions; a new file is 0600."""
    where = str(path)
    try:
        target = path.resolve()  # every link followed; a missing file resolves as it is
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python ≤ 3.12)
        raise ConfigError(where, FILE_KEY, f"cannot be resolved: {exc}") from None
    temp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode: int | None = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = None
        fd, name = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=target.parent)
        temp = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        raise ConfigError(where, FILE_KEY, f"cannot be written: {exc.strerror or exc}") from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def _not_regular(where: str) -> ConfigError:
    return ConfigError(
        where, FILE_KEY, "is not a regular file (a folder, device or pipe); give the path "
        "of a TOML file"
    )  # fmt: skip
