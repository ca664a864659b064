"""Untrusted text from a source record, made safe to store and show.

Any end user who can email a client's helpdesk writes ticket titles, so a field may
hold anything: lone surrogates (which no database encoding accepts), NUL characters
(PostgreSQL refuses them), line breaks in a one-line title, or a megabyte of text that
would stall every layout that meets it. `clean` fixes the first three and caps the
length; the untouched payload stays in the incident's `raw` for audit.
"""

from __future__ import annotations

import re

from noc_console.models.text_limits import BLOCK, LINE, capped

#: Longest stored text per field, in characters. A title past this is not a title.
TITLE_MAX = LINE
DESCRIPTION_MAX = 2 * BLOCK  # search may look further than the screen shows
SHORT_MAX = 200  # names: client, category, status, assignee, version marker

_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str, limit: int, one_line: bool = False) -> str:
    """`value` without lone surrogates or control characters, at most `limit` long."""
    if value.isprintable():  # the common case, one C call: nothing to remove
        return value if len(value) <= limit else capped(value, limit)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: keep the rest, mark the hole
            value = _replace_surrogates(value)
    if one_line:
        value = _LINE_BREAKS.sub(" ", value)
    return capped(_CONTROLS.sub("", value), limit)


def is_number(text: str) -> bool:
    """`text` is a non-empty run of ASCII digits — what `int()` takes and a URL or a
    filter may carry. `str.isdigit` alone admits "²" and "٣", which `int()` refuses."""
    return text.isascii() and text.isdigit()


def _replace_surrogates(value: str) -> str:
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)
