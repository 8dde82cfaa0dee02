"""Sample events and signed deliveries, as Pluvo would send them."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from codegen.runtime.webhooks import (
    EVENT_CERTIFICATE_ACHIEVED,
    SALT_HEADER,
    SIGNATURE_HEADER,
    format_sent_date,
    new_salt,
    sign,
)

__all__ = ["SignedDelivery", "certificate_achieved", "encode", "sample_event"]

USER_AGENT = "pluvo-codegen-webhooks"


def certificate_achieved(user_id: uuid.UUID | None = None) -> dict[str, Any]:
    """A sample `EVENT_CERTIFICATE_ACHIEVED` with fresh ids, in the shape of Pluvo's example."""
    certificate = uuid.uuid4()
    user = user_id or uuid.uuid4()
    return {
        "event": EVENT_CERTIFICATE_ACHIEVED,
        "sentDate": format_sent_date(datetime.now(UTC)),
        "id": str(uuid.uuid4()),
        "ref": str(certificate),
        "training": {"id": str(uuid.uuid4()), "name": "Sample training (pluvo-codegen)"},
        "user": {"id": str(user), "name": "Sample Usér", "email": "sample.user@example.org"},
        "conditions": [],
        "file": f"https://example.org/media/certificates/{certificate}/{user}.pdf",
    }


def sample_event(event: str, user_id: uuid.UUID | None = None) -> dict[str, Any]:
    """A sample of any event: `EVENT_CERTIFICATE_ACHIEVED` in full, others with an id."""
    if event == EVENT_CERTIFICATE_ACHIEVED:
        return certificate_achieved(user_id)
    data: dict[str, Any] = {
        "event": event,
        "sentDate": format_sent_date(datetime.now(UTC)),
        "id": str(uuid.uuid4()),
    }
    if user_id is not None:
        data["user"] = {"id": str(user_id)}
    return data


def encode(data: dict[str, Any]) -> bytes:
    """A body as no JSON library writes it by default: UTF-8 as is, `: ` but `,`, `\\/`.

    Pluvo's exact encoding is not documented, and a receiver must verify the raw
    bytes it received. One that verifies its own re-encoding of the decoded body
    (Python's `json.dumps`, JavaScript's `JSON.stringify`, PHP's `json_encode`, each
    with its defaults) gets other bytes from this one, so `webhooks check` catches it.
    A `/` can only stand inside a JSON string, where `\\/` is its valid escape.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ": "))
    return text.replace("/", "\\/").encode("utf-8")


@dataclass(frozen=True)
class SignedDelivery:
    """The bytes and headers of one POST; `headers` holds what was signed, as sent."""

    body: bytes
    headers: dict[str, str]

    @classmethod
    def of(
        cls, data: dict[str, Any], secret: str, *, salt: str | None = None, urlsafe: bool = True
    ) -> SignedDelivery:
        """Encode `data` and sign it with `secret` (a fresh salt unless given)."""
        return cls.signed(encode(data), secret, salt=salt, urlsafe=urlsafe)

    @classmethod
    def signed(
        cls, body: bytes, secret: str, *, salt: str | None = None, urlsafe: bool = True
    ) -> SignedDelivery:
        """Sign raw bytes."""
        salt = new_salt() if salt is None else salt
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(body, salt, secret, urlsafe=urlsafe),
            SALT_HEADER: salt,
        }
        return cls(body, headers)

    def with_headers(self, changes: dict[str, str | None]) -> SignedDelivery:
        """A copy with headers replaced (a value) or removed (None)."""
        headers = {k: v for k, v in self.headers.items() if k not in changes}
        headers.update({k: v for k, v in changes.items() if v is not None})
        return replace(self, headers=headers)

    def with_body(self, body: bytes) -> SignedDelivery:
        """A copy with another body and the same headers: a tampered delivery."""
        return replace(self, body=body)
