"""Hypothesis strategies: small random schemas, printed as SDL in random but valid styles."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from graphql import parse_value
from hypothesis import strategies as st

__all__ = ["FieldSpec", "SchemaSpec", "TypeSpec", "print_sdl", "schemas", "styles"]

SCALARS = ("String", "Int", "Float", "Boolean", "ID")


@dataclass(frozen=True)
class FieldSpec:
    """A field or an input field; `args` only on output fields."""

    name: str
    type: str
    args: tuple[tuple[str, str, str | None], ...] = ()  # (name, type, default literal)
    description: str | None = None
    deprecated: str | None = None


@dataclass(frozen=True)
class TypeSpec:
    """`kind` is `type`, `enum` or `input`; enums list their values as fields of type ''."""

    kind: str
    name: str
    fields: tuple[FieldSpec, ...]
    description: str | None = None


@dataclass(frozen=True)
class SchemaSpec:
    """The types; the first is Query."""

    types: tuple[TypeSpec, ...]

    def type(self, name: str) -> TypeSpec:
        return next(t for t in self.types if t.name == name)

    def with_type(self, new: TypeSpec) -> SchemaSpec:
        return SchemaSpec(
            tuple(new if t.name == new.name else t for t in self.types)
            if any(t.name == new.name for t in self.types)
            else (*self.types, new)
        )

    def objects(self) -> list[TypeSpec]:
        return [t for t in self.types if t.kind == "type"]


# UTF-8 has no lone surrogates, so every character drawn can be in a file.
_descriptions = st.none() | st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
_field_names = st.sampled_from(["id", "name", "title", "count", "items", "owner", "kind", "tags"])


def _wrap(draw: st.DrawFn, name: str) -> str:
    type_ = name
    if draw(st.booleans()):
        type_ = f"[{type_}{'!' if draw(st.booleans()) else ''}]"
    if draw(st.booleans()):
        type_ += "!"
    return type_


def _default(draw: st.DrawFn, type_: str, enums: dict[str, tuple[str, ...]]) -> str | None:
    name = type_.strip("[]!")
    if not draw(st.booleans()):
        return None
    if name == "Int":
        literal = str(draw(st.integers(-100, 100)))
    elif name == "Float":
        literal = draw(st.sampled_from(["1.5", "-0.25", "2", "1e3"]))
    elif name in ("String", "ID"):
        literal = json.dumps(draw(st.text(max_size=5)), ensure_ascii=False)
    elif name == "Boolean":
        literal = draw(st.sampled_from(["true", "false"]))
    elif name in enums:
        literal = draw(st.sampled_from(enums[name]))
    else:
        return None
    return f"[{literal}]" if type_.startswith("[") and draw(st.booleans()) else literal


@st.composite
def schemas(draw: st.DrawFn) -> SchemaSpec:
    """A valid schema: Query, 1-3 object types, up to 2 enums and an input type."""
    enum_count = draw(st.integers(0, 2))
    enums = {
        f"Kind{i}": tuple(
            draw(
                st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=1, max_size=3, unique=True)
            )
        )
        for i in range(enum_count)
    }
    object_names = [f"Thing{i}" for i in range(draw(st.integers(1, 3)))]
    input_names = ["Filter"] if draw(st.booleans()) else []
    leaf_types = [*SCALARS, *enums]
    types: list[TypeSpec] = []
    for name in ["Query", *object_names]:
        fields = []
        for field_name in draw(st.lists(_field_names, min_size=1, max_size=4, unique=True)):
            target = draw(st.sampled_from([*leaf_types, *object_names]))
            args = tuple(
                (arg, arg_type, _default(draw, arg_type, enums))
                for arg, arg_type in (
                    (arg, _wrap(draw, draw(st.sampled_from([*leaf_types, *input_names]))))
                    for arg in draw(
                        st.lists(
                            st.sampled_from(["first", "after", "where"]), max_size=2, unique=True
                        )
                    )
                )
            )
            if name == "Query":
                # Query's arguments stay optional, so an operation may leave them out.
                args = tuple((a, t.removesuffix("!"), d) for a, t, d in args)
            fields.append(
                FieldSpec(
                    field_name,
                    _wrap(draw, target),
                    args,
                    draw(_descriptions),
                    draw(st.none() | st.sampled_from(["Old.", 'Use "name".'])),
                )
            )
        types.append(TypeSpec("type", name, tuple(fields), draw(_descriptions)))
    for name, values in enums.items():
        types.append(
            TypeSpec(
                "enum",
                name,
                tuple(FieldSpec(v, "", description=draw(_descriptions)) for v in values),
            )
        )
    for name in input_names:
        fields = [
            FieldSpec(
                f, _wrap(draw, draw(st.sampled_from(leaf_types))), description=draw(_descriptions)
            )
            for f in draw(st.lists(_field_names, min_size=1, max_size=3, unique=True))
        ]
        types.append(TypeSpec("input", name, tuple(fields)))
    return SchemaSpec(tuple(types))


@dataclass(frozen=True)
class Style:
    """How to print: separators, comments, line endings, block or quoted descriptions."""

    commas: bool
    comments: bool
    crlf: bool
    block: bool


styles = st.builds(Style, st.booleans(), st.booleans(), st.booleans(), st.booleans())


def _description(text: str | None, style: Style, indent: str) -> str:
    if text is None:
        return ""
    if style.block and not text.endswith(("\\", '"')):
        body = text.replace('"""', '\\"""')
        block = f'{indent}"""\n{indent}{body}\n{indent}"""\n'
        # A block string trims blank lines and common indentation: " " reads as "".
        # Only a text that reads back the same is printed as one.
        if parse_value(block.strip()).value == text:  # type: ignore[attr-defined]
            return block
    return f"{indent}{json.dumps(text, ensure_ascii=False)}\n"


def print_sdl(spec: SchemaSpec, style: Style) -> str:
    """SDL for `spec` in `style`."""
    blocks = []
    for type_ in spec.types:
        lines = []
        for field in type_.fields:
            text = _description(field.description, style, "  ")
            if type_.kind == "enum":
                text += f"  {field.name}"
            else:
                args = ", ".join(
                    f"{a}: {t}" + (f" = {d}" if d is not None else "") for a, t, d in field.args
                )
                text += f"  {field.name}" + (f"({args})" if args else "") + f": {field.type}"
            if field.deprecated is not None and type_.kind != "input":
                text += f" @deprecated(reason: {json.dumps(field.deprecated)})"
            if style.commas:
                text += ","
            if style.comments:
                text += "  # a comment"
            lines.append(text)
        head = _description(type_.description, style, "") + f"{type_.kind} {type_.name} {{\n"
        blocks.append(head + "\n".join(lines) + "\n}\n")
    text = "\n".join(blocks)
    return text.replace("\n", "\r\n") if style.crlf else text


def add_field(spec: SchemaSpec, type_name: str, field: FieldSpec) -> SchemaSpec:
    """`spec` with `field` added to `type_name`."""
    type_ = spec.type(type_name)
    return spec.with_type(replace(type_, fields=(*type_.fields, field)))


def remove_field(spec: SchemaSpec, type_name: str, field_name: str) -> SchemaSpec:
    """`spec` without `type_name.field_name`."""
    type_ = spec.type(type_name)
    return spec.with_type(
        replace(type_, fields=tuple(f for f in type_.fields if f.name != field_name))
    )
