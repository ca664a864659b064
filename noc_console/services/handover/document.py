"""A handover as one HTML document, for paper as much as for the screen.

Plain HTML 4 and the CSS subset Qt's rich-text engine understands, so the same text is
shown in the Handover view, printed to PDF by `views/handover/pdf.py`, and written by
`noc-console handover --format html` without loading Qt. Priority and clock states are
words, colour only repeats them; times are in the NOC's zone, named in the heading.
Ticket text (ids, clients, titles, owners, notes, servers' errors) is escaped and
capped (`models/text_limits.py`): the page is laid out whole, and a 1 MB title took
the PDF minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from noc_console.models.board_row import BoardRow
from noc_console.models.cache.handover_table import SavedHandover
from noc_console.models.clock_text import duration
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.sla_clock import ClockState, SlaClock
from noc_console.models.text_limits import BLOCK, LINE, capped
from noc_console.services.handover.report import Change, HandoverReport

PRIORITY_INK = {  # (paper background, text): pale enough to print, dark enough to read
    Priority.P1: ("#f4c7c3", "#7a0010"),
    Priority.P2: ("#fde2b8", "#7a3b00"),
    Priority.P3: ("#fff3b0", "#5c4a00"),
    Priority.P4: ("#dde6f0", "#243b53"),
}
WIDTHS = {  # column widths in per cent of the page, by heading
    "Incident": 14, "Client / title": 30, "Status": 12, "Queue": 5, "Owner": 10,
    "Response": 15, "Resolution": 14, "Time": 12, "Due": 12, "What": 22, "Open for": 22,
    "Last client update": 14, "Taken": 12, "Action": 10, "State": 10, "Problem": 42,
}  # fmt: skip
_TEXT_RUNS = re.compile(r"(?<=>)[^<]+|^[^<]+")
WRAPPING = {"Client / title", "What", "Open for", "Problem"}  # the other columns never wrap
STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 2pt 0; }
h2 { font-size: 11.5pt; margin: 12pt 0 3pt 0; border-bottom: 1px solid #888; }
h3 { font-size: 10pt; margin: 8pt 0 2pt 0; }
table.list { border-collapse: collapse; width: 100%; }
table.list th { text-align: left; background: #e6e6e6; font-weight: bold; }
table.list td, table.list th { padding: 2pt 4pt; border-bottom: 1px solid #ccc; }
.prio { font-weight: bold; }
.bad { color: #8b0000; font-weight: bold; }
.muted { color: #555; }
.note { font-style: italic; color: #1d3f7a; }
.box { background: #f2f2f2; padding: 4pt; }
"""


