"""`pluvo-codegen pull`: the reference server's schema round-trips; each failure exits 2 cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql import build_schema, lexicographic_sort_schema, print_schema
from server.reference import Server, run_server

from codegen.cli import main
from codegen.evolution import diff_schemas, schema_from_text

from .conftest import REPO
from .fake_endpoint import run_endpoint

COMMITTED = REPO / "schema" / "pluvo.graphql"


def _canonical(sdl: str) -> str:
    """The committed SDL as `pull` prints a schema: sorted, descriptions kept."""
    return print_schema(lexicographic_sort_schema(build_schema(sdl))) + "\n"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with run_server(tmp_path_factory.mktemp("server")) as server:
        yield server


def test_pull_of_the_reference_server_round_trips_to_the_committed_sdl(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference: Server
) -> None:
    server = reference
    out = tmp_path / "pulled.graphql"
    assert main(["pull", "--url", server.url, "--token", server.token, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["pull", "--url", server.url, "--token", server.token]) == 0
    again = capsys.readouterr().out
    oauth = [
        "--token-url", server.token_url,
        "--client-id", server.client_id,
        "--client-secret", server.client_secret,
    ]  # fmt: skip
    assert main(["pull", "--url", server.url, *oauth]) == 0
    with_oauth = capsys.readouterr().out
    committed = COMMITTED.read_text(encoding="utf-8")
    pulled = out.read_text(encoding="utf-8")
    # Byte for byte: the committed schema is in the canonical form `pull` writes, so the
    # first `pull --out schema/pluvo.graphql` from an unchanged endpoint changes nothing.
    assert out.read_bytes() == COMMITTED.read_bytes()
    assert pulled == _canonical(committed)
    assert again == pulled == with_oauth
    before = schema_from_text(committed.encode(), "schema/pluvo.graphql").model
    assert diff_schemas(before, schema_from_text(pulled.encode(), "pulled").model) == []


def oauth_environment(monkeypatch: pytest.MonkeyPatch, server: Server, secret: str) -> None:
    monkeypatch.setenv("PLUVO_TOKEN_URL", server.token_url)
    monkeypatch.setenv("PLUVO_CLIENT_ID", server.client_id)
    monkeypatch.setenv("PLUVO_CLIENT_SECRET", secret)


def test_pull_and_diff_take_client_credentials_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, reference: Server
) -> None:
    oauth_environment(monkeypatch, reference, reference.client_secret)
    assert main(["pull", "--url", reference.url]) == 0
    assert capsys.readouterr().out == COMMITTED.read_text(encoding="utf-8")
    queries = ["--queries", str(REPO / "queries")]
    assert main(["diff", str(COMMITTED), reference.url, *queries]) == 0
    assert "No changes" in capsys.readouterr().out
    # A flag beats the environment: a static token, the OAuth variables left unread.
    monkeypatch.setenv("PLUVO_CLIENT_SECRET", "wrong")
    assert main(["diff", reference.url, str(COMMITTED), "--token", reference.token, *queries]) == 0
    assert "No changes" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["pull", "diff"])
def test_a_refused_client_secret_is_one_line_naming_the_token_url(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    reference: Server,
    command: str,
) -> None:
    oauth_environment(monkeypatch, reference, "not-the-secret")
    out = tmp_path / "schema.graphql"
    out.write_text("type Query { previous: Int }\n", encoding="utf-8")
    if command == "pull":
        argv = ["pull", "--url", reference.url, "--out", str(out)]
    else:
        argv = ["diff", str(COMMITTED), reference.url, "--queries", str(REPO / "queries")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == (
        f"pluvo-codegen: {reference.token_url} refused the client id and secret (HTTP 401)\n"
    )
    assert out.read_text(encoding="utf-8") == "type Query { previous: Int }\n"


def test_pull_asks_an_old_server_again_without_the_newer_introspection_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with run_endpoint("old") as url:
        assert main(["pull", "--url", url]) == 0
    assert capsys.readouterr().out == _canonical(COMMITTED.read_text(encoding="utf-8"))


FAILURES = [
    ("unauthorised", ["--token", "wrong"], "HTTP 401 Unauthorized: the token was refused"),
    ("unauthorised", [], "HTTP 401 Unauthorized: no token was given"),
    ("html", [], "the answer is not a GraphQL response (HTTP 200, text/html)"),
    ("disabled", [], "introspection is disabled on this server"),
    ("slow", ["--timeout", "0.3"], "no answer within 0.3 s"),
    # A byte every 0.05 s: no read times out, the whole answer would take 2 s.
    ("drip", ["--timeout", "0.3"], "no complete answer within 0.3 s"),
]


@pytest.mark.parametrize(
    ("mode", "options", "message"),
    FAILURES,
    ids=["wrong_token", "no_token", "not_graphql", "introspection_disabled", "timeout", "drip"],
)
def test_a_failing_endpoint_exits_2_and_leaves_the_out_file_untouched(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mode: str,
    options: list[str],
    message: str,
) -> None:
    out = tmp_path / "schema.graphql"
    out.write_text("type Query { previous: Int }\n", encoding="utf-8")
    with run_endpoint(mode) as url:
        code = main(["pull", "--url", url, "--out", str(out), *options])
    err = capsys.readouterr().err
    assert code == 2
    assert f"pluvo-codegen: {url}: {message}" in err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "type Query { previous: Int }\n"
    assert [p.name for p in tmp_path.iterdir()] == ["schema.graphql"]


def test_an_endpoint_nobody_listens_on_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with run_endpoint("ok") as url:
        pass  # the port is closed again
    assert main(["pull", "--url", url, "--out", str(tmp_path / "schema.graphql")]) == 2
    assert f"{url}: cannot connect" in capsys.readouterr().err
    assert not (tmp_path / "schema.graphql").exists()


def test_a_url_is_a_schema_source_for_diff_too(capsys: pytest.CaptureFixture[str]) -> None:
    with run_endpoint("ok") as url:
        code = main(["diff", str(COMMITTED), url, "--queries", str(REPO / "queries")])
    assert code == 0
    assert "No changes" in capsys.readouterr().out


def test_pull_follows_a_symlinked_out_file_and_keeps_the_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file the link names is replaced; the link is not swapped for a file."""
    shared = tmp_path / "shared" / "pluvo.graphql"
    shared.parent.mkdir()
    shared.write_text("type Query { previous: Int }\n", encoding="utf-8")
    link = tmp_path / "schema.graphql"
    link.symlink_to(Path("shared") / "pluvo.graphql")
    with run_endpoint("ok") as url:
        assert main(["pull", "--url", url, "--out", str(link)]) == 0
    capsys.readouterr()
    assert link.is_symlink() and link.readlink() == Path("shared") / "pluvo.graphql"
    assert shared.read_text(encoding="utf-8") == _canonical(COMMITTED.read_text(encoding="utf-8"))
    assert sorted(p.name for p in shared.parent.iterdir()) == ["pluvo.graphql"]
