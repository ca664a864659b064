"""A manual monotonic clock for OAuth token expiry (`BearerToken(clock=...)`): tests
move `now` instead of waiting for a token to age."""

from __future__ import annotations


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
