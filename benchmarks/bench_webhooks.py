"""Benchmark: does emitting webhooks slow `generateCertificate` on the reference server?

Three `pluvo-codegen serve` processes run side by side, seeded alike (`--users`
users, 100 by default):

- `off`: no webhooks;
- `busy`: `--webhook-url` to a loopback receiver that answers 200 at once, so the
  delivery worker is sending while the next mutation arrives;
- `stalled`: `--webhook-url` to a receiver that never answers within the run (each
  attempt waits for `--webhook-timeout`, 30 s), the worst case for a blocking design.

Each round issues one template to every user (`--users` events per call on the
webhook servers), on each server in turn, the order rotating every round, and times
the round trip of the POST. The report gives the median and p90 per server, the
ratios of the medians to `off` (the goal: about 1.0), and how many events the busy
receiver got, with their rate. It asserts nothing about timings; it fails only if a
server does not start or a response is wrong.

    python benchmarks/bench_webhooks.py [--rounds N] [--users N] [--json]
    python3 -m nox -s bench_webhooks -- --rounds 60
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

REPO_ROOT = Path(__file__).resolve().parent.parent
ISSUE = (
    "mutation Issue($id: UUID!, $users: [UUID!]!) { generateCertificate(id: $id, userIds: $users)"
    " { bulkGenerate { succeededIds failedIds } } }"
)


class Receiver:
    """A loopback receiver in a thread: it counts deliveries, or holds each one."""

    def __init__(self, *, hold: bool) -> None:
        self.hold = hold
        self.count = 0
        self.first: float | None = None
        self.last: float | None = None
        self.released = threading.Event()

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> Response:
            await request.body()
            while self.hold and not self.released.is_set():
                await asyncio.sleep(0.05)
            now = time.perf_counter()
            self.first = self.first or now
            self.last = now
            self.count += 1
            return Response(status_code=200)

        return Starlette(routes=[Route("/hook", endpoint, methods=["POST"])])

    @contextlib.contextmanager
    def serving(self) -> Iterator[str]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        server = uvicorn.Server(uvicorn.Config(self.app(), log_level="error", lifespan="off"))
        thread = threading.Thread(target=lambda: asyncio.run(server.serve([sock])), daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
        finally:
            self.released.set()
            server.should_exit = True
            thread.join(10)


@contextlib.contextmanager
def serve(folder: Path, users: int, *options: str) -> Iterator[dict[str, Any]]:
    """A `pluvo-codegen serve` subprocess; its fixture once it listens."""
    fixture = folder / "fixture.json"
    command = [
        sys.executable, "-m", "codegen", "serve", "--port", "0", "--users", str(users),
        "--certificates", "20", "--token", "bench", "--fixture-out", str(fixture), *options,
    ]  # fmt: skip
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while not fixture.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: see {folder / 'server.log'}")
            time.sleep(0.05)
        yield json.loads(fixture.read_text(encoding="utf-8"))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def issue_once(http: httpx.Client, server: dict[str, Any], round_: int) -> float:
    """One generateCertificate to every user; its round trip in seconds."""
    template = server["certificate_ids"][round_ % len(server["certificate_ids"])]
    body = json.dumps({"query": ISSUE, "variables": {"id": template, "users": server["user_ids"]}})
    headers = {"Authorization": "Bearer bench", "Content-Type": "application/json"}
    started = time.perf_counter()
    response = http.post(server["url"], content=body, headers=headers)
    elapsed = time.perf_counter() - started
    result = response.json()["data"]["generateCertificate"]["bulkGenerate"]
    if result["succeededIds"] != server["user_ids"]:
        raise SystemExit(f"wrong answer from {server['url']}: {response.text[:200]}")
    return elapsed


def run(rounds: int, users: int) -> dict[str, Any]:
    busy, stalled = Receiver(hold=False), Receiver(hold=True)
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-webhooks-")))
        busy_url = stack.enter_context(busy.serving())
        stalled_url = stack.enter_context(stalled.serving())
        webhook = ("--webhook-secret", "bench-secret", "--webhook-url")
        servers = {}
        for name, options in (
            ("off", ()),
            ("busy", (*webhook, busy_url)),
            ("stalled", (*webhook, stalled_url)),
        ):
            (scratch / name).mkdir()
            servers[name] = stack.enter_context(serve(scratch / name, users, *options))
        http = stack.enter_context(httpx.Client(timeout=60))
        names = list(servers)
        for warmup in range(3):
            for name in names:
                issue_once(http, servers[name], warmup)
        times: dict[str, list[float]] = {name: [] for name in names}
        for round_ in range(rounds):
            order = names[round_ % 3 :] + names[: round_ % 3]
            for name in order:
                times[name].append(issue_once(http, servers[name], round_))
        time.sleep(1.0)  # let the busy worker finish what it was sending
        sent = (3 + rounds) * users
        delivered = busy.count
        spread = (busy.last or 0) - (busy.first or 0)
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "rounds": rounds,
        "users": users,
        "servers": {
            name: {
                "median_ms": medians[name] * 1000,
                "p90_ms": statistics.quantiles(values, n=10)[-1] * 1000,
                "ratio_to_off": medians[name] / medians["off"],
            }
            for name, values in times.items()
        },
        "busy_receiver": {
            "events_queued": sent,
            "events_delivered_within_the_run": delivered,
            "events_per_second": delivered / spread if spread else None,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = run(args.rounds, args.users)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"generateCertificate to {args.users} users, {args.rounds} rounds per server:")
    for name, figures in report["servers"].items():
        print(
            f"  {name:<8} median {figures['median_ms']:7.1f} ms  p90 {figures['p90_ms']:7.1f} ms"
            f"  ratio to off {figures['ratio_to_off']:.2f}"
        )
    busy = report["busy_receiver"]
    rate = busy["events_per_second"]
    print(
        f"busy receiver: {busy['events_delivered_within_the_run']} of {busy['events_queued']}"
        f" events delivered during the run" + (f", {rate:.0f} events/s" if rate else "")
    )


if __name__ == "__main__":
    main()
