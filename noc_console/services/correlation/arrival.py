"""What correlation needs to know of one open incident (a board row has it all)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from noc_console.models.board_row import BoardRow
from noc_console.models.incident import IncidentKey


@dataclass(frozen=True, slots=True)
class Arrival:
    """One open incident as correlation sees it: who, what it says, when it came.

    `title` and `category` are untrusted PSA text; they are only tokenised, never
    interpreted further. `description` is optional (a board row has none)."""

    key: IncidentKey
    client_id: str
    client_name: str
    title: str
    created_at: datetime
    category: str = ""
    description: str = ""

    @classmethod
    def of_row(cls, row: BoardRow) -> Arrival:
        return cls(row.key, row.client_id, row.client_name, row.title, row.created_at, row.category)
