"""A client SLA report as HTML (for the screen, and Qt's PDF on A4) and as CSV.

Plain HTML 4 and the CSS subset Qt's rich-text engine understands, like the handover
(`services/handover/document.py`): the same text is written by `noc-console report
--format html` without Qt and printed by `views/handover/pdf.py` on A4 portrait. Ticket
text is escaped and capped; colour only repeats what the words say. The logo goes in
as a data: URL, so the HTML file stands alone. Times are UTC, and say so.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from html import escape
from pathlib import Path

from noc_console.models.clock_text import duration
from noc_console.models.incident import Priority
from noc_console.models.text_limits import LINE, capped
from noc_console.services.export import FORMULA_STARTS
from noc_console.services.handover.document import PRIORITY_INK
from noc_console.services.metrics.measures import Measures
from noc_console.services.metrics.report import ClientReport
from noc_console.services.metrics.report_settings import ReportSettings

LOGO_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}
LOGO_MAX_BYTES = 2 * 1024 * 1024
LISTED = 40  # breaches, major and P1 incidents listed in the PDF/HTML; the CSV has them all
WIDTHS = {  # column widths in per cent of the page, by heading
    "Incident": 11, "Title": 31, "Priority": 7, "Clock": 10, "Due": 13, "Why it was missed": 28,
    "Raised": 14, "Resolved": 14, "Took": 10, "Week": 16, "Opened": 10, "Open at end": 12,
    "Response met": 12, "Resolution met": 12, "Breaches": 10, "MTTA": 10, "MTTR": 10,
    "Major incident": 26, "Severity": 9, "Started": 13, "First update": 10, "Updates": 8,
    "Lasted": 8, "Your tickets": 12,
}  # fmt: skip
EXPLAINED_MAJORS = (
    '<p class="muted">First update: from the declaration to the first client update; '
    "lasted: from the first affected ticket to the resolution.</p>"
)
STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8.5pt; color: #111; }
h1 { font-size: 15pt; margin: 0; }
h2 { font-size: 11pt; margin: 9pt 0 3pt 0; border-bottom: 1px solid #888; }
p { margin: 2pt 0 2pt 0; }
table.list { border-collapse: collapse; width: 100%; }
table.list th { text-align: left; background: #e6e6e6; font-weight: bold; }
table.list td, table.list th { padding: 1pt 4pt; border-bottom: 1px solid #ccc; }
td.num, th.num { text-align: right; }
.muted { color: #555; }
.bad { color: #8b0000; font-weight: bold; }
.box { background: #f2f2f2; padding: 5pt; }
.figure { font-size: 13pt; font-weight: bold; }
"""


class LogoProblem(ValueError):
    """The configured logo cannot be used (the message names the file and why)."""


