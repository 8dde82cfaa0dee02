"""The rules of `codegen.credentials`, once, as a table: flags, environment, and their errors.

Each command's own end-to-end test (against a real loopback token endpoint) lives with
the command: tests/evolution/test_pull.py (pull, diff), tests/downstream/test_init.py
(init, verify), tests/contract/test_cli.py (contract) and
tests/webhooks/test_server_delivery.py (webhooks trigger).
"""

from __future__ import annotations

import argparse

import httpx
import pytest

from codegen.credentials import (
    BearerToken,
    ClientCredentials,
    add_credential_options,
    auth_for,
    credential_flags,
    resolve_auth,
)
from codegen.errors import CodegenError

URL = "https://auth.example/oauth/token/"
SECRET = "s3cr3t-value"
TOKEN = "t0k3n-value"
OAUTH_ENV = {"PLUVO_TOKEN_URL": URL, "PLUVO_CLIENT_ID": "env-id", "PLUVO_CLIENT_SECRET": SECRET}
OAUTH_FLAGS = ["--token-url", URL, "--client-id", "flag-id", "--client-secret", SECRET]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="test")
    add_credential_options(parser)
    return parser.parse_args(argv)


def bearer(token: str) -> tuple[str, ...]:
    return ("bearer", token)


def oauth(client_id: str, url: str = URL) -> tuple[str, ...]:
    return ("oauth", url, client_id)


def error(text: str) -> tuple[str, ...]:
    return ("error", text)


CASES: list[tuple[str, list[str], dict[str, str], tuple[str, ...] | None]] = [
    ("nothing", [], {}, None),
    ("token flag", ["--token", TOKEN], {}, bearer(TOKEN)),
    ("token env", [], {"PLUVO_TOKEN": TOKEN}, bearer(TOKEN)),
    ("empty env is unset", [], {"PLUVO_TOKEN": "", "PLUVO_TOKEN_URL": ""}, None),
    ("flag beats env", ["--token", "flag"], {"PLUVO_TOKEN": "env"}, bearer("flag")),
    ("--token leaves the OAuth env unread", ["--token", TOKEN], OAUTH_ENV, bearer(TOKEN)),
    ("OAuth flags", OAUTH_FLAGS, {}, oauth("flag-id")),
    ("OAuth flags leave PLUVO_TOKEN unread", OAUTH_FLAGS, {"PLUVO_TOKEN": TOKEN}, oauth("flag-id")),
    ("OAuth env", [], OAUTH_ENV, oauth("env-id")),
    ("--token-url, id and secret from env", ["--token-url", URL], OAUTH_ENV, oauth("env-id")),
    ("--client-id beats PLUVO_CLIENT_ID", ["--client-id", "flag-id"], OAUTH_ENV, oauth("flag-id")),
    (
        "--token-url beats PLUVO_TOKEN_URL",
        ["--token-url", "http://127.0.0.1:9/t/"],
        OAUTH_ENV,
        oauth("env-id", "http://127.0.0.1:9/t/"),
    ),
    (
        "a token URL alone",
        ["--token-url", URL],
        {},
        error("--token-url needs --client-id and --client-secret"),
    ),
    (
        "a token URL without a secret",
        ["--token-url", URL, "--client-id", "i"],
        {},
        error("--token-url needs --client-id and --client-secret"),
    ),
    (
        "PLUVO_TOKEN_URL alone",
        [],
        {"PLUVO_TOKEN_URL": URL},
        error("PLUVO_TOKEN_URL needs --client-id and --client-secret"),
    ),
    (
        "id and secret without a token URL",
        ["--client-id", "i", "--client-secret", SECRET],
        {},
        error("--client-id and --client-secret go with --token-url"),
    ),
    (
        "PLUVO_CLIENT_ID without a token URL",
        [],
        {"PLUVO_CLIENT_ID": "i"},
        error("PLUVO_CLIENT_ID goes with --token-url"),
    ),
    (
        "--client-id with --token",
        ["--token", TOKEN, "--client-id", "i"],
        {},
        error("--client-id goes with --token-url, not with --token"),
    ),
    (
        "both methods in the env",
        [],
        {"PLUVO_TOKEN": TOKEN, "PLUVO_TOKEN_URL": URL},
        error("PLUVO_TOKEN and PLUVO_TOKEN_URL are both set"),
    ),
    (
        "an env client id with an env token",
        [],
        {"PLUVO_TOKEN": TOKEN, "PLUVO_CLIENT_SECRET": SECRET},
        error("PLUVO_CLIENT_SECRET goes with a token URL, not with PLUVO_TOKEN"),
    ),
    ("an empty --token", ["--token", ""], {}, error("--token is empty")),
    ("a token with a space", ["--token", "a b"], {}, error("--token: not a bearer token")),
    ("a token with CR/LF", ["--token", "a\r\nX-Evil: 1"], {}, error("--token: not a bearer")),
    ("a non-ASCII env token", [], {"PLUVO_TOKEN": "tøken"}, error("PLUVO_TOKEN: not a bearer")),
    (
        "a token URL that is not http",
        ["--token-url", "ftp://auth.example/", "--client-id", "i", "--client-secret", SECRET],
        {},
        error("--token-url must be an http:// or https:// URL"),
    ),
    (
        "a token URL that does not parse",
        ["--token-url", "http://[::1/", "--client-id", "i", "--client-secret", SECRET],
        {},
        error("--token-url: not a URL"),
    ),
    (
        "a token URL holding a secret",
        ["--token-url", f"https://id:{SECRET}@auth.example/t/", "--client-id", "i"],
        {"PLUVO_CLIENT_SECRET": SECRET},
        error("--token-url must not hold a user name or password"),
    ),
    (
        "a token URL that does not parse, holding a secret",
        ["--token-url", f"http://u:{SECRET}@[::1/", "--client-id", "i"],
        {"PLUVO_CLIENT_SECRET": SECRET},
        error("--token-url: not a URL"),
    ),
    (
        "an env token URL without a host",
        [],
        {**OAUTH_ENV, "PLUVO_TOKEN_URL": "https:///path"},
        error("PLUVO_TOKEN_URL must be an http:// or https:// URL"),
    ),
]


