from pathlib import Path

import pytest

from noc_console.models.errors import ConfigError
from noc_console.services.config import Config, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml") == Config()
    assert load_config(None).connectors == ()


def test_demo_connector_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'sync_interval_s = 2\n[[connectors]]\nname = "sim"\ntype = "demo"\nseed = 9\n'
    )
    config = load_config(path)
    assert config.sync_interval_s == 2
    (connector,) = config.connectors
    settings = connector.settings
    assert (connector.name, connector.type, settings.seed, settings.speed) == (
        "sim",
        "demo",
        9,
        1.0,
    )


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("sync_interval_s = 'soon'", "sync_interval_s", "must be a number from 1 to 86400"),
        ("colour = 'red'", "colour", "unknown key"),
        ("schema_version = 7", "schema_version", "this version reads 1"),
        ("[[connectors]]\ntype = 'demo'", "connectors[0].name", "is required"),
        ("[[connectors]]\nname = 'x'\ntype = 'fax'", "connectors[0].type", "unknown type 'fax'"),
        ("[[connectors]]\nname='a'\ntype='demo'\n[[connectors]]\nname='a'\ntype='demo'",
         "connectors[1].name", "used twice"),
        ("connectors = 3", "connectors", "array of tables"),
        ("theme = 'neon'", "theme", "use dark, light or system"),
        ("sync_interval_s = ", "(file)", "not valid TOML"),
    ],
)  # fmt: skip
def test_errors_name_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    assert_refused(tmp_path, text, key, problem)


def assert_refused(tmp_path: Path, text: str, key: str, problem: str) -> None:
    """A file of `text` is refused with one error naming the file, `key` and `problem`."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.path == str(path)
    assert caught.value.key == key
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}: {key}: ")
