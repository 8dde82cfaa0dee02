"""The exception tree: every failure a user can cause is one of these.

    CodegenError                 bad input or usage; the CLI exits 2
    ├── ConfigError              the TOML config is missing, unreadable or wrong
    ├── DocumentError            the schema or the operations are invalid; carries
    │                            every Diagnostic found, each with its location
    ├── GenerationError          ariadne-codegen refused input that validated
    ├── SchemaSourceError        a schema to pull or diff cannot be fetched or read:
    │                            an endpoint that fails, a bad git revision, a file
    │                            that is not an introspection result
    └── TargetError              the contract kit cannot reach or use its endpoint
        └── UnauthorisedError    the endpoint or its token URL answered HTTP 401

Drift is not an error: `check` returns it as a value and the CLI exits 1; nor is a
violated contract property: `contract` returns it in its report and the CLI exits 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CodegenError",
    "ConfigError",
    "Diagnostic",
    "DocumentError",
    "GenerationError",
    "SchemaSourceError",
    "TargetError",
    "UnauthorisedError",
]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file; `line` and `column` are 1-based, 0 when unknown."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{self.path}: {self.message}"


class CodegenError(Exception):
    """Root of every user-facing error."""


class ConfigError(CodegenError):
    """The config file is missing, is not TOML, or has wrong settings."""


class DocumentError(CodegenError):
    """The schema or the operations are invalid; `diagnostics` lists every problem."""

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
