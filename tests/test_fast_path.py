"""The client's fast path behaves exactly like the plain one it replaces.

The base client sends a body it encodes itself (the `{query, operationName}` part
once per operation) to a URL it parses once, and `_parse` validates the result
model straight from the response bytes. These tests pin what must not change: the
bytes sent are those of httpx's `json=`, a reassigned `url` is used, a caller's
`headers=` still apply, and every response reads, or raises, exactly as
`Model.model_validate(client.get_data(response))` does.
"""

from __future__ import annotations

import ast
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from codegen.plugins.parse import rewrite_tail
from pluvo_client import (
    Client,
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
    ListCertificates,
    PortfolioItems,
)
from pluvo_client.base_model import UNSET

URL = "https://pluvo.test/graphql/"
PAGE = {
    "certificates": {
        "edges": [
            {"cursor": "c1", "node": {"id": str(uuid.UUID(int=1)), "name": "Zoë", "title": None}}
        ],
        "pageInfo": {"hasNextPage": False, "endCursor": "c1"},
        "count": 1,
    }
}


def client_answering(
    answer: Callable[[httpx.Request], httpx.Response], sent: list[httpx.Request]
) -> Client:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer(request)

    return Client(url=URL, http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def test_the_body_sent_is_byte_for_byte_what_httpx_json_would_send() -> None:
    sent: list[httpx.Request] = []
    client = client_answering(lambda _: httpx.Response(200, json={"data": PAGE}), sent)
    client.list_certificates(first=2, after="Ünïcode ✓")
    client.list_certificates()  # every variable left out: `variables` is sent empty
    for request, variables in zip(sent, [{"first": 2, "after": "Ünïcode ✓"}, {}], strict=True):
        payload = {
            "query": json.loads(request.content)["query"],
            "operationName": "ListCertificates",
            "variables": variables,
        }
        assert request.content == httpx.Request("POST", URL, json=payload).content
        assert request.headers["content-type"] == "application/json"
        assert request.headers["content-length"] == str(len(request.content))


def test_a_reassigned_url_and_a_callers_own_headers_are_used() -> None:
    sent: list[httpx.Request] = []
    client = client_answering(lambda _: httpx.Response(200, json={"data": PAGE}), sent)
    client.list_certificates(first=1)
    client.url = "https://other.test/graphql/"
    client.list_certificates(first=1, headers={"X-Trace": "abc"})
    assert [str(r.url) for r in sent] == [URL, "https://other.test/graphql/"]
    assert sent[1].headers["x-trace"] == "abc"
    assert sent[1].headers["content-type"] == "application/json"


class Score(BaseModel):
    """An input object, as ariadne-codegen generates them."""

    value: float
    label: str | None = None


@pytest.mark.parametrize(
    "variables",
    [
        {"first": 50, "after": None, "flag": True, "big": 2**70, "neg": -3},
        {"text": '\x00\x1f\x7f \u2028 "quoted" back\\slash 😀 Zoë'},
        {"ratio": 1.5, "tiny": 1e-7, "huge": 1e16},
        {"ids": [str(uuid.UUID(int=1)), str(uuid.UUID(int=2))], "nested": {"a": [1, None]}},
        {"score": Score(value=2.5), "scores": [Score(value=1.0, label="x")]},
        {},
    ],
)
def test_every_kind_of_variable_is_sent_as_httpx_json_would_send_it(
    variables: dict[str, Any],
) -> None:
    sent: list[httpx.Request] = []
    client = client_answering(lambda _: httpx.Response(200, json={"data": PAGE}), sent)
    client.execute("query Q { x }", "Q", {**variables, "left_out": UNSET})
    expected = {
        name: value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        if isinstance(value, BaseModel)
        else [v.model_dump(mode="json", by_alias=True, exclude_unset=True) for v in value]
        if isinstance(value, list) and value and isinstance(value[0], BaseModel)
        else value
        for name, value in variables.items()
    }
    payload = {"query": "query Q { x }", "operationName": "Q", "variables": expected}
    assert sent[0].content == httpx.Request("POST", URL, json=payload).content


@pytest.mark.parametrize(
    ("value", "error"),
    [(float("nan"), ValueError), (float("inf"), ValueError), ("\ud800", UnicodeEncodeError)],
)
def test_a_variable_httpx_json_refuses_is_refused_with_the_same_error(
    value: Any, error: type[Exception]
) -> None:
    sent: list[httpx.Request] = []
    client = client_answering(lambda _: httpx.Response(200, json={"data": PAGE}), sent)
    with pytest.raises(error):
        httpx.Request("POST", URL, json={"variables": {"v": value}})
    with pytest.raises(error):
        client.execute("query Q { x }", "Q", {"v": value})
    assert sent == []


def content_types(request: httpx.Request) -> list[str]:
    return [v for k, v in request.headers.multi_items() if k.lower() == "content-type"]


@pytest.mark.parametrize(
    ("client_default", "per_call", "expected"),
    [
        (None, None, "application/json"),
        ("application/json; charset=utf-8", None, "application/json; charset=utf-8"),
        (None, "application/graphql+json", "application/graphql+json"),
        ("text/plain", "application/graphql+json", "application/graphql+json"),
    ],
)
def test_the_content_type_is_json_unless_the_caller_or_their_client_set_one(
    client_default: str | None, per_call: str | None, expected: str
) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"data": PAGE})

    defaults = {} if client_default is None else {"Content-Type": client_default}
    transport = httpx.MockTransport(handler)
    kwargs: dict[str, Any] = {} if per_call is None else {"headers": {"content-type": per_call}}
    theirs = Client(url=URL, http_client=httpx.Client(transport=transport, headers=defaults))
    theirs.list_certificates(first=1, **kwargs)
    # The client made here: its `headers=` become the HTTP client's defaults.
    ours = Client(url=URL, headers=defaults)
    ours.http_client._transport = transport  # the made client's transport, replaced for the test
    ours.list_certificates(first=1, **kwargs)
    assert [content_types(r) for r in sent] == [[expected], [expected]]


