"""Starting and stopping: SIGTERM shuts the server down cleanly, leaving nothing behind."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from .reference import SEED_OPTIONS, graphql, run_server


def test_sigterm_stops_the_server_and_deletes_its_temporary_database(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with run_server(tmp_path / "server", *SEED_OPTIONS, env={"TMPDIR": str(scratch)}) as server:
        assert graphql(server, "{ certificates(first: 0) { count } }").status_code == 200
        (folder,) = scratch.iterdir()
        assert (folder / "pluvo.sqlite3").is_file()
    assert server.process.returncode not in (None, -signal.SIGKILL)
    assert list(scratch.iterdir()) == []
    assert "Traceback" not in server.stderr()


def test_a_server_that_cannot_start_fails_the_test_with_its_stderr(tmp_path: Path) -> None:
    with (
        pytest.raises(pytest.fail.Exception) as caught,
        run_server(tmp_path / "server", "--users", "-1"),
    ):
        pass  # not reached: the server exits at once
    message = str(caught.value)
    assert "exited with code 2 before writing its fixture" in message
    assert "--users: must be 0 or more, got -1" in message


def test_client_mistakes_are_answered_without_a_traceback_in_the_server_log(
    tmp_path: Path,
) -> None:
    with run_server(tmp_path / "server", *SEED_OPTIONS) as server:
        bad_cursor = graphql(server, '{ certificates(first: 1, after: "nope") { count } }')
        too_many = graphql(server, "{ certificates(first: 51) { count } }")
        bad_uuid = graphql(server, '{ portfolioItems(userId: "x") { id } }')
        assert all(r.json()["errors"] for r in (bad_cursor, too_many, bad_uuid))
    assert "Traceback" not in server.stderr()
