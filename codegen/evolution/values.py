"""Type references and default values: safe type changes, and defaults compared by meaning."""

from __future__ import annotations

from typing import Any

from codegen.evolution.model import InputValue, Schema, Value

__all__ = [
    "defaults_equal",
    "is_required",
    "is_safe_input_change",
    "is_safe_output_change",
]

_UNDEFINED = object()  # valueFromAST's `undefined`: an invalid or missing value
_INT_RANGE = range(-(2**31), 2**31)


def is_required(value: InputValue) -> bool:
    """Whether a caller must give this argument or input field: non-null, no default."""
    return value.type.endswith("!") and value.default is None


def is_safe_output_change(old: str, new: str) -> bool:
    """graphql-inspector's `safeChangeForField`: e.g. `String` -> `String!` is safe."""
    if not _is_wrapping(old) and not _is_wrapping(new):
        return old == new
    if new.endswith("!"):
        return is_safe_output_change(old.removesuffix("!"), new[:-1])
    if _is_list(old):
        return (_is_list(new) and is_safe_output_change(old[1:-1], new[1:-1])) or (
            new.endswith("!") and is_safe_output_change(old, new[:-1])
        )
    return False


def is_safe_input_change(old: str, new: str) -> bool:
    """graphql-inspector's `safeChangeForInputValue`: e.g. `String!` -> `String` is safe."""
    if not _is_wrapping(old) and not _is_wrapping(new):
        return old == new
    if _is_list(old) and _is_list(new):
        return is_safe_input_change(old[1:-1], new[1:-1])
    if old.endswith("!"):
        return is_safe_input_change(old[:-1], new.removesuffix("!"))
    return False


def _is_wrapping(type_: str) -> bool:
    return type_.endswith("!") or type_.startswith("[")


def _is_list(type_: str) -> bool:
    return type_.startswith("[") and not type_.endswith("!")


def defaults_equal(
    old: InputValue | None, new: InputValue, old_schema: Schema, new_schema: Schema
) -> bool:
    """Whether two default values are equal once coerced to their types.

    graphql-inspector compares default values after coercing them to their type, as
    graphql-js does when it builds a schema (`valueFromAST`): `[Int] = 1` equals
    `[Int] = [1]`, `Float = 1` equals `Float = 1.0`, and an input object literal is
    completed with its fields' defaults. These functions do the same on the model.
    """
    # Equal literals of equal types coerce alike, unless they name enum values or
    # input fields, whose definitions may have changed.
    if (
        old is not None
        and old.default == new.default
        and old.type == new.type
        and (old.default is None or not _depends_on_schema(old.default))
    ):
        return True
    old_value = _UNDEFINED if old is None else _coerce(old.default, old.type, old_schema)
    return _same(old_value, _coerce(new.default, new.type, new_schema))


def _depends_on_schema(value: Value) -> bool:
    if value[0] in ("Object", "Enum"):
        return True
    return value[0] == "List" and any(_depends_on_schema(item) for item in value[1])


def _same(left: Any, right: Any) -> bool:
    if left is _UNDEFINED or right is _UNDEFINED:
        return left is right
    return bool(left == right)


def _coerce(value: Value | None, type_: str, schema: Schema) -> Any:
    """valueFromAST: the value a literal stands for, comparable with ==, or _UNDEFINED."""
    if value is None:
        return _UNDEFINED
    if type_.endswith("!"):
        if value[0] == "Null":
            return _UNDEFINED
        return _coerce(value, type_[:-1], schema)
    if value[0] == "Null":
        return None
    if type_.startswith("["):
        item_type = type_[1:-1]
        if value[0] == "List":
            items = [_coerce(item, item_type, schema) for item in value[1]]
            return _UNDEFINED if any(item is _UNDEFINED for item in items) else items
        item = _coerce(value, item_type, schema)
        return _UNDEFINED if item is _UNDEFINED else [item]
    return _coerce_named(value, type_, schema)


def _coerce_named(value: Value, name: str, schema: Schema) -> Any:
    kind = value[0]
    if name == "Int":
        if kind == "Int" and int(value[1]) in _INT_RANGE:
            return ("number", float(value[1]))
        return _UNDEFINED
    if name == "Float":
        return ("number", float(value[1])) if kind in ("Int", "Float") else _UNDEFINED
    if name == "String":
        return ("string", value[1]) if kind == "String" else _UNDEFINED
    if name == "ID":
        return ("string", str(value[1])) if kind in ("String", "Int") else _UNDEFINED
    if name == "Boolean":
        return ("boolean", value[1]) if kind == "Boolean" else _UNDEFINED
    definition = schema.types.get(name)
    if definition is None:
        return _UNDEFINED
    if definition.kind == "ENUM":
        if kind == "Enum" and value[1] in definition.values:
            return ("string", value[1])
        return _UNDEFINED
    if definition.kind == "INPUT_OBJECT":
        if kind != "Object":
            return _UNDEFINED
        given = dict(value[1])
        result: dict[str, Any] = {}
        for field in definition.input_fields.values():
            if field.name not in given:
                if field.default is not None:
                    result[field.name] = _coerce(field.default, field.type, schema)
                elif field.type.endswith("!"):
                    return _UNDEFINED
                continue
            coerced = _coerce(given[field.name], field.type, schema)
            if coerced is _UNDEFINED:
                return _UNDEFINED
            result[field.name] = coerced
        return result
    return _untyped(value)


def _untyped(value: Value) -> Any:
    """valueFromASTUntyped: what a custom scalar's default parseLiteral returns."""
    kind = value[0]
    if kind in ("Int", "Float"):
        return ("number", float(value[1]))
    if kind in ("String", "Enum"):
        return ("string", value[1])
    if kind == "Boolean":
        return ("boolean", value[1])
    if kind == "Null":
        return None
    if kind == "List":
        return [_untyped(item) for item in value[1]]
    return {name: _untyped(item) for name, item in value[1]}
