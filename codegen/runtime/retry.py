"""When to retry a request, and how long to wait first.

Queries are retried on connection errors and on 429, 502, 503 and 504. A
mutation is retried only where the server cannot have acted on it: a 429, or a
connection that failed before the request was sent. Waits grow exponentially
with full jitter, are capped, and a `Retry-After` header wins when present.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["NO_RETRY", "RetryPolicy"]

# The request was never sent: no connection could be made, or none came free in
# the connection pool in time.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


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

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Seconds to wait before attempt number `attempt + 1` (attempts count from 1)."""
        retry_after = None if response is None else _parse_retry_after(response)
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return self.jitter.uniform(0, ceiling)


NO_RETRY = RetryPolicy(max_attempts=1)


def _parse_retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