def logo_data_url(path: str) -> str:
    """The logo file as a data: URL; LogoProblem when it is missing, too big or not an
    image we can show."""
    if not path:
        return ""
    try:
        data = Path(path).expanduser().read_bytes()[: LOGO_MAX_BYTES + 1]
    except OSError as exc:
        raise LogoProblem(f"report.logo {path}: {exc.strerror or exc}") from exc
    if len(data) > LOGO_MAX_BYTES:
        raise LogoProblem(f"report.logo {path}: larger than 2 MB")
    kind = next((t for magic, t in LOGO_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise LogoProblem(f"report.logo {path}: not a PNG or JPEG file")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def render_report_html(report: ClientReport, settings: ReportSettings, logo: str = "") -> str:
    """The whole report; `logo` is `logo_data_url(settings.logo)` (made once by the caller)."""
    head = f'<img src="{logo}" height="48">' if logo else ""
    parts = [
        f"<html><head><title>{_e(report.title)}</title><style>{STYLE}</style></head><body>",
        '<table width="100%"><tr>',
        f'<td width="20%" valign="middle">{head}</td>',
        f'<td align="right" valign="middle"><h1>{_e(settings.msp_name)}</h1>'
        f"<p>Service report for <b>{_e(report.client.name)}</b> — {_e(report.period.label)}</p>"
        f'<p class="muted">Generated {report.generated_at:%d %b %Y %H:%M} UTC · times in UTC</p>'
        "</td></tr></table>",
    ]
    if report.problem:
        parts.append(f'<p class="box"><b>{_e(report.problem)}</b> This report is empty.</p>')
        parts.append("</body></html>")
        return "\n".join(parts)
    parts += _summary(report.total)
    parts += _priorities(report)
    parts += _volume(report)
    parts += _breach_list(report)
    parts += _declared(report)
    parts += _majors(report)
    parts += _symptoms(report)
    parts.append(
        '<p class="muted">How each figure is computed: MTTA is created to first response; '
        "MTTR created to resolved without time paused on the customer or a vendor; "
        "compliance is clocks met ÷ clocks that stopped or ran out in the month; a "
        "recurrence is the same problem again within 30 days.</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def _summary(m: Measures) -> list[str]:
    cells = [
        ("SLA compliance", _pct(m.compliance)),
        ("Opened", str(m.opened)),
        ("Resolved", str(m.resolved)),
        ("Breaches", str(m.breaches)),
        ("MTTA", _time(m.mtta)),
        ("MTTR", _time(m.mttr)),
        ("MTTR (business hours)", _time(m.mttr_business)),
        ("First-contact resolution", _pct(m.first_contact_rate)),
    ]
    row = "".join(f'<td align="center" width="12%"><span class="figure">{v}</span><br>'
                  f'<span class="muted">{k}</span></td>' for k, v in cells)  # fmt: skip
    more = (
        f"Response compliance {_pct(m.response_compliance)} · resolution compliance "
        f"{_pct(m.resolution_compliance)} · escalated {_pct(m.escalation_rate)} · reopened "
        f"{_pct(m.reopen_rate)} · recurring {_pct(m.recurrence_rate)}"
    )
    return ["<h2>Summary</h2>", f'<table width="100%" class="box"><tr>{row}</tr></table>',
            f"<p>{more}</p>"]  # fmt: skip


def _priorities(report: ClientReport) -> list[str]:
    rows = []
    for priority, m in report.by_priority.items():
        paper, ink = PRIORITY_INK[priority]
        label = f"<b>&nbsp;{priority.value}&nbsp;</b>"
        rows.append((
            f'<span style="background:{paper}; color:{ink}">{label}</span>',
            str(m.opened), str(m.resolved), _pct(m.response_compliance),
            _pct(m.resolution_compliance), str(m.breaches), _time(m.mtta), _time(m.mttr),
        ))  # fmt: skip
    heads = ("Priority", "Opened", "Resolved", "Response met", "Resolution met", "Breaches",
             "MTTA", "MTTR")  # fmt: skip
    return ["<h2>SLA compliance by priority</h2>", _table(heads, rows, numeric_from=1)]


def _volume(report: ClientReport) -> list[str]:
    peak = max((max(p.measures.opened, p.measures.resolved) for p in report.weeks), default=0)
    rows = []
    for point in report.weeks:
        m = point.measures
        last = point.period.end - timedelta(microseconds=1)
        rows.append((
            f"{point.period.start:%d %b} – {last:%d %b}", str(m.opened),
            _bar(m.opened, peak, "#4a78b5"), str(m.resolved), _bar(m.resolved, peak, "#3c8a4a"),
            str(point.backlog),
        ))  # fmt: skip
    heads = ("Week", "Opened", "", "Resolved", "", "Open at end")
    return ["<h2>Volume by week</h2>", _table(heads, rows, numeric_from=1)]


def _breach_list(report: ClientReport) -> list[str]:
    rows = [
        (_e(b.row.key.external_id), _e(_short(b.row.title)), b.row.priority.value, b.clock,
         f"{b.due:%d %b %H:%M}&nbsp;", _e(b.reason))
        for b in report.breaches
    ]  # fmt: skip
    heads = ("Incident", "Title", "Priority", "Clock", "Due", "Why it was missed")
    body = _table(heads, rows[:LISTED]) if rows else "<p>No SLA breaches this month.</p>"
    return [f"<h2>SLA breaches ({len(rows)})</h2>", body, _more(len(rows), "breaches")]


def _declared(report: ClientReport) -> list[str]:
    """The declared major incidents that touched the client: how fast it heard from us."""
    rows = []
    for d in report.declared:
        r = d.record
        tickets = ", ".join(k.external_id for k in d.tickets)
        rows.append((f"{_e(r.reference)} · {_e(_short(r.title))}", r.severity.value,
                     f"{d.started_at:%d %b %H:%M}", _time(d.first_update_after),
                     str(d.updates_sent),
                     f"{r.resolved_at:%d %b %H:%M}" if r.resolved_at else "open",
                     _time(d.lasted), _e(_short(tickets)) or "—"))  # fmt: skip
    heads = ("Major incident", "Severity", "Started", "First update", "Updates", "Resolved",
             "Lasted", "Your tickets")  # fmt: skip
    body = (_table(heads, rows[:LISTED]) if rows
            else "<p>No major incident touched your services this month.</p>")  # fmt: skip
    note = EXPLAINED_MAJORS if rows else ""
    return [f"<h2>Major incidents ({len(rows)})</h2>", body, note,
            _more(len(rows), "major incidents")]  # fmt: skip


def _majors(report: ClientReport) -> list[str]:
    rows = []
    for r in report.majors:
        stopped = r.resolution.stopped_at if r.resolution else None
        took = duration(stopped - r.created_at) if stopped else "open"
        rows.append((_e(r.key.external_id), _e(_short(r.title)), f"{r.created_at:%d %b %H:%M}",
                     f"{stopped:%d %b %H:%M}" if stopped else "—", took))  # fmt: skip
    heads = ("Incident", "Title", "Raised", "Resolved", "Took")
    body = _table(heads, rows[:LISTED]) if rows else "<p>No P1 incidents this month.</p>"
    return [f"<h2>P1 incidents ({len(rows)})</h2>", body, _more(len(rows), "incidents")]


def _more(count: int, what: str) -> str:
    if count <= LISTED:
        return ""
    return (
        f'<p class="muted">… and {count - LISTED} more {what}: the CSV report lists them all.</p>'
    )


def _symptoms(report: ClientReport) -> list[str]:
    rows = [(_e(_short(title)), str(count)) for _symptom, count, title in report.symptoms]
    body = (
        _table(("Problem (latest title)", "Times"), rows, numeric_from=1)
        if rows
        else ("<p>No problem came back this month.</p>")
    )
    return ["<h2>Top recurring problems</h2>", body]


def _table(heads: Sequence[str], rows: Iterable[Sequence[str]], numeric_from: int = 99) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if i >= numeric_from else ""

    def width(head: str) -> str:
        return f' width="{WIDTHS[head]}%"' if head in WIDTHS else ""

    head = "".join(f"<th{cls(i)}{width(h)}>{h}</th>" for i, h in enumerate(heads))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return (f'<table class="list" width="100%" cellspacing="0" cellpadding="6">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")  # fmt: skip


def _bar(value: int, peak: int, colour: str) -> str:
    width = round(120 * value / peak) if peak else 0
    if not width:
        return ""
    return (f'<table cellspacing="0" cellpadding="0"><tr><td width="{width}" '
            f'style="background:{colour}">&nbsp;</td></tr></table>')  # fmt: skip


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _time(value: timedelta | None) -> str:
    return "—" if value is None else duration(value)


def _short(text: str) -> str:
    return capped(text, LINE)


def _e(text: str) -> str:
    return escape(text, quote=True)


# ------------------------------------------------------------------ CSV
CSV_COLUMNS = (
    "section", "label", "opened", "resolved", "breaches", "response_compliance_pct",
    "resolution_compliance_pct", "compliance_pct", "mtta_minutes", "mttr_minutes",
    "mttr_business_minutes", "open_at_end", "incident", "title", "clock", "due_utc", "reason",
    "started_utc", "resolved_utc", "first_update_minutes", "updates_sent",
)  # fmt: skip


def render_report_csv(report: ClientReport) -> str:
    """One table with a `section` column: total, priority, week, breach, major_incident,
    p1, symptom (and `empty`, with the reason, when the report is empty)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    if report.problem:
        writer.writerow({"section": "empty", "reason": report.problem})
        return out.getvalue()
    writer.writerow(_measures("total", report.period.label, report.total))
    for priority, m in report.by_priority.items():
        writer.writerow(_measures("priority", priority.value, m))
    for point in report.weeks:
        row = _measures("week", point.period.start.date().isoformat(), point.measures)
        writer.writerow({**row, "open_at_end": point.backlog})
    for b in report.breaches:
        writer.writerow({"section": "breach", "label": b.row.priority.value,
                         "incident": _cell(b.row.key.external_id), "title": _cell(b.row.title),
                         "clock": b.clock, "due_utc": _iso(b.due), "reason": b.reason})  # fmt: skip
    for d in report.declared:
        writer.writerow({"section": "major_incident", "label": d.record.reference,
                         "incident": _cell(" ".join(k.external_id for k in d.tickets)),
                         "title": _cell(d.record.title), "started_utc": _iso(d.started_at),
                         "resolved_utc": _iso(d.record.resolved_at) if d.record.resolved_at
                         else "", "first_update_minutes": _minutes(d.first_update_after),
                         "updates_sent": d.updates_sent})  # fmt: skip
    for r in report.majors:
        writer.writerow({"section": "p1", "label": Priority.P1.value,
                         "incident": _cell(r.key.external_id), "title": _cell(r.title),
                         "due_utc": _iso(r.created_at)})  # fmt: skip
    for symptom, count, title in report.symptoms:
        writer.writerow({"section": "symptom", "label": _cell(symptom), "opened": count,
                         "title": _cell(title)})  # fmt: skip
    return out.getvalue()


def _measures(section: str, label: str, m: Measures) -> dict[str, object]:
    return {
        "section": section, "label": label, "opened": m.opened, "resolved": m.resolved,
        "breaches": m.breaches, "response_compliance_pct": _num(m.response_compliance, 100),
        "resolution_compliance_pct": _num(m.resolution_compliance, 100),
        "compliance_pct": _num(m.compliance, 100), "mtta_minutes": _minutes(m.mtta),
        "mttr_minutes": _minutes(m.mttr), "mttr_business_minutes": _minutes(m.mttr_business),
    }  # fmt: skip


def _num(value: float | None, scale: float) -> str:
    return "" if value is None else f"{value * scale:.1f}"


def _minutes(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 60:.1f}"


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _cell(text: str) -> str:
    """Ticket text for a spreadsheet, shown, never run (services/export.py's rule)."""
    text = capped(text, LINE)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
