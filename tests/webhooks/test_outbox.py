"""The outbox and the delivery worker in process, with an injected clock and a real receiver."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from serving import serve_asgi
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from codegen.server.delivery import DeliveryWorker, WebhookSettings
from codegen.server.outbox import Outbox
from codegen.server.seed import make_certificates, make_users
from codegen.server.storage import Storage
from pluvo_client.webhooks import parse_event

from .recording import RecordingReceiver

SECRET = "outbox-secret"


class FakeClock:
    """Wall-clock seconds that move only when told to."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(tmp_path / "db.sqlite3")
    store.seed(make_certificates(3, 1), make_users(4, 1))
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[RecordingReceiver, str]]:
    recording = RecordingReceiver()
    with serve_asgi(recording.app()) as base:
        yield recording, f"{base}/hook"


def issue(storage: Storage, users: list[uuid.UUID]) -> None:
    certificate = storage.find_certificate(storage.list_certificate_ids()[0])
    assert certificate is not None
    now = datetime.now(UTC)
    storage.issue(certificate, users, "Title", None, now, now)


async def drain(worker: DeliveryWorker, clock: FakeClock, rounds: int) -> None:
    """Deliver whatever is due, then jump the clock to the next due time; `rounds` times."""
    for _ in range(rounds):
        await worker.deliver_due()
        due = worker.outbox.next_due_at()
        if due is None:
            return
        clock.now = max(clock.now, due)


def test_the_worker_gives_up_after_72_retries_on_pluvos_backoff(
    storage: Storage, receiver: tuple[RecordingReceiver, str]
) -> None:
    recording, url = receiver
    recording.reset(default=500)
    outbox = Outbox(storage)
    outbox.subscribe(url)
    issue(storage, [storage.list_users()[0].id])
    clock = FakeClock()
    start = clock.now
    settings = WebhookSettings(url, SECRET, timeout=5, retry_base=10)
    worker = DeliveryWorker(outbox, settings, "http://server", clock=clock)

    async def run() -> list[float]:
        times = []
        for _ in range(80):
            if not await worker.deliver_due():
                break
            times.append(clock.now)
            due = outbox.next_due_at()
            if due is None:
                break
            clock.now = due
        await worker.aclose()
        return times

    times = asyncio.run(run())
    assert len(recording.received) == 73  # the first attempt and 72 retries
    assert outbox.counts() == {"failed": 1}
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[:9] == [10.0 * 2**n for n in range(9)]  # 10 s, 20 s, ... 2560 s
    assert set(gaps[9:]) == {3600.0}  # then at most an hour
    assert times[-1] - start == sum(10.0 * 2**n for n in range(9)) + 63 * 3600.0


def test_a_410_drops_the_queue_and_a_new_subscription_to_the_url_enables_it_again(
    storage: Storage, receiver: tuple[RecordingReceiver, str]
) -> None:
    recording, url = receiver
    recording.reset(410)
    outbox = Outbox(storage)
    outbox.subscribe(url)
    users = [u.id for u in storage.list_users()]
    issue(storage, users[:3])
    clock = FakeClock()

    async def run() -> None:
        worker = DeliveryWorker(outbox, WebhookSettings(url, SECRET), "http://s", clock=clock)
        await drain(worker, clock, 10)
        assert len(recording.received) == 1
        assert outbox.counts() == {"dropped": 3}
        issue(storage, users[3:])
        assert outbox.counts() == {"dropped": 3}  # nothing queued for a disabled URL
        outbox.subscribe(url)  # `serve --webhook-url` names it again
        issue(storage, users[3:])
        await drain(worker, clock, 10)
        await worker.aclose()

    asyncio.run(run())
    assert outbox.counts() == {"dropped": 3, "delivered": 1}


def test_two_urls_keep_their_own_order_and_one_failing_does_not_hold_the_other(
    storage: Storage,
) -> None:
    slow, fast = RecordingReceiver(), RecordingReceiver()
    slow.reset(500, 500)
    with serve_asgi(slow.app()) as slow_base, serve_asgi(fast.app()) as fast_base:
        outbox = Outbox(storage)
        users = [u.id for u in storage.list_users()]
        outbox.subscribe(f"{slow_base}/a")
        issue(storage, users[:2])
        outbox.subscribe(f"{fast_base}/b")
        issue(storage, users[2:])
        clock = FakeClock()

        async def run() -> None:
            settings = WebhookSettings("unused", SECRET, retry_base=1)
            worker = DeliveryWorker(outbox, settings, "http://s", clock=clock)
            await worker.deliver_due()
            assert [r.status for r in slow.received] == [500]
            assert len(fast.received) == 1  # not held back by the other URL's failure
            await drain(worker, clock, 20)
            await worker.aclose()

        asyncio.run(run())
    for recording, expected in ((slow, users[:2]), (fast, users[2:])):
        delivered = [r for r in recording.received if r.status == 200]
        ids = [json.loads(r.body)["user"]["id"] for r in delivered]
        assert ids == [str(u) for u in expected]
    assert outbox.counts() == {"delivered": 4}


