"""Bearer tokens on `/graphql/` and the OAuth client-credentials grant on `/oauth/token/`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pluvo_client.exceptions import GraphQLClientHttpError

from .in_process import Clock, serve_in_process
from .reference import (
    CERTIFICATES,
    HTTP_TIMEOUT,
    SEED_OPTIONS,
    Server,
    ServerPool,
    ServerProcess,
    graphql,
)

COUNT_QUERY = "{ certificates(first: 1) { count } }"


def request_token(server: Server, **form: str) -> httpx.Response:
    return httpx.post(server.token_url, data=form, timeout=HTTP_TIMEOUT)


def client_credentials(server: Server) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": server.client_id,
        "client_secret": server.client_secret,
    }


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in response.json()["errors"][0]["message"]


def test_a_request_without_a_token_is_401_with_a_json_body(shared_server: Server) -> None:
    response = httpx.post(shared_server.url, json={"query": COUNT_QUERY}, timeout=HTTP_TIMEOUT)
    assert_unauthorized(response)


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wrong-token",
        "Bearer",
        "Basic {token}",
        "{token}",
        "Bearer {token}x",
        "Bearer x{token}",
    ],
)
def test_a_wrong_token_is_401_with_a_json_body(shared_server: Server, authorization: str) -> None:
    header = authorization.format(token=shared_server.token)
    response = graphql(shared_server, COUNT_QUERY, headers={"Authorization": header})
    assert_unauthorized(response)


def test_the_bearer_scheme_is_case_insensitive(shared_server: Server) -> None:
    header = {"Authorization": f"bearer {shared_server.token}"}
    assert graphql(shared_server, COUNT_QUERY, headers=header).status_code == 200


def test_the_generated_client_with_a_wrong_token_raises_an_http_401(shared_server: Server) -> None:
    async def run() -> None:
        async with shared_server.client(token="wrong") as client:
            await client.list_certificates(first=1)

    with pytest.raises(GraphQLClientHttpError) as caught:
        asyncio.run(run())
    assert caught.value.status_code == 401


def test_the_client_credentials_grant_returns_a_bearer_token_that_works(
    shared_server: Server,
) -> None:
    response = request_token(shared_server, **client_credentials(shared_server))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert isinstance(body["scope"], str) and body["scope"]
    assert isinstance(body["access_token"], str) and body["access_token"] != shared_server.token

    async def run() -> int | None:
        async with shared_server.client(token=body["access_token"]) as client:
            page = (await client.list_certificates(first=1)).certificates
            assert page is not None
            return page.count

    assert asyncio.run(run()) == CERTIFICATES


def test_each_token_request_gets_a_new_token(shared_server: Server) -> None:
    tokens = {
        request_token(shared_server, **client_credentials(shared_server)).json()["access_token"]
        for _ in range(3)
    }
    assert len(tokens) == 3


@pytest.mark.parametrize("field", ["client_id", "client_secret"])
def test_a_wrong_client_id_or_secret_is_401_invalid_client(
    shared_server: Server, field: str
) -> None:
    form = {**client_credentials(shared_server), field: "wrong"}
    response = request_token(shared_server, **form)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


@pytest.mark.parametrize("grant_type", ["password", "authorization_code", ""])
def test_a_grant_type_other_than_client_credentials_is_400(
    shared_server: Server, grant_type: str
) -> None:
    form = {**client_credentials(shared_server), "grant_type": grant_type}
    response = request_token(shared_server, **form)
    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_grant_type"}


def test_a_token_request_that_is_not_a_form_is_400_invalid_request(shared_server: Server) -> None:
    response = httpx.post(
        shared_server.token_url, json=client_credentials(shared_server), timeout=HTTP_TIMEOUT
    )
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request"}


@pytest.fixture
def short_lived_server(tmp_path: Path, servers: ServerPool) -> Iterator[Server]:
    process = ServerProcess(tmp_path / "server", *SEED_OPTIONS, "--token-ttl", "1")
    try:
        yield process.ready()
    finally:
        servers.retire(process)


def test_serve_token_ttl_sets_the_lifetime_of_the_tokens_it_issues(
    short_lived_server: Server,
) -> None:
    server = short_lived_server
    body = request_token(server, **client_credentials(server)).json()
    assert body["expires_in"] == 1
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert graphql(server, COUNT_QUERY, headers=bearer).status_code == 200


def test_an_oauth_token_stops_working_when_its_ttl_has_passed() -> None:
    """The app in this process on loopback, with the issuer's clock injected: no waiting."""
    clock = Clock()
    with (
        serve_in_process(clock, token_ttl=60) as server,
        httpx.Client(timeout=HTTP_TIMEOUT) as http,
    ):
        form = {"grant_type": "client_credentials", "client_id": server.client_id}
        answer = http.post(server.token_url, data={**form, "client_secret": server.client_secret})
        assert answer.json()["expires_in"] == 60
        bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}

        def count(headers: dict[str, str]) -> httpx.Response:
            return http.post(server.url, json={"query": COUNT_QUERY}, headers=headers)

        assert count(bearer).status_code == 200
        clock.advance(59.5)
        assert count(bearer).status_code == 200
        clock.advance(0.5)  # exactly its lifetime: expired
        assert_unauthorized(count(bearer))
        # The static token does not expire.
        assert count(server.auth).status_code == 200
