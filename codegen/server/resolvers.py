"""Bind `schema/pluvo.graphql` to the storage: scalars, pagination and issuing.

`certificates` follows the Relay cursor-connection algorithm: ApplyCursorsToEdges
keeps the edges strictly between `after` and `before`; EdgesToReturn takes the
first `first` of those, then the last `last`; `hasNextPage` is true when `first`
is set and more edges than `first` remain in that window, `hasPreviousPage` when
`last` is set and more than `last` do. Where the spec lets a server choose
(`hasNextPage` without `first`, `hasPreviousPage` without `last`), it says false.
Without `first` and `last` a page holds the first 50 edges.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ariadne import MutationType, QueryType, ScalarType, make_executable_schema
from graphql import GraphQLError, GraphQLResolveInfo, GraphQLSchema

from codegen.runtime.scalars import parse_datetime, serialize_datetime
from codegen.server.storage import Certificate, Storage

__all__ = ["MAX_PAGE_SIZE", "build_schema", "decode_cursor", "encode_cursor"]

MAX_PAGE_SIZE = 50
_CURSOR_VERSION = "v1"

uuid_scalar = ScalarType("UUID")
datetime_scalar = ScalarType("DateTime")
query = QueryType()
mutation = MutationType()


@uuid_scalar.serializer
def _serialize_uuid(value: Any) -> str:
    return str(uuid.UUID(str(value)))


@uuid_scalar.value_parser
def _parse_uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str):
        raise ValueError(f"Expected a UUID string, got {value!r}.")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValueError(f"Expected a UUID, got {value!r}.") from None


@datetime_scalar.serializer
def _serialize_datetime(value: Any) -> Any:
    return serialize_datetime(value)


@datetime_scalar.value_parser
def _parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"Expected an ISO 8601 DateTime string, got {value!r}.")
    return parse_datetime(value)


def encode_cursor(certificate: Certificate) -> str:
    """An opaque cursor: the template's (name, id) sort key."""
    raw = json.dumps([_CURSOR_VERSION, certificate.name, str(certificate.id)])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str, argument: str) -> tuple[str, str]:
    """The sort key inside a cursor, or a GraphQL error naming the argument.

    Every cursor that is not one this server issued gets the same message, whatever
    is wrong with it: not base64, not JSON, nested too deeply for the parser, the
    wrong shape, or text that is not valid Unicode (a lone surrogate).
    """
    try:
        version, name, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if version != _CURSOR_VERSION or not isinstance(name, str) or not isinstance(ident, str):
            raise ValueError(version)
        name.encode()  # a lone surrogate cannot reach the database
        return name, str(uuid.UUID(ident))
    except (ValueError, TypeError, binascii.Error, RecursionError):
        # UnicodeError is a ValueError; RecursionError comes from `[[[[...]]]]`.
        raise GraphQLError(f"`{argument}` is not a cursor this server issued.") from None


@query.field("certificates")
def resolve_certificates(
    _: Any,
    info: GraphQLResolveInfo,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> dict[str, Any]:
    """One page of templates in (name, id) order."""
    for argument, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
            raise GraphQLError(f"`{argument}` must be between 0 and {MAX_PAGE_SIZE}, got {value}.")
    storage: Storage = info.context["storage"]
    after_key = None if after is None else decode_cursor(after, "after")
    before_key = None if before is None else decode_cursor(before, "before")
    if first is None and last is None:
        first = MAX_PAGE_SIZE
    has_next = has_previous = False
    if first is not None:
        rows = storage.page_certificates(after_key, before_key, first + 1, descending=False)
        has_next = len(rows) > first
        rows = rows[:first]
        if last is not None:
            has_previous = (
                len(storage.page_certificates(after_key, before_key, last + 1, descending=True))
                > last
            )
            # The last `last` of those: all of them when `last` is larger (no wrap-around).
            rows = rows[max(len(rows) - last, 0) :] if last else []
    else:
        assert last is not None
        rows = storage.page_certificates(after_key, before_key, last + 1, descending=True)
        has_previous = len(rows) > last
        rows = rows[:last][::-1]
    edges = [{"node": row, "cursor": encode_cursor(row)} for row in rows]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "count": storage.count_certificates(),
    }


@query.field("portfolioItems")
def resolve_portfolio_items(
    _: Any, info: GraphQLResolveInfo, userId: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """That user's items, or everyone's."""
    storage: Storage = info.context["storage"]
    return storage.portfolio_items(userId)


@mutation.field("generateCertificate")
def resolve_generate_certificate(
    _: Any,
    info: GraphQLResolveInfo,
    id: uuid.UUID,
    userIds: list[uuid.UUID],
    title: str | None = None,
    trainingId: uuid.UUID | None = None,
    issueDate: datetime | None = None,
) -> dict[str, Any]:
    """Issue template `id` to each known user once; report every distinct id once."""
    if issueDate is not None:
        try:
            issueDate.astimezone(UTC)
        except OverflowError:
            raise GraphQLError(
                f"`issueDate` is out of range: {issueDate.isoformat()} falls outside the "
                "years 1-9999 in UTC."
            ) from None
    storage: Storage = info.context["storage"]
    certificate = storage.find_certificate(id)
    if certificate is None:
        raise GraphQLError(f"No certificate template has the id {id}.")
    now = datetime.now(UTC)
    if title is None:
        title = certificate.title if certificate.title is not None else certificate.name
    result = storage.issue(certificate, userIds, title, trainingId, issueDate or now, now)
    return {"bulkGenerate": {"succeededIds": result.succeeded, "failedIds": result.failed}}


def build_schema(sdl_path: Path) -> GraphQLSchema:
    """The executable schema: the committed SDL with these bindings."""
    sdl = sdl_path.read_text(encoding="utf-8")
    return make_executable_schema(sdl, query, mutation, uuid_scalar, datetime_scalar)
