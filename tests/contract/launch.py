"""Start the reference server or a broken one as a subprocess, and run the kit against it.

Both are real processes on loopback: `broken_server.py --bug NAME` or
`python -m codegen serve`, each writing its fixture JSON once it listens, and
`python -m codegen contract --format json` pointed at it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["HERE", "REPO", "KitRun", "Served", "bug_url", "run_kit", "serve", "serve_each"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
START_TIMEOUT = 30.0
KIT_TIMEOUT = 300.0


@dataclass(frozen=True)
class Served:
    """A running server's fixture: where it listens, its token, its users and credentials."""

    url: str
    token: str
    token_url: str
    client_id: str
    client_secret: str
    user_ids: list[str]


@dataclass(frozen=True)
class KitRun:
    """One `pluvo-codegen contract` process: its exit code, output and parsed JSON report."""

    code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        """The JSON report (for runs with --format json)."""
        try:
            parsed: dict[str, Any] = json.loads(self.stdout)
        except ValueError:
            raise AssertionError(
                f"no JSON report (exit {self.code}):\n{self.stdout}\n{self.stderr}"
            ) from None
        return parsed

    def names(self, status: str) -> set[str]:
        """The names of the properties with this status."""
        return {p["name"] for p in self.report["properties"] if p["status"] == status}


@contextlib.contextmanager
def serve(directory: Path, bug: str | None = None, *, bug_paths: bool = False) -> Iterator[Served]:
    """Run the reference server, with `bug` injected when given; stop it on exit.

    With `bug_paths`, one server serves every bug of `broken_server.PAGE_BUGS` at
    `/bug/NAME/graphql/` (see `bug_url`), and the unpatched server at `/graphql/`.
    """
    directory.mkdir(parents=True, exist_ok=True)
    fixture = directory / "fixture.json"
    fixture.unlink(missing_ok=True)  # a server started earlier in this folder wrote one
    if bug_paths:
        program = [str(HERE / "broken_server.py"), "--bug-paths"]
    elif bug:
        program = [str(HERE / "broken_server.py"), "--bug", bug]
    else:
        program = ["-m", "codegen", "serve"]
    command = [
        sys.executable,
        *program,
        "--config",
        str(REPO / "pyproject.toml"),
        "--port",
        "0",
        "--fixture-out",
        str(fixture),
    ]
    with (directory / "server.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not fixture.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = (directory / "server.log").read_text(errors="replace")
                raise RuntimeError(f"{' '.join(command)} did not start:\n{log_text}")
            time.sleep(0.02)
        data = json.loads(fixture.read_text(encoding="utf-8"))
        yield Served(
            data["url"],
            data["token"],
            data["token_url"],
            data["client_id"],
            data["client_secret"],
            data["user_ids"],
        )
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serve_each(directory: Path, bugs: Sequence[str]) -> Iterator[dict[str, Served]]:
    """One server per bug, forked from one process that imported the server once."""
    directory.mkdir(parents=True, exist_ok=True)
    fixtures = {bug: directory / f"{bug}.json" for bug in bugs}
    for fixture in fixtures.values():
        fixture.unlink(missing_ok=True)
    command = [
        sys.executable,
        str(HERE / "broken_server.py"),
        *("--bugs", ",".join(bugs), "--fixture-dir", str(directory)),
        *("--config", str(REPO / "pyproject.toml"), "--port", "0"),
    ]
    with (directory / "servers.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT + len(bugs)
        while not all(fixture.exists() for fixture in fixtures.values()):
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = (directory / "servers.log").read_text(errors="replace")
                raise RuntimeError(f"{' '.join(command)} did not start:\n{log_text}")
            time.sleep(0.02)
        yield {bug: _read_fixture(fixture) for bug, fixture in fixtures.items()}
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _read_fixture(path: Path) -> Served:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Served(
        data["url"],
        data["token"],
        data["token_url"],
        data["client_id"],
        data["client_secret"],
        data["user_ids"],
    )


def run_kit(*arguments: str, env: dict[str, str] | None = None) -> KitRun:
    """`python -m codegen contract *arguments` with this repository's config."""
    command = [
        sys.executable,
        "-m",
        "codegen",
        "contract",
        "--config",
        str(REPO / "pyproject.toml"),
        *arguments,
    ]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLUVO_")}
    done = subprocess.run(
        command,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=KIT_TIMEOUT,
        env={**clean, **(env or {})},
    )
    return KitRun(done.returncode, done.stdout, done.stderr)


def bug_url(served: Served, bug: str) -> str:
    """The URL of one broken variant on a server started with `bug_paths`."""
    return served.url.replace("/graphql/", f"/bug/{bug}/graphql/")


def kit_arguments(served: Served, *extra: str) -> Sequence[str]:
    """--url, --token and every --user-id of a served fixture, then `extra`."""
    users = [option for user in served.user_ids for option in ("--user-id", user)]
    return ["--url", served.url, f"--token={served.token}", *users, *extra]
