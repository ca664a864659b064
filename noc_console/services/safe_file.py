"""Files the console writes or keeps for the user (config.toml, the plain-text secrets
file, handover HTML and PDF): bounded reads and atomic, private writes.

Reading accepts only a regular file and never reads more than its bound:
`--config /dev/zero` once grew the process to 2.7 GB, and a FIFO nobody writes to
blocks `open()` forever; both are refused before a byte is read. Writing goes to a
temp file in the target's folder (created 0600 with O_EXCL, so no leftover decides its
mode), is fsynced, then renamed over the target. Through a symbolic link (a config
kept in a dotfiles repository) the link's target is replaced and the link stays.
Folders it creates are 0700. A disk that fills up mid-write raises and leaves the
target as it was (a handover PDF once came out truncated with exit 0). Errors are
`OSError`s with the system's reason; callers say which file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


class NotASmallFile(OSError):
    """The path is not a regular file, or is larger than the caller's bound."""


def read_small(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them (else
    `NotASmallFile`); never blocks on a FIFO."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise _not_regular(path)
    # O_NONBLOCK: should the path have become a FIFO since the stat, open() must not wait.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _not_regular(path)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotASmallFile(errno.EFBIG, f"larger than {_size(limit)}", str(path))
    return data


def replace_atomically(
    path: Path, data: bytes, mode: int | None = None, create_folders: bool = True
) -> None:
    """Make `data` the content of `path` (or of the file a link at `path` points to), all
    or nothing. The file gets `mode`; without one it keeps its own, a new file 0600.
    Missing folders are created (0700) unless `create_folders` is False: an output path
    the user typed names a folder that must exist (a typo is not a new folder)."""
    target = _resolved(path)
    if create_folders:
        make_private_folders(target.parent)
    if mode is None:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = PRIVATE_FILE
    fd, name = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)  # after creation: the umask cannot take bits away
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder to sync it)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # the file is in place and its data synced; only the rename may lag
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder
    finally:
        os.close(fd)


def make_private_folders(folder: Path) -> None:
    """Create `folder` and its missing parents, each 0700 (whatever the umask); folders
    that exist are left as they are."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        os.chmod(created, PRIVATE_FOLDER)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()  # every link followed; a missing file resolves as it is
    except RuntimeError as exc:  # a symlink loop, before Python 3.13
        raise OSError(errno.ELOOP, str(exc), str(path)) from None


def _not_regular(path: Path) -> NotASmallFile:
    return NotASmallFile(errno.EINVAL, "not a regular file (a folder, device or pipe)", str(path))


def _size(limit: int) -> str:
    return f"{limit // 1024 // 1024} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
