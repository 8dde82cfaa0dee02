"""The exception tree: every failure a user can cause is one of these.

    CodegenError                 bad input or usage; the CLI exits 2
    ├── ConfigError              the TOML config is missing, unreadable or wrong
    ├── DocumentError            the schema or the operations are invalid, or the
    │                            package holds files generate did not write; carries
    │                            every Diagnostic found: a message at a Location
    ├── GenerationError          ariadne-codegen refused input that validated
    ├── SchemaSourceError        a schema to pull or diff cannot be fetched or read:
    │                            an endpoint that fails, a bad git revision, a file
    │                            that is not an introspection result
    └── TargetError              the contract kit cannot reach or use its endpoint
        └── UnauthorisedError    the endpoint or its token URL answered HTTP 401

Drift is not an error: `check` returns it as a value and the CLI exits 1; nor is a
violated contract property: `contract` returns it in its report and the CLI exits 1.

The exit codes every command uses are defined here once: EXIT_OK (0), EXIT_FOUND (1:
drift, a violated property, a breaking change, an edited package, a receiver that
did not answer 2xx) and EXIT_INVALID (2: a CodegenError, bad usage, or an endpoint
that cannot be reached). Each command's `--help` says what 1 and 2 mean for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "EXIT_FOUND",
    "EXIT_INVALID",
    "EXIT_OK",
    "CodegenError",
    "ConfigError",
    "Diagnostic",
    "DocumentError",
    "GenerationError",
    "Location",
    "SchemaSourceError",
    "TargetError",
    "UnauthorisedError",
    "decode_utf8",
]

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_INVALID = 2


@dataclass(frozen=True, order=True)
class Location:
    """A place in a user's file, shown `path:line:col`; 1-based, line 0 when unknown.

    The one type for a place in a file: diagnostics, the changes a diff reports
    and the operations a change breaks all carry one. Without a line it shows the
    path alone.
    """

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


@dataclass(frozen=True, order=True)
class Diagnostic(Location):
    """A Location with the problem found there: `path:line:col: message`.

    It orders by path, line, column and then message, so a report reads file by file.
    """

    message: str

    def __str__(self) -> str:
        return f"{Location.__str__(self)}: {self.message}"


class CodegenError(Exception):
    """Root of every user-facing error."""


class ConfigError(CodegenError):
    """The config file is missing, is not TOML, or has wrong settings."""


class DocumentError(CodegenError):
    """Invalid input, one problem per file or place; `diagnostics` lists every problem.

    The schema or the operations are invalid, or (for `generate`) the package holds
    files it did not write.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(set(diagnostics))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class GenerationError(CodegenError):
    """ariadne-codegen failed on input that graphql-core accepted."""


class SchemaSourceError(CodegenError):
    """A schema cannot be fetched or read: the message names the source and the cause."""


class TargetError(CodegenError):
    """The contract kit's endpoint is unreachable, is not a GraphQL endpoint, or did not start."""


class UnauthorisedError(TargetError):
    """The endpoint or its token URL answered HTTP 401: a wrong or expired token or secret."""


def decode_utf8(raw: bytes, path: str) -> str:
    """A user's file as text; `DocumentError` at the first byte that is not UTF-8.

    The one message for every command that reads GraphQL files (`generate`,
    `validate`, `check`, `diff`, `verify`): `path:line:col: not UTF-8: byte 0xe9
    cannot be decoded`, where the line counts `\\n` and the column counts bytes.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded"
        raise DocumentError([Diagnostic(path, line, column, message)]) from exc
