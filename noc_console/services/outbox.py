"""Delivering triage actions: in order per incident, exactly once, never silently lost.

`submit` commits an action (and its optimistic effect) before anything else happens.
`deliver` sends what is due for one connector: each attempt is claimed by this process
(owner + lease) and marked in flight in one transaction *before* the network call, so
another process sharing the cache leaves it alone, and after a crash the next attempt
tells the connector it is a retry and the connector checks before sending again. A
claim whose process has died (on this machine) or whose lease ran out is taken over.
Outcomes:

- delivered — with the source's new version;
- still pending — the source is unreachable, busy (5xx) or rate-limited: retried with
  exponential backoff and jitter, or exactly when `Retry-After` says;
- failed — refused for good (validation, not found: `FailureKind.REJECTED`, a person
  decides) or credentials refused (`FailureKind.CREDENTIALS`: `requeue_refused` sends
  it again once the connector's secret changed); it holds back later actions on the
  same incident, unless it is a note or a link (they change no field);
- conflict — the source changed the same field meanwhile; the user keeps theirs or
  applies mine.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from noc_console.connectors.base import Connector
from noc_console.connectors.errors import (
    ActionRejected,
    AuthFailed,
    Conflict,
    ConnectorUnavailable,
    RateLimited,
)
from noc_console.models.actions import Action, ActionState, FailureKind, QueuedAction
from noc_console.models.board_row import ChangeSet
from noc_console.models.cache.claims import ClaimOwner, is_dead
from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=2)
BACKOFF_CAP = timedelta(minutes=5)
#: How long a claim holds off other processes: longer than any one delivery attempt
#: (a few requests, each with its own timeouts and deadline).
LEASE = timedelta(minutes=5)


@dataclass(slots=True)
class DeliveryReport:
    delivered: int = 0
    deferred: int = 0  # still pending, to be retried
    failed: int = 0
    conflicts: int = 0
    changes: ChangeSet = field(default_factory=ChangeSet)
    error: str | None = None  # the last connectivity error, if any


class Settlement(StrEnum):
    """What the user decided about a failed or conflicting action."""

    KEEP_THEIRS = "keep_theirs"  # conflict: drop mine, the source's value stands
    APPLY_MINE = "apply_mine"  # conflict: send mine again over the source's value
    RETRY = "retry"  # failed: queue it again
    DISCARD = "discard"  # failed (or still waiting): drop it


#: The states each settlement applies to.
SETTLES: dict[Settlement, tuple[ActionState, ...]] = {
    Settlement.KEEP_THEIRS: (ActionState.CONFLICT,),
    Settlement.APPLY_MINE: (ActionState.CONFLICT,),
    Settlement.RETRY: (ActionState.FAILED,),
    Settlement.DISCARD: (ActionState.FAILED, ActionState.CONFLICT, ActionState.PENDING),
}


class CannotSettle(ValueError):
    """The action is not in a state the settlement applies to; the message says why."""


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """Exponential backoff with jitter: half to all of base·2^(attempts−1), capped."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(max(0, attempts - 1), 16))
    return timedelta(seconds=ceiling.total_seconds() * rng.uniform(0.5, 1.0))


class OutboxService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        rng: random.Random | None = None,
        owner: ClaimOwner | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._rng = rng or random.Random()
        self._owner = str(owner or ClaimOwner.this_process())

    def submit(self, action: Action) -> ChangeSet:
        """Make `action` durable and visible; delivery happens on the connector's thread."""
        _seq, changes = self._store.enqueue(action, self._clock.now())
        return changes

    def settle(self, seq: int, how: Settlement) -> ChangeSet:
        """Apply the user's decision about outbox action `seq` (the board's F dialog)."""
        found = [q for q in self._store.outbox(SETTLES[how]) if q.seq == seq]
        if not found or found[0].in_flight:
            raise CannotSettle(f"outbox #{seq} cannot be settled that way now (its state changed)")
        now = self._clock.now()
        if how is Settlement.APPLY_MINE:
            return self._store.apply_mine(seq, now)
        if how is Settlement.RETRY:
            return self._store.retry(seq, now)
        return self._store.keep_theirs(seq, now)

    def requeue_refused(self, source: str) -> tuple[int, ChangeSet]:
        """Send again the actions `source` refused on credentials: call once its secret
        changed (how many, and the incidents whose rows change)."""
        return self._store.requeue_refused(source, self._clock.now())

    def deliver(self, connector: Connector, limit: int = 500) -> DeliveryReport:
        """Attempt every action of `connector` that is due, oldest first, until none is
        left or the source stops answering (then it is down for all of them)."""
        report = DeliveryReport()
        self._store.release_claims(self._clock.now(), is_dead)
        attempts = 0
        while attempts < limit:
            due = self._store.deliverable(connector.name, self._clock.now(), self._owner)
            if not due:
                break
            for queued in due:
                attempts += 1
                if not self._attempt(connector, queued, report):
                    return self._logged(connector, report)
        return self._logged(connector, report)

    def _attempt(self, connector: Connector, queued: QueuedAction, report: DeliveryReport) -> bool:
        """One delivery attempt; False when the source is unavailable."""
        now = self._clock.now
        attempt = self._store.claim(queued.seq, self._owner, now(), now() + LEASE)
        if attempt is None:
            return True  # settled meanwhile, or another process is delivering it
        retry = attempt.attempts > 1  # an earlier attempt may have landed: check first
        try:
            version = connector.apply(attempt.action, retry=retry)
        except Conflict as exc:
            report.conflicts += 1
            change = self._store.mark_conflict(queued.seq, str(exc), exc.theirs)
        except AuthFailed as exc:
            report.failed += 1
            report.error = str(exc)
            report.changes = report.changes.merge(
                self._store.mark_failed(queued.seq, str(exc), True, FailureKind.CREDENTIALS)
            )
            return False
        except ConnectorUnavailable as exc:
            retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
            wait = (
                timedelta(seconds=retry_after)
                if retry_after is not None
                else backoff(attempt.attempts, self._rng)
            )
            report.deferred += 1
            report.error = str(exc)
            report.changes = report.changes.merge(
                self._store.mark_retry(queued.seq, str(exc), now() + wait)
            )
            return False
        except ActionRejected as exc:
            report.failed += 1
            change = self._store.mark_failed(queued.seq, str(exc), False, FailureKind.REJECTED)
        else:
            report.delivered += 1
            change = self._store.mark_delivered(queued.seq, version, now())
        report.changes = report.changes.merge(change)
        return True

    @staticmethod
    def _logged(connector: Connector, report: DeliveryReport) -> DeliveryReport:
        if report.failed or report.conflicts:
            log.warning(
                "%s: %d action(s) failed, %d in conflict",
                connector.name, report.failed, report.conflicts,
            )  # fmt: skip
        return report
