"""The kit's HTTP client, `ExchangeRecorder`: it keeps every exchange, the request and the response.

The exchanges it keeps are a violated property's counterexample. (The evolution
room's `ChangeRecorder` records schema changes; it shares nothing with this.)

When the endpoint gives no answer, the run must neither repeat a mutation nor
report a dead endpoint as broken properties:

- a query whose kept-alive connection was dropped is sent once more, on a fresh
  connection; a mutation never is, once it may have reached the server (anything
  but a connection that could not be made): that exchange is recorded as
  "outcome unknown" and the run ends with `OutcomeUnknownError` (exit 2). So that
  a server closing an idle kept-alive connection cannot cause that, each mutation
  goes out on a new connection;
- a request that gets no answer is followed by one `{ __typename }` with a short
  timeout (`LIVENESS_TIMEOUT`); if that gets no answer either, the endpoint is
  unreachable (`TargetError`, exit 2), else the one request went unanswered and
  the property that sent it is violated;
- an answer's body must arrive in full within the timeout of its head: httpx's
  timeout bounds each wait for bytes only, and an endpoint sending a byte now and then would
  otherwise hold the run for ever;
- the credentials are an `httpx.Auth` (`codegen.credentials`). With OAuth client
  credentials, an HTTP 401 makes `ClientCredentials` renew its token and send the
  request once more. That holds for a mutation too, and it is still sent exactly
  once in effect: HTTP 401 is the endpoint refusing the request before executing
  it, so the refused attempt did nothing. A second 401 is final (`UnauthorisedError`).
  A static token (`BearerToken`) is never re-sent. A token request that fails ends
  the run with one line naming the token URL (exit 2). The resend is never silent:
  the refused attempt is an exchange of its own (in a counterexample and in the
  `--record` file), and `resent_mutations` counts the mutations sent a second time,
  which the report states, because an endpoint that executes a mutation and then
  answers 401 has applied it twice.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
from graphql import GraphQLError, OperationType, get_operation_ast, parse

from codegen.contract.violation import Violation
from codegen.credentials import refused_then_renewed, token_errors
from codegen.errors import TargetError, UnauthorisedError
from codegen.json_reading import JSONProblem, read_json
from codegen.runtime.retry import BoundedBody

__all__ = ["LIVENESS_TIMEOUT", "Exchange", "ExchangeRecorder", "OutcomeUnknownError"]

_TEXT_LIMIT = 500
LIVENESS_TIMEOUT = 3.0
_LIVENESS = {"query": "query ContractLiveness { __typename }"}
# The request was never sent: no connection could be made.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# A kept-alive connection the server had closed: a query is sent again once.
_DROPPED = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
RESENT_AFTER_401 = "HTTP 401: refused; sent once more with a renewed token"


class OutcomeUnknownError(TargetError):
    """A mutation may have reached the endpoint, which gave no answer; it was not re-sent."""


@lru_cache(maxsize=256)
def is_mutation(document: str) -> bool:
    """True unless `document` is known to hold one query (or subscription) only."""
    try:
        operation = get_operation_ast(parse(document))
    except GraphQLError:
        return True
    return operation is None or operation.operation == OperationType.MUTATION


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


class ExchangeRecorder:
    """POSTs GraphQL requests to one endpoint and records each exchange until `clear()`.

    It records HTTP exchanges (a request and its answer), in memory.
    """

    def __init__(self, url: str, auth: httpx.Auth | None, *, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout
        self._auth = auth
        self._client = httpx.Client(auth=auth, timeout=timeout)
        # Mutations go out on a connection of their own: on a kept-alive one the server
        # may have closed while idle, a failure could not tell "never arrived" from
        # "arrived, then the connection broke", and the run would end as outcome unknown.
        self._fresh = httpx.Client(
            auth=auth, timeout=timeout, limits=httpx.Limits(max_keepalive_connections=0)
        )
        self.exchanges: list[Exchange] = []
        # Mutations answered HTTP 401 and sent once more with a renewed token.
        self.resent_mutations = 0

    def post(self, query: str, variables: Mapping[str, Any] | None = None) -> Exchange:
        """Send one GraphQL request and record it; HTTP 401 and a dead endpoint raise."""
        request: dict[str, Any] = {"query": query}
        if variables is not None:
            request["variables"] = dict(variables)
        response = self._send(request)
        # The auth flow's earlier attempts (a 401 answered before the renewed token's
        # attempt): each is an exchange of its own, so that a resend is never silent.
        refused = refused_then_renewed(response)
        for earlier in refused:
            self.exchanges.append(Exchange(request, 401, _json_or_none(earlier), RESENT_AFTER_401))
        if refused and is_mutation(query):
            self.resent_mutations += len(refused)
        if response.status_code == 401:
            raise UnauthorisedError(
                f"{self.url} answered HTTP 401 Unauthorized: the token is missing, wrong or "
                "expired (give --token, or --token-url with --client-id and --client-secret)"
            )
        try:
            body: Any = read_json(response.content)
            text = ""
        except JSONProblem:  # not JSON, or more than Python reads: a violation, not a crash
            body, text = None, response.text[:_TEXT_LIMIT]
        exchange = Exchange(request, response.status_code, body, text)
        self.exchanges.append(exchange)
        return exchange

    def _send(self, request: dict[str, Any]) -> httpx.Response:
        """POST; a query once more on a fresh connection when a kept-alive one was dropped."""
        mutation = is_mutation(request["query"])
        try:
            try:
                return self._post(self._fresh if mutation else self._client, request)
            except _DROPPED:
                if mutation:
                    raise
                return self._post(self._client, request)
        except httpx.ConnectError as exc:
            raise TargetError(f"{self.url}: unreachable ({exc})") from exc
        except httpx.TransportError as exc:
            error = exc
        problem = _describe(error, self.timeout)
        if mutation and not isinstance(error, _NOT_SENT):
            self.exchanges.append(Exchange(request, 0, None, f"outcome unknown: {problem}"))
            raise OutcomeUnknownError(
                f"{self.url}: outcome unknown: a mutation was sent and {problem}; it was not "
                "sent again, so it may or may not have been applied"
            )
        self._check_alive(problem)
        self.exchanges.append(Exchange(request, 0, None, problem))
        raise Violation(f"The endpoint gave no answer: {problem}.")

    def _check_alive(self, problem: str) -> None:
        """Raise `TargetError` if a `{ __typename }` gets no answer either."""
        try:
            self._post(self._client, _LIVENESS, min(self.timeout, LIVENESS_TIMEOUT))
        except httpx.TransportError as exc:
            raise TargetError(
                f"{self.url}: unreachable: a request got no answer ({problem}), "
                f"and neither did {{ __typename }} ({_describe(exc, LIVENESS_TIMEOUT)})"
            ) from None

    def _post(
        self, client: httpx.Client, body: Mapping[str, Any], timeout: float | None = None
    ) -> httpx.Response:
        """POST `body`; its answer's body must arrive within `timeout` (the recorder's)."""
        seconds = self.timeout if timeout is None else timeout
        request = client.build_request("POST", self.url, json=body, timeout=seconds)
        with token_errors(self._auth, TargetError, UnauthorisedError):
            response = client.send(request, stream=True)
        deadline = time.monotonic() + seconds
        response.stream = BoundedBody(response.stream, request, deadline)
        try:
            response.read()
        finally:
            response.close()
        return response

    def clear(self) -> None:
        """Forget the exchanges recorded so far."""
        self.exchanges.clear()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
        self._fresh.close()


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _describe(error: httpx.TransportError, timeout: float) -> str:
    if isinstance(error, httpx.TimeoutException):
        return f"no answer came within {timeout:g} s"
    return f"the connection failed ({type(error).__name__}: {error or 'no detail'})"
