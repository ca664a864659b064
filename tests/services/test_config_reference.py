"""docs/configuration.md lists every key with the default and description declared in
the code (services/config_reference.py), so the two cannot drift."""

from __future__ import annotations

from pathlib import Path

from noc_console.services.config_reference import BEGIN, END, reference

DOC = Path(__file__).parents[2] / "docs" / "configuration.md"


def test_the_docs_table_is_the_declarations() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert documented == reference(), "run: python -m noc_console.services.config_reference"


def test_every_section_is_in_the_table() -> None:
    table = reference()
    sections = ("`theme`", "`sla.clients.<name>.contract`", "`wall.pages`", "`alarms.repeat`")
    for key in (*sections, "`shifts[].start`", "`handover.timezone`", "`major_incident.open_for`"):
        assert key in table
    assert "`clients." not in table  # version 1's name
