"""`pull`: the live schema as deterministic SDL, and writing a file only when all went well."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codegen.errors import DocumentError, SchemaSourceError
from codegen.evolution.fetch_schema import DEFAULT_TIMEOUT, fetch_introspection
from codegen.evolution.read_introspection import IntrospectionShapeError, client_schema

if TYPE_CHECKING:
    import httpx

__all__ = ["print_introspection", "pull_schema"]


def pull_schema(url: str, auth: httpx.Auth | None = None, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Introspect `url` and print its schema as sorted SDL, the same bytes for the same schema."""
    return print_introspection(fetch_introspection(url, auth, timeout), url)


def print_introspection(data: dict[str, Any], source: str) -> str:
    """SDL for an introspection result: types, fields and values sorted, with descriptions.

    graphql-core checks the result (`client_schema`), and the SDL printed from it is
    then built again exactly as `validate` builds a schema, so `pull` never writes a
    schema that `validate` rejects: it exits 2 with the first problem instead.
    """
    from graphql import Source, lexicographic_sort_schema, print_schema

    from codegen.sources import schema_from_sdl

    try:
        sdl = print_schema(lexicographic_sort_schema(client_schema(data))) + "\n"
        schema_from_sdl(Source(sdl, source))
    except IntrospectionShapeError as exc:
        raise SchemaSourceError(f"{source}: {exc}") from None
    except DocumentError as exc:
        first = exc.diagnostics[0]
        where = f" at line {first.line}, column {first.column}" if first.line else ""
        raise SchemaSourceError(
            f"{source}: the SDL printed from its schema would not pass `validate`{where}: "
            f"{first.message}"
        ) from None
    except RecursionError:
        raise SchemaSourceError(f"{source}: the schema is nested too deeply to print") from None
    return sdl
