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

__all__ = ["EmbeddedServer", "start_embedded_server"]

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class EmbeddedServer:
    """What the running server wrote to its fixture file."""

    url: str
    token: str
    user_ids: tuple[str, ...]


@contextlib.contextmanager
def start_embedded_server(config_file: Path) -> Iterator[EmbeddedServer]:
    """Start the reference server on a free loopback port; stop it on exit."""
    with tempfile.TemporaryDirectory(prefix="pluvo-contract-") as folder:
        fixture = Path(folder) / "fixture.json"
        log = Path(folder) / "server.log"
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
            str(fixture),
        ]
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
            )
        try:
            yield _wait_for_fixture(process, fixture, log)
        finally:
            _stop(process)


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
        time.sleep(0.02)
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
