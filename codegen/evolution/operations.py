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
    Node,
    OperationDefinitionNode,
    visit,
)
from graphql.language import Visitor

from codegen.errors import Diagnostic, DocumentError, Location
from codegen.sources import find_graphql_files, locate_node, parse_file

__all__ = ["Operation", "load_operations", "operations_from_documents"]


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
        document = parse_file(file, _display(file, display_root), problems)
        if document is not None:
            documents.append(document)
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
