"""The reference-server fixtures of `tests/server`, shared rather than copied, and one more.

`shared_server` (one per module, read-only tests), `fresh_server` (one per test) and the
`servers` pool behind them come from `tests/server/conftest.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server.conftest import fresh_server, servers, shared_server
from server.reference import Server, ServerPool

__all__ = ["fresh_server", "issuing_server", "servers", "shared_server"]


@pytest.fixture(scope="module")
def issuing_server(servers: ServerPool) -> Iterator[Server]:
    """One server for a whole module, for tests that issue certificates but assert only on
    what their own calls changed (each user's number of portfolio items before and after)."""
    process = servers.take()
    try:
        yield process.ready()
    finally:
        servers.retire(process)
