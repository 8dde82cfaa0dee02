"""Read JSON that came from outside (a file, an answer, an option) without a traceback.

`json.loads` fails three ways that callers must all catch: a `JSONDecodeError` with
a position, a plain `ValueError` for an integer longer than
`sys.get_int_max_str_digits()` (4300 digits by default), and a `RecursionError` for
arrays or objects nested deeper than the decoder's stack (`[[[[...]]]]`, a few
kilobytes). `read_json` turns all three into one `JSONProblem` whose message names
what was read; each caller wraps it in its own error (exit 2) or treats it as "not
JSON" when that is an answer in itself.

`codegen/runtime/` has its own guards: it is copied into the generated client,
which needs only httpx and pydantic.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

__all__ = ["JSONProblem", "read_json"]


Kind = Literal["encoding", "syntax", "depth", "number"]


class JSONProblem(ValueError):
    """Why a text is not JSON Python can read.

    `kind` says which: not UTF-8 (`encoding`), not JSON (`syntax`: then `line` and
    `column`, 1-based, and the decoder's own `detail`), nested too deeply (`depth`),
    or a number too long to convert (`number`). The first two mean "not JSON"; the
    last two are JSON that Python cannot hold.
    """

    def __init__(
        self, kind: Kind, message: str, line: int = 0, column: int = 0, detail: str = ""
    ) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.line = line
        self.column = column
        self.detail = detail


def read_json(text: str | bytes, what: str = "the JSON") -> Any:
    """`json.loads(text)`, or a `JSONProblem` such as "`what` is nested too deeply".

    Bytes must be UTF-8 (as JSON on the wire is); `what` names the text in messages,
    e.g. "the answer's JSON" or "pluvo-codegen.json".
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise JSONProblem("encoding", f"{what} is not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        message = f"{what} is not JSON: {exc}"
        raise JSONProblem("syntax", message, exc.lineno, exc.colno, exc.msg) from None
    except RecursionError:
        raise JSONProblem("depth", f"{what} is nested too deeply") from None
    except ValueError:  # an integer longer than sys.get_int_max_str_digits()
        digits = sys.get_int_max_str_digits()
        message = f"{what} holds a number longer than Python reads (more than {digits} digits)"
        raise JSONProblem("number", message) from None
