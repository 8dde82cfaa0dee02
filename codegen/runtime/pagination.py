"""Follow a Relay connection's `endCursor` safely: never loop forever.

House rules (also in docs/client.md):

- `page_size` above `MAX_PAGE_SIZE` (50, the most Pluvo serves in one page) is
  lowered to it, before any request is sent;
- `MAX_EMPTY_PAGES` (5) pages in a row without a node, each saying
  `hasNextPage`, raise `PaginationError`: a server that sends a new cursor with
  every empty page would otherwise be followed for ever;
- a repeated cursor raises `PaginationError`. Memory stays bounded: the last
  `RECENT_CURSORS` cursors are remembered (by digest, so a huge cursor costs no
  more than a small one) and catch a short loop at once; a longer loop is caught
  by Brent's cycle finding, which keeps one cursor, within about twice the
  loop's length.
"""

from __future__ import annotations

import hashlib
from collections import deque
from typing import Any

from .exceptions import PaginationError

__all__ = ["MAX_EMPTY_PAGES", "MAX_PAGE_SIZE", "RECENT_CURSORS", "Pager"]

MAX_PAGE_SIZE = 50
MAX_EMPTY_PAGES = 5
RECENT_CURSORS = 1024


class Pager:
    """Tracks one traversal: page sizes, the items left, empty pages and cursors seen."""

    def __init__(self, page_size: int, max_items: int | None) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, got {page_size}")
        if max_items is not None and max_items < 0:
            raise ValueError(f"max_items must be 0 or more, got {max_items}")
        self.page_size = min(page_size, MAX_PAGE_SIZE)
        self.left = max_items
        self.empty_pages = 0
        self._recent: deque[bytes] = deque(maxlen=RECENT_CURSORS)
        self._recent_set: set[bytes] = set()
        # Brent's cycle finding: a cursor kept, compared with every later one, and
        # replaced after a run of steps that doubles each time.
        self._checkpoint: bytes | None = None
        self._run = 0
        self._run_length = RECENT_CURSORS

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
            return self._count([])
        nodes = [
            node
            for edge in connection.edges or ()
            if edge is not None and (node := edge["node"]) is not None
        ]
        return self._count(nodes)

    def take_models(self, connection: Any) -> list[Any]:
        """The same, for a connection whose edges are models with a `node` attribute."""
        if connection is None:
            return self._count([])
        nodes = [e.node for e in connection.edges or () if e is not None and e.node is not None]
        return self._count(nodes)

    def _count(self, nodes: list[Any]) -> list[Any]:
        self.empty_pages = 0 if nodes else self.empty_pages + 1
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
        if self.empty_pages >= MAX_EMPTY_PAGES:
            raise PaginationError(
                f"the server sent {self.empty_pages} pages in a row without a node, each "
                f"saying hasNextPage; stopping (at most {MAX_EMPTY_PAGES} are followed)"
            )
        self._remember(cursor)
        return cursor

    def _remember(self, cursor: str) -> None:
        digest = hashlib.blake2b(cursor.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if digest in self._recent_set or digest == self._checkpoint:
            raise PaginationError(f"the server repeated the cursor {cursor[:200]!r}; stopping")
        if len(self._recent) == self._recent.maxlen:
            self._recent_set.discard(self._recent[0])
        self._recent.append(digest)
        self._recent_set.add(digest)
        self._run += 1
        if self._run >= self._run_length:
            self._checkpoint, self._run, self._run_length = digest, 0, self._run_length * 2
