"""`noc-console pir --id ID --format md|pdf --out PATH`: a major incident's
post-incident review, written whole or not at all.

ID is the record's number or its reference (`12`, `MI-12`). The review is built from
the cache (`services/major_incident/pir.py`); a PDF is printed by the handover's PDF
path (`views/handover/export.py`: Qt loaded for a PDF only). Exit 2 for an id that is
not a major incident, 1 when the file cannot be written.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from noc_console.models.cache.store import Store
from noc_console.models.clock import Clock, SystemClock
from noc_console.services.config import Config
from noc_console.services.major_incident.pir import ReviewError, build_review
from noc_console.services.major_incident.pir_text import pir_html, pir_markdown, title_of
from noc_console.services.safe_file import replace_atomically

FORMATS = ("md", "pdf")
_ID = re.compile(r"(?i)^\s*(?:MI-)?(\d{1,9})\s*$")


def add_pir_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pir = commands.add_parser("pir", help="write a major incident's post-incident review")
    pir.add_argument("--id", required=True, help="the major incident: 12 or MI-12")
    pir.add_argument("--format", required=True, choices=FORMATS)
    pir.add_argument("--out", type=Path, required=True, help="file to write")


def run_pir(config: Config, db_url: str, args: argparse.Namespace, clock: Clock | None) -> int:
    found = _ID.match(args.id)
    if found is None:
        print(f"noc-console: pir: --id {args.id!r} is not a major incident's number "
              "(12 or MI-12)", file=sys.stderr)  # fmt: skip
        return 2
    now = (clock or SystemClock()).now()
    store = Store.open(db_url, config.sla.policy)
    try:
        doc = build_review(store, int(found.group(1)), now)
    except ReviewError as exc:
        print(f"noc-console: pir: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    out: Path = args.out
    try:
        if args.format == "md":
            text = pir_markdown(doc, now.date())
            replace_atomically(out, text.encode("utf-8"), create_folders=False)
        else:
            from noc_console.views.handover.export import write_handover  # Qt: PDF only

            write_handover(pir_html(doc, now.date()), title_of(doc), "pdf", out)
    except OSError as exc:
        print(f"noc-console: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
