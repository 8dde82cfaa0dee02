"""Receive Pluvo's webhooks: verify the signature, parse the event, drop redeliveries.

Pluvo signs each delivery with two headers, `X-Signature` and `X-Signature-Salt`:

1. key = the raw SHA-1 digest of the salt followed by the secret (UTF-8);
2. MAC = HMAC-SHA1 of the raw request body with that key;
3. signature = base64 of the MAC in the URL-safe alphabet, trailing `=` stripped.

Pluvo's pages disagree on step 3 (one leaves out the URL-safe switch, one the base64
step), so `verify_signature` accepts the same MAC in either base64 alphabet, with or
without padding, and as hex digits; anything else fails. The comparison runs in
constant time.

Errors (all under the package's `GraphQLClientError`; no message holds the secret
or the signature that was sent):

    WebhookError
    ├── WebhookSignatureError   a missing, malformed or wrong signature
    └── WebhookPayloadError     a body that is not a JSON object with a string `event`,
                                or a known event whose documented fields are wrong
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from .exceptions import GraphQLClientError

__all__ = [
    "EVENT_CERTIFICATE_ACHIEVED",
    "SALT_HEADER",
    "SIGNATURE_HEADER",
    "CertificateAchieved",
    "Delivery",
    "HeaderItems",
    "RecentDeliveries",
    "WebhookError",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookTraining",
    "WebhookUser",
    "format_sent_date",
    "handle_delivery",
    "new_salt",
    "parse_event",
    "read_event",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Signature"
SALT_HEADER = "X-Signature-Salt"
EVENT_CERTIFICATE_ACHIEVED = "EVENT_CERTIFICATE_ACHIEVED"

# Keys that differ between two deliveries of the same event (see `dedupe_key`).
_PER_DELIVERY_KEYS = frozenset({"sentDate", "sent_date"})
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


class WebhookError(GraphQLClientError):
    """Root of the errors a webhook delivery can raise."""


class WebhookSignatureError(WebhookError):
    """The delivery is not signed with the secret: answer 401 and drop it."""


class WebhookPayloadError(WebhookError):
    """The body is not an event this package can read: answer 400."""


def _require_secret(secret: str) -> None:
    if not secret:
        raise ValueError("the webhook secret is empty: every signature would be guessable")


def _mac(body: bytes, salt: str, secret: str) -> bytes:
    _require_secret(secret)
    key = hashlib.sha1(salt.encode("utf-8") + secret.encode("utf-8")).digest()
    return hmac.new(key, body, hashlib.sha1).digest()


def sign(body: bytes, salt: str, secret: str, *, urlsafe: bool = True) -> str:
    """The `X-Signature` of `body`: URL-safe base64 without padding, as Pluvo sends it.

    `urlsafe=False` gives the standard alphabet with its padding, as one of Pluvo's
    pages describes it.
    """
    mac = _mac(body, salt, secret)
    if urlsafe:
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")
    return base64.b64encode(mac).decode("ascii")


def new_salt() -> str:
    """A fresh random salt for one delivery (22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


def format_sent_date(moment: datetime) -> str:
    """`sentDate` as Pluvo writes it: ISO 8601 in UTC with milliseconds and `Z`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def verify_signature(body: bytes, signature: str, salt: str, secret: str) -> bool:
    """True when `signature` is the MAC of `body` with `salt` and `secret`, in constant time.

    Accepted forms of the same MAC: URL-safe or standard base64, padded or not, or hex.
    """
    _require_secret(secret)
    text = signature.strip()
    if not text.isascii() or not _is_text(salt):
        return False
    expected = _mac(body, salt, secret)
    if len(text) == 2 * len(expected) and set(text) <= _HEX_DIGITS:
        return hmac.compare_digest(bytes.fromhex(text), expected)
    normalised = text.rstrip("=").replace("+", "-").replace("/", "_")
    try:
        given = base64.urlsafe_b64decode(normalised + "=" * (-len(normalised) % 4))
    except (binascii.Error, ValueError):
        return False
    # Decoding skips stray characters; re-encoding makes sure none were there.
    canonical = base64.urlsafe_b64encode(given).decode("ascii").rstrip("=")
    return hmac.compare_digest(canonical, normalised) and hmac.compare_digest(given, expected)


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    # An optional field of an unexpected shape must not make a receiver refuse (and
    # Pluvo retry) a verified event: it reads as None, and the value stays in `data`.
    try:
        return handler(value)
    except ValidationError:
        return None


def _is_text(value: str) -> bool:
    # A lone surrogate (from a header decoded with `surrogateescape`) has no UTF-8.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class WebhookUser(BaseModel):
    """The `user` of an event: its `id` is the user's id in the GraphQL API."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, defer_build=True)

    id: UUID
    name: str | None = None
    email: str | None = None

    @field_validator("name", "email", mode="wrap")
    @classmethod
    def _lenient(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _or_none(value, handler)


class WebhookTraining(BaseModel):
    """The `training` of an event; Pluvo documents no field of it, so all are optional."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, defer_build=True)

    id: str | None = None

    @field_validator("id", mode="wrap")
    @classmethod
    def _lenient(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _or_none(value, handler)


class WebhookEvent(BaseModel):
    """Any event: its name, when it was sent, and every field of the body.

    Fields this class does not declare are kept (`model_extra`), and `data` is the
    whole body as decoded, so an event type added by Pluvo never breaks a receiver.
    """

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, coerce_numbers_to_str=True, defer_build=True
    )

    event: str
    sent_date: datetime | None = Field(
        default=None, validation_alias=AliasChoices("sentDate", "sent_date")
    )
    _data: dict[str, Any] = PrivateAttr(default_factory=dict)

    @field_validator("sent_date", mode="wrap")
    @classmethod
    def _lenient_sent_date(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _or_none(value, handler)

    @property
    def data(self) -> dict[str, Any]:
        """The whole JSON body, as decoded."""
        return self._data

    @property
    def dedupe_key(self) -> str:
        """A stable key for this event: equal for every redelivery of it.

        Pluvo documents no event id, and a redelivery may carry a new salt, a new
        signature and a new `sentDate`. The key is the SHA-256 of the body without
        `sentDate`, as canonical JSON: two deliveries with the same content are the
        same event.
        """
        content = {k: v for k, v in self._data.items() if k not in _PER_DELIVERY_KEYS}
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        # `surrogatepass`: JSON may escape a lone surrogate (JavaScript's JSON.stringify
        # writes one for a string cut inside an emoji); any other text encodes as UTF-8.
        return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


class CertificateAchieved(WebhookEvent):
    """`EVENT_CERTIFICATE_ACHIEVED`: a user received a certificate, by hand or automatically.

    `user.id` is required; the other documented fields may be absent or null, and
    one of another shape reads as None (its value stays in `data`).
    """

    id: str | None = None
    ref: str | None = None
    training: WebhookTraining | None = None
    user: WebhookUser
    conditions: list[Any] | None = None
    file: str | None = None

    @field_validator("id", "ref", "training", "conditions", "file", mode="wrap")
    @classmethod
    def _lenient(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _or_none(value, handler)


EVENT_TYPES: dict[str, type[WebhookEvent]] = {EVENT_CERTIFICATE_ACHIEVED: CertificateAchieved}


class HeaderItems(Protocol):
    """Request headers: any `Mapping[str, str]`, or werkzeug's (Flask's) `Headers`."""

    def items(self) -> Iterable[tuple[str, str]]: ...


def _header(headers: HeaderItems, name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def parse_event(body: bytes, headers: HeaderItems, secret: str) -> WebhookEvent:
    """Verify the delivery's signature, then read its body as an event.

    Header names are matched case-insensitively. A known event type gives its own
    class (`CertificateAchieved`); any other gives a `WebhookEvent`.
    """
    signature = _header(headers, SIGNATURE_HEADER)
    salt = _header(headers, SALT_HEADER)
    if signature is None:
        raise WebhookSignatureError(f"the delivery has no {SIGNATURE_HEADER} header")
    if salt is None:
        raise WebhookSignatureError(f"the delivery has no {SALT_HEADER} header")
    if not verify_signature(body, signature, salt, secret):
        raise WebhookSignatureError(
            f"the {SIGNATURE_HEADER} header does not match the body and the secret"
        )
    return read_event(body)


def read_event(body: bytes) -> WebhookEvent:
    """Read a body as an event, without verifying anything (for tests and tools)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookPayloadError(f"the body is not JSON: {exc}") from None
    except RecursionError:
        raise WebhookPayloadError("the body is not JSON: it is nested too deeply") from None
    if not isinstance(data, dict):
        raise WebhookPayloadError(f"the body is a JSON {type(data).__name__}, not an object")
    name = data.get("event")
    if not isinstance(name, str):
        raise WebhookPayloadError("the body has no string `event`")
    model = EVENT_TYPES.get(name, WebhookEvent)
    try:
        event = model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_input=False)
        )
        raise WebhookPayloadError(f"{name}: {problems}") from None
    event._data = data
    return event


