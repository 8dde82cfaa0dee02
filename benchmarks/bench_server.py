"""Benchmark the reference server (`pluvo-codegen serve`) over real HTTP on loopback.

What it measures, against one server process seeded with `--certificates`
templates (default 100,000) and `--users` users (default 1,000):

- start-up: the wall time from spawning `python -m codegen serve --port 0 ...`
  with a fresh `--db` until its `--fixture-out` file appears, which the server
  writes once it listens. It covers interpreter start, imports, seeding the
  database and binding; seeding dominates at 100,000 templates.
- a full walk: `certificates(first: 50, after: ...)` from the first page to the
  last, one request after another, keeping every page's `endCursor`. The ids it
  sees must be exactly the fixture's `certificate_ids`, in (name, id) order, so
  the cursors used below are ones the server really hands out.
- page depth: the latency of one page of 50 at the start of the list
  (`after: null`) and deep in it (`after:` the walk's cursor ending just before
  position 99% of the list, 99,000 by default). After a few untimed warm-ups the
  two requests alternate for `--rounds` rounds, swapping which goes first every
  round, on one keep-alive `httpx.Client`. A latency is the round trip of one
  POST with a pre-encoded body, up to the whole response read; checking the
  response comes after the clock stops. The report gives the median, p90, min
  and max of each and the ratio of the medians deep/first. Keyset pagination over
  the index on (name, id) should make a deep page cost what the first one costs:
  the target is a ratio of at most 1.3.
- bulk issuing: `generateCertificate` with 1,000 user ids (900 known users from
  the fixture and 100 random unknown UUIDs, shuffled), `--issue-runs` times. Each
  run is a fresh call that issues again (900 new portfolio items each time); the
  report gives the median, min and max wall time. Every run must report exactly
  the known ids as succeeded and the unknown ones as failed, in input order, and
  afterwards one of the users must hold one portfolio item per run.

Run it from the project's environment:

    python benchmarks/bench_server.py [--certificates N] [--rounds N] [--json]
    python3 -m nox -s bench_server -- --rounds 500

This is a benchmark, not a test: it asserts nothing about the timings. It fails
only if the server fails to start or a response is wrong, which would make the
figures meaningless. The server is stopped with SIGTERM at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 50
# Where the deep page starts, as a share of the list: 99,000 of 100,000.
DEEP_SHARE = 0.99
# The goal: a page deep in the list costs at most this much of the first page.
TARGET_RATIO = 1.3
KNOWN_USERS = 900
UNKNOWN_USERS = 100
WARMUP_ROUNDS = 5

PAGE_QUERY = """
query Page($after: String) {
  certificates(first: 50, after: $after) {
    edges { cursor node { id name title } }
    pageInfo { hasNextPage endCursor }
    count
  }
}
"""
ISSUE_MUTATION = """
mutation Issue($id: UUID!, $userIds: [UUID!]!) {
  generateCertificate(id: $id, userIds: $userIds) {
    bulkGenerate { succeededIds failedIds }
  }
}
"""
PORTFOLIO_QUERY = """
query Portfolio($userId: UUID) { portfolioItems(userId: $userId) { id } }
"""


class BenchmarkError(Exception):
    """The server failed, or answered something that makes the figures meaningless."""


@dataclass(frozen=True)
class Latencies:
    """Wall times, in seconds, of one kind of request over every round."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p90(self) -> float:
        """The nearest-rank 90th percentile."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": len(self.samples),
            "median_s": self.median,
            "p90_s": self.p90,
            "min_s": min(self.samples),
            "max_s": max(self.samples),
        }


@dataclass(frozen=True)
class Server:
    """A running server: where it listens, how to authenticate, and its fixture."""

    url: str
    token: str
    user_ids: list[str]
    certificate_ids: list[str]
    startup_s: float


@dataclass(frozen=True)
class Walk:
    """One traversal of the whole list: every id in order and every page's endCursor."""

    ids: list[str]
    end_cursors: list[str]
    seconds: float


