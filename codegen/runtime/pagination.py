"""Follow a Relay connection's `endCursor` safely: never loop forever."""

from __future__ import annotations

from typing import Any

from .exceptions import PaginationError

__all__ = ["Pager"]


class Pager:
    """Tracks one traversal: page sizes, the items left, and every cursor seen."""

    def __init__(self, page_size: int, max_items: int | None) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, got {page_size}")
        if max_items is not None and max_items < 0:
            raise ValueError(f"max_items must be 0 or more, got {max_items}")
        self.page_size = page_size
        self.left = max_items
        self.seen: set[str] = set()

    def first(self) -> int:
        """How many edges to ask for next."""
        return self.page_size if self.left is None else min(self.page_size, self.left)

    @property
    def done(self) -> bool:
        """True once `max_items` nodes were taken."""
        return self.left is not None and self.left <= 0

    def take(self, connection: Any) -> list[Any]:
        """The page's non-null nodes, up to the items left; edges are `{"node": ...}` dicts.

        This is the form of the private page models the iterators read.
        """
        if connection is None:
            return []
        nodes = [
            node
            for edge in connection.edges or ()
            if edge is not None and (node := edge["node"]) is not None
        ]
        return self._count(nodes)

    def take_models(self, connection: Any) -> list[Any]:
        """The same, for a connection whose edges are models with a `node` attribute."""
        if connection is None:
            return []
        nodes = [e.node for e in connection.edges or () if e is not None and e.node is not None]
        return self._count(nodes)

    def _count(self, nodes: list[Any]) -> list[Any]:
        if self.left is not None:
            nodes = nodes[: self.left]
            self.left -= len(nodes)
        return nodes

    def next_cursor(self, connection: Any) -> str | None:
        """The `after` for the next page, None at the end; raises if the server loops."""
        if connection is None or self.done or not connection.page_info.has_next_page:
            return None
        cursor: str | None = connection.page_info.end_cursor
        if cursor is None:
            raise PaginationError("the server said hasNextPage but sent no endCursor")
        if cursor in self.seen:
            raise PaginationError(f"the server repeated the cursor {cursor!r}; stopping")
        self.seen.add(cursor)
        return cursor
