"""`[communications]`: the client update templates of major incidents, per phase, and
each client's own wording.

```toml
[communications.templates]          # the NOC's wording; a phase left out keeps the default
investigating = "[{reference}] We are looking into {title}. Next update by {next_update}."

[communications.clients.acme]       # Acme's own wording for the phases it names
resolved = "Dear {client}, {title} is fixed. Reference {reference}."
```

Variables: `models/comms_template.py` `VARIABLES`. A template naming an unknown
variable, an unmatched brace or an empty text is refused when the file is read, naming
the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from noc_console.models.comms_template import (
    DEFAULT_TEMPLATES,
    VARIABLES,
    Phase,
    TemplateSet,
    template_problem,
)

_VARIABLES = ", ".join("{" + name + "}" for name in VARIABLES)


def _template(phase: Phase) -> str | None:
    return field(
        default=None,
        metadata={"doc": f"The {phase.value} update; variables {_VARIABLES}.",
                  "check": template_problem},
    )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseTemplates:
    """One template per phase; a phase left out falls back (to the NOC's, or built-in)."""

    investigating: str | None = _template(Phase.INVESTIGATING)
    identified: str | None = _template(Phase.IDENTIFIED)
    monitoring: str | None = _template(Phase.MONITORING)
    resolved: str | None = _template(Phase.RESOLVED)

    def given(self) -> dict[Phase, str]:
        found = {Phase(f.name): getattr(self, f.name) for f in fields(self)}
        return {phase: text for phase, text in found.items() if text is not None}


@dataclass(frozen=True, slots=True, kw_only=True)
class CommsSettings:
    """`[communications]`."""

    templates: PhaseTemplates = field(
        default_factory=PhaseTemplates,
        metadata={"doc": "The NOC's client update per phase (docs/major-incidents.md)."},
    )
    clients: dict[str, PhaseTemplates] = field(
        default_factory=dict,
        metadata={"doc": "Per client id: its own wording for the phases it names."},
    )

    def template_set(self) -> TemplateSet:
        return TemplateSet(
            {**DEFAULT_TEMPLATES, **self.templates.given()},
            {client: own.given() for client, own in self.clients.items()},
        )
