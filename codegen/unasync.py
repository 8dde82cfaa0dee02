"""Derive a synchronous module from an async one: the `unasync` rewrite, token by token.

The sync client and its base class are generated this way, so they cannot drift
from the async ones. The source is read with `tokenize` (and `ast`, to know which
strings are docstrings), and only tokens are changed, in place, so formatting and
comments survive:

- code: `async` before `def`/`with`/`for` and every `await` are dropped,
  `Awaitable[T]` becomes `T` (brackets matched, so `T` may nest), `Awaitable` leaves
  the imports, and each name in `RENAMES` is swapped (`AsyncClient` → `Client`,
  `aclose` → `close`, `asyncio` → `time`, ...). A string literal that is exactly
  one of those names (an `__all__` entry) is swapped too; other strings are data
  (the GraphQL documents) and are kept.
- docstrings and comments: prose is kept as written; each code span in backticks
  is Python, and is rewritten by the same rules (`httpx.AsyncClient` →
  `httpx.Client`, `async with` → `with`). A docstring that says something only
  true of the async code is followed by its sync text, written deliberately, in a
  block of comments that starts with `# sync docstring:`; the sync twin gets that
  text as its docstring, and the block itself is left out of it:

      async def _sleep(seconds: float) -> None:
          \"\"\"Wait `seconds` ... never loads the event loop machinery.\"\"\"
          # sync docstring: Wait `seconds` before a retry.

What the rewrite cannot do faithfully is refused with `path:line:col: message`:
`await` or a renamed name inside an f-string's braces (one string token on
Python 3.11), `Awaitable` outside `Awaitable[...]` and imports, and a
`# sync docstring:` block that follows no docstring.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from codegen.errors import Diagnostic, GenerationError

__all__ = ["RENAMES", "SYNC_DOCSTRING", "unasync_source"]

RENAMES = {
    "AsyncClient": "Client",
    "AsyncBaseClient": "BaseClient",
    "AsyncIterator": "Iterator",
    "AsyncGenerator": "Generator",
    "AsyncIterable": "Iterable",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "aclose": "close",
    "aread": "read",
    "asyncio": "time",
    "async_base_client": "base_client",
    "async_client": "client",
}
SYNC_DOCSTRING = "# sync docstring:"

_DROPPED_BEFORE = frozenset({"def", "with", "for"})
_CODE_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_SKIPPED = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT})
_ENDS = frozenset({tokenize.NEWLINE, tokenize.ENDMARKER})
_Position = tuple[int, int]


@dataclass(frozen=True)
class _Edit:
    start: _Position
    end: _Position
    text: str


@dataclass(frozen=True)
class _Docstring:
    start: _Position
    end: _Position
    column: int  # where the string starts: its continuation lines are indented so


def unasync_source(source: str, note: str, *, path: str = "<source>") -> str:
    """The sync twin of `source`, with `note` as a comment after its header comments.

    `path` names the async module in errors (`path:line:col: message`).
    """
    tree = ast.parse(source, path)
    _refuse_fstrings(tree, source, path)
    docstrings = _docstrings(tree, source)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    edits = [
        *_code_edits(tokens, path, list(docstrings.values())),
        *_doc_edits(tokens, docstrings, source, path),
    ]
    source = _apply(source, edits)
    lines = source.splitlines(keepends=True)
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    return "".join([*lines[:header], f"# {note}\n", *lines[header:]])


def _error(path: str, where: _Position, message: str) -> GenerationError:
    return GenerationError(str(Diagnostic(path, where[0], where[1] + 1, message)))


# --- code ----------------------------------------------------------------------------


def _code_edits(
    tokens: Sequence[tokenize.TokenInfo], path: str, docs: Sequence[_Docstring] = ()
) -> Iterator[_Edit]:
    """The edits of the code tokens (not of the docstrings `docs`, nor of comments)."""
    significant = [t for t in tokens if t.type not in _SKIPPED]
    statement_start = 0
    for i, token in enumerate(significant):
        before = significant[i - 1] if i else None
        if before is None or before.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            statement_start = i
        after = significant[i + 1] if i + 1 < len(significant) else token
        if token.type == tokenize.NAME:
            if (token.string == "async" and after.string in _DROPPED_BEFORE) or (
                token.string == "await" and after.type not in _ENDS
            ):
                yield _Edit(token.start, after.start, "")
            elif token.string == "Awaitable":
                in_import = significant[statement_start].string in ("from", "import")
                yield from _awaitable(significant, i, in_import, path)
            elif token.string in RENAMES:
                yield _Edit(token.start, token.end, RENAMES[token.string])
        elif token.type == tokenize.STRING and not any(
            d.start <= token.start < d.end for d in docs
        ):
            quote = token.string[0]
            if quote in "'\"" and token.string[1:-1] in RENAMES and token.string[-1] == quote:
                yield _Edit(token.start, token.end, quote + RENAMES[token.string[1:-1]] + quote)


def _awaitable(
    significant: Sequence[tokenize.TokenInfo], i: int, in_import: bool, path: str
) -> Iterator[_Edit]:
    """`Awaitable[T]` → `T`; `Awaitable` out of an import list."""
    token = significant[i]
    after = significant[i + 1]
    if in_import:
        if after.string == ",":
            yield _Edit(token.start, significant[i + 2].start, "")
        elif significant[i - 1].string == ",":
            yield _Edit(significant[i - 1].start, token.end, "")
        else:
            raise _error(path, token.start, "an import of Awaitable alone has no sync twin")
        return
    if after.string != "[":
        raise _error(path, token.start, "Awaitable outside Awaitable[...] has no sync twin")
    depth = 0
    for j in range(i + 1, len(significant)):
        if significant[j].string in "([{" and significant[j].type == tokenize.OP:
            depth += 1
        elif significant[j].string in ")]}" and significant[j].type == tokenize.OP:
            depth -= 1
            if depth == 0:
                close = significant[j]
                inner = significant[j - 1]
                yield _Edit(token.start, significant[i + 2].start, "")
                if inner.string == ",":  # `Awaitable[T,]` is `T`, not the tuple `T,`
                    yield _Edit(inner.start, close.end, "")
                else:
                    yield _Edit(inner.end, close.end, "")
                return
    raise _error(path, token.start, "Awaitable[ is never closed")


def _refuse_fstrings(tree: ast.AST, source: str, path: str) -> None:
    """Refuse what an f-string's braces would hide from the token rewrite."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        for inner in ast.walk(node):
            name = None
            if not isinstance(inner, ast.expr):
                continue
            if isinstance(inner, ast.Await):
                name = "await"
            elif isinstance(inner, ast.Name) and inner.id in {*RENAMES, "Awaitable"}:
                name = inner.id
            elif isinstance(inner, ast.Attribute) and inner.attr in {*RENAMES, "Awaitable"}:
                name = inner.attr
            if name is not None:
                where = (inner.lineno, _column(source, inner.lineno, inner.col_offset))
                raise _error(path, where, f"{name} inside an f-string: write it outside the braces")


