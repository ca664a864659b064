"""`noc-console --db URL db upgrade | set-password` (headless, no Qt; docs/team.md).

Part of the command line (nothing imports it but cli.py). `upgrade` migrates the schema
(concurrent upgrades of one PostgreSQL database take turns). `set-password` keeps the
password of the login the URL names in the keyring, then logs in with it to show that
it works: the URL itself never holds a password.
"""

from __future__ import annotations

import sys

from noc_console.models.cache.database import check_login, is_shared, upgrade
from noc_console.models.cache.postgres_login import login_name
from noc_console.secret_prompt import read_secret
from noc_console.services.config import Config
from noc_console.services.runtime import secret_store
from noc_console.services.team.database_password import DatabasePasswords

EXIT_USAGE = 2


def run_db_command(config: Config, db_url: str, command: str) -> int:
    if command == "set-password":
        return _set_password(config, db_url)
    before, after = upgrade(db_url)
    done = f"schema {before or 'none'} → {after}" if before != after else f"schema {after}: current"
    print(done)
    return 0


def _set_password(config: Config, db_url: str) -> int:
    if not is_shared(db_url):
        print("noc-console: db set-password is for a team's shared PostgreSQL: give --db "
              "postgresql+psycopg://… (an SQLite cache has no password)",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    login = login_name(db_url)
    password = read_secret(f"Password of {login}: ")
    if not password:
        print("noc-console: no password given; nothing stored", file=sys.stderr)
        return EXIT_USAGE
    backend = DatabasePasswords(secret_store(config)).store(db_url, password)
    print(f"stored the password of {login} in {backend}")
    check_login(db_url)  # a StoreError (one line, exit 1) says what is still wrong
    print("logged in with it")
    return 0
