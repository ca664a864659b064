"""The detail panel: one incident in full — fields, SLA breakdown, timeline, similar.

Every field is ticket text: escaped and capped (`models/text_limits.py`). The link to
the incident in its PSA comes from the PSA too: only an http(s) address with a host
becomes a link, and a click opens it in the system browser — never in the panel,
which would show a `file:` link's file. Anything else is shown as text, not opened.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from noc_console.models.actions import ActionState
from noc_console.models.cache.alarm_ack_table import AckKind
from noc_console.models.pauses import RESOLVED_PAUSE, reopen_count
from noc_console.models.sla_clock import SlaClock
from noc_console.models.text_limits import BLOCK, LINE, capped
from noc_console.models.web_link import WEB_SCHEMES, web_link
from noc_console.services.board.incident_detail import IncidentDetail
from noc_console.views import format as fmt
from noc_console.views.theme import PRIORITY_COLOURS, tokens

STATE_WORDS = {
    ActionState.PENDING: "waiting to be sent",
    ActionState.DELIVERED: "delivered",
    ActionState.FAILED: "FAILED",
    ActionState.CONFLICT: "IN CONFLICT",
    ActionState.DISCARDED: "discarded",
}

log = logging.getLogger(__name__)


class DetailPanel(QTextBrowser):
    """Read-only rich text of the selected incident; web links open in the browser.

    Signals: only those of QTextBrowser.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detail")
        self.setOpenLinks(False)  # the panel never navigates: links go to `_open`
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(_open)
        self.setMinimumWidth(360)
        self.show_nothing()

    def show_nothing(self) -> None:
        self.setHtml(f"<p style='color:{tokens()['muted']}'>Select an incident (J/K).</p>")

    def show_detail(self, detail: IncidentDetail, now: datetime) -> None:
        self.setHtml(render(detail, now))


def _open(url: QUrl) -> None:
    if url.scheme().lower() in WEB_SCHEMES and url.host():
        QDesktopServices.openUrl(url)
    else:  # not rendered as a link; a link in other text would be a bug
        log.warning("detail panel: not opening %s", capped(url.toString()))


def _link(link: str, source: str) -> str:
    web = web_link(link)
    if web is not None:
        return f"<p><a href='{html.escape(web)}'>Open in {html.escape(capped(source))}</a></p>"
    return (
        f"<p>Open in {html.escape(capped(source))}: {html.escape(capped(link, LINE))} "
        "<i>(not a web address: not opened)</i></p>"
    )


def _t(value: datetime | None) -> str:
    return f"{value.astimezone():%a %d %b %H:%M}" if value else "—"


def _clock(name: str, clock: SlaClock | None, now: datetime) -> str:
    if clock is None:
        return f"<tr><td>{name}</td><td colspan=2>no target</td></tr>"
    state = clock.state(now)
    used = clock.fraction_used(now) * 100
    return (
        f"<tr><td><b>{name}</b></td><td>{html.escape(fmt.countdown(clock.remaining(now), state))}"
        f" ({state.value}, {used:.0f}% used)</td></tr>"
        f"<tr><td></td><td>target {fmt.duration(clock.target)} on "
        f"<i>{html.escape(clock.calendar.name)}</i> hours; due {_t(clock.due_at)} "
        f"({clock.origin.value})</td></tr>"
    )


def _status(label: str, source_status: str) -> str:
    """Our status, and the source's own name for it when that says something else."""
    if not source_status or source_status.casefold() == label.casefold():
        return label
    return f"{label} (in the source: {source_status})"


def render(detail: IncidentDetail, now: datetime) -> str:
    row, f = detail.row, detail.fields
    bg, fg = PRIORITY_COLOURS[row.priority]

    def e(text: str, limit: int = LINE) -> str:
        return html.escape(capped(text, limit))

    parts = [
        f"<p><span style='background:{bg};color:{fg};font-weight:bold'>&nbsp;{row.priority.value}"
        f"&nbsp;</span> <b>{e(row.key.external_id)}</b> · {e(row.client_name)}</p>",
        f"<h3>{e(row.title)}</h3>",
    ]
    if detail.link:
        parts.append(_link(detail.link, row.key.source))
    if f.get("description"):
        parts.append(f"<p>{e(str(f['description']), BLOCK)}</p>")
    facts = [
        ("Status", _status(row.status.label, str(f.get("source_status") or ""))),
        ("Tier", row.tier.value),
        ("Assignee", row.assignee or "unassigned"),
        ("Impact × urgency", f"{row.impact} × {row.urgency} → {row.priority.value}"),
        ("Category", str(f.get("category") or "—")),
        ("Source", f"{row.key.source} · version {f.get('version') or '—'}"),
    ]
    reopens = reopen_count(detail.pauses)
    if reopens:
        facts.append(("Reopened", f"{reopens} time{'s' if reopens != 1 else ''}"))
    parts.append("<table cellspacing=2>")
    parts.extend(f"<tr><td>{name}</td><td>{e(value)}</td></tr>" for name, value in facts)
    parts.append("</table>")
    parts.append("<h4>SLA</h4><table cellspacing=2>")
    parts.append(_clock("Response", row.response, now))
    parts.append(_clock("Resolution", row.resolution, now))
    parts.append("</table>")
    events: list[tuple[datetime, str]] = [(row.created_at, "Raised")]
    if f.get("responded_at"):
        events.append((f["responded_at"], "Responded"))
    for pause in detail.pauses:
        if pause.status == RESOLVED_PAUSE:  # resolved, then reopened (docs/sla.md)
            events.append((pause.start, "Resolved: clocks paused"))
            if pause.end:
                events.append((pause.end, "Reopened: clocks run again"))
            continue
        status = e(pause.status.replace("_", " "))
        events.append((pause.start, f"Paused: {status}"))
        if pause.end:
            events.append((pause.end, "Clock resumed"))
    for queued in detail.actions:
        action = queued.action
        text = action.payload.get("text") or action.payload.get("reason") or ""
        summary = ", ".join(f"{k} {v}" for k, v in action.changes().items())
        words = STATE_WORDS[queued.state]
        if queued.last_error and queued.state is not ActionState.DELIVERED:
            words += f": {queued.last_error}"
        what = e(" — ".join(p for p in (action.kind.value, summary, str(text)) if p), BLOCK)
        who = e(action.author or "someone")
        events.append((action.created_at or now, f"{what} <i>({who}; {e(words, BLOCK)})</i>"))
    for ack in detail.alarms:  # from any desk
        what = (f"alarm sound snoozed until {_t(ack.snoozed_until)}"
                if ack.kind is AckKind.SNOOZE else "alarm acknowledged")  # fmt: skip
        events.append((ack.at, f"{ack.priority.value} {e(ack.reason)} {what} <i>({e(ack.by)})</i>"))
    if f.get("resolved_at"):
        events.append((f["resolved_at"], "Resolved"))
    events.sort(key=lambda item: item[0])
    parts.append("<h4>Timeline</h4><table cellspacing=2>")
    parts.extend(f"<tr><td>{_t(when)}</td><td>{what}</td></tr>" for when, what in events)
    parts.append("</table>")
    if detail.similar:
        parts.append("<h4>Similar, last 30 days</h4><table cellspacing=2>")
        for other in detail.similar:
            outcome = other.status.label
            parts.append(
                f"<tr><td>{e(other.key.external_id)}</td><td>{e(other.client_name)}: "
                f"{e(other.title)} — {e(outcome)}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)
