"""Benchmark the reference server against one expensive request: thousands of aliases.

What it measures: `--aliases` (default 22,823, under the 1 MiB body limit) aliases of
`certificates{edges{node{id}}}` (a page of 50 each) in one authenticated request,
sent `--rounds` times. For each round: the wall time until the server answers; while it
is being answered, the round-trip time of a concurrent `{ __typename }` from another
connection (sent 50 ms after the expensive one); and the server's resident memory
(VmRSS, Linux) before the first round and after the last. It also times `--aliases 100`
(within the limit) once, to show a legitimate request of that shape still runs.

The server is the reference server (`pluvo-codegen serve`), started as the tests start it
(`tests/server/reference.py`: a fresh database, 120 templates). Run:
`python benchmarks/bench_query_cost.py` (or `nox -s bench_query_cost`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "tests"), str(REPO_ROOT / "generated")]
from server.reference import SEED_OPTIONS, run_server  # noqa: E402


def document(aliases: int) -> str:
    fields = " ".join(f"a{i}:certificates{{edges{{node{{id}}}}}}" for i in range(aliases))
    return f"{{{fields}}}"


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def one_round(url: str, headers: dict[str, str], body: bytes) -> tuple[float, int, float]:
    """(seconds to the expensive answer, its status, seconds of the concurrent `__typename`)."""
    result: dict[str, Any] = {}

    def expensive() -> None:
        with httpx.Client(headers=headers, timeout=600) as client:
            start = time.perf_counter()
            response = client.post(url, content=body)
            result["seconds"] = time.perf_counter() - start
            result["status"] = response.status_code

    thread = threading.Thread(target=expensive)
    thread.start()
    time.sleep(0.05)
    with httpx.Client(headers=headers, timeout=600) as client:
        start = time.perf_counter()
        client.post(url, json={"query": "{ __typename }"}).raise_for_status()
        cheap = time.perf_counter() - start
    thread.join()
    return result["seconds"], result["status"], cheap


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aliases", type=int, default=22_823)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    body = json.dumps({"query": document(args.aliases)}).encode()
    scratch = tempfile.TemporaryDirectory(prefix="bench-cost-")
    with scratch, run_server(Path(scratch.name), *SEED_OPTIONS) as server:
        headers = {
            "Authorization": f"Bearer {server.token}",
            "Content-Type": "application/json",
        }
        before = rss_mb(server.process.pid)
        rounds = [one_round(server.url, headers, body) for _ in range(args.rounds)]
        after = rss_mb(server.process.pid)
        small = json.dumps({"query": document(100)}).encode()
        allowed, status_small, _ = one_round(server.url, headers, small)
    expensive = [r[0] for r in rounds]
    cheap = [r[2] for r in rounds]
    statuses = sorted({r[1] for r in rounds})
    print(f"body: {len(body):,} bytes, {args.aliases:,} aliases; HTTP {statuses}")
    print(
        f"answered in: median {statistics.median(expensive):.3f} s, "
        f"max {max(expensive):.3f} s over {args.rounds} rounds"
    )
    median, worst = statistics.median(cheap), max(cheap)
    print(f"concurrent {{ __typename }}: median {median:.3f} s, max {worst:.3f} s")
    if before is not None and after is not None:
        print(f"server RSS: {before:.0f} MB before, {after:.0f} MB after")
    print(f"100 aliases (allowed): HTTP {status_small} in {allowed:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
