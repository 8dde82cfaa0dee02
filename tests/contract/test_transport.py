"""The kit's HTTP exchanges with an endpoint that stops answering: a mutation is never sent
twice, and a dead endpoint is reported as unreachable (exit 2), not as broken properties.

The endpoint is the reference server behind a loopback proxy (`client/scripted.py`) that
forwards requests, and at a chosen point drops connections or stops answering."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from client.scripted import (
    DROP,
    STALL,
    Reply,
    ScriptedRequest,
    ScriptedServer,
    graphql_reply,
    scripted_server,
)

from codegen.cli import main
from codegen.contract import ContractOptions, check_contract
from codegen.contract.exchange_recorder import ExchangeRecorder, OutcomeUnknownError, is_mutation
from codegen.credentials import BearerToken, ClientCredentials
from codegen.errors import TargetError, UnauthorisedError

from .launch import REPO, Served

CONFIG = ["--config", str(REPO / "pyproject.toml")]
# What the proxy does with a request: forward it, forward it and drop the connection
# instead of answering, or not forward it and drop or stall.
Plan = Callable[[ScriptedRequest], str]


@contextmanager
def proxy(served: Served, plan: Plan) -> Iterator[ScriptedServer]:
    with httpx.Client(timeout=30) as upstream:

        def answer(request: ScriptedRequest) -> Reply | str:
            decision = plan(request)
            if decision in ("drop", "stall"):
                return DROP if decision == "drop" else STALL
            headers = {
                name: request.headers[name]
                for name in ("authorization", "content-type")
                if name in request.headers
            }
            reply = upstream.post(served.url, content=request.body, headers=headers)
            if decision == "forward, then drop":
                return DROP
            content_type = reply.headers.get("content-type", "application/json")
            return Reply(reply.status_code, reply.content, {}, content_type)

        with scripted_server(answer) as server:
            yield server


def _is_mutation(request: ScriptedRequest) -> bool:
    return is_mutation(request.json()["query"])


def _items(served: Served) -> int:
    response = httpx.post(
        served.url,
        json={"query": "{ portfolioItems { id } }"},
        headers={"Authorization": f"Bearer {served.token}"},
    )
    return len(response.json()["data"]["portfolioItems"])


def _users(served: Served) -> list[str]:
    return [option for user in served.user_ids for option in ("--user-id", user)]


def test_a_mutation_whose_connection_drops_is_not_resent_and_ends_the_run_with_exit_2(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    def plan(request: ScriptedRequest) -> str:
        return "forward, then drop" if _is_mutation(request) else "forward"

    before = _items(served)
    with proxy(served, plan) as server:
        code = main(
            [
                "contract",
                *CONFIG,
                "--url",
                server.url,
                "--token",
                served.token,
                *_users(served),
                "--allow-mutations",
                "--property",
                "known_users_succeed",
                "--max-examples",
                "5",
                "--seed",
                "0",
            ]
        )
        mutations = [r for r in server.requests if _is_mutation(r)]
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "outcome unknown" in err and "not sent again" in err
    (sent,) = mutations  # sent once, never again
    issued = len(set(sent.json()["variables"]["userIds"]) & set(served.user_ids))
    assert issued >= 1
    assert _items(served) == before + issued  # applied exactly once


@pytest.mark.parametrize("death", ["drop", "stall"])
def test_an_endpoint_that_dies_after_the_baseline_is_unreachable_not_violated(
    served: Served, death: str
) -> None:
    alive = 4  # the preflight and the three pages of the baseline

    def plan(request: ScriptedRequest) -> str:
        return "forward" if request.number <= alive else death

    timeout = 0.5
    with proxy(served, plan) as server:
        options = ContractOptions(
            config_file=REPO / "pyproject.toml",
            schema_path=REPO / "schema" / "pluvo.graphql",
            url=server.url,
            auth=BearerToken(served.token),
            max_examples=20,
            seed=0,
            timeout=timeout,
        )
        outcomes: list[Any] = []
        with pytest.raises(TargetError) as caught:
            check_contract(options, on_outcome=outcomes.append)
        sent = len(server.requests)
    assert not isinstance(caught.value, OutcomeUnknownError)
    message = str(caught.value)
    assert "unreachable" in message and "{ __typename }" in message and "\n" not in message
    assert outcomes == []  # no property was reported, as violated or otherwise
    # Per lane (two run side by side): the request that went unanswered (a dropped query
    # is sent once more on a fresh connection), then the one liveness check.
    per_lane = 3 if death == "drop" else 2
    assert alive + per_lane <= sent <= alive + 2 * per_lane
    if death == "stall":  # the stalled request ended by the kit's own timeout
        assert f"no answer came within {timeout:g} s" in message


def test_a_dead_endpoint_mid_run_exits_2_with_one_line(
    served: Served, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def plan(request: ScriptedRequest) -> str:
        return "forward" if request.number <= 4 else "drop"

    with proxy(served, plan) as server:
        code = main(
            ["contract", *CONFIG, "--url", server.url, "--token", served.token, "--seed", "0"]
        )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("pluvo-codegen: ") and "unreachable" in captured.err
    assert "violated" not in captured.out


def test_a_query_on_a_dropped_kept_alive_connection_is_sent_once_more(served: Served) -> None:
    def plan(request: ScriptedRequest) -> str:
        return "drop" if request.number == 5 else "forward"

    with proxy(served, plan) as server:
        options = ContractOptions(
            config_file=REPO / "pyproject.toml",
            schema_path=REPO / "schema" / "pluvo.graphql",
            url=server.url,
            auth=BearerToken(served.token),
            max_examples=3,
            seed=0,
            properties=("pages_never_exceed_their_size",),
        )
        report = check_contract(options)
        fifth, sixth = server.requests[4:6]
    assert not report.violated
    assert fifth.body == sixth.body  # the dropped query, sent again


def test_each_mutation_goes_out_on_a_connection_of_its_own() -> None:
    """So that a kept-alive connection the server closed while idle cannot fail a mutation."""
    answer = graphql_reply({"data": {"__typename": "Query"}})
    with scripted_server(lambda request: answer) as server:
        recorder = ExchangeRecorder(server.url, BearerToken("t0k3n"), timeout=5)
        try:
            for document in (QUERY, MUTATION, QUERY, MUTATION, QUERY):
                recorder.post(document)
        finally:
            recorder.close()
        ports = [request.client_port for request in server.requests]
    query_ports = {ports[0], ports[2], ports[4]}
    assert len(query_ports) == 1  # the queries share one kept-alive connection
    assert len({ports[1], ports[3], *query_ports}) == 3  # each mutation has its own


def _oauth_script(tokens: list[str], accepted: set[str], executed: list[Any]) -> Any:
    """A token endpoint handing out `tokens` in turn, and a GraphQL endpoint that answers
    HTTP 401 (executing nothing) unless the bearer token is in `accepted`."""
    handed = iter(tokens)

    def answer(request: ScriptedRequest) -> Reply:
        if request.path == "/oauth/token/":
            return graphql_reply({"access_token": next(handed), "expires_in": 3600})
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in accepted:
            return graphql_reply({"errors": [{"message": "token expired"}]}, status=401)
        executed.append(request.json())
        return graphql_reply({"data": {"__typename": "Mutation"}})

    return answer


def test_a_mutation_refused_with_401_is_sent_once_more_with_a_new_token_and_runs_once() -> None:
    """HTTP 401 is a refusal before execution: the renewed token's attempt is the only run."""
    executed: list[Any] = []
    with scripted_server(_oauth_script(["expired", "fresh"], {"fresh"}, executed)) as server:
        auth = ClientCredentials(server.token_url, "kit", "s3cr3t")
        recorder = ExchangeRecorder(server.url, auth, timeout=5)
        try:
            exchange = recorder.post(MUTATION)
        finally:
            recorder.close()
        paths = [request.path for request in server.requests]
    assert paths == ["/oauth/token/", "/graphql/", "/oauth/token/", "/graphql/"]
    assert len(executed) == 1  # executed exactly once
    # The refused attempt is recorded too, and the resend counted: never silent.
    assert [e.status for e in recorder.exchanges] == [401, 200]
    assert recorder.exchanges[-1] is exchange and recorder.resent_mutations == 1


