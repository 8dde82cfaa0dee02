"""Derive a synchronous module from an async one: the `unasync` rewrite.

`async def` becomes `def`, `await x` becomes `x`, `async for`/`async with` lose
their `async`, `Awaitable[T]` becomes `T`, and the words in `RENAMES` are swapped
(`AsyncClient` → `Client`, `asyncio.sleep` → `time.sleep`, ...). The sync client
and its base class are generated this way, so they cannot drift from the async
ones. It is a textual rewrite, like the `unasync` tool's, so formatting and
comments survive; the async sources are written to keep it unambiguous (no
nested brackets inside `Awaitable[...]`).
"""

from __future__ import annotations

import re

__all__ = ["RENAMES", "unasync_source"]

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
_REWRITES = (
    (re.compile(r"\basync (def|with|for)\b"), r"\1"),
    (re.compile(r"\bawait "), ""),
    (re.compile(r"\bAwaitable\[([^\[\]]*)\]"), r"\1"),
    (re.compile(r"\bAwaitable, "), ""),
    (re.compile(r"\b(" + "|".join(map(re.escape, RENAMES)) + r")\b"), None),
)


def unasync_source(source: str, note: str) -> str:
    """The sync twin of `source`, with `note` as a comment after its header comments."""
    for pattern, replacement in _REWRITES:
        if replacement is None:
            source = pattern.sub(lambda m: RENAMES[m.group(1)], source)
        else:
            source = pattern.sub(replacement, source)
    lines = source.splitlines(keepends=True)
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    return "".join([*lines[:header], f"# {note}\n", *lines[header:]])
