"""Start the reference server (`python -m codegen serve`) as a subprocess, and talk to it.

`run_server(directory, *options)` starts it on a free loopback port, waits for the
fixture JSON it writes once it listens, and stops it with SIGTERM on exit (SIGKILL
if that does not work). The server's stderr goes to `directory/server.log`, a file
rather than a pipe: the server logs every GraphQL error, and a full pipe that
nobody reads would block it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from pluvo_client import AsyncClient
from pluvo_client.list_certificates import ListCertificatesCertificatesEdges

__all__ = [
    "CERTIFICATES",
    "HTTP_TIMEOUT",
    "REPO",
    "SEED",
    "SEED_OPTIONS",
    "USERS",
    "Server",
    "ServerPool",
    "ServerProcess",
    "graphql",
    "issue",
    "list_edges",
    "run_server",
]

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
HTTP_TIMEOUT = 10.0

# Large enough for several pages of 50 and many name ties; small enough to start fast.
CERTIFICATES = 120
USERS = 10
SEED = 7
SEED_OPTIONS = ("--certificates", str(CERTIFICATES), "--users", str(USERS), "--seed", str(SEED))


@dataclass(frozen=True)
class Server:
    """A running server: the parsed fixture file, and the process behind it."""

    url: str
    token: str
    token_url: str
    client_id: str
    client_secret: str
    user_ids: list[uuid.UUID]
    certificate_ids: list[uuid.UUID]
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, token: str | None = None) -> AsyncClient:
        """The generated client, authenticated with `token` (default: the static token)."""
        bearer = self.token if token is None else token
        return AsyncClient(url=self.url, headers={"Authorization": f"Bearer {bearer}"})

    @property
    def auth(self) -> dict[str, str]:
        """The Authorization header with the static token."""
        return {"Authorization": f"Bearer {self.token}"}

    def stderr(self) -> str:
        """What the server has written to stderr so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


class ServerProcess:
    """One `python -m codegen serve` subprocess.

    Creating it starts the process and returns at once, so that several can start
    side by side; `ready()` waits for the fixture file. `terminate()` sends SIGTERM
    without waiting, and `reap()` waits (SIGKILL after `STOP_TIMEOUT`).
    """

    def __init__(
        self, directory: Path, *options: str, env: Mapping[str, str] | None = None
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.fixture = directory / "fixture.json"
        self.fixture.unlink(missing_ok=True)  # a restart in the same folder must not read it
        self.log = directory / "server.log"
        self.command = [
            sys.executable,
            "-m",
            "codegen",
            "serve",
            "--config",
            str(REPO / "pyproject.toml"),
            "--port",
            "0",
            "--fixture-out",
            str(self.fixture),
            *options,
        ]
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen(
                self.command,
                cwd=REPO,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env={**os.environ, **(env or {})},
            )
        self._server: Server | None = None

    def ready(self) -> Server:
        """The parsed fixture, once the server listens; a clear failure if it never does."""
        if self._server is None:
            data = self._wait_for_fixture()
            self._server = Server(
                url=data["url"],
                token=data["token"],
                token_url=data["token_url"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                user_ids=[uuid.UUID(u) for u in data["user_ids"]],
                certificate_ids=[uuid.UUID(c) for c in data["certificate_ids"]],
                process=self.process,
                log=self.log,
            )
        return self._server

    def _wait_for_fixture(self) -> dict[str, Any]:
        deadline = time.monotonic() + START_TIMEOUT
        while not self.fixture.exists():
            code = self.process.poll()
            if code is not None:
                self._fail(f"the server exited with code {code} before writing its fixture")
            if time.monotonic() > deadline:
                self._fail(f"the server wrote no fixture within {START_TIMEOUT:.0f} s")
            time.sleep(0.02)
        data: dict[str, Any] = json.loads(self.fixture.read_text(encoding="utf-8"))
        return data

    def _fail(self, reason: str) -> None:
        stderr = self.log.read_text(encoding="utf-8", errors="replace")
        pytest.fail(
            f"{reason}.\ncommand: {' '.join(self.command)}\nstderr:\n{stderr}", pytrace=False
        )

    def terminate(self) -> None:
        """Send SIGTERM, if it still runs; do not wait."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def reap(self) -> None:
        """Wait for the process to end; SIGKILL it if SIGTERM was not enough."""
        self.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def run_server(
    directory: Path, *options: str, env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """Run `python -m codegen serve --port 0 --fixture-out directory/fixture.json *options`.

    Yields the parsed fixture once the server listens; on exit, stops the server and
    waits until it has exited.
    """
    server = ServerProcess(directory, *options, env=env)
    try:
        yield server.ready()
    finally:
        server.reap()


class ServerPool:
    """Servers with `SEED_OPTIONS`, each used by one test (or one module) only."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.spare: ServerProcess | None = None
        self.stopping: list[ServerProcess] = []

    def _start(self) -> ServerProcess:
        return ServerProcess(self.factory.mktemp("server"), *SEED_OPTIONS)

    def take(self) -> ServerProcess:
        """A server nobody has used, and start the next one."""
        server = self.spare or self._start()
        self.spare = self._start()
        return server

    def retire(self, server: ServerProcess) -> None:
        """Stop `server`; it is waited for when the session ends."""
        server.terminate()
        self.stopping.append(server)

    def close(self) -> None:
        if self.spare is not None:
            self.retire(self.spare)
        for server in self.stopping:
            server.reap()


def graphql(
    server: Server,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """One raw GraphQL POST with the static token, for what the generated client cannot send."""
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return httpx.post(
        server.url,
        json=body,
        headers={**server.auth, **(headers or {})},
        timeout=HTTP_TIMEOUT,
    )


async def list_edges(client: AsyncClient) -> list[ListCertificatesCertificatesEdges]:
    """Every template's edge, paging forward 50 at a time."""
    edges: list[ListCertificatesCertificatesEdges] = []
    after: str | None = None
    while True:
        page = await client.list_certificates(first=50, after=after)
        assert page.certificates is not None
        edges += [e for e in page.certificates.edges if e is not None]
        if not page.certificates.page_info.has_next_page:
            return edges
        after = page.certificates.page_info.end_cursor


async def issue(
    client: AsyncClient, template: uuid.UUID, users: list[uuid.UUID], **options: Any
) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """Call generateCertificate; return its (succeededIds, failedIds)."""
    result = await client.generate_certificate(id=template, user_ids=users, **options)
    assert result.generate_certificate is not None
    bulk = result.generate_certificate.bulk_generate
    return bulk.succeeded_ids, bulk.failed_ids
