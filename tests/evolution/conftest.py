"""Fixtures: GitHub's large schemas, each read once per session, and scratch projects."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from codegen.cli import main
from codegen.evolution import LoadedSchema, load_schema

REPO = Path(__file__).resolve().parents[2]
GITHUB = REPO.parent / "shared" / "data" / "github"
GITHUB_FILES = {
    "bbcdd33": "schema-bbcdd33.graphql",
    "2465a14": "schema-2465a14.graphql",
    "8d8d6f1": "schema-8d8d6f1.graphql",
    "503d8f1": "schema-503d8f1.graphql",
}
# Each pair: (old, new).
GITHUB_PAIRS = {"breaking": ("bbcdd33", "2465a14"), "additive": ("8d8d6f1", "503d8f1")}


@pytest.fixture(scope="session")
def github() -> dict[str, LoadedSchema]:
    """GitHub's four public schemas (about 1 MB each), read once for the whole session."""
    if not GITHUB.is_dir():
        pytest.skip(f"{GITHUB}: GitHub's schemas are not here")
    return {key: load_schema(str(GITHUB / name), root=REPO) for key, name in GITHUB_FILES.items()}


@dataclass
class Evolution:
    """A scratch project: pyproject.toml, schema/pluvo.graphql and queries/, as in this repo."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def schema(self) -> Path:
        return self.root / "schema" / "pluvo.graphql"

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit_schema(self, before: str, after: str, to: str = "new.graphql") -> Path:
        """Write a copy of the schema with `before` replaced by `after`."""
        text = self.schema.read_text(encoding="utf-8")
        assert text.count(before) == 1, f"{before!r} is not in the schema exactly once"
        return self.write(to, text.replace(before, after))

    def diff(self, *args: str) -> int:
        return main(["diff", *args, "--config", str(self.config)])


@pytest.fixture
def evolution(tmp_path: Path) -> Evolution:
    """A copy of this repository's schema and operations, with a minimal config."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    shutil.copytree(REPO / "queries", root / "queries")
    (root / "pyproject.toml").write_text(
        "[tool.ariadne-codegen]\n"
        'schema_path = "schema/pluvo.graphql"\n'
        'queries_path = "queries"\n'
        'target_package_path = "generated"\n'
        'target_package_name = "pluvo_client"\n',
        encoding="utf-8",
    )
    return Evolution(root)
