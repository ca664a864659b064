"""The command line (DESIGN.md §3). Headless commands never import Qt.

Every failure the user can fix exits non-zero with one line on stderr naming it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from noc_console import APP_ID, __version__
from noc_console.models.actions import ActionState
from noc_console.models.cache.database import is_shared
from noc_console.models.cache.postgres_login import holds_password, shown, unverified_tls
from noc_console.models.clock import Clock
from noc_console.models.errors import EnvironmentProblem
from noc_console.models.record_text import clean
from noc_console.paths import default_cache_url, default_config_path, demo_cache_url
from noc_console.report_command import add_report_parser
from noc_console.services.config import Config, load_config
from noc_console.services.export import export_records, write_export
from noc_console.services.handover.desk import HandoverDesk
from noc_console.services.runtime import build_runtime, secret_store
from noc_console.services.sync import skip_reasons
from noc_console.services.team.database_password import DatabasePasswords
from noc_console.views.handover.export import FORMATS, write_handover

log = logging.getLogger(APP_ID)

EXIT_USAGE = 2
EXIT_ENVIRONMENT = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="noc-console", description="A live multi-client incident board for MSP NOCs."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", type=Path, help="configuration file (TOML)")
    parser.add_argument("--db", metavar="URL", help="cache database as an SQLAlchemy URL")
    parser.add_argument("--demo", action="store_true", help="use the built-in demo feed")
    parser.add_argument("--wall", action="store_true", help="wall display mode")
    parser.add_argument(
        "--metrics",
        action="store_true",
        help="open the Metrics view (with --screenshot: render it)",
    )
    parser.add_argument("--clients", help="wall display: only these clients (A,B)")
    parser.add_argument(
        "--screen", type=int, help="wall display: screen number, 0 = first (remembered)"
    )
    parser.add_argument(
        "--screenshot", type=Path, metavar="PATH", help="render the board to a PNG and exit"
    )
    parser.add_argument(
        "--size", type=_size, metavar="WxH", help="with --screenshot: the window's size, 1366x768"
    )
    parser.add_argument(
        "--log-level",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="default: WARNING for the console, ERROR for headless commands (their own "
        "one-line errors say what failed)",
    )
    parser.add_argument("--log-format", default="text", choices=["text", "json"])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    sync = commands.add_parser("sync", help="sync every configured connector, headless")
    sync.add_argument("--once", action="store_true", required=True, help="one pass, then exit")
    export = commands.add_parser("export", help="write the open incidents")
    export.add_argument("--format", required=True, choices=["json", "csv"])
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    connectors = commands.add_parser("connectors", help="test and configure connectors")
    actions = connectors.add_subparsers(dest="connectors_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="the configured connectors and their secrets' state")
    test = actions.add_parser("test", help="test one connector's connection, step by step")
    test.add_argument("name")
    secret = actions.add_parser(
        "set-secret", help="store a connector's token or password in the keyring (read from "
        "standard input, or prompted for)"
    )  # fmt: skip
    secret.add_argument("name")
    outbox = commands.add_parser(
        "outbox", help="triage actions not yet delivered: list them, retry or discard one"
    )
    outbox_actions = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    listing = outbox_actions.add_parser("list", help="pending, failed and conflicting actions")
    listing.add_argument("--format", default="text", choices=["text", "json"])
    retry = outbox_actions.add_parser(
        "retry", help="queue a failed action again; send a conflicting one over the source's"
    )
    retry.add_argument("id", help="the number `outbox list` shows, or the action's id")
    discard = outbox_actions.add_parser(
        "discard", help="drop a failed or conflicting action: the source's value stands"
    )
    discard.add_argument("id", help="the number `outbox list` shows, or the action's id")
    from noc_console.act_commands import add_act_parser  # headless: no Qt

    add_act_parser(commands)
    from noc_console.pir_command import add_pir_parser

    add_pir_parser(commands)
    serve = commands.add_parser(
        "serve", help="the team's headless sync service on a shared PostgreSQL (docs/team.md)"
    )
    serve.add_argument("--health-every", type=float, default=60.0, metavar="SECONDS",
                       help="seconds between health lines in the log (default 60)")  # fmt: skip
    database = commands.add_parser("db", help="the database's schema (team mode: docs/team.md)")
    db_actions = database.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_actions.add_parser("upgrade", help="migrate the database at --db to this version's schema")
    db_actions.add_parser(
        "set-password", help="store the password of the --db login in the keyring (read from "
        "standard input, or prompted for) and log in with it"
    )  # fmt: skip
    add_report_parser(commands)
    handover = commands.add_parser("handover", help="write a shift handover as HTML or PDF")
    handover.add_argument("--format", required=True, choices=FORMATS)
    handover.add_argument("--out", type=Path, required=True, help="file to write")
    handover.add_argument("--shift", help="shift name (default: the shift at --at)")
    handover.add_argument(
        "--at", help="ISO time (default: now); without an offset, in the NOC's time zone"
    )
    return parser


def _size(text: str) -> tuple[int, int]:
    """ "1366x768" → (1366, 768)."""
    width, _, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1366x768") from None
    if min(size) < 200 or max(size) > 8000:
        raise argparse.ArgumentTypeError(f"{text!r}: each side must be 200 to 8000 pixels")
    return size


def main(argv: Sequence[str] | None = None, clock: Clock | None = None) -> int:
    """Run the command line; `clock` is "now" for `handover` (default: the system's),
    so a test can compare its file with the Handover window's at one instant."""
    started = time.perf_counter()
    args = build_parser().parse_args(argv)
    level = args.log_level or {None: "WARNING", "serve": "INFO"}.get(args.command, "ERROR")
    configure_logging(level, args.log_format)
    try:
        return _dispatch(args, started, clock)
    except EnvironmentProblem as exc:
        print(f"noc-console: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except BrokenPipeError:  # `noc-console export ... | head`: the reader has gone, not an error
        sys.stderr.close()
        return 0


def _dispatch(args: argparse.Namespace, started: float, clock: Clock | None) -> int:
    config_path = args.config or default_config_path()
    if args.config is not None and not args.config.exists():
        print(f"noc-console: config file {args.config} does not exist", file=sys.stderr)
        return EXIT_USAGE
    config = load_config(config_path)
    shared = args.db or config.team.database  # team mode: docs/team.md
    demo = (args.demo or not config.connectors) and not (shared and is_shared(shared))
    db_url = shared or (demo_cache_url() if demo else default_cache_url())
    if is_shared(db_url):
        if args.db and holds_password(args.db):
            print(f"noc-console: --db {shown(args.db)} holds a password, which every user of "
                  "this computer can read in its process list: remove it, and store it with "
                  "`noc-console --db URL db set-password` (the keyring) or in ~/.pgpass "
                  "(docs/team.md)", file=sys.stderr)  # fmt: skip
            return EXIT_USAGE
        DatabasePasswords(secret_store(config)).install()
        risk = unverified_tls(db_url)
        if risk:
            log.warning(risk)
    if args.command == "serve":
        from noc_console.serve_command import run_serve

        return run_serve(config, db_url, args.health_every)
    if args.command == "sync" and is_shared(db_url):
        print("noc-console: on a shared database only the sync service runs connectors: "
              "use `noc-console serve` (docs/team.md)", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    if args.command == "sync":
        return _sync(config, db_url, demo)
    if args.command == "export":
        return _export(config, db_url, demo, args.format, args.out)
    if args.command == "connectors":
        from noc_console.connector_commands import run_connectors_command

        name = getattr(args, "name", "")
        return run_connectors_command(config, args.connectors_command, name, db_url)
    if args.command == "handover":
        return _handover(config, db_url, demo, args, clock)
    if args.command == "report":
        return _report(config, db_url, demo, args, clock)
    if args.command == "outbox":
        return _outbox(config, db_url, args)
    if args.command == "act":
        return _act(config, db_url, demo, args)
    if args.command == "pir":
        from noc_console.pir_command import run_pir

        return run_pir(config, db_url, args, clock)
    if args.command == "db":
        from noc_console.db_commands import run_db_command

        return run_db_command(config, db_url, args.db_command)
    if args.metrics and args.wall:
        print(
            "noc-console: --metrics is a board window; the wall has a metrics page", file=sys.stderr
        )
        return EXIT_USAGE
    if (args.clients or args.screen is not None) and not args.wall:
        print("noc-console: --clients and --screen need --wall", file=sys.stderr)
        return EXIT_USAGE
    if args.wall:
        from noc_console.app import run_wall  # Qt is loaded only for the GUI

        return run_wall(config, db_url, demo, args.clients, args.screen, args.screenshot)
    from noc_console.app import run_gui

    return run_gui(config, db_url, demo, args.screenshot, started, args.size, args.metrics)


def _sync(config: Config, db_url: str, demo: bool) -> int:
    """Sync every connector (with reconciliation) and deliver its outbox, once."""
    runtime = build_runtime(config, db_url, demo)
    try:
        failed = 0
        for event in runtime.engine.run_once(reconcile=True):
            result, delivery = event.synced, event.delivery
            assert result is not None
            assert delivery is not None
            if not result.ok:
                failed += 1
                print(f"noc-console: {result.error}", file=sys.stderr)
                continue
            print(
                f"{result.connector}: {len(result.changes.upserted)} changed, "
                f"{result.changes.skipped} skipped; actions: {delivery.delivered} delivered, "
                f"{delivery.deferred} deferred, {delivery.failed} failed, "
                f"{delivery.conflicts} in conflict"
            )
            if result.changes.skipped:
                print(f"noc-console: {result.connector}: {result.changes.skipped} record(s) "
                      "skipped:", file=sys.stderr)  # fmt: skip
                for line in skip_reasons(result.problems):
                    print(f"  {line}", file=sys.stderr)
            if delivery.error:
                failed += 1
                print(f"noc-console: {delivery.error}", file=sys.stderr)
        stuck = runtime.store.outbox([ActionState.FAILED, ActionState.CONFLICT])
        if stuck:
            failed += 1
            print(f"noc-console: {len(stuck)} action(s) failed or in conflict; each but a note "
                  "or link holds back its incident's later actions — `noc-console outbox "
                  "list`, then `retry ID` or `discard ID`:", file=sys.stderr)  # fmt: skip
            for queued in stuck[:10]:
                reason = clean(queued.last_error or "", 200, one_line=True)
                print(f"  #{queued.seq} {queued.state.value} {queued.action.kind.value} on "
                      f"{queued.action.key}: {reason}", file=sys.stderr)  # fmt: skip
        return EXIT_ENVIRONMENT if failed else 0
    finally:
        runtime.close()


def _report(
    config: Config, db_url: str, demo: bool, args: argparse.Namespace, clock: Clock | None
) -> int:
    from noc_console.report_command import run_report

    runtime = build_runtime(config, db_url, demo, clock)
    try:
        if demo:  # the demo feed is in-process: sync it so its cache is current
            runtime.engine.run_once()
        return run_report(config, runtime.store, runtime.clock, args)
    finally:
        runtime.close()


def _outbox(config: Config, db_url: str, args: argparse.Namespace) -> int:
    from noc_console.models.cache.store import Store
    from noc_console.models.clock import SystemClock
    from noc_console.outbox_commands import run_outbox_command

    store = Store.open(db_url, config.sla.policy)
    try:
        ident, fmt = getattr(args, "id", ""), getattr(args, "format", "text")
        return run_outbox_command(store, SystemClock(), args.outbox_command, ident, fmt)
    finally:
        store.close()


def _act(config: Config, db_url: str, demo: bool, args: argparse.Namespace) -> int:
    from noc_console.act_commands import run_act_command
    from noc_console.services.identity import Identity

    runtime = build_runtime(config, db_url, demo)
    try:
        return run_act_command(config, runtime, args, Identity.configured(config.me))
    finally:
        runtime.close()


def _export(config: Config, db_url: str, demo: bool, fmt: str, out: Path | None) -> int:
    runtime = build_runtime(config, db_url, demo)
    try:
        if demo:  # the demo feed is in-process: sync it so its cache is current
            runtime.engine.run_once()
        records = export_records(
            runtime.store.open_rows(), runtime.clock.now(), config.sla.policy.thresholds
        )
    finally:
        runtime.close()
    if out is None:
        write_export(records, fmt, sys.stdout)
        return 0
    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            write_export(records, fmt, handle)
    except OSError as exc:
        print(f"noc-console: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    return 0


def _handover(
    config: Config, db_url: str, demo: bool, args: argparse.Namespace, clock: Clock | None
) -> int:
    """The handover of the shift at `--at` (or the latest `--shift` by then), with the
    notes and acknowledgement of its stored handover if there is one."""
    plan = config.shifts
    runtime = build_runtime(config, db_url, demo, clock)
    try:
        now = runtime.clock.now()
        try:
            at = _instant(args.at, plan.zone) if args.at else now
            span = plan.latest(args.shift, at) if args.shift else plan.span_at(at)
        except ValueError as exc:
            print(f"noc-console: handover: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if demo:  # the demo feed is in-process: sync it so its cache is current
            runtime.engine.run_once()
        desk = HandoverDesk(runtime.store, plan, config.sla, runtime.clock)
        document = desk.document(span)
    finally:
        runtime.close()
    try:  # whole or not at all: a full disk is an error, never a truncated file
        write_handover(document.html, document.title, args.format, args.out)
    except OSError as exc:
        print(f"noc-console: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    return 0


#: The years `--at` accepts: far enough from datetime's limits (years 1 and 9999) for
#: shift and time-zone arithmetic, and from before the epoch some platforms refuse.
AT_YEARS = (1971, 9998)


def _instant(text: str, zone: ZoneInfo) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--at {text!r} is not an ISO time like 2026-11-25T14:30") from None
    first, last = AT_YEARS
    if not first <= value.year <= last:
        raise ValueError(f"--at {text!r} is out of range: give a time in the years {first}–{last}")
    return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, fmt: str, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
