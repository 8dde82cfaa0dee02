"""Run the embedded reference server as a subprocess, over HTTP only, for a run without a URL.

The kit never imports the server: it starts `python -m codegen serve --port 0
--fixture-out F` with the config's schema and reads the fixture that the server
writes once it listens, exactly as it would treat any other endpoint.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from codegen.errors import TargetError

__all__ = ["EmbeddedLaunch", "EmbeddedServer", "launch_embedded_server", "start_embedded_server"]

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class EmbeddedServer:
    """What the running server wrote to its fixture file."""

    url: str
    token: str
    user_ids: tuple[str, ...]


class EmbeddedLaunch:
    """A reference server process that was started and may still be starting up.

    Started early, it boots while the kit imports its own modules; `wait()` returns
    once it listens, and `stop()` ends it (always call it, e.g. in a `finally`).
    """

    def __init__(self, config_file: Path) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="pluvo-contract-")
        folder = Path(self._folder.name)
        self._fixture = folder / "fixture.json"
        self._log = folder / "server.log"
        command = [
            sys.executable,
            "-m",
            "codegen",
            "serve",
            "--config",
            str(config_file),
            "--port",
            "0",
            "--fixture-out",
            str(self._fixture),
        ]
        with self._log.open("wb") as stderr:
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
            )
        self._server: EmbeddedServer | None = None

    def wait(self) -> EmbeddedServer:
        """The running server's fixture, once it listens."""
        if self._server is None:
            self._server = _wait_for_fixture(self._process, self._fixture, self._log)
        return self._server

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        _stop(self._process)
        self._folder.cleanup()


def launch_embedded_server(config_file: Path) -> EmbeddedLaunch:
    """Start the reference server on a free loopback port without waiting for it."""
    return EmbeddedLaunch(config_file)


@contextlib.contextmanager
def start_embedded_server(config_file: Path) -> Iterator[EmbeddedServer]:
    """Start the reference server on a free loopback port; stop it on exit."""
    launch = EmbeddedLaunch(config_file)
    try:
        yield launch.wait()
    finally:
        launch.stop()


def _wait_for_fixture(process: subprocess.Popen[bytes], fixture: Path, log: Path) -> EmbeddedServer:
    deadline = time.monotonic() + START_TIMEOUT
    while not fixture.exists():
        code = process.poll()
        if code is not None or time.monotonic() > deadline:
            reason = (
                f"exited with code {code}"
                if code is not None
                else f"wrote no fixture within {START_TIMEOUT:g} s"
            )
            stderr = log.read_text(encoding="utf-8", errors="replace").strip()
            raise TargetError(f"the embedded reference server {reason}:\n{stderr}")
        time.sleep(0.01)
    data = json.loads(fixture.read_text(encoding="utf-8"))
    return EmbeddedServer(url=data["url"], token=data["token"], user_ids=tuple(data["user_ids"]))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
