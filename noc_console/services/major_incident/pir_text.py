"""A post-incident review as Markdown, or as the HTML its PDF is printed from.

The document is laid out once as blocks (headings, facts, tables, lists, paragraphs);
each format renders the blocks. Every text from a PSA or a person is escaped for the
format: a title holding `|`, `<script>` or a Markdown link stays plain text, and a
table keeps its columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from noc_console.services.handover.document import STYLE  # one look for printed pages
from noc_console.services.major_incident.pir import PirDocument


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # "h2", "facts", "table", "list", "para"
    text: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[int, ...] = ()  # per cent of the page, per column (printed tables)


def title_of(doc: PirDocument) -> str:
    return f"Post-incident review — {doc.record.reference}: {doc.record.title}"


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def _span(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def blocks(doc: PirDocument, today: date) -> list[Block]:
    r = doc.record
    review = doc.review
    state = "closed" if review.closed else "open"
    facts = [
        ("Severity", r.severity.value), ("Incident commander", r.commander),
        ("Communications lead", r.comms_lead), ("Clients", ", ".join(doc.clients) or "—"),
        ("Children", str(len(doc.children))), ("Client updates sent", str(doc.updates_sent)),
        ("Review", state),
    ]  # fmt: skip
    facts += [(label, _when(at)) for label, at in doc.times()]
    facts += [(label, _span(span)) for label, span in doc.durations()]
    actions = tuple(
        (a.text, a.owner, a.due.isoformat(),
         "done" if a.done else ("OVERDUE" if a.overdue(today) else "open"))
        for a in review.actions
    )  # fmt: skip
    return [
        Block("facts", rows=tuple(facts)),
        Block("h2", "Root cause"),
        Block("para", review.root_cause or "Not written yet."),
        Block("h2", "Contributing factors"),
        Block("list", rows=tuple((f,) for f in review.contributing_factors))
        if review.contributing_factors else Block("para", "None recorded."),
        Block("h2", "Actions"),
        Block("table", headers=("Action", "Owner", "Due", "State"), rows=actions,
              widths=(58, 20, 11, 11))
        if actions else Block("para", "None recorded."),
        Block("h2", "Timeline"),
        Block("table", headers=("Time (UTC)", "What", "By"),
              rows=tuple((_when(t.at), t.what, t.by) for t in doc.timeline),
              widths=(15, 70, 15)),
        Block("h2", "Children"),
        Block("table", headers=("Ticket", "Client", "Title", "Status"),
              rows=tuple((str(c.key), c.client, c.title, c.status) for c in doc.children),
              widths=(15, 20, 53, 12)),
    ]  # fmt: skip


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def _md(text: str) -> str:
    """Plain text for Markdown: one line, its markup characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def pir_markdown(doc: PirDocument, today: date) -> str:
    lines = [f"# {_md(title_of(doc))}", ""]
    for block in blocks(doc, today):
        if block.kind == "h2":
            lines += [f"## {_md(block.text)}", ""]
        elif block.kind == "para":
            lines += [_md(block.text), ""]
        elif block.kind == "list":
            lines += [f"- {_md(row[0])}" for row in block.rows] + [""]
        elif block.kind == "facts":
            lines += [f"- **{_md(k)}:** {_md(v)}" for k, v in block.rows] + [""]
        else:
            lines.append("| " + " | ".join(_md(h) for h in block.headers) + " |")
            lines.append("|" + "---|" * len(block.headers))
            lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines)


def pir_html(doc: PirDocument, today: date) -> str:
    parts = [
        f"<html><head><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title_of(doc))}</h1>",
    ]
    for block in blocks(doc, today):
        if block.kind == "h2":
            parts.append(f"<h2>{escape(block.text)}</h2>")
        elif block.kind == "para":
            parts.append(f"<p>{escape(block.text)}</p>")
        elif block.kind == "list":
            parts.append("<ul>" + "".join(f"<li>{escape(r[0])}</li>" for r in block.rows)
                         + "</ul>")  # fmt: skip
        elif block.kind == "facts":
            parts.append('<table class="list" width="60%" cellpadding="2">' + "".join(
                f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
                for k, v in block.rows) + "</table>")  # fmt: skip
        else:
            widths = block.widths or (round(100 / len(block.headers)),) * len(block.headers)
            head = "".join(f'<th width="{w}%">{escape(h)}</th>'
                           for h, w in zip(block.headers, widths, strict=True))  # fmt: skip
            body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>"
                           for row in block.rows)  # fmt: skip
            parts.append(
                f'<table class="list" width="100%" cellpadding="2"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>"  # thead: repeated on a page the table continues
            )
    parts.append("</body></html>")
    return "".join(parts)


def _cell(text: str) -> str:
    if text == "OVERDUE":
        return f'<td class="bad">{text}</td>'
    return f"<td>{escape(text)}</td>"
