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
from pathlib import Path
from typing import TextIO

from noc_console import APP_ID, __version__
from noc_console.models.errors import EnvironmentProblem
from noc_console.paths import default_cache_url, default_config_path, demo_cache_url
from noc_console.services.config import Config, load_config
from noc_console.services.export import export_records, write_export
from noc_console.services.runtime import build_runtime

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
    parser.add_argument("--clients", help="wall display: only these clients (A,B)")
    parser.add_argument(
        "--screen", type=int, help="wall display: screen number, 0 = first (remembered)"
    )
    parser.add_argument(
        "--screenshot", type=Path, metavar="PATH", help="render the board to a PNG and exit"
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = build_parser().parse_args(argv)
    level = args.log_level or ("ERROR" if args.command else "WARNING")
    configure_logging(level, args.log_format)
    try:
        return _dispatch(args, started)
    except EnvironmentProblem as exc:
        print(f"noc-console: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except BrokenPipeError:  # `noc-console export ... | head`: the reader has gone, not an error
        sys.stderr.close()
        return 0


def _dispatch(args: argparse.Namespace, started: float) -> int:
    config_path = args.config or default_config_path()
    if args.config is not None and not args.config.exists():
        print(f"noc-console: config file {args.config} does not exist", file=sys.stderr)
        return EXIT_USAGE
    config = load_config(config_path)
    demo = args.demo or not config.connectors
    db_url = args.db or (demo_cache_url() if demo else default_cache_url())
    if args.command == "sync":
        return _sync(config, db_url, demo)
    if args.command == "export":
        return _export(config, db_url, demo, args.format, args.out)
    if args.command == "connectors":
        from noc_console.connector_commands import run_connectors_command

        return run_connectors_command(config, args.connectors_command, getattr(args, "name", ""))
    if (args.clients or args.screen is not None) and not args.wall:
        print("noc-console: --clients and --screen need --wall", file=sys.stderr)
        return EXIT_USAGE
    if args.wall:
        from noc_console.app import run_wall  # Qt is loaded only for the GUI

        return run_wall(config, db_url, demo, args.clients, args.screen, args.screenshot)
    from noc_console.app import run_gui

    return run_gui(config, db_url, demo, args.screenshot, started)


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
            if delivery.error:
                failed += 1
                print(f"noc-console: {delivery.error}", file=sys.stderr)
        return EXIT_ENVIRONMENT if failed else 0
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
