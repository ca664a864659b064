"""`noc-console act …`: one triage action from the command line (headless, no Qt) —
for scripts and ChatOps.

    act ack|take SOURCE:ID
    act note SOURCE:ID TEXT [--client-visible]
    act priority SOURCE:ID P1..P4
    act escalate SOURCE:ID L1|L2|L3|ENG --reason TEXT
    act resolve SOURCE:ID --note TEXT --verified
    … [--wait [SECONDS]]

SOURCE is the connector's name, ID the source's ticket id as `export` writes it. The
action is built as the board builds it (`services/board/triage_actions.py`), enqueued
through the outbox (durable before anything else) and its id printed. With `--wait`
the connector's delivery runs here, as `sync --once` runs it, until the action is
delivered, failed or in conflict, or the seconds run out; the exit code is 0 only when
delivered. On a shared database (team mode) this process runs no connector: the action
goes to the shared outbox for `noc-console serve`, and `--wait` waits for the service
to settle it. "take" assigns your account in that source's PSA (`[me.identities]`) and
every action is signed with `[me] name` (`services/identity.py`). Exit 2 for what
the user typed wrong (an unknown incident or source, a bad priority, an empty note), 1
when the action cannot be taken or was not delivered.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from noc_console.connectors.base import Connector
from noc_console.models.actions import Action, ActionState, QueuedAction
from noc_console.models.board_row import BoardRow
from noc_console.models.cache.database import is_shared
from noc_console.models.incident import IncidentKey, Priority, Tier
from noc_console.models.record_text import clean
from noc_console.services.board import triage_actions as act
from noc_console.services.board.triage_actions import CannotAct
from noc_console.services.config import Config
from noc_console.services.identity import Identity
from noc_console.services.runtime import Runtime

EXIT_USAGE = 2
EXIT_NOT_DONE = 1
DEFAULT_WAIT_S = 30.0
VERBS = ("ack", "take", "note", "priority", "escalate", "resolve")


def add_act_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`act` and its verbs, on the command line's subparsers."""
    parser = commands.add_parser("act", help="take one triage action on an incident")
    verbs = parser.add_subparsers(dest="act_command", metavar="ACTION", required=True)
    wait = argparse.ArgumentParser(add_help=False)
    wait.add_argument("--wait", nargs="?", type=float, const=DEFAULT_WAIT_S, metavar="SECONDS",
                      help=f"deliver now and wait (default {DEFAULT_WAIT_S:.0f} s); exit 0 "
                      "only when delivered")  # fmt: skip
    target = "SOURCE:ID — the connector's name and the ticket id, e.g. psa:INC-1"
    for verb, what in (("ack", "acknowledge"), ("take", "assign to you")):
        verbs.add_parser(verb, parents=[wait], help=what).add_argument("incident", help=target)
    note = verbs.add_parser("note", parents=[wait], help="add a note (internal by default)")
    note.add_argument("incident", help=target)
    note.add_argument("text")
    note.add_argument("--client-visible", action="store_true", help="the client sees it")
    priority = verbs.add_parser("priority", parents=[wait], help="set the priority")
    priority.add_argument("incident", help=target)
    priority.add_argument("priority", metavar="P1..P4")
    escalate = verbs.add_parser("escalate", parents=[wait], help="move to a tier, with a reason")
    escalate.add_argument("incident", help=target)
    escalate.add_argument("tier", metavar="L1|L2|L3|ENG")
    escalate.add_argument("--reason", required=True)
    resolve = verbs.add_parser("resolve", parents=[wait], help="resolve, with a note")
    resolve.add_argument("incident", help=target)
    resolve.add_argument("--note", required=True, help="cause and fix")
    resolve.add_argument("--verified", action="store_true",
                         help="you checked the service is restored (required)")  # fmt: skip