@dataclass(frozen=True)
class Report:
    """Every figure of one run."""

    certificates: int
    users: int
    startup_s: float
    walk: Walk
    deep_position: int
    first: Latencies
    deep: Latencies
    issue: Latencies
    issue_known: int
    issue_unknown: int
    server_exit: int | None

    @property
    def ratio(self) -> float:
        return self.deep.median / self.first.median

    def as_dict(self) -> dict[str, Any]:
        return {
            "certificates": self.certificates,
            "users": self.users,
            "startup_s": self.startup_s,
            "walk": {
                "pages": len(self.walk.end_cursors),
                "rows": len(self.walk.ids),
                "total_s": self.walk.seconds,
                "mean_page_s": self.walk.seconds / len(self.walk.end_cursors),
            },
            "page_size": PAGE_SIZE,
            "deep_position": self.deep_position,
            "first_page": self.first.as_dict(),
            "deep_page": self.deep.as_dict(),
            "ratio": self.ratio,
            "target_ratio": TARGET_RATIO,
            "meets_target": self.ratio <= TARGET_RATIO,
            "generate_certificate": {
                **self.issue.as_dict(),
                "user_ids": self.issue_known + self.issue_unknown,
                "known": self.issue_known,
                "unknown": self.issue_unknown,
                "partition_verified": True,
            },
            "server_exit_code": self.server_exit,
            "python": sys.version.split()[0],
            "sqlite": sqlite3.sqlite_version,
        }


def main(argv: Sequence[str] | None = None) -> int:
    """Start the server, measure, stop it, and print the table, or JSON with `--json`."""
    args = build_parser().parse_args(argv)
    if args.certificates < 2 * PAGE_SIZE:
        print(f"bench_server: --certificates must be at least {2 * PAGE_SIZE}", file=sys.stderr)
        return 2
    if args.rounds < 1 or args.issue_runs < 1:
        print("bench_server: --rounds and --issue-runs must be at least 1", file=sys.stderr)
        return 2
    if args.users < KNOWN_USERS:
        print(f"bench_server: --users must be at least {KNOWN_USERS}", file=sys.stderr)
        return 2
    try:
        report = run(args)
    except BenchmarkError as exc:
        print(f"bench_server: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(format_table(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench_server.py",
        description="Time the reference server's pagination and bulk issuing over HTTP.",
    )
    parser.add_argument(
        "--certificates",
        type=int,
        default=100_000,
        metavar="N",
        help="templates to seed (default: 100000)",
    )
    parser.add_argument(
        "--users", type=int, default=1000, metavar="M", help="users to seed (default: 1000)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=200,
        metavar="N",
        help="timed requests of each page, first and deep, alternating (default: 200)",
    )
    parser.add_argument(
        "--issue-runs",
        type=int,
        default=5,
        metavar="N",
        help="timed generateCertificate calls with 1,000 user ids (default: 5)",
    )
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long to wait for the server to seed and listen (default: 300)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the results as JSON instead of a table"
    )
    return parser


