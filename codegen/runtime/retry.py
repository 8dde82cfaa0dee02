"""When to retry a request, and how long to wait first.

Queries are retried on connection errors and on 429, 502, 503 and 504. A
mutation is retried only where the server cannot have acted on it: a 429, or a
connection that failed before the request was sent. Waits grow exponentially
with full jitter, are capped, and a `Retry-After` header wins when present.

Whether a document is a mutation is read from the document itself by
`read_operation_type`: the type of the operation that `operationName` selects, or
of the only operation. It reads the top level only (keywords, names and
brackets, skipping strings and comments), which is all it needs and keeps the
package free of a GraphQL parser; the generated methods pass the type in, so it
runs only for documents given to `execute` by hand, once per document.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

__all__ = [
    "NO_RETRY",
    "TOKEN_REQUEST",
    "AnswerTooLarge",
    "AnswerTooSlow",
    "BoundedBody",
    "RetryPolicy",
    "is_token_request",
    "parse_retry_after",
    "read_operation_type",
]

# The request was never sent: no connection could be made, or none came free in
# the connection pool in time.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


# Marks the token request `ClientCredentials` (auth.py) makes, so that the base client
# can tell its failures (the operation was not sent yet) from the operation's own. It
# lives here, not in auth.py, so that a package generated without auth.py still imports.
TOKEN_REQUEST = "pluvo.token_request"


def is_token_request(request: httpx.Request) -> bool:
    """True for a token request made by `ClientCredentials`."""
    return bool(request.extensions.get(TOKEN_REQUEST))


@dataclass(frozen=True)
class RetryPolicy:
    """Retry settings; `RetryPolicy(max_attempts=1)` (or `NO_RETRY`) switches retries off."""

    max_attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 120.0
    query_statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    mutation_statuses: frozenset[int] = frozenset({429})
    jitter: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def retries_status(self, status: int, *, mutation: bool) -> bool:
        """True if a response with `status` may be retried."""
        return status in (self.mutation_statuses if mutation else self.query_statuses)

    def retries_error(self, error: Exception, *, mutation: bool) -> bool:
        """True if a transport error may be retried."""
        if mutation:
            return isinstance(error, NOT_SENT)
        return isinstance(error, httpx.TransportError)

    def delay(
        self,
        attempt: int,
        response: httpx.Response | None = None,
        *,
        retry_after: float | None = None,
    ) -> float:
        """Seconds to wait before attempt number `attempt + 1` (attempts count from 1).

        `retry_after` is a `Retry-After` already read (from a token endpoint's answer);
        otherwise `response`'s own header is read.
        """
        if retry_after is None and response is not None:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return self.jitter.uniform(0, ceiling)


NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` value; None when absent or unreadable.

    Only ASCII digits count as seconds: `str.isdigit()` alone also accepts `²`
    and other digits that `float()` refuses.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# One GraphQL token (or ignored text) at a time; anything else stops the reading.
_TOKEN = re.compile(
    r"""(?P<skip>[\s,\ufeff]+|\#[^\n\r]*)"""
    r"""|(?P<string>\"\"\"(?:\\\"\"\"|(?!\"\"\")[\s\S])*\"\"\"|"(?:\\.|[^"\\\n\r])*")"""
    r"""|(?P<name>[_A-Za-z][_0-9A-Za-z]*)"""
    r"""|(?P<open>[{(\[])|(?P<close>[})\]])"""
    r"""|(?P<other>-?[0-9][0-9A-Za-z.+\-]*|\.\.\.|[!$&:=@|])"""
)
_OPERATIONS = frozenset({"query", "mutation", "subscription"})


def read_operation_type(document: str, operation_name: str | None) -> str | None:
    """`query`, `mutation` or `subscription`: the type of the operation that
    `operation_name` names, or of the document's only operation.

    None when it cannot be known: no such operation, several without a name to
    choose, or a document that is not GraphQL. A caller treats None as a mutation.
    """
    operations: list[tuple[str, str | None]] = []
    depth = 0
    kind: str | None = None  # the definition whose header is being read
    named = False  # its name (or something in its place) was seen
    position = 0
    while position < len(document):
        match = _TOKEN.match(document, position)
        if match is None:
            return None
        position = match.end()
        group = match.lastgroup
        if group == "skip" or (depth and group in ("string", "name", "other")):
            continue
        if group == "open":
            if depth == 0 and match.group() == "{" and kind is None:
                operations.append(("query", None))  # the `{ ... }` shorthand
            if depth == 0 and match.group() == "{":
                kind = None
            depth += 1
        elif group == "close":
            depth -= 1
            if depth < 0:
                return None
        elif group == "name" and kind is None:
            kind = match.group()
            named = False
            if kind in _OPERATIONS:
                operations.append((kind, None))
            elif kind != "fragment":
                return None  # not an executable definition
        elif group == "name" and not named:
            named = True
            if kind in _OPERATIONS:
                operations[-1] = (operations[-1][0], match.group())
        else:
            named = True
    if depth != 0 or kind is not None:
        return None
    if operation_name is not None:
        chosen = [t for t, name in operations if name == operation_name]
    else:
        chosen = [t for t, _ in operations] if len(operations) == 1 else []
    return chosen[0] if len(chosen) == 1 else None


class AnswerTooLarge(httpx.ReadError):
    """Reading a `BoundedBody` that holds more than its `max_bytes`."""


class AnswerTooSlow(httpx.ReadTimeout):
    """Reading a `BoundedBody` that did not arrive in full by its deadline."""


class BoundedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that must arrive by `deadline` (`time.monotonic()`) and hold at
    most `max_bytes`; otherwise reading it raises `AnswerTooSlow` (an `httpx.ReadTimeout`)
    or `AnswerTooLarge` (an `httpx.ReadError`).

    httpx's timeouts bound each wait for bytes, not the whole answer: a server that
    sends a byte now and then, or an endless body, would be read for ever.
    """

    def __init__(
        self,
        stream: httpx.SyncByteStream | httpx.AsyncByteStream,
        request: httpx.Request,
        deadline: float | None,
        max_bytes: int | None = None,
    ) -> None:
        self._stream = stream
        self._request = request
        self._deadline = deadline
        self._max_bytes = max_bytes
        self._size = 0

    def _check(self, chunk: bytes) -> bytes:
        self._size += len(chunk)
        if self._max_bytes is not None and self._size > self._max_bytes:
            raise AnswerTooLarge(
                f"the answer is larger than {self._max_bytes} bytes", request=self._request
            )
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise AnswerTooSlow(
                "the answer did not arrive in full within the timeout", request=self._request
            )
        return chunk

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._stream, httpx.SyncByteStream)
        for chunk in self._stream:
            yield self._check(chunk)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        async for chunk in self._stream:
            yield self._check(chunk)

    def close(self) -> None:
        if isinstance(self._stream, httpx.SyncByteStream):
            self._stream.close()

    async def aclose(self) -> None:
        if isinstance(self._stream, httpx.AsyncByteStream):
            await self._stream.aclose()
