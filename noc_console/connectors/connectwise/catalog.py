"""The tenant's own names and ids, read from ConnectWise rather than hard-coded.

Every ConnectWise tenant defines its boards, each board its own statuses (the same
name, e.g. "New", has a different id on every board), its priorities and its members.
Tickets name them (`{id, name}`), so reading maps by name; writing must turn a name
back into the id valid *for that ticket's board*. This catalog reads each list once
per connector and reads it again once when a name is missing (someone added a board
or a status since), so a stale cache costs one request, not a failed action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from noc_console.connectors.connectwise.session import ConnectWiseHttp
from noc_console.connectors.errors import ActionRejected

T = TypeVar("T")


class CwCatalog:
    def __init__(self, http: ConnectWiseHttp) -> None:
        self.http = http
        self._boards: dict[str, int] | None = None
        self._statuses: dict[int, list[dict[str, Any]]] = {}
        self._priorities: dict[str, int] | None = None
        self._members: dict[str, int] = {}

    def refresh(self) -> None:
        self._boards, self._priorities = None, None
        self._statuses.clear()
        self._members.clear()

    # ------------------------------------------------------------ lists
    def boards(self) -> dict[str, int]:
        """Board name → id."""
        if self._boards is None:
            rows = self.http.everything("service/boards", {"fields": "id,name"})
            self._boards = {str(b["name"]): int(b["id"]) for b in rows}
        return self._boards

    def statuses(self, board_id: int) -> list[dict[str, Any]]:
        """The board's active statuses (`id`, `name`, `closedStatus`), in its order."""
        if board_id not in self._statuses:
            rows = self.http.everything(f"service/boards/{board_id}/statuses")
            active = [s for s in rows if not s.get("inactive")]
            self._statuses[board_id] = sorted(active, key=lambda s: s.get("sortOrder") or 0)
        return self._statuses[board_id]

    def priorities(self) -> dict[str, int]:
        """Priority name → id."""
        if self._priorities is None:
            rows = self.http.everything("service/priorities", {"fields": "id,name"})
            self._priorities = {str(p["name"]): int(p["id"]) for p in rows}
        return self._priorities

    def board_names(self, fresh: bool = False) -> list[str]:
        """The tenant's board names, read again when `fresh` (`FieldMapping.tier_target`)."""
        if fresh:
            self._boards = None
        return list(self.boards())

    # ------------------------------------------------------------ look-ups
    def status_id(self, board_id: int, board: str, names: Sequence[str]) -> tuple[str, int]:
        """The first of `names` that is a status of board `board_id`."""

        def table() -> dict[str, int]:
            return {str(s["name"]): int(s["id"]) for s in self.statuses(board_id)}

        return self._first(table, names, f"status on board {board!r}")

    def priority_id(self, name: str) -> int:
        return self._first(lambda: self.priorities(), [name], "priority")[1]

    def member_id(self, identifier: str) -> int:
        """The member whose login (identifier) is `identifier`."""
        if identifier not in self._members:
            quoted = identifier.replace('"', '\\"')
            rows = self.http.everything("system/members", {
                "conditions": f'identifier="{quoted}"', "fields": "id,identifier"})  # fmt: skip
            if not rows:
                raise ActionRejected(
                    f"{self.http.name}: no ConnectWise member with identifier {identifier!r}"
                )
            self._members[identifier] = int(rows[0]["id"])
        return self._members[identifier]

    def _first(self, table: Callable[[], dict[str, T]], names: Sequence[str], what: str
               ) -> tuple[str, T]:  # fmt: skip
        for attempt in range(2):
            found = table()
            folded = {k.casefold(): (k, v) for k, v in found.items()}
            for name in names:
                if name.casefold() in folded:
                    return folded[name.casefold()]
            if attempt == 0:
                self.refresh()
        raise ActionRejected(
            f"{self.http.name}: no {what} named {' or '.join(map(repr, names)) or '(none)'} "
            f"in ConnectWise (known: {', '.join(sorted(found)) or 'none'}); adjust the mapping"
        )
