"""What an incident's text says about the event behind it: symptom, place, equipment.

Titles come from users on the phone, monitoring alerts and carriers' e-mails, in
every wording; the signature keeps what two tickets of one event share. Words are
folded onto canonical objects ("wan", "broadband", "isp" → internet) and states
("offline", "unreachable", "outage" → down); a site is the name after "at"/"in" or
before "office"/"site"/"branch"; a circuit is an id near "circuit"/"CID"; a
configuration item is a host-like token (`fw-osl-01`, `esx03.dc2`); a short one
(`SQL01`) names each client's own machine, so it links only within a client, while a
reference of five digits or more (`MO1045221`) is one thing everywhere. A title naming
such a machine, or saying "on-prem" or "intranet", is about the client's own equipment.
An alert's name is read as words (`VeeamJobFailed`), an interface's number is dropped
(`wan1`); a site named, failing, and nothing else named is the whole site ("Bergen site
offline"). Cloud platforms named, one person's device ("desk 14") and, for security
reports, the capitalised names (the lure: "DocuSign") are kept too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Canonical object: the words that name it (single words; titles are lowercased).
OBJECTS: dict[str, tuple[str, ...]] = {
    "internet": ("internet", "wan", "isp", "broadband", "fibre", "fiber", "uplink", "dia"),
    "circuit": (
        "circuit",
        "circuits",
        "mpls",
        "ckt",
        "leased",
        "carrier",
        "sdwan",
        "sd-wan",
        "bgp",
        "efm",
    ),
    "vpn": ("vpn", "tunnel", "ipsec", "anyconnect", "globalprotect", "site-to-site"),
    "email": (
        "email",
        "e-mail",
        "mail",
        "emails",
        "outlook",
        "exchange",
        "smtp",
        "mailflow",
        "gmail",
    ),
    "m365": ("o365", "m365", "office365", "365", "teams", "sharepoint", "onedrive", "entra"),
    "dns": ("dns", "nameserver", "resolver", "resolution"),
    "phone": ("phone", "phones", "voip", "sip", "telephony", "pbx", "3cx", "calls", "trunk"),
    "wifi": ("wifi", "wi-fi", "wireless", "ssid"),
    "backup": ("backup", "backups", "veeam", "datto", "replication"),
    "firewall": ("firewall", "fortigate", "sonicwall", "meraki", "fw"),
    "switch": ("switch", "switches", "stack"),
    "server": ("server", "servers", "host", "hypervisor", "esxi", "vm", "vms", "cluster"),
    "storage": ("storage", "san", "nas", "datastore", "disk", "volume", "raid"),
    "web": ("website", "websites", "web", "portal", "webshop", "https", "http"),
    "certificate": ("certificate", "cert", "ssl", "tls"),
    "azure": ("azure", "aws", "cloud"),
    "remote": ("rdp", "citrix", "rds", "avd", "remote"),
    "rmm": ("rmm", "agent", "agents", "n-able", "kaseya", "ninjaone", "ninjarmm"),
    "erp": ("erp", "sage", "xero", "dynamics", "netsuite", "crm", "salesforce"),
    "power": ("power", "ups", "mains", "generator"),
    "printer": ("printer", "printers", "printing", "print", "scanner", "copier", "mfp"),
    "laptop": ("laptop", "pc", "desktop", "computer", "workstation", "monitor", "keyboard"),
    "account": ("password", "account", "login", "mfa", "locked", "lockout", "licence", "license"),
}
#: Objects every office has its own of: the same symptom at two clients is chance, so
#: these never group by wording alone, nor by a shared site across clients (one
#: client's printer and Wi-Fi at a site are not its neighbour's).
LOCAL_OBJECTS = frozenset({"printer", "laptop", "account", "wifi"})
#: Objects that live at a place: the same words at two different sites are two events
#: (a cloud service's failure is the same wherever it is reported from).
SITE_BOUND = frozenset(
    {"internet", "circuit", "vpn", "power", "switch", "firewall", "wifi", "server", "storage"}
)
#: Objects whose failure at a site takes down whatever else is there: the power, or the
#: whole site ("Bergen site offline": a site named, failing, and nothing else).
SITE_WIDE = frozenset({"power", "site"})
_SITE_DOWN = frozenset({"offline", "down", "outage", "dark", "unreachable"})
#: Words saying the failing thing is the client's own, not a service many share.
ON_PREMISES = frozenset({"on-prem", "on-premises", "on-premise", "onprem", "premises", "intranet"})
#: Cloud platforms by the words that name them: two different ones are two events, and
#: one named on both sides links whatever the category (Teams and Outlook, one outage).
PROVIDERS: dict[str, tuple[str, ...]] = {
    "microsoft": (
        "o365", "m365", "office365", "365", "microsoft", "teams", "sharepoint", "onedrive",
        "entra", "aadsts", "exchange online",
    ),
    "google": ("google", "gmail"),
    "azure": ("azure",),
    "aws": ("aws", "amazon"),
}  # fmt: skip
#: Words saying one person or one device is affected, not an office: never an event
#: across clients ("Handset at desk 14", "emails from one sender").
SINGLE = ("one user", "one sender", "a user", "single user", "one mailbox", "desk", "my")
#: Failure states. A title without one (a request, a question) never groups by wording.
STATES: dict[str, tuple[str, ...]] = {
    "down": (
        "down", "outage", "offline", "unreachable", "unavailable", "dead", "lost", "loss",
        "cannot", "can't", "cant", "unable", "fail", "failed", "failing", "failure",
        "broken", "not", "no", "disconnected", "drop", "critical", "bounced", "bouncing",
        "battery", "cut", "unregistered", "denied", "jammed",
    ),
    "degraded": (
        "slow", "slowness", "latency", "degraded", "intermittent", "dropping", "drops",
        "flapping", "jitter", "packet", "timeouts", "timeout", "errors", "error", "high",
        "expired", "expiring", "choppy", "timing", "delayed",
    ),
    # A security report links only with another (one phishing campaign, not an outage).
    "threat": (
        "phishing", "phish", "suspicious", "malware", "ransomware", "spam", "compromised",
        "spoofed", "spoofing",
    ),
}  # fmt: skip
_OBJECT_OF = {word: name for name, words in OBJECTS.items() for word in words}
_PROVIDER = [
    (name, re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b"))
    for name, words in PROVIDERS.items()
]
_SINGLE = re.compile(r"\b(?:" + "|".join(SINGLE) + r")\b")
#: Where an alert name's words meet ("VeeamJobFailed", "SDWANTunnelDown", "HighCPU").
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_DIGITS = re.compile(r"\d+$")
_REFERENCE = re.compile(r"\d{5,}")
_NAME = re.compile(r"\b[A-Z][A-Za-z]+")
_STATE_OF = {word: name for name, words in STATES.items() for word in words}
_WORD = re.compile(r"[a-z0-9][a-z0-9'._/-]*")
#: A host-like configuration item: letters, then a separator or digits, with a digit.
_CI = re.compile(r"^(?=.*\d)[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+$|^[a-z]{2,}\d{2,}$")
#: A client's own machine by its short name (`SQL01`, `EXCH01`, `app-03`); not an error
#: code like `caa20004`.
_MACHINE = re.compile(r"^[a-z]{2,}-?\d{1,3}$")
_SITE_AFTER = re.compile(r"\b(?:at|in|@)\s+(?:the\s+)?([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)")
_SITE_BEFORE = re.compile(
    r"\b([A-Z][\w'-]+)\s+(?i:office|site|branch|warehouse|clinic|store|campus|dc|datacenter|hq)\b"
)
_CIRCUIT = re.compile(
    r"\b(?:circuit|cid|ckt|circuit\s+id|line|ref)[\s#:=-]*([A-Za-z0-9][A-Za-z0-9/_-]*\d[A-Za-z0-9/_-]*)",
    re.IGNORECASE,
)
#: Capitalised words after "at"/"in" that are not places.
_NOT_SITES = frozenset(
    {"the", "all", "our", "this", "progress", "office", "site", "outlook", "teams", "dns",
     "azure", "monitoring", "prod", "production", "hq", "main", "head", "primary",
     "secondary", "backup"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Signature:
    """The comparable parts of one incident's text."""

    objects: frozenset[str]  # canonical objects named
    states: frozenset[str]  # canonical failure states named
    sites: frozenset[str]  # lowercased place names
    items: frozenset[str]  # circuit ids and configuration items, lowercased
    distinct: frozenset[str]  # those of `items` that name one thing whatever the client
    own: bool = False  # names the client's own equipment: on-prem, or a server like SQL01
    words: frozenset[str] = frozenset()  # the title's words, lowercased
    providers: frozenset[str] = frozenset()  # cloud platforms named (see PROVIDERS)
    single: bool = False  # one person or device, not an office (see SINGLE)
    names: frozenset[str] = frozenset()  # capitalised words but the first: brands, senders
    circuits: frozenset[str] = frozenset()  # those of `items` named as a circuit ("CID …")

    @property
    def shared_objects(self) -> frozenset[str]:
        """The objects that could fail for many clients at once."""
        return self.objects - LOCAL_OBJECTS


