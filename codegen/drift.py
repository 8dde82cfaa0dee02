"""The drift job (`nox -s drift`): every step runs, the Markdown summary is always written.

    python -m codegen.drift --base origin/main --summary "$GITHUB_STEP_SUMMARY" [-- DIFF ARGS]

It runs `check`, `validate` and `diff git:BASE:SCHEMA SCHEMA`, each to the end even
when an earlier one failed: the pull request where a schema change makes `check` or
`validate` fail is exactly the one where people need the table of what broke. The
summary (appended to `--summary`) has one line per step, the operations that no
longer validate, the output of a failing `check`, and `diff`'s Markdown report (the
changes and the operations each one breaks). Then it exits with the worst code of
the three (0, 1 or 2), so the job fails after the summary is written.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from codegen.errors import EXIT_FOUND, EXIT_INVALID, EXIT_OK, CodegenError
from codegen.style import complain

__all__ = ["Step", "main", "render_summary", "run_drift"]

_RESULTS = {
    EXIT_OK: "✅ ok",
    EXIT_FOUND: "❌ failed (exit 1)",
    EXIT_INVALID: "❌ invalid input (exit 2)",
}


@dataclass(frozen=True)
class Step:
    """One command of the job, its exit code and what it printed."""

    title: str
    command: tuple[str, ...]
    code: int
    out: str
    err: str


def _run(title: str, argv: Sequence[str]) -> Step:
    from codegen.cli import main as cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli([*argv, "--color", "never"])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return Step(title, ("pluvo-codegen", *argv), code, out.getvalue(), err.getvalue())


def run_drift(
    base: str, *, config: Path | None = None, diff_args: Sequence[str] = ()
) -> list[Step]:
    """Run the three steps; each runs whatever the others did."""
    from codegen.config import load_config

    loaded = load_config(config)
    schema = loaded.display(loaded.schema_path)
    options = ["--config", str(loaded.file)]
    # From the config's folder, where the schema's relative path (and git's) start.
    with contextlib.chdir(loaded.root):
        return [
            _run("check", ["check", *options]),
            _run("validate", ["validate", *options]),
            _run(
                "diff",
                [
                    "diff",
                    f"git:{base}:{schema}",
                    schema,
                    "--format",
                    "markdown",
                    *diff_args,
                    *options,
                ],
            ),
        ]


def _fenced(text: str) -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}text\n{text.rstrip()}\n{fence}\n"


def render_summary(steps: Sequence[Step], base: str) -> str:
    """The Markdown summary: a line per step, then what broke."""
    lines = [f"## Schema drift against `{base}`\n", "| step | result |", "|---|---|"]
    for step in steps:
        result = _RESULTS.get(step.code, f"❌ exit {step.code}")
        lines.append(f"| `{' '.join(step.command[:2])}` | {result} |")
    parts = ["\n".join(lines) + "\n"]
    by_title = {step.title: step for step in steps}
    validate = by_title.get("validate")
    if validate is not None and validate.code != 0:
        parts.append(
            "### Operations and schema problems (`validate`)\n\n"
            "These no longer validate against the schema of this pull request:\n\n"
            + _fenced(validate.err or validate.out)
        )
    check = by_title.get("check")
    if check is not None and check.code == 1:
        parts.append(
            "### `generated/` is stale (`check`)\n\n"
            "Run `pluvo-codegen generate` and commit the result.\n\n"
            "<details><summary>the files and their diff</summary>\n\n"
            + _fenced(check.out + check.err)
            + "\n</details>\n"
        )
    diff = by_title.get("diff")
    if diff is not None:
        if diff.code == 2 or not diff.out.strip():
            parts.append("### Schema changes (`diff`)\n\n" + _fenced(diff.err or diff.out))
        else:
            parts.append(diff.out)
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the job; write the summary; exit with the worst code."""
    parser = argparse.ArgumentParser(
        prog="python -m codegen.drift",
        description="check, validate and diff against a base revision; always write the "
        "Markdown summary, then fail if any step failed.",
    )
    parser.add_argument("--base", required=True, help="git revision of the base branch")
    parser.add_argument("--config", type=Path, help="config file (default: pyproject.toml)")
    parser.add_argument(
        "--summary", type=Path, help="append the Markdown summary here (default: stdout only)"
    )
    parser.add_argument("diff_args", nargs="*", help="passed on to diff, e.g. --strict")
    args = parser.parse_args(argv)

    try:
        steps = run_drift(args.base, config=args.config, diff_args=args.diff_args)
    except CodegenError as exc:
        complain(str(exc))
        return EXIT_INVALID
    summary = render_summary(steps, args.base)
    if args.summary is None:
        sys.stdout.write(summary)
    else:
        for step in steps:
            print(f"$ {' '.join(step.command)}  # exit {step.code}")
            sys.stdout.write(step.out + step.err)
        with args.summary.open("a", encoding="utf-8") as file:
            file.write(summary + "\n")
        print(f"summary appended to {args.summary}")
    return max(step.code for step in steps)


if __name__ == "__main__":
    sys.exit(main())
