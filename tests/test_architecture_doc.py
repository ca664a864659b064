"""docs/architecture.md shows the package tree; it must list every package there is,
and nothing that is not (the doc is how a newcomer finds their way)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documented_packages() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("```\nnoc_console/", 1)[1].split("```", 1)[0]
    packages, stack = {"noc_console"}, ["noc_console"]
    for line in block.splitlines():
        match = re.match(r"^([│ ]*)[├└]── (\w+)/", line)
        if match:
            depth = len(match.group(1)) // 4 + 1
            del stack[depth:]
            stack.append(match.group(2))
            packages.add("/".join(stack))
    return packages


def real_packages() -> set[str]:
    return {
        str(init.parent.relative_to(ROOT))
        for init in (ROOT / "noc_console").rglob("__init__.py")
        if "migrations" not in init.parts
    }


def test_the_tree_in_the_architecture_doc_is_the_package_tree() -> None:
    assert documented_packages() == real_packages()
