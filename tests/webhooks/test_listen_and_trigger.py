"""`webhooks listen` as a real subprocess, and `webhooks trigger` sending to a receiver."""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from server.reference import REPO
from serving import serve_asgi

from codegen.cli import main
from codegen.webhooks.check import CheckOptions, check_receiver
from codegen.webhooks.samples import SignedDelivery, certificate_achieved, sample_event
from pluvo_client.webhooks import CertificateAchieved, parse_event

from .recording import RecordingReceiver

SECRET = "listen-secret"


class Listener:
    """A running `pluvo-codegen webhooks listen`, its URL, and its stdout line by line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        assert process.stdout is not None
        self.selector = selectors.DefaultSelector()
        self.selector.register(process.stdout, selectors.EVENT_READ)
        self.stderr = ""
        first = self.line()
        match = re.match(r"Listening on (http://\S+?)/?(,|$)", first)
        assert match, first
        self.url = match.group(1) + "/pluvo"

    def line(self, timeout: float = 15.0) -> str:
        assert self.process.stdout is not None
        if not self.selector.select(timeout):
            raise AssertionError("the listener printed nothing")
        return self.process.stdout.readline().rstrip("\n")


@contextmanager
def listening(*options: str) -> Iterator[Listener]:
    command = [sys.executable, "-m", "codegen", "webhooks", "listen", "--port", "0", *options]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    listener: Listener | None = None
    try:
        listener = Listener(process)
        yield listener
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
        if listener is not None:
            listener.selector.close()
            listener.stderr = stderr


def post(url: str, delivery: SignedDelivery) -> httpx.Response:
    return httpx.post(url, content=delivery.body, headers=delivery.headers, timeout=10)


def test_the_listener_verifies_each_delivery_and_prints_one_line_per_event() -> None:
    user = uuid.uuid4()
    with listening("--secret", SECRET) as listener:
        good = SignedDelivery.of(certificate_achieved(user), SECRET)
        assert post(listener.url, good).status_code == 200
        assert listener.line() == f"EVENT_CERTIFICATE_ACHIEVED user={user} verified -> 200"
        forged = SignedDelivery.of(sample_event("USER_CREATED", user), "another secret")
        assert post(listener.url, forged).status_code == 401
        line = listener.line()
        assert line.startswith(f"USER_CREATED user={user} NOT VERIFIED (")
        assert line.endswith(") -> 401")
        garbage = SignedDelivery.signed(b"<html>", SECRET)
        assert post(listener.url, garbage).status_code == 400
        assert listener.line().startswith("? user=- verified but UNREADABLE (the body is not JSON")
        # Without --forward-to it answers as a correct receiver does.
        report = check_receiver(CheckOptions(url=listener.url, secret=SECRET, timeout=10))
        assert report.violated == []
    assert "Traceback" not in listener.stderr
    assert SECRET not in listener.stderr


def test_the_listener_forwards_each_request_unchanged_then_answers_502_when_the_app_is_down() -> (
    None
):
    app = RecordingReceiver()
    app.reset(202, 401)
    with contextlib.ExitStack() as app_running:
        base = app_running.enter_context(serve_asgi(app.app()))
        with listening("--secret", SECRET, "--forward-to", f"{base}/team-app") as listener:
            good = SignedDelivery.of(certificate_achieved(), SECRET)
            good = good.with_headers({"X-Trace": "abc"})
            assert post(listener.url, good).status_code == 202
            assert listener.line().endswith(" verified -> forwarded: 202")
            forged = SignedDelivery.of(certificate_achieved(), "wrong")
            assert post(listener.url, forged).status_code == 401
            assert " NOT VERIFIED (" in listener.line()

            app_running.close()  # the team's app stops
            assert post(listener.url, good).status_code == 502
            assert "forwarding failed" in listener.line()
    first, second = app.received
    assert (first.path, first.body, second.body) == ("/team-app", good.body, forged.body)
    for received, sent in ((first, good), (second, forged)):
        for name, value in sent.headers.items():
            assert received.headers[name.lower()] == value
    event = parse_event(first.body, first.headers, SECRET)
    assert isinstance(event, CertificateAchieved)


def test_trigger_sends_one_signed_sample_and_exits_by_the_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    user = uuid.uuid4()
    app = RecordingReceiver()
    app.reset(200, 500)
    with serve_asgi(app.app()) as base:
        args = ["webhooks", "trigger", "EVENT_CERTIFICATE_ACHIEVED", "--url", f"{base}/h"]
        assert main([*args, "--secret", SECRET, "--user-id", str(user)]) == 0
        assert main([*args, "--secret", SECRET]) == 1
        assert "answered HTTP 500" in capsys.readouterr().out
    (received, _) = app.received
    event = parse_event(received.body, received.headers, SECRET)
    assert isinstance(event, CertificateAchieved)
    assert event.user.id == user
    assert main([*args, "--secret", SECRET]) == 2  # nothing listens any more
    assert "cannot connect" in capsys.readouterr().err


def test_trigger_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["webhooks", "trigger", "E", "--url", "http://127.0.0.1:9/"]
    assert main([*base, "--secret", "s", "--certificate-id", str(uuid.uuid4())]) == 2
    assert "--certificate-id goes with --server" in capsys.readouterr().err
    assert main(["webhooks", "trigger", "E", "--server", "http://127.0.0.1:9/"]) == 2
    assert "--server needs --token" in capsys.readouterr().err


def test_the_secret_comes_from_the_flag_else_the_environment_when_the_command_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As with every variable: read when the command runs, not when the parser is built."""
    from codegen.cli import build_parser
    from codegen.errors import CodegenError
    from codegen.webhooks.command import _require_secret

    monkeypatch.delenv("PLUVO_WEBHOOK_SECRET", raising=False)
    parser = build_parser()
    monkeypatch.setenv("PLUVO_WEBHOOK_SECRET", "from-env")
    assert _require_secret(parser.parse_args(["webhooks", "listen"])) == "from-env"
    flag = parser.parse_args(["webhooks", "listen", "--secret", "from-flag"])
    assert _require_secret(flag) == "from-flag"
    monkeypatch.setenv("PLUVO_WEBHOOK_SECRET", "")
    with pytest.raises(CodegenError, match=r"^--secret \(or PLUVO_WEBHOOK_SECRET\) is required$"):
        _require_secret(parser.parse_args(["webhooks", "listen"]))
