"""Benchmark `pluvo-codegen diff` against graphql-inspector on GitHub's schema pairs.

What it measures: the wall time of whole processes, start-up included, as CI
sees them, on the two pairs of GitHub's public schema (about 1 MB each) in
../shared/data/github/:

- `breaking`: schema-bbcdd33 -> schema-2465a14 (one field removed);
- `additive`: schema-8d8d6f1 -> schema-503d8f1 (an argument and an enum added).

Per pair, after one untimed warm-up of each, the two commands alternate for
`--rounds` rounds, swapping which goes first every round:

- ours: `pluvo-codegen diff OLD NEW --queries benchmarks/github/queries`, which
  also maps every change to the five GitHub operations there (more work than
  inspector does);
- inspector: `graphql-inspector diff OLD NEW`.

The report gives each command's median, min and max wall time and the ratio of
the medians ours / inspector (target: at most 1.0), with the same ratio for CPU
time (user + system), steadier on a busy machine. Before timing, it checks that
both report the same breaking changes (level and path). Without graphql-inspector
(`npm install @graphql-inspector/cli graphql` outside this repository) it skips
with a message.

    python benchmarks/bench_diff.py [--rounds N] [--json] [--inspector PATH]
    python3 -m nox -s bench_diff -- --inspector /tmp/inspector/node_modules/.bin/graphql-inspector
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
GITHUB_DIR = REPO_ROOT.parent / "shared" / "data" / "github"
GITHUB_QUERIES = REPO_ROOT / "benchmarks" / "github" / "queries"
PAIRS = {
    "breaking": ("schema-bbcdd33.graphql", "schema-2465a14.graphql"),
    "additive": ("schema-8d8d6f1.graphql", "schema-503d8f1.graphql"),
}
TARGET_RATIO = 1.0

sys.path.insert(0, str(REPO_ROOT))
from benchmarks.inspector import InspectorError, find_inspector, inspector_changes  # noqa: E402


class BenchmarkError(Exception):
    """A command failed, or the two tools disagree on the breaking changes."""


@dataclass(frozen=True)
class Timings:
    """Wall and CPU times, in seconds, of one command over every round."""

    samples: tuple[float, ...]
    cpu_samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_samples)

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_s": self.median,
            "min_s": min(self.samples),
            "max_s": max(self.samples),
            "samples_s": list(self.samples),
            "cpu_median_s": self.cpu_median,
        }


@dataclass(frozen=True)
class Result:
    """The figures for one pair."""

    pair: str
    ours: Timings
    inspector: Timings
    same_breaking: bool

    @property
    def ratio(self) -> float:
        return self.ours.median / self.inspector.median

    @property
    def cpu_ratio(self) -> float:
        return self.ours.cpu_median / self.inspector.cpu_median

    def as_dict(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "rounds": len(self.ours.samples),
            "ours": self.ours.as_dict(),
            "inspector": self.inspector.as_dict(),
            "ratio": self.ratio,
            "cpu_ratio": self.cpu_ratio,
            "target_ratio": TARGET_RATIO,
            "meets_target": self.ratio <= TARGET_RATIO,
            "same_breaking_changes": self.same_breaking,
        }


def main(argv: Sequence[str] | None = None) -> int:
    """Time both tools on each pair and print a table, or JSON with `--json`."""
    args = build_parser().parse_args(argv)
    if args.rounds < 1:
        print("bench_diff: --rounds must be at least 1", file=sys.stderr)
        return 2
    inspector = find_inspector(args.inspector)
    if inspector is None:
        print(
            "bench_diff: skipped: graphql-inspector not found (pass --inspector PATH, or "
            "`npm install @graphql-inspector/cli graphql` and run from that folder)",
            file=sys.stderr,
        )
        return 0
    ours = Path(sys.executable).parent / "pluvo-codegen"
    if not ours.is_file():
        print(f"bench_diff: {ours}: not found; install the project here", file=sys.stderr)
        return 1
    results: list[Result] = []
    try:
        for name, (old_name, new_name) in PAIRS.items():
            old, new = args.github_dir / old_name, args.github_dir / new_name
            if not old.is_file() or not new.is_file():
                print(f"bench_diff: skipping {name}: {old} or {new} is missing", file=sys.stderr)
                continue
            print(f"bench_diff: {name}: {args.rounds} rounds ...", file=sys.stderr)
            results.append(run_pair(name, old, new, ours, inspector, args.rounds))
    except (BenchmarkError, InspectorError) as exc:
        print(f"bench_diff: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"results": [r.as_dict() for r in results]}, indent=2))
    else:
        print(format_table(results))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench_diff.py",
        description="Time `pluvo-codegen diff` against graphql-inspector on GitHub's schema.",
    )
    parser.add_argument("--rounds", type=int, default=9, metavar="N", help="default: 9")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--inspector",
        type=Path,
        metavar="PATH",
        help="graphql-inspector binary (default: on PATH, or ./node_modules/.bin)",
    )
    parser.add_argument(
        "--github-dir",
        type=Path,
        default=GITHUB_DIR,
        metavar="DIR",
        help=f"folder with the schema files (default: {GITHUB_DIR})",
    )
    return parser


def run_pair(name: str, old: Path, new: Path, ours: Path, inspector: Path, rounds: int) -> Result:
    """Check that both agree on what breaks, then time them alternately."""
    ours_cmd = [str(ours), "diff", str(old), str(new), "--queries", str(GITHUB_QUERIES)]
    inspector_cmd = [str(inspector), "diff", str(old), str(new)]
    completed = subprocess.run(
        [*ours_cmd, "--format", "json"], capture_output=True, check=False, cwd=REPO_ROOT
    )
    if completed.returncode not in (0, 1):
        raise BenchmarkError(f"{name}: pluvo-codegen diff exited {completed.returncode}")
    our_breaking = {
        (c["level"], c["path"])
        for c in json.loads(completed.stdout)["changes"]
        if c["level"] == "BREAKING"
    }
    their_breaking = {
        (c["level"], c["path"])
        for c in inspector_changes(inspector, old, new)
        if c["level"] == "BREAKING"
    }
    same = our_breaking == their_breaking
    if not same:
        print(
            f"bench_diff: {name}: breaking changes differ: ours {sorted(our_breaking)}, "
            f"inspector {sorted(their_breaking)}",
            file=sys.stderr,
        )
    ours_times: list[tuple[float, float]] = []
    inspector_times: list[tuple[float, float]] = []
    run(ours_cmd)  # warm-up: file system caches, byte code
    run(inspector_cmd)
    for index in range(rounds):
        pairs = [(ours_cmd, ours_times), (inspector_cmd, inspector_times)]
        for command, times in pairs if index % 2 == 0 else pairs[::-1]:
            times.append(run(command))
    return Result(name, _timings(ours_times), _timings(inspector_times), same)


def _timings(pairs: Sequence[tuple[float, float]]) -> Timings:
    return Timings(tuple(wall for wall, _ in pairs), tuple(cpu for _, cpu in pairs))


def run(command: Sequence[str]) -> tuple[float, float]:
    """Run `command`; return its wall and CPU time. Exit 1 (changes found) is fine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, check=False, cwd=REPO_ROOT)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode not in (0, 1):
        output = (completed.stdout + completed.stderr).decode("utf-8", "replace")
        raise BenchmarkError(f"`{Path(command[0]).name}` exited {completed.returncode}:\n{output}")
    return elapsed, cpu


