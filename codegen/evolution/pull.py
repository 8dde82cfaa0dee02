"""`pull`: the live schema as deterministic SDL, and writing a file only when all went well."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any, cast

from codegen.errors import CodegenError, SchemaSourceError
from codegen.evolution.introspect import DEFAULT_TIMEOUT, Credentials, fetch_introspection

__all__ = ["print_introspection", "pull_schema", "write_atomically"]


def pull_schema(
    url: str, credentials: Credentials | None = None, timeout: float = DEFAULT_TIMEOUT
) -> str:
    """Introspect `url` and print its schema as sorted SDL, the same bytes for the same schema."""
    return print_introspection(fetch_introspection(url, credentials, timeout), url)


def print_introspection(data: dict[str, Any], source: str) -> str:
    """SDL for an introspection result: types, fields and values sorted, with descriptions."""
    from graphql import (
        GraphQLError,
        IntrospectionQuery,
        build_client_schema,
        lexicographic_sort_schema,
        print_schema,
    )

    try:
        schema = build_client_schema(cast(IntrospectionQuery, data))
    except (GraphQLError, TypeError, KeyError) as exc:
        raise SchemaSourceError(f"{source}: the introspection result is incomplete: {exc}") from exc
    return print_schema(lexicographic_sort_schema(schema)) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and one rename: all or nothing."""
    folder = path.parent
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise CodegenError(f"{path}: cannot write: {exc.strerror}") from exc
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        # mkstemp makes the file private; keep the mode of the file it replaces.
        temporary.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        temporary.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise CodegenError(f"{path}: cannot write: {exc.strerror}") from exc
