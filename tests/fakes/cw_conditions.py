"""ConnectWise Manage's `conditions` mini-language, parsed and evaluated against a record,
for the ConnectWise fake.

Grammar (what client docs show, see fake_connectwise.py for sources):

    expr   := term (("and" | "or") term)*        -- left to right, "and" binds tighter
    term   := "(" expr ")" | field op value | field ["not"] "in" "(" value, … ")"
    op     := = | != | < | <= | > | >= | contains | like | not like
    value  := "string" | [datetime] | number | true | false | null

Fields are paths: `board/name` reads `record["board"]["name"]`; `lastUpdated` is an alias
for `_info/lastUpdated`, as on the real API. String comparisons ignore case (SQL Server
collation). An unknown field or a syntax error raises `ConditionError`, which the fake
answers with a 400, as ConnectWise does for e.g. `configurations/id` (plural).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Record = dict[str, Any]
Predicate = Callable[[Record], bool]

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<date>\[[^\]]*\])|(?P<op><=|>=|!=|=|<|>)'
    r"|(?P<punct>[(),])|(?P<word>[A-Za-z0-9_/.:+-]+))"
)
ALIASES = {"lastUpdated": "_info/lastUpdated", "dateEntered": "_info/dateEntered"}


class ConditionError(ValueError):
    pass


def parse(text: str, fields: set[str]) -> Predicate:
    """A predicate for `text`; `fields` are the top-level names a record may carry."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, fields)
    predicate = parser.expr()
    if parser.pos != len(tokens):
        raise ConditionError(f"unexpected {tokens[parser.pos]!r}")
    return predicate


def _tokenize(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text.rstrip()):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ConditionError(f"cannot read conditions at {text[pos:]!r}")
        tokens.append(match.group(match.lastgroup or "word"))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], fields: set[str]) -> None:
        self.tokens, self.fields, self.pos = tokens, fields, 0

    def peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def take(self) -> str:
        if self.pos >= len(self.tokens):
            raise ConditionError("conditions end too early")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expr(self) -> Predicate:
        alternatives = [self.conjunction()]
        while self.peek().lower() == "or":
            self.take()
            alternatives.append(self.conjunction())
        return lambda r: any(p(r) for p in alternatives)

    def conjunction(self) -> Predicate:
        parts = [self.term()]
        while self.peek().lower() == "and":
            self.take()
            parts.append(self.term())
        return lambda r: all(p(r) for p in parts)

    def term(self) -> Predicate:
        if self.peek() == "(":
            self.take()
            inner = self.expr()
            if self.take() != ")":
                raise ConditionError("missing )")
            return inner
        path = self.field(self.take())
        op = self.take().lower()
        if op == "not":
            op = "not " + self.take().lower()
        if op in ("in", "not in"):
            values = self.values()
            keep = op == "in"
            return lambda r: (_norm(_get(r, path)) in values) == keep
        if op not in ("=", "!=", "<", "<=", ">", ">=", "contains", "like", "not like"):
            raise ConditionError(f"unknown operator {op!r}")
        value = _literal(self.take())
        return lambda r: _compare(_get(r, path), op, value)

    def field(self, name: str) -> list[str]:
        path = ALIASES.get(name, name).split("/")
        if path[0] not in self.fields:
            raise ConditionError(f"{name} is not a valid field")
        return path

    def values(self) -> list[Any]:
        if self.take() != "(":
            raise ConditionError("in needs (…)")
        values = [_norm(_literal(self.take()))]
        while self.peek() == ",":
            self.take()
            values.append(_norm(_literal(self.take())))
        if self.take() != ")":
            raise ConditionError("missing ) after in list")
        return values


def _get(record: Record, path: list[str]) -> Any:
    value: Any = record
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _literal(token: str) -> Any:
    if token.startswith('"'):
        return token[1:-1].replace('\\"', '"')
    if token.startswith("["):
        return to_datetime(token[1:-1])
    lowered = token.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return float(token) if "." in token else int(token)
    except ValueError:
        raise ConditionError(f"cannot read value {token!r}") from None


def to_datetime(text: str) -> datetime:
    """CW dates: `2026-01-01T00:00:00Z`, or a bare date `2026-01-01` (midnight UTC)."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _norm(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _compare(actual: Any, op: str, wanted: Any) -> bool:
    if isinstance(wanted, datetime):
        actual = to_datetime(actual) if isinstance(actual, str) else None
    if op in ("contains", "like", "not like"):
        text, pattern = str(actual or "").lower(), str(wanted).lower()
        if op == "contains":
            return pattern in text
        matched = re.fullmatch(re.escape(pattern).replace("%", ".*"), text) is not None
        return matched == (op == "like")
    actual, wanted = _norm(actual), _norm(wanted)
    if op == "=":
        return bool(actual == wanted)
    if op == "!=":
        return bool(actual != wanted)
    if actual is None or wanted is None:
        return False
    try:
        return bool({"<": actual < wanted, "<=": actual <= wanted,
                     ">": actual > wanted, ">=": actual >= wanted}[op])  # fmt: skip
    except TypeError:
        raise ConditionError(f"cannot compare {actual!r} with {wanted!r}") from None