@lru_cache(maxsize=8192)  # alerts and outages repeat their titles; the board asks often
def signature(title: str, category: str = "", description: str = "") -> Signature:
    """The signature of an incident's title (and category; the description only lends
    its circuit ids and items, its wording being too long to compare)."""
    text = f"{title} {category}"
    words = _WORD.findall(text.lower())
    said = words + _alert_words(title)
    objects = {_object_of(w) for w in said} - {""}
    states = {_STATE_OF[w] for w in said if w in _STATE_OF}
    sites = {s.lower() for s in _sites(title) if s.lower() not in _NOT_SITES}
    if sites and not objects and not _SITE_DOWN.isdisjoint(said):
        objects.add("site")
    items = {m.group(1).lower() for m in _CIRCUIT.finditer(f"{title} {description}")}
    circuits = set(items)
    items |= {w.strip("._/-") for w in words if _CI.match(w.strip("._/-"))}
    items |= {w for w in _WORD.findall(description.lower()) if _CI.match(w) and "-" in w}
    distinct = circuits | {item for item in items if _distinct(item)}
    own = any(_MACHINE.match(item) for item in items - distinct) or any(
        w.strip("._/-") in ON_PREMISES for w in words
    )
    return Signature(
        frozenset(objects),
        frozenset(states),
        frozenset(sites),
        frozenset(items),
        frozenset(distinct),
        own,
        frozenset(_WORD.findall(title.lower())),
        frozenset(name for name, pattern in _PROVIDER if pattern.search(title.lower())),
        bool(_SINGLE.search(title.lower())),
        frozenset(w.lower() for w in _NAME.findall(title)[1:]),
        frozenset(circuits),
    )


