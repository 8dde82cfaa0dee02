"""Fixtures: a shared server per module for read-only tests, a fresh one for the rest.

Both come from `servers`, which keeps one spare server starting in the background
while a test runs, and stops servers without waiting for them, so that the half
second a server takes to start and to stop overlaps with the tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .reference import Server, ServerPool


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    pool = ServerPool(tmp_path_factory)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="module")
def shared_server(servers: ServerPool) -> Iterator[Server]:
    """One server for a whole module; only for tests that change nothing."""
    process = servers.take()
    try:
        yield process.ready()
    finally:
        servers.retire(process)


@pytest.fixture
def fresh_server(servers: ServerPool) -> Iterator[Server]:
    """A server of the test's own, for tests that issue certificates."""
    process = servers.take()
    try:
        yield process.ready()
    finally:
        servers.retire(process)
