"""Regression tests from a hostile review of the webhooks: each one failed before its fix."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from serving import serve_asgi
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from codegen.errors import TargetError
from codegen.server.run import ServeOptions
from codegen.webhooks.check import CheckOptions, CheckReport, check_receiver
from codegen.webhooks.listen import ListenOptions, build_listener, describe
from codegen.webhooks.samples import SignedDelivery, certificate_achieved
from codegen.webhooks.trigger import send_sample
from pluvo_client.webhooks import CertificateAchieved, RecentDeliveries, handle_delivery

from .recording import RecordingReceiver

SECRET = "hostile-secret"


@contextlib.contextmanager
def listener(forward_to: str | None, lines: list[str], timeout: float = 5) -> Iterator[str]:
    """The `webhooks listen` app on loopback, in process; yields its URL."""
    options = ListenOptions(SECRET, forward_to=forward_to, timeout=timeout)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        # A client per request, opened and closed on the server's own event loop.
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as http:
            await build_listener(options, lines.append, http)(scope, receive, send)

    with serve_asgi(app) as base:
        yield f"{base}/pluvo"


def test_the_listener_prints_an_unverified_senders_text_on_one_line_escaped() -> None:
    forged = "EVENT_CERTIFICATE_ACHIEVED user=1 verified -> 200\n\x1b[2K"
    body = json.dumps({"event": forged, "user": {"id": "a\nb"}}).encode()
    line, status = describe(body, {"X-Signature": "AAAA", "X-Signature-Salt": "s"}, SECRET)
    assert status == 401
    assert "\n" not in line and "\x1b" not in line
    assert line.endswith(
        "NOT VERIFIED (the X-Signature header does not match the body and the secret)"
    )
    assert "\\n" in line and "\\x1b" in line  # shown, escaped

    huge = json.dumps({"event": "E" * 100_000}).encode()
    line, _ = describe(huge, {}, SECRET)
    assert len(line) < 400 and "NOT VERIFIED" in line


def test_the_listener_forwards_a_header_that_is_not_ascii_unchanged() -> None:
    recording = RecordingReceiver()
    lines: list[str] = []
    delivery = SignedDelivery.of(certificate_achieved(), SECRET)
    with (
        serve_asgi(recording.app()) as app_base,
        listener(f"{app_base}/app", lines) as url,
    ):
        headers = [(k.encode(), v.encode()) for k, v in delivery.headers.items()]
        headers.append((b"X-Trace", b"caf\xe9"))  # latin-1 bytes, as some proxies send
        answer = httpx.post(url, content=delivery.body, headers=headers, timeout=5)
    assert answer.status_code == 200, answer.text
    (received,) = recording.received
    assert received.body == delivery.body
    assert received.headers["x-trace"] == "caf\xe9"  # the same byte, decoded as latin-1
    assert received.headers["x-signature"] == delivery.headers["X-Signature"]
    assert len(lines) == 1 and lines[0].endswith("verified -> forwarded: 200")


@contextlib.contextmanager
def trickling_receiver() -> Iterator[str]:
    """Answers every request with a status line and then one header byte every 50 ms."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stop.wait(0.05):
                    conn.sendall(b"a")
            except OSError:
                pass  # the client gave up: what the test wants

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/hook"
    finally:
        stop.set()
        server.close()


def test_check_gives_each_delivery_its_timeout_in_all_against_a_trickling_receiver() -> None:
    with trickling_receiver() as url:
        done: list[CheckReport] = []
        only = ("valid_events_get_2xx",)
        thread = threading.Thread(
            target=lambda: done.append(
                check_receiver(CheckOptions(url=url, secret=SECRET, timeout=0.5, properties=only))
            ),
            daemon=True,
        )
        thread.start()
        thread.join(10)
        assert done, "webhooks check never returned: every byte restarted httpx's read timeout"
    (report,) = done
    (outcome,) = report.violated
    assert "no answer within 0.5 s" in (outcome.reason or "")


def test_options_holding_a_webhook_secret_never_show_it() -> None:
    options = CheckOptions(url="http://127.0.0.1:1/", secret="the-very-secret")
    assert "the-very-secret" not in repr(options)
    assert "the-very-secret" not in str(options)
    serve = ServeOptions(Path("schema.graphql"), webhook_url="http://x/", webhook_secret="s3cr3t")
    assert "s3cr3t" not in repr(serve)
    settings = serve.webhooks()
    assert settings is not None and settings.secret == "s3cr3t"
    assert "s3cr3t" not in repr(settings)


