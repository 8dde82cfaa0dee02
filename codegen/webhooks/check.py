"""`webhooks check`: the contract kit for the push side, run against a team's receiver.

Each property sends a few deliveries, built and signed as Pluvo would, and judges
the HTTP status of each answer. Pluvo retries any answer but a 2xx (and a 410, which
disables the subscription for good), so a receiver must answer 2xx to every event
it can verify, known or not, new or a redelivery, and a 4xx other than 410 to
everything it cannot verify.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from codegen.errors import CodegenError, TargetError
from codegen.runtime.webhooks import SALT_HEADER, SIGNATURE_HEADER, sign
from codegen.webhooks.samples import SignedDelivery, certificate_achieved, encode, sample_event

__all__ = [
    "PROPERTIES",
    "CheckOptions",
    "CheckReport",
    "DeliveryExchange",
    "ReceiverOutcome",
    "check_receiver",
]

_BODY_LIMIT = 300


@dataclass(frozen=True)
class CheckOptions:
    """What `webhooks check` takes."""

    url: str
    secret: str = field(repr=False)
    timeout: float = 30.0
    user_id: uuid.UUID | None = None
    properties: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeliveryExchange:
    """One delivery: what was sent and what came back (a status, or why there was none)."""

    label: str
    headers: dict[str, str]
    body: str
    status: int | None
    error: str | None
    seconds: float
    connect_failed: bool = False

    def answer(self) -> str:
        """`HTTP 200`, or the error."""
        return f"HTTP {self.status}" if self.status is not None else str(self.error)


@dataclass(frozen=True)
class ReceiverOutcome:
    """One property's verdict; `reason` says what broke it."""

    name: str
    statement: str
    held: bool
    reason: str | None = None
    exchanges: tuple[DeliveryExchange, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class CheckReport:
    """A whole run."""

    url: str
    outcomes: tuple[ReceiverOutcome, ...]
    seconds: float

    @property
    def violated(self) -> list[ReceiverOutcome]:
        """The violated properties."""
        return [o for o in self.outcomes if not o.held]


@dataclass
class _Sender:
    """Posts deliveries to the receiver and keeps each exchange of the current property.

    Each delivery has `timeout` seconds in all, as Pluvo's attempts do: httpx's own
    timeouts are per phase and per read, so a receiver that trickles its answer
    would never time out. Only the status is judged, so the answer's body is not read.
    """

    options: CheckOptions
    http: httpx.AsyncClient
    loop: asyncio.AbstractEventLoop
    exchanges: list[DeliveryExchange] = field(default_factory=list)

    async def _status(self, delivery: SignedDelivery) -> int:
        request = self.http.build_request(
            "POST", self.options.url, content=delivery.body, headers=delivery.headers
        )
        response = await self.http.send(request, stream=True)
        await response.aclose()
        return response.status_code

    async def _status_within_timeout(self, delivery: SignedDelivery) -> int:
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can lose a cancellation
        # that arrives as the call finishes (see server/delivery.py).
        async with asyncio.timeout(self.options.timeout):
            return await self._status(delivery)

    def send(self, label: str, delivery: SignedDelivery) -> DeliveryExchange:
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        connect_failed = False
        try:
            status = self.loop.run_until_complete(self._status_within_timeout(delivery))
        except (TimeoutError, httpx.TimeoutException):
            error = f"no answer within {self.options.timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            connect_failed = isinstance(exc, httpx.ConnectError)
        text = delivery.body.decode("utf-8", errors="replace")
        exchange = DeliveryExchange(
            label=label,
            headers=dict(delivery.headers),
            body=text if len(text) <= _BODY_LIMIT else text[:_BODY_LIMIT] + "...",
            status=status,
            error=error,
            seconds=time.perf_counter() - started,
            connect_failed=connect_failed,
        )
        self.exchanges.append(exchange)
        return exchange

    def event(self) -> dict[str, Any]:
        return certificate_achieved(self.options.user_id)

    def signed(self, data: dict[str, Any], **options: Any) -> SignedDelivery:
        return SignedDelivery.of(data, self.options.secret, **options)


class _Violation(Exception):
    pass


def _expect_2xx(exchange: DeliveryExchange, why: str) -> None:
    if exchange.status is None or not 200 <= exchange.status < 300:
        raise _Violation(f"{exchange.label}: {exchange.answer()}, expected a 2xx: {why}")


def _expect_refusal(exchange: DeliveryExchange) -> None:
    status = exchange.status
    if status == 410:
        raise _Violation(
            f"{exchange.label}: HTTP 410, which makes Pluvo disable the subscription for good"
        )
    if status is None or not 400 <= status < 500:
        accepted = " (accepted)" if status is not None and 200 <= status < 300 else ""
        raise _Violation(
            f"{exchange.label}: {exchange.answer()}{accepted}, expected a 4xx other than 410"
        )


def valid_events_get_2xx(sender: _Sender) -> None:
    """A valid signed EVENT_CERTIFICATE_ACHIEVED gets a 2xx within the timeout."""
    exchange = sender.send("a valid signed event", sender.signed(sender.event()))
    _expect_2xx(exchange, "Pluvo retries anything else")


def tampered_bodies_are_refused(sender: _Sender) -> None:
    """A body changed after it was signed gets a 4xx, never a 2xx, and never 410."""
    data = sender.event()
    delivery = sender.signed(data)
    data["user"] = {**data["user"], "id": str(uuid.uuid4())}
    tampered = delivery.with_body(encode(data))
    _expect_refusal(sender.send("a tampered body (another user id, the old signature)", tampered))


def wrong_signatures_are_refused(sender: _Sender) -> None:
    """A signature that is not the body's MAC gets a 4xx, never a 2xx, and never 410."""
    forged = base64.urlsafe_b64encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")
    delivery = sender.signed(sender.event()).with_headers({SIGNATURE_HEADER: forged})
    _expect_refusal(sender.send("a random signature", delivery))


def missing_signatures_are_refused(sender: _Sender) -> None:
    """A delivery without X-Signature, or without both headers, gets a 4xx, never 410."""
    delivery = sender.signed(sender.event())
    without = delivery.with_headers({SIGNATURE_HEADER: None})
    _expect_refusal(sender.send("no X-Signature header", without))
    bare = delivery.with_headers({SIGNATURE_HEADER: None, SALT_HEADER: None})
    _expect_refusal(sender.send("neither X-Signature nor X-Signature-Salt", bare))


def other_secrets_are_refused(sender: _Sender) -> None:
    """A delivery signed with another secret gets a 4xx, never a 2xx, and never 410."""
    other = SignedDelivery.of(sender.event(), secrets.token_urlsafe(24))
    _expect_refusal(sender.send("signed with another secret", other))


def redeliveries_get_2xx(sender: _Sender) -> None:
    """The same event delivered again (the same bytes, or re-signed with a new salt) gets 2xx."""
    data = sender.event()
    first = sender.signed(data)
    why = "a receiver that refuses a redelivery makes Pluvo retry it up to 72 times"
    _expect_2xx(sender.send("the first delivery", first), "Pluvo retries anything else")
    _expect_2xx(sender.send("the same delivery again, byte for byte", first), why)
    _expect_2xx(sender.send("the same event again, with a new salt", sender.signed(data)), why)


def unknown_events_get_2xx(sender: _Sender) -> None:
    """A valid signed event of a type the receiver does not know gets a 2xx."""
    data = sample_event("EVENT_NOT_YET_INVENTED", sender.options.user_id)
    exchange = sender.send("an event type Pluvo may add one day", sender.signed(data))
    _expect_2xx(exchange, "an error here makes Pluvo retry it up to 72 times")


def both_alphabets_are_accepted(sender: _Sender) -> None:
    """A signature in the URL-safe or the standard base64 alphabet is accepted (2xx)."""
    for urlsafe, characters, label in (
        (True, "-_", "a signature in the URL-safe alphabet, unpadded (with - or _)"),
        (False, "+/", "a signature in the standard alphabet, padded (with + or /)"),
    ):
        data = sender.event()
        body = encode(data)
        salt = _salt_whose_signature_has(body, sender.options.secret, urlsafe, characters)
        delivery = SignedDelivery.signed(body, sender.options.secret, salt=salt, urlsafe=urlsafe)
        _expect_2xx(sender.send(label, delivery), "Pluvo's pages name both alphabets")


def _salt_whose_signature_has(body: bytes, secret: str, urlsafe: bool, characters: str) -> str:
    """A salt whose signature holds one of `characters`, so that the alphabet matters."""
    while True:
        salt = secrets.token_urlsafe(16)
        if set(sign(body, salt, secret, urlsafe=urlsafe)) & set(characters):
            return salt


PROPERTIES: dict[str, Callable[[_Sender], None]] = {
    f.__name__: f
    for f in (
        valid_events_get_2xx,
        tampered_bodies_are_refused,
        wrong_signatures_are_refused,
        missing_signatures_are_refused,
        other_secrets_are_refused,
        redeliveries_get_2xx,
        unknown_events_get_2xx,
        both_alphabets_are_accepted,
    )
}


def check_receiver(
    options: CheckOptions, *, on_outcome: Callable[[ReceiverOutcome], None] | None = None
) -> CheckReport:
    """Check every property (or those named) against the receiver at `options.url`.

    Raises `TargetError` when nothing listens at the URL: every delivery of the first
    property failed to connect.
    """
    names = options.properties or tuple(PROPERTIES)
    unknown = [n for n in names if n not in PROPERTIES]
    if unknown:
        raise CodegenError(
            f"unknown property {unknown[0]!r}; the properties are: {', '.join(PROPERTIES)}"
        )
    started = time.perf_counter()
    outcomes: list[ReceiverOutcome] = []
    loop = asyncio.new_event_loop()
    http = httpx.AsyncClient(timeout=options.timeout, follow_redirects=False)
    try:
        for name in names:
            outcome = _judge(name, _Sender(options, http, loop))
            if not outcomes and all(e.connect_failed for e in outcome.exchanges):
                error = outcome.exchanges[0].error if outcome.exchanges else "no delivery sent"
                raise TargetError(f"{options.url}: cannot connect: {error}")
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    finally:
        loop.run_until_complete(http.aclose())
        loop.close()
    return CheckReport(options.url, tuple(outcomes), time.perf_counter() - started)


def _judge(name: str, sender: _Sender) -> ReceiverOutcome:
    check = PROPERTIES[name]
    statement = (check.__doc__ or "").strip()
    started = time.perf_counter()
    try:
        check(sender)
    except _Violation as exc:
        return ReceiverOutcome(
            name,
            statement,
            held=False,
            reason=str(exc),
            exchanges=tuple(sender.exchanges),
            seconds=time.perf_counter() - started,
        )
    return ReceiverOutcome(
        name,
        statement,
        held=True,
        exchanges=tuple(sender.exchanges),
        seconds=time.perf_counter() - started,
    )
