"""The reference server's webhooks over real HTTP: `serve --webhook-url` to a loopback receiver.

One server (module-scoped) serves the tests that leave its subscription enabled;
the 410 test and the restart test start their own. `--webhook-retry-base 0.01`
makes the backoff fast (10 ms, 20 ms, 40 ms, ...).
"""

from __future__ import annotations

import base64
import collections
import contextlib
import hashlib
import hmac
import json
import re
import sqlite3
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from server.reference import SEED_OPTIONS, Server, graphql, run_server
from serving import serve_asgi

from codegen.cli import main
from pluvo_client.webhooks import CertificateAchieved, parse_event

from .recording import Received, RecordingReceiver

SECRET = "server-webhook-secret"
SENT_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
ISSUE = """
mutation Issue($id: UUID!, $users: [UUID!]!) {
  generateCertificate(id: $id, userIds: $users) { bulkGenerate { succeededIds failedIds } }
}
"""
FAST = ("--webhook-secret", SECRET, "--webhook-retry-base", "0.01")


def issue(server: Server, template: uuid.UUID, users: list[uuid.UUID]) -> dict[str, Any]:
    response = graphql(server, ISSUE, {"id": str(template), "users": [str(u) for u in users]})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["data"]["generateCertificate"]["bulkGenerate"]
    return result


def independent_signature(body: bytes, salt: str, secret: str) -> str:
    key = hashlib.sha1(salt.encode() + secret.encode()).digest()
    mac = hmac.new(key, body, hashlib.sha1).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def event_of(received: Received) -> CertificateAchieved:
    event = parse_event(received.body, received.headers, SECRET)
    assert isinstance(event, CertificateAchieved)
    return event


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[RecordingReceiver, str]]:
    recording = RecordingReceiver()
    with serve_asgi(recording.app()) as base:
        yield recording, f"{base}/pluvo-hook"


