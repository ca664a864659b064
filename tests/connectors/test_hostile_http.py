"""The connector HTTP layer against hostile servers over real loopback HTTP(S).

Four kinds of attack or bad day, each a check that failed before the fix unless marked:
credentials following redirects and links to another host; TLS and plain-http trust
that the environment or a server could weaken; servers that never let a sync finish;
read errors that must end as one clear line (`ConnectorUnavailable`), not a traceback.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from noc_console.connectors.autotask.connector import AtOptions, AutotaskConnector
from noc_console.connectors.autotask.session import AutotaskSession, at_client
from noc_console.connectors.base import Connector
from noc_console.connectors.errors import ConnectorUnavailable
from noc_console.connectors.http.client import HttpSettings
from noc_console.connectors.rest_json.connector import RestJsonConnector
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.priority import DEFAULT_MATRIX
from noc_console.services.secrets import SecretStore
from noc_console.services.sources.config import ConnectorConfig, new_connector
from noc_console.services.sources.connection_check import check_connection
from noc_console.services.sources.factory import build_connector
from noc_console.services.sync import SyncService
from tests.conftest import T0
from tests.fakes.fake_autotask import FakeAutotask
from tests.fakes.fake_halo import FakeHalo
from tests.fakes.hostile_server import HostilePsa, elsewhere, hostile, leaked
from tests.fakes.http_fake import running
from tests.fakes.scripted_server import ScriptedServer, serving

SECRET = "s3cret"  # what the vendor fakes accept
#: What each vendor type needs besides base_url and the secret (the fakes' own values).
VENDOR_FIELDS: dict[str, dict[str, Any]] = {
    "rt": {},
    "connectwise": {"company": "contoso", "public_key": "pub", "client_id": "cid"},
    "autotask": {"username": "noc-api@example.com",
                 "integration_code": "NOCCONSOLE7QF3JX2WZ5TRACKID"},
    "halo": {"client_id": "noc-console"},
}  # fmt: skip
FAST = 1_000_000.0  # requests per minute: no test waits for a vendor's budget


def vendor_config(kind: str, base_url: str, **options: Any) -> ConnectorConfig[Any]:
    return new_connector(kind, kind, base_url=base_url, requests_per_minute=FAST, timeout_s=5.0,
                         **VENDOR_FIELDS[kind], **options)  # fmt: skip


def vendor(kind: str, base_url: str, **options: Any) -> Connector:
    """A vendor connector as the console builds it from its configuration."""
    config = vendor_config(kind, base_url, **options)
    return build_connector(config, ManualClock(T0), DEFAULT_MATRIX, SecretStore(), SECRET)


def json_api(url: str, **settings: Any) -> RestJsonConnector:
    options: dict[str, Any] = {"connect_timeout": 0.5, "read_timeout": 1.0, "retries": 0}
    return RestJsonConnector("psa", HttpSettings(url, **{**options, **settings}), "Hostile PSA")


@pytest.fixture
def other_host() -> Iterator[ScriptedServer]:
    with elsewhere() as server:
        yield server


@pytest.fixture
def psa() -> Iterator[HostilePsa]:
    with hostile() as server:
        yield server


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls(ca: trustme.CA) -> Iterator[ScriptedServer]:
    """A loopback HTTPS server whose certificate only `ca` vouches for."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serving(tls=context) as server:
        yield server


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    bundle = tmp_path / "private-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return str(bundle)


# ====================================================== redirects and credentials
AUTOTASK_REDIRECTS = [
    ("302", "/atservicesrest/v1.0/zoneInformation"),
    ("307", "/atservicesrest/v1.0/zoneInformation"),
    ("302", "/zone5/ATServicesRest/v1.0/Tickets/entityInformation/fields"),
    ("307", "/zone5/ATServicesRest/v1.0/Tickets/query"),
]


@pytest.mark.parametrize(("status", "path"), AUTOTASK_REDIRECTS)
def test_autotask_credentials_never_follow_a_redirect_to_another_host(
    other_host: ScriptedServer, status: str, path: str
) -> None:
    fake = FakeAutotask()
    fake.seed(3)
    with running(fake) as at:
        at.inject(status, path, headers={"Location": f"{other_host.url}/steal"})
        source = vendor("autotask", f"{at.url}/atservicesrest/v1.0", allow_insecure_http=True)
        with pytest.raises(ConnectorUnavailable, match="redirected to another host") as refused:
            list(source.fetch_changed(None))
    assert leaked(other_host, SECRET, "NOCCONSOLE7QF3JX2WZ5TRACKID", "noc-api@example.com") == []
    assert other_host.requests == []
    assert other_host.url in str(refused.value)  # says where it was sent


