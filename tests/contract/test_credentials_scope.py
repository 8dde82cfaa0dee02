"""The kit's credentials go to the target's origin only: a `--schema URL` elsewhere is
fetched without them, and the embedded server's own token never leaves it."""

from __future__ import annotations

import pytest
from client.scripted import Reply, ScriptedRequest, scripted_server

from codegen.cli import main
from codegen.contract.options import ContractOptions
from codegen.contract.run_all import _load_schema
from codegen.contract.target import Target
from codegen.credentials import BearerToken
from codegen.errors import CodegenError

from .launch import REPO, Served

CONFIG = ["--config", str(REPO / "pyproject.toml")]


def test_a_schema_url_on_another_origin_gets_no_credentials(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(request: ScriptedRequest) -> Reply:
        return Reply(404, b"not here")

    with scripted_server(answer) as elsewhere:
        argv = ["contract", *CONFIG, "--url", served.url, "--token", served.token]
        assert main([*argv, "--schema", elsewhere.url, "--timeout", "5"]) == 2
        (asked,) = elsewhere.requests  # asked once, without any Authorization header
        assert "authorization" not in asked.headers
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and elsewhere.url in err
        assert served.token not in err


def test_the_embedded_servers_token_never_goes_to_a_schema_url() -> None:
    """What `contract --schema URL` without `--url` does once the embedded server runs
    (started here it would cost two seconds; its token is what matters)."""

    def answer(request: ScriptedRequest) -> Reply:
        return Reply(404, b"not here")

    with scripted_server(answer) as elsewhere:
        options = ContractOptions(
            config_file=REPO / "pyproject.toml",
            schema_path=REPO / "schema" / "pluvo.graphql",
            schema_source=elsewhere.url,
            timeout=5,
        )
        embedded = Target("http://127.0.0.1:1/graphql/", BearerToken("embedded"), (), True)
        with pytest.raises(CodegenError, match="404"):
            _load_schema(options, embedded)
        (asked,) = elsewhere.requests
    assert "authorization" not in asked.headers


def test_a_schema_url_on_the_target_origin_gets_its_credentials(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["contract", *CONFIG, "--url", served.url, "--schema", served.url]
    oauth = [
        *("--token-url", served.token_url, "--client-id", served.client_id),
        *("--client-secret", served.client_secret),
    ]
    code = main([*argv, *oauth, "--property", "count_is_the_total", "--max-examples", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert served.client_secret not in out + err
