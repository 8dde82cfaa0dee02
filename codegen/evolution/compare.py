"""The whole `diff` command as one call: load both schemas and our operations, diff, map."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.errors import ConfigError, Diagnostic, DocumentError
from codegen.evolution.breaks import Finding, find_breaks
from codegen.evolution.changes import Level
from codegen.evolution.diff import diff_schemas
from codegen.evolution.fetch_schema import DEFAULT_TIMEOUT
from codegen.evolution.load import LoadedSchema, load_schema
from codegen.evolution.operations import Operation, load_operations

if TYPE_CHECKING:
    import httpx

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """Every change from `old` to `new`, each with the operations it breaks."""

    old: str
    new: str
    findings: tuple[Finding, ...]
    operations: int

    def count(self, level: Level) -> int:
        """How many changes have `level`."""
        return sum(1 for finding in self.findings if finding.change.level is level)

    @property
    def broken_operations(self) -> list[str]:
        """The names of the operations some change breaks, sorted."""
        return sorted({b.operation for finding in self.findings for b in finding.breaks})


def compare(
    old: str,
    new: str,
    *,
    queries: Path | None = None,
    config: Path | None = None,
    auth: httpx.Auth | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Comparison:
    """Diff `old` against `new` and find which of our operations each change breaks.

    Our operations are those in `queries`, or else in the configured queries
    path. Without `--config`, a missing `pyproject.toml` only means there are
    no operations to check. `auth` goes to each schema that is a URL.
    """
    root, operations_path, display_root = _resolve(config, queries)
    problems: list[Diagnostic] = []
    schemas: list[LoadedSchema] = []
    for spec in (old, new):
        try:
            schemas.append(load_schema(spec, root=root, auth=auth, timeout=timeout))
        except DocumentError as exc:
            problems.extend(exc.diagnostics)
    operations: list[Operation] = []
    if operations_path is not None:
        try:
            operations = load_operations(operations_path, display_root)
        except DocumentError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise DocumentError(problems)
    before, after = schemas
    changes = diff_schemas(
        before.model, after.model, locate_old=before.locate, locate_new=after.locate
    )
    findings = find_breaks(changes, operations, before, after)
    return Comparison(before.name, after.name, tuple(findings), len(operations))


def _resolve(config: Path | None, queries: Path | None) -> tuple[Path, Path | None, Path | None]:
    """The folder for `git show`, the operations' path, and the folder their names start from."""
    from codegen.config import load_config

    try:
        loaded = load_config(config)
    except ConfigError:
        if config is not None:
            raise
        loaded = None
    root = loaded.root if loaded else Path.cwd()
    if queries is not None:
        return root, queries, None
    if loaded is not None:
        return root, loaded.queries_path, loaded.root
    return root, None, None