def test_halo_never_posts_its_client_secret_to_a_redirect_target(
    other_host: ScriptedServer,
) -> None:
    fake = FakeHalo()
    fake.seed(3)
    with running(fake) as halo:
        halo.inject("307", "/auth/token", headers={"Location": f"{other_host.url}/auth/token"})
        source = vendor("halo", halo.url, allow_insecure_http=True)
        with pytest.raises(ConnectorUnavailable, match="redirected to another host"):
            source.clients()
    assert leaked(other_host, SECRET) == []
    assert other_host.requests == []


def test_rt_redirect_to_another_host_is_refused_with_its_token(
    other_host: ScriptedServer,
) -> None:
    """Held before in part: requests dropped RT's Authorization header on the way."""
    with serving() as rt:
        rt.answer(302, headers={"Location": f"{other_host.url}/REST/2.0/queues/all"})
        source = vendor("rt", rt.url, allow_insecure_http=True)
        with pytest.raises(ConnectorUnavailable, match="redirected to another host"):
            source.clients()
    assert leaked(other_host, SECRET) == []


def rt_next_page(server: ScriptedServer, other: ScriptedServer) -> tuple[str, str]:
    server.answer(200, {"items": [], "next_page": f"{other.url}/queues/all?page=2"})
    return "rt", server.url


def connectwise_link_header(server: ScriptedServer, other: ScriptedServer) -> tuple[str, str]:
    link = f'<{other.url}/apis/3.0/company/companies?pageId=2>; rel="next"'
    server.answer(200, [{"id": 1, "identifier": "acme", "name": "Acme"}], {"Link": link})
    return "connectwise", f"{server.url}/v2025_1/apis/3.0"


def autotask_next_page_url(server: ScriptedServer, other: ScriptedServer) -> tuple[str, str]:
    server.answer(200, {"zoneName": "Zone 5", "url": f"{server.url}/zone5/"})  # zoneInformation
    server.answer(200, {"fields": []})  # Tickets/entityInformation/fields
    server.answer(200, {"items": [{"id": 1, "companyName": "Acme"}],
                        "pageDetails": {"nextPageUrl": f"{other.url}/Companies/next"}})  # fmt: skip
    return "autotask", server.url


@pytest.mark.parametrize("script", [rt_next_page, connectwise_link_header, autotask_next_page_url])
def test_a_next_page_link_to_another_host_gets_no_credentials(
    other_host: ScriptedServer, script: Callable[[ScriptedServer, ScriptedServer], tuple[str, str]]
) -> None:
    """requests sends session headers and auth to whatever URL it is asked for."""
    with serving() as server:
        kind, base_url = script(server, other_host)
        with pytest.raises(ConnectorUnavailable, match="link to another host"):
            vendor(kind, base_url, allow_insecure_http=True).clients()
    assert leaked(other_host, SECRET, "NOCCONSOLE7QF3JX2WZ5TRACKID") == []
    assert other_host.requests == []


def test_an_autotask_zone_on_plain_http_is_refused(
    tls: ScriptedServer, other_host: ScriptedServer, ca_file: str
) -> None:
    tls.answer(200, {"zoneName": "Zone 5", "url": f"{other_host.url}/zone5/"})
    source = vendor("autotask", tls.url, ca_bundle=ca_file)
    with pytest.raises(ConnectorUnavailable, match="not https") as refused:
        source.clients()
    assert other_host.requests == []
    assert f"{other_host.url}/zone5/" in str(refused.value)


def test_autotask_zone_discovery_carries_no_credentials(tls: ScriptedServer, ca_file: str) -> None:
    """zoneInformation needs no auth: the discovery host is not given the secret."""
    tls.answer(500, {"errors": ["no such user"]})
    with pytest.raises(ConnectorUnavailable):
        vendor("autotask", tls.url, ca_bundle=ca_file).clients()
    (discovery,) = tls.requests
    assert "zoneInformation" in discovery.path
    assert leaked(tls, SECRET, "NOCCONSOLE7QF3JX2WZ5TRACKID") == []


