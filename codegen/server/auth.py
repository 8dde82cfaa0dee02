"""Bearer tokens: one static token, and OAuth client-credentials tokens that expire."""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["AcceptedCredentials", "TokenIssuer"]


@dataclass(frozen=True)
class AcceptedCredentials:
    """What the reference server accepts: its static token and its one OAuth client.

    (The server's side; a command's own credentials are `codegen.credentials`.)
    """

    token: str
    client_id: str
    client_secret: str
    token_ttl: int = 86400

    def __repr__(self) -> str:
        return f"AcceptedCredentials(client_id={self.client_id!r}, token_ttl={self.token_ttl})"


@dataclass
class TokenIssuer:
    """Issues OAuth tokens and checks bearer tokens; the clock is injectable for tests."""

    accepted: AcceptedCredentials
    clock: Callable[[], float] = time.monotonic
    _expiry: dict[str, float] = field(default_factory=dict)

    def issue(self, client_id: str, client_secret: str) -> str | None:
        """A new token for the right client id and secret, else None."""
        ok_id = hmac.compare_digest(client_id.encode(), self.accepted.client_id.encode())
        ok_secret = hmac.compare_digest(
            client_secret.encode(), self.accepted.client_secret.encode()
        )
        if not (ok_id and ok_secret):
            return None
        now = self.clock()
        self._expiry = {t: e for t, e in self._expiry.items() if e > now}
        token = secrets.token_hex(32)
        self._expiry[token] = now + self.accepted.token_ttl
        return token

    def accepts(self, token: str) -> bool:
        """True for the static token or an issued token that has not expired."""
        if hmac.compare_digest(token.encode(), self.accepted.token.encode()):
            return True
        expiry = self._expiry.get(token)
        return expiry is not None and expiry > self.clock()
