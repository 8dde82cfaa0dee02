"""Never twice, never hung: the client's mutation-safety and pagination promises against
hostile servers, over real HTTP on loopback (`scripted.py`), with exact request counts."""

from __future__ import annotations

import asyncio
import traceback
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

import pluvo_client.base_client
from pluvo_client import (
    AsyncClient,
    Client,
    ClientCredentials,
    GraphQLClientInvalidResponseError,
    IssueResult,
    PaginationError,
    RetryPolicy,
    TokenError,
)
from pluvo_client.pagination import MAX_EMPTY_PAGES, MAX_PAGE_SIZE, RECENT_CURSORS, Pager

from .scripted import (
    DROP,
    STALL,
    Answer,
    Reply,
    ScriptedRequest,
    ScriptedServer,
    graphql_reply,
    scripted_server,
)
from .support import FLAVOURS, Flavour, connection, node

QUICK = RetryPolicy(backoff=0.001, max_backoff=0.01)  # 4 attempts, waits of at most 10 ms
TEMPLATE = "00000000-0000-0000-0000-000000000001"
GENERATE = (
    f'generateCertificate(id: "{TEMPLATE}", userIds: []) {{ bulkGenerate {{ succeededIds }} }}'
)


@pytest.fixture(scope="module")
def shared_scripted() -> Iterator[ScriptedServer]:
    """One scripted server for the module; each test gives it its own script."""
    with scripted_server(lambda request: Reply(500)) as server:
        yield server


Serve = Callable[[Answer], ScriptedServer]


@pytest.fixture
def serve(shared_scripted: ScriptedServer) -> Serve:
    """`serve(answer)`: the module's server, answering with `answer`, its requests forgotten."""
    return shared_scripted.script


# Building an SSL context is most of the cost of making an httpx client; share one.
_SSL = httpx.create_ssl_context()


def _shared_ssl(flavour: Flavour) -> httpx.Client | httpx.AsyncClient:
    if flavour == "sync":
        return httpx.Client(verify=_SSL, timeout=30)
    return httpx.AsyncClient(verify=_SSL, timeout=30)


def call(flavour: Flavour, method: str, *args: Any, options: dict[str, Any], **kwargs: Any) -> Any:
    """`client.<method>(*args, **kwargs)` on a sync or async client made with `options`;
    an `iter_*` method's items as a list. `http_client`, if given, is a factory taking the
    flavour; without it, one with a shared SSL context is used, unless `made_here` asks
    for the client to make its own (with `timeout`)."""
    options = dict(options)
    factory: Callable[[Flavour], Any] | None = options.pop("http_client", None)
    if factory is None and not options.pop("made_here", False):
        factory = _shared_ssl
    if flavour == "sync":
        http = factory(flavour) if factory else None
        try:
            with Client(**options, http_client=http) as client:
                result = getattr(client, method)(*args, **kwargs)
                return list(result) if method.startswith("iter_") else result
        finally:
            if http is not None:
                http.close()

    async def run() -> Any:
        http = factory(flavour) if factory else None
        try:
            async with AsyncClient(**options, http_client=http) as client:
                result = getattr(client, method)(*args, **kwargs)
                if method.startswith("iter_"):
                    return [item async for item in result]
                return await result
        finally:
            if http is not None:
                await http.aclose()

    return asyncio.run(run())


# --- mutation detection ---------------------------------------------------------------

MUTATION_DOCUMENTS = {
    "comment first": (f"# comment\nmutation M {{ {GENERATE} }}", None),
    "fragment first": (
        "fragment F on BulkGenerate { succeededIds }\n"
        f'mutation M {{ generateCertificate(id: "{TEMPLATE}", userIds: []) '
        "{ bulkGenerate { ...F } } }",
        None,
    ),
    "named among several": (f"query Q {{ __typename }}\nmutation M {{ {GENERATE} }}", "M"),
    "several, none named": (f"query Q {{ __typename }}\nmutation M {{ {GENERATE} }}", None),
    "not GraphQL": ("mutation M { unbalanced ", None),
}


