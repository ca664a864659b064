"""Group arrivals that are probably one event: one pass over them in time order.

Each arrival joins the open cluster it links to best, or starts one. A cluster is open
while its last arrival is within the window. Links, strongest first:

- the same circuit, configuration item or vendor reference (whatever the wording);
- the same site, and the same kind of object named (an outage at one place); there an
  internet line and a circuit are one connection, and the power or the whole site
  failing shares whatever lives at the site;
- wording alone: half the shared objects (not printers, laptops or accounts, which every
  office has its own of, unless one client says both) of the title naming fewer, with a
  failure state in both, in one category (Monitoring matching any) or on one cloud
  platform, never two platforms, and not at two different sites when what fails lives at
  a site (an internet line; not a cloud service); across clients, not when one names a
  site and the other names no site and not that place either (a carrier's "circuit
  TN-88213 down" and a line down at Dublin), nor when either names its client's own
  equipment (on-prem, a server like EXCH01) or one person's device; within one client
  naming no two sites, its power and its switches, its internet line and its circuit.
  Security reports link only with one another, and only naming the same lure.

A cluster held together by wording alone is reported when it is one client's (two users
calling about one thing) or three clients' or more: chance makes pairs of common symptoms
across two clients every day, not across three in a quarter of an hour.
Cost: the arrivals sorted by time, then per arrival the open clusters sharing one of its
objects, items, sites or platforms (an index of the open clusters, rebuilt once a window;
a local object's entry is its client's), each compared by its distinct kinds of wording,
not by member; a pair of kinds is judged once (`_verdict`, kinds interned).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from noc_console.models.incident import IncidentKey
from noc_console.services.correlation.arrival import Arrival
from noc_console.services.correlation.labels import label_of
from noc_console.services.correlation.reasons import (
    RANK,
    Reason,
    item_reason,
    platform_reason,
    site_reason,
    words_reason,
)
from noc_console.services.correlation.signature import (
    LOCAL_OBJECTS,
    SITE_BOUND,
    SITE_WIDE,
    Signature,
    signature,
)

DEFAULT_WINDOW = timedelta(minutes=15)
#: Wording alone links when this share of the fewer objects named is common to both.
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
    reasons: tuple[Reason, ...] = ()  # why each member is in it, in the order of `members`

    def reason_of(self, key: IncidentKey) -> Reason | None:
        """Why `key` is in this group (its strongest link to another member)."""
        reasons = dict(zip(self.members, self.reasons, strict=False))
        return reasons.get(key)

    @property
    def summary(self) -> str:
        """ "5 incidents · 3 clients · Internet circuit down at Oslo"."""
        clients = len(self.clients)
        return (
            f"{len(self.members)} incidents · {clients} client{'s' if clients != 1 else ''}"
            f" · {self.label}"
        )


@dataclass(frozen=True, slots=True, eq=False)  # interned by _kind: compared by identity
class _Kind:
    """What members of a cluster say, as far as linking cares (many share one)."""

    objects: frozenset[str]
    failing: bool  # names a failure state
    threat: bool  # reports a security threat (phishing), which links only with another
    sites: frozenset[str]
    subject: str  # the category, "" when it names a source (see _subject)
    own: bool  # names a client's own equipment
    providers: frozenset[str]  # cloud platforms named
    single: bool  # one person or device
    names: frozenset[str]  # a threat's capitalised names after the first word (its lure)


@dataclass(slots=True)
class _Cluster:
    first_at: datetime
    last_at: datetime
    arrivals: list[Arrival] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    member_kinds: list[_Kind] = field(default_factory=list)  # each arrival's, in order
    kinds: dict[_Kind, set[str]] = field(default_factory=dict)  # → the clients saying it
    items: set[str] = field(default_factory=set)
    sites: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)  # every member's title words
    terms: set[str] = field(default_factory=set)
    strong: bool = False  # some link in it was an item or a site

    def add(self, arrival: Arrival, reading: _Reading, strong: bool) -> None:
        sig, kind = reading
        self.arrivals.append(arrival)
        self.signatures.append(sig)
        self.member_kinds.append(kind)
        self.kinds.setdefault(kind, set()).add(arrival.client_id)
        terms = _terms(sig, arrival)
        self.items.update(term for term in terms if term.startswith("i:"))
        self.sites |= sig.sites
        self.words |= sig.words
        self.terms.update(terms)
        self.strong |= strong
        self.first_at = min(self.first_at, arrival.created_at)
        self.last_at = max(self.last_at, arrival.created_at)

    def absorb(self, other: _Cluster) -> None:
        """Take `other`'s arrivals (kept in arrival order): an item or site bridged them."""
        arrivals = sorted(self.arrivals + other.arrivals, key=lambda a: (a.created_at, a.key))
        self.arrivals, self.signatures, self.member_kinds = [], [], []
        self.kinds, self.items, self.sites, self.words, self.terms = {}, set(), set(), set(), set()
        for arrival in arrivals:
            self.add(arrival, _read(arrival), True)

    def reported(self) -> bool:
        if len(self.arrivals) < 2:
            return False
        if self.strong:
            return True
        return len({a.client_id for a in self.arrivals}) != 2  # one client's calls, or 3+


