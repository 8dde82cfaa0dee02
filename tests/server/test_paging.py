"""`certificates` as a Relay connection: traversals both ways, windows, limits and bad cursors."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from typing import Any

import pytest

from pluvo_client import AsyncClient

from .reference import CERTIFICATES, Server, graphql, list_edges

PAGE_QUERY = """
query Page($first: Int, $after: String, $last: Int, $before: String) {
  certificates(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    count
  }
}
"""


@pytest.fixture(scope="module")
def cursors(shared_server: Server) -> list[str]:
    """The cursor of every template, in the fixture's (name, id) order."""

    async def run() -> list[str]:
        async with shared_server.client() as client:
            return [edge.cursor for edge in await list_edges(client)]

    return asyncio.run(run())


def page(server: Server, **arguments: Any) -> dict[str, Any]:
    """`certificates(...)` over raw HTTP, asserting that it succeeded."""
    response = graphql(server, PAGE_QUERY, arguments)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    connection: dict[str, Any] = body["data"]["certificates"]
    return connection


def ids_of(connection: dict[str, Any]) -> list[uuid.UUID]:
    return [uuid.UUID(edge["node"]["id"]) for edge in connection["edges"]]


async def traverse_forward(client: AsyncClient, size: int) -> list[tuple[uuid.UUID, str | None]]:
    """(id, name) of every template, paging with first/after; checks every page's size."""
    seen: list[tuple[uuid.UUID, str | None]] = []
    after: str | None = None
    while True:
        result = await client.list_certificates(first=size, after=after)
        connection = result.certificates
        assert connection is not None
        assert connection.count == CERTIFICATES
        nodes = [e.node for e in connection.edges if e is not None and e.node is not None]
        assert len(nodes) == len(connection.edges)
        has_next = connection.page_info.has_next_page
        # Full pages until the last, which is never empty.
        assert (len(nodes) == size) if has_next else (1 <= len(nodes) <= size)
        seen += [(node.id, node.name) for node in nodes]
        if not has_next:
            return seen
        after = connection.page_info.end_cursor


async def traverse_backward(client: AsyncClient, size: int) -> list[tuple[uuid.UUID, str | None]]:
    """(id, name) of every template, paging with last/before, put back in forward order."""
    seen: list[tuple[uuid.UUID, str | None]] = []
    before: str | None = None
    while True:
        result = await client.list_certificates_backward(last=size, before=before)
        connection = result.certificates
        assert connection is not None
        assert connection.count == CERTIFICATES
        nodes = [e.node for e in connection.edges if e is not None and e.node is not None]
        assert len(nodes) == len(connection.edges)
        has_previous = connection.page_info.has_previous_page
        assert (len(nodes) == size) if has_previous else (1 <= len(nodes) <= size)
        seen = [(node.id, node.name) for node in nodes] + seen
        if not has_previous:
            return seen
        before = connection.page_info.start_cursor


@pytest.mark.parametrize("size", [1, 7, 50])
def test_paging_both_ways_visits_every_template_once_in_name_then_id_order(
    shared_server: Server, size: int
) -> None:
    async def run() -> tuple[list[tuple[uuid.UUID, str | None]], ...]:
        async with shared_server.client() as client:
            return await traverse_forward(client, size), await traverse_backward(client, size)

    forward, backward = asyncio.run(run())
    ids = [ident for ident, _ in forward]
    assert ids == shared_server.certificate_ids
    assert len(set(ids)) == CERTIFICATES
    keys = [(name or "", str(ident)) for ident, name in forward]
    assert keys == sorted(keys)
    assert backward == forward


def test_first_and_last_together_take_the_last_edges_of_the_first_ones(
    shared_server: Server, cursors: list[str]
) -> None:
    ids = shared_server.certificate_ids
    connection = page(shared_server, first=10, last=3)
    assert ids_of(connection) == ids[7:10]
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["pageInfo"]["hasPreviousPage"] is True
    assert connection["pageInfo"]["startCursor"] == cursors[7]
    assert connection["pageInfo"]["endCursor"] == cursors[9]


@pytest.mark.parametrize(
    ("arguments", "expected", "has_next", "has_previous"),
    [
        # (first, after, last, before): `after`/`before` are indexes into the template order.
        ((10, 4, 3, None), slice(12, 15), True, True),
        ((50, 4, None, 20), slice(5, 20), False, False),
        ((None, 4, 3, 20), slice(17, 20), False, True),
        ((50, 4, 50, 20), slice(5, 20), False, False),
        ((5, 110, 10, None), slice(111, 116), True, False),
        ((9, 110, None, None), slice(111, 120), False, False),
        ((None, None, 5, 3), slice(0, 3), False, False),
        ((10, 20, None, 10), slice(0, 0), False, False),
    ],
    ids=lambda value: str(value).replace(" ", ""),
)
def test_after_before_first_and_last_combine_as_the_relay_algorithm_says(
    shared_server: Server,
    cursors: list[str],
    arguments: tuple[int | None, int | None, int | None, int | None],
    expected: slice,
    has_next: bool,
    has_previous: bool,
) -> None:
    first, after, last, before = arguments
    connection = page(
        shared_server,
        first=first,
        after=None if after is None else cursors[after],
        last=last,
        before=None if before is None else cursors[before],
    )
    assert ids_of(connection) == shared_server.certificate_ids[expected]
    assert connection["pageInfo"]["hasNextPage"] is has_next
    assert connection["pageInfo"]["hasPreviousPage"] is has_previous
    assert connection["count"] == CERTIFICATES


