"""Team mode at a NOC's scale (issue 17, DESIGN.md §5): one PostgreSQL, one
`noc-console serve` against a fake PSA over loopback HTTP, and headless consoles in
processes of their own — the real client code without widgets: a `Store`, a
`BoardFeed`, `LiveRows` and the `Follower` of the change feed, actions submitted
through a `SyncEngine` without connectors, as a console in team mode does.

Measured:
- latency from an action submitted on console A to the changed row in every other
  console's `LiveRows` (each pair one sample), and from a connector's commit to every
  console's rows (the commit's instant: when a listener of the parent process hears its
  notification, a few milliseconds after the commit itself); median and p95, goal p95
  ≤ 1 s. The GUI adds its coalescing timer (views/board/controller.COALESCE_MS) on top;
- PSA requests per hour, counted at the fake, with 1 console and with all of them
  connected (consoles never call the PSA: the same);
- failover: the active service SIGKILLed `kills` times at random moments while some
  consoles submit notes; every note counted at the fake (0 lost, 0 twice), and the
  takeover time (kill → a new heartbeat from another process).

Needs PostgreSQL's binaries (tests/peers/postgres.py starts a private cluster).
Run: `python -m benchmarks.bench_team [--quick] [--kills N]` (`--quick`: a few
hundred incidents and a few consoles, a minute or two — a smoke run). Figures go to
stderr as they are measured, and all of them to stdout as JSON at the end.
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from subprocess import PIPE, Popen, TimeoutExpired
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 300.0  # a bound on any one wait; never a speed claim


@dataclass(frozen=True)
class Size:
    incidents: int
    consoles: int
    rounds: int  # latency samples per kind (each against every other console)
    kills: int
    window_s: float  # how long PSA requests are counted, per console count
    submitters: int  # consoles submitting notes during the failovers
    sync_interval_s: int = 5  # the service's
    note_every_s: float = 0.5  # one note from one of the submitters this often


FULL = Size(incidents=10_000, consoles=20, rounds=30, kills=20, window_s=60.0, submitters=5)
QUICK = Size(incidents=300, consoles=3, rounds=3, kills=2, window_s=6.0, submitters=2,
             sync_interval_s=2)  # fmt: skip


# ---------------------------------------------------------------- the console process
def client(url: str) -> int:
    """One headless console: follow the shared database, print every row change as a
    JSON line; submit what stdin says (`ack SOURCE ID`, `note SOURCE ID TEXT`)."""
    from noc_console.models.actions import Action, ActionKind
    from noc_console.models.board_row import BoardRow
    from noc_console.models.cache.store import Store
    from noc_console.models.clock import SystemClock
    from noc_console.models.incident import IncidentKey
    from noc_console.services.board.feed import BoardFeed, BoardUpdate
    from noc_console.services.board.live_rows import LiveRows
    from noc_console.services.engine import SyncEngine
    from noc_console.services.team.follow import Followed, Follower

    clock = SystemClock()
    store = Store.open(url)
    feed = BoardFeed(store, [], shared=True)
    engine = SyncEngine(store, [], clock)
    live = LiveRows(clock.now())
    lock = threading.Lock()  # the follower's thread and the command loop both apply
    out = threading.Lock()

    def say(**event: Any) -> None:
        with out:
            print(json.dumps(event), flush=True)

    def apply(update: BoardUpdate) -> None:
        live.apply(update.rows)
        seen = time.time()
        for row in update.rows:
            say(ev="seen", key=f"{row.key.source}:{row.key.external_id}", t=seen, **_row(row))

    def _row(row: BoardRow) -> dict[str, Any]:
        return {"status": row.status.value, "pending": row.pending_actions,
                "assignee": row.assignee, "title": row.title}  # fmt: skip

    def heard(news: Followed) -> None:
        with lock:
            if news.keys:
                apply(feed.update(news.keys))
            if news.reload:
                apply(feed.refreshed(live.rows()))

    live.apply(feed.snapshot().rows, full=True)
    follower = Follower(url)
    follower.start(heard)
    while not follower.connected:
        time.sleep(0.05)
    say(ev="ready", rows=len(live))
    for line in sys.stdin:
        words = line.split(maxsplit=3)
        if not words or words[0] == "quit":
            break
        key = IncidentKey(words[1], words[2])
        action = (
            Action(key, ActionKind.ACKNOWLEDGE)
            if words[0] == "ack"
            else Action(key, ActionKind.NOTE, {"text": words[3].strip()})
        )
        began = time.time()
        changes = engine.submit(action)  # what the board's controller does on its worker
        say(ev="submitted", key=f"{key.source}:{key.external_id}", id=action.id, t=began,
            done=time.time())  # fmt: skip
        with lock:
            apply(feed.update(changes.upserted))
    follower.stop()
    store.close()
    return 0


# ---------------------------------------------------------------- the parent's handles
class Console:
    """One console process, and what it said."""

    def __init__(self, url: str) -> None:
        self.process = Popen(
            [sys.executable, "-m", "benchmarks.bench_team", "client", url],
            cwd=ROOT, stdin=PIPE, stdout=PIPE, text=True, env=_environment(),
        )  # fmt: skip
        self.ready = threading.Event()
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            event = json.loads(line)
            with self._lock:
                self.events.append(event)
            if event["ev"] == "ready":
                self.ready.set()

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def first(self, ev: str, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        with self._lock:
            return next((e for e in self.events if e["ev"] == ev and check(e)), None)

    def wait_first(self, ev: str, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first `ev` event `check` accepts, once there is one."""
        wait_for(partial(self.first, ev, check), f"a console's {ev} event")
        found = self.first(ev, check)
        assert found is not None
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.send("quit")
                self.process.wait(30)
            except (OSError, TimeoutExpired):  # gone or stuck: killed
                self.process.kill()
        self.process.wait(30)


