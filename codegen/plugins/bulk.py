"""Add `issue_<name>` to the client for each bulk mutation shaped like Pluvo's.

A mutation qualifies when it takes `userIds` and its root field selects
`bulkGenerate { succeededIds failedIds }`. The method takes any number of ids,
deduplicates them, sends them in batches and adds up the outcome; the batching
rules live in the runtime's base client and `bulk.py`.
"""

from __future__ import annotations

import ast
import copy
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from ariadne_codegen.utils import str_to_snake_case
from graphql import FieldNode, GraphQLSchema, OperationDefinitionNode, OperationType

__all__ = ["BulkIssuePlugin"]

_TEMPLATE = '''
async def {name}(
    self,
    batch_size: int = 100,
    on_progress: Callable[[BulkProgress], object] | None = None,
) -> IssueResult:
    """Issue to every id in `user_ids`, in batches of at most `batch_size`.

    Duplicate ids are sent once. Each batch is one `{method}` call; a batch whose
    outcome is unknown (timeout, lost connection, 5xx) is not re-sent, and its ids
    are reported in `unknown_ids`. `on_progress` is called after every batch.
    """

    async def send(batch: list[UUID]) -> tuple[list[UUID], list[UUID]]:
        result = await self.{method}({forward})
        outcome = result.{field}
        if outcome is None:
            raise UnknownOutcome("the server answered without a result")
        return outcome.bulk_generate.succeeded_ids, outcome.bulk_generate.failed_ids

    return await self._issue_in_batches(send, user_ids, batch_size, on_progress)
'''


def _is_bulk(operation: OperationDefinitionNode) -> str | None:
    variables = {v.variable.name.value for v in operation.variable_definitions}
    if operation.operation != OperationType.MUTATION or "userIds" not in variables:
        return None
    roots = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    if len(roots) != 1 or roots[0].selection_set is None:
        return None
    root = roots[0]
    for child in root.selection_set.selections if root.selection_set else ():
        if isinstance(child, FieldNode) and child.name.value == "bulkGenerate":
            names = {
                s.name.value
                for s in (child.selection_set.selections if child.selection_set else ())
                if isinstance(s, FieldNode)
            }
            if {"succeededIds", "failedIds"} <= names:
                return str_to_snake_case((root.alias or root.name).value)
    return None


def issue_method_name(operation: OperationDefinitionNode) -> str | None:
    """The batching method the plugin writes for `operation`, if it is a bulk mutation."""
    if operation.name is None or _is_bulk(operation) is None:
        return None
    return "issue_" + str_to_snake_case(operation.name.value).removeprefix("generate_")


class BulkIssuePlugin(Plugin):
    """Writes one batching method per bulk mutation."""

    def __init__(self, schema: GraphQLSchema, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)
        self.methods: list[ast.AsyncFunctionDef] = []

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        field = _is_bulk(operation_definition)
        if field is not None:
            self.methods.append(self._build(method_def, field))
        return method_def

    @staticmethod
    def _build(
        method_def: ast.FunctionDef | ast.AsyncFunctionDef, field: str
    ) -> ast.AsyncFunctionDef:
        params = [a.arg for a in method_def.args.args[1:]]
        forward = (
            ", ".join(f"{p}=batch" if p == "user_ids" else f"{p}={p}" for p in params)
            + ", **kwargs"
        )
        name = "issue_" + method_def.name.removeprefix("generate_")
        source = _TEMPLATE.format(name=name, method=method_def.name, field=field, forward=forward)
        built = ast.parse(source).body[0]
        assert isinstance(built, ast.AsyncFunctionDef)
        args = copy.deepcopy(method_def.args)
        for arg in args.args:
            if arg.arg == "user_ids":
                arg.annotation = ast.parse("Iterable[UUID | str]", mode="eval").body
        args.kwonlyargs = built.args.args[1:]
        args.kw_defaults = list(built.args.defaults)
        built.args = args
        return built

    def generate_client_class(self, class_def: ast.ClassDef) -> ast.ClassDef:
        ordered: list[ast.AsyncFunctionDef] = sorted(self.methods, key=lambda m: m.name)
        class_def.body.extend(ordered)
        return class_def

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        if self.methods:
            module.body[:0] = [
                ast.ImportFrom(
                    module="collections.abc",
                    names=[ast.alias("Callable"), ast.alias("Iterable")],
                    level=0,
                ),
                ast.ImportFrom(
                    module="bulk",
                    names=[
                        ast.alias("BulkProgress"),
                        ast.alias("IssueResult"),
                        ast.alias("UnknownOutcome"),
                    ],
                    level=1,
                ),
                ast.ImportFrom(module="uuid", names=[ast.alias("UUID")], level=0),
            ]
        return module
