"""Fixtures: no PLUVO_* variable leaks in from the environment; one correct server per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .launch import Served, serve


@pytest.fixture(autouse=True)
def no_pluvo_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kit reads PLUVO_GRAPHQL_URL and friends; a test sets the ones it means."""
    for name in (
        "PLUVO_GRAPHQL_URL",
        "PLUVO_TOKEN",
        "PLUVO_TOKEN_URL",
        "PLUVO_CLIENT_ID",
        "PLUVO_CLIENT_SECRET",
        "PLUVO_USER_IDS",
        "PLUVO_ALLOW_MUTATIONS",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The correct reference server, for one module."""
    with serve(tmp_path_factory.mktemp("served")) as server:
        yield server
