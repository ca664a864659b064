"""A handover as one HTML document, for paper as much as for the screen.

Page 1 is the summary a lead reads in a minute: counts by priority, the SLA breaches
of the shift with their clock and how late, major incidents with their owner, what
changed, the clocks due next shift, actions that failed or conflict, and the note.
The detail follows on the next pages: open incidents by queue (tier), then "what
changed" — new, escalated and resolved as compact lists, breaches in full.

Plain HTML 4 and the CSS subset Qt's rich-text engine understands, so the same text is
shown in the Handover view, printed to PDF by `views/handover/pdf.py` (which cuts the
pages itself: never inside a table row, headings kept with their tables), and written
by `noc-console handover --format html` without loading Qt. Priority and clock states
are words, colour only repeats them; times are in the NOC's zone, named in the
heading, and a time on another day than the handover's carries its day ("Mon 05:30").
Ticket text (ids, clients, titles, owners, notes, servers' errors) is escaped and
capped (`models/text_limits.py`): the page is laid out whole, and a 1 MB title took
the PDF minutes. An id links to its ticket only where the source gave an http(s)
address (`models/web_link.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from noc_console.models.actions import ActionState
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.handover_table import SavedHandover
from noc_console.models.clock_text import OFF_HOURS, duration
from noc_console.models.incident import IncidentKey, Priority, Tier
from noc_console.models.sla_clock import ClockState, SlaClock
from noc_console.models.text_limits import BLOCK, LINE, capped
from noc_console.models.web_link import web_link
from noc_console.services.handover.report import Change, HandoverReport, OutboxItem

PRIORITY_INK = {  # (paper background, text): pale enough to print, dark enough to read
    Priority.P1: ("#f4c7c3", "#7a0010"),
    Priority.P2: ("#fde2b8", "#7a3b00"),
    Priority.P3: ("#fff3b0", "#5c4a00"),
    Priority.P4: ("#dde6f0", "#243b53"),
}
WIDTHS = {  # column widths in per cent of the page, by heading (Incident: "P1", an
    # Autotask ticket number "T20261125.0042" and its "new" mark, on one line)
    "Incident": 13, "Client / title": 37, "Status": 10, "Owner": 10, "Response": 15,
    "Resolution": 15, "Due": 10, "Clock": 10, "Late by": 10, "Now": 10, "Why": 22,
    "Last client update": 12, "Taken": 10, "Action": 10, "State": 10, "Problem": 42,
    "Sent": 12, "Major incident": 40, "Phase": 12, "By": 12, "Clients": 8, "Resolved": 12,
    "Actions overdue": 48,
}  # fmt: skip
WRAPPING = {"Client / title", "Why", "Problem", "Major incident", "Actions overdue"}
SUMMARY_ROWS = 10  # per list on page 1; the rest are in the detail
SHORT = 60  # characters of "client — title" in a table row: one line on the page
COMPACT = 24  # characters of an escalation's "L1 → L2" in a compact list entry
_TEXT_RUNS = re.compile(r"(?<=>)[^<]+|^[^<]+")
STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 7.5pt; color: #111; }
h1 { font-size: 14pt; margin: 0 0 2pt 0; }
h2 { font-size: 10.5pt; margin: 7pt 0 2pt 0; border-bottom: 1px solid #888; }
h3 { font-size: 9pt; margin: 4pt 0 1pt 0; }
p { margin: 1pt 0 1pt 0; }
table.list { border-collapse: collapse; width: 100%; }
table.list th { text-align: left; background: #e6e6e6; font-weight: bold; }
table.list td { font-size: 7pt; }
table.list td, table.list th { padding: 0 3pt; border-bottom: 1px solid #ccc; }
.prio { font-weight: bold; }
.bad { color: #8b0000; font-weight: bold; }
.muted { color: #555; }
.note { font-style: italic; color: #1d3f7a; }
.box { background: #f2f2f2; padding: 4pt; }
.compact { line-height: 110%; font-size: 7pt; }
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
    r = _Renderer(zone, report.generated_at, notes, report.links)
    shift = report.shift
    title = (
        f"Shift handover — {escape(shift.name)}, {r.day(shift.start)} "
        f"{r.time(shift.start)}–{r.time(shift.end)} ({escape(report.timezone)})"
    )
    parts = [f"<html><head><style>{STYLE}</style></head><body><h1>{title}</h1>"]
    parts.append(f'<p class="muted">{_byline(r, saved, report)}</p>')
    parts.extend(_summary(r, report, note))
    parts.extend(_detail(r, report))
    parts.append("</body></html>")
    return "\n".join(parts)


def handover_title(report: HandoverReport) -> str:
    """A short title for the document and its page footers."""
    start = report.shift.start.astimezone(ZoneInfo(report.timezone))
    return f"Handover {report.shift.name} {start:%d %b %Y %H:%M}"


# ------------------------------------------------------------------ page 1
def _summary(r: _Renderer, report: HandoverReport, note: str) -> list[str]:
    now = report.generated_at
    open_rows = report.open_incidents
    breached_now = [x for x in open_rows if _breached(x, now)]
    cells = [f"<b>{len(open_rows)} open</b>"]
    for p in Priority:
        paper, ink = PRIORITY_INK[p]
        count = sum(1 for x in open_rows if x.priority is p)
        cells.append(
            f'<span class="prio" style="background:{paper}; color:{ink}">'
            f"&nbsp;{p.value}&nbsp;</span>&nbsp;{count}"
        )
    cells.append(f'<span class="bad">{len(breached_now)} breached now</span>')
    unsettled = [q for q in report.outbox if q.queued.state is not ActionState.PENDING]
    parts = [
        '<p style="font-size: 9pt">' + " &nbsp;&nbsp; ".join(cells) + "</p>",
        f"<p>This shift: {len(report.new)} new · {len(report.escalated)} escalated · "
        f"{len(report.resolved)} resolved · <b>{len(report.breached)} SLA breaches</b> · "
        f"{len(report.reopened)} reopened · {len(unsettled)} actions failed or in conflict, "
        f"{len(report.outbox) - len(unsettled)} waiting to be sent</p>",
        "<h2>Note from the outgoing lead</h2>",
        f'<p class="box">{_text(note) if note.strip() else "(no note)"}</p>',
        f"<h2>SLA breaches this shift ({len(report.breached)})</h2>",
        r.breaches(report.breached[:SUMMARY_ROWS]),
        r.rest(report.breached[SUMMARY_ROWS:], "More breaches"),
        *_declared(r, report),
        f"<h2>Major incidents ({len(report.majors)})</h2>",
        r.table(
            ("Incident", "Client / title", "Why", "Owner", "Last client update"),
            [
                (
                    r.ident(m.row),
                    r.title(m.row),
                    _e(m.reason),
                    _e(m.row.assignee) if m.row.assignee else '<span class="bad">NO OWNER</span>',
                    r.when(m.last_client_update)
                    if m.last_client_update
                    else '<span class="bad">NONE SENT</span>',
                )
                for m in report.majors
            ],
        ),
    ]
    nxt = report.next_shift
    parts += [
        f"<h2>Clocks due next shift — {escape(nxt.name)} {r.when(nxt.start)}–"
        f"{r.when(nxt.end)} ({len(report.next_breaches)})</h2>",
        r.changes(report.next_breaches[:SUMMARY_ROWS], "Due"),
        r.rest(report.next_breaches[SUMMARY_ROWS:], "Also due"),
        f"<h2>Actions failed or in conflict ({len(unsettled)})</h2>",
        r.actions(unsettled),
        *_major_incident_follow_up(r, report),
    ]
    return parts


def _major_incident_follow_up(r: _Renderer, report: HandoverReport) -> list[str]:
    """Client updates the major incidents sent this shift, and the post-incident
    reviews still open with their actions past due."""
    updates = report.client_updates
    reviews = report.reviews
    overdue = sum(len(x.overdue) for x in reviews)
    actions = "action" if overdue == 1 else "actions"
    late = f' · <span class="bad">{overdue} {actions} overdue</span>' if overdue else ""
    return [
        f"<h2>Client updates sent this shift ({len(updates)})</h2>",
        r.table(
            ("Sent", "Major incident", "Phase", "By", "Clients"),
            [(r.when(u.at), f"{escape(u.record.reference)} {_e(u.record.title)}",
              _e(u.phase), _e(u.by), str(u.clients)) for u in updates],
        ),
        f"<h2>Post-incident reviews open ({len(reviews)}){late}</h2>",
        r.table(
            ("Major incident", "Resolved", "Actions overdue"),
            [(f"{escape(x.record.reference)} {_e(x.record.title)}", r.when(x.record.resolved_at),
              "<br>".join(f'<span class="bad">{_e(a.text)}</span> — {_e(a.owner)}, due '
                          f"{a.due.isoformat()}" for a in x.overdue) or "none")
             for x in reviews],
        ),
    ]  # fmt: skip


#: The declared major incidents' table (its own headings: the other tables' stay theirs).
WIDTHS.update({"Declared": 44, "Next client update": 24, "IC / comms": 20, "Tickets": 8})
WRAPPING.add("Declared")


def _declared(r: _Renderer, report: HandoverReport) -> list[str]:
    """The declared major incidents still open, and when each owes clients an update
    (red once overdue)."""
    rows = []
    for c in report.declared:
        due = f"{_e(c.words)} ({r.when(c.due_at)})" if c.due_at else _e(c.words)
        rows.append((
            f"{escape(c.record.reference)} {escape(c.record.severity.value)} "
            f"{_e(c.record.title)}",
            f'<span class="bad">{due}</span>' if c.overdue else due,
            f"{_e(c.record.commander)} / {_e(c.record.comms_lead)}",
            str(len(c.record.children)),
        ))  # fmt: skip
    return [
        f"<h2>Declared major incidents ({len(rows)})</h2>",
        r.table(("Declared", "Next client update", "IC / comms", "Tickets"), rows),
    ]


# ------------------------------------------------------------------ the detail
def _detail(r: _Renderer, report: HandoverReport) -> list[str]:
    """Every open incident by queue, marked when new or escalated this shift; then what
    changed to incidents no longer open, as compact lists."""
    open_rows = report.open_incidents
    marks: dict[IncidentKey, str] = {c.row.key: "new" for c in report.new}
    marks.update((c.row.key, "↑") for c in report.escalated)
    parts = [
        f'<h2 style="page-break-before: always">Open incidents by queue ({len(open_rows)})</h2>',
        '<p class="muted">new: raised this shift · ↑: escalated this shift (tier or '
        "priority) · ☾: out of the client's hours, the clock waits · times without a day "
        "are today</p>",
    ]
    for tier in Tier:
        rows = [x for x in open_rows if x.tier is tier]
        if not rows:
            continue
        counts = ", ".join(
            f"{p.value}: {n}" for p in Priority if (n := sum(1 for x in rows if x.priority is p))
        )
        parts.append(f"<h3>Queue {tier.value} — {len(rows)} open ({counts})</h3>")
        parts.append(
            r.table(
                ("Incident", "Client / title", "Status", "Owner", "Response", "Resolution"),
                [
                    (
                        r.ident(x)
                        + (f' <span class="muted">{marks[x.key]}</span>' if x.key in marks else ""),
                        r.title(x, SHORT),
                        escape(x.status.label),
                        _e(x.assignee or "unassigned", 20),
                        r.clock(x.response),
                        r.clock(x.resolution),
                    )
                    for x in rows
                ],
            )
        )
    resolved = {c.row.key for c in report.resolved}
    parts.append("<h2>What changed during the shift</h2>")
    for label, changes in (("New", report.new), ("Escalated", report.escalated)):
        elsewhere = [c for c in changes if c.row.is_open or c.row.key in resolved]
        gone = [c for c in changes if c not in elsewhere]
        parts.append(
            f"<p><b>{label} this shift: {len(changes)}</b> — each marked "
            f"“{marks_word(label)}” in the queues above (still open) or below (resolved)"
            + (f"; no longer open otherwise: {len(gone)}</p>" if gone else ".</p>")
        )
        if gone:
            parts.append(r.compact(gone, label == "New"))
    quiet = [
        f"<b>{label}:</b> none"
        for label, empty in (
            ("Reopened this shift", not report.reopened),
            ("Actions still queued or failed", not report.outbox),
        )
        if empty
    ]
    if quiet:
        parts.append("<p>" + " · ".join(quiet) + "</p>")
    for label, changes in (("Resolved", report.resolved), ("Reopened", report.reopened)):
        if changes:
            parts.append(f"<h3>{label} this shift ({len(changes)}) — at</h3>")
            parts.append(r.compact(changes, True, marks))
    if report.outbox:
        parts.append(f"<h2>Actions still queued or failed ({len(report.outbox)})</h2>")
        parts.append(r.actions(report.outbox))
    return parts


def marks_word(label: str) -> str:
    return "new" if label == "New" else "↑"


def _breached(row: BoardRow, now: datetime) -> bool:
    clocks = (row.response, row.resolution)
    return any(c is not None and c.state(now) is ClockState.BREACHED for c in clocks)


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
    """Cells and tables in the NOC's zone, with the per-incident notes and links."""

    def __init__(
        self,
        zone: ZoneInfo,
        now: datetime,
        notes: Mapping[IncidentKey, str],
        links: Mapping[IncidentKey, str],
    ) -> None:
        self.zone, self.now, self.notes, self.links = zone, now, notes, links
        self.today = now.astimezone(zone).date()

    def day(self, when: datetime) -> str:
        return when.astimezone(self.zone).strftime("%a %d %b %Y")

    def time(self, when: datetime) -> str:
        return when.astimezone(self.zone).strftime("%H:%M")

    def when(self, when: datetime | None) -> str:
        """ "14:20" today; "Mon 05:30" within a week either side; else with the date."""
        if when is None:
            return ""
        local = when.astimezone(self.zone)
        days = abs((local.date() - self.today).days)
        if days == 0:
            return f"{local:%H:%M}"
        return f"{local:%a %H:%M}" if days < 7 else f"{local:%d %b %H:%M}"

    def ident(self, row: BoardRow) -> str:
        paper, ink = PRIORITY_INK[row.priority]
        badge = f'<span class="prio" style="background:{paper}; color:{ink}">&nbsp;{row.priority.value}&nbsp;</span>'  # noqa: E501
        return f"{badge}&nbsp;{self.link(row)}"

    def link(self, row: BoardRow) -> str:
        """The id, linked to its ticket when the source gave an http(s) address."""
        ident = _e(row.key.external_id)
        address = web_link(self.links.get(row.key, ""))
        if address is None:
            return ident
        return f'<a href="{escape(address, quote=True)}">{ident}</a>'

    def title(self, row: BoardRow, limit: int = LINE) -> str:
        client = capped(row.client_name, limit)
        title = capped(row.title, max(limit - len(client) - 3, 12))
        text = f"<b>{escape(client)}</b> — {escape(title)}"
        note = self.notes.get(row.key, "").strip()
        return text + (f'<br><span class="note">Note: {_text(note)}</span>' if note else "")

    def clock(self, clock: SlaClock | None) -> str:
        """The state in words; a due time not today carries its day."""
        if clock is None:
            return ""
        state = clock.state(self.now)
        due = self.when(clock.due_at)
        if state is ClockState.MET:
            return '<span class="muted">met</span>'
        if state is ClockState.BREACHED:
            return f'<span class="bad">BREACHED</span> · late {self.late(clock)}'
        left = duration(clock.remaining(self.now))
        if state is ClockState.PAUSED:
            return f"paused · {left} left"
        if clock.running and not clock.calendar.is_open(self.now):
            left = f"{OFF_HOURS} {left}"  # out of hours: the clock waits for the calendar
        marked = f'<span class="bad">{left}</span>' if state is ClockState.CRITICAL else left
        return f"{marked} left · {due}"

    def late(self, clock: SlaClock) -> str:
        """How long past its due time the clock stopped, or is now (wall time)."""
        end = clock.stopped_at or clock.paused_since or self.now
        return duration(max(end - clock.due_at, timedelta(0)))

    def breaches(self, changes: Sequence[Change]) -> str:
        rows = []
        for c in changes:
            name = c.what.split()[0]  # "Response" or "Resolution"
            clock = c.row.response if name == "Response" else c.row.resolution
            late = self.late(clock) if clock is not None else ""
            rows.append(
                (
                    self.ident(c.row),
                    self.title(c.row, SHORT),
                    f'<span class="bad">{escape(name.upper())}</span>',
                    self.when(c.at),
                    late,
                    "open" if c.row.is_open else escape(c.row.status.label.lower()),
                )
            )
        return self.table(("Incident", "Client / title", "Clock", "Due", "Late by", "Now"), rows)

    def changes(self, changes: Sequence[Change], when: str) -> str:
        return self.table(
            (when, "Incident", "Client / title", "Clock"),
            [
                (self.when(c.at), self.ident(c.row), self.title(c.row, SHORT), _e(c.what))
                for c in changes
            ],
        )

    def rest(self, changes: Sequence[Change], label: str) -> str:
        """What did not fit a summary list, as one compact line."""
        if not changes:
            return ""
        entries = " &nbsp;· ".join(
            _unbreakable(f"{self.when(c.at)} {c.what.split()[0].lower()} ") + self.link(c.row)
            for c in changes
        )
        return f'<p class="compact"><b>{escape(label)} ({len(changes)}):</b> {entries}</p>'

    def compact(
        self, changes: Sequence[Change], with_time: bool, marks: Mapping[IncidentKey, str] = {}
    ) -> str:
        """One flowing paragraph: "07:05 P3 DEMO-1101 · …" (escalations with what
        changed instead of the time); the detail is in the PSA, a click away."""
        if not changes:
            return '<p class="muted">None.</p>'
        entries = []
        for c in changes:
            head = self.when(c.at) if with_time else ""
            tail = "" if with_time else _e(c.what, COMPACT)
            entries.append(
                _unbreakable(f"{head} <b>{c.row.priority.value}</b> ".lstrip())
                + self.link(c.row)
                + (("&nbsp;" + _unbreakable(tail)) if tail else "")
                + (
                    f'&nbsp;<span class="muted">{marks[c.row.key]}</span>'
                    if c.row.key in marks
                    else ""
                )
            )
        return '<p class="compact">' + " &nbsp;· ".join(entries) + "</p>"

    def actions(self, items: Iterable[OutboxItem]) -> str:
        return self.table(
            ("Taken", "Incident", "Action", "State", "Problem"),
            [
                (
                    self.when(q.queued.action.created_at),
                    _e(str(q.queued.action.key)),
                    escape(q.queued.action.kind.value),
                    f'<span class="bad">{q.queued.state.value}</span>',
                    _e(q.queued.last_error or "", BLOCK),
                )
                for q in items
            ],
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
            '<table class="list" cellspacing="0" cellpadding="0" width="100%">'
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
