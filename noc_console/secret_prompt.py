"""Reading a secret a person types (no echo), or a script pipes in (the first line).

Part of the command line: `connectors set-secret` and `db set-password` use it.
"""

from __future__ import annotations

import getpass
import sys


def read_secret(prompt: str) -> str:
    """The secret from the terminal without echo, or from standard input's first line;
    "" when none was given."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()
