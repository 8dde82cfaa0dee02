"""Build the model from graphql-core's AST: the path for text the fast reader defers."""

from __future__ import annotations

from collections.abc import Sequence

from graphql import (
    BooleanValueNode,
    ConstValueNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    EnumValueNode,
    FieldDefinitionNode,
    FloatValueNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    NullValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ObjectValueNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    ValueNode,
)

from codegen.evolution.assemble import Parts, SchemaPart, assemble, deprecation_reason
from codegen.evolution.model import (
    NO_OFFSET,
    DirectiveDef,
    DirectiveUse,
    EnumValue,
    Field,
    InputValue,
    Schema,
    TypeDef,
    Value,
)

__all__ = ["model_from_document", "value_from_node"]

_KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: "OBJECT",
    ObjectTypeExtensionNode: "OBJECT",
    InterfaceTypeDefinitionNode: "INTERFACE",
    InterfaceTypeExtensionNode: "INTERFACE",
    UnionTypeDefinitionNode: "UNION",
    UnionTypeExtensionNode: "UNION",
    EnumTypeDefinitionNode: "ENUM",
    EnumTypeExtensionNode: "ENUM",
    InputObjectTypeDefinitionNode: "INPUT_OBJECT",
    InputObjectTypeExtensionNode: "INPUT_OBJECT",
    ScalarTypeDefinitionNode: "SCALAR",
    ScalarTypeExtensionNode: "SCALAR",
}


def model_from_document(document: DocumentNode) -> Schema:
    """The model of an SDL document graphql-core has parsed (executable definitions ignored)."""
    parts = Parts()
    for node in document.definitions:
        if isinstance(node, TypeDefinitionNode):
            parts.types.append(_type(node))
        elif isinstance(node, TypeExtensionNode):
            parts.extensions.append(_type(node))
        elif isinstance(node, DirectiveDefinitionNode):
            parts.directives.append(
                DirectiveDef(
                    node.name.value,
                    _description(node.description),
                    _input_values(node.arguments),
                    node.repeatable,
                    tuple(location.value for location in node.locations),
                    _offset(node.name),
                )
            )
        elif isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            part = SchemaPart(
                tuple(
                    (op.operation.value, op.type.name.value, _offset(op.type.name))
                    for op in node.operation_types or ()
                ),
                _directives(node.directives),
                node.loc.start if node.loc else NO_OFFSET,
            )
            if isinstance(node, SchemaDefinitionNode):
                parts.schemas.append(part)
            else:
                parts.schema_extensions.append(part)
    return assemble(parts)


def _type(node: TypeDefinitionNode | TypeExtensionNode) -> TypeDef:
    kind = _KINDS[type(node)]
    description = _description(node.description) if isinstance(node, TypeDefinitionNode) else None
    fields: dict[str, Field] = {}
    input_fields: dict[str, InputValue] = {}
    values: dict[str, EnumValue] = {}
    interfaces: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    if kind in ("OBJECT", "INTERFACE"):
        for field in getattr(node, "fields", None) or ():
            fields[field.name.value] = _field(field)
        interfaces = tuple(n.name.value for n in getattr(node, "interfaces", None) or ())
    elif kind == "INPUT_OBJECT":
        input_fields = _input_values(getattr(node, "fields", None))
    elif kind == "ENUM":
        for value in getattr(node, "values", None) or ():
            directives = _directives(value.directives)
            offset = _offset(value.name)
            values[value.name.value] = EnumValue(
                value.name.value,
                _description(value.description),
                deprecation_reason(directives, offset),
                directives,
                offset,
            )
    elif kind == "UNION":
        members = tuple(n.name.value for n in getattr(node, "types", None) or ())
    return TypeDef(
        kind,
        node.name.value,
        description,
        fields,
        input_fields,
        values,
        interfaces,
        members,
        _directives(node.directives),
        _offset(node.name),
    )


def _field(node: FieldDefinitionNode) -> Field:
    directives = _directives(node.directives)
    offset = _offset(node.name)
    return Field(
        node.name.value,
        _type_reference(node.type),
        _input_values(node.arguments),
        _description(node.description),
        deprecation_reason(directives, offset),
        directives,
        offset,
    )


def _input_values(nodes: Sequence[InputValueDefinitionNode] | None) -> dict[str, InputValue]:
    values: dict[str, InputValue] = {}
    for node in nodes or ():
        directives = _directives(node.directives)
        offset = _offset(node.name)
        values[node.name.value] = InputValue(
            node.name.value,
            _type_reference(node.type),
            None if node.default_value is None else _value(node.default_value),
            _description(node.description),
            deprecation_reason(directives, offset),
            directives,
            offset,
        )
    return values


def _type_reference(node: TypeNode) -> str:
    if isinstance(node, NonNullTypeNode):
        return _type_reference(node.type) + "!"
    if isinstance(node, ListTypeNode):
        return f"[{_type_reference(node.type)}]"
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def _directives(nodes: Sequence[DirectiveNode] | None) -> tuple[DirectiveUse, ...]:
    return tuple(
        DirectiveUse(
            node.name.value,
            tuple((arg.name.value, _value(arg.value)) for arg in node.arguments or ()),
        )
        for node in nodes or ()
    )


def value_from_node(node: ValueNode | ConstValueNode) -> Value:
    """The model's literal for a graphql-core value node."""
    return _value(node)


def _value(node: ValueNode | ConstValueNode) -> Value:
    if isinstance(node, IntValueNode):
        return ("Int", node.value)
    if isinstance(node, FloatValueNode):
        return ("Float", node.value)
    if isinstance(node, StringValueNode):
        return ("String", node.value, bool(node.block))
    if isinstance(node, BooleanValueNode):
        return ("Boolean", node.value)
    if isinstance(node, NullValueNode):
        return ("Null",)
    if isinstance(node, EnumValueNode):
        return ("Enum", node.value)
    if isinstance(node, ListValueNode):
        return ("List", tuple(_value(item) for item in node.values))
    if isinstance(node, ObjectValueNode):
        return ("Object", tuple((f.name.value, _value(f.value)) for f in node.fields))
    raise TypeError(f"not a constant value: {node.kind}")


def _description(node: StringValueNode | None) -> str | None:
    return None if node is None else node.value


def _offset(node: NameNode) -> int:
    return node.loc.start if node.loc is not None else NO_OFFSET
