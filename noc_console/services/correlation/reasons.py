"""Why a member is in its group, in words: its strongest link to another member.

A technician declaring a major incident in a hurry keeps what the dialog ticks. Most
wrong members join by wording alone ("email down" at three clients by chance), while
strong evidence — the same circuit or configuration item, the same site and kind of
failure, the same cloud platform — is rarely wrong. So each member says which it has
("same circuit TN-88213", "same site: Oslo (Internet)", "same platform: Microsoft 365",
"same words"), and one that joined other clients' incidents by wording alone is
`doubtful`: the declare dialog starts it unticked. Pure: made by `grouping` from what it
already read of each member.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from noc_console.services.correlation.labels import MOST_OBJECTS, OBJECT_WORDS

#: Kinds of link, strongest first.
ITEM, SITE, PLATFORM, WORDS = "item", "site", "platform", "words"
RANK = {ITEM: 4, SITE: 3, PLATFORM: 2, WORDS: 1}
#: How a cloud platform (`signature.PROVIDERS`) reads in a reason.
PLATFORM_WORDS = {
    "microsoft": "Microsoft 365",
    "google": "Google Workspace",
    "azure": "Azure",
    "aws": "AWS",
}
#: The dialog's words for a doubtful member: why it is not ticked, and what to do.
DOUBTFUL_HINT = "same words only — tick if it is this event"


@dataclass(frozen=True, slots=True)
class Reason:
    """A member's strongest link to another member of its group."""

    kind: str  # ITEM, SITE, PLATFORM or WORDS
    text: str  # "same circuit TN-88213" (names from PSA text: untrusted, show as plain text)
    across: bool  # that link is only to other clients' incidents

    @property
    def doubtful(self) -> bool:
        """Joined other clients' incidents by wording alone: often a stray, so a
        declaration starts without it (two calls of one client stay in)."""
        return self.kind == WORDS and self.across

    def stronger_than(self, other: Reason | None) -> bool:
        """A stronger kind, or the same kind within one client (less often chance)."""
        if other is None:
            return True
        if RANK[self.kind] != RANK[other.kind]:
            return RANK[self.kind] > RANK[other.kind]
        return other.across and not self.across


def starts_unticked(reasons: Sequence[Reason]) -> list[bool]:
    """Which members of a group (their reasons, in order) a declaration starts unticked:
    a doubtful one, when another member is held by something firmer — a stray beside a
    shared circuit, site or platform. A group held by wording alone keeps every member
    ticked: measured on the corpora, unticking all of those lost most right pairs for
    almost no precision (issue 21's note)."""
    firm = any(not r.doubtful for r in reasons)
    return [firm and r.doubtful for r in reasons]


def item_reason(name: str, circuit: bool, texts: Iterable[str], across: bool) -> Reason:
    """ "same circuit TN-88213": `name` as the member's own text spells it."""
    what = "circuit" if circuit else "item"
    return Reason(ITEM, f"same {what} {_as_written(name, texts)}", across)


def site_reason(sites: Iterable[str], objects: Iterable[str], across: bool) -> Reason:
    """ "same site: Oslo (Internet, circuit)"."""
    place = " ".join(part.capitalize() for part in sorted(sites)[0].split())
    named = [word for key, word in OBJECT_WORDS.items() if key in set(objects)][:MOST_OBJECTS]
    return Reason(SITE, f"same site: {place}" + (f" ({', '.join(named)})" if named else ""), across)


def platform_reason(platforms: Iterable[str], across: bool) -> Reason:
    """ "same platform: Microsoft 365"."""
    name = sorted(platforms)[0]
    return Reason(PLATFORM, f"same platform: {PLATFORM_WORDS.get(name, name)}", across)


def words_reason(across: bool) -> Reason:
    return Reason(WORDS, "same words", across)


def _as_written(name: str, texts: Iterable[str]) -> str:
    """`name` (lowercased by the signature) as the first text holding it writes it."""
    for text in texts:
        folded = text.lower()
        at = folded.find(name)
        if at >= 0 and len(folded) == len(text):  # lower() kept every position
            return text[at : at + len(name)]
    return name
