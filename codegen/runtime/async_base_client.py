"""The transport the generated clients inherit: GraphQL over httpx, with safe retries.

This is the async original; `base_client.py` (the sync `BaseClient`) is derived
from it at generation time by rewriting `async`/`await` away, so the two never
drift apart. It is copied into the generated package next to `exceptions.py`,
`retry.py` and `bulk.py`, which it imports.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import Any, Self, cast
from uuid import UUID

import httpx
from pydantic import BaseModel as PydanticBaseModel

from .base_model import UNSET
from .bulk import BulkProgress, IssueResult, make_batches, outcome_is_unknown
from .exceptions import (
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)
from .retry import RetryPolicy

__all__ = ["AsyncBaseClient"]

BatchOutcome = tuple[list[UUID], list[UUID]]


class AsyncBaseClient:
    """POSTs `{query, operationName, variables}` as JSON to `url`.

    - `headers`: e.g. `{"Authorization": "Bearer ..."}` for a static token;
    - `auth`: an httpx auth flow, e.g. `ClientCredentials(...)`;
    - `http_client`: an `httpx.AsyncClient` of your own (yours to close; one made
      here is closed on leaving `async with`);
    - `retry`: a `RetryPolicy`; `RetryPolicy(max_attempts=1)` switches retries off;
    - `timeout`: seconds, for a client made here.
    """

    def __init__(
        self,
        url: str = "",
        headers: dict[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        *,
        auth: httpx.Auth | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.url = url
        self.headers = headers
        self.retry = retry or RetryPolicy()
        self._owns_http_client = http_client is None
        self.http_client = http_client or httpx.AsyncClient(
            headers=headers, auth=auth, timeout=timeout
        )
        if http_client is not None and auth is not None:
            self.http_client.auth = auth

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._owns_http_client:
            await self.http_client.aclose()

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one operation, retrying what is safe to retry; return the last response."""
        payload: dict[str, Any] = {"query": query, "operationName": operation_name}
        if variables:
            payload["variables"] = {
                name: _to_json(value) for name, value in variables.items() if value is not UNSET
            }
        mutation = query.lstrip().startswith("mutation")
        attempt = 1
        while True:
            try:
                response = await self.http_client.post(url=self.url, json=payload, **kwargs)
            except httpx.TransportError as error:
                if attempt >= self.retry.max_attempts or not self.retry.retries_error(
                    error, mutation=mutation
                ):
                    raise
                await asyncio.sleep(self.retry.delay(attempt))
            else:
                if attempt >= self.retry.max_attempts or not self.retry.retries_status(
                    response.status_code, mutation=mutation
                ):
                    return response
                await asyncio.sleep(self.retry.delay(attempt, response))
            attempt += 1

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

    async def _issue_in_batches(
        self,
        send: Callable[[list[UUID]], Awaitable[BatchOutcome]],
        ids: Iterable[UUID],
        batch_size: int,
        on_progress: Callable[[BulkProgress], object] | None,
    ) -> IssueResult:
        batches = make_batches(ids, batch_size)
        result = IssueResult()
        done = 0
        for number, batch in enumerate(batches, start=1):
            try:
                succeeded, failed = await send(batch)
            except Exception as error:
                if not outcome_is_unknown(error):
                    raise
                result.unknown_ids.extend(batch)
            else:
                result.succeeded_ids.extend(succeeded)
                result.failed_ids.extend(failed)
            done += len(batch)
            if on_progress is not None:
                on_progress(
                    BulkProgress(number, len(batches), done, sum(map(len, batches)), result)
                )
        return result


def _to_json(value: Any) -> Any:
    if isinstance(value, PydanticBaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    return value
