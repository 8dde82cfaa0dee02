"""`iter_certificates`: every template once, `max_items`, null entries, and servers that loop."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from server.reference import CERTIFICATES, Server

from pluvo_client import AsyncClient, Client, PaginationError

from .support import (
    FLAVOURS,
    Flavour,
    Recorder,
    connection,
    node,
    pages_transport,
    traverse,
)

MOCK_URL = "http://pluvo.test/graphql/"


def edge(number: int) -> dict[str, Any]:
    return {"cursor": f"c{number}", "node": node(number)}


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("page_size", [1, 7, 50])
def test_a_traversal_yields_every_template_exactly_once_in_the_servers_order(
    shared_server: Server, flavour: Flavour, page_size: int
) -> None:
    recorder = Recorder()
    ids = traverse(flavour, shared_server, page_size=page_size, recorder=recorder)
    assert ids == shared_server.certificate_ids
    assert len(set(ids)) == CERTIFICATES
    pages = -(-CERTIFICATES // page_size)
    assert recorder.firsts() == [page_size] * pages


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    ("page_size", "max_items", "firsts"),
    [
        (7, 10, [7, 3]),
        (50, 60, [50, 10]),
        (50, 50, [50]),
        (50, CERTIFICATES, [50, 50, 20]),
        (50, 1000, [50, 50, 50]),
        (1, 3, [1, 1, 1]),
    ],
)
def test_max_items_stops_early_and_asks_for_no_more_than_it_needs(
    shared_server: Server, flavour: Flavour, page_size: int, max_items: int, firsts: list[int]
) -> None:
    recorder = Recorder()
    ids = traverse(
        flavour, shared_server, page_size=page_size, max_items=max_items, recorder=recorder
    )
    assert ids == shared_server.certificate_ids[:max_items]
    assert recorder.firsts() == firsts


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_max_items_zero_sends_no_request_at_all(shared_server: Server, flavour: Flavour) -> None:
    recorder = Recorder()
    assert traverse(flavour, shared_server, max_items=0, recorder=recorder) == []
    assert recorder.requests == []


@pytest.mark.parametrize(("page_size", "max_items"), [(0, None), (-1, None), (50, -1)])
def test_a_page_size_below_one_or_a_negative_max_items_is_refused_before_any_request(
    page_size: int, max_items: int | None
) -> None:
    recorder = Recorder()
    transport = pages_transport([connection([], has_next_page=False, end_cursor=None)])
    with pytest.raises(ValueError, match=r"page_size|max_items"):
        traverse(
            "sync",
            MOCK_URL,
            page_size=page_size,
            max_items=max_items,
            recorder=recorder,
            transport=transport,
        )
    assert recorder.requests == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_null_edges_and_null_nodes_are_skipped(flavour: Flavour) -> None:
    pages = [
        connection(
            [None, edge(1), {"cursor": "c-null", "node": None}, edge(2), None],
            has_next_page=True,
            end_cursor="p1",
        ),
        connection([None, None], has_next_page=True, end_cursor="p2"),
        connection(
            [{"cursor": "c-null-2", "node": None}, edge(3)], has_next_page=False, end_cursor="p3"
        ),
    ]
    recorder = Recorder()
    ids = traverse(flavour, MOCK_URL, transport=pages_transport(pages), recorder=recorder)
    assert ids == [uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)]
    assert [b["variables"].get("after") for b in recorder.graphql()] == [None, "p1", "p2"]


def test_null_entries_do_not_count_towards_max_items() -> None:
    pages = [
        connection(
            [None, edge(1), {"cursor": "x", "node": None}], has_next_page=True, end_cursor="p1"
        ),
        connection([edge(2), edge(3)], has_next_page=True, end_cursor="p2"),
    ]
    recorder = Recorder()
    transport = pages_transport(pages)
    ids = traverse(
        "sync", MOCK_URL, page_size=3, max_items=2, transport=transport, recorder=recorder
    )
    assert ids == [uuid.UUID(int=1), uuid.UUID(int=2)]
    assert recorder.firsts() == [2, 1]


def test_a_null_connection_ends_the_traversal_quietly() -> None:
    recorder = Recorder()
    transport = pages_transport([{"data": {"certificates": None}}])
    assert traverse("sync", MOCK_URL, transport=transport, recorder=recorder) == []
    assert len(recorder.requests) == 1


def collect_until_error(
    flavour: Flavour, pages: list[dict[str, Any]], recorder: Recorder
) -> tuple[list[uuid.UUID], PaginationError]:
    """The ids yielded before the iterator raised, and the error it raised."""
    seen: list[uuid.UUID] = []
    transport = pages_transport(pages)
    if flavour == "sync":
        with (
            httpx.Client(transport=transport, event_hooks=recorder.hooks()) as http,
            Client(url=MOCK_URL, http_client=http) as client,
            pytest.raises(PaginationError) as caught,
        ):
            for item in client.iter_certificates(page_size=2):
                seen.append(item.id)
        return seen, caught.value

    async def run() -> PaginationError:
        async with (
            httpx.AsyncClient(transport=transport, event_hooks=recorder.async_hooks()) as http,
            AsyncClient(url=MOCK_URL, http_client=http) as client,
        ):
            with pytest.raises(PaginationError) as caught:
                async for item in client.iter_certificates(page_size=2):
                    seen.append(item.id)
            return caught.value

    return seen, asyncio.run(run())


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_server_that_repeats_its_cursor_is_reported_instead_of_looping(
    flavour: Flavour,
) -> None:
    # Every answer is the same page: hasNextPage with the same endCursor, forever.
    stuck = connection([edge(1), edge(2)], has_next_page=True, end_cursor="again")
    recorder = Recorder()
    seen, error = collect_until_error(flavour, [stuck], recorder)
    assert "repeated the cursor 'again'" in str(error)
    assert len(recorder.requests) == 2
    assert seen[:2] == [uuid.UUID(int=1), uuid.UUID(int=2)]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_cursor_that_comes_back_after_other_pages_is_reported_too(flavour: Flavour) -> None:
    cycle = [
        connection([edge(1)], has_next_page=True, end_cursor="a"),
        connection([edge(2)], has_next_page=True, end_cursor="b"),
        connection([edge(3)], has_next_page=True, end_cursor="a"),
    ]
    recorder = Recorder()
    seen, error = collect_until_error(flavour, cycle, recorder)
    assert "repeated the cursor 'a'" in str(error)
    assert len(recorder.requests) == 3
    assert [b["variables"].get("after") for b in recorder.graphql()] == [None, "a", "b"]
    assert seen[:2] == [uuid.UUID(int=1), uuid.UUID(int=2)]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_has_next_page_without_an_end_cursor_is_reported_after_one_request(
    flavour: Flavour,
) -> None:
    dangling = connection([edge(1)], has_next_page=True, end_cursor=None)
    recorder = Recorder()
    seen, error = collect_until_error(flavour, [dangling], recorder)
    assert "hasNextPage" in str(error)
    assert "endCursor" in str(error)
    assert len(recorder.requests) == 1
    assert seen == [uuid.UUID(int=1)]
