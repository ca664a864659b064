"""Group arrivals that are probably one event: one pass over them in time order.

Each arrival joins the open cluster it links to best, or starts one. A cluster is open
while its last arrival is within the window. Links, strongest first:

- the same circuit or configuration item (whatever the wording);
- the same site, and the same kind of object named (an outage at one place);
- wording alone: the same shared objects (not printers, laptops or accounts, which every
  office has its own of) with a failure state in both.

A cluster held together by wording alone is reported once it has three arrivals, or two
from one client (two users calling about one thing); chance makes pairs of common
symptoms across clients every day, not triples in a quarter of an hour.
Cost: the arrivals sorted by time, then per arrival the open clusters sharing one of its
words or items (an index pruned as clusters close).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from noc_console.models.incident import IncidentKey
from noc_console.services.correlation.arrival import Arrival
from noc_console.services.correlation.labels import label_of
from noc_console.services.correlation.signature import LOCAL_OBJECTS, Signature, signature

DEFAULT_WINDOW = timedelta(minutes=15)
#: Wording alone links when this share of the two object sets is common (Jaccard).
WORDING_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class Group:
    """Open incidents that are probably one event (see the package docstring)."""

    key: str
    label: str
    members: tuple[IncidentKey, ...]
    clients: tuple[str, ...]
    client_names: tuple[str, ...]
    first_at: datetime
    last_at: datetime

    @property
    def summary(self) -> str:
        """ "5 incidents · 3 clients · Internet circuit down at Oslo"."""
        clients = len(self.clients)
        return (
            f"{len(self.members)} incidents · {clients} client{'s' if clients != 1 else ''}"
            f" · {self.label}"
        )


@dataclass(slots=True)
class _Cluster:
    first_at: datetime
    last_at: datetime
    arrivals: list[Arrival] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    strong: bool = False  # some link in it was an item or a site

    def add(self, arrival: Arrival, sig: Signature, strong: bool) -> None:
        self.arrivals.append(arrival)
        self.signatures.append(sig)
        self.strong |= strong
        self.last_at = arrival.created_at

    def reported(self) -> bool:
        if len(self.arrivals) < 2:
            return False
        if self.strong or len(self.arrivals) >= 3:
            return True
        return len({a.client_id for a in self.arrivals}) == 1


def correlate(arrivals: Iterable[Arrival], window: timedelta = DEFAULT_WINDOW) -> list[Group]:
    """The groups among `arrivals`, in the order of their first arrival."""
    ordered = sorted(arrivals, key=lambda a: (a.created_at, a.key))
    clusters: list[_Cluster] = []
    index: dict[str, dict[int, _Cluster]] = {}  # word or item → open clusters naming it
    open_clusters: list[_Cluster] = []
    prune_at: datetime | None = None  # no open cluster closes before this
    for arrival in ordered:
        now = arrival.created_at
        if prune_at is not None and now > prune_at:
            open_clusters = [c for c in open_clusters if now - c.last_at <= window]
            index = _indexed(open_clusters)
            prune_at = min(c.last_at for c in open_clusters) + window if open_clusters else None
        sig = signature(arrival.title, arrival.category, arrival.description)
        links = _links(sig, arrival, index, now, window)
        if not links:
            cluster = _Cluster(now, now)
            clusters.append(cluster)
            open_clusters.append(cluster)
            cluster.add(arrival, sig, False)
            if prune_at is None:
                prune_at = now + window
        else:
            strength, cluster = links[0]
            cluster.add(arrival, sig, strength >= _SITE)
            for other_strength, other in links[1:]:  # an item or site bridging two clusters
                if other_strength >= _SITE:
                    _absorb(cluster, other, clusters, open_clusters, index)
        for term in _terms(sig):
            index.setdefault(term, {})[id(cluster)] = cluster
    return [_group(c) for c in clusters if c.reported()]


_ITEM, _SITE, _WORDING = 3, 2, 1


def _links(
    sig: Signature,
    arrival: Arrival,
    index: dict[str, dict[int, _Cluster]],
    now: datetime,
    window: timedelta,
) -> list[tuple[int, _Cluster]]:
    """The open clusters `sig` links to, strongest first (the earliest on a tie)."""
    found: dict[int, tuple[int, _Cluster]] = {}
    for term in _terms(sig):
        for ident, cluster in index.get(term, {}).items():
            if ident in found or now - cluster.last_at > window:
                continue
            found[ident] = (_link(sig, arrival, cluster), cluster)
    linked = [(strength, cluster) for strength, cluster in found.values() if strength]
    linked.sort(key=lambda link: (-link[0], link[1].first_at))
    return linked


def _absorb(
    into: _Cluster,
    other: _Cluster,
    clusters: list[_Cluster],
    open_clusters: list[_Cluster],
    index: dict[str, dict[int, _Cluster]],
) -> None:
    """Move `other`'s arrivals into `into` (kept in arrival order) and forget `other`."""
    merged = sorted(
        zip(into.arrivals + other.arrivals, into.signatures + other.signatures, strict=True),
        key=lambda pair: (pair[0].created_at, pair[0].key),
    )
    into.arrivals = [a for a, _ in merged]
    into.signatures = [s for _, s in merged]
    into.strong = True
    into.first_at = min(into.first_at, other.first_at)
    into.last_at = max(into.last_at, other.last_at)
    clusters.remove(other)
    open_clusters.remove(other)
    for sig in other.signatures:
        for term in _terms(sig):
            bucket = index.setdefault(term, {})
            bucket.pop(id(other), None)
            bucket[id(into)] = into


