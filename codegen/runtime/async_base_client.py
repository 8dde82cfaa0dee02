"""The transport the generated clients inherit: GraphQL over httpx, with safe retries.

This is the async original; `base_client.py` (the sync `BaseClient`) is derived
from it at generation time by rewriting its tokens (codegen/unasync.py), so the
two never drift apart. It is copied into the generated package next to
`exceptions.py`, `retry.py` and `bulk.py`, which it imports.

The hot path is kept lean, to cost less than a hand-written `httpx.post(...)`
+ `response.json()` loop (benchmarks/bench_client.py): the URL is parsed once,
the `{query, operationName}` part of the body is encoded once per operation,
variables that are plain strings, integers, booleans and nulls are encoded by
pydantic-core's serializer (the same bytes as httpx's `json=`), the JSON content
type is a default header of the HTTP client made here instead of a headers
argument merged into every request, and `_parse`
validates the result model straight from the response bytes (one pass of
pydantic's JSON parser, no intermediate dict). Anything unusual (a non-2xx
status, a body that is not a GraphQL response, `errors`, data that does not
validate) falls back to `get_data` + `model_validate`, which raise exactly the
errors they always did.
"""
# sync docstring:
# The transport the generated sync client inherits: GraphQL over httpx, with safe retries.
#
# Derived from `async_base_client.py` at generation time by rewriting its tokens
# (codegen/unasync.py), so the two never drift apart: edit that file, not this one.
# Its docstring tells how the hot path is kept lean; this module takes the same path,
# with the blocking `httpx.Client`.

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Iterable
from functools import lru_cache
from types import TracebackType
from typing import Any, Self, TypeVar, cast
from uuid import UUID

import httpx
from pydantic import BaseModel as PydanticBaseModel
from pydantic import ConfigDict, ValidationError, create_model
from pydantic_core import PydanticSerializationError, to_json

from .base_model import UNSET
from .bulk import (
    BulkIssueError,
    BulkProgress,
    IssueResult,
    make_batches,
    outcome_is_unknown,
    settle_batch,
)
from .exceptions import (
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
    TokenError,
)
from .retry import BoundedBody, RetryPolicy, is_token_request, read_operation_type

__all__ = ["AsyncBaseClient"]

BatchOutcome = tuple[list[UUID], list[UUID]]
ModelT = TypeVar("ModelT", bound=PydanticBaseModel)

# What httpx's `json=` does, so the bytes sent are the same as with `json=payload`.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_JSON_HEADERS = {"Content-Type": "application/json"}
# Variable values sent as they are; anything else goes through `_to_json`. Floats
# are left to `_dumps`, which refuses NaN and infinities as httpx's `json=` does.
_PLAIN = frozenset({str, int, bool, type(None)})