def _environment() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _about(
    key: str, check: Callable[[dict[str, Any]], bool] | None = None
) -> Callable[[dict[str, Any]], bool]:
    """An event check: about `key`, and `check` holds."""
    return lambda e: e["key"] == key and (check is None or check(e))


def _titled(title: str, event: dict[str, Any]) -> bool:
    return bool(event["title"] == title)


def _taken_over(active_pid: Callable[[], int | None], killed: int) -> bool:
    return active_pid() not in (None, killed)


def progress(figure: str, value: object) -> None:
    """A figure as soon as it is measured (stderr; the whole set goes to stdout)."""
    print(f"{figure}: {json.dumps(value)}", file=sys.stderr, flush=True)


def wait_for(condition: Callable[[], object], what: str, limit: float = LIMIT_S) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up after {limit:.0f} s waiting until {what}")
        time.sleep(0.02)


def spread(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"samples": 0}
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"samples": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1)}  # fmt: skip


# ---------------------------------------------------------------- the measurement
def measure(size: Size = FULL) -> dict[str, Any]:
    """Every figure of the team benchmark (needs PostgreSQL's binaries)."""
    from noc_console.models.cache.database import upgrade
    from noc_console.models.cache.store import Store
    from noc_console.services.team.status import BEAT_KEY, ServiceBeat
    from tests.e2e.test_serve import Service
    from tests.fakes.fake_psa import FakePsa, running
    from tests.peers.postgres import missing, start_cluster

    reason = missing()
    if reason:
        raise RuntimeError(reason)
    cluster = start_cluster()
    fake = FakePsa()
    fake.no_delay = True  # a loopback PSA answering at once: the figures are ours
    oldest = fake.now - timedelta(seconds=size.incidents + 60)
    for number in range(1, size.incidents + 1):  # one second apart: a sync reads what changed
        fake.add(number, created=oldest + timedelta(seconds=number))
    figures: dict[str, Any] = {"size": size.__dict__}
    consoles: list[Console] = []
    services: list[Service] = []
    with running(fake) as psa, TemporaryDirectory() as folder:
        url = cluster.url("postgres")
        upgrade(url)
        config = Path(folder) / "config.toml"
        config.write_text(
            f"sync_interval_s = {size.sync_interval_s}\n\n"
            f'[[connectors]]\nname = "psa"\ntype = "rest_json"\nbase_url = "{psa.url}"\n',
            encoding="utf-8",
        )
        store = Store.open(url)

        def active_pid() -> int | None:
            beat = ServiceBeat.from_json(store.meta(BEAT_KEY))
            return beat.pid if beat is not None and not beat.stopped else None

        def serve() -> Service:
            service = Service(Path(folder), config, url)
            services.append(service)
            return service

        try:
            serve()
            began = time.monotonic()
            wait_for(lambda: store.open_count() == size.incidents, "the service synced the PSA")
            wait_for(lambda: store.sync_state("psa").last_reconciled_at, "the first sync ended")
            figures["initial_sync_s"] = round(time.monotonic() - began, 1)
            progress("initial sync (s)", figures["initial_sync_s"])

            consoles.append(Console(url))
            wait_for(consoles[0].ready.is_set, "the first console loaded")
            cycles = max(1, round(size.window_s / size.sync_interval_s))
            figures["psa_requests_per_hour"] = {"1 console": _requests(fake, store, cycles)}
            consoles += [Console(url) for _ in range(size.consoles - 1)]
            for console in consoles:
                wait_for(console.ready.is_set, "every console loaded")
            figures["psa_requests_per_hour"][f"{size.consoles} consoles"] = _requests(
                fake, store, cycles
            )
            progress("PSA requests per hour", figures["psa_requests_per_hour"])
            figures["action_to_other_consoles"] = spread(_action_latency(consoles, size))
            progress("action → other consoles", figures["action_to_other_consoles"])
            figures["commit_to_every_console"] = spread(_commit_latency(consoles, size, fake, url))
            progress("commit → every console", figures["commit_to_every_console"])
            figures["failover"] = _failover(consoles, size, fake, store, serve, active_pid)
        finally:
            for console in consoles:
                console.stop()
            for service in services:
                service.stop()
            store.close()
            cluster.stop()
    return figures