def _link(sig: Signature, arrival: Arrival, cluster: _Cluster) -> int:
    """How strongly `sig` links to the cluster: 0 (not), wording, site or item."""
    best = 0
    for other, member in zip(cluster.signatures, cluster.arrivals, strict=True):
        if sig.items & other.items:
            return _ITEM
        if sig.sites & other.sites and _same_kind(sig, other, arrival, member):
            best = _SITE
        elif best < _WORDING and _same_wording(sig, other, arrival, member):
            best = _WORDING
    return best


def _same_kind(a: Signature, b: Signature, arrival: Arrival, member: Arrival) -> bool:
    """Both name a failure of one kind of object (a local one only within one client)."""
    objects = a.objects & b.objects
    if arrival.client_id != member.client_id:
        objects -= LOCAL_OBJECTS
    return bool(objects) and bool(a.states) and bool(b.states)


def _same_wording(a: Signature, b: Signature, arrival: Arrival, member: Arrival) -> bool:
    shared = a.shared_objects & b.shared_objects
    if not shared or not a.states or not b.states:
        return False
    if arrival.category and member.category and arrival.category != member.category:
        return False
    union = a.objects | b.objects
    return len(a.objects & b.objects) / len(union) >= WORDING_SIMILARITY


def _terms(sig: Signature) -> list[str]:
    return [f"o:{o}" for o in sig.objects] + [f"i:{i}" for i in sig.items]


def _indexed(open_clusters: list[_Cluster]) -> dict[str, dict[int, _Cluster]]:
    index: dict[str, dict[int, _Cluster]] = {}
    for cluster in open_clusters:
        for sig in cluster.signatures:
            for term in _terms(sig):
                index.setdefault(term, {})[id(cluster)] = cluster
    return index


def _group(cluster: _Cluster) -> Group:
    names: dict[str, str] = {}
    for arrival in cluster.arrivals:
        names.setdefault(arrival.client_id, arrival.client_name)
    clients = tuple(sorted(names))
    first = cluster.arrivals[0]
    return Group(
        key=f"group:{first.key}",
        label=label_of(cluster.signatures, [a.title for a in cluster.arrivals]),
        members=tuple(a.key for a in cluster.arrivals),
        clients=clients,
        client_names=tuple(names[c] for c in clients),
        first_at=first.created_at,
        last_at=cluster.arrivals[-1].created_at,
    )