def test_a_mutation_refused_twice_is_not_sent_a_third_time_and_ends_the_run() -> None:
    executed: list[Any] = []
    with scripted_server(_oauth_script(["one", "two", "three"], set(), executed)) as server:
        auth = ClientCredentials(server.token_url, "kit", "s")
        recorder = ExchangeRecorder(server.url, auth, timeout=5)
        try:
            with pytest.raises(UnauthorisedError, match="HTTP 401"):
                recorder.post(MUTATION)
        finally:
            recorder.close()
        assert len(server.on("/graphql/")) == 2
        assert len(server.on("/oauth/token/")) == 2
    assert executed == []


def test_a_static_token_refused_with_401_is_never_sent_again() -> None:
    executed: list[Any] = []
    with scripted_server(_oauth_script([], set(), executed)) as server:
        recorder = ExchangeRecorder(server.url, BearerToken("stale"), timeout=5)
        try:
            with pytest.raises(UnauthorisedError):
                recorder.post(MUTATION)
        finally:
            recorder.close()
        assert [request.path for request in server.requests] == ["/graphql/"]


@pytest.mark.parametrize("failure", ["refused", "stall"])
def test_a_failing_token_endpoint_ends_the_run_naming_it_and_sends_no_mutation(
    failure: str,
) -> None:
    def answer(request: ScriptedRequest) -> Reply | str:
        if request.path != "/oauth/token/":
            return graphql_reply({"data": {"__typename": "Mutation"}})
        if failure == "stall":
            return STALL
        return graphql_reply({"error": "invalid_client"}, status=401)

    with scripted_server(answer) as server:
        auth = ClientCredentials(server.token_url, "kit", "s3cr3t")
        recorder = ExchangeRecorder(server.url, auth, timeout=0.3)
        try:
            with pytest.raises(TargetError) as caught:
                recorder.post(MUTATION)
        finally:
            recorder.close()
        assert server.on("/graphql/") == []
    message = str(caught.value)
    assert message.startswith(server.token_url) and "\n" not in message
    assert "s3cr3t" not in message
    if failure == "refused":
        assert isinstance(caught.value, UnauthorisedError)
        assert "refused the client id and secret (HTTP 401)" in message
    else:
        assert message == f"{server.token_url}: no answer within 0.3 s"


QUERY = "query Q { __typename }"
MUTATION = 'mutation M { generateCertificate(id: "x", userIds: []) { __typename } }'
