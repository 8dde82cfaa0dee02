"""Time the default test suite as `nox -s tests` runs it, and what each test file costs.

    python benchmarks/bench_suite.py [--top 25] [--json PATH] [-- PYTEST ARGS]

Runs `pytest -n 2 --dist loadscope --durations=0` under the `ci` hypothesis profile
(the `nox -s tests` command line) in this checkout's interpreter, then prints the wall
time and, per file, the seconds its tests took (setup + call + teardown, summed over
both workers). The per-file sums add up to more than the wall time: two workers run
side by side. On a shared machine the wall time is inflated; compare per-file costs
between runs on the same machine rather than across machines.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DURATION = re.compile(r"^\s*([\d.]+)s (?:setup|call|teardown)\s+(\S+?)::")
SUMMARY = re.compile(r"^=*\s*(\d+ passed.*) in ([\d.]+)s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=25, help="files to list (default: 25)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args()
    command = [
        sys.executable,
        *("-m", "pytest", "-q", "-n", "2", "--dist", "loadscope", "--durations=0"),
        *("-p", "no:cacheprovider", *args.pytest_args),
    ]
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "HYPOTHESIS_PROFILE": "ci"},
        check=False,
    )
    wall = time.perf_counter() - started
    per_file: dict[str, float] = collections.defaultdict(float)
    summary = "no summary line"
    for line in result.stdout.splitlines():
        if match := DURATION.match(line):
            per_file[match.group(2)] += float(match.group(1))
        elif match := SUMMARY.match(line):
            summary = f"{match.group(1)} in {match.group(2)} s"
    print(f"wall: {wall:.1f} s ({summary}); pytest exit code {result.returncode}")
    print(f"test time, both workers: {sum(per_file.values()):.1f} s")
    ranked = sorted(per_file.items(), key=lambda item: -item[1])
    for name, seconds in ranked[: args.top]:
        print(f"{seconds:7.1f} s  {name}")
    if args.json is not None:
        figures = {"wall": wall, "summary": summary, "per_file": dict(ranked)}
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:])
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
