"""OAuth client credentials: trade a client id and secret for a bearer token, as Pluvo does."""

from __future__ import annotations

from typing import Any

import httpx

from codegen.errors import TargetError, UnauthorisedError

__all__ = ["fetch_token"]


def fetch_token(token_url: str, client_id: str, client_secret: str, *, timeout: float) -> str:
    """POST `grant_type=client_credentials` to `token_url` and return the access token."""
    form = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
    }
    try:
        response = httpx.post(token_url, data=form, timeout=timeout)
    except httpx.HTTPError as exc:
        raise TargetError(f"{token_url}: unreachable ({exc})") from exc
    if response.status_code in (400, 401):
        raise UnauthorisedError(
            f"{token_url} refused the client id and secret "
            f"(HTTP {response.status_code}: {response.text[:200]})"
        )
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    token = body.get("access_token") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(token, str) or not token:
        raise TargetError(
            f"{token_url}: expected HTTP 200 with an access_token, got HTTP "
            f"{response.status_code}: {response.text[:200]}"
        )
    return token
