"""A major incident's native link in ConnectWise: the child ticket is bundled under the
source's lead ticket (docs/connectwise.md, "Major incidents: native links").

ConnectWise's bundle is `POST service/tickets/{parentId}/attachChildren` with
`{"childTicketIds": [id]}`: the child stays a ticket of its own (its company, board,
status and notes) with `parentTicketId` set, and the parent gets `hasChildTicket`.
Never `…/merge`, which closes the merged tickets. A ticket has one parent, so the
child is read first: already under the lead is done (a retry, or a link sent twice),
under another ticket is refused rather than moved — someone bundled it on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests

from noc_console.connectors.connectwise.session import ConnectWiseHttp
from noc_console.connectors.errors import ActionRejected, NotFound
from noc_console.connectors.http.client import parse_json

MAX_ID_DIGITS = 18  # ConnectWise ids are integers; anything longer is not one


def lead_of(name: str, child: str, refers_to: Any) -> int:
    """The one lead ticket id in a link's payload, checked before it reaches a URL."""
    leads = refers_to if isinstance(refers_to, Sequence) and not isinstance(refers_to, str) else []
    lead = str(leads[0]) if len(leads) == 1 else ""
    if not (lead.isascii() and lead.isdigit() and len(lead) <= MAX_ID_DIGITS):
        shown = repr(refers_to)[:80]
        raise ActionRejected(f"{name}: cannot bundle ticket {child} under {shown}: a "
                             "ConnectWise ticket has one parent, named by its number")  # fmt: skip
    return int(lead)


def attach(http: ConnectWiseHttp, child: dict[str, Any], lead: int, reference: str
           ) -> bool:  # fmt: skip
    """Bundle `child` (as just read) under ticket `lead`; False when it is there already."""
    name, child_id = http.name, child["id"]
    parent = child.get("parentTicketId")
    if parent == lead:
        return False
    if parent is not None:
        raise ActionRejected(f"{name}: ticket {child_id} is already a child of ticket "
                             f"{parent} in ConnectWise: not moved under ticket {lead} "
                             f"({reference}) — detach it there first if it belongs to the "
                             "major incident")  # fmt: skip
    try:
        response = http.request("POST", f"service/tickets/{lead}/attachChildren",
                                json={"childTicketIds": [child_id]}, accept=(400, 409))  # fmt: skip
    except NotFound:
        raise ActionRejected(f"{name}: ConnectWise has no ticket {lead} to bundle ticket "
                             f"{child_id} under ({reference}'s lead ticket: deleted or "
                             "merged?)") from None  # fmt: skip
    answer = parse_json(http, response) if response.status_code < 400 else None
    if response.status_code >= 400 or (isinstance(answer, dict) and answer.get("success") is False):
        said = reason(http, response, answer)
        raise ActionRejected(f"{name}: ConnectWise refused to bundle ticket {child_id} under "
                             f"ticket {lead} (HTTP {response.status_code}): {said}")  # fmt: skip
    return True


def reason(http: ConnectWiseHttp, response: requests.Response, answer: Any) -> str:
    """What ConnectWise said, on one line: its message and each error's (a 400's
    top-level message is often only "… object is invalid")."""
    body = answer if answer is not None else _json(response)
    said: list[str] = []
    errors = body.get("errors") if isinstance(body, dict) else None
    for item in [body, *(errors if isinstance(errors, list) else [])]:
        text = " ".join(str(item.get("message") or "").split()) if isinstance(item, dict) else ""
        if text and text not in said:
            said.append(text)
    return http.redact("; ".join(said))[:300] or "no reason given"


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
