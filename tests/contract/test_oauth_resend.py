"""A mutation refused with HTTP 401 is sent once more with a renewed OAuth token: never
silently. The refused attempt is an exchange of its own (counterexample, `--record`), and
the report counts and states the resent mutations, because a hostile endpoint that
executes a mutation and then answers 401 has applied it twice.

The endpoint is the reference server behind a loopback proxy that can answer 401 after
forwarding (hostile) or instead of forwarding (a token revoked mid-run, honest)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from client.scripted import Reply, ScriptedRequest, ScriptedServer, graphql_reply, scripted_server

from codegen.cli import main
from codegen.contract.exchange_recorder import RESENT_AFTER_401, ExchangeRecorder, is_mutation
from codegen.credentials import ClientCredentials

from .launch import REPO, Served

MUTATION = 'mutation M { generateCertificate(id: "x", userIds: []) { __typename } }'
QUERY = "query Q { __typename }"
REFUSED = b'{"errors": [{"message": "token expired"}]}'


def _mutation(request: ScriptedRequest) -> bool:
    return request.path == "/graphql/" and is_mutation(request.json()["query"])


@contextmanager
def proxy(served: Served, refuse: Callable[[ScriptedRequest], str]) -> Iterator[ScriptedServer]:
    """Forwards /oauth/token/ and /graphql/ to `served`; `refuse(request)` says, for a
    GraphQL request, "no" (forward), "before" (401, not forwarded) or "after" (forwarded,
    executed, then 401)."""
    with httpx.Client(timeout=30) as upstream:

        def answer(request: ScriptedRequest) -> Reply:
            headers = {
                name: request.headers[name]
                for name in ("authorization", "content-type")
                if name in request.headers
            }
            upstream_url = served.token_url if request.path == "/oauth/token/" else served.url
            decision = "no" if request.path == "/oauth/token/" else refuse(request)
            if decision == "before":
                return Reply(401, REFUSED)
            reply = upstream.post(upstream_url, content=request.body, headers=headers)
            if decision == "after":
                return Reply(401, REFUSED)
            return Reply(reply.status_code, reply.content)

        with scripted_server(answer) as server:
            yield server


def _kit(served: Served, server: ScriptedServer, record: Path, jobs: int = 1) -> list[str]:
    return [
        "contract",
        *("--config", str(REPO / "pyproject.toml")),
        *("--url", server.url, "--token-url", server.token_url),
        *("--client-id", served.client_id, "--client-secret", served.client_secret),
        *[option for user in served.user_ids for option in ("--user-id", user)],
        *("--allow-mutations", "--only", "pluvo", "--max-examples", "3", "--seed", "0"),
        *("--record", str(record), "--format", "json", "--jobs", str(jobs)),
    ]


def _record(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_mutation_executed_then_refused_with_401_is_reported_not_silent(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Hostile: the first mutation runs, then 401. The kit sends it once more (the
    documented decision) and says so: in the report, the record, and with the count."""
    refused: list[ScriptedRequest] = []

    def refuse(request: ScriptedRequest) -> str:
        if _mutation(request) and not refused:
            refused.append(request)
            return "after"
        return "no"

    record = tmp_path / "record.jsonl"
    with proxy(served, refuse) as server:
        code = main(_kit(served, server, record))
        server_requests = list(server.requests)
        sent = [r for r in server_requests if _mutation(r)]
        tokens = {r.headers.get("authorization", "") for r in server.requests} - {""}
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 0, err
    assert report["resent_mutations"] == 1
    lines = _record(record)
    recorded = [line for line in lines if is_mutation(line["request"]["query"])]
    # Every attempt that went out is in the record, the refused one marked as such.
    assert len(recorded) == len(sent)
    assert [line["status"] for line in recorded].count(401) == 1
    (marked,) = [line for line in lines if line["status"] == 401]
    assert marked["text"] == RESENT_AFTER_401
    assert marked["request"] == refused[0].json()
    # The refused mutation went out once more, byte for byte, right after a renewal.
    after = [r for r in server_requests if r.number > refused[0].number]
    assert [r.path for r in after[:2]] == ["/oauth/token/", "/graphql/"]
    assert after[1].body == refused[0].body
    # No secret nor token in the report, the record or the output.
    everything = out + err + record.read_text(encoding="utf-8")
    assert served.client_secret not in everything
    assert tokens and not any(t.removeprefix("Bearer ") in everything for t in tokens)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_token_revoked_mid_run_is_renewed_and_each_mutation_runs_once(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: int
) -> None:
    """Honest: from the first mutation on, the first token is refused before
    executing. The kit renews it once (once in all, with two lanes sharing the
    credentials), and every mutation reaches the server once."""
    first: list[str] = []
    forwarded: list[bytes] = []
    turned_away: list[bytes] = []

    def refuse(request: ScriptedRequest) -> str:
        token = request.headers.get("authorization", "")
        first[:] = first or [token]
        if token == first[0] and (turned_away or _mutation(request)):
            if _mutation(request):  # revoked from the first mutation on
                turned_away.append(request.body)
            return "before"
        if _mutation(request):
            forwarded.append(request.body)
        return "no"

    record = tmp_path / "record.jsonl"
    with proxy(served, refuse) as server:
        code = main(_kit(served, server, record, jobs))
        token_requests = len(server.on("/oauth/token/"))
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 0, err
    assert token_requests == 2  # the first token, and one renewal
    lines = _record(record)
    mutations = [line for line in lines if is_mutation(line["request"]["query"])]
    ran = [line for line in mutations if line["status"] == 200]
    refused = [line for line in mutations if line["status"] == 401]
    # Each mutation the kit made ran once: what reached the server is what the record
    # shows answered, and each refused attempt (not executed) was resent once.
    assert forwarded and len(ran) == len(forwarded)
    assert len(refused) == len(turned_away) == report["resent_mutations"] == 1
    assert [json.loads(body) for body in forwarded] == [line["request"] for line in ran]


