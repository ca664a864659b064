"""The shared database's password in the OS keyring (docs/team.md, "Security").

A URL in a config file, a systemd unit or a process list never holds the password: it
is kept in the keyring under the login's name (`database postgresql://ROLE@HOST:PORT/DB`,
whatever the URL's driver and TLS options), stored with `noc-console --db URL db
set-password`. Installed as the process's password source, it is asked for each new
connection of a URL without a password; where it holds none — or there is no secure
keyring, as for a service under systemd — libpq looks in `PGPASSWORD` and `~/.pgpass`
(`PGPASSFILE`) as it always does.
"""

from __future__ import annotations

import logging

from noc_console.models.cache.postgres_login import login_name, use_password_source
from noc_console.services.secrets import SecretStore, SecretsUnavailable

log = logging.getLogger(__name__)

#: Prefix of the keyring entries that hold database passwords (connector secrets are
#: named by the config; this keeps the two apart).
ENTRY_PREFIX = "database "


def keyring_entry(url: str) -> str:
    """The keyring entry that holds the password of the login `url` names."""
    return ENTRY_PREFIX + login_name(url)


class DatabasePasswords:
    """Passwords of database logins in the keyring."""

    def __init__(self, secrets: SecretStore) -> None:
        self._secrets = secrets

    def install(self) -> None:
        """Make the keyring this process's source of database passwords."""
        use_password_source(self.lookup)

    def lookup(self, login: str) -> str | None:
        """The stored password of `login` (a `login_name`); None when there is none or no
        keyring can be read here — then libpq's own places are tried."""
        try:
            return self._secrets.get(ENTRY_PREFIX + login)
        except SecretsUnavailable as exc:
            log.debug("no database password from the keyring: %s", exc)
            return None

    def store(self, url: str, password: str) -> str:
        """Keep `password` for the login `url` names; where it went (the backend)."""
        self._secrets.set(keyring_entry(url), password)
        return self._secrets.status().backend
