"""Colour on a terminal, off when piped: `--color=auto|always|never` and `NO_COLOR`.

`auto` (the default) colours a stream only when it is a terminal, `NO_COLOR` is
unset or empty (https://no-color.org) and `TERM` is not `dumb`. `always` and
`never` win over the environment: an explicit flag is the user's latest word.
Colour only decorates: the text is the same with and without it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TextIO

__all__ = [
    "COLOR_MODES",
    "color_enabled",
    "complain",
    "paint",
    "paint_diff",
    "paint_levels",
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


def complain(message: str) -> None:
    """Print `pluvo-codegen: message` on stderr: how every command states a failure."""
    print(f"{paint('pluvo-codegen:', 'red', 'bold', stream=sys.stderr)} {message}", file=sys.stderr)


def warn(message: str) -> None:
    """Print `pluvo-codegen: warning: message` on stderr: something to know, not a failure."""
    prefix = paint("pluvo-codegen: warning:", "yellow", "bold", stream=sys.stderr)
    print(f"{prefix} {message}", file=sys.stderr)


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