@pytest.fixture(scope="module")
def server(
    receiver: tuple[RecordingReceiver, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    _, url = receiver
    folder = tmp_path_factory.mktemp("webhook-server")
    db = ("--db", str(folder / DB_NAME))  # read by `settle`
    with run_server(folder, *SEED_OPTIONS, *db, "--webhook-url", url, *FAST) as running:
        yield running


@pytest.fixture
def recording(receiver: tuple[RecordingReceiver, str]) -> RecordingReceiver:
    receiver[0].reset()
    return receiver[0]


DB_NAME = "pluvo.sqlite3"


def pending(db: Path) -> int:
    """How many deliveries the server's outbox still holds (read from its SQLite file)."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as con:
        (count,) = con.execute(
            "SELECT COUNT(*) FROM webhook_delivery WHERE state = 'pending'"
        ).fetchone()
    return int(count)


def settle(recording: RecordingReceiver, count: int, db: Path) -> list[Received]:
    """Wait for `count` deliveries and for the server's outbox to hold none, then check
    that no more arrived: with nothing pending, none can (no quiet period to wait out).

    A delivery leaves `pending` only once the receiver has answered, and the receiver
    records each request before it answers.
    """
    arrived = recording.wait_for(count)
    deadline = time.monotonic() + 15
    while pending(db):
        assert time.monotonic() < deadline, f"{pending(db)} deliveries still pending"
        time.sleep(0.01)
    assert len(recording.received) == count, [r.body for r in recording.received[count:]]
    return arrived


def db_of(server: Server) -> Path:
    """The module server's database (`--db` in its folder)."""
    return server.log.parent / DB_NAME


def test_each_issued_certificate_emits_one_signed_event_per_user(
    server: Server, recording: RecordingReceiver
) -> None:
    first, second = server.user_ids[:2]
    template = server.certificate_ids[5]
    stranger = uuid.uuid4()
    result = issue(server, template, [first, stranger, second, first])
    assert result["succeededIds"] == [str(first), str(second)]

    deliveries = settle(recording, 2, db_of(server))
    items = graphql(server, "{ portfolioItems { id user { id } files } }").json()["data"]
    item_ids = {i["user"]["id"]: i["id"] for i in items["portfolioItems"]}
    base = server.url.removesuffix("/graphql/")
    for received, user in zip(deliveries, (first, second), strict=True):
        salt = received.headers["x-signature-salt"]
        assert received.headers["x-signature"] == independent_signature(received.body, salt, SECRET)
        assert received.headers["content-type"] == "application/json"
        assert received.path == "/pluvo-hook"
        data = json.loads(received.body)
        assert data["event"] == "EVENT_CERTIFICATE_ACHIEVED"
        assert SENT_DATE.fullmatch(data["sentDate"])
        event = event_of(received)
        assert event.user.id == user
        assert event.ref == str(template)
        assert event.id == item_ids[str(user)]
        assert event.file == f"{base}/media/certificates/{template}/{user}.pdf"
        assert event.conditions == []
    salts = {r.headers["x-signature-salt"] for r in deliveries}
    assert len(salts) == 2


def test_failed_attempts_are_retried_with_fresh_salts_and_order_per_url_is_kept(
    server: Server, recording: RecordingReceiver
) -> None:
    recording.reset(500, 503, 429)  # three failures, then 200
    users = server.user_ids[2:5]
    issue(server, server.certificate_ids[7], users)
    deliveries = settle(recording, 3 + len(users), db_of(server))
    events = [event_of(r) for r in deliveries]
    assert [e.user.id for e in events] == [users[0]] * 4 + users[1:]
    assert [r.status for r in deliveries] == [500, 503, 429, 200, 200, 200]
    first_four = deliveries[:4]
    assert len({r.headers["x-signature-salt"] for r in first_four}) == 4
    assert len({e.dedupe_key for e in events[:4]}) == 1  # the same event, redelivered
    assert len({e.dedupe_key for e in events}) == 3
    # How long the worker waits between the attempts (Pluvo's doubling backoff) is
    # tested on an injected clock: test_outbox.py, not on this machine's.


def test_a_stalled_receiver_never_slows_the_mutation(
    server: Server, recording: RecordingReceiver
) -> None:
    recording.reset(hold=True)
    users = server.user_ids[5:8]
    issue(server, server.certificate_ids[9], users[:1])
    recording.wait_for_held(1)  # the first delivery is now held by the receiver
    # Both mutations complete while it is held (for the 30 s webhook timeout): one that
    # waited for a delivery could not.
    issue(server, server.certificate_ids[9], users[1:])
    issue(server, server.certificate_ids[10], users[:1])
    assert recording.received == []
    assert recording.held == 1
    recording.release()
    # The deliveries still come, one at a time, in order.
    events = [event_of(r) for r in settle(recording, 4, db_of(server))]
    assert [e.user.id for e in events] == [*users, users[0]]


def test_concurrent_issuances_emit_exactly_one_event_per_user_and_certificate(
    server: Server, recording: RecordingReceiver
) -> None:
    users = server.user_ids[:3]
    templates = server.certificate_ids[20:28]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda t: issue(server, t, [*users, users[0]]), templates))
    assert all(r["succeededIds"] == [str(u) for u in users] for r in results)
    deliveries = settle(recording, len(templates) * len(users), db_of(server))
    pairs = collections.Counter((e.ref, e.user.id) for e in map(event_of, deliveries))
    assert set(pairs) == {(str(t), u) for t in templates for u in users}
    assert set(pairs.values()) == {1}
    assert len({event_of(r).id for r in deliveries}) == len(deliveries)  # one item each