def test_a_stored_payload_is_sent_unchanged_on_every_attempt_but_sent_date_and_salt(
    storage: Storage, receiver: tuple[RecordingReceiver, str]
) -> None:
    recording, url = receiver
    recording.reset(500)
    outbox = Outbox(storage)
    outbox.subscribe(url)
    issue(storage, [storage.list_users()[1].id])
    clock = FakeClock()

    async def run() -> None:
        worker = DeliveryWorker(outbox, WebhookSettings(url, SECRET), "http://s", clock=clock)
        await drain(worker, clock, 5)
        await worker.aclose()

    asyncio.run(run())
    first, second = (json.loads(r.body) for r in recording.received)
    assert first.pop("sentDate") != second.pop("sentDate")
    assert first == second
    events = [parse_event(r.body, r.headers, SECRET) for r in recording.received]
    assert events[0].dedupe_key == events[1].dedupe_key


def test_a_delivery_that_cannot_be_built_is_given_up_without_holding_the_queue(
    storage: Storage, receiver: tuple[RecordingReceiver, str]
) -> None:
    recording, url = receiver
    recording.reset()
    outbox = Outbox(storage)
    outbox.subscribe(url)
    users = [u.id for u in storage.list_users()]
    issue(storage, users[:2])
    first_item = storage.db.execute("SELECT MIN(id) FROM portfolio_item").fetchone()[0]
    storage.db.execute("DELETE FROM portfolio_item WHERE id = ?", (first_item,))
    clock = FakeClock()

    async def run() -> None:
        worker = DeliveryWorker(outbox, WebhookSettings(url, SECRET), "http://s", clock=clock)
        await drain(worker, clock, 5)
        await worker.aclose()

    asyncio.run(run())
    assert outbox.counts() == {"failed": 1, "delivered": 1}
    (received,) = recording.received
    assert json.loads(received.body)["user"]["id"] == str(users[1])


def test_a_stalled_url_does_not_hold_back_another_urls_deliveries(storage: Storage) -> None:
    stalled, fast = RecordingReceiver(), RecordingReceiver()
    stalled.reset(hold=True)  # answers nothing until released
    with serve_asgi(stalled.app()) as stalled_base, serve_asgi(fast.app()) as fast_base:
        outbox = Outbox(storage)
        users = [u.id for u in storage.list_users()]
        outbox.subscribe(f"{stalled_base}/a")
        issue(storage, users[:1])
        outbox.subscribe(f"{fast_base}/b")
        issue(storage, users[1:])

        async def run() -> float:
            settings = WebhookSettings("unused", SECRET, timeout=20, poll_interval=0.01)
            worker = DeliveryWorker(outbox, settings, "http://s")
            task = asyncio.create_task(worker.run())
            started = asyncio.get_running_loop().time()
            while len(fast.received) < 3 and asyncio.get_running_loop().time() - started < 5:
                await asyncio.sleep(0.01)
            took = asyncio.get_running_loop().time() - started
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            return took

        took = asyncio.run(run())
        stalled.release()
    ids = [json.loads(r.body)["user"]["id"] for r in fast.received]
    # Within the 5 s the loop waits, far less than the stalled URL's 20 s timeout: not one
    # delivery per stalled attempt of the other URL.
    assert ids == [str(u) for u in users[1:]], f"after {took:.1f} s"
    assert outbox.counts() == {"pending": 1, "delivered": 3}  # the stalled one is kept


