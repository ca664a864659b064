"""Which clients a wall may show (`--clients A,B`): a wall in a client-facing room
shows nothing about anyone else.

Clients are named by id or by name, case-insensitively; an empty scope admits every
client. The wall applies the scope to rows before anything is counted or drawn, so no
count, tile, banner or page can leak another client.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from noc_console.models.board_row import BoardRow


@dataclass(frozen=True, slots=True)
class ClientScope:
    names: tuple[str, ...] = ()  # as the user wrote them, in order
    _wanted: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_wanted", frozenset(n.casefold() for n in self.names))

    @classmethod
    def parse(cls, text: str | None) -> ClientScope:
        """`"northwind-bank, Fabrikam Manufacturing"` → a scope of two clients."""
        if not text:
            return cls()
        return cls(tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip())))

    @property
    def everyone(self) -> bool:
        return not self.names

    def admits(self, client_id: str, client_name: str) -> bool:
        if not self._wanted:
            return True
        return client_id.casefold() in self._wanted or client_name.casefold() in self._wanted

    def admits_row(self, row: BoardRow) -> bool:
        return self.admits(row.client_id, row.client_name)
