"""The `[team]` table: the shared database a team's consoles and wall PCs use.

`database` is how a wall PC (or any console without a command line) joins a team: the
same as starting it with `--db`, which wins when both are given. A console on a shared
database runs no connectors; the sync service (`noc-console serve`) does (docs/team.md). The
URL never holds the password (the keyring or `.pgpass` do): one that does is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from noc_console.models.cache.database import is_shared
from noc_console.models.cache.postgres_login import holds_password, shown


def database_problem(url: object) -> str | None:
    if isinstance(url, str) and holds_password(url):
        return (
            f"holds a password ({shown(url)}): a config file is no place for it — remove it "
            "from the URL and store it with `noc-console --db URL db set-password` (the "
            "keyring) or in ~/.pgpass (docs/team.md)"
        )
    if isinstance(url, str) and (url == "" or is_shared(url)):
        return None
    return "must be a PostgreSQL URL like postgresql+psycopg://noc@db.example/noc (or empty)"


@dataclass(frozen=True, slots=True)
class TeamSettings:
    database: str = field(
        default="",
        metadata={
            "doc": "Shared PostgreSQL URL (team mode, docs/team.md), without the password "
            "(db set-password keeps it in the keyring, or ~/.pgpass); empty: this desk's own "
            "SQLite cache. --db wins.",
            "check": database_problem,
            "expect": 'a URL like "postgresql+psycopg://noc@db.example/noc"',
        },
    )