@pytest.mark.parametrize("fault", ["503", "drop"])
@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("case", sorted(MUTATION_DOCUMENTS))
def test_a_mutation_document_given_to_execute_is_sent_exactly_once(
    serve: Serve, case: str, flavour: Flavour, fault: str
) -> None:
    document, operation_name = MUTATION_DOCUMENTS[case]

    def answer(request: ScriptedRequest) -> Reply | str:
        return DROP if fault == "drop" else graphql_reply({"error": "busy"}, 503)

    server = serve(answer)
    options = {"url": server.url, "retry": QUICK}
    if fault == "drop":
        with pytest.raises(httpx.RemoteProtocolError):
            call(flavour, "execute", document, operation_name, options=options)
    else:
        response = call(flavour, "execute", document, operation_name, options=options)
        assert response.status_code == 503
    assert len(server.requests) == 1


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_query_of_a_document_that_also_holds_a_mutation_is_still_retried(
    serve: Serve,
    flavour: Flavour,
) -> None:
    document, _ = MUTATION_DOCUMENTS["named among several"]
    server = serve(lambda r: graphql_reply({}, 503))
    response = call(flavour, "execute", document, "Q", options={"url": server.url, "retry": QUICK})
    assert response.status_code == 503
    assert len(server.requests) == QUICK.max_attempts == 4


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_generated_methods_pass_the_operation_type_so_nothing_is_parsed_at_run_time(
    serve: Serve, flavour: Flavour, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(document: str, operation_name: str | None) -> str | None:
        raise AssertionError("the document was parsed at run time")

    for module in (pluvo_client.base_client, pluvo_client.async_base_client):
        monkeypatch.setattr(module, "read_operation_type", refuse)
        module._encode_operation.cache_clear()
    replies = iter([graphql_reply({}, 503), graphql_reply({}, 503)])
    server = serve(lambda r: next(replies, graphql_reply({}, 503)))
    options = {"url": server.url, "retry": QUICK}
    with pytest.raises(pluvo_client.GraphQLClientHttpError):
        call(flavour, "generate_certificate", uuid.uuid4(), [uuid.uuid4()], options=options)
    assert len(server.requests) == 1  # a mutation: a 503 is not retried
    with pytest.raises(pluvo_client.GraphQLClientHttpError):
        call(flavour, "list_certificates", first=1, options=options)
    assert len(server.requests) == 1 + 4  # a query: retried


# --- the token request ------------------------------------------------------------------


def _token_answer(token_reply: Callable[[ScriptedRequest], Reply | str]) -> Any:
    def answer(request: ScriptedRequest) -> Reply | str:
        if request.path == "/oauth/token/":
            return token_reply(request)
        edge = {"cursor": "c1", "node": node(1)}
        return graphql_reply(connection([edge], has_next_page=False, end_cursor="c1"))

    return answer


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_token_endpoint_that_never_answers_raises_a_token_error_within_the_timeout(
    serve: Serve,
    flavour: Flavour,
) -> None:
    server = serve(_token_answer(lambda r: STALL))
    auth = ClientCredentials(server.token_url, "acme", "s3cret")
    retry = RetryPolicy(max_attempts=3, backoff=0.001, max_backoff=0.001)
    with pytest.raises(TokenError) as caught:
        call(
            flavour,
            "list_certificates",
            options={
                "url": server.url,
                "auth": auth,
                "timeout": 0.1,  # the client makes its own HTTP client with this timeout
                "retry": retry,
                "made_here": True,
            },
        )
    assert len(server.on("/oauth/token/")) == 3  # retried as a query is
    assert server.on("/graphql/") == []
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert "s3cret" not in "".join(traceback.format_exception(caught.value))


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_token_endpoint_that_answers_503_is_retried_like_a_query(
    serve: Serve, flavour: Flavour
) -> None:
    replies = iter([graphql_reply({}, 503, **{"Retry-After": "0"})])

    def token(request: ScriptedRequest) -> Reply | str:
        return next(replies, graphql_reply({"access_token": "t0k3n", "expires_in": 60}))

    server = serve(_token_answer(token))
    auth = ClientCredentials(server.token_url, "acme", "s3cret")
    result = call(
        flavour, "list_certificates", options={"url": server.url, "auth": auth, "retry": QUICK}
    )
    assert len(server.on("/oauth/token/")) == 2
    (sent,) = server.on("/graphql/")
    assert result.certificates is not None
    assert sent.headers["authorization"] == "Bearer t0k3n"


BAD_TOKENS: dict[str, Any] = {
    "null": None,
    "a number": 12345,
    "empty": "",
    "CR/LF": "abc\r\nX-Injected: yes",
    "a space": "abc def",
    "non-ASCII": "t\u00f6ken",
}


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_an_unusable_access_token_raises_a_token_error_and_is_never_sent(
    serve: Serve, case: str, flavour: Flavour
) -> None:
    body = {"access_token": BAD_TOKENS[case], "expires_in": 60}
    server = serve(_token_answer(lambda r: graphql_reply(body)))
    auth = ClientCredentials(server.token_url, "acme", "s3cret")
    with pytest.raises(TokenError) as caught:
        call(
            flavour,
            "list_certificates",
            options={"url": server.url, "auth": auth, "retry": QUICK},
        )
    assert len(server.on("/oauth/token/")) == 1
    assert server.on("/graphql/") == []
    shown = "".join(traceback.format_exception(caught.value))
    assert "sent no usable access_token" in str(caught.value)
    assert "s3cret" not in shown
    if isinstance(BAD_TOKENS[case], str) and BAD_TOKENS[case]:
        assert BAD_TOKENS[case] not in shown


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_client_secret_is_not_posted_where_a_redirect_points(
    serve: Serve, flavour: Flavour
) -> None:
    secret = f"s3cret-{uuid.uuid4().hex}"
    with scripted_server(
        _token_answer(lambda r: graphql_reply({"access_token": "stolen"}))
    ) as other:
        target = other.token_url

        def redirect(request: ScriptedRequest) -> Reply | str:
            return Reply(307, b"", {"Location": target})

        server = serve(_token_answer(redirect))
        auth = ClientCredentials(server.token_url, "acme", secret)

        def follow(flavour: Flavour) -> httpx.Client | httpx.AsyncClient:
            if flavour == "sync":
                return httpx.Client(follow_redirects=True, timeout=5)
            return httpx.AsyncClient(follow_redirects=True, timeout=5)

        options = {"url": server.url, "auth": auth, "retry": QUICK, "http_client": follow}
        with pytest.raises(TokenError) as caught:
            call(flavour, "list_certificates", options=options)
        assert len(server.on("/oauth/token/")) == 1
        assert secret.encode() in server.on("/oauth/token/")[0].body
        assert server.on("/graphql/") == []
        assert all(secret.encode() not in r.body for r in other.requests)
    assert "redirect" in str(caught.value)
    assert secret not in "".join(traceback.format_exception(caught.value))


# --- pagination ---------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_endless_empty_pages_with_new_cursors_raise_after_the_documented_number(
    serve: Serve,
    flavour: Flavour,
) -> None:
    def empty(request: ScriptedRequest) -> Reply:
        return graphql_reply(connection([], has_next_page=True, end_cursor=f"c{request.number}"))

    server = serve(empty)
    with pytest.raises(PaginationError, match="pages in a row without a node"):
        call(flavour, "iter_certificates", options={"url": server.url, "retry": QUICK})
    assert len(server.requests) == MAX_EMPTY_PAGES == 5


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_fewer_empty_pages_in_a_row_than_the_limit_are_followed(
    serve: Serve, flavour: Flavour
) -> None:
    def pages(request: ScriptedRequest) -> Reply:
        n = request.number
        if n < MAX_EMPTY_PAGES:  # empty, then a node, then empty again, then the end
            return graphql_reply(connection([None], has_next_page=True, end_cursor=f"c{n}"))
        if n == MAX_EMPTY_PAGES:
            return graphql_reply(
                connection([{"node": node(7)}], has_next_page=True, end_cursor="x")
            )
        last = n == 2 * MAX_EMPTY_PAGES - 1
        return graphql_reply(connection([], has_next_page=not last, end_cursor=f"c{n}"))

    server = serve(pages)
    items = call(flavour, "iter_certificates", options={"url": server.url, "retry": QUICK})
    assert len(server.requests) == 2 * MAX_EMPTY_PAGES - 1
    assert [item.id for item in items] == [uuid.UUID(int=7)]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_page_size_over_the_servers_limit_is_lowered_to_it_before_sending(
    serve: Serve,
    flavour: Flavour,
) -> None:
    def pages(request: ScriptedRequest) -> Reply:
        return graphql_reply(connection([{"node": node(1)}], has_next_page=False, end_cursor="c"))

    server = serve(pages)
    call(flavour, "iter_certificates", page_size=500, options={"url": server.url})
    (sent,) = server.requests
    assert sent.json()["variables"]["first"] == MAX_PAGE_SIZE == 50


