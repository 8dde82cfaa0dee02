"""A small third-party Relay server: graphql-relay's `connection_from_array` on graphql-core.

Four connections on `Query`: `ships` (correct), `planets` (with a bug: `last: 0`
is read as "no last" and returns everything, as a Strawberry release did), `crew`,
which needs a `shipId`, and `moons`, forward only (`first`/`after`), without a total.
Served over real HTTP on loopback from a thread of the test process, at `/graphql/`.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    execute_sync,
    parse,
    validate,
)
from graphql_relay import (
    connection_args,
    connection_definitions,
    connection_from_array,
    forward_connection_args,
)
from serving import serve_handler

__all__ = ["SCHEMA", "serve_relay"]


def _node_type(name: str) -> GraphQLObjectType:
    return GraphQLObjectType(
        name,
        {"id": GraphQLField(GraphQLNonNull(GraphQLID)), "name": GraphQLField(GraphQLString)},
    )


def _connection(name: str, total: str) -> GraphQLObjectType:
    fields = {total: GraphQLField(GraphQLInt, resolve=lambda connection, _: connection.total)}
    return connection_definitions(_node_type(name), connection_fields=fields).connection_type


class _Page:
    """graphql-relay's connection plus the total, read by the total field."""

    def __init__(self, items: list[dict[str, str]], arguments: dict[str, Any]) -> None:
        page = connection_from_array(items, arguments)
        self.edges, self.pageInfo, self.total = page.edges, page.pageInfo, len(items)


SHIPS = [{"id": f"ship-{n:02d}", "name": f"Ship {n}"} for n in range(30)]
PLANETS = [{"id": f"planet-{n:02d}", "name": f"Planet {n}"} for n in range(25)]
CREW = {
    ship["id"]: [{"id": f"{ship['id']}-crew-{n}", "name": f"Crew {n}"} for n in range(6)]
    for ship in SHIPS
}


MOONS = [{"id": f"moon-{n:02d}", "name": f"Moon {n}"} for n in range(12)]


def _moons(_: Any, __: Any, **arguments: Any) -> Any:
    return connection_from_array(MOONS, arguments)


def _ships(_: Any, __: Any, **arguments: Any) -> _Page:
    return _Page(SHIPS, arguments)


def _planets(_: Any, __: Any, **arguments: Any) -> _Page:
    if arguments.get("last") == 0:
        arguments = {k: v for k, v in arguments.items() if k != "last"}  # the bug
    return _Page(PLANETS, arguments)


def _crew(_: Any, __: Any, shipId: str, **arguments: Any) -> _Page:
    return _Page(CREW.get(shipId, []), arguments)


SCHEMA = GraphQLSchema(
    GraphQLObjectType(
        "Query",
        {
            "ships": GraphQLField(
                _connection("Ship", "count"), args=connection_args, resolve=_ships
            ),
            "planets": GraphQLField(
                _connection("Planet", "totalCount"), args=connection_args, resolve=_planets
            ),
            "crew": GraphQLField(
                _connection("CrewMember", "count"),
                args={"shipId": GraphQLArgument(GraphQLNonNull(GraphQLID)), **connection_args},
                resolve=_crew,
            ),
            "moons": GraphQLField(
                connection_definitions(_node_type("Moon")).connection_type,
                args=forward_connection_args,
                resolve=_moons,
            ),
            "hello": GraphQLField(GraphQLString, resolve=lambda *_: "hello"),
        },
    )
)


@functools.lru_cache(maxsize=1024)
def _document(query: str) -> DocumentNode | list[GraphQLError]:
    """The parsed document, or its parse and validation errors; kept, as servers cache them."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return [error]
    return validate(SCHEMA, document) or document


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server answers
    disable_nagle_algorithm = True  # headers and body go out as two writes

    def do_POST(self) -> None:
        if self.path != "/graphql/":
            self._answer(404, {"message": "not found"})
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            query, variables = body["query"], body.get("variables")
        except (ValueError, KeyError, TypeError):
            self._answer(400, {"errors": [{"message": "not a GraphQL request"}]})
            return
        document = _document(query)
        if isinstance(document, list):
            self._answer(200, {"errors": [error.formatted for error in document]})
            return
        result = execute_sync(SCHEMA, document, variable_values=variables)
        answer: dict[str, Any] = {}
        if result.errors is not None:
            answer["errors"] = [error.formatted for error in result.errors]
        if result.data is not None or result.errors is None:
            answer["data"] = result.data
        self._answer(200, answer)

    def _answer(self, status: int, body: Any) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextlib.contextmanager
def serve_relay() -> Iterator[str]:
    """Serve the schema on a free loopback port; yield the endpoint's URL."""
    with serve_handler(_Handler) as base:
        yield f"{base}/graphql/"