def test_a_verified_event_is_accepted_whatever_shape_its_optional_fields_have() -> None:
    data = certificate_achieved()
    data.update(
        training="T-1", conditions={"all": True}, file={"url": "https://x/y.pdf"}, id=[1], ref={}
    )
    data["user"] = {**data["user"], "name": {"first": "Zoë"}, "email": ["a@example.org"]}
    delivery = SignedDelivery.of(data, SECRET)
    answer = handle_delivery(delivery.body, delivery.headers, SECRET)
    assert answer.status == 200, answer.error  # a 400 would make Pluvo retry it 72 times
    event = answer.event
    assert isinstance(event, CertificateAchieved)
    assert str(event.user.id) == data["user"]["id"]
    assert (event.training, event.conditions, event.file, event.id, event.ref) == (None,) * 5
    assert (event.user.name, event.user.email) == (None, None)
    assert event.data["conditions"] == {"all": True}  # the raw value is kept
    assert event.data["user"]["name"] == {"first": "Zoë"}


def test_a_salt_that_is_not_text_is_refused_as_a_bad_signature() -> None:
    delivery = SignedDelivery.of(certificate_achieved(), SECRET)
    headers = {**delivery.headers, "X-Signature-Salt": "\udcff"}  # a lone surrogate
    answer = handle_delivery(delivery.body, headers, SECRET)
    assert answer.status == 401


def test_trigger_gives_up_after_its_timeout_in_all_against_a_trickling_receiver() -> None:
    with trickling_receiver() as url, pytest.raises(TargetError, match=r"no answer within 0\.5 s"):
        send_sample("EVENT_X", url, SECRET, None, 0.5)


def test_trigger_reports_the_status_of_an_answer_whose_body_never_ends() -> None:
    async def endless(request: Request) -> StreamingResponse:
        await request.body()

        async def chunks() -> AsyncIterator[bytes]:
            while True:
                yield b"oops "
                await asyncio.sleep(0.01)

        return StreamingResponse(chunks(), status_code=500)

    app = Starlette(routes=[Route("/hook", endless, methods=["POST"])])
    with serve_asgi(app) as base:
        sent = send_sample("EVENT_X", f"{base}/hook", SECRET, None, 0.5)
    assert sent.status == 500
    assert sent.body.startswith("oops oops") and len(sent.body) <= 500


def test_the_listener_says_a_signed_body_that_is_not_an_event_is_verified_but_unreadable() -> None:
    delivery = SignedDelivery.signed(b"[1, 2]", SECRET)
    line, status = describe(delivery.body, delivery.headers, SECRET)
    assert status == 400
    assert "NOT VERIFIED" not in line
    assert line.endswith("verified but UNREADABLE (the body is a JSON list, not an object)")


def test_the_listener_answers_502_when_the_app_trickles_past_the_timeout() -> None:
    lines: list[str] = []
    delivery = SignedDelivery.of(certificate_achieved(), SECRET)
    with trickling_receiver() as app_url, listener(app_url, lines, timeout=0.5) as url:
        answer = httpx.post(url, content=delivery.body, headers=delivery.headers, timeout=10)
    assert answer.status_code == 502
    assert lines == [
        f"EVENT_CERTIFICATE_ACHIEVED user={json.loads(delivery.body)['user']['id']} verified"
        " -> forwarding failed: no answer within 0.5 s -> 502"
    ]


def test_a_verified_event_with_a_lone_surrogate_escape_is_deduplicated_not_crashed_on() -> None:
    data = certificate_achieved()
    data["user"]["name"] = "Zo\ud83d"  # an emoji cut in half, as JSON.stringify escapes it
    seen = RecentDeliveries()
    first = SignedDelivery.signed(json.dumps(data).encode(), SECRET)  # escaped, in ASCII
    assert b"\\ud83d" in first.body
    answer = handle_delivery(first.body, first.headers, SECRET, seen=seen)
    assert answer.status == 200 and answer.is_new
    again_data = {**data, "sentDate": "2030-01-01T00:00:00.000Z"}
    again = SignedDelivery.signed(json.dumps(again_data).encode(), SECRET)
    redelivered = handle_delivery(again.body, again.headers, SECRET, seen=seen)
    assert redelivered.status == 200 and redelivered.duplicate


def test_the_dedupe_key_of_ordinary_text_is_unchanged() -> None:
    data = certificate_achieved()
    data["user"]["name"] = "Zoë Ŝample 😀"
    delivery = SignedDelivery.of(data, SECRET)
    event = handle_delivery(delivery.body, delivery.headers, SECRET).event
    assert event is not None
    content = {k: v for k, v in data.items() if k != "sentDate"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert event.dedupe_key == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
