"""`noc-console report`: a client's monthly SLA report as PDF, HTML or CSV.

`--client` is the client's name or id as the cache knows it; `--period` a month,
`YYYY-MM`. An unknown client or a month without incidents still writes a report that
says so (and the command says it on stderr: exit 1 for an unknown client, 0 for a
quiet month); a month that has not begun is refused and nothing is written. The file
is written whole or not at all. Qt is loaded for a PDF only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock
from noc_console.services.config import Config
from noc_console.services.metrics.period import Period
from noc_console.services.metrics.report import ReportRefused, build_report
from noc_console.services.metrics.report_document import (
    LogoProblem,
    logo_data_url,
    render_report_csv,
    render_report_html,
)
from noc_console.services.safe_file import replace_atomically

FORMATS = ("pdf", "html", "csv")
EXIT_PROBLEM = 1
EXIT_USAGE = 2


def add_report_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser("report", help="write a client's monthly SLA report")
    report.add_argument("--client", required=True, help="the client's name or id")
    report.add_argument("--period", required=True, help="the month, YYYY-MM")
    report.add_argument("--format", required=True, choices=FORMATS)
    report.add_argument("--out", type=Path, required=True, help="file to write")


def run_report(config: Config, store: Store, clock: Clock, args: argparse.Namespace) -> int:
    try:
        period = Period.month(args.period)
        logo = logo_data_url(config.report.logo) if args.format != "csv" else ""
        report = build_report(store, args.client, period, clock.now())
    except (ValueError, LogoProblem) as exc:  # ReportRefused is a ValueError
        print(f"noc-console: report: {exc}", file=sys.stderr)
        return EXIT_PROBLEM if isinstance(exc, ReportRefused | LogoProblem) else EXIT_USAGE
    try:
        if args.format == "csv":
            replace_atomically(args.out, render_report_csv(report).encode("utf-8"),
                               create_folders=False)  # fmt: skip
        else:
            from noc_console.views.handover.export import write_handover  # Qt for PDF only

            html = render_report_html(report, config.report, logo)
            write_handover(html, report.title, args.format, args.out, portrait=True)
    except OSError as exc:
        print(f"noc-console: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEM
    if report.problem:
        print(f"noc-console: report: {report.problem} Wrote an empty report to {args.out}.",
              file=sys.stderr)  # fmt: skip
        return 0 if report.client.id in {c.id for c in store.clients()} else EXIT_PROBLEM
    return 0
