"""Who is delivering an outbox action: claim owners and whether they still live.

An outbox action is claimed (owner + lease) in the same transaction that marks it in
flight, so two processes sharing one cache — the GUI and `sync --once`, or the consoles
of a team on one database — never deliver it twice. A claim ends when its lease runs
out; a claimant on this machine whose process has died is known dead at once, so a
desk restarted after a crash does not wait for the lease.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass

from noc_console.models.record_text import is_number


@dataclass(frozen=True, slots=True)
class ClaimOwner:
    """This process as an outbox claimant: `host/pid/token`."""

    host: str
    pid: int
    token: str

    @classmethod
    def this_process(cls) -> ClaimOwner:
        return cls(socket.gethostname(), os.getpid(), secrets.token_hex(4))

    def __str__(self) -> str:
        return f"{self.host}/{self.pid}/{self.token}"


def is_dead(claimed_by: str, host: str | None = None) -> bool:
    """True when `claimed_by` names a process on this machine that no longer runs.

    A claimant on another machine is never known dead: its lease has to run out.
    """
    claim_host, _, rest = claimed_by.partition("/")
    pid_text = rest.partition("/")[0]
    if claim_host != (host or socket.gethostname()) or not is_number(pid_text):
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False
