"""Which of our operations each change breaks, and where."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from graphql import GraphQLError, Node, specified_rules, validate

from codegen.errors import Location
from codegen.evolution.changes import Change, ChangeType, Level
from codegen.evolution.operations import Operation
from codegen.evolution.usage import Usage, find_usage
from codegen.sources import locate_node

if TYPE_CHECKING:
    from graphql import GraphQLSchema

    from codegen.evolution.load import LoadedSchema

__all__ = ["CANNOT_INVALIDATE", "Break", "Finding", "find_breaks"]

CANNOT_INVALIDATE = frozenset(
    {
        ChangeType.TYPE_ADDED,
        ChangeType.FIELD_ADDED,
        ChangeType.ENUM_VALUE_ADDED,
        ChangeType.UNION_MEMBER_ADDED,
        ChangeType.OBJECT_TYPE_INTERFACE_ADDED,
        ChangeType.DIRECTIVE_ADDED,
        ChangeType.DIRECTIVE_LOCATION_ADDED,
        ChangeType.DIRECTIVE_REPEATABLE_ADDED,
        *(t for t in ChangeType if "DESCRIPTION" in t.name or "DEPRECATION" in t.name),
    }
)


class Break(NamedTuple):
    """An operation a change breaks, and where the operation uses what changed."""

    operation: str
    location: Location | None


class Finding(NamedTuple):
    """A change, and the operations it breaks (none for most changes)."""

    change: Change
    breaks: tuple[Break, ...]


def find_breaks(
    changes: Sequence[Change],
    operations: Sequence[Operation],
    old: LoadedSchema,
    new: LoadedSchema,
) -> list[Finding]:
    """Pair every change with the operations it breaks.

    An operation counts as broken by a change only if it was valid against the old
    schema (graphql-core's validation) and then either:

    - the change is breaking and touches what the operation uses (its `subjects`,
      see `Change`): a removed field it selects, an argument it passes, a required
      argument added to a field it selects, an input type it sends; or
    - the operation is no longer valid against the new schema, and the change is
      within what decides its validity (the types, directives and root it uses),
      and no breaking change already explains it.

    Operations are validated against graphql-core's schema built from each source
    itself (`LoadedSchema.graphql_schema`), never against one rebuilt from the model,
    so the directives the specification defines and the schema's own all count.
    Building it means parsing the SDL with graphql-core, so an operation is validated
    only when some change that can make an operation invalid (not an addition, a
    description or a deprecation) is within its scope.
    """
    found: list[list[Break]] = [[] for _ in changes]
    if operations:
        _Finder(changes, operations, old, new, found).run()
    return [Finding(change, tuple(breaks)) for change, breaks in zip(changes, found, strict=True)]


class _Finder:
    def __init__(
        self,
        changes: Sequence[Change],
        operations: Sequence[Operation],
        old: LoadedSchema,
        new: LoadedSchema,
        found: list[list[Break]],
    ) -> None:
        self.changes = changes
        self.operations = operations
        self.found = found
        self.usages = [find_usage(operation, old.model) for operation in operations]
        self.errors_old = _Validator(lambda: old.graphql_schema, operations)
        self.errors_new = _Validator(lambda: new.graphql_schema, operations)

    def run(self) -> None:
        broken: set[int] = set()
        for index, change in enumerate(self.changes):
            if change.level is not Level.BREAKING:
                continue
            for op_index, usage in enumerate(self.usages):
                node = _touch(usage, change)
                if node is not None and not self.errors_old(op_index):
                    self.found[index].append(
                        Break(self.operations[op_index].name, locate_node(node))
                    )
                    broken.add(op_index)
        for op_index, usage in enumerate(self.usages):
            if op_index not in broken:
                self.find_invalidated(op_index, usage)

    def find_invalidated(self, op_index: int, usage: Usage) -> None:
        in_scope = [
            index
            for index, change in enumerate(self.changes)
            if _may_invalidate(change) and _scope(change) in usage.scope
        ]
        if not in_scope:
            return
        errors = self.errors_new(op_index)
        if not errors or self.errors_old(op_index):
            return
        touching = [i for i in in_scope if _touch(usage, self.changes[i]) is not None]
        nodes = errors[0].nodes or ()
        operation = self.operations[op_index]
        location = locate_node(nodes[0]) if nodes else operation.location
        for index in touching or in_scope:
            self.found[index].append(Break(operation.name, location))


def _may_invalidate(change: Change) -> bool:
    """Whether the change can make a valid operation invalid.

    Additions cannot, unless they add something required (a breaking argument or
    input field); nor can descriptions, deprecations or applied directives, but
    for a breaking one (`@oneOf`).
    """
    if change.type in CANNOT_INVALIDATE:
        return False
    if change.type in _ADDITIONS or change.type.name.startswith("DIRECTIVE_USAGE_"):
        return change.level is Level.BREAKING
    return True


_ADDITIONS = frozenset(
    {
        ChangeType.FIELD_ARGUMENT_ADDED,
        ChangeType.INPUT_FIELD_ADDED,
        ChangeType.DIRECTIVE_ARGUMENT_ADDED,
    }
)


def _scope(change: Change) -> str:
    """The type, directive or root whose change this is."""
    if change.path is None:
        return change.subjects[0][0] if change.subjects else ""
    return change.path.split(".", 1)[0]


def _touch(usage: Usage, change: Change) -> Node | None:
    """The node where the operation uses what `change` changed, if it does."""
    for coordinates in change.subjects:
        if all(coordinate in usage.uses for coordinate in coordinates):
            return usage.uses[coordinates[-1]]
    return None


class _Validator:
    """Validation errors of each operation against one schema, built on first need."""

    def __init__(self, build: Callable[[], GraphQLSchema], operations: Sequence[Operation]) -> None:
        self.build = build
        self.operations = operations
        self.schema: GraphQLSchema | None = None
        self.cache: dict[int, list[GraphQLError]] = {}

    def __call__(self, op_index: int) -> list[GraphQLError]:
        if op_index not in self.cache:
            if self.schema is None:
                self.schema = self.build()
            document = self.operations[op_index].document
            self.cache[op_index] = validate(self.schema, document, specified_rules)
        return self.cache[op_index]
