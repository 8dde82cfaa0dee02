"""The webhooks room talks HTTP only: it never imports the reference server."""

from __future__ import annotations

import ast
import subprocess
import sys

from server.reference import REPO


def test_the_webhooks_room_never_imports_the_reference_server() -> None:
    probe = (
        "import sys, codegen.cli, codegen.webhooks.check, codegen.webhooks.listen, "
        "codegen.webhooks.trigger, codegen.webhooks.report; codegen.cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.startswith('codegen.server')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    # Only serve's option definitions, which the parser needs; nothing of the server.
    assert done.stdout.strip() == "['codegen.server', 'codegen.server.command']"


def test_the_runtime_module_imports_only_the_standard_library_pydantic_and_its_siblings() -> None:
    tree = ast.parse((REPO / "codegen" / "runtime" / "webhooks.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or "").partition(".")[0])
    allowed = set(sys.stdlib_module_names) | {"__future__", "pydantic", ".exceptions"}
    assert imported <= allowed, imported - allowed
    assert "pydantic" in imported
