"""`webhooks trigger`: send one signed sample event, or ask a running reference server to."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from codegen.credentials import refused_then_renewed, token_errors
from codegen.errors import TargetError, UnauthorisedError
from codegen.json_reading import JSONProblem, read_json
from codegen.webhooks.samples import SignedDelivery, sample_event

__all__ = ["TRIGGER_PATH", "ask_server", "send_sample"]

# The reference server's route for it; codegen/server/webhooks.py serves this constant.
TRIGGER_PATH = "/webhooks/trigger/"
_SHOWN = 500  # characters of a receiver's answer shown


@dataclass(frozen=True)
class Sent:
    """What the receiver answered to the sample."""

    status: int
    body: str


def send_sample(
    event: str, url: str, secret: str, user_id: uuid.UUID | None, timeout: float
) -> Sent:
    """POST one signed sample of `event` to `url`; raises `TargetError` when it cannot.

    The status must come within `timeout` seconds in all (httpx's own timeouts are
    per read, so a receiver trickling its answer would never time out); of the
    answer's body, what came by then, up to 500 characters, is kept.
    """
    delivery = SignedDelivery.of(sample_event(event, user_id), secret)
    try:
        return asyncio.run(_post(url, delivery, timeout))
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise TargetError(f"{url}: no answer within {timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise TargetError(f"{url}: cannot connect: {exc}") from exc


async def _post(url: str, delivery: SignedDelivery, timeout: float) -> Sent:
    async with httpx.AsyncClient(timeout=timeout) as http:
        async with asyncio.timeout(timeout) as deadline:
            request = http.build_request(
                "POST", url, content=delivery.body, headers=delivery.headers
            )
            response = await http.send(request, stream=True)
        head = b""
        try:
            async with asyncio.timeout_at(deadline.when()):
                async for chunk in response.aiter_bytes():
                    head += chunk
                    if len(head) >= _SHOWN:
                        break
        except (TimeoutError, httpx.HTTPError):
            pass  # the status is the answer; the body only explains it
        finally:
            await response.aclose()
    text = head.decode(response.encoding or "utf-8", errors="replace")
    return Sent(response.status_code, text[:_SHOWN])


def trigger_url(server: str) -> str:
    """The trigger route of a server given by its base URL or its GraphQL URL."""
    base = server.rstrip("/").removesuffix("/graphql")
    return base + TRIGGER_PATH


def ask_server(
    event: str,
    server: str,
    auth: httpx.Auth,
    user_id: uuid.UUID | None,
    certificate_id: uuid.UUID | None,
    timeout: float,
    resent: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Ask a running reference server to emit `event` through its outbox; its answer.

    `auth` is a static token or OAuth client credentials (`codegen.credentials`); with
    the latter, a 401 renews the token and asks once more: a 401 means the server
    refused the request before queueing anything, so the event is still queued once.
    That resend is never silent: `resent` (called with the URL) is told of it, since a
    server that queues and then answers 401 has queued the event twice.
    """
    url = trigger_url(server)
    body: dict[str, Any] = {"event": event}
    if user_id is not None:
        body["userId"] = str(user_id)
    if certificate_id is not None:
        body["certificateId"] = str(certificate_id)
    try:
        with token_errors(auth, TargetError, UnauthorisedError):
            response = httpx.post(url, json=body, auth=auth, timeout=timeout)
    except httpx.HTTPError as exc:
        raise TargetError(f"{url}: cannot connect: {exc}") from exc
    if resent is not None and refused_then_renewed(response):
        resent(url)
    try:
        answer: Any = read_json(response.content, "the server's answer")
    except JSONProblem:  # not JSON, or nested too deeply: the status and text say more
        answer = None
    if response.status_code == 401:
        raise UnauthorisedError(f"{url}: HTTP 401: the token was refused")
    if response.status_code != 202 or not isinstance(answer, dict):
        message = _message(answer) or response.text[:200]
        raise TargetError(f"{url}: HTTP {response.status_code}: {message}")
    return answer


def _message(answer: Any) -> str | None:
    if isinstance(answer, dict) and isinstance(answer.get("errors"), list) and answer["errors"]:
        first = answer["errors"][0]
        if isinstance(first, dict):
            return str(first.get("message"))
    return None
