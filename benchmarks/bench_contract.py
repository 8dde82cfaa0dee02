"""Time the contract kit's default run against the embedded reference server.

    python benchmarks/bench_contract.py [--rounds N] [--jobs 1|2] [--max-examples N]
                                        [--baseline PATH]

Each round is one whole `pluvo-codegen contract --allow-mutations` process (start-up,
the embedded server, every property at 50 examples), the default run. Reported: the
median wall time against the 20 s target, the CPU time of the kit and its server
together (steadier than wall time on a shared machine), the requests sent, the
slowest properties, and the load average, so that a busy machine shows.

`--baseline PATH` times another checkout of this project too (for example the kit
before a change: `git worktree add /tmp/before REV`), alternating rounds so that
both see the same load, and prints the ratio.
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


def run_once(tree: Path, jobs: int | None, max_examples: int, seed: int) -> dict[str, Any]:
    """One default run of the kit in `tree`; its wall time, CPU time, report and requests.

    `jobs` None leaves out the options a baseline may not know (--jobs, --record).
    """
    with tempfile.TemporaryDirectory(prefix="bench-contract-") as folder:
        record = Path(folder) / "record.jsonl"
        extra = [] if jobs is None else ["--jobs", str(jobs), "--record", str(record)]
        command = [
            sys.executable,
            "-m",
            "codegen",
            "contract",
            "--config",
            str(tree / "pyproject.toml"),
            "--allow-mutations",
            *("--max-examples", str(max_examples), "--seed", str(seed), "--format", "json"),
            *extra,
        ]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PLUVO_")}
        environment["PYTHONPATH"] = str(tree)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        done = subprocess.run(
            command, cwd=tree, capture_output=True, text=True, env=environment, check=False
        )
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        requests = sum(1 for _ in record.open(encoding="utf-8")) if record.exists() else None
    if done.returncode not in (0, 1):
        raise SystemExit(f"the run in {tree} failed (exit {done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "report": json.loads(done.stdout), "requests": requests}


def main() -> int:
    """Run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, choices=(1, 2), default=2)
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0, help="the first round's seed")
    parser.add_argument("--baseline", type=Path, help="another checkout to time alternately")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rounds, baseline = [], []
    for number in range(args.rounds):
        rounds.append(run_once(REPO, args.jobs, args.max_examples, args.seed + number))
        if args.baseline is not None:
            baseline.append(run_once(args.baseline, None, args.max_examples, args.seed + number))
    print(
        f"default run ({args.max_examples} examples per property, mutations allowed, "
        f"--jobs {args.jobs}), {args.rounds} rounds, load average {load:.2f} at the start"
    )
    _show("this tree", rounds)
    if baseline:
        _show(f"baseline {args.baseline}", baseline)
        ratio = statistics.median(r["wall"] for r in rounds) / statistics.median(
            r["wall"] for r in baseline
        )
        cpu_ratio = statistics.median(r["cpu"] for r in rounds) / statistics.median(
            r["cpu"] for r in baseline
        )
        print(f"  this tree / baseline: wall {ratio:.2f}x, CPU {cpu_ratio:.2f}x")
    wall = statistics.median(r["wall"] for r in rounds)
    verdict = "within" if wall <= TARGET_SECONDS else "OVER"
    print(f"  {verdict} the {TARGET_SECONDS:g} s target (median wall {wall:.1f} s)")
    return 0


def _show(name: str, rounds: list[dict[str, Any]]) -> None:
    walls = [r["wall"] for r in rounds]
    cpus = [r["cpu"] for r in rounds]
    last = rounds[-1]["report"]
    print(f"  {name}:")
    print(f"    properties: {last['summary']}; requests per run: {[r['requests'] for r in rounds]}")
    each = ", ".join(f"{w:.1f}" for w in walls)
    print(f"    wall time: median {statistics.median(walls):.1f} s (each: {each})")
    print(f"    CPU time, kit and server: median {statistics.median(cpus):.1f} s")
    slowest = sorted(last["properties"], key=lambda p: -p["seconds"])[:4]
    shown = ", ".join(f"{p['name']} {p['seconds']:.1f} s" for p in slowest)
    print(f"    slowest properties (last round): {shown}")


if __name__ == "__main__":
    sys.exit(main())