def _requests(fake: Any, store: Any, cycles: int) -> dict[str, float]:
    """PSA requests counted at the fake over `cycles` whole sync cycles of the service
    (from the end of one sync to the end of another): per cycle — what consoles would
    add to — and per hour, which also drops when a loaded machine stretches the cycles."""

    def synced() -> object:
        return store.sync_state("psa").last_attempt_at

    def next_sync() -> None:
        last = synced()
        wait_for(lambda: synced() != last, "the service's next sync")

    next_sync()
    before, began = sum(fake.hits.values()), time.monotonic()
    for _ in range(cycles):
        next_sync()
    elapsed = time.monotonic() - began
    requests = int(sum(fake.hits.values()) - before)
    return {"per_hour": round(requests * 3600 / elapsed), "per_sync_cycle": requests / cycles}


def _action_latency(consoles: Sequence[Console], size: Size) -> list[float]:
    """Console A acknowledges incidents one by one; each other console's first row
    showing it, minus the moment A submitted it."""
    a, others = consoles[0], consoles[1:]
    samples: list[float] = []
    for n in range(1, size.rounds + 1):
        key = f"psa:INC-{n}"
        a.send(f"ack psa INC-{n}")
        submitted = a.wait_first("submitted", _about(key))
        acknowledged = _about(key, lambda e: bool(e["pending"] or e["status"] == "acknowledged"))
        samples += [o.wait_first("seen", acknowledged)["t"] - submitted["t"] for o in others]
        time.sleep(0.2)
    return samples


def _commit_latency(consoles: Sequence[Console], size: Size, fake: Any, url: str) -> list[float]:
    """The PSA changes an incident's title; the service's next sync commits it; from the
    instant its notification is heard to each console's first row with the new title."""
    from noc_console.models.cache.shared import ChangeFeed

    heard: dict[str, float] = {}
    stopping = threading.Event()
    feed = ChangeFeed(url)
    feed.wait(0.0)  # listening before the first change

    def listen() -> None:
        while not stopping.is_set():
            for change in feed.wait(0.2):
                if change.table == "incidents" and change.ids:
                    now = time.time()
                    for i in change.ids:
                        heard.setdefault(f"{change.source}:{i}", now)

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    samples: list[float] = []
    try:
        for n in range(size.rounds + 1, 2 * size.rounds + 1):
            key, title = f"psa:INC-{n}", f"changed in the PSA {n}"
            fake.touch(f"INC-{n}", title=title)

            titled = _about(key, partial(_titled, title))
            seen = [c.wait_first("seen", titled)["t"] for c in consoles]
            wait_for(partial(heard.__contains__, key), "the commit was heard")
            samples += [t - heard[key] for t in seen]
    finally:
        stopping.set()
        listener.join(5)
        feed.close()
    return samples


