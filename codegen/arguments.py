"""The argparse pieces every command shares: the help layout, `--version`, `--color`, and
the value types (SECONDS, N, UUID, URL).

Each command's own options live in its room's `command.py` (or, for `validate`,
`generate` and `check`, in `codegen/cli.py`); colour itself is `codegen/style.py`.
"""

from __future__ import annotations

import argparse
import math
import sys
import uuid

from codegen.style import COLOR_MODES

__all__ = [
    "HelpFormatter",
    "VersionAction",
    "add_common_options",
    "http_url",
    "positive_int",
    "seconds",
    "uuid_value",
]


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


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {value}")
    return value


def positive_int(text: str) -> int:
    """An argparse type for a count such as `--max-examples N`: a whole number, 1 or more."""
    return _whole_number(text, 1)


def non_negative_int(text: str) -> int:
    """An argparse type for a count that may be zero, such as `serve --users M`."""
    return _whole_number(text, 0)


def uuid_value(text: str) -> uuid.UUID:
    """An argparse type for `--user-id UUID` and the like."""
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a UUID, got {text!r}") from None


def http_url(text: str) -> str:
    """An argparse type for a URL the command connects to: http:// or https:// only."""
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"must start with http:// or https://, got {text!r}")
    return text


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