def describe(auth: httpx.Auth | None) -> tuple[str, ...] | None:
    if auth is None:
        return None
    if isinstance(auth, ClientCredentials):
        return oauth(auth.client_id, auth.token_url)
    assert isinstance(auth, BearerToken)
    request = httpx.Request("GET", "http://x/")
    (sent,) = list(auth.auth_flow(request))
    return bearer(sent.headers["Authorization"].removeprefix("Bearer "))


@pytest.mark.parametrize(
    ("argv", "environ", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_rules(
    argv: list[str], environ: dict[str, str], expected: tuple[str, ...] | None
) -> None:
    args = parse(argv)
    if expected is not None and expected[0] == "error":
        with pytest.raises(CodegenError) as caught:
            resolve_auth(args, environ)
        message = str(caught.value)
        assert expected[1] in message
        assert "\n" not in message
        assert SECRET not in message and TOKEN not in message  # never shown
        return
    auth = resolve_auth(args, environ)
    assert describe(auth) == expected
    assert SECRET not in repr(auth) and TOKEN not in repr(auth)


def test_token_and_token_url_flags_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse(["--token", TOKEN, "--token-url", URL])
    assert caught.value.code == 2
    assert "not allowed with argument --token" in capsys.readouterr().err


def test_the_default_environment_is_the_process_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLUVO_TOKEN", TOKEN)
    assert describe(resolve_auth(parse([]))) == bearer(TOKEN)


def test_the_help_names_each_variable() -> None:
    parser = argparse.ArgumentParser(prog="test")
    add_credential_options(parser)
    text = " ".join(parser.format_help().split())
    for variable in ("PLUVO_TOKEN", "PLUVO_TOKEN_URL", "PLUVO_CLIENT_ID", "PLUVO_CLIENT_SECRET"):
        assert f"env {variable}" in text


@pytest.mark.parametrize(
    ("url", "argv", "environ", "expected"),
    [
        # A file or git: source: the environment is not read, even when it is broken.
        ("schema.graphql", [], {"PLUVO_CLIENT_ID": "stray"}, None),
        (None, [], {"PLUVO_TOKEN": TOKEN}, None),
        ("https://api.example/graphql/", [], {"PLUVO_TOKEN": TOKEN}, bearer(TOKEN)),
        ("https://api.example/graphql/", ["--token", "flag"], {}, bearer("flag")),
        # Flags with no URL to go to are an error naming where they belong.
        (None, ["--token", TOKEN], {}, error("--token goes with --url")),
        ("git:HEAD:s.graphql", OAUTH_FLAGS, {}, error("--token-url and --client-id and")),
        # A URL's credentials still follow every rule.
        ("https://api.example/graphql/", [], {"PLUVO_TOKEN_URL": URL}, error("needs --client-id")),
    ],
)
def test_auth_for_reads_the_environment_for_a_url_only(
    url: str | None,
    argv: list[str],
    environ: dict[str, str],
    expected: tuple[str, ...] | None,
) -> None:
    args = parse(argv)
    if expected is not None and expected[0] == "error":
        with pytest.raises(CodegenError, match=expected[1]):
            auth_for(args, url, "--url", environ)
        return
    assert describe(auth_for(args, url, "--url", environ)) == expected
    assert credential_flags(args) == [a for a in argv if a.startswith("--")]
