"""`mypy --strict` in a caller's code agrees with docs/client.md: UUID arguments take strings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow

CALLER = """\
from uuid import UUID

from pluvo_client import AsyncClient, Client


def sync(client: Client, template: str, users: list[str], ids: list[UUID]) -> None:
    client.portfolio_items(user_id="0b8b3c1e-7a0e-4f53-9a55-3f3c1e2b4c5d")
    client.generate_certificate(id=template, user_ids=users)
    client.generate_certificate(id=UUID(template), user_ids=ids)
    client.issue_certificate(template, users, batch_size=10)
    client.issue_certificate(template, (u for u in ids))


async def asynchronous(client: AsyncClient, users: tuple[str, ...]) -> None:
    await client.generate_certificate(id="0b8b3c1e-7a0e-4f53-9a55-3f3c1e2b4c5d", user_ids=users)
"""
WRONG = """\
from pluvo_client import Client


def wrong(client: Client) -> None:
    client.portfolio_items(user_id=42)
"""


def _mypy(tmp_path: Path, name: str, code: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / name).write_text(code, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy"),
         "--python-version", "3.11", name],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={"MYPYPATH": str(REPO / "generated"), "PATH": ""},
    )  # fmt: skip


def test_strings_for_uuid_arguments_type_check(tmp_path: Path) -> None:
    done = _mypy(tmp_path, "caller.py", CALLER)
    assert done.returncode == 0, done.stdout
    done = _mypy(tmp_path, "wrong.py", WRONG)  # the check can fail: an int is refused
    assert done.returncode == 1 and 'incompatible type "int"' in done.stdout, done.stdout
