"""`--seed`, `--certificates` and `--users`: the same seed gives the same data."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from .reference import (
    CERTIFICATES,
    USERS,
    Server,
    ServerPool,
    ServerProcess,
    list_edges,
    run_server,
)


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, servers: ServerPool
) -> Iterator[dict[str, Server]]:
    """Three servers, started side by side: two with seed 5, one with seed 6."""
    sizes = ("--certificates", "60", "--users", "4")
    processes = {
        name: ServerProcess(tmp_path_factory.mktemp(name), *sizes, "--seed", seed)
        for name, seed in (("a", "5"), ("b", "5"), ("c", "6"))
    }
    try:
        yield {name: process.ready() for name, process in processes.items()}
    finally:
        for process in processes.values():
            servers.retire(process)


def templates(server: Server) -> list[tuple[str, str | None, str | None]]:
    async def run() -> list[tuple[str, str | None, str | None]]:
        async with server.client() as client:
            edges = await list_edges(client)
        return [(str(e.node.id), e.node.name, e.node.title) for e in edges if e.node is not None]

    return asyncio.run(run())


def test_the_same_seed_gives_the_same_templates_and_users(seeded: dict[str, Server]) -> None:
    a, b = seeded["a"], seeded["b"]
    assert a.url != b.url
    assert a.certificate_ids == b.certificate_ids
    assert a.user_ids == b.user_ids
    assert templates(a) == templates(b)


def test_a_different_seed_gives_different_ids(seeded: dict[str, Server]) -> None:
    a, c = seeded["a"], seeded["c"]
    assert not set(a.certificate_ids) & set(c.certificate_ids)
    assert not set(a.user_ids) & set(c.user_ids)


def test_the_fixture_lists_as_many_templates_and_users_as_asked(seeded: dict[str, Server]) -> None:
    for server in seeded.values():
        assert len(set(server.certificate_ids)) == 60
        assert len(set(server.user_ids)) == 4


def test_several_templates_share_a_name_and_some_titles_are_null(shared_server: Server) -> None:
    rows = templates(shared_server)
    assert len(rows) == CERTIFICATES
    names = Counter(name for _, name, _ in rows)
    assert max(names.values()) >= 2
    assert sum(1 for count in names.values() if count >= 2) >= 3
    titles = [title for _, _, title in rows]
    assert None in titles
    assert any(title is not None for title in titles)
    assert len(shared_server.user_ids) == USERS


def test_zero_templates_and_zero_users_give_an_empty_but_working_server(tmp_path: Path) -> None:
    with run_server(tmp_path / "server", "--certificates", "0", "--users", "0") as server:
        assert server.certificate_ids == [] and server.user_ids == []
        assert templates(server) == []
