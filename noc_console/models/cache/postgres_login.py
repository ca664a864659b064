"""Logging in to a shared PostgreSQL: where the password comes from, and what a refused
connection asks the user to fix (docs/team.md, "Security").

The password is never part of a URL the command line or the config accepts (they refuse
one that holds it): a URL names the server, the role, the database and the TLS options
(`?sslmode=verify-full&sslrootcert=PATH`), and may sit in a config file, a systemd unit
or a process list. For a URL without one, each new
connection asks the *password source* the command line installed (the OS keyring,
through services/team/database_password.py, under the login's name); when it has none,
libpq looks as it always does (`PGPASSWORD`, then `~/.pgpass` or `PGPASSFILE`). The
password goes from the source to the driver's connect call and nowhere else: not into a
URL, an engine's repr, a log line or an error message.

The models layer cannot reach the keyring itself (services/secrets.py is its one user),
hence the installed source: one per process, like libpq's own password file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url

#: Looks up the password of a login (`login_name`); None when it holds none.
PasswordSource = Callable[[str], str | None]

DEFAULT_PORT = 5432
#: `scheme://user:password@` (the user part before the first ":", up to the last "@").
_USERINFO_PASSWORD = re.compile(r"(://[^/?#@:]*):[^/?#]*@")
#: `?password=…` or `&password=…` (libpq takes the password as an option too).
_QUERY_PASSWORD = re.compile(r"([?&]password)=[^&#]*", re.IGNORECASE)

#: Hosts a connection to which never leaves this computer (a Unix socket is "" or a path).
_THIS_COMPUTER = ("localhost", "127.0.0.1", "::1")

_source: list[PasswordSource] = []


def use_password_source(source: PasswordSource | None) -> None:
    """Where the passwords of URLs without one come from, for this process (None:
    libpq's own `PGPASSWORD` and `.pgpass` only)."""
    _source[:] = [source] if source is not None else []


def login_name(url: str | URL) -> str:
    """The login a URL names, `postgresql://ROLE@HOST:PORT/DATABASE` — whatever its
    driver, options or password — the name its password is kept under in the keyring."""
    parsed = make_url(url) if isinstance(url, str) else url
    host = parsed.host or "localhost"
    host = f"[{host}]" if ":" in host else host
    return (
        f"postgresql://{parsed.username or ''}@{host}:{parsed.port or DEFAULT_PORT}"
        f"/{parsed.database or ''}"
    )


def holds_password(url: str) -> bool:
    """True when the URL carries a password (`user:secret@`, or a `password=` option)."""
    return bool(_USERINFO_PASSWORD.search(url) or _QUERY_PASSWORD.search(url))


def shown(url: str) -> str:
    """The URL with any password replaced by ***, for messages (read as text, so an
    URL SQLAlchemy cannot parse is masked too)."""
    masked = _USERINFO_PASSWORD.sub(lambda m: f"{m.group(1)}:***@", url)
    return _QUERY_PASSWORD.sub(lambda m: f"{m.group(1)}=***", masked)


def readable(url: URL) -> str:
    """An engine's URL as a person wrote it (options not %-encoded), password masked."""
    return shown(unquote(url.render_as_string(hide_password=True)))


def supply_passwords(engine: Engine) -> None:
    """Give each new connection of `engine` its password from the installed source,
    when its URL has none (the source is asked at connect time, so a password stored
    meanwhile is used by the next connection)."""
    name = login_name(engine.url)

    def fill(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        if params.get("password") or not _source:
            return
        password = _source[0](name)
        if password:
            params["password"] = password

    event.listen(engine, "do_connect", fill)


def unverified_tls(url: str) -> str | None:
    """Why a URL to another computer is open to a machine in the middle (no
    `sslmode=verify-full`), for a warning; None when it verifies, or stays on this one."""
    parsed = make_url(url)
    host = parsed.host or str(parsed.query.get("host", ""))
    if host in _THIS_COMPUTER or host.startswith("/") or not host:  # not host: the socket
        return None
    mode = parsed.query.get("sslmode", "prefer (libpq's default)")
    if mode == "verify-full":
        return None
    return (
        f"the shared database {readable(parsed)} is reached with sslmode={mode}: the "
        "connection may be read or taken over on the way; add "
        "?sslmode=verify-full&sslrootcert=CA-FILE (docs/team.md)"
    )


def refusal_advice(reason: str, url: str) -> str:
    """What to do about a connection the server or libpq refused; "" when the reason says
    it plainly enough."""
    fix_password = (
        f"store the password with `noc-console --db {shown(url)} db set-password` (the "
        "keyring) or in ~/.pgpass (PGPASSFILE), docs/team.md"
    )
    if "no password supplied" in reason or "password authentication failed" in reason:
        return fix_password
    if "certificate verify failed" in reason:
        return (
            "the server's certificate is not signed by the CA the URL trusts: set "
            "sslrootcert=PATH to the CA certificate that signed it"
        )
    if "does not match host name" in reason:
        return (
            "the server's certificate does not name the host in the URL: connect with a "
            "name the certificate holds, or have the certificate issued for this one"
        )
    return ""
