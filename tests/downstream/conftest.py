"""Fixtures for other teams' repositories: a scratch downstream project, a vendored copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codegen.cli import main

REPO = Path(__file__).resolve().parents[2]
FOUR_PATHS = """\
[tool.ariadne-codegen]
schema_path = "schema/pluvo.graphql"
queries_path = "queries"
target_package_path = "generated"
target_package_name = "pluvo_client"
"""


def run(*argv: str) -> int:
    """The command line, in process."""
    return main(list(argv))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, byte for byte."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture
def downstream(tmp_path: Path) -> Path:
    """A repository elsewhere with only schema/, queries/ and the four paths: no codegen/."""
    root = tmp_path / "downstream"
    shutil.copytree(REPO / "schema", root / "schema")
    shutil.copytree(REPO / "queries", root / "queries")
    (root / "pyproject.toml").write_text(FOUR_PATHS, encoding="utf-8")
    return root


@pytest.fixture
def vendored(tmp_path: Path) -> Path:
    """A copy of the committed package, vendored into another repository."""
    target = tmp_path / "service" / "vendor" / "pluvo_client"
    shutil.copytree(
        REPO / "generated" / "pluvo_client",
        target,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return target
