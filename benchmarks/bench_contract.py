"""Time the contract kit's default run against the embedded reference server.

    python benchmarks/bench_contract.py [--rounds N] [--jobs 1|2] [--max-examples N]

Each round is one whole `pluvo-codegen contract --allow-mutations` process (start-up,
the embedded server, every property at 50 examples), the default run. Reported: the
median wall time against the 20 s target, the CPU time of the kit and its server
together (steadier than wall time on a shared machine), the requests sent, the
slowest properties, and the load average, so that a busy machine shows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 20.0


def run_once(jobs: int, max_examples: int, seed: int) -> dict[str, Any]:
    """One default run; its wall time, CPU time, report and request count."""
    with tempfile.TemporaryDirectory(prefix="bench-contract-") as folder:
        record = Path(folder) / "record.jsonl"
        command = [
            sys.executable,
            "-m",
            "codegen",
            "contract",
            "--config",
            str(REPO / "pyproject.toml"),
            "--allow-mutations",
            *("--jobs", str(jobs), "--max-examples", str(max_examples)),
            *("--seed", str(seed), "--format", "json", "--record", str(record)),
        ]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PLUVO_")}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        done = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, env=environment, check=False
        )
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        requests = sum(1 for _ in record.open(encoding="utf-8"))
    if done.returncode not in (0, 1):
        raise SystemExit(f"the run failed (exit {done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "report": json.loads(done.stdout), "requests": requests}


def main() -> int:
    """Run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, choices=(1, 2), default=2)
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0, help="the first round's seed")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rounds = [run_once(args.jobs, args.max_examples, args.seed + n) for n in range(args.rounds)]
    walls = [r["wall"] for r in rounds]
    cpus = [r["cpu"] for r in rounds]
    last = rounds[-1]["report"]
    summary = last["summary"]
    print(
        f"default run ({args.max_examples} examples per property, mutations allowed, "
        f"--jobs {args.jobs}), {args.rounds} rounds, load average {load:.2f} at the start"
    )
    print(f"  properties: {summary}; requests per run: {[r['requests'] for r in rounds]}")
    print(
        f"  wall time:  median {statistics.median(walls):.1f} s  (each: "
        + ", ".join(f"{w:.1f}" for w in walls)
        + ")"
    )
    print(f"  CPU time (kit + server): median {statistics.median(cpus):.1f} s")
    slowest = sorted(last["properties"], key=lambda p: -p["seconds"])[:5]
    print(
        "  slowest properties (last round): "
        + ", ".join(f"{p['name']} {p['seconds']:.1f} s" for p in slowest)
    )
    verdict = "within" if statistics.median(walls) <= TARGET_SECONDS else "OVER"
    print(f"  {verdict} the {TARGET_SECONDS:g} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
