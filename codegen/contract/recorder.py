"""An HTTP client that keeps every exchange: the request sent and the relevant response."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from codegen.contract.violation import Violation
from codegen.errors import TargetError, UnauthorisedError

__all__ = ["Exchange", "Recorder"]

_TEXT_LIMIT = 500


@dataclass(frozen=True)
class Exchange:
    """One POST: the JSON body sent, the HTTP status and the JSON body received (or its text)."""

    request: Mapping[str, Any]
    status: int
    body: Any
    text: str = ""

    @property
    def errors(self) -> list[Any]:
        """The GraphQL `errors` list, empty when there is none (or no JSON body)."""
        errors = self.body.get("errors") if isinstance(self.body, dict) else None
        return errors if isinstance(errors, list) else []

    @property
    def data(self) -> Any:
        """The GraphQL `data`, None when absent."""
        return self.body.get("data") if isinstance(self.body, dict) else None

    def relevant(self) -> dict[str, Any]:
        """What a report shows of the response: status, data, and each error's message and path."""
        if not isinstance(self.body, dict):
            return {"status": self.status, "text": self.text}
        shown: dict[str, Any] = {"status": self.status}
        if "data" in self.body:
            shown["data"] = self.body["data"]
        if "errors" in self.body:
            shown["errors"] = [_brief_error(e) for e in self.errors] or self.body["errors"]
        return shown


def _brief_error(error: Any) -> Any:
    if not isinstance(error, dict):
        return error
    return {key: error[key] for key in ("message", "path") if key in error}


class Recorder:
    """POSTs GraphQL requests to one endpoint and records each exchange until `clear()`."""

    def __init__(self, url: str, token: str | None, *, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(headers=headers, timeout=timeout)
        self.exchanges: list[Exchange] = []

    def post(self, query: str, variables: Mapping[str, Any] | None = None) -> Exchange:
        """Send one GraphQL request and record it; HTTP 401 and a dead endpoint raise."""
        request: dict[str, Any] = {"query": query}
        if variables is not None:
            request["variables"] = dict(variables)
        response = self._send(request)
        if response.status_code == 401:
            raise UnauthorisedError(
                f"{self.url} answered HTTP 401 Unauthorized: the token is missing, wrong or "
                "expired (give --token, or --token-url with --client-id and --client-secret)"
            )
        try:
            body: Any = response.json()
            text = ""
        except (ValueError, UnicodeDecodeError):
            body, text = None, response.text[:_TEXT_LIMIT]
        exchange = Exchange(request, response.status_code, body, text)
        self.exchanges.append(exchange)
        return exchange

    def _send(self, request: dict[str, Any]) -> httpx.Response:
        """POST; once more on a fresh connection when a kept-alive one was dropped."""
        try:
            try:
                return self._client.post(self.url, json=request)
            except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
                return self._client.post(self.url, json=request)
        except httpx.TimeoutException:
            problem = f"no answer within {self.timeout:g} s"
        except httpx.ConnectError as exc:
            raise TargetError(f"{self.url}: unreachable ({exc})") from exc
        except httpx.TransportError as exc:
            problem = f"the connection failed: {exc}"
        self.exchanges.append(Exchange(request, 0, None, problem))
        raise Violation(f"The endpoint gave no answer: {problem}.")

    def clear(self) -> None:
        """Forget the exchanges recorded so far."""
        self.exchanges.clear()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