def _failover(
    consoles: Sequence[Console],
    size: Size,
    fake: Any,
    store: Any,
    serve: Callable[[], Any],
    active_pid: Callable[[], int | None],
) -> dict[str, Any]:
    """Kill the active service `size.kills` times at random moments while consoles
    submit notes; count every note at the fake."""
    from noc_console.models.actions import ActionKind, ActionState

    rng = random.Random(17)
    submitters = consoles[1 : 1 + size.submitters] or consoles[:1]
    stopping = threading.Event()

    def submit() -> None:
        n = 0
        while not stopping.is_set():
            n += 1
            console = submitters[n % len(submitters)]
            incident = rng.randint(1, size.incidents)
            console.send(f"note psa INC-{incident} failover note {n}")
            stopping.wait(size.note_every_s)

    standby = serve()
    wait_for(lambda: standby.said("standby: another service"), "a standby")
    submitting = threading.Thread(target=submit, daemon=True)
    submitting.start()
    takeovers: list[float] = []
    try:
        for _ in range(size.kills):
            time.sleep(rng.uniform(0.5, 4.0))  # a random moment of the active one's work
            wait_for(lambda: active_pid() is not None, "an active service")
            pid = active_pid()
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            killed = time.monotonic()
            wait_for(partial(_taken_over, active_pid, pid), "a standby took over")
            takeovers.append(time.monotonic() - killed)
            replacement = serve()
            wait_for(partial(replacement.said, "standby: another service"), "a new standby")
    finally:
        stopping.set()
        submitting.join(10)
    time.sleep(2.0)  # the consoles submit what they were sent

    def notes() -> list[Any]:
        return [q for q in store.outbox() if q.action.kind is ActionKind.NOTE]

    wait_for(lambda: all(q.state is not ActionState.PENDING for q in notes()),
             "every note was delivered", limit=LIMIT_S * 2)  # fmt: skip
    wanted = {q.action.id for q in notes()}  # every note committed by a console
    said = {e["id"] for c in submitters for e in list(c.events) if e["ev"] == "submitted"}
    states = Counter(q.state.value for q in notes())
    applied = Counter(fake.applied[i] for i in wanted)
    return {
        "kills": size.kills,
        "notes_submitted": len(wanted),
        "submitted_but_not_in_the_outbox": len(said - wanted),
        "outbox_states": dict(states),
        "lost": applied.get(0, 0),
        "applied_twice_or_more": sum(n for times, n in applied.items() if times > 1),
        "takeover_median_s": round(statistics.median(takeovers), 2) if takeovers else None,
        "takeover_max_s": round(max(takeovers), 2) if takeovers else None,
    }


def results(size: Size = FULL) -> list[Any]:
    """The budget lines of DESIGN.md §5 for `benchmarks.run` (none without PostgreSQL)."""
    from benchmarks.harness import Result
    from tests.peers.postgres import missing

    if missing():
        print(f"(team benchmark skipped: {missing()})")
        return []
    figures = measure(size)
    print(json.dumps(figures, indent=2))
    action = figures["action_to_other_consoles"]
    requests = figures["psa_requests_per_hour"]
    one = requests["1 console"]["per_sync_cycle"]
    many = requests[f"{size.consoles} consoles"]["per_sync_cycle"]
    return [
        Result("team: action on one console → row on another, p95", action["p95_ms"], None,
               "ms", "≤ 1000 ms", action["p95_ms"] <= 1000),
        Result(f"team: PSA requests per sync, {size.consoles} consoles vs 1", many, one,
               "requests", "equal", many <= one * 1.1),
    ]  # fmt: skip


USAGE = "usage: python -m benchmarks.bench_team [--quick] [--kills N]"


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["client"]:
        return client(argv[1])
    unknown = [a for a in argv if a not in ("--quick", "--kills") and not a.isdigit()]
    if unknown:  # "--help" included: the full run takes half an hour
        print(USAGE, file=sys.stderr)
        return 0 if unknown[0] in ("-h", "--help") else 2
    size = QUICK if "--quick" in argv else FULL
    if "--kills" in argv:  # fewer failovers when time is short (each takes a while)
        size = replace(size, kills=int(argv[argv.index("--kills") + 1]))
    print(json.dumps(measure(size), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
