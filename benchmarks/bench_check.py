"""Benchmark `pluvo-codegen check` against a bare `ariadne-codegen` run on the same inputs.

What it measures: the wall time of whole processes, start-up included, as CI sees
them. For each case the script builds a scratch folder holding a copy of the
schema, the operations and any files the config names, plus two configs that differ
only in `target_package_path`:

- `check.toml` targets `committed/`, which `pluvo-codegen generate` fills once, so
  every timed `pluvo-codegen check --config check.toml` finds no drift;
- `bare.toml` targets `bare/`, for `ariadne-codegen --config bare.toml`, which
  resolves paths against the working directory and so runs from the scratch folder.

After one untimed warm-up of each, the two commands alternate for `--rounds`
rounds, swapping which goes first every round. The report gives, per case and per
command, the median, min and max wall time, and the ratio of the medians
check/bare. The target is a ratio of at most 1.2 on GitHub's schema. The same
ratio for CPU time (user + system, ruff's subprocesses included) is shown beside
it: when other jobs share the machine, it is the steadier of the two.

Cases:

- `pluvo`: this repository's schema, operations and `[tool.ariadne-codegen]`
  settings from pyproject.toml (base client, included files, scalars).
- `github`: GitHub's public schema (about 1 MB) with the operations in
  benchmarks/github/queries/. Skipped, with a message, if the schema is missing.

Run it from the project's environment:

    python benchmarks/bench_check.py [--rounds N] [--json] [--github-schema PATH]
    python3 -m nox -s benchmark -- --rounds 11

This is a benchmark, not a test: it asserts nothing about the timings. It fails
only if a command fails or `check` reports drift, which would make the figures
meaningless.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_ROOT / "benchmarks"
DEFAULT_GITHUB_SCHEMA = REPO_ROOT.parent / "shared" / "data" / "github" / "schema-2465a14.graphql"
GITHUB_QUERIES = BENCH_DIR / "github" / "queries"
# The goal: on the large schema, `check` costs at most this much of a bare run.
GITHUB_TARGET_RATIO = 1.2

# Config keys naming input files or folders, relative to the config's folder.
_PATH_KEYS = ("schema_path", "queries_path", "base_client_file_path")
_PATH_LIST_KEYS = ("files_to_include",)


class BenchmarkError(Exception):
    """A command failed, or the setup is not what the benchmark needs."""


@dataclass(frozen=True)
class Case:
    """One set of inputs: the config table and where its relative paths start."""

    name: str
    source_root: Path
    section: Mapping[str, Any]
    target_ratio: float | None = None


@dataclass(frozen=True)
class Timings:
    """Times, in seconds, of one command over every round.

    `samples` are wall times, the figure the target is about. `cpu_samples` are
    user + system CPU times of the process and its children (ruff): on a busy
    machine they move less than wall times, so they help to tell noise from cost.
    """

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
            "cpu_samples_s": list(self.cpu_samples),
        }


@dataclass(frozen=True)
class Result:
    """The figures for one case."""

    case: str
    check: Timings
    bare: Timings
    same_output: bool
    target_ratio: float | None

    @property
    def ratio(self) -> float:
        return self.check.median / self.bare.median

    @property
    def cpu_ratio(self) -> float:
        return self.check.cpu_median / self.bare.cpu_median

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "rounds": len(self.check.samples),
            "check": self.check.as_dict(),
            "bare": self.bare.as_dict(),
            "ratio": self.ratio,
            "cpu_ratio": self.cpu_ratio,
            "target_ratio": self.target_ratio,
            "meets_target": None if self.target_ratio is None else self.ratio <= self.target_ratio,
            "same_output": self.same_output,
        }


def main(argv: Sequence[str] | None = None) -> int:
    """Run every case and print the table, or JSON with `--json`."""
    args = build_parser().parse_args(argv)
    if args.rounds < 1:
        print("bench_check: --rounds must be at least 1", file=sys.stderr)
        return 2
    try:
        pluvo_codegen, ariadne_codegen = find_executables()
        results: list[Result] = []
        skipped: dict[str, str] = {}
        for name, case in build_cases(args.github_schema).items():
            if isinstance(case, str):
                skipped[name] = case
                print(f"bench_check: skipping {name}: {case}", file=sys.stderr)
                continue
            print(f"bench_check: {name}: {args.rounds} rounds ...", file=sys.stderr)
            results.append(run_case(case, args.rounds, pluvo_codegen, ariadne_codegen))
    except BenchmarkError as exc:
        print(f"bench_check: {exc}", file=sys.stderr)
        return 1
    if args.json:
        payload = {
            "results": [result.as_dict() for result in results],
            "skipped": skipped,
            "python": sys.version.split()[0],
        }
        print(json.dumps(payload, indent=2))
    else:
        print(format_table(results))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench_check.py",
        description="Time `pluvo-codegen check` against a bare `ariadne-codegen` run.",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=7,
        metavar="N",
        help="timed runs of each command per case (default: 7)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the results as JSON instead of a table"
    )
    parser.add_argument(
        "--github-schema",
        type=Path,
        default=DEFAULT_GITHUB_SCHEMA,
        metavar="PATH",
        help=f"GitHub's schema (default: {DEFAULT_GITHUB_SCHEMA})",
    )
    return parser


def find_executables() -> tuple[Path, Path]:
    """The two commands, from the environment running this script."""
    bin_dir = Path(sys.executable).parent
    found: list[Path] = []
    for name in ("pluvo-codegen", "ariadne-codegen"):
        path = bin_dir / name
        if not path.is_file():
            raise BenchmarkError(f"{path}: not found; install the project in this environment")
        found.append(path)
    return found[0], found[1]


def ariadne_defaults() -> dict[str, Any]:
    """ariadne-codegen's own defaults, spelled out for the GitHub case.

    A config that leaves them out would get pluvo-codegen's (codegen/defaults.py):
    our plugins, runtime modules and sync twins, which a bare run does not write.
    """
    from ariadne_codegen.client_generators.constants import (
        DEFAULT_ASYNC_BASE_CLIENT_NAME,
        DEFAULT_ASYNC_BASE_CLIENT_PATH,
    )

    return {
        "base_client_name": DEFAULT_ASYNC_BASE_CLIENT_NAME,
        "base_client_file_path": DEFAULT_ASYNC_BASE_CLIENT_PATH.as_posix(),
        "client_name": "Client",
        "client_file_name": "client",
        "multipart_uploads": True,
        "defer_model_build": False,
        "include_comments": "stable",
        "files_to_include": [],
        "plugins": [],
    }


def build_cases(github_schema: Path) -> dict[str, Case | str]:
    """Each case, or why it is skipped."""
    with (REPO_ROOT / "pyproject.toml").open("rb") as file:
        pyproject = tomllib.load(file)
    section: Mapping[str, Any] = pyproject["tool"]["ariadne-codegen"]
    cases: dict[str, Case | str] = {"pluvo": Case("pluvo", REPO_ROOT, section)}
    if github_schema.is_file():
        schema = github_schema.resolve()
        cases["github"] = Case(
            "github",
            schema.parent,
            {
                "schema_path": schema.name,
                "queries_path": GITHUB_QUERIES.as_posix(),
                "target_package_path": ".",
                "target_package_name": "github_client",
                **ariadne_defaults(),
            },
            GITHUB_TARGET_RATIO,
        )
    else:
        cases["github"] = f"{github_schema}: no such file (pass --github-schema PATH)"
    return cases


def run_case(case: Case, rounds: int, pluvo_codegen: Path, ariadne_codegen: Path) -> Result:
    """Set up the scratch folder, then time both commands alternately."""
    with tempfile.TemporaryDirectory(prefix=f"bench-check-{case.name}-") as scratch_name:
        scratch = Path(scratch_name)
        section = copy_inputs(case, scratch)
        write_config(scratch / "check.toml", {**section, "target_package_path": "committed"})
        write_config(scratch / "bare.toml", {**section, "target_package_path": "bare"})
        (scratch / "bare").mkdir()  # ariadne-codegen wants the target folder to exist
        check_cmd = [str(pluvo_codegen), "check", "--config", "check.toml"]
        bare_cmd = [str(ariadne_codegen), "--config", "bare.toml"]

        run([str(pluvo_codegen), "generate", "--config", "check.toml"], scratch)
        run(check_cmd, scratch)  # warm-up: file system caches, byte-code
        run(bare_cmd, scratch)
        check_times: list[tuple[float, float]] = []
        bare_times: list[tuple[float, float]] = []
        for index in range(rounds):
            pairs = [(check_cmd, check_times), (bare_cmd, bare_times)]
            for command, times in pairs if index % 2 == 0 else pairs[::-1]:
                times.append(run(command, scratch))

        package = str(section.get("target_package_name", "graphql_client"))
        same = same_files(scratch / "committed" / package, scratch / "bare" / package)
        if not same:
            print(
                f"bench_check: {case.name}: note: bare output differs from the checked package",
                file=sys.stderr,
            )
    return Result(case.name, _timings(check_times), _timings(bare_times), same, case.target_ratio)


def _timings(pairs: Sequence[tuple[float, float]]) -> Timings:
    return Timings(tuple(wall for wall, _ in pairs), tuple(cpu for _, cpu in pairs))


def copy_inputs(case: Case, scratch: Path) -> dict[str, Any]:
    """Copy every input the config names into `scratch`; return the rewritten table.

    Relative paths keep their place under `scratch`; absolute ones are copied
    under `inputs/`. Either way the new config names them relative to `scratch`.
    """
    section = dict(case.section)

    def place(value: str, index: int) -> str:
        source = case.source_root / value
        relative = Path(value)
        if relative.is_absolute() or ".." in relative.parts:
            relative = Path("inputs", str(index), source.name)
        destination = scratch / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination)
        elif source.is_file():
            shutil.copy2(source, destination)
        else:
            raise BenchmarkError(f"{source}: named in the {case.name} config but missing")
        return relative.as_posix()

    counter = itertools.count()
    for key in _PATH_KEYS:
        if isinstance(section.get(key), str):
            section[key] = place(section[key], next(counter))
    for key in _PATH_LIST_KEYS:
        if isinstance(section.get(key), list):
            section[key] = [place(item, next(counter)) for item in section[key]]
    return section


def write_config(path: Path, section: Mapping[str, Any]) -> None:
    """Write `section` as `[tool.ariadne-codegen]`, in TOML the old `toml` package reads."""
    lines: list[str] = []
    _write_table(lines, "tool.ariadne-codegen", section)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_table(lines: list[str], name: str, table: Mapping[str, Any]) -> None:
    if lines:
        lines.append("")
    lines.append(f"[{name}]")
    subtables = {key: value for key, value in table.items() if isinstance(value, dict)}
    for key, value in table.items():
        if key not in subtables:
            lines.append(f"{key} = {_toml_value(value)}")
    for key, value in subtables.items():
        _write_table(lines, f"{name}.{key}", value)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for every value we write
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise BenchmarkError(f"cannot write {type(value).__name__} {value!r} to TOML")


def run(command: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Run `command` in `cwd`; return its wall and CPU time; fail on a non-zero exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).decode("utf-8", "replace")
        shown = " ".join(Path(command[0]).name if i == 0 else a for i, a in enumerate(command))
        raise BenchmarkError(f"`{shown}` exited {completed.returncode}:\n{output[-4000:]}")
    return elapsed, cpu


def same_files(left: Path, right: Path) -> bool:
    """Whether two folders hold the same files, ignoring caches, `py.typed` and our manifest."""

    def tree(root: Path) -> dict[str, bytes]:
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
            and "__pycache__" not in path.parts
            and path.name not in ("py.typed", "pluvo-codegen.json")
        }

    return tree(left) == tree(right)


def format_table(results: Sequence[Result]) -> str:
    """A fixed-width table: one row per case."""
    header = (
        f"{'case':<8} {'rounds':>6}  {'check median (min-max)':<23}  "
        f"{'bare median (min-max)':<23}  {'ratio':>5}  {'cpu ratio':>9}"
    )
    rows = [header, "-" * len(header)]
    for result in results:
        target = result.target_ratio
        flag = f"  (target <= {target})" if target is not None else ""
        if target is not None and result.ratio > target:
            flag = f"  ABOVE the {target} target"
        rows.append(
            f"{result.case:<8} {len(result.check.samples):>6}  {_span(result.check):<23}  "
            f"{_span(result.bare):<23}  {result.ratio:>5.2f}  {result.cpu_ratio:>9.2f}{flag}"
        )
    if not results:
        rows.append("(no cases ran)")
    rows.append(
        "Whole-process wall times in seconds. ratio = median check / median bare wall time;\n"
        "cpu ratio = the same for user + system CPU time, steadier on a busy machine."
    )
    return "\n".join(rows)


def _span(timings: Timings) -> str:
    return f"{timings.median:.3f} ({min(timings.samples):.3f}-{max(timings.samples):.3f})"


if __name__ == "__main__":
    sys.exit(main())
