"""Schema evolution: pull the live schema, diff two schemas, name the operations a change breaks."""

# load_schema      an SDL file, an introspection JSON file, a URL or git:REV:path
# diff_schemas     every change, with graphql-inspector's levels, types and paths
# find_breaks      which of our operations each change breaks, and where
# compare          all three, as `pluvo-codegen diff` runs them
# render_report    text, JSON or markdown
# pull_schema      introspect an endpoint and print deterministic SDL

from __future__ import annotations

from codegen.evolution.breaks import Break, Finding, find_breaks
from codegen.evolution.changes import Change, ChangeType, Level
from codegen.evolution.compare import Comparison, compare
from codegen.evolution.diff import diff_schemas
from codegen.evolution.fetch_schema import DEFAULT_TIMEOUT, fetch_introspection
from codegen.evolution.load import LoadedSchema, load_schema, schema_from_text
from codegen.evolution.operations import Operation, load_operations
from codegen.evolution.pull import pull_schema
from codegen.evolution.report import FORMATS, render_report

__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "Break",
    "Change",
    "ChangeType",
    "Comparison",
    "Finding",
    "Level",
    "LoadedSchema",
    "Operation",
    "compare",
    "diff_schemas",
    "fetch_introspection",
    "find_breaks",
    "load_operations",
    "load_schema",
    "pull_schema",
    "render_report",
    "schema_from_text",
]