def format_table(results: Sequence[Result]) -> str:
    """One row per pair."""
    header = (
        f"{'pair':<9} {'rounds':>6}  {'ours median (min-max)':<23}  "
        f"{'inspector median (min-max)':<26}  {'ratio':>5}  {'cpu ratio':>9}  same breaking"
    )
    rows = [header, "-" * len(header)]
    for result in results:
        flag = "" if result.ratio <= TARGET_RATIO else f"  ABOVE the {TARGET_RATIO} target"
        rows.append(
            f"{result.pair:<9} {len(result.ours.samples):>6}  {_span(result.ours):<23}  "
            f"{_span(result.inspector):<26}  {result.ratio:>5.2f}  {result.cpu_ratio:>9.2f}  "
            f"{'yes' if result.same_breaking else 'NO'}{flag}"
        )
    if not results:
        rows.append("(no pairs ran)")
    rows.append(
        "Whole-process wall times in seconds. ratio = median ours / median inspector "
        f"(target <= {TARGET_RATIO});\ncpu ratio = the same for user + system CPU time."
    )
    return "\n".join(rows)


def _span(timings: Timings) -> str:
    return f"{timings.median:.3f} ({min(timings.samples):.3f}-{max(timings.samples):.3f})"


if __name__ == "__main__":
    sys.exit(main())
