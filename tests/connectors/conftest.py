"""Fixtures the connector tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.fake_halo import FakeHalo
from tests.fakes.http_fake import running


@pytest.fixture
def halo() -> Iterator[FakeHalo]:
    """A Halo fake with 30 tickets (ids 4001–4030), serving on 127.0.0.1."""
    fake = FakeHalo()
    fake.seed(30)
    with running(fake) as server:
        yield server