def plain_parse(client: Client, response: httpx.Response, model: type[Any]) -> Any:
    """What ariadne-codegen's methods did before the fast path."""
    return model.model_validate(client.get_data(response))


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except (ValidationError, GraphQLClientHttpError, GraphQLClientInvalidResponseError) as exc:
        return type(exc).__name__, str(exc)
    except GraphQLClientGraphQLMultiError as exc:
        return type(exc).__name__, (str(exc), exc.data)


BODIES: dict[str, tuple[int, bytes]] = {
    "valid": (200, json.dumps({"data": PAGE}).encode()),
    "valid, empty errors and extensions": (
        200,
        json.dumps({"data": PAGE, "errors": [], "extensions": {"cost": 1}}).encode(),
    ),
    "utf-8 with a BOM": (200, b"\xef\xbb\xbf" + json.dumps({"data": PAGE}).encode()),
    "utf-16": (200, json.dumps({"data": PAGE}).encode("utf-16")),
    "errors and partial data": (
        200,
        json.dumps({"data": PAGE, "errors": [{"message": "boom", "path": ["x"]}]}).encode(),
    ),
    "errors only": (200, b'{"errors": [{"message": "no"}]}'),
    "null data": (200, b'{"data": null}'),
    "data that does not validate": (200, b'{"data": {"certificates": {"edges": 5}}}'),
    "a bad uuid": (200, json.dumps({"data": PAGE}).encode().replace(b"-0000-", b"-xxxx-", 1)),
    "neither data nor errors": (200, b'{"something": 1}'),
    "a list": (200, b"[1, 2]"),
    "not json": (200, b"<html>oops</html>"),
    "http 500 with json": (500, json.dumps({"data": PAGE}).encode()),
    "http 404 text": (404, b"not found"),
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_every_response_reads_or_raises_as_the_plain_path_does(name: str) -> None:
    status, body = BODIES[name]
    client = Client(url=URL)
    response = httpx.Response(status, content=body)
    fast = outcome(lambda: client._parse(response, ListCertificates))
    plain = outcome(lambda: plain_parse(client, response, ListCertificates))
    assert fast == plain
    if name.startswith(("valid", "utf-")):
        assert fast[0] == "ok"


def test_a_date_only_datetime_still_reads_as_midnight_utc_on_the_fast_path() -> None:
    item: dict[str, Any] = {
        "id": "item-7",
        "title": "t",
        "description": None,
        "startDate": "2023-08-05",
        "endDate": None,
        "files": [],
        "createdAt": "2024-01-01T10:00:00+02:00",
        "updatedAt": "2024-01-01T08:00:00Z",
        "user": {"id": str(uuid.UUID(int=8)), "name": "n", "email": "e"},
    }
    response = httpx.Response(200, json={"data": {"portfolioItems": [item]}})
    client = Client(url=URL)
    assert client._parse(response, PortfolioItems) == plain_parse(client, response, PortfolioItems)
    (parsed,) = client._parse(response, PortfolioItems).portfolio_items
    assert parsed.start_date.utcoffset() is not None
    assert parsed.user.id == uuid.UUID(int=8)


def method(source: str) -> ast.FunctionDef:
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def test_the_plugin_rewrites_only_the_exact_generated_tail() -> None:
    generated = method(
        "def op(self):\n"
        "    response = self.execute(query=q)\n"
        "    data = self.get_data(response)\n"
        "    return Result.model_validate(data)\n"
    )
    rewritten = ast.unparse(rewrite_tail(generated))
    assert rewritten.endswith("return self._parse(response, Result)")
    assert "get_data" not in rewritten
    for other in (
        "def op(self):\n    data = self.get_data(response)\n    return data\n",
        "def op(self):\n    data = self.get_data(other)\n    return R.model_validate(data)\n",
        "def op(self):\n    return R.model_validate(data)\n",
    ):
        assert ast.unparse(rewrite_tail(method(other))) == ast.unparse(method(other))