def test_trigger_takes_client_credentials_from_the_environment(
    server: Server,
    recording: RecordingReceiver,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLUVO_TOKEN_URL", server.token_url)
    monkeypatch.setenv("PLUVO_CLIENT_ID", server.client_id)
    monkeypatch.setenv("PLUVO_CLIENT_SECRET", server.client_secret)
    args = ["webhooks", "trigger", "USER_CREATED", "--server", server.url]
    assert main(args) == 0, capsys.readouterr().err
    (received,) = settle(recording, 1, db_of(server))
    assert parse_event(received.body, received.headers, SECRET).event == "USER_CREATED"

    monkeypatch.setenv("PLUVO_CLIENT_SECRET", "wrong")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == f"pluvo-codegen: {server.token_url} refused the client id and secret (HTTP 401)\n"


def test_trigger_asks_the_server_for_an_automatic_issuance(
    server: Server, recording: RecordingReceiver, capsys: pytest.CaptureFixture[str]
) -> None:
    user = server.user_ids[9]
    template = server.certificate_ids[11]
    args = ["webhooks", "trigger", "EVENT_CERTIFICATE_ACHIEVED", "--server", server.url]
    code = main(
        [*args, "--token", server.token, "--user-id", str(user), "--certificate-id", str(template)]
    )
    assert code == 0, capsys.readouterr().err
    (received,) = settle(recording, 1, db_of(server))
    event = event_of(received)
    assert (event.user.id, event.ref) == (user, str(template))
    items = graphql(
        server, "query($u: UUID) { portfolioItems(userId: $u) { id } }", {"u": str(user)}
    )
    assert [i["id"] for i in items.json()["data"]["portfolioItems"]] == [event.id]

    recording.reset()
    assert (
        main(
            ["webhooks", "trigger", "USER_CREATED", "--server", server.url, "--token", server.token]
        )
        == 0
    )
    (other,) = settle(recording, 1, db_of(server))
    generic = parse_event(other.body, other.headers, SECRET)
    assert type(generic) is not CertificateAchieved and generic.event == "USER_CREATED"

    assert main([*args, "--token", "wrong"]) == 2
    assert "401" in capsys.readouterr().err
    assert main([*args, "--token", server.token, "--user-id", str(uuid.uuid4())]) == 2
    assert "No user has the id" in capsys.readouterr().err


@pytest.mark.slow  # restarts or starts a real server: end to end
def test_the_outbox_survives_a_restart_and_a_410_then_stops_every_delivery_to_the_url(
    tmp_path: Path,
) -> None:
    recording = RecordingReceiver()
    recording.reset(default=503)
    db = tmp_path / "pluvo.sqlite3"
    with serve_asgi(recording.app()) as base:
        url = f"{base}/hook"
        options = (*SEED_OPTIONS, "--db", str(db), "--webhook-url", url, *FAST)
        with run_server(tmp_path / "first", *options) as server:
            users = server.user_ids[:2]
            issue(server, server.certificate_ids[3], users)
            recording.wait_for(2)  # refused at least twice: still pending
        refused = [r.status for r in recording.received]
        refused_keys = {event_of(r).user.id: event_of(r).dedupe_key for r in recording.received}
        recording.reset()  # now it answers 200
        with run_server(tmp_path / "second", *options) as server:  # on another port
            delivered = settle(recording, 2, db)
            assert [event_of(r).user.id for r in delivered] == users
            # The same events: a receiver that saw a refused attempt drops these.
            keys = {event_of(r).user.id: event_of(r).dedupe_key for r in delivered}
            assert users[0] in refused_keys
            assert {u: keys[u] for u in refused_keys} == refused_keys

            recording.reset(410)
            issue(server, server.certificate_ids[0], server.user_ids[:3])
            settle(recording, 1, db)  # the other two were dropped with it
            issue(server, server.certificate_ids[1], server.user_ids[:2])
            assert pending(db) == 0  # nothing queued for a disabled URL
            assert len(recording.received) == 1
            assert "answered 410 Gone" in server.stderr()
            answer = httpx.post(
                server.url.replace("/graphql/", "/webhooks/trigger/"),
                json={"event": "USER_CREATED"},
                headers=server.auth,
            )
            assert answer.status_code == 409
    assert len(refused) >= 2
    assert set(refused) == {503}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--webhook-url", "http://127.0.0.1:9/"], "--webhook-url needs --webhook-secret"),
        (["--webhook-secret", "s"], "--webhook-secret goes with --webhook-url"),
        (["--webhook-url", "ftp://x/", "--webhook-secret", "s"], "http:// or https://"),
        (
            ["--webhook-url", "http://x/", "--webhook-secret", "s", "--webhook-retry-base", "-1"],
            "must be a finite number above 0",
        ),
        (
            ["--webhook-url", "http://x/", "--webhook-secret", "s", "--webhook-timeout", "x"],
            "seconds",
        ),
    ],
)
def test_serve_refuses_incomplete_webhook_options_before_starting(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(["serve", "--port", "0", *args])
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_the_trigger_route_refuses_bad_requests_with_4xx(server: Server) -> None:
    url = server.url.replace("/graphql/", "/webhooks/trigger/")
    for body, status in (
        (b"not json", 400),
        (b"[]", 400),
        (b'{"event": ""}', 400),
        (b'{"event": "E", "userId": "not-a-uuid"}', 400),
        (b'{"event": "E", "pad": "' + b"x" * 70_000 + b'"}', 413),
    ):
        answer = httpx.post(url, content=body, headers=server.auth, timeout=10)
        assert answer.status_code == status, (body[:40], answer.text)
    unknown = {"event": "EVENT_CERTIFICATE_ACHIEVED", "certificateId": str(uuid.uuid4())}
    answer = httpx.post(url, json=unknown, headers=server.auth, timeout=10)
    assert answer.status_code == 400
    assert "No certificate template" in answer.text