class AsyncBaseClient:
    """POSTs `{query, operationName, variables}` as JSON to `url`.

    - `headers`: e.g. `{"Authorization": "Bearer ..."}` for a static token; sent
      with every request, also through an `http_client` of your own;
    - `auth`: an httpx auth flow, e.g. `ClientCredentials(...)`;
    - `http_client`: an `httpx.AsyncClient` of your own (yours to close; one made
      here is closed on leaving `async with`);
    - `retry`: a `RetryPolicy`; `RetryPolicy(max_attempts=1)` switches retries off;
    - `timeout`: seconds (30 unless given), httpx's timeout for each step; besides,
      an answer's body must arrive in full within it, however slowly the server
      sends it. Given with an `http_client` of
      your own, it is also that client's timeout for these requests; not given,
      that client's read timeout bounds each answer (none if it has none).
    """

    def __init__(
        self,
        url: str = "",
        headers: dict[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        *,
        auth: httpx.Auth | None = None,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
    ) -> None:
        self.url = url
        self._parsed_url: tuple[str, httpx.URL] | None = None
        self.headers = headers
        self.retry = retry or RetryPolicy()
        self._owns_http_client = http_client is None
        # With a client of the caller's, `headers` are added to each request, over
        # that client's own defaults (and under a call's own `headers=`).
        self._extra_headers: httpx.Headers | None = None
        if http_client is None:
            defaults = httpx.Headers(_JSON_HEADERS)
            defaults.update(headers)
            if timeout is None:
                timeout = 30.0
            http_client = httpx.AsyncClient(headers=defaults, auth=auth, timeout=timeout)
        elif headers:
            self._extra_headers = httpx.Headers(headers)
        # Per request, for a client of the caller's that `timeout` was given with.
        self._timeout: Any = (
            httpx.USE_CLIENT_DEFAULT
            if timeout is None or self._owns_http_client
            else httpx.Timeout(timeout)
        )
        self._answer_within = http_client.timeout.read if timeout is None else timeout
        self.http_client = http_client
        if not self._owns_http_client and auth is not None:
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
        *,
        operation_type: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one operation, retrying what is safe to retry; return the last response.

        `operation_type` (`"query"`, `"mutation"` or `"subscription"`) is the type of
        the operation sent; the generated methods pass it. Without it, it is read
        from `query`: the operation `operation_name` names, or the only one. An
        operation whose type cannot be known is treated as a mutation: it is never
        sent again once it may have reached the server.

        A token request (`ClientCredentials`) that fails is retried like a query
        (the operation itself was not sent yet), then raises `TokenError`.
        """
        head, mutation = _encode_operation(query, operation_name, operation_type)
        if variables:
            content = b"".join((head, b',"variables":', _encode_variables(variables), b"}"))
        else:
            content = head + b"}"
        headers = _json_headers(kwargs.pop("headers")) if "headers" in kwargs else None
        url = self._url()
        retry = self.retry
        attempt = 1
        while True:
            try:
                response = await self._post(url, content, headers, kwargs)
            except TokenError as error:
                if (
                    attempt >= retry.max_attempts
                    or error.status_code is None
                    or not retry.retries_status(error.status_code, mutation=False)
                ):
                    raise
                await _sleep(retry.delay(attempt, retry_after=error.retry_after))
            except httpx.TransportError as error:
                if _failed_token_request(error):
                    if attempt >= retry.max_attempts or not retry.retries_error(
                        error, mutation=False
                    ):
                        raise TokenError(
                            f"the token endpoint gave no answer ({type(error).__name__}: "
                            f"{error or 'no detail'})"
                        ) from error
                elif attempt >= retry.max_attempts or not retry.retries_error(
                    error, mutation=mutation
                ):
                    raise
                await _sleep(retry.delay(attempt))
            else:
                if attempt >= retry.max_attempts or not retry.retries_status(
                    response.status_code, mutation=mutation
                ):
                    return response
                await _sleep(retry.delay(attempt, response))
            attempt += 1

    def _url(self) -> httpx.URL:
        """`self.url`, parsed once (and again whenever it is reassigned)."""
        parsed = self._parsed_url
        if parsed is None or parsed[0] is not self.url:
            parsed = self._parsed_url = (self.url, httpx.URL(self.url))
        return parsed[1]

    async def _post(
        self,
        url: httpx.URL,
        content: bytes,
        headers: httpx.Headers | None,
        kwargs: dict[str, Any],
    ) -> httpx.Response:
        """POST the JSON body: `http_client.post(...)`, with the JSON content type.

        The content type is the caller's `headers=` one if it has one, else the
        HTTP client's default if it has one (the client made here defaults to
        JSON), else `application/json`. A call with no request options of its own
        takes the same two steps as `post` (`build_request`, then `send`) and
        sets the header on the built request, which costs less than merging a
        headers argument into every request.
        """
        extra = self._extra_headers
        within = self._answer_within
        if "timeout" in kwargs:  # a call's own timeout wins
            within = _seconds(kwargs["timeout"], within)
        if headers is None and not kwargs:
            request = self.http_client.build_request(
                "POST", url, content=content, timeout=self._timeout
            )
            if extra is not None:
                request.headers.update(extra)
            if "content-type" not in request.headers:
                request.headers["Content-Type"] = "application/json"
            return await self._send(request, within, {})
        if extra is not None:
            merged = httpx.Headers(extra)
            if headers is not None:
                merged.update(headers)
            headers = merged
        if "content-type" not in self.http_client.headers and (
            headers is None or "content-type" not in headers
        ):
            headers = httpx.Headers(headers)
            headers["Content-Type"] = "application/json"
        options: dict[str, Any] = {
            k: kwargs[k] for k in ("auth", "follow_redirects") if k in kwargs
        }
        built = {k: v for k, v in kwargs.items() if k not in options}
        built.setdefault("timeout", self._timeout)
        request = self.http_client.build_request(
            "POST", url, content=content, headers=headers, **built
        )
        return await self._send(request, within, options)

    async def _send(
        self, request: httpx.Request, within: float | None, options: dict[str, Any]
    ) -> httpx.Response:
        """Send `request`; its answer's body must arrive in full `within` seconds of its
        head (which httpx's own timeouts bound, like the token request before it)."""
        response = await self.http_client.send(request, stream=True, **options)
        deadline = None if within is None else time.monotonic() + within
        response.stream = BoundedBody(response.stream, request, deadline)
        try:
            await response.aread()
        except BaseException:
            await response.aclose()
            raise
        return response

    def _parse(self, response: httpx.Response, model: type[ModelT]) -> ModelT:
        """The operation's result: `data` validated as `model` straight from the body's bytes.

        Raises like `model.model_validate(self.get_data(response))`, which it falls
        back to for anything but a 2xx JSON body with valid `data` and no `errors`.
        """
        if 200 <= response.status_code <= 299:
            try:
                envelope = _envelope_validator(model)(response.content)
            except ValidationError:
                pass
            else:
                data, errors = envelope.data, envelope.errors
                # Validation makes exactly `model` (or None); `type` is cheaper than isinstance.
                if type(data) is model and (errors is None or errors == []):
                    return data
        return model.model_validate(self.get_data(response))

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
        # `errors`, when present, is a list of objects and `data` an object or null.
        if errors is not None and not (
            isinstance(errors, list) and all(isinstance(e, dict) for e in errors)
        ):
            raise GraphQLClientInvalidResponseError(response=response)
        if data is not None and not isinstance(data, dict):
            raise GraphQLClientInvalidResponseError(response=response)
        if errors:
            raise GraphQLClientGraphQLMultiError.from_errors_dicts(errors_dicts=errors, data=data)
        return cast(dict[str, Any], data)

    async def _issue_in_batches(
        self,
        send: Callable[[list[UUID]], Awaitable[BatchOutcome]],
        ids: Iterable[UUID | str],
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
                    if number > 1:
                        raise BulkIssueError(result, error) from error
                    raise
                result.unknown_ids.extend(batch)
            else:
                ok, bad, unknown = settle_batch(batch, succeeded, failed)
                result.succeeded_ids.extend(ok)
                result.failed_ids.extend(bad)
                result.unknown_ids.extend(unknown)
            done += len(batch)
            if on_progress is not None:
                on_progress(
                    BulkProgress(number, len(batches), done, sum(map(len, batches)), result)
                )
        return result


class _Envelope(PydanticBaseModel):
    """A GraphQL response body; subclassed per result model by `_envelope_validator`."""

    # Keys repeat on every page; values (ids, names, cursors) mostly do not. Each
    # subclass builds its validator on first use, like the result models.
    model_config = ConfigDict(cache_strings="keys", defer_build=True)

    data: Any = None
    errors: Any = None


_ENVELOPES: dict[type[PydanticBaseModel], Callable[[bytes], _Envelope]] = {}


def _envelope_validator(model: type[PydanticBaseModel]) -> Callable[[bytes], _Envelope]:
    """What validates a response body whose `data` is `model | None`, made on first use.

    It is the envelope model's own `validate_json`, called without the
    `model_validate_json` wrapper around it.
    """
    validate = _ENVELOPES.get(model)
    if validate is None:
        data: Any = model | None
        envelope = create_model(
            f"{model.__name__}Response", __base__=_Envelope, __module__=__name__, data=(data, None)
        )
        envelope.model_rebuild()
        validate = _ENVELOPES[model] = envelope.__pydantic_validator__.validate_json
    return validate


@lru_cache(maxsize=256)
def _encode_operation(
    query: str, operation_name: str | None, operation_type: str | None
) -> tuple[bytes, bool]:
    """The body up to `variables` (without its closing brace), and whether it is a mutation.

    An operation whose type is neither given nor readable counts as a mutation.
    """
    head = _dumps({"query": query, "operationName": operation_name})[:-1].encode()
    if operation_type is None:
        operation_type = read_operation_type(query, operation_name)
    return head, operation_type not in ("query", "subscription")


def _seconds(timeout: Any, default: float | None) -> float | None:
    """The read timeout of a call's own `timeout=` (a number, an `httpx.Timeout` or None)."""
    if timeout is None or isinstance(timeout, int | float):
        return timeout
    if isinstance(timeout, httpx.Timeout):
        return timeout.read
    return default


def _failed_token_request(error: httpx.TransportError) -> bool:
    """True when `error` is the failure of a `ClientCredentials` token request."""
    try:
        request = error.request
    except RuntimeError:  # raised outside a request
        return False
    return is_token_request(request)


def _json_headers(headers: Any) -> httpx.Headers:
    """The caller's own `headers=`, with the JSON content type unless they set one."""
    merged = httpx.Headers(headers)
    merged.setdefault("Content-Type", "application/json")
    return merged


async def _sleep(seconds: float) -> None:
    """Wait `seconds` before a retry.

    The sleep's module is imported here, on first use, not at the top: a program
    that uses only the sync client then never loads the event loop machinery (a
    fifth of the package's import time).
    """
    # sync docstring: Wait `seconds` before a retry (`time.sleep`).
    import asyncio

    await asyncio.sleep(seconds)


def _encode_variables(variables: dict[str, Any]) -> bytes:
    """The `variables` object as JSON bytes, leaving out UNSET values."""
    sent: dict[str, Any] = {}
    plain = True
    for name, value in variables.items():
        if type(value) in _PLAIN:
            sent[name] = value
        elif value is not UNSET:
            sent[name] = _to_json(value)
            plain = False
    if plain:
        try:
            return to_json(sent)
        except PydanticSerializationError:
            pass  # e.g. a lone surrogate: let `_dumps` raise its usual error
    return _dumps(sent).encode()


def _to_json(value: Any) -> Any:
    if isinstance(value, PydanticBaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    return value