def render_handover_html(
    report: HandoverReport,
    saved: SavedHandover | None = None,
    draft_notes: Mapping[IncidentKey, str] | None = None,
    draft_note: str = "",
) -> str:
    """The whole document; notes come from `saved`, else from the draft arguments."""
    zone = ZoneInfo(report.timezone)
    notes = dict(saved.notes if saved else draft_notes or {})
    note = saved.note if saved else draft_note
    r = _Renderer(zone, report.generated_at, notes)
    shift = report.shift
    title = (
        f"Shift handover — {escape(shift.name)}, {r.day(shift.start)} "
        f"{r.time(shift.start)}–{r.time(shift.end)} ({escape(report.timezone)})"
    )
    parts = [f"<html><head><style>{STYLE}</style></head><body><h1>{title}</h1>"]
    parts.append(f'<p class="muted">{_byline(r, saved, report)}</p>')
    counts = " · ".join(
        f"{p.value}: {sum(1 for x in report.open_incidents if x.priority is p)}" for p in Priority
    )
    parts.append(
        f"<p><b>{len(report.open_incidents)} open</b> ({counts}) · {len(report.new)} new · "
        f"{len(report.escalated)} escalated · {len(report.resolved)} resolved · "
        f"<b>{len(report.breached)} breached</b> · {len(report.reopened)} reopened · "
        f"{len(report.outbox)} actions not delivered</p>"
    )
    parts.append("<h2>Note from the outgoing lead</h2>")
    parts.append(f'<p class="box">{_text(note) if note.strip() else "(no note)"}</p>')
    parts.append(f"<h2>Major incidents in progress ({len(report.majors)})</h2>")
    parts.append(
        r.table(
            ("Incident", "Client / title", "Open for", "Last client update"),
            [
                (
                    r.ident(m.row),
                    r.title(m.row),
                    _e(m.reason, BLOCK),
                    r.when(m.last_client_update)
                    if m.last_client_update
                    else '<span class="bad">NONE SENT</span>',
                )
                for m in report.majors
            ],
        )
    )
    nxt = report.next_shift
    parts.append(
        f"<h2>Clocks that fall due next shift — {escape(nxt.name)} "
        f"{r.time(nxt.start)}–{r.time(nxt.end)} ({len(report.next_breaches)})</h2>"
    )
    parts.append(r.changes(report.next_breaches, "Due"))
    parts.append(f"<h2>Open incidents by priority and queue ({len(report.open_incidents)})</h2>")
    for priority in Priority:
        rows = [x for x in report.open_incidents if x.priority is priority]
        if rows:
            parts.append(f"<h3>{priority.value} — {len(rows)} open</h3>")
            parts.append(
                r.table(
                    (
                        "Incident",
                        "Client / title",
                        "Status",
                        "Queue",
                        "Owner",
                        "Response",
                        "Resolution",
                    ),
                    [
                        (
                            r.ident(x),
                            r.title(x),
                            escape(x.status.label),
                            x.tier.value,
                            _e(x.assignee or "unassigned"),
                            r.clock(x.response),
                            r.clock(x.resolution),
                        )
                        for x in rows
                    ],
                )
            )
    parts.append("<h2>What changed during the shift</h2>")
    for label, changes in (
        ("New", report.new),
        ("Escalated", report.escalated),
        ("Resolved", report.resolved),
        ("Breached", report.breached),
        ("Reopened", report.reopened),
    ):
        parts.append(f"<h3>{label} ({len(changes)})</h3>")
        parts.append(r.changes(changes, "Time"))
    parts.append(f"<h2>Actions still queued or failed ({len(report.outbox)})</h2>")
    parts.append(
        r.table(
            ("Taken", "Incident", "Action", "State", "Problem"),
            [
                (
                    r.when(q.queued.action.created_at),
                    _e(str(q.queued.action.key)),
                    escape(q.queued.action.kind.value),
                    f'<span class="bad">{q.queued.state.value}</span>',
                    _e(q.queued.last_error or "", BLOCK),
                )
                for q in report.outbox
            ],
        )
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def handover_title(report: HandoverReport) -> str:
    """A short title for the document and its page footers."""
    start = report.shift.start.astimezone(ZoneInfo(report.timezone))
    return f"Handover {report.shift.name} {start:%d %b %Y %H:%M}"


def _byline(r: _Renderer, saved: SavedHandover | None, report: HandoverReport) -> str:
    if saved is None:
        return f"Draft, not handed over · as of {r.when(report.generated_at)}"
    text = f"Handed over by {_e(saved.author)} at {r.when(saved.created_at)}"
    if not saved.id:  # being stored now: the acknowledgement is shown beside it, later
        return text
    text += " · "
    if saved.acknowledged_at is None:
        return text + '<span class="bad">NOT YET ACKNOWLEDGED</span>'
    by = _e(saved.acknowledged_by or "")
    return text + f"acknowledged by {by} at {r.when(saved.acknowledged_at)}"


def _unbreakable(cell: str) -> str:
    """Spaces outside tags as no-break spaces (Qt's engine ignores `nowrap`)."""
    return _TEXT_RUNS.sub(lambda m: m.group(0).replace(" ", "&nbsp;"), cell)


def _e(value: str, limit: int = LINE) -> str:
    """Ticket text for the page: capped, then escaped."""
    return escape(capped(value, limit))


def _text(value: str) -> str:
    """A note: capped, escaped, its line breaks kept."""
    return _e(value, BLOCK).replace("\n", "<br>")


class _Renderer:
    """Cells and tables in the NOC's zone, with the per-incident notes."""

    def __init__(self, zone: ZoneInfo, now: datetime, notes: Mapping[IncidentKey, str]) -> None:
        self.zone, self.now, self.notes = zone, now, notes

    def day(self, when: datetime) -> str:
        return when.astimezone(self.zone).strftime("%a %d %b %Y")

    def time(self, when: datetime) -> str:
        return when.astimezone(self.zone).strftime("%H:%M")

    def when(self, when: datetime | None) -> str:
        return when.astimezone(self.zone).strftime("%d %b %H:%M") if when else ""

    def ident(self, row: BoardRow) -> str:
        paper, ink = PRIORITY_INK[row.priority]
        badge = f'<span class="prio" style="background:{paper}; color:{ink}">&nbsp;{row.priority.value}&nbsp;</span>'  # noqa: E501
        return f"{badge}&nbsp;{_e(row.key.external_id)}"

    def title(self, row: BoardRow) -> str:
        text = f"<b>{_e(row.client_name)}</b> — {_e(row.title)}"
        note = self.notes.get(row.key, "").strip()
        return text + (f'<br><span class="note">Note: {_text(note)}</span>' if note else "")

    def clock(self, clock: SlaClock | None) -> str:
        if clock is None:
            return ""
        state = clock.state(self.now)
        due = f"{self.time(clock.due_at)}"
        if state is ClockState.MET:
            return '<span class="muted">met</span>'
        if state is ClockState.BREACHED:
            late = duration(clock.remaining(self.now))
            return f'<span class="bad">BREACHED</span> by {late}'
        if state is ClockState.PAUSED:
            return f"paused, {duration(clock.remaining(self.now))} left"
        left = duration(clock.remaining(self.now))
        marked = f'<span class="bad">{left}</span>' if state is ClockState.CRITICAL else left
        return f"{marked} left · {due}"

    def changes(self, changes: Sequence[Change], when: str) -> str:
        return self.table(
            (when, "Incident", "Client / title", "What"),
            [(self.when(c.at), self.ident(c.row), self.title(c.row), _e(c.what)) for c in changes],
        )

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
        wraps = [h in WRAPPING for h in header]
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{cell if wrap else _unbreakable(cell)}</td>"
                for cell, wrap in zip(row, wraps, strict=True)
            )
            + "</tr>"
            for row in rows
        )
        if not body:
            return '<p class="muted">None.</p>'
        total = sum(WIDTHS.get(h, 10) for h in header)
        head = "".join(
            f'<th width="{round(100 * WIDTHS.get(h, 10) / total)}%">{escape(h)}</th>'
            for h in header
        )
        return (
            '<table class="list" cellspacing="0" cellpadding="3" width="100%">'
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
