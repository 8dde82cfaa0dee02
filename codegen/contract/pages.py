"""Ask for one page of a connection and read it strictly: a malformed page is a violation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from codegen.contract.connections import Connection
from codegen.contract.exchange_recorder import Exchange, ExchangeRecorder
from codegen.contract.violation import Violation

__all__ = [
    "MAX_PAGE_SIZE",
    "Edge",
    "Page",
    "PageRequest",
    "fetch_page",
    "normalize_id",
    "post_page",
    "read_page",
]

# Pluvo's documented limit on `first`: the default of --max-page-size.
MAX_PAGE_SIZE = 50


@dataclass(frozen=True)
class PageRequest:
    """The four connection arguments; None ones are left out of the request."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def variables(self) -> dict[str, Any]:
        """The request's variables, without the arguments that are not set."""
        values = {
            "first": self.first,
            "after": self.after,
            "last": self.last,
            "before": self.before,
        }
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class Edge:
    """One edge: its cursor and its node's id (None for a null node)."""

    cursor: str
    node_id: str | None


@dataclass(frozen=True)
class Page:
    """One connection page as the endpoint returned it."""

    edges: tuple[Edge, ...]
    has_next: bool
    has_previous: bool
    start_cursor: str | None
    end_cursor: str | None
    count: int | None

    @property
    def ids(self) -> list[str | None]:
        """The node ids, in the order of the edges."""
        return [edge.node_id for edge in self.edges]


def normalize_id(value: Any) -> str:
    """A UUID in canonical form, so that `ABC...` and `abc...` compare equal; else the text."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)


def post_page(recorder: ExchangeRecorder, connection: Connection, request: PageRequest) -> Exchange:
    """Send the connection's page query with these arguments; the answer is not checked."""
    return recorder.post(connection.document, connection.variables(request.variables()))


def fetch_page(recorder: ExchangeRecorder, connection: Connection, request: PageRequest) -> Page:
    """Ask for a page with valid arguments: an error in answer is a violation."""
    return read_page(post_page(recorder, connection, request), connection)


def read_page(exchange: Exchange, connection: Connection) -> Page:
    """The page in a response, or a violation saying why the response is not one."""
    if exchange.status >= 500:
        raise Violation(f"A valid page request got HTTP {exchange.status}.")
    if exchange.errors:
        raise Violation(f"A valid page request got errors: {exchange.errors}.")
    data = exchange.data
    found = data.get(connection.name) if isinstance(data, dict) else None
    if not isinstance(found, dict):
        raise Violation(f"A valid page request got no `{connection.name}` connection.")
    edges = found.get("edges")
    info = found.get("pageInfo")
    if not isinstance(edges, list) or not isinstance(info, dict):
        raise Violation("The connection lacks `edges` or `pageInfo`.")
    return Page(
        edges=tuple(_read_edge(edge) for edge in edges),
        has_next=info.get("hasNextPage") is True,
        has_previous=info.get("hasPreviousPage") is True,
        start_cursor=_optional_str(info.get("startCursor")),
        end_cursor=_optional_str(info.get("endCursor")),
        count=_total(found, connection.total_field),
    )


def _read_edge(edge: Any) -> Edge:
    if not isinstance(edge, dict) or not isinstance(edge.get("cursor"), str):
        raise Violation(f"An edge without a cursor: {edge!r}.")
    node = edge.get("node")
    if node is None:
        return Edge(edge["cursor"], None)
    if not isinstance(node, dict) or node.get("id") is None:
        raise Violation(f"A node without an id: {node!r}.")
    return Edge(edge["cursor"], normalize_id(node["id"]))


def _total(found: dict[str, Any], name: str | None) -> int | None:
    value = found.get(name) if name else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
