"""Fixtures for other teams' repositories: a scratch downstream project, a vendored copy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from serving import serve_handler

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


@contextmanager
def answering(body: bytes) -> Iterator[str]:
    """A loopback endpoint that answers every POST with `body` as JSON (HTTP 200)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    with serve_handler(Handler) as base:
        yield f"{base}/graphql/"
