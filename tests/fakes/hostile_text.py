"""Ticket text as an attacker or a bad day writes it, for the views and the handover.

Anyone who can email a client's helpdesk writes a ticket's title, its client's name
and its notes; a PSA also lets them choose the link and, on some, the id. `MARKUP` is
what issue 14 saw rendered: bold text and a local image drawn in the status bar.
`HUGE` is the 1 MB title that stalled the handover's PDF for ten minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey
from noc_console.services.handover.report import Change, HandoverReport

MARKUP = '<b>PWNED</b><img src="file:///tmp/probe.png"> &amp; <a href="file:///etc">x</a>'
HUGE = "Server is down! " * 62_500  # 1,000,000 characters (no "fi": PDF ligatures)
HUGE_LINES = "line of a runaway description\n" * 33_334  # 1 MB, one line each


def hostile_row(row: BoardRow, text: str = MARKUP) -> BoardRow:
    """`row` with every field a PSA user can write replaced by `text` (in its id too,
    where it follows a tag so Qt's rich-text detection sees it on the first line)."""
    return replace(
        row,
        key=IncidentKey(row.key.source, f"<i>{row.key.external_id}</i>{text}"),
        client_name=text,
        title=text,
        assignee=text,
    )


def hostile_report(report: HandoverReport, text: str = MARKUP) -> HandoverReport:
    """`report` with every row in every section made hostile by `hostile_row`."""

    def changes(section: Sequence[Change]) -> list[Change]:
        return [replace(change, row=hostile_row(change.row, text)) for change in section]

    return replace(
        report,
        open_incidents=[hostile_row(row, text) for row in report.open_incidents],
        new=changes(report.new),
        escalated=changes(report.escalated),
        resolved=changes(report.resolved),
        breached=changes(report.breached),
        reopened=changes(report.reopened),
        next_breaches=changes(report.next_breaches),
        majors=[replace(m, row=hostile_row(m.row, text)) for m in report.majors],
    )
