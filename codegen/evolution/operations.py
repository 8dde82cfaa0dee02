"""Our operations: parsed from the queries folder, each with the fragments it spreads."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    Node,
    OperationDefinitionNode,
    parse,
    visit,
)
from graphql.language import Visitor
from graphql.language.location import get_location

from codegen.errors import Diagnostic, DocumentError
from codegen.evolution.changes import Location
from codegen.sources import diagnose, find_graphql_files, read_source

__all__ = ["Operation", "load_operations", "locate_node", "operations_from_documents"]


@dataclass(frozen=True)
class Operation:
    """One named operation, and a document holding it and every fragment it spreads."""

    name: str
    node: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    document: DocumentNode

    @property
    def location(self) -> Location | None:
        """Where the operation is defined."""
        return locate_node(self.node.name or self.node)


def locate_node(node: Node) -> Location | None:
    """`path:line:col` of a node of a parsed operation file."""
    if node.loc is None:
        return None
    where = get_location(node.loc.source, node.loc.start)
    return Location(node.loc.source.name, where.line, where.column)


def load_operations(path: Path, display_root: Path | None = None) -> list[Operation]:
    """Parse every GraphQL file at `path`; raise every syntax error with its location.

    Files are named relative to `display_root` (the config's folder), or to the
    working directory.
    """
    problems: list[Diagnostic] = []
    if not path.exists():
        shown = _display(path, display_root)
        raise DocumentError([Diagnostic(shown, 0, 0, "no such file or folder (the operations)")])
    documents: list[DocumentNode] = []
    for file in find_graphql_files(path):
        source = read_source(file, _display(file, display_root), problems)
        if source is None:
            continue
        try:
            documents.append(parse(source))
        except GraphQLSyntaxError as error:
            problems.append(diagnose(error))
    if problems:
        raise DocumentError(problems)
    return operations_from_documents(documents)


def operations_from_documents(documents: Iterable[DocumentNode]) -> list[Operation]:
    """Every operation in `documents`, with the fragments (from any of them) it spreads."""
    definitions = [node for document in documents for node in document.definitions]
    fragments = {
        node.name.value: node for node in definitions if isinstance(node, FragmentDefinitionNode)
    }
    return [
        _operation(node, fragments)
        for node in definitions
        if isinstance(node, OperationDefinitionNode)
    ]


def _display(file: Path, root: Path | None) -> str:
    return Path(os.path.relpath(file, root or Path.cwd())).as_posix()


def _operation(
    node: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> Operation:
    used: dict[str, FragmentDefinitionNode] = {}
    pending: list[Node] = [node]
    while pending:
        for name in _spread_names(pending.pop()):
            fragment = fragments.get(name)
            if fragment is not None and name not in used:
                used[name] = fragment
                pending.append(fragment)
    name = node.name.value if node.name else f"<anonymous {node.operation.value}>"
    document = DocumentNode(definitions=(node, *used.values()))
    return Operation(name, node, used, document)


def _spread_names(node: Node) -> Iterable[str]:
    names: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            names.append(spread.name.value)

    visit(node, Spreads())
    return names
