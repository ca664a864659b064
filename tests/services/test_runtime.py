"""The GUI's runtime: configured sources are built when they first sync, not at start-up,
and behave exactly as if they had been built at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from noc_console.connectors.errors import AuthFailed
from noc_console.services.config import parse_config
from noc_console.services.runtime import build_runtime
from noc_console.services.sources.deferred import DeferredConnector
from noc_console.services.sources.factory import missing_secret
from tests.fakes.fake_psa import running

CONNECTWISE = (
    '[[connectors]]\nname = "cw"\ntype = "connectwise"\nbase_url = "https://cw.example.net"\n'
    'company = "contoso"\npublic_key = "pub"\nclient_id = "cid"\n'
)


def test_the_gui_runtime_builds_each_source_on_its_first_use(tmp_path: Path) -> None:
    with running() as psa:
        text = (
            f'[[connectors]]\nname = "psa"\nlabel = "Our PSA"\ntype = "rest_json"\n'
            f'base_url = "{psa.url}"\n' + CONNECTWISE
        )
        config = parse_config(text, "config.toml")
        runtime = build_runtime(config, f"sqlite:///{tmp_path / 'c.db'}", defer_connectors=True)
        try:
            ours, cw = runtime.connectors
            assert isinstance(ours, DeferredConnector)
            assert isinstance(cw, DeferredConnector)
            assert [(c.name, c.label) for c in runtime.connectors] == [
                ("psa", "Our PSA"), ("cw", "cw")
            ]  # fmt: skip
            # The board's first read names the sources and builds none of them.
            assert [f.name for f in runtime.feed.snapshot().feeds] == ["psa", "cw"]
            assert not ours.built
            assert not cw.built

            assert [c.id for c in ours.clients()] == ["acme"]  # the source, reached
            assert ours.built
            with pytest.raises(AuthFailed) as failure:  # no secret: the reason, as always
                cw.clients()
            assert str(failure.value) == missing_secret(config.connectors[1])
        finally:
            runtime.close()


def test_the_gui_start_up_imports_neither_requests_nor_the_orm(tmp_path: Path) -> None:
    """What the console imports before its first paint: reading the cache and naming the
    sources needs neither `requests` (a connector's) nor SQLAlchemy's ORM."""
    config = tmp_path / "config.toml"
    config.write_text(
        '[[connectors]]\nname = "psa"\ntype = "rest_json"\nbase_url = "http://127.0.0.1:9"\n',
        encoding="utf-8",
    )
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from noc_console.services.config import load_config\n"
        "from noc_console.services.runtime import build_runtime\n"
        f"runtime = build_runtime(load_config(Path({str(config)!r})), "
        f"{'sqlite:///' + str(tmp_path / 'c.db')!r}, defer_connectors=True)\n"
        "runtime.feed.snapshot()\n"
        "runtime.close()\n"
        "print(sorted(m for m in ('requests', 'sqlalchemy.orm') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]", done.stderr
