"""The deployment examples (deploy/, docs/team.md "Deployment") cannot drift from the
command line: the systemd unit's ExecStart and the compose file's `serve` command are
read by noc-console's own parser as `serve` on a shared database, over verified TLS,
with no password in the URL (it comes from a `.pgpass` the service is handed), and the
page links both files.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from noc_console.cli import build_parser
from noc_console.models.cache.database import is_shared
from noc_console.models.cache.postgres_login import holds_password

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "noc-console-serve.service"
COMPOSE = ROOT / "deploy" / "compose.yaml"


def unit_settings(path: Path) -> dict[str, list[str]]:
    """Each `Key=value` of a systemd unit, by key (a key may repeat)."""
    settings: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def yaml_document(path: Path) -> Any:
    """The YAML file as data (PyYAML comes with the `test` extra)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def serve_command(argv: list[str]) -> argparse.Namespace:
    """`argv` read by noc-console's parser, checked to be a team's sync service."""
    args = build_parser().parse_args(argv)
    assert args.command == "serve"
    assert is_shared(args.db), args.db
    assert not holds_password(args.db)
    options = parse_qs(urlsplit(args.db).query)
    assert options["sslmode"] == ["verify-full"]
    assert options["sslrootcert"][0].startswith("/")
    return args


def test_the_systemd_unit_starts_serve_with_a_command_line_noc_console_accepts() -> None:
    settings = unit_settings(UNIT)
    (exec_start,) = settings["ExecStart"]
    program, *argv = shlex.split(exec_start)
    assert Path(program).name == "noc-console"
    args = serve_command(argv)
    assert args.config is not None
    assert args.config.is_absolute()
    assert "PGPASSFILE=%d/pgpass" in settings["Environment"]
    assert settings["LoadCredential"] == ["pgpass:/etc/noc-console/pgpass"]
    assert settings["KillSignal"] == ["SIGTERM"]


def test_the_compose_file_runs_the_same_serve_command_beside_postgresql() -> None:
    document = yaml_document(COMPOSE)
    services = document["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    serve = services["serve"]
    composed = serve_command([str(part) for part in serve["command"]])
    _program, *argv = shlex.split(unit_settings(UNIT)["ExecStart"][0])
    unit = serve_command(argv)
    same = ("command", "log_format", "health_every")
    assert {k: getattr(composed, k) for k in same} == {k: getattr(unit, k) for k in same}
    assert serve["environment"]["PGPASSFILE"] == "/run/secrets/pgpass"
    assert "pgpass" in serve["secrets"]
    assert set(serve["secrets"]) <= set(document["secrets"])
    assert serve["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_team_page_links_the_deployment_files() -> None:
    page = (ROOT / "docs" / "team.md").read_text(encoding="utf-8")
    for path in ("deploy/noc-console-serve.service", "deploy/compose.yaml"):
        assert f"(../{path})" in page