class RecentDeliveries:
    """Remembers the `dedupe_key` of the last `max_size` events, in memory, thread-safely.

    An event counts as seen from its first delivery on, so that concurrent
    redeliveries are not processed twice; if processing it fails, `forget` it and
    answer an error, and Pluvo's retry will be processed.

    For one process. With several workers, or to survive restarts, store
    `event.dedupe_key` in your database under a unique constraint instead.
    """

    def __init__(self, max_size: int = 10_000) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be 1 or more, got {max_size}")
        self.max_size = max_size
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event: WebhookEvent) -> bool:
        """True the first time this event is seen; False for a redelivery of it."""
        key = event.dedupe_key
        with self._lock:
            if key in self._keys:
                self._keys.move_to_end(key)
                return False
            self._keys[key] = None
            if len(self._keys) > self.max_size:
                self._keys.popitem(last=False)
            return True

    def forget(self, event: WebhookEvent) -> None:
        """Forget an event whose processing failed, so that Pluvo's retry of it is processed."""
        with self._lock:
            self._keys.pop(event.dedupe_key, None)


@dataclass(frozen=True)
class Delivery:
    """What to do with one delivery: the status to answer, and the event to process.

    `event` is set for a verified, readable delivery; `duplicate` is true when it was
    seen before (answer 2xx, process nothing); `error` says why it was refused.
    """

    status: int
    event: WebhookEvent | None = None
    duplicate: bool = False
    error: WebhookError | None = None

    @property
    def is_new(self) -> bool:
        """True when the event should be processed: verified, readable and not seen before."""
        return self.event is not None and not self.duplicate


def handle_delivery(
    body: bytes,
    headers: HeaderItems,
    secret: str,
    *,
    seen: RecentDeliveries | None = None,
) -> Delivery:
    """For framework code: the raw body and headers in, the event and the status out.

    200 for every verified event, known or not, new or a redelivery (Pluvo retries
    anything else); 401 for a bad signature; 400 for a body that cannot be read.
    Never 410, which would make Pluvo disable the subscription for good.
    """
    try:
        event = parse_event(body, headers, secret)
    except WebhookSignatureError as exc:
        return Delivery(401, error=exc)
    except WebhookPayloadError as exc:
        return Delivery(400, error=exc)
    duplicate = seen is not None and not seen.first_time(event)
    return Delivery(200, event=event, duplicate=duplicate)
