"""The kit talks HTTP only: it never imports the reference server it can start."""

from __future__ import annotations

import subprocess
import sys

from .launch import REPO


def test_the_kit_never_imports_the_reference_server() -> None:
    probe = (
        "import sys, codegen.contract, codegen.cli; "
        "codegen.cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.startswith('codegen.server')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    # Only serve's option definitions, which the parser needs; nothing of the server.
    assert done.stdout.strip() == "['codegen.server', 'codegen.server.command']"


def test_no_module_of_the_kit_mentions_the_server_package() -> None:
    modules = sorted((REPO / "codegen" / "contract").rglob("*.py"))
    assert modules
    for module in modules:
        assert "codegen.server" not in module.read_text(encoding="utf-8"), module
