"""Client update templates for a major incident: one per phase, with variables.

A client hears from us on a cadence while a major incident runs; the words of each
update come from a template for its phase (investigating, identified, monitoring,
resolved), filled with variables: `{client}`, `{title}`, `{impact}`, `{start}`,
`{next_update}`, `{reference}`, `{phase}`. A client may have its own wording for any
phase; the rest fall back to the NOC's defaults.

Substitution is by name only (`{name}`, `{{` for a brace): a value is never
interpreted, so PSA text inside a variable (a client's name, a title) cannot reach
attributes or format specs the way `str.format` would let it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Phase(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return self.value.capitalize()


#: The variables a template may use, and what each means (docs, the editor's hint).
VARIABLES: Mapping[str, str] = {
    "client": "the client's name",
    "title": "the major incident's title",
    "impact": "what the client sees (typed with the update)",
    "start": "when the impact started (UTC)",
    "next_update": "when the next update is due (UTC)",
    "reference": "our reference, MI-12",
    "phase": "the phase, Investigating … Resolved",
}

DEFAULT_TEMPLATES: Mapping[Phase, str] = {
    Phase.INVESTIGATING: (
        "[{reference}] We are investigating: {title}. Impact for {client}: {impact}. "
        "Started {start}. Next update by {next_update}."
    ),
    Phase.IDENTIFIED: (
        "[{reference}] Cause identified: {title}. Impact for {client}: {impact}. "
        "We are working on the fix. Next update by {next_update}."
    ),
    Phase.MONITORING: (
        "[{reference}] A fix is in place and we are monitoring: {title}. Impact for "
        "{client}: {impact}. Next update by {next_update}."
    ),
    Phase.RESOLVED: (
        "[{reference}] Resolved: {title}. Service for {client} is restored and verified. "
        "Started {start}."
    ),
}

_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


class TemplateError(ValueError):
    """A template that cannot be used (the message names what to fix)."""


def template_problem(text: str) -> str | None:
    """What is wrong with `text` as a template, or None (the config check)."""
    if not text.strip():
        return "is empty: write the update's words, or leave the key out for the default"
    for match in _FIELD.finditer(text):
        name = match.group(1)
        if name is not None and name not in VARIABLES:
            return f"uses {{{name}}}, which is not a variable (use {', '.join(VARIABLES)})"
    stray = _FIELD.sub("", text)
    if "{" in stray or "}" in stray:
        return "has an unmatched brace (write {{ or }} for a brace)"
    return None


def render(text: str, values: Mapping[str, str]) -> str:
    """`text` with each `{name}` replaced by `values[name]`; `TemplateError` for a
    template `template_problem` refuses."""
    problem = template_problem(text)
    if problem is not None:
        raise TemplateError(f"the template {problem}")

    def one(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        return values.get(match.group(1), "")

    return _FIELD.sub(one, text)


@dataclass(frozen=True, slots=True)
class TemplateSet:
    """The NOC's template per phase and each client's own wording (client id → phase →
    text); what a client has not worded falls back to the default."""

    defaults: Mapping[Phase, str] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))
    clients: Mapping[str, Mapping[Phase, str]] = field(default_factory=dict)

    def text_for(self, client_id: str, phase: Phase) -> str:
        own = self.clients.get(client_id, {}).get(phase)
        if own is not None:
            return own
        found = self.defaults.get(phase)
        if found is None:
            raise TemplateError(
                f"no template for the {phase.value} phase: set "
                f"communications.templates.{phase.value} in the configuration"
            )
        return found

    def has_own(self, client_id: str, phase: Phase) -> bool:
        return phase in self.clients.get(client_id, {})