def correlate(arrivals: Iterable[Arrival], window: timedelta = DEFAULT_WINDOW) -> list[Group]:
    """The groups among `arrivals`, in the order of their first arrival."""
    ordered = sorted(arrivals, key=lambda a: (a.created_at, a.key))
    clusters: dict[int, _Cluster] = {}  # by id, in the order they started
    open_clusters: dict[int, _Cluster] = {}
    index: dict[str, dict[int, _Cluster]] = {}  # term → open clusters naming it
    prune_at = ordered[0].created_at + window if ordered else None  # drop closed clusters then
    for arrival in ordered:
        now = arrival.created_at
        if prune_at is not None and now > prune_at:
            open_clusters = {i: c for i, c in open_clusters.items() if now - c.last_at <= window}
            index = _indexed(open_clusters.values())
            prune_at = now + window  # closed clusters in between are skipped at lookup
        reading = _read(arrival)
        terms = _terms(reading[0], arrival)
        links = _links(reading, arrival, terms, index, now, window)
        if not links:
            cluster = _Cluster(now, now)
            clusters[id(cluster)] = open_clusters[id(cluster)] = cluster
            cluster.add(arrival, reading, False)
        else:
            strength, cluster = links[0]
            cluster.add(arrival, reading, strength >= _SITE)
            for other_strength, other in links[1:]:
                if other_strength >= _SITE:
                    cluster.absorb(other)
                    del clusters[id(other)], open_clusters[id(other)]
                    for term in other.terms:
                        index[term].pop(id(other), None)
                        index[term][id(cluster)] = cluster
        for term in terms:
            index.setdefault(term, {})[id(cluster)] = cluster
    groups = [_group(c) for c in clusters.values() if c.reported()]
    return sorted(groups, key=lambda g: (g.first_at, g.members[0]))  # a merge moves a start


_ITEM, _SITE, _WORDING = 3, 2, 1


def _links(
    reading: _Reading,
    arrival: Arrival,
    terms: list[str],
    index: dict[str, dict[int, _Cluster]],
    now: datetime,
    window: timedelta,
) -> list[tuple[int, _Cluster]]:
    """The open clusters `sig` links to, strongest first (the earliest on a tie)."""
    found: dict[int, tuple[int, _Cluster]] = {}
    sig, ours = reading
    items = [term for term in terms if term.startswith("i:")]  # once, not per cluster
    for term in _searched(sig, arrival, terms, ours.failing):
        for ident, cluster in index.get(term, {}).items():
            if ident in found or now - cluster.last_at > window:
                continue
            found[ident] = (_link(ours, sig, arrival, items, cluster), cluster)
    linked = [(strength, cluster) for strength, cluster in found.values() if strength]
    linked.sort(key=lambda link: (-link[0], link[1].first_at))
    return linked


