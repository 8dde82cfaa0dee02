"""The schema coordinates an operation uses, found by walking it over a schema model."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    DirectiveNode,
    EnumValueNode,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    Node,
    ObjectValueNode,
    SelectionSetNode,
    TypeNode,
    ValueNode,
    VariableNode,
)

from codegen.evolution.model import Schema, named_type
from codegen.evolution.operations import Operation

__all__ = ["Usage", "find_usage"]

_ABSTRACT = ("INTERFACE", "UNION")


_LOCATIONS: dict[type[Node], str] = {
    FieldNode: "FIELD",
    InlineFragmentNode: "INLINE_FRAGMENT",
    FragmentSpreadNode: "FRAGMENT_SPREAD",
}


@dataclass
class Usage:
    """What one operation uses (see the module's docstring)."""

    uses: dict[str, Node] = field(default_factory=dict)
    scope: set[str] = field(default_factory=set)


def find_usage(operation: Operation, schema: Schema) -> Usage:
    """Walk `operation` over `schema` (the old one); unknown names are skipped.

    `find_usage` returns two things about one operation:

    - `uses`: each coordinate it uses, mapped to the first node that uses it:
      `Type`, `Type.field`, `Type.field.arg`, `Input.field`, `Enum.VALUE`,
      `@directive`, `@directive.arg`, `@directive on LOCATION` (where it is applied:
      `FIELD`, `QUERY`, ...), `Parent ... on Type` for a fragment spread,
      and `<query>` (or `<mutation>`, `<subscription>`) for its kind. A variable's
      input type counts as using all of it: every field and enum value the client
      may send through it.
    - `scope`: the type names and directives whose change could change whether the
      operation is valid: `uses`' types, plus the possible types of both sides of a
      spread between two abstract types.
    """
    walker = _Walker(schema, operation)
    walker.walk()
    return walker.usage


class _Walker:
    def __init__(self, schema: Schema, operation: Operation) -> None:
        self.schema = schema
        self.operation = operation
        self.usage = Usage()
        self.fragments_seen: set[tuple[str, str]] = set()

    def use(self, coordinate: str, node: Node) -> None:
        self.usage.uses.setdefault(coordinate, node)

    def use_type(self, name: str, node: Node) -> None:
        self.use(name, node)
        self.usage.scope.add(name)

    def walk(self) -> None:
        node = self.operation.node
        kind = node.operation.value
        self.use(f"<{kind}>", node.name or node)
        self.usage.scope.add(f"<{kind}>")
        self.directives(node.directives, kind.upper())
        for definition in node.variable_definitions or ():
            self.variable_type(definition.type)
            self.directives(definition.directives, "VARIABLE_DEFINITION")
        root: str | None = getattr(self.schema, kind)
        if root is not None:
            self.use_type(root, node.name or node)
            self.selections(root, node.selection_set)

    def selections(self, parent: str, selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            self.directives(selection.directives, _LOCATIONS[type(selection)])
            if isinstance(selection, FieldNode):
                self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = condition.name.value if condition else parent
                if condition is not None:
                    self.spread(parent, target, selection)
                self.selections(target, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.operation.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                target = fragment.type_condition.name.value
                self.spread(parent, target, selection)
                key = (parent, fragment.name.value)
                if key not in self.fragments_seen:
                    self.fragments_seen.add(key)
                    self.directives(fragment.directives, "FRAGMENT_DEFINITION")
                    self.selections(target, fragment.selection_set)

    def spread(self, parent: str, target: str, node: Node) -> None:
        self.use_type(target, node)
        self.use(f"{parent} ... on {target}", node)
        types = self.schema.types
        parent_type, target_type = types.get(parent), types.get(target)
        if (
            parent_type is not None
            and target_type is not None
            and parent_type.kind in _ABSTRACT
            and target_type.kind in _ABSTRACT
        ):
            self.usage.scope.update(self.possible_types(parent))
            self.usage.scope.update(self.possible_types(target))

    def possible_types(self, name: str) -> set[str]:
        type_ = self.schema.types[name]
        if type_.kind == "UNION":
            return set(type_.members)
        return {t.name for t in self.schema.types.values() if name in t.interfaces}

    def field(self, parent: str, node: FieldNode) -> None:
        name = node.name.value
        parent_type = self.schema.types.get(parent)
        if name.startswith("__") or parent_type is None:
            return
        definition = parent_type.fields.get(name)
        if definition is None:
            return
        coordinate = f"{parent}.{name}"
        self.use(coordinate, node.name)
        for argument in node.arguments or ():
            arg = definition.args.get(argument.name.value)
            self.use(f"{coordinate}.{argument.name.value}", argument)
            if arg is not None:
                self.value(argument.value, arg.type)
        result = named_type(definition.type)
        self.use_type(result, node.name)
        self.selections(result, node.selection_set)

    def directives(self, nodes: tuple[DirectiveNode, ...] | None, location: str) -> None:
        for node in nodes or ():
            name = node.name.value
            self.use(f"@{name}", node)
            self.use(f"@{name} on {location}", node)
            self.usage.scope.add(f"@{name}")
            definition = self.schema.directives.get(name)
            for argument in node.arguments or ():
                self.use(f"@{name}.{argument.name.value}", argument)
                arg = definition.args.get(argument.name.value) if definition else None
                if arg is not None:
                    self.value(argument.value, arg.type)

    def value(self, node: ValueNode, type_: str) -> None:
        name = named_type(type_)
        self.use_type(name, node)
        if isinstance(node, VariableNode):
            return
        if isinstance(node, ListValueNode):
            inner = type_.removesuffix("!")
            item_type = inner[1:-1] if inner.startswith("[") else inner
            for item in node.values:
                self.value(item, item_type)
        elif isinstance(node, ObjectValueNode):
            input_type = self.schema.types.get(name)
            for object_field in node.fields:
                field_name = object_field.name.value
                self.use(f"{name}.{field_name}", object_field)
                definition = input_type.input_fields.get(field_name) if input_type else None
                if definition is not None:
                    self.value(object_field.value, definition.type)
        elif isinstance(node, EnumValueNode):
            self.use(f"{name}.{node.value}", node)

    def variable_type(self, node: TypeNode) -> None:
        while not isinstance(node, NamedTypeNode):
            node = node.type  # type: ignore[attr-defined]
        pending = [node.name.value]
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            self.use_type(name, node)
            type_ = self.schema.types.get(name)
            if type_ is None:
                continue
            for value in type_.values:
                self.use(f"{name}.{value}", node)
            for input_field in type_.input_fields.values():
                self.use(f"{name}.{input_field.name}", node)
                pending.append(named_type(input_field.type))
