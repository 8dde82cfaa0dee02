"""Traverse the whole connection: forward with `first`/`after`, backward with `last`/`before`."""

from __future__ import annotations

from dataclasses import dataclass

from codegen.contract.connections import Connection
from codegen.contract.exchange_recorder import ExchangeRecorder
from codegen.contract.pages import Edge, Page, PageRequest, fetch_page

__all__ = ["Traversal", "traverse_backward", "traverse_forward"]


@dataclass(frozen=True)
class Traversal:
    """Every edge seen, in forward order, and why the traversal stopped if not at the end."""

    edges: tuple[Edge, ...]
    pages: tuple[Page, ...]
    problem: str | None = None
    truncated: bool = False

    @property
    def ids(self) -> list[str | None]:
        """The node ids in forward order."""
        return [edge.node_id for edge in self.edges]


def traverse_forward(
    recorder: ExchangeRecorder, connection: Connection, size: int, max_pages: int
) -> Traversal:
    """Follow `hasNextPage` and `endCursor` from the start, `size` edges at a time."""
    return _traverse(recorder, connection, size, max_pages, forward=True)


def traverse_backward(
    recorder: ExchangeRecorder, connection: Connection, size: int, max_pages: int
) -> Traversal:
    """Follow `hasPreviousPage` and `startCursor` from the end; edges come back in forward order."""
    return _traverse(recorder, connection, size, max_pages, forward=False)


def _traverse(
    recorder: ExchangeRecorder, connection: Connection, size: int, max_pages: int, *, forward: bool
) -> Traversal:
    pages: list[Page] = []
    cursors_seen: set[str] = set()
    cursor: str | None = None
    while True:
        if len(pages) == max_pages:
            return _done(pages, forward, truncated=True)
        request = (
            PageRequest(first=size, after=cursor)
            if forward
            else PageRequest(last=size, before=cursor)
        )
        page = fetch_page(recorder, connection, request)
        pages.append(page)
        more = page.has_next if forward else page.has_previous
        if not more:
            return _done(pages, forward)
        flag = "hasNextPage" if forward else "hasPreviousPage"
        cursor = page.end_cursor if forward else page.start_cursor
        if not page.edges or cursor is None:
            return _done(
                pages,
                forward,
                f"page {len(pages)} is empty or has no cursor to go on from, yet says {flag}: true",
            )
        if cursor in cursors_seen:
            return _done(
                pages,
                forward,
                f"page {len(pages)} ends at a cursor seen before: the traversal would loop",
            )
        cursors_seen.add(cursor)


def _done(
    pages: list[Page], forward: bool, problem: str | None = None, *, truncated: bool = False
) -> Traversal:
    ordered = pages if forward else pages[::-1]
    edges = tuple(edge for page in ordered for edge in page.edges)
    return Traversal(edges, tuple(pages), problem, truncated)