#: A verdict of `_verdict`: wording links unless the cluster's places say otherwise.
_PLACED = -1


def _link(
    ours: _Kind, sig: Signature, arrival: Arrival, items: list[str], cluster: _Cluster
) -> int:
    """How strongly `sig` (of kind `ours`) links to the cluster: 0 (not), wording, site
    or item."""
    if not cluster.items.isdisjoint(items):
        return _ITEM
    if not ours.failing:
        return 0
    best = 0
    for kind, clients in cluster.kinds.items():
        across = arrival.client_id not in clients
        verdict = _verdict(ours, kind, across)
        if verdict == _SITE:
            return _SITE
        if best or not verdict:
            continue
        if verdict == _PLACED and _misplaced(sig, cluster, across):
            continue
        best = _WORDING
    return best


def _misplaced(sig: Signature, cluster: _Cluster, across: bool) -> bool:
    """Whether what fails at a place is elsewhere than the cluster's trouble."""
    if sig.sites and cluster.sites and sig.sites.isdisjoint(cluster.sites):
        return True  # the same trouble at another site
    return across and _place_unsaid(sig, cluster)  # a line down somewhere, another's at a site


@lru_cache(maxsize=65536)  # a storm repeats a few kinds of wording thousands of times
def _verdict(ours: _Kind, theirs: _Kind, across: bool) -> int:
    """How two kinds of wording link, the cluster's places aside: 0, `_PLACED`, wording
    or site. `across`: from different clients."""
    if not theirs.failing or ours.threat != theirs.threat:
        return 0
    if ours.threat and ours.names.isdisjoint(theirs.names):
        return 0  # phishing every day; a campaign names one sender or brand
    at_site = bool(ours.sites & theirs.sites)
    one_place = at_site or not (across or (ours.sites and theirs.sites))
    shared = _shared(ours.objects, theirs.objects, one_place)
    if across:
        shared -= LOCAL_OBJECTS
    platforms = ours.providers & theirs.providers  # a cloud platform is one thing shared
    if not shared and not platforms:
        return 0
    if at_site and shared:
        return _SITE
    if across and (ours.single or theirs.single):
        return 0  # one person's handset is not an event across clients
    if shared - (ours.objects & theirs.objects):
        return _WORDING  # one client's power and its switches
    if ours.providers and theirs.providers and not platforms:
        return 0  # Gmail and Exchange Online fail apart
    if ours.subject and theirs.subject and ours.subject != theirs.subject and not platforms:
        return 0
    if across and (ours.own or theirs.own):
        return 0  # one client's own server is not a service another client shares
    fewer = min(len(ours.objects | ours.providers), len(theirs.objects | theirs.providers))
    if len(shared | platforms) / fewer < WORDING_SIMILARITY:
        return 0
    return _PLACED if shared and shared <= SITE_BOUND else _WORDING


#: Categories that say where a ticket came from (an alert), not what it is about.
SOURCE_CATEGORIES = frozenset({"monitoring", "alert", "alerts", "alerting"})


def _subject(category: str) -> str:
    """What a category says a ticket is about: "" for none or a source (Monitoring)."""
    folded = category.strip().lower()
    return "" if folded in SOURCE_CATEGORIES else folded


_CONNECTION = frozenset({"internet", "circuit"})
#: What fails at a place: only these link to the client's other trouble by place alone.
_PLACED_OBJECTS = SITE_BOUND | SITE_WIDE


def _shared(ours: frozenset[str], theirs: frozenset[str], at_site: bool) -> frozenset[str]:
    """The objects two incidents share; at one site an internet line and a circuit are one
    connection, and the power or the whole site failing shares whatever lives there."""
    shared = ours & theirs
    if not at_site:
        return shared
    both = ours | theirs
    if ours & _CONNECTION and theirs & _CONNECTION:
        shared |= both & _CONNECTION
    placed = _PLACED_OBJECTS
    if (ours & SITE_WIDE and theirs & placed) or (theirs & SITE_WIDE and ours & placed):
        shared |= both & placed
    return shared


