"""Saving connectors from the settings dialog keeps the rest of the file as written."""

from pathlib import Path

import pytest

from noc_console.connectors.demo.declaration import DemoSettings
from noc_console.connectors.request_tracker.declaration import RtSettings
from noc_console.models.errors import ConfigError
from noc_console.models.incident import Status
from noc_console.services.config import load_config
from noc_console.services.sources.config import ConnectorConfig
from noc_console.services.sources.config_writer import save_connectors

HAND_WRITTEN = """\
# Contoso NOC — edited by hand, keep these notes
theme = "light"  # the day shift prefers it

[[connectors]]
name = "old"
type = "demo"

[clients.acme]
contract = "Gold"
"""


def test_connectors_are_replaced_and_comments_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    rt = ConnectorConfig(
        name="rt", type="rt", settings=RtSettings(base_url="https://rt.contoso.example/REST/2.0",
                                                  auth="basic", username="noc-bot"),
        mapping={"status": {"escalated": Status.IN_PROGRESS}},
    )  # fmt: skip
    saved = save_connectors(path, [rt])
    text = path.read_text(encoding="utf-8")
    assert "# Contoso NOC — edited by hand, keep these notes" in text
    assert 'theme = "light"  # the day shift prefers it' in text
    assert '"old"' not in text
    assert "seed" not in text  # defaults are not written
    reread = load_config(path)
    assert reread.connectors == (rt,)
    assert saved.connectors == (rt,)
    assert reread.theme == "light"
    assert "acme" in reread.sla.policy.clients


def test_an_invalid_connector_is_refused_and_the_file_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    broken = ConnectorConfig(name="rt", type="rt", settings=RtSettings(base_url=""))
    with pytest.raises(ConfigError, match="base_url: is required"):
        save_connectors(path, [broken])
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temp file left


def test_a_missing_file_is_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_connectors(path, [ConnectorConfig(name="sim", type="demo", settings=DemoSettings(seed=3))])
    assert load_config(path).connectors[0].settings.seed == 3
