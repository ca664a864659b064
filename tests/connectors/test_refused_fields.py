"""A credential field the vendor refuses is named in the error and in `connectors test`
(issue 15, item 5): ConnectWise refuses an unregistered `clientId` (HTTP 403) before it
looks at the keys, Autotask a wrong integration code with valid user and secret (HTTP
500, not 401) — neither is "check the user name and the secret"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from noc_console.connectors.autotask.probe import probe_autotask
from noc_console.connectors.connectwise.probe import probe_connectwise
from noc_console.connectors.errors import AuthFailed
from tests.connectors.test_autotask import connector as autotask
from tests.connectors.test_connectwise import connector as connectwise
from tests.fakes.fake_autotask import FakeAutotask
from tests.fakes.fake_connectwise import FakeConnectWise
from tests.fakes.http_fake import HttpFake, running

#: (fake, connector with the wrong field, its vendor's probe, what the vendor said, the fix)
Case = tuple[Callable[[], HttpFake], Callable[[Any], Any], Callable[[Any], Any], str, str]
CASES: dict[str, Case] = {
    "connectwise client_id": (
        FakeConnectWise,
        lambda fake: connectwise(fake, client_id="00000000-0000-0000-0000-not-registered"),
        probe_connectwise,
        "clientId",  # what ConnectWise said
        "check client_id in the configuration",
    ),
    "autotask integration_code": (
        FakeAutotask,
        lambda fake: autotask(fake, integration_code="NOT7THE7TRACKING7IDENTIFIER"),
        probe_autotask,
        "IntegrationCode is invalid",  # what Autotask said
        "check integration_code in the configuration",
    ),
}


@pytest.mark.parametrize(("make", "wrong", "probe", "said", "fix"), CASES.values(),
                         ids=CASES.keys())  # fmt: skip
def test_the_refused_field_is_named_not_the_user_name_and_secret(
    make: Callable[[], HttpFake], wrong: Callable[[Any], Any], probe: Callable[[Any], Any],
    said: str, fix: str,
) -> None:  # fmt: skip
    with running(make()) as fake:
        source = wrong(fake)
        with pytest.raises(AuthFailed) as refused:
            source.clients()
        checks = {c.step: c for c in probe(source)}
    message = str(refused.value)
    assert said in message
    assert fix in message
    assert "user name" not in message
    assert checks["authenticated"].ok is False
    assert fix in checks["authenticated"].detail


def test_autotask_refuses_the_integration_code_once_and_a_wrong_secret_as_before() -> None:
    with running(FakeAutotask()) as at:
        with pytest.raises(AuthFailed):
            autotask(at, integration_code="NOT7THE7TRACKING7IDENTIFIER").clients()
        fields = at.count("GET", "/zone5/ATServicesRest/v1.0/Tickets/entityInformation/fields")
        wrong_secret = {c.step: c for c in probe_autotask(autotask(at, secret="not-the-secret"))}
    assert fields == 1  # a refusal, not a server error to retry
    assert "check the user name and the secret" in wrong_secret["authenticated"].detail