def _place_unsaid(sig: Signature, cluster: _Cluster) -> bool:
    """Whether one side says where it is and the other does not name that place at all
    ("Telia circuit down" and "Internet circuit down at Dublin")."""
    if sig.sites and not cluster.sites:
        return not _names(cluster.words, sig.sites)
    if cluster.sites and not sig.sites:
        return not _names(sig.words, cluster.sites)
    return False


def _names(words: Iterable[str], sites: Iterable[str]) -> bool:
    """Whether `words` name one of `sites` ("new york" is two words)."""
    said = set(words)
    return any(said.issuperset(site.split()) for site in sites)


#: What correlation reads in one incident's text: its signature and its kind of wording.
_Reading = tuple[Signature, _Kind]


def _read(arrival: Arrival) -> _Reading:
    return _reading(arrival.title, arrival.category, arrival.description)


@lru_cache(maxsize=8192)  # one `_Kind` object for each text: kinds compare by identity
def _reading(title: str, category: str, description: str) -> _Reading:
    sig = signature(title, category, description)
    threat = "threat" in sig.states
    names = sig.names if threat else frozenset()
    fields = (sig.objects, bool(sig.states), threat, sig.sites, _subject(category), sig.own)
    kind = _Kind(*fields, sig.providers, sig.single, names)
    key = (*fields, sig.providers, sig.single, names)
    interned = _KINDS.get(key)
    if interned is None:
        if len(_KINDS) >= 65536:
            _KINDS.clear()  # a new object for an equal kind costs only time
        interned = _KINDS[key] = kind
    return sig, interned


_KINDS: dict[tuple[object, ...], _Kind] = {}


def _item_terms(sig: Signature, arrival: Arrival) -> list[str]:
    """Items as they link: a distinct one by name, another under its client."""
    terms = [f"i:{item}@{arrival.client_id}" for item in sig.items]
    return terms + [f"i:{item}" for item in sig.distinct]


def _terms(sig: Signature, arrival: Arrival) -> list[str]:
    """Index terms: items, shared objects, local objects under their client, sites, cloud
    platforms, and what fails at one of the client's places (see `_client_terms`)."""
    terms = _item_terms(sig, arrival)
    for name in sig.objects:
        local = name in LOCAL_OBJECTS
        terms.append(f"l:{name}:{arrival.client_id}" if local else f"o:{name}")
    terms += [f"s:{site}" for site in sig.sites]  # at one site, objects meet (power, a site)
    terms += [f"p:{provider}" for provider in sig.providers]
    return terms + _client_terms(sig.objects, arrival.client_id, _PLACED_OBJECTS, SITE_WIDE)


def _client_terms(
    objects: frozenset[str], client: str, placed: frozenset[str], site_wide: frozenset[str]
) -> list[str]:
    """Terms under which one client's power meets its switches, and its internet line its
    circuit: indexed with (`_PLACED_OBJECTS`, `SITE_WIDE`), looked up with the two swapped."""
    terms = []
    if objects & placed:
        terms.append(f"b:{client}")
    if objects & site_wide:
        terms.append(f"w:{client}")
    if objects & _CONNECTION:
        terms.append(f"n:{client}")
    return terms


def _searched(sig: Signature, arrival: Arrival, terms: list[str], failing: bool) -> list[str]:
    """The terms to look an arrival's clusters up by: only its items if it names no
    failure; its client's site-wide failures if something of its fails at a place."""
    if not failing:
        return [term for term in terms if term.startswith("i:")]
    client = arrival.client_id
    own = _client_terms(sig.objects, client, SITE_WIDE, _PLACED_OBJECTS)
    return [term for term in terms if term[:2] not in ("b:", "w:", "n:")] + own


def _indexed(open_clusters: Iterable[_Cluster]) -> dict[str, dict[int, _Cluster]]:
    index: dict[str, dict[int, _Cluster]] = {}
    for cluster in open_clusters:
        for term in cluster.terms:
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
        reasons=_reasons(cluster),
    )


