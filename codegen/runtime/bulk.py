"""Bulk issuance: deduplicate ids, split them into batches, and add up the outcome.

A batch whose outcome is unknown (a timeout, a lost connection, a 5xx after the
request went out, a reply that is not a GraphQL response or whose result does not
read, such as a proxy's HTML page) is never re-sent, because a re-sent batch
issues certificates twice; its ids are reported in `unknown_ids` instead. So are
the ids of a batch that its answer does not account for (`settle_batch`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

import httpx
from pydantic import ValidationError

from .exceptions import (
    GraphQLClientError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)
from .retry import NOT_SENT

__all__ = [
    "BulkIssueError",
    "BulkProgress",
    "IssueResult",
    "UnknownOutcome",
    "make_batches",
    "outcome_is_unknown",
    "settle_batch",
]


class UnknownOutcome(Exception):
    """The server answered, but not with a result for the batch."""


@dataclass
class IssueResult:
    """Every distinct requested id, in exactly one of the three lists."""

    succeeded_ids: list[UUID] = field(default_factory=list)
    failed_ids: list[UUID] = field(default_factory=list)
    unknown_ids: list[UUID] = field(default_factory=list)


@dataclass(frozen=True)
class BulkProgress:
    """Passed to the progress callback after each batch."""

    batches_done: int
    batches_total: int
    ids_done: int
    ids_total: int
    result: IssueResult


class BulkIssueError(GraphQLClientError):
    """A batch failed after earlier batches went through; `result` holds their outcome.

    Raised from the batch's own error (`__cause__`, also in `error`). Without it a
    caller would lose the ids already issued and, re-running, issue them twice.
    The ids of the failed batch and of the batches after it are in none of the lists.
    """

    def __init__(self, result: IssueResult, error: Exception) -> None:
        self.result = result
        self.error = error
        done = len(result.succeeded_ids) + len(result.failed_ids) + len(result.unknown_ids)
        super().__init__(
            f"a batch failed after {done} ids were already sent ({error}); "
            "see .result for their outcome"
        )


def make_batches(ids: Iterable[UUID | str], batch_size: int) -> list[list[UUID]]:
    """Distinct ids in first-seen order, in batches of at most `batch_size`.

    A string is read as a UUID first (a `ValueError` before anything is sent if it
    is not one), so that `"..."` and `UUID("...")` count as the same id.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    distinct = list(dict.fromkeys(UUID(i) if isinstance(i, str) else i for i in ids))
    return [distinct[i : i + batch_size] for i in range(0, len(distinct), batch_size)]


def settle_batch(
    batch: list[UUID], succeeded: Iterable[UUID], failed: Iterable[UUID]
) -> tuple[list[UUID], list[UUID], list[UUID]]:
    """The batch's ids as (succeeded, failed, unknown), each id in exactly one list.

    Only what the server said about the batch's own ids counts: an id it did not
    mention, or reported both succeeded and failed, is unknown; an id it reported
    that was not in the batch is ignored, and so is a repeated one.
    """
    said_ok, said_failed = set(succeeded), set(failed)
    ok = [i for i in batch if i in said_ok and i not in said_failed]
    bad = [i for i in batch if i in said_failed and i not in said_ok]
    unknown = [i for i in batch if (i in said_ok) == (i in said_failed)]
    return ok, bad, unknown


def outcome_is_unknown(error: Exception) -> bool:
    """True when the server may or may not have acted on a sent request."""
    if isinstance(error, UnknownOutcome | GraphQLClientInvalidResponseError | ValidationError):
        return True  # an answer, but not a result the batch can be read from
    if isinstance(error, GraphQLClientHttpError):
        return error.status_code >= 500
    if isinstance(error, NOT_SENT):
        return False
    return isinstance(error, httpx.TransportError)
