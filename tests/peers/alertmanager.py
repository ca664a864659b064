"""A real Prometheus Alertmanager for the integration tests.

Debian's `prometheus-alertmanager` (installed by `build_scripts/ensure_test_servers.sh`,
which `make test` runs). Each test session starts its own on a free loopback port, with
its own configuration, storage directory and web config (basic auth: user `noc`,
password `am-test-secret`; the bcrypt hash below is of that password, at cost 4 so
requests stay fast), clustering off, so nothing touches the packaged service.

Alerts are injected as Prometheus does (`POST /api/v2/alerts`); `reset` resolves every
firing alert and expires every silence, so each test starts from an empty board.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from tests.peers.process import free_port, terminate

BINARY = "prometheus-alertmanager"
USER, PASSWORD = "noc", "am-test-secret"
PASSWORD_HASH = "$2b$04$pu0KGJIXKyK/aBLcQlaaO.pjX6oLA9whI4PQd0g7RVkTvGDo0Vn4u"
CONFIG = """\
route:
  receiver: noc
  group_by: [customer]
receivers:
  - name: noc
"""
WEB_CONFIG = f"""\
basic_auth_users:
  {USER}: {PASSWORD_HASH}
"""


def missing() -> str:
    """Why Alertmanager cannot run here, or "" when it can."""
    if shutil.which(BINARY) is None:
        return (
            f"Prometheus Alertmanager is not installed ({BINARY} missing); "
            "build_scripts/ensure_test_servers.sh installs it (needs root and apt)"
        )
    return ""


@dataclass
class AlertmanagerServer:
    """One running Alertmanager; `url` is its base (the API is under /api/v2)."""

    home: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AlertmanagerServer:
        self.port = free_port()
        (self.home / "alertmanager.yml").write_text(CONFIG)
        (self.home / "web.yml").write_text(WEB_CONFIG)
        with (self.home / "server.log").open("wb") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [BINARY, f"--config.file={self.home / 'alertmanager.yml'}",
                 f"--storage.path={self.home / 'data'}",
                 f"--web.listen-address=127.0.0.1:{self.port}",
                 f"--web.config.file={self.home / 'web.yml'}", "--cluster.listen-address="],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.home,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"alertmanager exited: {(self.home / 'server.log').read_text()}")
            try:
                if self.api("GET", "/-/ready").ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise RuntimeError("alertmanager did not answer within 30 s")

    def stop(self) -> None:
        terminate(self.process)

    # ------------------------------------------------------------ test helpers
    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}{path}", auth=(USER, PASSWORD), timeout=30,
                                **kwargs)  # fmt: skip

    def fire(self, *alerts: dict[str, Any]) -> None:
        """Post alerts as Prometheus does: each `{"labels": …, "annotations"?: …,
        "startsAt"?: …, "generatorURL"?: …}`."""
        self.api("POST", "/api/v2/alerts", json=list(alerts)).raise_for_status()

    def resolve(self, *alerts: dict[str, Any]) -> None:
        """Post alerts again with `endsAt` in the past, as Prometheus resolves them."""
        ended = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        self.fire(*({"labels": a["labels"], "endsAt": ended} for a in alerts))

    def alerts(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.api("GET", "/api/v2/alerts").json()
        return found

    def silences(self, state: str = "active") -> list[dict[str, Any]]:
        return [s for s in self.api("GET", "/api/v2/silences").json()
                if s["status"]["state"] == state]  # fmt: skip

    def silence(self, matchers: dict[str, str], comment: str = "maintenance",
                by: str = "someone") -> str:  # fmt: skip
        now = datetime.now(UTC)
        body = {"matchers": [{"name": k, "value": v, "isRegex": False, "isEqual": True}
                             for k, v in matchers.items()],
                "startsAt": now.isoformat(), "endsAt": (now + timedelta(hours=1)).isoformat(),
                "createdBy": by, "comment": comment}  # fmt: skip
        response = self.api("POST", "/api/v2/silences", json=body)
        response.raise_for_status()
        return str(response.json()["silenceID"])

    def reset(self) -> None:
        """Resolve every firing alert and expire every silence."""
        for silence in self.silences():
            self.api("DELETE", f"/api/v2/silence/{silence['id']}").raise_for_status()
        firing = self.alerts()
        if firing:
            self.resolve(*firing)


def alert(name: str, customer: str | None = "acme", severity: str | None = "critical",
          **labels: str) -> dict[str, Any]:  # fmt: skip
    """An alert as a Prometheus rule would send it."""
    found = {"alertname": name, **labels}
    if customer is not None:
        found["customer"] = customer
    if severity is not None:
        found["severity"] = severity
    return {"labels": found, "annotations": {"summary": f"{name} on {labels.get('instance', '?')}",
                                             "description": f"{name} fired"},
            "generatorURL": f"http://prometheus.example:9090/graph?g0.expr={name}"}  # fmt: skip
