"""The registry is the one place a connector type is declared (issue 16, item 2): a type
registered by a test is read from the file, validated, built, tested and saved by the
console's own code, untouched; and reading the registry loads no vendor module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from noc_console.connectors.connector_type import ConnectorType
from noc_console.connectors.mapping.field_mapping import FieldMapping
from noc_console.connectors.registry import connector_types
from noc_console.connectors.unavailable import UnavailableConnector
from noc_console.models.clock import ManualClock
from noc_console.models.priority import DEFAULT_MATRIX
from noc_console.services.config import load_config
from noc_console.services.secrets import SecretStore
from noc_console.services.sources.config_writer import save_connectors
from noc_console.services.sources.connection_check import check_connection
from noc_console.services.sources.factory import build_connector, default_mapping
from tests.conftest import T0
from tests.fakes import fake_vendor
from tests.fakes.fake_psa import FakePsa, running
from tests.fakes.fake_vendor import AcmeConnector, AcmeSettings
from tests.fakes.memory_keyring import MemoryKeyring
from tests.services.test_hostile_config import refused, write

ACME_TOML = """\
[[connectors]]
name = "acme-eu"
type = "acme_psa"
base_url = "{url}"
region = "eu"
page_size = 200
allow_insecure_http = true
"""


def test_a_registered_type_is_read_built_tested_and_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    fake_vendor.register(monkeypatch)
    psa = FakePsa()
    with running(psa) as server:
        path = write(tmp_path, ACME_TOML.format(url=server.url))
        (config,) = load_config(path).connectors
        assert config.settings == AcmeSettings(base_url=server.url, region="eu", page_size=200,
                                               allow_insecure_http=True)  # fmt: skip
        assert config.pages_of == 200
        assert default_mapping("acme_psa") is fake_vendor.MAPPING

        secrets = SecretStore()
        missing = build_connector(config, ManualClock(T0), DEFAULT_MATRIX, secrets)
        assert isinstance(missing, UnavailableConnector)
        assert "no secret in the keyring (entry 'acme-eu')" in missing.reason
        secrets.set("acme-eu", "acme-secret")
        connector = build_connector(config, ManualClock(T0), DEFAULT_MATRIX, secrets)
        assert isinstance(connector, AcmeConnector)
        assert (connector.secret, connector.settings) == ("acme-secret", config.settings)

        checks = list(check_connection(connector, config))
    assert [c.step for c in checks] == ["transport", "acme region"]  # the type's own probe
    assert checks[1].detail == "eu: 1 clients"

    saved = save_connectors(path, [config])
    assert saved.connectors == (config,)
    assert 'type = "acme_psa"' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (('region = "eu"\n', ""), "connectors[0].region", "is required for type 'acme_psa'"),
        (('region = "eu"', 'region = "EU"'), "connectors[0].region", "must be lower case"),
        (("page_size = 200", "page_size = 251"), "connectors[0].page_size",
         "must be 1 to 250 (acme_psa's maximum), or 0"),
        (('type = "acme_psa"', 'type = "acme"'), "connectors[0].type",
         # every registered type, then the test's own (a new vendor joins the list)
         "available: " + ", ".join([*(t.key for t in connector_types()), "acme_psa"])),
        (('region = "eu"', 'tier_field = "Tier"'), "connectors[0].tier_field",
         "is a setting of type rt, jsm, not of type 'acme_psa'"),
    ],
)  # fmt: skip
def test_a_registered_type_is_validated_by_its_declaration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: tuple[str, str], key: str,
    problem: str,
) -> None:  # fmt: skip
    fake_vendor.register(monkeypatch)
    old, new = change
    error = refused(write(tmp_path, ACME_TOML.format(url="https://acme.example").replace(old, new)))
    assert error.key == key
    assert problem in error.problem


def test_a_setting_of_another_type_names_its_key_and_its_type(tmp_path: Path) -> None:
    text = '[[connectors]]\nname = "rt"\ntype = "rt"\nbase_url = "https://rt.example"\n'
    error = refused(write(tmp_path, text + 'company = "contoso"\n'))
    assert error.key == "connectors[0].company"
    assert "is a setting of type connectwise, not of type 'rt'" in error.problem
    error = refused(write(tmp_path, text + 'colour = "red"\n'))
    assert error.key == "connectors[0].colour"
    assert error.problem.startswith("unknown key (known keys: allow_insecure_http, auth,")


def test_reading_every_type_and_a_vendor_config_loads_no_vendor_module(tmp_path: Path) -> None:
    """The registry's declarations import their connector (and `requests`) only when a
    connector is built: the demo feed starts without either."""
    path = write(tmp_path, '[[connectors]]\nname = "rt"\ntype = "rt"\nbase_url = "https://rt.x"\n'
                 '[[connectors]]\nname = "sim"\ntype = "demo"\n')  # fmt: skip
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from noc_console.cli import main\n"
        "from noc_console.services.config import load_config\n"
        f"assert len(load_config(Path({str(path)!r})).connectors) == 2\n"
        f"assert main(['--demo', '--db', 'sqlite:///{tmp_path}/c.db', 'sync', '--once']) == 0\n"
        "loaded = [m for m in sys.modules if m == 'requests' or m.startswith('requests.') or\n"
        "          m.startswith('noc_console.') and m.endswith(('.connector', '.probe'))]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).parents[2])  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("kind", connector_types(), ids=lambda kind: kind.key)
def test_every_declared_reference_resolves(kind: ConnectorType[Any]) -> None:
    """The lazy references of each declaration name what exists (a typo would only show
    when a user first tests that type)."""
    if kind.default_mapping is not None:
        assert isinstance(kind.default_mapping(), FieldMapping)
    if kind.probe is not None:
        assert callable(kind.probe())
