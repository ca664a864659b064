"""Writing an output file whole or not at all (handover HTML and PDF).

A disk that fills up mid-write left a truncated PDF behind and, since nothing checked,
reported success. Here the bytes go to a new file beside the target, are flushed to
the disk (`fsync`), and only then renamed over the target — one atomic step on POSIX
and Windows. Any failure raises `OSError` with the system's reason ("No space left on
device", "File too large") and leaves the target as it was, with no temporary file.
The new file gets the usual permissions (0666 less the umask), like any other output.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data`; raises OSError (target unchanged) if that fails."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked; a full disk raises
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


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
