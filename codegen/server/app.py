"""The ASGI app: `POST /graphql/` and `POST /oauth/token/`, as Pluvo serves them.

Every failure is a 4xx with a JSON body, never a 5xx: 401 for a missing or wrong
token, 413 for a body over `max_body_bytes`, 415 for a content type other than
JSON, 400 for a body that is not JSON or not a GraphQL request, or a document over
the cost limit (`cost.py`). GraphQL errors in a well-formed request come back in
`errors`, with `path` and `locations`. A client that disconnects before its body
is read costs one warning line in the log, not a traceback, and nothing runs.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from ariadne import graphql
from graphql import GraphQLError, GraphQLSchema
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from codegen.json_reading import JSONProblem, read_json
from codegen.server.auth import TokenIssuer
from codegen.server.cost import cost_rule, parse_query
from codegen.server.storage import Storage

__all__ = [
    "BodyTooLarge",
    "ClientGone",
    "ServerSettings",
    "build_app",
    "gone",
    "json_error",
    "read_body",
]


@dataclass(frozen=True)
class ServerSettings:
    """Limits of the HTTP layer."""

    max_body_bytes: int = 1024 * 1024


class BodyTooLarge(Exception):
    """A request body over its route's limit (`read_body`): answer 413."""


class ClientGone(Exception):
    """The client left before its body was read (`read_body`): answer `gone()`."""


SERVER_LOGGER = logging.getLogger("codegen.server")


class _OnlyUnexpectedErrors(logging.Filter):
    """Drop the log records of errors the client caused; keep resolver crashes."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        while isinstance(error, GraphQLError) and error.original_error is not None:
            error = error.original_error
        return not isinstance(error, GraphQLError | ValueError)


# ariadne logs every error in a result with its traceback; a bad cursor or an
# unknown template is the client's mistake, not the server's, so only the rest is kept.
GRAPHQL_LOGGER = logging.getLogger("codegen.server.graphql")
GRAPHQL_LOGGER.addFilter(_OnlyUnexpectedErrors())


def json_error(status: int, message: str, **headers: str) -> JSONResponse:
    """A GraphQL-style error body, `{"errors": [{"message": ...}]}`, with `status`."""
    return JSONResponse({"errors": [{"message": message}]}, status_code=status, headers=headers)


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, at most `limit` bytes (by its Content-Length first): every route's."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
    except ClientDisconnect:
        client = f"{request.client.host}:{request.client.port}" if request.client else "a client"
        SERVER_LOGGER.warning(
            "%s disconnected before its request body was read; nothing was executed", client
        )
        raise ClientGone from None
    return b"".join(chunks)


def gone() -> Response:
    """The answer to a client that has gone: nobody reads it."""
    return Response(status_code=400)


def build_app(
    schema: GraphQLSchema, storage: Storage, issuer: TokenIssuer, settings: ServerSettings
) -> Starlette:
    """Wire the two endpoints to the schema, the storage and the token issuer."""

    def list_size(field: str, arguments: Mapping[str, Any]) -> int:
        """How many items `portfolioItems` returns for those arguments (for the cost limit)."""
        if field != "portfolioItems":
            return 0
        user = arguments.get("userId")
        try:
            user_id = None if user is None else uuid.UUID(user)
        except (TypeError, ValueError, AttributeError):
            return 0  # not a UUID: the request fails before listing anything
        return storage.count_portfolio_items(user_id)

    async def graphql_endpoint(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not issuer.accepts(token.strip()):
            return json_error(
                401,
                "Authentication required: send Authorization: Bearer <token>.",
                **{"WWW-Authenticate": "Bearer"},
            )
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return json_error(415, f"Content-Type must be application/json, got {media_type!r}.")
        try:
            body = await read_body(request, settings.max_body_bytes)
        except BodyTooLarge:
            return json_error(413, f"The body is larger than {settings.max_body_bytes} bytes.")
        except ClientGone:
            return gone()
        try:
            # A body of `[[[[...]]]]` under the size limit is enough to exhaust the stack.
            data: Any = read_json(body, "it")
        except JSONProblem as exc:
            syntax = f"{exc.detail}: line {exc.line} column {exc.column}"
            return json_error(400, f"The body is not valid JSON: {syntax if exc.line else exc}.")
        success, result = await graphql(
            schema,
            data,
            context_value={"storage": storage},
            introspection=True,
            debug=False,
            logger=GRAPHQL_LOGGER,
            query_parser=parse_query,
            validation_rules=[
                cost_rule(data.get("variables") if isinstance(data, dict) else None, list_size)
            ],
        )
        return JSONResponse(result, status_code=200 if success else 400)

    async def token_endpoint(request: Request) -> Response:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/x-www-form-urlencoded":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        try:
            body = await read_body(request, 64 * 1024)
            form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        except ClientGone:
            return gone()
        except (BodyTooLarge, UnicodeDecodeError):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        token = issuer.issue(form.get("client_id", ""), form.get("client_secret", ""))
        if token is None:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        return JSONResponse(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": issuer.accepted.token_ttl,
                "scope": form.get("scope", "read write"),
            },
            headers={"Cache-Control": "no-store"},
        )

    app = Starlette(
        routes=[
            Route("/graphql/", graphql_endpoint, methods=["POST"]),
            Route("/oauth/token/", token_endpoint, methods=["POST"]),
        ]
    )
    # Pluvo requires the trailing slash; a redirect would hide a wrong URL.
    app.router.redirect_slashes = False
    return app
