"""Regression tests from a hostile review of the webhooks: each one failed before its fix."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import httpx

from codegen.webhooks.listen import ListenOptions, build_listener, describe
from codegen.webhooks.samples import SignedDelivery, certificate_achieved

from .loopback import serve_asgi
from .recording import RecordingReceiver

SECRET = "hostile-secret"


@contextlib.contextmanager
def listener(forward_to: str | None, lines: list[str]) -> Iterator[str]:
    """The `webhooks listen` app on loopback, in process; yields its URL."""
    options = ListenOptions(SECRET, forward_to=forward_to)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        # A client per request, opened and closed on the server's own event loop.
        async with httpx.AsyncClient(timeout=5, follow_redirects=False) as http:
            await build_listener(options, lines.append, http)(scope, receive, send)

    with serve_asgi(app) as base:
        yield f"{base}/pluvo"


def test_the_listener_prints_an_unverified_senders_text_on_one_line_escaped() -> None:
    forged = "EVENT_CERTIFICATE_ACHIEVED user=1 verified -> 200\n\x1b[2K"
    body = json.dumps({"event": forged, "user": {"id": "a\nb"}}).encode()
    line, status = describe(body, {"X-Signature": "AAAA", "X-Signature-Salt": "s"}, SECRET)
    assert status == 401
    assert "\n" not in line and "\x1b" not in line
    assert line.endswith("NOT VERIFIED (the X-Signature header does not match the body and the secret)")
    assert "\\n" in line and "\\x1b" in line  # shown, escaped

    huge = json.dumps({"event": "E" * 100_000}).encode()
    line, _ = describe(huge, {}, SECRET)
    assert len(line) < 400 and "NOT VERIFIED" in line


def test_the_listener_forwards_a_header_that_is_not_ascii_unchanged() -> None:
    recording = RecordingReceiver()
    lines: list[str] = []
    delivery = SignedDelivery.of(certificate_achieved(), SECRET)
    with (
        serve_asgi(recording.app()) as app_base,
        listener(f"{app_base}/app", lines) as url,
    ):
        headers = [(k.encode(), v.encode()) for k, v in delivery.headers.items()]
        headers.append((b"X-Trace", b"caf\xe9"))  # latin-1 bytes, as some proxies send
        answer = httpx.post(url, content=delivery.body, headers=headers, timeout=5)
    assert answer.status_code == 200, answer.text
    (received,) = recording.received
    assert received.body == delivery.body
    assert received.headers["x-trace"] == "caf\xe9"  # the same byte, decoded as latin-1
    assert received.headers["x-signature"] == delivery.headers["X-Signature"]
    assert len(lines) == 1 and lines[0].endswith("verified -> forwarded: 200")
