"""Which PSA-given addresses may become links: http(s) with a host, nothing else.

A ticket's address comes from the PSA's payload, which is untrusted text: a
`javascript:` or `file:` link in a handover, opened from the PDF or a browser, would
run or show whatever the ticket's author chose. Anything else stays plain text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def web_link(link: str) -> str | None:
    """`link` when it is an http(s) address with a host (what may be linked), else None."""
    text = link.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return None
    return text if parts.scheme.lower() in WEB_SCHEMES and parts.hostname else None
