"""`pluvo-codegen serve`'s options (codegen/server/command.py) and the `ServeOptions` they mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.cli import build_parser
from codegen.errors import CodegenError
from codegen.server.command import serve_options_of

from .reference import REPO

CONFIG = str(REPO / "pyproject.toml")


def test_every_serve_option_reaches_serve_options() -> None:
    args = build_parser().parse_args(
        [
            *("serve", "--config", CONFIG, "--host", "::1", "--port", "0", "--db", "x.db"),
            *("--certificates", "3", "--users", "0", "--seed", "9", "--token", "t"),
            *("--client-id", "id", "--client-secret", "s", "--token-ttl", "1"),
            *("--fixture-out", "f.json", "--webhook-url", "http://127.0.0.1:9/h"),
            *("--webhook-secret", "w", "--webhook-timeout", "2", "--webhook-retry-base", "0.5"),
        ]
    )
    options = serve_options_of(args)
    assert options.schema_path == REPO / "schema" / "pluvo.graphql"
    assert (options.host, options.port, options.db) == ("::1", 0, Path("x.db"))
    assert (options.certificates, options.users, options.seed) == (3, 0, 9)
    assert (options.token, options.client_id, options.client_secret) == ("t", "id", "s")
    assert (options.token_ttl, options.fixture_out) == (1, Path("f.json"))
    webhooks = options.webhooks()
    assert webhooks is not None
    assert (webhooks.url, webhooks.secret) == ("http://127.0.0.1:9/h", "w")
    assert (webhooks.timeout, webhooks.retry_base) == (2.0, 0.5)


def test_the_defaults_are_a_seeded_server_on_loopback_without_webhooks() -> None:
    options = serve_options_of(build_parser().parse_args(["serve", "--config", CONFIG]))
    assert (options.host, options.port, options.db) == ("127.0.0.1", 8000, None)
    assert (options.certificates, options.users, options.seed) == (120, 10, 0)
    assert (options.token, options.token_ttl, options.webhooks()) == (None, 86400, None)


@pytest.mark.parametrize("option", ["--certificates", "--users", "--token-ttl"])
def test_a_negative_count_is_a_usage_error(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["serve", option, "-1"])
    assert exited.value.code == 2
    assert "must be 0 or more, got -1" in capsys.readouterr().err


def test_a_webhook_url_without_its_secret_is_refused() -> None:
    args = build_parser().parse_args(
        ["serve", "--config", CONFIG, "--webhook-url", "http://127.0.0.1:9/h"]
    )
    with pytest.raises(CodegenError, match="--webhook-url needs --webhook-secret"):
        serve_options_of(args)
