"""Fetch a schema from an endpoint: run the introspection query over HTTP, with a clear
error for each failure. Reading the result into the model is `read_introspection.py`'s job."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from codegen.errors import SchemaSourceError
from codegen.json_reading import JSONProblem, read_json

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_TIMEOUT", "fetch_introspection"]

DEFAULT_TIMEOUT = 30.0
_GRACE = 1.0
# Fallbacks for older servers: each asks for less than the one before.
_QUERY_OPTIONS: tuple[dict[str, bool], ...] = (
    {
        "descriptions": True,
        "directive_is_repeatable": True,
        "input_value_deprecation": True,
        "specified_by_url": True,
        "input_object_one_of": True,
    },
    {"descriptions": True, "directive_is_repeatable": True, "input_value_deprecation": True},
    {"descriptions": True},
)
_UNSUPPORTED = ("Cannot query field", "Unknown argument")


def fetch_introspection(
    url: str, auth: httpx.Auth | None = None, timeout: float = DEFAULT_TIMEOUT
) -> dict[str, Any]:
    """The `data` of the introspection query's answer: `{"__schema": ...}`.

    `auth` is what `codegen.credentials.resolve_auth` gives: a static token or OAuth
    client credentials; a token request that fails raises `SchemaSourceError` naming
    the token URL.

    The query asks for deprecated arguments and input fields too: without them, a
    schema pulled from a server looks as if those had been removed. A server too old
    to understand a part of the query is asked again with less.

    `timeout` bounds the whole fetch, not only each read: httpx's timeouts restart
    with every byte, so a server that sends one byte a second would hold `pull` for
    hours. Each answer is read within `timeout` (`_post_bounded`), and the whole fetch
    runs on a daemon thread that is abandoned a grace second later: a backstop, so that
    the more precise errors (which URL, which step) are the ones normally seen.
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["data"] = _fetch(url, auth, timeout)
        except BaseException as exc:  # raised again in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="pluvo-codegen-introspection", daemon=True)
    worker.start()
    worker.join(timeout + _GRACE)
    if worker.is_alive():
        raise SchemaSourceError(f"{url}: no complete answer within {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    data: dict[str, Any] = outcome["data"]
    return data


def _fetch(url: str, auth: httpx.Auth | None, timeout: float) -> dict[str, Any]:
    import httpx
    from graphql import get_introspection_query

    from codegen.credentials import token_errors

    headers = {"Accept": "application/json"}
    try:
        with (
            token_errors(auth, SchemaSourceError),
            httpx.Client(timeout=timeout, follow_redirects=False, auth=auth) as client,
        ):
            for index, options in enumerate(_QUERY_OPTIONS):
                query = get_introspection_query(**options)
                response = _post_bounded(client, url, {"query": query}, headers, timeout)
                data = _read_answer(url, response, has_token=auth is not None)
                retry = index + 1 < len(_QUERY_OPTIONS)
                schema = _schema_or_error(url, data, retry=retry)
                if schema is not None:
                    return schema
    except httpx.TimeoutException as exc:
        raise SchemaSourceError(f"{url}: no answer within {timeout:g} s") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise SchemaSourceError(f"{url}: cannot connect: {exc}") from exc
    raise AssertionError("unreachable: the last query option never retries")


# An introspection result is a few megabytes even for the largest public APIs.
MAX_ANSWER_BYTES = 64 << 20


def _post_bounded(
    client: httpx.Client, url: str, body: dict[str, Any], headers: dict[str, str], timeout: float
) -> httpx.Response:
    """POST and read the answer, but at most MAX_ANSWER_BYTES and within `timeout` in all.

    httpx's timeout bounds each read, not the whole answer: an endpoint that streams
    without end (or a byte at a time) would otherwise fill memory or never finish.
    The bound is the client's own (`BoundedBody`), as for every answer the tool reads.
    """
    import time

    from codegen.runtime.retry import AnswerTooLarge, AnswerTooSlow, BoundedBody

    deadline = time.monotonic() + timeout
    request = client.build_request("POST", url, json=body, headers=headers)
    response = client.send(request, stream=True)
    response.stream = BoundedBody(response.stream, request, deadline, MAX_ANSWER_BYTES)
    try:
        response.read()
    except AnswerTooLarge:
        raise SchemaSourceError(
            f"{url}: the answer is larger than {MAX_ANSWER_BYTES >> 20} MiB; "
            "not an introspection result"
        ) from None
    except AnswerTooSlow:
        raise SchemaSourceError(f"{url}: no complete answer within {timeout:g} s") from None
    finally:
        response.close()
    return response


def _read_answer(url: str, response: httpx.Response, *, has_token: bool) -> dict[str, Any]:
    if response.status_code in (401, 403):
        advice = (
            "the token was refused"
            if has_token
            else "no token was given; pass --token T or --token-url with the client options "
            "(or set PLUVO_TOKEN, see docs/credentials.md)"
        )
        raise SchemaSourceError(
            f"{url}: HTTP {response.status_code} {response.reason_phrase}: {advice}"
        )
    kind = response.headers.get("content-type", "no content type").split(";")[0]
    try:
        body = read_json(response.content, "the answer's JSON")
    except JSONProblem as exc:
        if exc.kind not in ("encoding", "syntax"):  # JSON, but more than Python can hold
            raise SchemaSourceError(f"{url}: {exc}") from None
        body = None  # not JSON: said below as "not a GraphQL response"
    errors = body.get("errors") if isinstance(body, dict) else None
    if (
        not isinstance(body, dict)
        or not ("data" in body or "errors" in body)
        or not isinstance(errors, list | None)
    ):
        raise SchemaSourceError(
            f"{url}: the answer is not a GraphQL response (HTTP {response.status_code}, {kind})"
        )
    return body


def _schema_or_error(url: str, body: dict[str, Any], *, retry: bool) -> dict[str, Any] | None:
    """The introspection data; None to ask again with less; else raise what went wrong."""
    data = body.get("data")
    if isinstance(data, dict) and isinstance(data.get("__schema"), dict):
        return data
    messages = [
        str(error.get("message", error)) if isinstance(error, dict) else str(error)
        for error in body.get("errors") or ()
    ]
    if retry and any(marker in m for m in messages for marker in _UNSUPPORTED):
        return None
    first = messages[0] if messages else "no __schema in the answer"
    if not messages or any("introspection" in m.lower() for m in messages):
        raise SchemaSourceError(f"{url}: introspection is disabled on this server ({first})")
    raise SchemaSourceError(f"{url}: the introspection query failed: {first}")