def _reasons(cluster: _Cluster) -> tuple[Reason, ...]:
    """Each member's strongest link to another (`reasons`): a shared item, else the
    strongest verdict of its kind of wording with another member's, judged as `_link`
    judges them; within one client preferred on a tie. Per distinct kind, not per pair of
    members: a storm's group repeats a few kinds many times."""
    arrivals = cluster.arrivals
    found: dict[int, Reason] = _item_reasons(cluster) if cluster.items else {}
    member_kinds = cluster.member_kinds
    counts = Counter(zip(member_kinds, (a.client_id for a in arrivals), strict=True))
    of_client: dict[str, list[_Kind]] = {}
    for kind, client in counts:
        of_client.setdefault(client, []).append(kind)
    across: dict[_Kind, list[tuple[Reason, frozenset[str]]]] = {}  # strongest first
    judged: dict[tuple[_Kind, str], Reason | None] = {}
    for n, arrival in enumerate(arrivals):
        if n in found:
            continue
        kind, client = member_kinds[n], arrival.client_id
        if (kind, client) not in judged:
            if kind not in across:
                across[kind] = _across_links(kind, cluster.kinds)
            best = next((r for r, cs in across[kind] if len(cs) > 1 or client not in cs), None)
            for other in of_client[client]:
                if other is not kind or counts[kind, client] > 1:
                    mine = _pair_reason(kind, other, False)
                    best = mine if mine is not None and mine.stronger_than(best) else best
            judged[kind, client] = best
        found[n] = judged[kind, client] or words_reason(True)  # bridged in: no link of its own
    return tuple(found[n] for n in range(len(arrivals)))


def _item_reasons(cluster: _Cluster) -> dict[int, Reason]:
    """The members sharing an item (as `_link` matches them) with another member."""
    holders: dict[str, list[int]] = {}
    for n, (arrival, sig) in enumerate(zip(cluster.arrivals, cluster.signatures, strict=True)):
        for term in _item_terms(sig, arrival):
            holders.setdefault(term, []).append(n)
    found: dict[int, Reason] = {}
    for term, members in holders.items():
        if len(members) < 2:
            continue
        name = term[2:].rsplit("@", 1)[0] if "@" in term else term[2:]
        for n in members:
            if n in found:
                continue
            arrival, sig = cluster.arrivals[n], cluster.signatures[n]
            apart = all(cluster.arrivals[m].client_id != arrival.client_id
                        for m in members if m != n)  # fmt: skip
            texts = (arrival.title, arrival.description)
            found[n] = item_reason(name, name in sig.circuits, texts, apart)
    return found


def _across_links(kind: _Kind, kinds: dict[_Kind, set[str]]) -> list[tuple[Reason, frozenset[str]]]:
    """How `kind` links with each kind of the cluster from another client, strongest first,
    each with the clients saying it."""
    links = []
    for other, clients in kinds.items():
        reason = _pair_reason(kind, other, True)
        if reason is not None:
            links.append((reason, frozenset(clients)))
    ranked = sorted(range(len(links)), key=lambda n: -RANK[links[n][0].kind])
    return [links[n] for n in ranked]


@lru_cache(maxsize=65536)
def _pair_reason(ours: _Kind, theirs: _Kind, across: bool) -> Reason | None:
    """Why two kinds of wording link (None: they do not): a site, a platform or words."""
    if not ours.failing:
        return None
    verdict = _verdict(ours, theirs, across)
    if not verdict:
        return None
    if verdict == _PLACED and ours.sites and theirs.sites and ours.sites.isdisjoint(theirs.sites):
        return None  # the same trouble at another site
    if verdict == _SITE:
        one_place = ours.sites & theirs.sites
        return site_reason(one_place, _shared(ours.objects, theirs.objects, True), across)
    platforms = ours.providers & theirs.providers
    return platform_reason(platforms, across) if platforms else words_reason(across)
