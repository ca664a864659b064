"""`noc-console sync --once` and `connectors test` as subprocesses against hostile
servers: whatever the server does, one clear line and a non-zero exit, no traceback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.workspace_console import console
from tests.fakes.fake_halo import FakeHalo
from tests.fakes.hostile_server import HostilePsa, hostile
from tests.fakes.http_fake import running

pytestmark = pytest.mark.e2e


@pytest.fixture
def psa() -> Iterator[HostilePsa]:
    with hostile() as server:
        yield server


def wrong_base_path(psa: HostilePsa) -> str:
    return f"{psa.url}/api/v2"


def refuses_with_400(psa: HostilePsa) -> str:
    psa.inject("400", "/incidents", body={"error": "unknown parameter"})
    return psa.url


def redirects_forever(psa: HostilePsa) -> str:
    psa.inject("302", "/clients", headers={"Location": "/clients"}, times=40)
    return psa.url


def next_page_abc(psa: HostilePsa) -> str:
    psa.next_page = lambda n: "abc"
    return psa.url


@pytest.mark.parametrize(
    ("misbehave", "expected"),
    [
        (wrong_base_path, "(HTTP 404)"),
        (refuses_with_400, "(HTTP 400)"),
        (redirects_forever, "redirected more than 10 times"),
        (next_page_abc, "next_page 'abc'"),
    ],
)
def test_sync_once_prints_one_line_for_a_hostile_server(
    tmp_path: Path, psa: HostilePsa, misbehave: Callable[[HostilePsa], str], expected: str
) -> None:
    base_url = misbehave(psa)
    (tmp_path / "config.toml").write_text(
        f'[[connectors]]\nname = "psa"\ntype = "rest_json"\nbase_url = "{base_url}"\n',
        encoding="utf-8",
    )
    result = console(tmp_path, "sync", "--once")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("noc-console: psa: ")
    assert expected in lines[0]


def halo_workspace(tmp_path: Path, halo: FakeHalo, insecure: bool) -> Path:
    tmp_path.mkdir()
    (tmp_path / "config.toml").write_text(
        f"""
[[connectors]]
name = "halo"
type = "halo"
base_url = "{halo.url}"
client_id = "{halo.client_id}"
allow_insecure_http = {"true" if insecure else "false"}
""",
        encoding="utf-8",
    )
    stored = console(tmp_path, "connectors", "set-secret", "halo", stdin="s3cret\n")
    assert stored.returncode == 0, stored.stderr
    return tmp_path


def test_connectors_test_refuses_plain_http_and_says_when_it_is_allowed(tmp_path: Path) -> None:
    fake = FakeHalo()
    fake.seed(3)
    with running(fake) as halo:
        refused = console(halo_workspace(tmp_path / "a", halo, False), "connectors", "test",
                          "halo")  # fmt: skip
        allowed = console(halo_workspace(tmp_path / "b", halo, True), "connectors", "test",
                          "halo")  # fmt: skip
        assert halo.count("POST", "/auth/token") == 1  # only the allowed one sent the secret
    assert refused.returncode == 1
    assert "FAIL" in refused.stdout
    assert "allow_insecure_http" in refused.stdout
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    warning = allowed.stdout.splitlines()[1]
    assert warning.lstrip().startswith("??")
    assert "allow_insecure_http" in warning
    assert "Traceback" not in refused.stderr + allowed.stderr
