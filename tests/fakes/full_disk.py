"""A disk that fills up after N bytes, without root: RLIMIT_FSIZE for one process.

A write past the limit fails with EFBIG ("File too large") — a genuine short write,
as on a full disk — provided SIGXFSZ is ignored, which Python does at start-up and
`exec` keeps. The limit counts per file, so a process can still read its cache.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

_WRAPPER = (
    "import os, resource, sys; "
    "limit = int(sys.argv[1]); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)); "
    "os.execv(sys.argv[2], sys.argv[2:])"
)


def with_file_size_limit(argv: Sequence[str], limit: int) -> list[str]:
    """`argv` run so that no file it writes can grow past `limit` bytes (POSIX only)."""
    return [sys.executable, "-c", _WRAPPER, str(limit), *argv]