# --- docstrings and comments -----------------------------------------------------------


def _docstrings(tree: ast.AST, source: str) -> dict[_Position, _Docstring]:
    """Every string statement (docstrings, and strings documenting attributes), by start."""
    found: dict[_Position, _Docstring] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and node.end_lineno is not None
            and node.end_col_offset is not None
        ):
            start = (node.lineno, _column(source, node.lineno, node.col_offset))
            end = (node.end_lineno, _column(source, node.end_lineno, node.end_col_offset))
            found[start] = _Docstring(start, end, start[1])
    return found


def _column(source: str, line: int, utf8_offset: int) -> int:
    """`ast`'s UTF-8 byte offset on `line` as `tokenize`'s character column."""
    text = source.splitlines()[line - 1]
    return len(text.encode("utf-8")[:utf8_offset].decode("utf-8"))


def _doc_edits(
    tokens: Sequence[tokenize.TokenInfo],
    docstrings: dict[_Position, _Docstring],
    source: str,
    path: str,
) -> Iterator[_Edit]:
    """Code spans rewritten in docstrings and comments; `# sync docstring:` blocks applied."""
    lines = source.splitlines()
    blocks: list[list[tokenize.TokenInfo]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].type == tokenize.COMMENT and tokens[i].string.startswith(SYNC_DOCSTRING):
            block = [tokens[i]]
            while i + 2 < len(tokens) and tokens[i + 1].type == tokenize.NL:
                if tokens[i + 2].type != tokenize.COMMENT:
                    break
                i += 2
                block.append(tokens[i])
            blocks.append(block)
        i += 1
    ends = {doc.end[0]: doc for doc in docstrings.values()}
    replaced: dict[_Position, _Edit] = {}
    for block in blocks:
        line = block[0].start[0] - 1
        while line > 0 and not lines[line - 1].strip():
            line -= 1
        doc = ends.get(line)
        if doc is None or doc.start in replaced:
            raise _error(path, block[0].start, f"{SYNC_DOCSTRING} follows no docstring")
        # The docstring, then everything up to the block's end: the block goes.
        literal = _docstring_literal(block, doc.column)
        replaced[doc.start] = _Edit(doc.start, block[-1].end, literal)
    yield from replaced.values()
    in_block = {t.start for block in blocks for t in block}
    for token in tokens:
        doc = docstrings.get(token.start) if token.type == tokenize.STRING else None
        if doc is not None and doc.start not in replaced:
            for part in tokens:
                if doc.start <= part.start < doc.end and part.type == tokenize.STRING:
                    yield from _span_edits(part)
        elif token.type == tokenize.COMMENT and token.start not in in_block:
            yield from _span_edits(token)


