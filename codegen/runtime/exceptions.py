"""Errors the generated client raises; the names match ariadne-codegen's own.

GraphQLClientError                   root of everything below
├── GraphQLClientHttpError           the server answered with a non-2xx status
├── GraphQLClientInvalidResponseError  the body is not a GraphQL response
├── GraphQLClientGraphQLError        one entry of `errors`: message, path, extensions
└── GraphQLClientGraphQLMultiError   every entry of `errors`, and any partial `data`
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "GraphQLClientError",
    "GraphQLClientGraphQLError",
    "GraphQLClientGraphQLMultiError",
    "GraphQLClientHttpError",
    "GraphQLClientInvalidResponseError",
    "PaginationError",
    "TokenError",
]


class GraphQLClientError(Exception):
    """Root of every error the client raises."""


class GraphQLClientHttpError(GraphQLClientError):
    """The server answered with a status outside 2xx."""

    def __init__(self, status_code: int, response: httpx.Response) -> None:
        self.status_code = status_code
        self.response = response
        super().__init__(f"HTTP {status_code}{_describe(response)}")


def _describe(response: httpx.Response) -> str:
    try:
        where = f" from {response.request.url}"
    except RuntimeError:  # a response made by hand has no request
        where = ""
    try:
        body = response.text[:200]
    except httpx.ResponseNotRead:
        body = ""
    return f"{where}: {body}" if body else where


class GraphQLClientInvalidResponseError(GraphQLClientError):
    """The body is not JSON, or has neither `data` nor `errors`."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        super().__init__(
            f"Not a GraphQL response (HTTP {response.status_code}){_describe(response)}"
        )


class GraphQLClientGraphQLError(GraphQLClientError):
    """One GraphQL error, with its `message`, `locations`, `path` and `extensions`."""

    def __init__(
        self,
        message: str,
        locations: list[dict[str, int]] | None = None,
        path: list[str | int] | None = None,
        extensions: dict[str, object] | None = None,
        original: dict[str, object] | None = None,
    ) -> None:
        self.message = message
        self.locations = locations
        self.path = path
        self.extensions = extensions
        self.original = original
        super().__init__(message)

    @classmethod
    def from_dict(cls, error: dict[str, Any]) -> GraphQLClientGraphQLError:
        """Read one entry of a response's `errors` list."""
        return cls(
            message=str(error.get("message", "")),
            locations=error.get("locations"),
            path=error.get("path"),
            extensions=error.get("extensions"),
            original=error,
        )


class GraphQLClientGraphQLMultiError(GraphQLClientError):
    """Every error of a response, and the partial `data` that came with them."""

    def __init__(
        self, errors: list[GraphQLClientGraphQLError], data: dict[str, Any] | None = None
    ) -> None:
        self.errors = errors
        self.data = data
        super().__init__("; ".join(str(e) for e in errors))

    @classmethod
    def from_errors_dicts(
        cls, errors_dicts: list[dict[str, Any]], data: dict[str, Any] | None = None
    ) -> GraphQLClientGraphQLMultiError:
        """Read a response's whole `errors` list."""
        return cls(errors=[GraphQLClientGraphQLError.from_dict(e) for e in errors_dicts], data=data)


class PaginationError(GraphQLClientError):
    """The server repeated a cursor, said `hasNextPage` without an `endCursor`, or sent
    too many empty pages in a row."""


class TokenError(GraphQLClientError):
    """The token endpoint did not give a usable token; the message never holds the secret.

    `status_code` is the token endpoint's HTTP status when it answered (None when it
    did not, or answered 200 with an unusable token), and `retry_after` its
    `Retry-After` in seconds, if any: the client retries the token request by the
    same rules as a query.
    """

    def __init__(
        self, message: str, *, status_code: int | None = None, retry_after: float | None = None
    ) -> None:
        self.status_code = status_code
        self.retry_after = retry_after
        super().__init__(message)