def test_a_token_that_expires_between_mutations_is_renewed_first_and_nothing_is_resent() -> None:
    """`expires_in` runs out (an injected clock): the token is renewed before the next
    mutation goes out, so no mutation is refused or sent twice."""
    now = [0.0]
    handed = iter(["one", "two"])
    executed: list[str] = []

    def answer(request: ScriptedRequest) -> Reply:
        if request.path == "/oauth/token/":
            return graphql_reply({"access_token": next(handed), "expires_in": 100})
        executed.append(request.headers["authorization"])
        return graphql_reply({"data": {"__typename": "Mutation"}})

    with scripted_server(answer) as server:
        auth = ClientCredentials(server.token_url, "kit", "s3cr3t", clock=lambda: now[0])
        recorder = ExchangeRecorder(server.url, auth, timeout=5)
        try:
            recorder.post(MUTATION)
            now[0] = 99.0  # past the renewal point, before expiry
            recorder.post(MUTATION)
        finally:
            recorder.close()
        paths = [request.path for request in server.requests]
    assert paths == ["/oauth/token/", "/graphql/", "/oauth/token/", "/graphql/"]
    assert executed == ["Bearer one", "Bearer two"]
    assert recorder.resent_mutations == 0 and len(recorder.exchanges) == 2


def test_a_query_resent_after_401_is_recorded_but_not_counted_as_a_mutation() -> None:
    handed = iter(["old", "new"])

    def answer(request: ScriptedRequest) -> Reply:
        if request.path == "/oauth/token/":
            return graphql_reply({"access_token": next(handed)})
        if request.headers["authorization"] == "Bearer old":
            return Reply(401, REFUSED)
        return graphql_reply({"data": {"__typename": "Query"}})

    with scripted_server(answer) as server:
        recorder = ExchangeRecorder(
            server.url, ClientCredentials(server.token_url, "kit", "s"), timeout=5
        )
        try:
            exchange = recorder.post(QUERY)
        finally:
            recorder.close()
        assert len(server.on("/graphql/")) == 2
    assert [e.status for e in recorder.exchanges] == [401, 200]
    assert recorder.exchanges[0].text == RESENT_AFTER_401 and recorder.exchanges[1] is exchange
    assert recorder.resent_mutations == 0


@pytest.mark.parametrize("resent", [0, 2])
def test_the_text_report_warns_of_resent_mutations_only_when_there_are_some(resent: int) -> None:
    from codegen.contract.outcome import ContractReport
    from codegen.contract.report import render_json, render_text

    report = ContractReport(
        target="http://127.0.0.1:1/graphql/",
        embedded=False,
        seed=0,
        max_examples=1,
        allow_mutations=True,
        outcomes=(),
        seconds=0.1,
        resent_mutations=resent,
    )
    text = render_text(report)
    warning = "mutation(s) answered HTTP 401 were sent once more with a renewed token"
    assert (warning in " ".join(text.split())) == bool(resent)
    assert f"warning: {resent} mutation(s)" in text if resent else "warning" not in text
    assert json.loads(render_json(report))["resent_mutations"] == resent
