"""`--db`: what a server issued is still there, unchanged, after a restart."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from .reference import REPO, SEED_OPTIONS, Server, issue, list_edges, run_server


async def snapshot(server: Server) -> dict[str, Any]:
    """Everything the API shows: templates in order, and every portfolio item in full."""
    async with server.client() as client:
        edges = await list_edges(client)
        items = (await client.portfolio_items()).portfolio_items
    return {
        "certificate_ids": server.certificate_ids,
        "user_ids": server.user_ids,
        "templates": [edge.model_dump() for edge in edges],
        "items": [item.model_dump() for item in items],
    }


@pytest.mark.slow  # restarts or starts a real server: end to end
def test_templates_users_and_portfolio_items_survive_a_restart_with_the_same_db(
    tmp_path: Path,
) -> None:
    db = tmp_path / "pluvo.sqlite3"
    issued = datetime(2023, 8, 5, 12, 0, tzinfo=timezone(timedelta(hours=2)))

    with run_server(tmp_path / "first", *SEED_OPTIONS, "--db", str(db)) as server:
        users, templates = server.user_ids, server.certificate_ids

        async def fill() -> dict[str, Any]:
            async with server.client() as client:
                await issue(client, templates[3], users[:4], title="Persisted", issue_date=issued)
                await issue(client, templates[9], [users[1], users[7], uuid.uuid4()])
            return await snapshot(server)

        before = asyncio.run(fill())
    assert len(before["items"]) == 6

    # Another seed and size: an existing database is used as it is, never re-seeded.
    with run_server(
        tmp_path / "second", "--db", str(db), "--seed", "999", "--certificates", "3"
    ) as restarted:
        after = asyncio.run(snapshot(restarted))

        async def issue_again() -> list[str]:
            async with restarted.client() as client:
                await issue(client, templates[0], users[:1])
                return [i.id for i in (await client.portfolio_items()).portfolio_items]

        ids = asyncio.run(issue_again())

    assert after == before
    assert after["items"][0]["start_date"] == issued
    assert after["items"][0]["start_date"].astimezone(UTC).hour == 10
    assert len(ids) == len(set(ids)) == 7  # a new item, and no id reused


def test_a_db_file_that_is_not_sqlite_is_refused_with_exit_code_2(tmp_path: Path) -> None:
    db = tmp_path / "garbage.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "serve", "--port", "0", "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 2
    assert str(db) in result.stderr
    assert "not a usable SQLite database" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # restarts or starts a real server: end to end
def test_a_db_with_users_but_no_templates_is_reopened_without_seeding_again(
    tmp_path: Path,
) -> None:
    db = tmp_path / "pluvo.sqlite3"
    options = ("--db", str(db), "--certificates", "0")
    with run_server(tmp_path / "first", *options, "--users", "2") as server:
        users = server.user_ids
    with run_server(tmp_path / "second", *options, "--users", "3") as restarted:
        assert restarted.certificate_ids == []
        assert restarted.user_ids == users