def _alert_words(title: str) -> list[str]:
    """The words of alert names run together ("VeeamJobFailed": veeam, job, failed): only
    a name with a state among its words is one ("PowerShell" is not a power failure)."""
    found: list[str] = []
    for token in title.split():
        parts = _CAMEL.sub(" ", token).lower().split()
        if len(parts) > 1 and any(part in _STATE_OF for part in parts):
            found += _WORD.findall(" ".join(parts))
    return found


def _object_of(word: str) -> str:
    """The canonical object a word names, or ""; an interface's number is dropped (`wan1`)."""
    return _OBJECT_OF.get(word) or _OBJECT_OF.get(_DIGITS.sub("", word), "")


def _distinct(item: str) -> bool:
    """Whether a configuration item's name is one thing across clients: `hv-cluster-02`,
    `backup-01.coho` are; `SQL01`, `DC02`, `app-03` are every client's own; a reference
    of five digits or more (`MO1045221`, a vendor's incident) is one thing."""
    return sum(item.count(mark) for mark in "-_.") >= 2 or bool(_REFERENCE.search(item))


def _sites(title: str) -> list[str]:
    found = [m.group(1) for m in _SITE_AFTER.finditer(title)]
    found += [m.group(1) for m in _SITE_BEFORE.finditer(title)]
    # "at Oslo Office" → "Oslo"; a two-word match keeps its first word when the second is a kind
    return [
        s.split()[0] if len(s.split()) > 1 and s.split()[1].lower() in _KINDS else s for s in found
    ]


_KINDS = frozenset(
    {"office", "site", "branch", "warehouse", "clinic", "store", "campus", "dc", "hq"}
)
