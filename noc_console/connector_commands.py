"""`noc-console connectors list | test NAME | set-secret NAME` (headless, no Qt).

Part of the command line (like cli.py, nothing imports it but cli.py): it prints one
line per step and exits 0 when every step passed, 1 when any failed, 2 for a usage
mistake (an unknown connector name).
"""

from __future__ import annotations

import sys
from typing import Any

from noc_console.connectors.base import Check
from noc_console.connectors.mapping.lines import as_toml
from noc_console.connectors.registry import connector_type
from noc_console.models.cache.store import Store
from noc_console.models.clock import SystemClock
from noc_console.models.errors import EnvironmentProblem
from noc_console.secret_prompt import read_secret
from noc_console.services.config import Config, ConnectorConfig
from noc_console.services.outbox import OutboxService
from noc_console.services.runtime import secret_store
from noc_console.services.sources.connection_check import check_connection, passed
from noc_console.services.sources.factory import build_connector

MARKS = {True: "ok  ", False: "FAIL", None: "??  "}


def run_connectors_command(config: Config, command: str, name: str, db_url: str = "") -> int:
    if command == "list":
        return _list(config)
    found = [c for c in config.connectors if c.name == name]
    if not found:
        known = ", ".join(c.name for c in config.connectors) or "none configured"
        print(f"noc-console: no connector named {name!r} in {config.path or 'the config'} "
              f"(known: {known})", file=sys.stderr)  # fmt: skip
        return 2
    if command == "set-secret":
        return _set_secret(config, found[0], db_url)
    return _test(config, found[0])


def _list(config: Config) -> int:
    secrets = secret_store(config)
    status = secrets.status()
    print(f"keyring: {status.backend}" + ("" if status.secure else " (NOT SECURE)"))
    if status.advice:
        print(f"  {status.advice}")
    for c in config.connectors:
        state = ""
        kind = connector_type(c.type)
        if kind is not None and kind.needs_secret:
            try:
                state = "secret stored" if secrets.get(c.secret_name) else "NO SECRET"
            except EnvironmentProblem as exc:
                state = str(exc)
        label = kind.label if kind is not None else c.type
        print(f"{c.name:<16} {label:<22} {c.base_url or '-':<40} {state}".rstrip())
    return 0


def _test(config: Config, connector_config: ConnectorConfig[Any]) -> int:
    connector = build_connector(connector_config, SystemClock(), config.sla.matrix,
                                secret_store(config))  # fmt: skip
    print(f"Testing {connector.label} ({connector_config.type})")
    checks = []
    for check in check_connection(connector, connector_config):
        checks.append(check)
        print(f"  {MARKS[check.ok]} {check.step}: {printable(check.detail)}", flush=True)
    _suggest(config, connector_config, checks)
    return 0 if passed(checks) else 1


def _suggest(config: Config, c: ConnectorConfig[Any], checks: list[Check]) -> None:
    """The mapping lines the test suggests, ready to paste (check each first)."""
    lines = as_toml(s for check in checks for s in check.suggestions)
    if not lines:
        return
    print(f"\nSuggested mapping for {c.name!r} — paste below its [[connectors]] entry in "
          f"{config.path or 'the config file'} (into a table of the same name if it has "
          "one), after checking each line; replace each '?' or <…> of a # line and remove "
          "the #:")  # fmt: skip
    for line in lines:
        print(f"  {printable(line)}")


def printable(text: str) -> str:
    """One terminal line whatever a server said: line breaks, control characters, bidi
    overrides and lone surrogates (which cannot even be encoded) shown as escapes."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _set_secret(config: Config, c: ConnectorConfig[Any], db_url: str) -> int:
    value = read_secret(f"Secret for {c.name} (keyring entry {c.secret_name!r}): ")
    if not value:
        print("noc-console: no secret given; nothing stored", file=sys.stderr)
        return 2
    secrets = secret_store(config)
    secrets.set(c.secret_name, value)
    print(f"stored the secret for {c.name} in {secrets.status().backend}")
    return _requeue_refused(config, c.name, db_url) if db_url else 0


def _requeue_refused(config: Config, name: str, db_url: str) -> int:
    """The actions `name` refused on credentials go again with the new secret: at the
    next `sync --once`, or the running console's next cycle."""
    try:
        store = Store.open(db_url, config.sla.policy)
    except EnvironmentProblem as exc:
        print(f"noc-console: the actions refused on credentials were not queued again: {exc}",
              file=sys.stderr)  # fmt: skip
        return 1
    try:
        count, _changes = OutboxService(store, SystemClock()).requeue_refused(name)
    finally:
        store.close()
    if count:
        what = "1 action" if count == 1 else f"{count} actions"
        print(f"{what} refused on credentials will be sent again at the next sync")
    return 0