def _docstring_literal(block: Sequence[tokenize.TokenInfo], column: int) -> str:
    """The sync docstring a `# sync docstring:` block holds, as a string literal."""
    text = [block[0].string.removeprefix(SYNC_DOCSTRING).strip()]
    for comment in block[1:]:
        body = comment.string.removeprefix("#")
        text.append(body.removeprefix(" ").rstrip())
    while text and not text[0]:
        text.pop(0)
    while text and not text[-1]:
        text.pop()
    if len(text) == 1:
        return f'"""{text[0]}"""'
    indent = " " * column
    body = "\n".join(f"{indent}{line}" if line else "" for line in text[1:])
    return f'"""{text[0]}\n{body}\n{indent}"""'


def _span_edits(token: tokenize.TokenInfo) -> Iterator[_Edit]:
    """Each code span in `token` (a docstring part or a comment) rewritten as code."""
    for match in _CODE_SPAN.finditer(token.string):
        code = match.group(1)
        rewritten = _rewrite_code(code)
        if rewritten == code:
            continue
        start = _advance(token.start, token.string[: match.start(1)])
        end = _advance(token.start, token.string[: match.end(1)])
        yield _Edit(start, end, rewritten)


def _advance(start: _Position, text: str) -> _Position:
    """Where `text`, starting at `start`, ends."""
    newlines = text.count("\n")
    if not newlines:
        return (start[0], start[1] + len(text))
    return (start[0] + newlines, len(text) - text.rfind("\n") - 1)


def _rewrite_code(code: str) -> str:
    """`code` from a code span, rewritten by the code rules; kept if it is not Python."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
        edits = list(_code_edits(tokens, "<span>"))
    except (tokenize.TokenError, SyntaxError, GenerationError, IndexError):
        return code
    return _apply(code, edits)


def _apply(source: str, edits: Sequence[_Edit]) -> str:
    """`source` with each edit made; edits must not overlap."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(position: _Position) -> int:
        row, column = position
        return starts[row - 1] + column if row - 1 < len(starts) else len(source)

    parts = []
    done = 0
    for edit in sorted(edits, key=lambda e: e.start):
        begin, end = offset(edit.start), offset(edit.end)
        if begin < done:
            raise AssertionError(f"overlapping unasync edits at {edit.start}")
        parts.append(source[done:begin])
        parts.append(edit.text)
        done = end
    parts.append(source[done:])
    return "".join(parts)