def run_act_command(
    config: Config, runtime: Runtime, args: argparse.Namespace, me: Identity
) -> int:
    del config  # the runtime carries what is configured
    key = _key(args.incident)
    if key is None:
        return _usage(f"{args.incident!r} is not SOURCE:ID (e.g. psa:INC-1)")
    connector = next((c for c in runtime.connectors if c.name == key.source), None)
    if connector is None and not is_shared(runtime.store.url):  # team mode: the service's
        names = ", ".join(c.name for c in runtime.connectors) or "none"
        return _usage(f"no connector named {key.source!r} (configured: {names})")
    rows = runtime.store.rows([key])
    if not rows or not rows[0].is_open:
        state = "is closed" if rows else "is not in the cache (run `noc-console sync --once`?)"
        return _usage(f"incident {key} {state}")
    try:
        build = _builder(args, me)
        actions = build(rows[0])
    except _Usage as exc:
        return _usage(str(exc))
    except CannotAct as exc:
        print(f"noc-console: {exc}", file=sys.stderr)
        return EXIT_NOT_DONE
    for action in actions:
        runtime.engine.outbox.submit(action)
        print(action.id)
    if args.wait is None:
        return 0
    return _wait(runtime, connector, actions, args.wait)


class _Usage(ValueError):
    pass


def _builder(args: argparse.Namespace, me: Identity) -> Callable[[BoardRow], list[Action]]:
    verb = args.act_command
    if verb == "ack":
        return lambda row: act.acknowledge(row, me)
    if verb == "take":
        return lambda row: act.take(row, me)
    if verb == "note":
        if not args.text.strip():
            raise _Usage("a note needs text")
        return lambda row: act.note(row, args.text, not args.client_visible, me)
    if verb == "priority":
        try:
            priority = Priority(args.priority.upper())
        except ValueError:
            raise _Usage(f"priority {args.priority!r} is not one of P1, P2, P3, P4") from None
        return lambda row: act.set_priority(row, priority, me)
    if verb == "escalate":
        try:
            tier = Tier(args.tier.upper())
        except ValueError:
            raise _Usage(f"tier {args.tier!r} is not one of L1, L2, L3, ENG") from None
        if not args.reason.strip():
            raise _Usage("an escalation needs a reason (--reason TEXT)")
        return lambda row: act.escalate(row, args.reason, me, tier)
    if not args.note.strip():
        raise _Usage("a resolution needs a note (--note TEXT): cause and fix")
    if not args.verified:
        raise _Usage("resolve needs --verified: check the service is restored first")
    return lambda row: act.resolve(row, args.note, True, me)


def _wait(
    runtime: Runtime, connector: Connector | None, actions: list[Action], seconds: float
) -> int:
    """Deliver (with no `connector`: wait for the sync service to) until every action
    settles or `seconds` pass; say what happened."""
    ids = {a.id for a in actions}
    deadline = time.monotonic() + max(0.0, seconds)
    error: str | None = None
    while True:
        if connector is not None:
            error = runtime.engine.outbox.deliver(connector).error
        mine = [q for q in runtime.store.outbox(key=actions[0].key) if q.action.id in ids]
        if all(q.state is not ActionState.PENDING for q in mine) or time.monotonic() >= deadline:
            break
        time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
    failed = 0
    for q in mine:
        print(f"{q.action.id} {q.action.kind.value}: {_outcome(q, error)}")
        failed += q.state is not ActionState.DELIVERED
    if failed:
        print(f"noc-console: {failed} of {len(mine)} action(s) not delivered; `noc-console "
              "outbox list` shows them", file=sys.stderr)  # fmt: skip
    return EXIT_NOT_DONE if failed else 0


def _outcome(q: QueuedAction, error: str | None) -> str:
    why = _line(q.last_error or error or "")
    if q.state is ActionState.DELIVERED:
        return "delivered"
    if q.state is ActionState.CONFLICT:
        theirs = ", ".join(f"{k} {_line(str(v))}" for k, v in q.theirs.items())
        return f"IN CONFLICT (the PSA has {theirs or 'changed it'}): {why}"
    if q.state is ActionState.FAILED:
        return f"FAILED: {why}"
    return f"still waiting to be sent ({why or 'not attempted yet'})"


def _key(text: str) -> IncidentKey | None:
    source, colon, external_id = text.partition(":")
    if not colon or not source.strip() or not external_id.strip():
        return None
    return IncidentKey(source.strip(), external_id.strip())


def _usage(message: str) -> int:
    print(f"noc-console: act: {message}", file=sys.stderr)
    return EXIT_USAGE


def _line(text: str) -> str:
    return clean(text, 300, one_line=True)