def run(args: argparse.Namespace) -> Report:
    """Every measurement, against one server in a scratch folder."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-server-") as scratch_name,
        running_server(Path(scratch_name), args) as (server, process),
    ):
        headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
        with httpx.Client(headers=headers, timeout=60.0) as client:
            print(f"bench_server: walking {args.certificates} templates ...", file=sys.stderr)
            walk = walk_list(client, server)
            deep_position, first, deep = time_pages(client, server.url, walk, args.rounds)
            print(f"bench_server: {args.issue_runs} generateCertificate calls ...", file=sys.stderr)
            issue, known, unknown = time_issue(client, server, args.issue_runs)
    return Report(
        certificates=args.certificates,
        users=args.users,
        startup_s=server.startup_s,
        walk=walk,
        deep_position=deep_position,
        first=first,
        deep=deep,
        issue=issue,
        issue_known=known,
        issue_unknown=unknown,
        server_exit=process.returncode,
    )


@contextlib.contextmanager
def running_server(
    scratch: Path, args: argparse.Namespace
) -> Iterator[tuple[Server, subprocess.Popen[bytes]]]:
    """Spawn the server on a free port, wait for its fixture, SIGTERM it on the way out."""
    fixture_path = scratch / "fixture.json"
    log_path = scratch / "server.log"
    command = [
        sys.executable,
        "-m",
        "codegen",
        "serve",
        "--config",
        str(REPO_ROOT / "pyproject.toml"),
        "--port",
        "0",
        "--certificates",
        str(args.certificates),
        "--users",
        str(args.users),
        "--token",
        "bench",
        "--fixture-out",
        str(fixture_path),
        "--db",
        str(scratch / "bench.sqlite3"),
    ]
    print(
        f"bench_server: starting the server with {args.certificates} templates ...",
        file=sys.stderr,
    )
    with log_path.open("wb") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        while not fixture_path.exists():
            if process.poll() is not None:
                raise BenchmarkError(
                    f"the server exited {process.returncode} before listening:\n" + _tail(log_path)
                )
            if time.perf_counter() - start > args.start_timeout:
                raise BenchmarkError(
                    f"the server did not listen within {args.start_timeout:g} s:\n"
                    + _tail(log_path)
                )
            time.sleep(0.01)
        startup = time.perf_counter() - start
        fixture = json.loads(fixture_path.read_text(encoding="utf-8"))
        server = Server(
            url=fixture["url"],
            token=fixture["token"],
            user_ids=list(fixture["user_ids"]),
            certificate_ids=list(fixture["certificate_ids"]),
            startup_s=startup,
        )
        yield server, process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the server has not exited after ten seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-4000:]


def graphql_body(query: str, variables: dict[str, Any]) -> bytes:
    """A request body, encoded once so that timings hold no client-side encoding."""
    return json.dumps({"query": query, "variables": variables}).encode()


def post(client: httpx.Client, url: str, body: bytes) -> tuple[float, httpx.Response]:
    """The round-trip time of one POST, up to the whole response read, and the response."""
    start = time.perf_counter()
    response = client.post(url, content=body)
    return time.perf_counter() - start, response


def data_of(response: httpx.Response, what: str) -> dict[str, Any]:
    """The `data` of a successful GraphQL response, or a BenchmarkError."""
    if response.status_code != 200:
        raise BenchmarkError(f"{what}: HTTP {response.status_code}: {response.text[:2000]}")
    payload = response.json()
    if not isinstance(payload, dict) or payload.get("errors") or not payload.get("data"):
        raise BenchmarkError(f"{what}: {response.text[:2000]}")
    data: dict[str, Any] = payload["data"]
    return data


def walk_list(client: httpx.Client, server: Server) -> Walk:
    """Fetch every page in order; the ids must be the fixture's, in (name, id) order."""
    ids: list[str] = []
    end_cursors: list[str] = []
    after: str | None = None
    elapsed = 0.0
    while True:
        seconds, response = post(client, server.url, graphql_body(PAGE_QUERY, {"after": after}))
        elapsed += seconds
        connection = data_of(response, f"the page after {len(ids)}")["certificates"]
        ids.extend(edge["node"]["id"] for edge in connection["edges"])
        info = connection["pageInfo"]
        if connection["edges"]:
            end_cursors.append(info["endCursor"])
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    if ids != server.certificate_ids:
        raise BenchmarkError(
            f"the walk saw {len(ids)} ids, {len(set(ids))} distinct, not the fixture's "
            f"{len(server.certificate_ids)} in (name, id) order"
        )
    if connection["count"] != len(ids):
        raise BenchmarkError(f"count says {connection['count']}, the walk saw {len(ids)} rows")
    return Walk(ids, end_cursors, elapsed)