def test_a_redirect_within_the_configured_host_is_still_followed(
    store: Store, psa: HostilePsa, clock: ManualClock
) -> None:
    """Not hostile: the rule must not break a server that moves a path on its own host."""
    psa.inject("307", "/clients", headers={"Location": "/clients"})
    result = SyncService(json_api(psa.url), store, clock).sync_once()
    assert result.ok, result.error
    assert store.open_count() == 30


# ====================================================== TLS and plain http
@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_the_environment_cannot_make_a_self_signed_server_trusted(
    tls: ScriptedServer, ca_file: str, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)  # requests reads the first one set
    monkeypatch.setenv(variable, ca_file)
    tls.answer(200, [])
    with pytest.raises(ConnectorUnavailable, match="certificate not trusted"):
        json_api(tls.url).clients()
    assert tls.requests == []


def test_a_configured_ca_bundle_wins_over_the_environment(
    tls: ScriptedServer, ca_file: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held before: ca_bundle was always passed per request."""
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other))
    tls.answer(200, [])
    assert json_api(tls.url, ca_bundle=ca_file).clients() == []


def test_netrc_in_the_environment_does_not_replace_the_configured_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login mallory password stolen\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with serving() as rt:
        rt.answer(200, {"items": []})
        vendor("rt", rt.url, allow_insecure_http=True).clients()
    assert rt.requests[0].headers["Authorization"] == f"token {SECRET}"


def test_proxies_from_the_environment_are_still_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Held before, kept on purpose: a NOC behind a corporate proxy needs HTTPS_PROXY."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with serving() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        proxy.answer(200, [])
        assert json_api("http://psa.invalid/api").clients() == []
    assert proxy.requests[0].path == "http://psa.invalid/api/clients"


@pytest.mark.parametrize("kind", sorted(VENDOR_FIELDS))
def test_credentials_are_not_sent_over_plain_http_unless_allowed(kind: str) -> None:
    with serving() as server:
        source = vendor(kind, server.url)
        with pytest.raises(ConnectorUnavailable, match="allow_insecure_http") as refused:
            source.clients()
        assert server.requests == []
    assert "http://" in str(refused.value)


@pytest.mark.parametrize("kind", sorted(VENDOR_FIELDS))
def test_every_probe_says_when_plain_http_is_allowed(kind: str) -> None:
    with serving() as server:
        config = vendor_config(kind, server.url, allow_insecure_http=True)
        source = build_connector(config, ManualClock(T0), DEFAULT_MATRIX, SecretStore(), SECRET)
        first = next(iter(check_connection(source, config)))
    assert first.ok is None  # a warning, not a failure: the user chose it
    assert "allow_insecure_http" in first.detail
    assert "unencrypted" in first.detail


# ====================================================== hangs
def test_a_next_page_that_is_always_1_is_a_loop(psa: HostilePsa) -> None:
    psa.next_page = lambda n: 1
    with pytest.raises(ConnectorUnavailable, match=r"same page again \(.*'page': '?1"):
        list(json_api(psa.url).fetch_changed(None))
    assert psa.pages_served == 1  # stopped before asking for page 1 again


def test_the_same_records_on_every_next_page_are_a_loop(psa: HostilePsa) -> None:
    psa.next_page, psa.records = (lambda n: n + 1), "repeat"
    with pytest.raises(ConnectorUnavailable, match="same records"):
        list(json_api(psa.url).list_open())
    assert psa.pages_served == 2


def test_an_endless_listing_stops_at_the_page_cap(psa: HostilePsa) -> None:
    psa.next_page, psa.records = (lambda n: n + 1), "fresh"
    with pytest.raises(ConnectorUnavailable, match="more than 20 pages"):
        list(json_api(psa.url, max_pages=20).fetch_changed(None))
    assert psa.pages_served == 20


def test_a_slow_endless_listing_stops_at_its_deadline() -> None:
    psa = HostilePsa(misbehave_pages=200)  # 200 pages of 0.05 s: 10 s if nothing stops it
    psa.next_page, psa.records, psa.page_delay = (lambda n: n + 1), "fresh", 0.05
    with hostile(psa), pytest.raises(ConnectorUnavailable, match=r"listing deadline of 0\.5 s"):
        list(json_api(psa.url, listing_deadline=0.5).fetch_changed(None))
    assert psa.pages_served < 200


def test_a_slow_drip_body_is_cut_at_the_request_deadline(
    psa: HostilePsa, store: Store, clock: ManualClock
) -> None:
    # one byte every 0.05 s: each read well inside the 1 s read timeout, 100 bytes ≥ 5 s
    psa.drip = 0.05
    source = json_api(psa.url, connect_timeout=0.5, read_timeout=1.0, request_deadline=0.5)
    result = SyncService(source, store, clock).sync_once()
    assert not result.ok
    assert "took longer than 1.5 s in all" in (result.error or "")  # connect + read: the floor
    assert "\n" not in (result.error or "")


def test_slow_drip_headers_are_cut_at_the_request_deadline(psa: HostilePsa) -> None:
    psa.drip, psa.drip_headers = 0.05, True
    source = json_api(psa.url, connect_timeout=0.5, read_timeout=1.0, request_deadline=0.5)
    with pytest.raises(ConnectorUnavailable, match=r"took longer than 1\.5 s in all"):
        list(source.fetch_changed(None))


def test_an_endless_autotask_listing_stops_at_the_page_cap() -> None:
    """The same limits hold for every vendor's paging (here Autotask's nextPageUrl)."""
    with serving() as at:
        at.answer(200, {"zoneName": "Zone 5", "url": f"{at.url}/zone5/"})
        at.answer(200, {"fields": []})
        for n in range(1, 40):
            at.answer(
                200,
                {
                    "items": [{"id": n, "companyName": f"Client {n}"}],
                    "pageDetails": {"nextPageUrl": f"{at.url}/zone5/next?n={n}"},
                },
            )
        settings = HttpSettings(at.url, retries=0, requests_per_minute=FAST, max_pages=12,
                                allow_insecure_http=True)  # fmt: skip
        fields = VENDOR_FIELDS["autotask"]
        http = at_client("autotask", settings, fields["username"], fields["integration_code"],
                         SECRET)  # fmt: skip
        source = AutotaskConnector("autotask", AutotaskSession(http, fields["username"]),
                                   AtOptions())  # fmt: skip
        with pytest.raises(ConnectorUnavailable, match="more than 12 pages"):
            source.clients()


# ====================================================== one clear line
def sync_error(connector: RestJsonConnector, store: Store, clock: ManualClock) -> str:
    result = SyncService(connector, store, clock).sync_once(reconcile=True)
    assert not result.ok
    assert result.error is not None
    assert "\n" not in result.error
    return result.error


def test_a_wrong_base_path_is_one_line_naming_base_url(
    psa: HostilePsa, store: Store, clock: ManualClock
) -> None:
    error = sync_error(json_api(f"{psa.url}/api/v2"), store, clock)
    assert "HTTP 404" in error
    assert "/api/v2/clients" in error
    assert "check base_url" in error


def test_http_400_on_a_read_is_one_line(psa: HostilePsa, store: Store, clock: ManualClock) -> None:
    psa.inject("400", "/incidents", body={"error": "unknown parameter updated_since"})
    error = sync_error(json_api(psa.url), store, clock)
    assert "HTTP 400" in error
    assert "unknown parameter updated_since" in error


def test_a_redirect_loop_is_one_line(psa: HostilePsa, store: Store, clock: ManualClock) -> None:
    psa.inject("302", "/clients", headers={"Location": "/clients"}, times=40)
    error = sync_error(json_api(psa.url), store, clock)
    assert "redirected more than 10 times" in error


def test_a_next_page_that_is_no_number_is_one_line(
    psa: HostilePsa, store: Store, clock: ManualClock
) -> None:
    psa.next_page = lambda n: "abc"
    error = sync_error(json_api(psa.url), store, clock)
    assert "next_page 'abc'" in error


def test_a_body_that_does_not_decode_is_one_line(
    psa: HostilePsa, store: Store, clock: ManualClock
) -> None:
    psa.inject("200", "/clients", body=b"this is not gzip", headers={"Content-Encoding": "gzip"})
    error = sync_error(json_api(psa.url), store, clock)
    assert "/clients" in error


def test_an_autotask_read_refused_with_404_is_one_line(store: Store, clock: ManualClock) -> None:
    fake = FakeAutotask()
    fake.seed(3)
    with running(fake) as at:
        at.inject("404", "/zone5/ATServicesRest/v1.0/Tickets/query")
        source = vendor("autotask", f"{at.url}/atservicesrest/v1.0", allow_insecure_http=True)
        result = SyncService(source, store, clock).sync_once()
    assert not result.ok
    assert "HTTP 404" in (result.error or "")