class _PageInfo(BaseModel):
    has_next_page: bool
    end_cursor: str | None


class _Connection(BaseModel):
    edges: list[dict[str, Any]]
    page_info: _PageInfo


def _page(cursor: str) -> _Connection:
    return _Connection(
        edges=[{"node": 1}], page_info=_PageInfo(has_next_page=True, end_cursor=cursor)
    )


def test_the_pager_remembers_a_bounded_number_of_cursors() -> None:
    pager = Pager(50, None)
    for n in range(3 * RECENT_CURSORS):
        pager.take(_page(f"{n:x}" * 100))
        pager.next_cursor(_page(f"{n:x}" * 100))
    assert len(pager._recent) == len(pager._recent_set) == RECENT_CURSORS


@pytest.mark.parametrize("length", [2, RECENT_CURSORS - 1, 3 * RECENT_CURSORS + 17])
def test_the_pager_stops_a_cursor_loop_of_any_length(length: int) -> None:
    pager = Pager(50, None)
    steps = 0
    with pytest.raises(PaginationError, match="repeated the cursor"):
        while steps < 10 * length + 10 * RECENT_CURSORS:
            cursor = f"c{steps % length}"
            pager.take(_page(cursor))
            pager.next_cursor(_page(cursor))
            steps += 1
    if length < RECENT_CURSORS:
        assert steps == length  # caught at the first repeat
    else:
        assert steps <= 2 * length + 2 * RECENT_CURSORS


