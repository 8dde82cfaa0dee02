"""The one bound on an answer's size and time: the runtime's `BoundedBody`.

The client, its token request, the contract kit and `pull` all read answers through
it; its two errors are types, so callers tell them apart without reading messages.
"""

from __future__ import annotations

import httpx
import pytest

from codegen.runtime.retry import AnswerTooLarge, AnswerTooSlow, BoundedBody


@pytest.mark.parametrize(
    ("deadline", "max_bytes", "error", "base"),
    [
        (None, 4, AnswerTooLarge, httpx.ReadError),
        (0.0, None, AnswerTooSlow, httpx.ReadTimeout),
    ],
)
def test_a_bounded_body_says_which_bound_it_broke_by_type(
    deadline: float | None, max_bytes: int | None, error: type[Exception], base: type[Exception]
) -> None:
    """`pull`, the token request and the client tell the two apart without reading messages."""
    request = httpx.Request("POST", "http://127.0.0.1/")
    body = BoundedBody(httpx.ByteStream(b"0123456789"), request, deadline, max_bytes)
    with pytest.raises(error) as caught:
        b"".join(body)
    assert isinstance(caught.value, base)
