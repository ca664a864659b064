"""Atlassian Document Format, as much as comments and descriptions need.

Jira Cloud's REST v3 takes and returns rich text as ADF (a JSON tree: a `doc` of block
nodes such as `paragraph`, whose leaves are `text` nodes). We write plain text — one
paragraph per line, never markup, so whatever a technician typed (or a PSA field held)
stays text — and read any tree back as its text, blocks on their own lines.
"""

from __future__ import annotations

from typing import Any

BLOCKS = frozenset({"paragraph", "heading", "codeBlock", "blockquote", "listItem", "panel",
                    "tableCell", "rule"})  # fmt: skip


def adf_doc(text: str) -> dict[str, Any]:
    """`text` as an ADF document: a paragraph per line (an empty line, an empty one)."""
    paragraphs = [{"type": "paragraph", "content": [{"type": "text", "text": line}] if line else []}
                  for line in text.split("\n")]  # fmt: skip
    return {"type": "doc", "version": 1, "content": paragraphs}


def adf_text(node: Any) -> str:
    """The text of an ADF tree (or of a plain string, as v2 answers carry): text nodes
    as they are, `hardBreak` and the end of each block as a line break."""
    if isinstance(node, str):
        return node
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text") or "")
    if kind == "hardBreak":
        return "\n"
    children = node.get("content")
    inner = "".join(adf_text(c) for c in children) if isinstance(children, list) else ""
    return inner + "\n" if kind in BLOCKS else inner.rstrip("\n") if kind == "doc" else inner
