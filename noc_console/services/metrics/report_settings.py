"""The `[report]` table of the configuration file: who the client SLA report is from.

```toml
[report]
msp_name = "Example Managed Services Ltd"
logo = "/etc/noc-console/logo.png"   # PNG or JPEG; empty: no logo
```
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _name(text: str) -> str | None:
    return None if text.strip() else "must be a non-empty string"


@dataclass(frozen=True, slots=True)
class ReportSettings:
    msp_name: str = field(
        default="NOC Console",
        metadata={"doc": "Your company's name, at the head of every client report.",
                  "check": _name},
    )  # fmt: skip
    logo: str = field(
        default="",
        metadata={"doc": "A PNG or JPEG file shown beside the name; empty: none."},
    )
