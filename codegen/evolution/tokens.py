"""Cut SDL into tokens with one regular expression: the fast reader's lexer."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["END", "Unsupported", "dedent_block_string", "tokenize"]


class Unsupported(Exception):
    """The fast reader cannot read this text; graphql-core must decide."""


# One match per token, with the whitespace, commas and comments before it.
_TOKEN = re.compile(
    r"(?:[\t \n\r,\ufeff]++|#[^\n\r]*+)*+"
    r"(?:(?P<name>[_A-Za-z][_0-9A-Za-z]*+)"
    r'|(?P<block>"""(?:[^"\\]++|\\"""|\\|"(?!""))*+""")'
    r'|(?P<string>"(?:[^"\\\n\r]++|\\["\\/bfnrt])*+")'
    r"|(?P<number>-?+(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?+(?:[eE][+-]?+[0-9]++)?+)(?![0-9._A-Za-z])"
    r"|(?P<punct>[!$&():=@\[\]{|}])"
    r"|(?P<end>\Z))"
)
_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_LINE_BREAK = re.compile(r"\r\n|[\n\r]")
_ONE_LINE = re.compile(r"\n[ \t]*+([^ \t\n\r\\][^\n\r\\]*+)\n[ \t]*+")
END = ""  # the kind of the token after the last one


def dedent_block_string(raw: str) -> str:
    """The value of a block string from its raw text (the spec's BlockStringValue)."""
    one_line = _ONE_LINE.fullmatch(raw)
    if one_line is not None:  # the usual description: one indented line
        return one_line.group(1)
    if '\\"""' in raw:
        raw = raw.replace('\\"""', '"""')
    lines = _LINE_BREAK.split(raw) if "\n" in raw or "\r" in raw else [raw]
    # The common indentation of the lines after the first, blank lines aside.
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines[1:] if line.strip(" \t")]
    common = min(indents, default=0)
    if common:
        lines = [lines[0], *(line[common:] for line in lines[1:])]
    start, end = 0, len(lines)
    while start < end and not lines[start].strip(" \t"):
        start += 1
    while end > start and not lines[end - 1].strip(" \t"):
        end -= 1
    return "\n".join(lines[start:end])


def tokenize(text: str) -> tuple[list[str], list[Any], list[int]]:
    """Token kinds, values and start offsets, ending with END; `Unsupported` if not SDL.

    Kinds: `n` a name, `s` a string (value `("String", text, is_block)`), `v` a number
    (value `("Int" or "Float", text)`), or the punctuator itself.
    """
    kinds: list[str] = []
    values: list[Any] = []
    starts: list[int] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() != position:
            raise Unsupported
        position = match.end()
        group = match.lastgroup
        if group == "end":
            break
        token = match.group(group)  # type: ignore[arg-type]
        if group == "name":
            kinds.append("n")
            values.append(token)
        elif group == "punct":
            kinds.append(token)
            values.append(token)
        elif group == "block":
            kinds.append("s")
            values.append(("String", dedent_block_string(token[3:-3]), True))
        elif group == "string":
            body = token[1:-1]
            if "\\" in body:
                body = _ESCAPE.sub(lambda m: _ESCAPED[m.group(1)], body)
            kinds.append("s")
            values.append(("String", body, False))
        else:
            is_float = "." in token or "e" in token or "E" in token
            kinds.append("v")
            values.append(("Float" if is_float else "Int", token))
        starts.append(match.start(group))  # type: ignore[arg-type]
    else:
        raise Unsupported  # no match at the end: a character no token starts with
    kinds.append(END)
    values.append(None)
    starts.append(len(text))
    return kinds, values, starts
