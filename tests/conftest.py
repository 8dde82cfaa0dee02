"""Shared fixtures and the hypothesis profiles: `dev` (default) and `ci` (bounded)."""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from codegen.cli import build_parser, main

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


REPO = Path(__file__).resolve().parent.parent


def all_commands() -> dict[str, argparse.ArgumentParser]:
    """Every command's parser, nested ones (`webhooks check`) included, by its full name."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(prefix: str, parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[f"{prefix}{name}"] = sub
                    walk(f"{prefix}{name} ", sub)

    walk("", build_parser())
    return found


@dataclass
class Project:
    """A scratch copy of this repository's inputs and committed client."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def package(self) -> Path:
        return self.root / "generated" / "pluvo_client"

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str) -> int:
        return main([*args, "--config", str(self.config)])

    def snapshot(self) -> dict[str, bytes]:
        """Every file under generated/, byte for byte."""
        base = self.root / "generated"
        return {
            p.relative_to(base).as_posix(): p.read_bytes() for p in base.rglob("*") if p.is_file()
        }


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A copy of schema/, queries/, the runtime modules, the config and generated/."""
    root = tmp_path / "project"
    for folder in ("schema", "queries", "codegen/runtime", "generated"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    yield Project(root)