def test_first_zero_returns_no_edges_and_says_more_follow(shared_server: Server) -> None:
    async def run() -> None:
        async with shared_server.client() as client:
            forward = (await client.list_certificates(first=0)).certificates
            backward = (await client.list_certificates_backward(last=0)).certificates
            assert forward is not None and backward is not None
            assert forward.edges == [] and backward.edges == []
            assert forward.page_info.has_next_page is True
            assert forward.page_info.end_cursor is None
            assert backward.page_info.has_previous_page is True
            assert backward.page_info.start_cursor is None
            assert forward.count == backward.count == CERTIFICATES

    asyncio.run(run())


def test_a_page_past_either_end_is_empty(shared_server: Server, cursors: list[str]) -> None:
    async def run() -> None:
        async with shared_server.client() as client:
            after_end = (await client.list_certificates(first=5, after=cursors[-1])).certificates
            before_start = (
                await client.list_certificates_backward(last=5, before=cursors[0])
            ).certificates
            assert after_end is not None and before_start is not None
            assert after_end.edges == [] and before_start.edges == []
            assert after_end.page_info.has_next_page is False
            assert before_start.page_info.has_previous_page is False
            assert after_end.count == before_start.count == CERTIFICATES

    asyncio.run(run())


def test_without_first_or_last_a_page_holds_the_first_50_templates(shared_server: Server) -> None:
    async def run() -> None:
        async with shared_server.client() as client:
            connection = (await client.list_certificates()).certificates
            assert connection is not None
            ids = [e.node.id for e in connection.edges if e is not None and e.node is not None]
            assert ids == shared_server.certificate_ids[:50]
            assert connection.page_info.has_next_page is True

    asyncio.run(run())


def assert_graphql_error_on_certificates(response_status: int, body: dict[str, Any]) -> str:
    """A GraphQL error located at `certificates`, with a 200 or 4xx status; its message."""
    assert 200 <= response_status < 500
    assert body.get("data") in (None, {"certificates": None})
    (error,) = body["errors"]
    assert error["path"] == ["certificates"]
    assert error["locations"] and {"line", "column"} <= set(error["locations"][0])
    message: str = error["message"]
    return message


@pytest.mark.parametrize(
    ("argument", "value"), [("first", 51), ("first", -1), ("last", 51), ("last", -1)]
)
def test_a_page_size_outside_0_to_50_is_a_graphql_error_with_path_and_locations(
    shared_server: Server, argument: str, value: int
) -> None:
    response = graphql(shared_server, PAGE_QUERY, {argument: value})
    message = assert_graphql_error_on_certificates(response.status_code, response.json())
    assert argument in message and str(value) in message


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


UNREADABLE_CURSORS = {
    "not base64": "zzz",
    "empty": "",
    "base64 of text": base64.urlsafe_b64encode(b"hello").decode(),
    "json null": _b64(None),
    "too short": _b64(["v1", "Fire Safety"]),
    "other version": _b64(["v2", "Fire Safety", str(uuid.UUID(int=1))]),
    "id not a uuid": _b64(["v1", "Fire Safety", "nope"]),
    "id a number": _b64(["v1", "Fire Safety", 5]),
    "name a number": _b64(["v1", 5, str(uuid.UUID(int=1))]),
    # These two crashed the resolver (recursion depth, a codec error from SQLite).
    "nested too deeply": base64.urlsafe_b64encode(b"[" * 100_000 + b"]" * 100_000).decode(),
    "name with a lone surrogate": _b64(["v1", "\ud800", str(uuid.UUID(int=1))]),
}


@pytest.mark.parametrize("argument", ["after", "before"])
@pytest.mark.parametrize("cursor", UNREADABLE_CURSORS.values(), ids=UNREADABLE_CURSORS.keys())
def test_an_unreadable_cursor_is_a_graphql_error_naming_the_argument(
    shared_server: Server, argument: str, cursor: str
) -> None:
    response = graphql(shared_server, PAGE_QUERY, {argument: cursor, "first": 5})
    message = assert_graphql_error_on_certificates(response.status_code, response.json())
    assert message == f"`{argument}` is not a cursor this server issued."
