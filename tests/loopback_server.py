"""A small GraphQL server on loopback for end-to-end tests of the generated client.

It executes `schema/pluvo.graphql` with graphql-core over a real HTTP socket.
Its scalars are strict, so a client that sends a naive or non-UTC DateTime, or
a malformed UUID, gets a GraphQL error instead of a silent pass.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from graphql import GraphQLError, GraphQLScalarType, build_schema, graphql_sync
from serving import serve_handler

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "pluvo.graphql"
_UTC_Z = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")


def parse_uuid_strictly(value: Any) -> uuid.UUID:
    if not isinstance(value, str) or str(uuid.UUID(value)) != value:
        raise GraphQLError(f"UUID must be canonical text, got {value!r}")
    return uuid.UUID(value)


def parse_datetime_strictly(value: Any) -> datetime:
    if not isinstance(value, str) or not _UTC_Z.fullmatch(value):
        raise GraphQLError(f"DateTime must be ISO 8601 in UTC with Z, got {value!r}")
    return datetime.fromisoformat(value)


def _serialize_datetime(value: datetime | date) -> str:
    return value.isoformat()


@dataclass
class Store:
    """The server's data; `date_only` makes it send dates the way Pluvo's examples do."""

    certificates: list[dict[str, Any]]
    users: dict[uuid.UUID, dict[str, Any]]
    items: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    date_only: bool = False


def make_store(certificates: int = 23, users: int = 3) -> Store:
    """A deterministic store: names repeat, every third title is null."""
    certs = [
        {
            "id": uuid.UUID(int=1000 + i),
            "name": f"Certificate {i // 2:03d}",
            "title": None if i % 3 == 0 else f"Title {i}",
        }
        for i in range(certificates)
    ]
    people = {
        uuid.UUID(int=i + 1): {"id": uuid.UUID(int=i + 1), "name": f"User {i}", "email": f"u{i}@x"}
        for i in range(users)
    }
    return Store(certs, people)


def _cursor(index: int) -> str:
    return base64.b64encode(f"c:{index}".encode()).decode()


def _index(cursor: str) -> int:
    return int(base64.b64decode(cursor).decode().removeprefix("c:"))


def build_root(store: Store) -> dict[str, Any]:
    """Resolvers for the Query and Mutation root fields."""

    def certificates(
        _info: Any,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        edges = list(enumerate(store.certificates))
        if after is not None:
            edges = [e for e in edges if e[0] > _index(after)]
        if before is not None:
            edges = [e for e in edges if e[0] < _index(before)]
        window = len(edges)
        if first is not None:
            edges = edges[:first]
        if last is not None:
            edges = edges[max(len(edges) - last, 0) :]
        return {
            "edges": [{"cursor": _cursor(i), "node": node} for i, node in edges],
            "pageInfo": {
                "hasNextPage": first is not None and window > first,
                "hasPreviousPage": last is not None and window > last,
                "startCursor": _cursor(edges[0][0]) if edges else None,
                "endCursor": _cursor(edges[-1][0]) if edges else None,
            },
            "count": len(store.certificates),
        }

    def generate_certificate(
        _info: Any,
        id: uuid.UUID,
        userIds: list[uuid.UUID],
        title: str | None = None,
        trainingId: uuid.UUID | None = None,
        issueDate: datetime | None = None,
    ) -> dict[str, Any]:
        cert = next((c for c in store.certificates if c["id"] == id), None)
        if cert is None:
            raise GraphQLError(f"Certificate {id} does not exist")
        succeeded, failed = [], []
        for user_id in dict.fromkeys(userIds):
            if user_id not in store.users:
                failed.append(user_id)
                continue
            succeeded.append(user_id)
            start = issueDate or datetime.now(UTC)
            store.items.append(
                {
                    "id": str(len(store.items) + 1),
                    "user": store.users[user_id],
                    "title": title or cert["title"] or cert["name"],
                    "description": None,
                    "startDate": start.date() if store.date_only else start,
                    "endDate": None,
                    "files": [],
                    "createdAt": None,
                    "updatedAt": None,
                }
            )
        return {"bulkGenerate": {"succeededIds": succeeded, "failedIds": failed}}

    def portfolio_items(_info: Any, userId: uuid.UUID | None = None) -> list[dict[str, Any]]:
        return [i for i in store.items if userId is None or i["user"]["id"] == userId]

    return {
        "certificates": certificates,
        "generateCertificate": generate_certificate,
        "portfolioItems": portfolio_items,
    }


def build_pluvo_schema() -> Any:
    """The committed SDL with strict custom scalars."""
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    uuid_type = schema.type_map["UUID"]
    datetime_type = schema.type_map["DateTime"]
    assert isinstance(uuid_type, GraphQLScalarType)
    assert isinstance(datetime_type, GraphQLScalarType)
    # SDL-built scalars have default hooks; graphql-core expects them replaced in place.
    vars(uuid_type).update(serialize=str, parse_value=parse_uuid_strictly)
    vars(datetime_type).update(serialize=_serialize_datetime, parse_value=parse_datetime_strictly)
    return schema


@contextmanager
def serve(store: Store) -> Iterator[str]:
    """Serve `store` on an ephemeral loopback port; yield the `/graphql/` URL."""
    schema = build_pluvo_schema()
    root = build_root(store)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            store.requests.append(body)
            result = graphql_sync(
                schema,
                body["query"],
                root_value=root,
                variable_values=body.get("variables"),
                operation_name=body.get("operationName"),
            )
            payload: dict[str, Any] = {"data": result.data}
            if result.errors:
                payload["errors"] = [e.formatted for e in result.errors]
            raw = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serve_handler(Handler) as base:
        yield f"{base}/graphql/"