def test_a_2xx_counts_however_long_its_body_would_take(storage: Storage) -> None:
    async def endless(request: Request) -> StreamingResponse:
        await request.body()

        async def chunks() -> AsyncIterator[bytes]:
            while True:
                yield b"x" * 65536
                await asyncio.sleep(0.01)

        return StreamingResponse(chunks(), status_code=200)

    app = Starlette(routes=[Route("/hook", endless, methods=["POST"])])
    with serve_asgi(app) as base:
        outbox = Outbox(storage)
        outbox.subscribe(f"{base}/hook")
        issue(storage, [storage.list_users()[0].id])

        async def run() -> None:
            settings = WebhookSettings(f"{base}/hook", SECRET, timeout=1)
            worker = DeliveryWorker(outbox, settings, "http://s", clock=FakeClock())
            await worker.deliver_due()
            await worker.aclose()

        asyncio.run(run())
    assert outbox.counts() == {"delivered": 1}


def test_every_attempt_keeps_the_base_url_its_event_was_queued_with(
    storage: Storage, receiver: tuple[RecordingReceiver, str]
) -> None:
    recording, url = receiver
    recording.reset(500)
    outbox = Outbox(storage)
    outbox.subscribe(url, "http://127.0.0.1:8001")
    issue(storage, [storage.list_users()[0].id])
    clock = FakeClock()

    async def run(base_url: str) -> None:  # a server started at `base_url`
        worker = DeliveryWorker(outbox, WebhookSettings(url, SECRET), base_url, clock=clock)
        await drain(worker, clock, 1)
        await worker.aclose()

    asyncio.run(run("http://127.0.0.1:8001"))
    outbox = Outbox(storage)  # restarted on another port
    outbox.subscribe(url, "http://127.0.0.1:8002")
    asyncio.run(run("http://127.0.0.1:8002"))
    first, second = (parse_event(r.body, r.headers, SECRET) for r in recording.received)
    assert first.data["file"].startswith("http://127.0.0.1:8001/media/")
    assert second.data["file"] == first.data["file"]
    assert second.dedupe_key == first.dedupe_key


def test_a_database_from_the_first_outbox_version_gets_the_base_url_column(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.sqlite3"
    store = Storage(db)
    store.seed(make_certificates(1, 1), make_users(1, 1))
    store.db.executescript(
        """
        CREATE TABLE webhook_subscription (
            url TEXT PRIMARY KEY, active INTEGER NOT NULL DEFAULT 0, disabled_at TEXT);
        CREATE TABLE webhook_delivery (
            id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, event TEXT NOT NULL,
            portfolio_item_id INTEGER, payload TEXT, state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL DEFAULT 0,
            last_status INTEGER, last_error TEXT, created_at TEXT NOT NULL);
        CREATE TRIGGER webhook_certificate_achieved AFTER INSERT ON portfolio_item
        BEGIN
            INSERT INTO webhook_delivery (url, event, portfolio_item_id, created_at)
            SELECT url, 'EVENT_CERTIFICATE_ACHIEVED', NEW.id, NEW.created_at
            FROM webhook_subscription WHERE active = 1 AND disabled_at IS NULL;
        END;
        """
    )
    try:
        outbox = Outbox(store)
        outbox.subscribe("http://127.0.0.1:9/hook", "http://127.0.0.1:8001")
        issue(store, [store.list_users()[0].id])
        payload = outbox.payload(outbox.heads()[0].id, "http://elsewhere")
        assert str(payload["file"]).startswith("http://127.0.0.1:8001/media/")
    finally:
        store.close()


def test_stopping_the_worker_as_an_attempt_finishes_stops_it(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cancel that lands as an attempt ends is not lost: `run` returns, cancelled.

    The attempt's end wakes the worker's wait in the same turn of the loop as the
    cancel. `asyncio.wait_for` on Python 3.11 returns the wait's result there and drops
    the cancel, so the worker ran on and `serve` could not stop.
    """
    outbox = Outbox(storage)
    outbox.subscribe("http://127.0.0.1:9/hook")
    issue(storage, [u.id for u in storage.list_users()][:1])

    async def run() -> bool:
        worker = DeliveryWorker(outbox, WebhookSettings("unused", SECRET), "http://s")
        stopping = asyncio.create_task(worker.run())

        async def attempt(_: object) -> None:
            # Runs after the worker's own done callback, which wakes its wait.
            this = asyncio.current_task()
            assert this is not None
            this.add_done_callback(lambda _: stopping.cancel())

        monkeypatch.setattr(worker, "_attempt_safely", attempt)
        done, _ = await asyncio.wait({stopping}, timeout=1)
        if not done:
            stopping.cancel()  # the bug: a second cancel, to end the test
            with contextlib.suppress(asyncio.CancelledError):
                await stopping
            return False
        return stopping.cancelled()

    assert asyncio.run(run())
