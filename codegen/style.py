"""Colour on a terminal, off when piped: `--color=auto|always|never` and `NO_COLOR`.

`auto` (the default) colours a stream only when it is a terminal, `NO_COLOR` is
unset or empty (https://no-color.org) and `TERM` is not `dumb`. `always` and
`never` win over the environment: an explicit flag is the user's latest word.
Colour only decorates: the text is the same with and without it.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Mapping
from typing import TextIO

__all__ = [
    "COLOR_MODES",
    "HelpFormatter",
    "VersionAction",
    "add_common_options",
    "color_enabled",
    "describe_changes",
    "paint",
    "paint_diff",
    "paint_levels",
    "seconds",
    "set_mode",
]

COLOR_MODES = ("auto", "always", "never")
_CODES = {"red": "31", "green": "32", "yellow": "33", "cyan": "36", "bold": "1", "dim": "2"}
_mode = "auto"


def set_mode(mode: str) -> None:
    """Set the mode for this run (the CLI's `--color`)."""
    global _mode
    if mode not in COLOR_MODES:
        raise ValueError(f"--color must be one of {', '.join(COLOR_MODES)}, got {mode!r}")
    _mode = mode


def color_enabled(
    stream: TextIO, mode: str | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """Whether text written to `stream` gets colour."""
    mode = mode or _mode
    if mode != "auto":
        return mode == "always"
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def paint(text: str, *styles: str, stream: TextIO | None = None) -> str:
    """`text` in `styles` (red, green, yellow, cyan, bold, dim) if `stream` gets colour."""
    if not styles or not color_enabled(stream if stream is not None else sys.stdout):
        return text
    codes = ";".join(_CODES[style] for style in styles)
    return f"\033[{codes}m{text}\033[0m"


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps epilogs as written and ends every option's help with its default.

    `(default: X)` is added unless the help already says what the default is; a
    flag's default is `off`. An option whose default is None must say it in words
    (a test checks every option of every command).
    """

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if not action.option_strings or "default" in text or action.default is argparse.SUPPRESS:
            return text
        if action.nargs == 0:
            return f"{text} (default: off)" if action.default is False else text
        if action.default is None:
            return text
        return f"{text} (default: %(default)s)"


class VersionAction(argparse.Action):
    """`--version`: the versions are looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from codegen.defaults import version_text

        sys.stdout.write(version_text())
        parser.exit()


def seconds(text: str) -> float:
    """An argparse type for `--timeout SECONDS`: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text!r}")
    return value


def add_common_options(*parsers: argparse.ArgumentParser) -> None:
    """`--color`, on the main parser and on every command's."""
    for parser in parsers:
        parser.add_argument(
            "--color",
            choices=COLOR_MODES,
            default=argparse.SUPPRESS,
            help="colour the output: auto (on a terminal, unless NO_COLOR is set), "
            "always or never (default: auto)",
        )


def describe_changes(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> str:
    """What `generate` says: how many files changed (added, updated, removed), not rendered."""
    added = len(after.keys() - before.keys())
    removed = len(before.keys() - after.keys())
    updated = sum(1 for name in after.keys() & before.keys() if after[name] != before[name])
    changed = added + removed + updated
    if not changed:
        return f"up to date, nothing written ({len(after)} files)"
    noun = "file" if changed == 1 else "files"
    parts = ", ".join(
        f"{count} {word}"
        for count, word in ((added, "added"), (updated, "updated"), (removed, "removed"))
        if count
    )
    return paint(f"{changed} {noun} changed", "green") + f" ({parts}; {len(after)} files in all)"


def paint_diff(diff: str) -> str:
    """A unified diff with removed lines red, added green and hunk headers cyan."""
    if not color_enabled(sys.stdout):
        return diff
    lines = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            lines.append(paint(line.rstrip("\n"), "bold") + "\n")
        elif line.startswith(("+", "-", "@@")):
            style = {"+": "green", "-": "red", "@": "cyan"}[line[0]]
            lines.append(paint(line.rstrip("\n"), style) + "\n")
        else:
            lines.append(line)
    return "".join(lines)


def paint_levels(report: str) -> str:
    """`diff`'s text report with BREAKING red and DANGEROUS yellow at the start of lines."""
    if not color_enabled(sys.stdout):
        return report
    styles = {"BREAKING": "red", "DANGEROUS": "yellow", "NON_BREAKING": "green"}
    lines = []
    for line in report.splitlines(keepends=True):
        level = line.split(" ", 1)[0]
        if level in styles:
            line = paint(level, styles[level], "bold") + line[len(level) :]
        lines.append(line)
    return "".join(lines)
