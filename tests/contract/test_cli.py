"""`pluvo-codegen contract` on the command line: targets, credentials, environment and usage."""

from __future__ import annotations

import json
import socket

import pytest

from codegen.cli import main

from .launch import REPO, Served

CONFIG = ["--config", str(REPO / "pyproject.toml")]
QUICK = ["--max-examples", "2", "--seed", "0", "--format", "json"]


def contract(*arguments: str) -> int:
    return main(["contract", *CONFIG, *arguments])


def statuses(output: str) -> dict[str, str]:
    return {p["name"]: p["status"] for p in json.loads(output)["properties"]}


def test_an_unreachable_url_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert contract("--url", f"http://127.0.0.1:{port}/graphql/", "--token", "t") == 2
    assert "unreachable" in capsys.readouterr().err


def test_a_wrong_token_exits_2_naming_http_401(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    assert contract("--url", served.url, "--token", "not-the-token", *QUICK) == 2
    captured = capsys.readouterr()
    assert "HTTP 401" in captured.err
    # With --format json the error is JSON on stdout too, and nothing else is.
    assert "HTTP 401" in json.loads(captured.out)["error"]["message"]


def test_a_url_without_the_trailing_slash_exits_2_and_says_so(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    assert contract("--url", served.url.rstrip("/"), f"--token={served.token}", *QUICK) == 2
    assert "trailing slash" in capsys.readouterr().err


def test_oauth_client_credentials_give_the_kit_its_token(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    code = contract(
        *("--url", served.url, "--token-url", served.token_url),
        *("--client-id", served.client_id, f"--client-secret={served.client_secret}"),
        *("--property", "count_is_the_total", *QUICK),
    )
    assert code == 0
    assert statuses(capsys.readouterr().out) == {"count_is_the_total": "held"}


def test_a_wrong_client_secret_exits_2(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    code = contract(
        *("--url", served.url, "--token-url", served.token_url),
        *("--client-id", served.client_id, "--client-secret", "wrong", *QUICK),
    )
    assert code == 2
    assert "refused the client id and secret" in capsys.readouterr().err


def test_the_environment_gives_client_credentials_and_a_flag_beats_it(
    served: Served, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUVO_TOKEN_URL", served.token_url)
    monkeypatch.setenv("PLUVO_CLIENT_ID", served.client_id)
    monkeypatch.setenv("PLUVO_CLIENT_SECRET", served.client_secret)
    one = ("--url", served.url, "--property", "count_is_the_total", *QUICK)
    assert contract(*one) == 0
    assert statuses(capsys.readouterr().out) == {"count_is_the_total": "held"}
    monkeypatch.setenv("PLUVO_CLIENT_SECRET", "wrong")
    assert contract(*one) == 2
    err = capsys.readouterr().err
    assert err == f"pluvo-codegen: {served.token_url} refused the client id and secret (HTTP 401)\n"
    assert contract(*one, "--client-secret", served.client_secret) == 0
    assert contract(*one, "--token", served.token) == 0  # PLUVO_TOKEN_URL left unread


def test_credential_flags_without_a_url_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert contract("--token", "t") == 2
    assert "--token goes with --url" in capsys.readouterr().err


def test_the_environment_gives_the_url_token_users_and_mutations(
    served: Served, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUVO_GRAPHQL_URL", served.url)
    monkeypatch.setenv("PLUVO_TOKEN", served.token)
    monkeypatch.setenv("PLUVO_USER_IDS", ",".join(served.user_ids[:3]))
    monkeypatch.setenv("PLUVO_ALLOW_MUTATIONS", "1")
    assert contract("--property", "known_users_succeed", *QUICK) == 0
    assert statuses(capsys.readouterr().out) == {"known_users_succeed": "held"}


def test_without_known_users_the_properties_that_need_them_are_skipped(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    code = contract(
        *("--url", served.url, f"--token={served.token}", "--allow-mutations"),
        *("--property", "known_users_succeed", "--property", "unknown_users_fail", *QUICK),
    )
    assert code == 0
    (skipped,) = [p for p in json.loads(capsys.readouterr().out)["properties"] if "reason" in p]
    assert skipped["name"] == "known_users_succeed"
    assert "--user-id" in skipped["reason"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--token-url", "http://127.0.0.1:1/oauth/token/"], "needs --client-id"),
        (["--url", "ftp://example.org/graphql/"], "must start with http"),
        (["--property", "no_such_property"], "unknown property no_such_property"),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert contract(*arguments) == 2
    assert message in capsys.readouterr().err


def test_a_user_id_that_is_not_a_uuid_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        contract("--user-id", "not-a-uuid")
    assert exit_info.value.code == 2
    assert "expected a UUID" in capsys.readouterr().err
    monkeypatch.setenv("PLUVO_USER_IDS", "not-a-uuid")
    assert contract("--url", "http://127.0.0.1:1/graphql/") == 2
    assert "PLUVO_USER_IDS" in capsys.readouterr().err


def test_a_bad_url_from_the_environment_is_named_as_such_and_a_flag_beats_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUVO_GRAPHQL_URL", "acme.pluvo.com/graphql/")
    assert contract() == 2
    assert capsys.readouterr().err.splitlines() == [
        "pluvo-codegen: PLUVO_GRAPHQL_URL must start with http:// or https://, "
        "got 'acme.pluvo.com/graphql/'"
    ]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert contract("--url", f"http://127.0.0.1:{port}/graphql/", "--token", "t") == 2
    assert "unreachable" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["maybe", "on", "2"])
def test_pluvo_allow_mutations_other_than_yes_or_no_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUVO_ALLOW_MUTATIONS", value)
    assert contract("--url", "http://127.0.0.1:1/graphql/", "--token", "t") == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pluvo-codegen: PLUVO_ALLOW_MUTATIONS: expected 1, true or yes (or 0, false, no), "
        f"got {value!r}"
    ]
