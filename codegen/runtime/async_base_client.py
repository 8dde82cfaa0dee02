"""The transport the generated async client inherits: GraphQL over httpx, typed.

It replaces ariadne-codegen's default base client, which also carries websocket
subscriptions (this API has none) and is not clean under `mypy --strict`.
This file is copied into the generated package, next to `exceptions.py` and
`base_model.py`, which it imports.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self, cast

import httpx
from pydantic import BaseModel as PydanticBaseModel

from .base_model import UNSET
from .exceptions import (
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)

__all__ = ["AsyncBaseClient"]


class AsyncBaseClient:
    """POSTs `{query, operationName, variables}` as JSON to `url`.

    Pass `headers` (e.g. `{"Authorization": "Bearer ..."}`) or an `http_client`
    of your own; a client passed in is yours to close, one made here is closed on
    exit from `async with`.
    """

    def __init__(
        self,
        url: str = "",
        headers: dict[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url
        self.headers = headers
        self._owns_http_client = http_client is None
        self.http_client = http_client or httpx.AsyncClient(headers=headers)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if self._owns_http_client:
            await self.http_client.aclose()

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one operation and return the raw HTTP response."""
        payload: dict[str, Any] = {"query": query, "operationName": operation_name}
        if variables:
            payload["variables"] = {
                name: _to_json(value) for name, value in variables.items() if value is not UNSET
            }
        return await self.http_client.post(url=self.url, json=payload, **kwargs)

    def get_data(self, response: httpx.Response) -> dict[str, Any]:
        """Return `data`, or raise for an HTTP error, a non-GraphQL body or `errors`."""
        if not 200 <= response.status_code <= 299:
            raise GraphQLClientHttpError(status_code=response.status_code, response=response)
        try:
            body = response.json()
        except ValueError as exc:
            raise GraphQLClientInvalidResponseError(response=response) from exc
        if not isinstance(body, dict) or ("data" not in body and "errors" not in body):
            raise GraphQLClientInvalidResponseError(response=response)
        data = body.get("data")
        errors = body.get("errors")
        if errors:
            raise GraphQLClientGraphQLMultiError.from_errors_dicts(errors_dicts=errors, data=data)
        return cast(dict[str, Any], data)


def _to_json(value: Any) -> Any:
    if isinstance(value, PydanticBaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    return value
