"""Load a schema to diff: an SDL file, an introspection JSON file, a URL, or `git:REV:path`."""

from __future__ import annotations

import bisect
import re
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.errors import Diagnostic, DocumentError, Location, SchemaSourceError, decode_utf8
from codegen.evolution.assemble import SchemaProblem
from codegen.evolution.fetch_schema import DEFAULT_TIMEOUT, fetch_introspection
from codegen.evolution.model import Schema
from codegen.evolution.read_introspection import (
    IntrospectionShapeError,
    client_schema,
    model_from_introspection,
)
from codegen.evolution.read_sdl import Unsupported, read_sdl
from codegen.json_reading import JSONProblem, read_json

if TYPE_CHECKING:
    import httpx
    from graphql import GraphQLSchema

__all__ = ["LoadedSchema", "load_schema", "schema_from_text"]

_LINE_BREAK = re.compile(r"\r\n|[\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class LoadedSchema:
    """A schema model, the name messages give it, and its SDL text when it has one.

    `built` is graphql-core's schema when loading already built it (from an
    introspection result); for SDL, `graphql_schema` builds it on first use.
    """

    name: str
    model: Schema
    text: str | None = None
    built: GraphQLSchema | None = field(default=None, compare=False, repr=False)

    @cached_property
    def graphql_schema(self) -> GraphQLSchema:
        """graphql-core's schema built from the source itself, to validate operations against.

        SDL goes through `build_ast_schema` as `validate` builds it, introspection through
        `build_client_schema`, so the directives the specification defines (`@include`,
        `@skip`, ...) and the schema's own are all there. A schema that breaks a rule
        only `validate_schema` checks raises `DocumentError` here, with its location.
        """
        if self.built is not None:
            return self.built
        from graphql import Source

        from codegen.sources import schema_from_sdl

        # Reading the text into the model already checked the SDL rules.
        return schema_from_sdl(Source(self.text or "", self.name), sdl_checked=True)

    @cached_property
    def _line_starts(self) -> list[int]:
        return _line_starts(self.text or "")

    def locate(self, offset: int) -> Location | None:
        """`name:line:col` of a character offset in the SDL text."""
        if self.text is None or offset < 0:
            return None
        return Location(self.name, *_line_and_column(self._line_starts, offset))


def _line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in _LINE_BREAK.finditer(text)]


def _line_and_column(line_starts: list[int], offset: int) -> tuple[int, int]:
    """1-based, as graphql-core counts them; (0, 0) for an unknown offset."""
    if offset < 0:
        return 0, 0
    line = bisect.bisect_right(line_starts, offset)
    return line, offset - line_starts[line - 1] + 1


def load_schema(
    spec: str,
    *,
    root: Path,
    auth: httpx.Auth | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> LoadedSchema:
    """Load `spec`; `git:REV:path` runs `git show` in `root` (the config's folder).

    SDL goes through the fast reader; when it defers (an error, or something it does
    not read), graphql-core parses and validates the text, and its errors are raised
    with their `path:line:col`.
    """
    if spec.startswith(("http://", "https://")):
        data = fetch_introspection(spec, auth, timeout)
        return _from_introspection(data, spec)
    if spec.startswith("git:"):
        return schema_from_text(_git_show(spec, root), spec)
    path = Path(spec)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError([Diagnostic(spec, 0, 0, "no such file (a schema to diff)")]) from None
    except OSError as exc:
        raise DocumentError([Diagnostic(spec, 0, 0, f"cannot read: {exc.strerror}")]) from exc
    return schema_from_text(raw, spec)


def schema_from_text(raw: bytes, name: str) -> LoadedSchema:
    """A schema from a file's bytes: introspection JSON if it looks like JSON, else SDL."""
    text = decode_utf8(raw, name)
    # A GraphQL file is SDL even if it starts with `{` (an executable definition).
    sdl_file = name.endswith((".graphql", ".graphqls", ".gql"))
    if name.endswith(".json") or (text.lstrip().startswith("{") and not sdl_file):
        try:
            data = read_json(text)
        except JSONProblem as exc:
            if exc.kind == "syntax":
                message = f"invalid JSON: {exc.detail}"
                raise DocumentError([Diagnostic(name, exc.line, exc.column, message)]) from None
            raise SchemaSourceError(f"{name}: {exc}") from None
        if not isinstance(data, dict):
            raise SchemaSourceError(f"{name}: not an introspection result (not a JSON object)")
        return _from_introspection(data, name)
    return LoadedSchema(name, _read_sdl(text, name), text)


def _from_introspection(data: dict[str, Any], name: str) -> LoadedSchema:
    """graphql-core checks the result first; the model is read from what it accepted."""
    try:
        built = client_schema(data)
        model = model_from_introspection(data)
    except IntrospectionShapeError as exc:
        raise SchemaSourceError(f"{name}: {exc}") from exc
    return LoadedSchema(name, model, built=built)


def _read_sdl(text: str, name: str) -> Schema:
    try:
        return read_sdl(text)
    except (Unsupported, SchemaProblem, RecursionError):
        return _read_sdl_slowly(text, name)


def _read_sdl_slowly(text: str, name: str) -> Schema:
    """graphql-core's parse and SDL validation, for their errors with locations."""
    from graphql import GraphQLSyntaxError, Source, parse
    from graphql.validation.validate import validate_sdl

    from codegen.evolution.from_ast import model_from_document
    from codegen.sources import diagnose

    source = Source(text, name)
    try:
        document = parse(source)
    except GraphQLSyntaxError as error:
        raise DocumentError([diagnose(error)]) from None
    errors = validate_sdl(document)
    if errors:
        raise DocumentError([diagnose(error) for error in errors])
    try:
        return model_from_document(document)
    except RecursionError:
        raise DocumentError([Diagnostic(name, 0, 0, "Document is nested too deeply.")]) from None
    except SchemaProblem as problem:
        line, column = _line_and_column(_line_starts(text), problem.offset)
        raise DocumentError([Diagnostic(name, line, column, problem.message)]) from problem


def _git_show(spec: str, root: Path) -> bytes:
    if _CONTROL.search(spec):
        # No revision or path holds one; echoed as it is, it would split the message.
        shown = _CONTROL.sub(lambda m: repr(m[0])[1:-1], spec)
        raise SchemaSourceError(f"{shown}: a git source cannot hold a control character")
    revision, colon, path = spec[len("git:") :].partition(":")
    if not colon or not revision or not path:
        raise SchemaSourceError(
            f"{spec}: expected git:REVISION:PATH, e.g. git:origin/main:schema/pluvo.graphql"
        )
    if revision.startswith("-"):
        # git would read it as an option (`--output=FILE` writes a file).
        raise SchemaSourceError(f"{spec}: a git revision cannot start with '-'")
    # `./` makes git read the path relative to `root`, not to the repository's top.
    target = f"{revision}:{path if path.startswith('./') else './' + path}"
    try:
        completed = subprocess.run(
            ["git", "show", "--end-of-options", target], cwd=root, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise SchemaSourceError(f"{spec}: git is not installed") from None
    if completed.returncode != 0:
        reason = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SchemaSourceError(f"{spec}: {reason[0] if reason else 'git show failed'}")
    return completed.stdout