def time_pages(
    client: httpx.Client, url: str, walk: Walk, rounds: int
) -> tuple[int, Latencies, Latencies]:
    """The deep page's position and the latencies of the first page and the deep page."""
    total = len(walk.ids)
    # The start of a full page: about DEEP_SHARE into the list, on a page boundary.
    deep_position = min(int(total * DEEP_SHARE), total - PAGE_SIZE) // PAGE_SIZE * PAGE_SIZE
    deep_after = walk.end_cursors[deep_position // PAGE_SIZE - 1]
    requests = {
        "first": (graphql_body(PAGE_QUERY, {"after": None}), walk.ids[:PAGE_SIZE]),
        "deep": (
            graphql_body(PAGE_QUERY, {"after": deep_after}),
            walk.ids[deep_position : deep_position + PAGE_SIZE],
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in requests}
    print(
        f"bench_server: {rounds} rounds of the first page and the page at {deep_position} ...",
        file=sys.stderr,
    )
    for index in range(WARMUP_ROUNDS + rounds):
        order = list(requests) if index % 2 == 0 else list(requests)[::-1]
        for name in order:
            body, expected = requests[name]
            seconds, response = post(client, url, body)
            connection = data_of(response, f"the {name} page")["certificates"]
            got = [edge["node"]["id"] for edge in connection["edges"]]
            if got != expected:
                raise BenchmarkError(f"the {name} page holds other templates than the walk saw")
            if index >= WARMUP_ROUNDS:
                times[name].append(seconds)
    return deep_position, Latencies(tuple(times["first"])), Latencies(tuple(times["deep"]))


def time_issue(client: httpx.Client, server: Server, runs: int) -> tuple[Latencies, int, int]:
    """Time `runs` calls with 900 known and 100 unknown user ids; check every answer."""
    rng = random.Random(0)
    known = server.user_ids[:KNOWN_USERS]
    known_set = set(known)
    unknown = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(UNKNOWN_USERS)]
    if known_set.intersection(unknown):
        raise BenchmarkError("a random 'unknown' id is a known user; change the seed")
    user_ids = known + unknown
    rng.shuffle(user_ids)
    expected_succeeded = [u for u in user_ids if u in known_set]
    expected_failed = [u for u in user_ids if u not in known_set]
    body = graphql_body(ISSUE_MUTATION, {"id": server.certificate_ids[0], "userIds": user_ids})
    samples: list[float] = []
    for run_index in range(runs):
        seconds, response = post(client, server.url, body)
        bulk = data_of(response, "generateCertificate")["generateCertificate"]["bulkGenerate"]
        if bulk["succeededIds"] != expected_succeeded or bulk["failedIds"] != expected_failed:
            raise BenchmarkError(
                f"generateCertificate run {run_index + 1}: {len(bulk['succeededIds'])} "
                f"succeeded and {len(bulk['failedIds'])} failed, not the {len(known)} known "
                f"and {len(unknown)} unknown ids in input order"
            )
        samples.append(seconds)
    _, response = post(client, server.url, graphql_body(PORTFOLIO_QUERY, {"userId": known[0]}))
    items = data_of(response, "portfolioItems")["portfolioItems"]
    if len(items) != runs:
        raise BenchmarkError(f"a known user holds {len(items)} portfolio items after {runs} runs")
    return Latencies(tuple(samples)), len(known), len(unknown)


def format_table(report: Report) -> str:
    """A fixed-width table: one row per kind of request, then the ratio."""
    walk = report.walk
    pages = len(walk.end_cursors)
    lines = [
        f"reference server: {report.certificates} templates, {report.users} users; "
        f"spawned, seeded and listening in {report.startup_s:.2f} s",
        f"full walk: {pages} pages of {PAGE_SIZE} in {walk.seconds:.2f} s "
        f"({walk.seconds / pages * 1000:.2f} ms a page); ids match the fixture",
        "",
    ]
    header = f"{'request':<36} {'n':>4}  {'median':>9}  {'p90':>9}  {'min':>9}  {'max':>9}"
    lines += [header, "-" * len(header)]
    rows = [
        ("first page (after: null)", report.first),
        (f"deep page (after: #{report.deep_position})", report.deep),
        (
            f"generateCertificate, {report.issue_known + report.issue_unknown} ids",
            report.issue,
        ),
    ]
    for label, latencies in rows:
        lines.append(
            f"{label:<36} {len(latencies.samples):>4}  {_ms(latencies.median)}  "
            f"{_ms(latencies.p90)}  {_ms(min(latencies.samples))}  {_ms(max(latencies.samples))}"
        )
    verdict = "meets" if report.ratio <= TARGET_RATIO else "ABOVE"
    lines += [
        "",
        f"deep/first median ratio: {report.ratio:.2f} ({verdict} the target <= {TARGET_RATIO})",
        f"generateCertificate: every run reported the {report.issue_known} known ids as "
        f"succeeded and the {report.issue_unknown} unknown as failed; each run issues again.",
        "Round-trip wall times over HTTP/1.1 keep-alive on loopback, one request at a time.",
        f"The server was stopped with SIGTERM and exited {report.server_exit}.",
    ]
    return "\n".join(lines)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:>6.2f} ms"


if __name__ == "__main__":
    sys.exit(main())