# --- malformed responses ------------------------------------------------------------------

MALFORMED = {
    "errors is a string": {"data": None, "errors": "boom"},
    "errors is an object": {"errors": {"message": "boom"}},
    "errors holds strings": {"data": None, "errors": ["boom"]},
    "errors holds numbers": {"errors": [1, 2]},
    "errors is an empty object": {
        "data": connection([], has_next_page=False, end_cursor=None)["data"],
        "errors": {},
    },
    "data is a list": {"data": [1]},
}


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_errors_raise_an_invalid_response_error(
    serve: Serve, case: str, flavour: Flavour
) -> None:
    server = serve(lambda r: graphql_reply(MALFORMED[case]))
    with pytest.raises(GraphQLClientInvalidResponseError):
        call(flavour, "list_certificates", first=1, options={"url": server.url, "retry": QUICK})
    assert len(server.requests) == 1


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("value", ["\u00b2", "\u0663", "1\u00b2", "  "])
def test_a_retry_after_that_is_not_ascii_digits_counts_as_absent(
    serve: Serve, flavour: Flavour, value: str
) -> None:
    replies = iter([Reply(503, b"{}", {"Retry-After": value}, "application/json")])

    def answer(request: ScriptedRequest) -> Reply:
        page = connection([{"node": node(3)}], has_next_page=False, end_cursor="c")
        return next(replies, graphql_reply(page))

    server = serve(answer)
    items = call(flavour, "iter_certificates", options={"url": server.url, "retry": QUICK})
    assert len(server.requests) == 2
    assert [item.id for item in items] == [uuid.UUID(int=3)]


# --- bulk issuance --------------------------------------------------------------------------

NOT_A_RESULT = {
    "an HTML page": Reply(200, b"<html><body>Gateway</body></html>", {}, "text/html"),
    "JSON that is not GraphQL": graphql_reply({"status": "ok"}),
    "a result that does not read": graphql_reply(
        {"data": {"generateCertificate": {"bulkGenerate": "done"}}}
    ),
}


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("case", sorted(NOT_A_RESULT))
def test_a_batch_answered_with_something_other_than_a_result_is_reported_unknown(
    serve: Serve, case: str, flavour: Flavour
) -> None:
    users = [uuid.UUID(int=n) for n in range(1, 5)]

    def answer(request: ScriptedRequest) -> Reply:
        if request.number == 1:
            return NOT_A_RESULT[case]
        ids = request.json()["variables"]["userIds"]
        return graphql_reply(
            {
                "data": {
                    "generateCertificate": {"bulkGenerate": {"succeededIds": ids, "failedIds": []}}
                }
            }
        )

    server = serve(answer)
    result: IssueResult = call(
        flavour,
        "issue_certificate",
        uuid.UUID(TEMPLATE),
        users,
        batch_size=2,
        options={"url": server.url, "retry": QUICK},
    )
    assert len(server.requests) == 2  # one per batch, none re-sent
    assert result.unknown_ids == users[:2]
    assert result.succeeded_ids == users[2:]
    assert result.failed_ids == []


# --- headers with an HTTP client of one's own -------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_headers_apply_with_an_http_client_of_ones_own(serve: Serve, flavour: Flavour) -> None:
    def page(request: ScriptedRequest) -> Reply:
        return graphql_reply(connection([], has_next_page=False, end_cursor=None))

    def own(flavour: Flavour) -> httpx.Client | httpx.AsyncClient:
        defaults = {"X-Client": "mine", "X-Team": "from the http client"}
        if flavour == "sync":
            return httpx.Client(headers=defaults)
        return httpx.AsyncClient(headers=defaults)

    server = serve(page)
    options = {
        "url": server.url,
        "headers": {"Authorization": "Bearer static", "X-Team": "from headers="},
        "http_client": own,
    }
    call(flavour, "list_certificates", first=1, options=options)
    call(flavour, "list_certificates", first=1, options=options, headers={"X-Team": "call"})
    first, second = server.requests
    assert first.headers["authorization"] == second.headers["authorization"] == "Bearer static"
    assert first.headers["x-client"] == "mine"
    assert first.headers["x-team"] == "from headers="
    assert second.headers["x-team"] == "call"
    assert first.headers["content-type"] == "application/json"
