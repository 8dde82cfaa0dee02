"""Every command that takes credentials, against every way a token endpoint can fail.

`pull`, `diff`, `init --url`, `verify --schema`, `contract --url` and `webhooks trigger
--server` each meet one hostile loopback token endpoint: it refuses the secret (400,
401), fails (500), stalls, trickles, redirects to another origin, answers garbage (not
JSON, 100 KiB, nested 30 000 deep), hands out a token holding CR/LF or a negative
lifetime; or nothing listens. Each must end with one line naming the token URL, exit 2,
no traceback, no secret, within its small `--timeout` (shown by the line it ends with),
leave every file as it was, and never reach the GraphQL endpoint (it was not asked yet)
nor the redirect's target (the secret is sent once, to the token URL only).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from client.scripted import Reply, ScriptedRequest, scripted_server
from serving import serve_handler

from codegen.cli import main

REPO = Path(__file__).resolve().parent.parent
SECRET = "s3cr3t-Client-Secret"
CLIENT = "client-id-7"
# Small where the failure is a wait (stall, trickle), generous elsewhere: a loaded
# machine must not turn a quick refusal into a timeout.
TIMEOUT = 0.2
WAITS = ("stall", "trickle")
# A command that did not give up within --timeout is told apart by how it ended, not by
# the clock: the stall closes the connection only after 30 s and the trickle sends 1,000
# spaces (not JSON), so neither ends in the "no (complete) answer within" line expected.

FAILURES = {
    "refused 400": "refused the client id and secret (HTTP 400)",
    "refused 401": "refused the client id and secret (HTTP 401)",
    "500": "answered HTTP 500",
    "stall": f"no answer within {TIMEOUT:g} s",
    "trickle": f"no complete answer within {TIMEOUT:g} s",
    "redirect": "answered HTTP 307",  # not followed: the secret goes to the token URL only
    "not json": "sent no usable access_token",
    "huge": "larger than 65536 bytes",
    "deep": "sent no usable access_token",
    "cr/lf token": "sent no usable access_token",
    "bad expires_in": "sent an expires_in that is not a number of seconds",
    "dead port": "cannot connect",
}


@dataclass
class Hostile:
    """A loopback server: /token/ fails as `mode` says; every other path counts requests."""

    mode: str = "refused 401"
    base: str = ""
    other: str = ""  # the base URL a redirect points to
    requests: list[str] = field(default_factory=list)
    authorization: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def token_url(self) -> str:
        return f"{self.base}/token/"

    @property
    def graphql_url(self) -> str:
        return f"{self.base}/graphql/"


@contextlib.contextmanager
def hostile_server() -> Iterator[Hostile]:
    state = Hostile()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append(self.path)
            state.authorization.append(self.headers.get("Authorization", ""))
            if self.path != "/token/":
                self._send(200, b'{"data": {"__typename": "Query"}}')
                return
            mode = state.mode
            if mode.startswith("refused"):
                self._send(int(mode[-3:]), b'{"error": "invalid_client"}')
            elif mode == "500":
                self._send(500, b"<html>oops</html>")
            elif mode == "stall":
                state.stop.wait(30)
                self.close_connection = True
            elif mode == "trickle":  # a byte every 0.1 s: each read is quick, the whole is not
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                for _ in range(1000):
                    if state.stop.wait(0.1):
                        break
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:
                        break
                self.close_connection = True
            elif mode == "redirect":
                self.send_response(307)
                self.send_header("Location", f"{state.other}/token/")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif mode == "not json":
                self._send(200, b"<html>login</html>")
            elif mode == "huge":
                self._send(200, b'{"access_token": "' + b"a" * 100_000 + b'"}')
            elif mode == "deep":
                self._send(200, b"[" * 30_000 + b"]" * 30_000)
            elif mode == "bad expires_in":
                self._send(200, b'{"access_token": "fine", "expires_in": -1}')
            elif mode == "cr/lf token":
                self._send(200, json.dumps({"access_token": "abc\r\nX-Evil: 1"}).encode())
            else:
                raise AssertionError(mode)

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    # A client that hangs up on a huge answer is expected, not news on stderr.
    with serve_handler(Handler, quiet_errors=True) as state.base:
        try:
            yield state
        finally:
            state.stop.set()


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Hostile, Hostile]]:
    """The hostile server, and another origin a redirect points to (which counts requests)."""
    with hostile_server() as hostile, hostile_server() as other:
        hostile.other = other.base
        yield hostile, other


@pytest.fixture(scope="module")
def dead_port() -> str:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    return f"http://127.0.0.1:{port}/token/"


@pytest.fixture(autouse=True)
def no_pluvo_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PLUVO_TOKEN", "PLUVO_TOKEN_URL", "PLUVO_CLIENT_ID", "PLUVO_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("PLUVO_GRAPHQL_URL", raising=False)


CONFIG = ["--config", str(REPO / "pyproject.toml")]
TIMEOUT_FLAG = ["--timeout", "5"]


def command(name: str, url: str, tmp_path: Path) -> list[str]:
    """The argv of command `name` whose endpoint is `url`."""
    if name == "pull":
        return ["pull", "--url", url, "--out", str(tmp_path / "out.graphql"), *CONFIG]
    if name == "diff":
        return ["diff", url, str(REPO / "schema" / "pluvo.graphql"), *CONFIG]
    if name == "init":
        return ["init", str(tmp_path / "repo"), "--url", url]
    if name == "verify":
        return ["verify", str(REPO / "generated" / "pluvo_client"), "--schema", url, *CONFIG]
    if name == "contract":
        return ["contract", "--url", url, "--max-examples", "1", *CONFIG]
    assert name == "webhooks trigger"
    return ["webhooks", "trigger", "EVENT_CERTIFICATE_ACHIEVED", "--server", url, *CONFIG]


COMMANDS = ["pull", "diff", "init", "verify", "contract", "webhooks trigger"]


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("name", COMMANDS)
def test_a_failing_token_endpoint_is_one_line_naming_it_exit_2_in_time(
    name: str,
    failure: str,
    servers: tuple[Hostile, Hostile],
    dead_port: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile, other = servers
    hostile.mode = failure
    hostile.requests.clear()
    other.requests.clear()
    token_url = dead_port if failure == "dead port" else hostile.token_url
    (tmp_path / "out.graphql").write_bytes(b"# the user's file\n")
    before = files_under(tmp_path)
    timeout = TIMEOUT if failure in WAITS else 5.0
    argv = [
        *command(name, hostile.graphql_url, tmp_path),
        *("--timeout", str(timeout)),
        *("--token-url", token_url, "--client-id", CLIENT, "--client-secret", SECRET),
    ]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("pluvo-codegen: "), err
    assert token_url in err and FAILURES[failure] in err, err
    assert "Traceback" not in err + out
    assert SECRET not in err + out and "X-Evil" not in err + out
    assert hostile.graphql_url not in err  # the endpoint was never asked
    assert "/graphql/" not in hostile.requests
    assert other.requests == []  # the redirect's target never saw the secret
    if failure != "dead port":
        assert hostile.requests == ["/token/"]  # one token request, not retried
    assert files_under(tmp_path) == before  # --out and init's folder untouched


@pytest.mark.parametrize("name", COMMANDS)
def test_a_flag_chooses_the_method_over_the_environment_for_every_command(
    name: str,
    servers: tuple[Hostile, Hostile],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--token` leaves the PLUVO_TOKEN_URL/CLIENT_* variables unread (the token endpoint
    is never asked), and `--token-url` leaves PLUVO_TOKEN unread (it is never sent)."""
    hostile, _ = servers
    hostile.mode = "refused 401"
    argv = [*command(name, hostile.graphql_url, tmp_path), *TIMEOUT_FLAG]
    monkeypatch.setenv("PLUVO_TOKEN_URL", hostile.token_url)
    monkeypatch.setenv("PLUVO_CLIENT_ID", CLIENT)
    monkeypatch.setenv("PLUVO_CLIENT_SECRET", SECRET)
    hostile.requests.clear()
    hostile.authorization.clear()
    main([*argv, "--token", "flag-token"])  # the endpoint's answer is no schema: any exit
    capsys.readouterr()
    assert "/token/" not in hostile.requests and hostile.requests
    assert set(hostile.authorization) == {"Bearer flag-token"}

    for variable in ("PLUVO_TOKEN_URL", "PLUVO_CLIENT_ID"):
        monkeypatch.delenv(variable)
    monkeypatch.setenv("PLUVO_TOKEN", "env-token")
    hostile.requests.clear()
    hostile.authorization.clear()
    code = main([*argv, "--token-url", hostile.token_url, "--client-id", CLIENT])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and f"{hostile.token_url} refused" in err, err
    assert hostile.requests == ["/token/"] and "Bearer env-token" not in hostile.authorization
    assert SECRET not in err


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize(
    ("flags", "environ", "expected"),
    [
        (["--token", "t", "--token-url", "http://127.0.0.1:9/t/"], {}, "not allowed with"),
        ([], {"PLUVO_TOKEN": "t", "PLUVO_TOKEN_URL": "http://127.0.0.1:9/t/"}, "both set"),
        (["--client-id", "i"], {"PLUVO_TOKEN": "t"}, "--client-id goes with --token-url"),
        (["--token", ""], {}, "--token is empty"),
        ([], {"PLUVO_TOKEN": "a\r\nX-Evil: 1"}, "PLUVO_TOKEN: not a bearer token"),
    ],
    ids=["both flags", "both variables", "id flag with an env token", "empty", "cr/lf"],
)
def test_broken_credentials_are_one_line_exit_2_before_any_request(
    name: str,
    flags: list[str],
    environ: dict[str, str],
    expected: str,
    servers: tuple[Hostile, Hostile],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile, _ = servers
    hostile.requests.clear()
    for variable, value in environ.items():
        monkeypatch.setenv(variable, value)
    try:
        code = main([*command(name, hostile.graphql_url, tmp_path), *flags])
    except SystemExit as exit:  # argparse's usage error
        code = exit.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    assert code == 2 and expected in err, err
    assert "Traceback" not in err and "X-Evil" not in err
    assert err.count("\n") == 1 or "usage:" in err
    assert hostile.requests == []
    assert not (tmp_path / "repo").exists() and not (tmp_path / "out.graphql").exists()


BROKEN_ENVIRONMENT = {
    "PLUVO_TOKEN": "a b\r\nX-Evil: 1",
    "PLUVO_TOKEN_URL": "ftp://nowhere",
    "PLUVO_CLIENT_ID": "",
    "PLUVO_CLIENT_SECRET": SECRET,
}


@pytest.mark.parametrize(
    "argv",
    [
        ["check", *CONFIG],
        ["diff", str(REPO / "schema" / "pluvo.graphql"), str(REPO / "schema" / "pluvo.graphql")],
        ["verify", str(REPO / "generated" / "pluvo_client"), *CONFIG],
        ["verify", str(REPO / "generated" / "pluvo_client"), "--schema", "schema/pluvo.graphql"],
    ],
    ids=["check", "diff files", "verify", "verify --schema FILE"],
)
def test_a_broken_environment_does_not_touch_a_command_without_a_url(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    for variable, value in BROKEN_ENVIRONMENT.items():
        monkeypatch.setenv(variable, value)
    assert main(argv) == 0, capsys.readouterr().err


def test_a_broken_environment_does_not_touch_webhooks_trigger_to_a_receiver(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--url` is a receiver: it gets a signed sample, never credentials."""
    received: list[dict[str, str]] = []

    def answer(request: ScriptedRequest) -> Reply:
        received.append(dict(request.headers))
        return Reply(204)

    for variable, value in BROKEN_ENVIRONMENT.items():
        monkeypatch.setenv(variable, value)
    with scripted_server(answer) as receiver:
        argv = ["webhooks", "trigger", "USER_CREATED", "--url", receiver.url, "--secret", "x"]
        assert main(argv) == 0, capsys.readouterr().err
        assert main([*argv, "--token", "t"]) == 2
    assert "--token goes with --server" in capsys.readouterr().err
    (headers,) = received
    assert "authorization" not in headers
