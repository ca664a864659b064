"""A real Request Tracker 5 server for the integration tests.

Debian's `request-tracker5` and `rt5-db-sqlite` packages (installed by
`build_scripts/ensure_test_servers.sh`, which `make test` runs) provide `rt-server`.
Each test session gets its own SQLite database (`rt-setup-database-5 --action init`,
about a second), its own site config (UTC, no web path, mail to a file) and a server
on a free loopback port, so nothing touches the package's own database. The superuser
is `root` / `password`, as RT's initial data creates it.

RT checks the password or token of every REST2 request with bcrypt at cost 12, about
0.3 s a request on these machines. The test server uses cost 4 so the suite stays
fast; `bcrypt_cost=12` gives production's per-request cost (benchmarks/bench_rt.py).
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.peers.process import free_port, terminate

RT_SERVER = Path("/usr/share/request-tracker5/libexec/rt-server")
RT_SETUP = Path("/usr/sbin/rt-setup-database-5")
RT_LIB = Path("/usr/share/request-tracker5/lib")
ROOT = ("root", "password")

SITE_CONFIG = """\
Set($rtname, 'noc-test');
Set($Organization, 'noc-test.example');
Set($Timezone, 'UTC');
Set($DatabaseType, 'SQLite');
Set($DatabaseName, '{db}');
Set($WebPath, '');
Set($WebBaseURL, 'http://127.0.0.1:{port}');
Set($LogToSyslog, undef);
Set($LogToSTDERR, 'error');
Set($MailCommand, 'testfile');
Set($BcryptCost, {bcrypt_cost});
1;
"""


def missing() -> str:
    """Why RT cannot run here, or "" when it can."""
    absent = [str(p) for p in (RT_SERVER, RT_SETUP) if not p.exists()]
    if absent:
        return (
            f"Request Tracker 5 is not installed ({', '.join(absent)} missing); "
            "build_scripts/ensure_test_servers.sh installs it (needs root and apt)"
        )
    return ""


@dataclass
class RtServer:
    """One running RT; `url` is the REST2 base (…/REST/2.0)."""

    home: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    started_in: float = 0.0
    bcrypt_cost: int = 4

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/REST/2.0"

    def _env(self) -> dict[str, str]:
        conf_dir = self.home / "RT_SiteConfig.d"
        conf_dir.mkdir(exist_ok=True)  # empty: keeps the package's site config out
        return {
            **os.environ,
            "RT_SITE_CONFIG": str(self.home / "RT_SiteConfig.pm"),
            "RT_SITE_CONFIG_DIR": str(conf_dir),
        }

    def start(self) -> RtServer:
        began = time.perf_counter()
        self.port = free_port()
        db = self.home / "rtdb"
        (self.home / "RT_SiteConfig.pm").write_text(
            SITE_CONFIG.format(db=db, port=self.port, bcrypt_cost=self.bcrypt_cost)
        )
        subprocess.run(
            [str(RT_SETUP), "--action", "init", "--skip-create"],
            env=self._env(), check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        with (self.home / "server.log").open("wb") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [str(RT_SERVER), "--port", str(self.port)],
                env=self._env(), stdout=log, stderr=subprocess.STDOUT, cwd=self.home,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"rt-server exited: {(self.home / 'server.log').read_text()}")
            try:
                if requests.get(f"{self.url}/rt", auth=ROOT, timeout=2).ok:
                    self.started_in = time.perf_counter() - began
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("rt-server did not answer within 60 s")

    def stop(self) -> None:
        terminate(self.process)

    # ------------------------------------------------------------ test helpers
    def api(self, method: str, path: str, user: tuple[str, str] = ROOT, **kwargs: object
            ) -> requests.Response:  # fmt: skip
        return requests.request(method, f"{self.url}{path}", auth=user, timeout=30, **kwargs)  # type: ignore[arg-type]

    def create_ticket(self, queue: str = "General", subject: str = "Test", **fields: object) -> str:
        body = {"Queue": queue, "Subject": subject, "Content": subject, **fields}
        response = self.api("POST", "/ticket", json=body)
        response.raise_for_status()
        return str(response.json()["id"])

    def ticket(self, ticket_id: str) -> dict[str, object]:
        response = self.api("GET", f"/ticket/{ticket_id}")
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    def create_queue(self, name: str, description: str = "") -> None:
        self.api(
            "POST", "/queue", json={"Name": name, "Description": description}
        ).raise_for_status()

    def create_user(self, name: str, password: str) -> None:
        body = {"Name": name, "Password": password, "Privileged": 1,
                "EmailAddress": f"{name}@noc-test.example"}  # fmt: skip
        self.api("POST", "/user", json=body).raise_for_status()

    def grant(self, user: str, queue: str, *rights: str) -> None:
        """Queue rights for a user (REST2 cannot grant rights; RT's Perl API can)."""
        script = (
            "use strict; use RT; RT::LoadConfig(); RT::Init();"
            "my ($name, $queue, @rights) = @ARGV;"
            "my $u = RT::User->new(RT->SystemUser); $u->Load($name) or die 'no user';"
            "my $q = RT::Queue->new(RT->SystemUser); $q->Load($queue) or die 'no queue';"
            "for (@rights) { my ($ok, $msg) = $u->PrincipalObj->GrantRight("
            "Right => $_, Object => $q); die $msg unless $ok; }"
        )
        self._perl(script, user, queue, *rights)

    def create_token(self, user: str = "root") -> str:
        """An RT::Authen::Token auth token (REST2 cannot make them; RT's Perl API can)."""
        script = (
            "use strict; use RT; RT::LoadConfig(); RT::Init();"
            "my $u = RT::User->new(RT->SystemUser); $u->Load($ARGV[0]) or die 'no user';"
            "my $t = RT::AuthToken->new(RT->SystemUser);"
            "my ($ok, $msg, $token) = $t->Create(Owner => $u->Id, Description => 'tests');"
            "die $msg unless $ok; print $token;"
        )
        return self._perl(script, user)

    def _perl(self, script: str, *args: str, timeout: float = 60) -> str:
        done = subprocess.run(
            ["perl", f"-I{RT_LIB}", "-e", script, *args],
            env=self._env(), check=True, capture_output=True, timeout=timeout, text=True,
        )  # fmt: skip
        return done.stdout

    def create_custom_field(self, name: str, applied: bool = True) -> None:
        """A one-value ticket custom field, applied to every queue unless `applied` is
        False (then RT ignores writes to it without a word, as on a queue it is not
        applied to). Once per name: a second field of the same name would make RT pick
        either on write, so tests sharing the session's server may each ask for it."""
        named = self.api("POST", "/customfields", json=[{"field": "Name", "value": name}])
        named.raise_for_status()
        if named.json()["count"]:
            return
        body = {"Name": name, "Type": "Freeform", "MaxValues": 1,
                "LookupType": "RT::Queue-RT::Ticket"}  # fmt: skip
        response = self.api("POST", "/customfield", json=body)
        response.raise_for_status()
        if not applied:
            return
        cf = response.json()["id"]
        script = (
            "use strict; use RT; RT::LoadConfig(); RT::Init();"
            "my $cf = RT::CustomField->new(RT->SystemUser); $cf->Load($ARGV[0]) or die 'no cf';"
            "my ($ok, $msg) = $cf->AddToObject(RT::Queue->new(RT->SystemUser));"
            "die $msg unless $ok;"
        )  # applied globally: every queue's tickets carry it
        self._perl(script, str(cf))


def comments(server: RtServer, ticket_id: str) -> list[tuple[str, str]]:
    """(transaction type, content) of every comment and reply on a ticket, oldest first."""
    history = server.api("GET", f"/ticket/{ticket_id}/history", params={"fields": "Type",
                         "per_page": 100}).json()  # fmt: skip
    found = []
    for txn in history["items"]:
        if txn["Type"] in ("Comment", "Correspond"):
            attachments = server.api("GET", f"/transaction/{txn['id']}/attachments",
                                     params={"fields": "Content"}).json()  # fmt: skip
            content = "".join(a.get("Content", "") for a in attachments["items"])
            found.append((txn["Type"], content))
    return found
