"""The query cost limit: a graphql-core validation rule that refuses a request before it runs.

Three house limits. The document may hold at most `MAX_TOKENS` (10,000) tokens:
graphql-core's parser stops there, so a huge document costs little to refuse (the
introspection query has about 300; `ListCertificates` about 40). Then, per
operation, with fragments expanded:

- at most `MAX_ROOT_FIELDS` (100) root fields, aliases included: each root field
  is a query of its own on the database;
- at most `MAX_COST` (50,000) for an estimate of the values the response can
  hold: every field counts 1, and the fields under a list count once per item it
  may hold, which is the enclosing `first`/`last` (a literal; 50, the page limit,
  for a variable or when absent) for a connection's `edges`, and 50 for any other
  list. A full page of `ListCertificates` costs 256; `PortfolioItems` 601.
  Introspection (`__schema`, `__type`) counts each field once: the schema is small;
- at most `MAX_UNFILTERED_LISTS` (1) list of everyone's portfolio items: a root
  list field that takes no page size and whose arguments are all null (absent,
  `null`, or a variable whose value is null or left out), such as `portfolioItems`
  without a `userId`. It returns every row there is, which no fixed estimate
  bounds: 70 of them cost 100 s and 150 MB with 5,000 items in the database.
  Per-user lists (`portfolioItems(userId: $u)`) count as above, and
- at most `MAX_LISTED` (10,000) items, beyond the largest of them, in the root
  lists that take no page size, counted in the database before anything runs
  (`list_size`): one user's items can grow without end too, and 100 aliases of
  the same user's list would read them 100 times. The largest list is always
  allowed: it is what one request for it costs anyway.

A refused request gets HTTP 400 with one GraphQL error saying which limit it
passed, and nothing of it is executed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    ValidationContext,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    parse,
    value_from_ast_untyped,
)

__all__ = [
    "LIST_SIZE",
    "MAX_COST",
    "MAX_LISTED",
    "MAX_ROOT_FIELDS",
    "MAX_TOKENS",
    "MAX_UNFILTERED_LISTS",
    "QueryCostRule",
    "cost_rule",
    "parse_query",
]

MAX_TOKENS = 10_000
MAX_ROOT_FIELDS = 100
MAX_COST = 50_000
MAX_UNFILTERED_LISTS = 1
MAX_LISTED = 10_000
LIST_SIZE = 50
_PAGE_ARGUMENTS = ("first", "last")


def parse_query(context: Any, data: dict[str, Any]) -> DocumentNode:
    """Parse a request's `query`, stopping after `MAX_TOKENS` tokens (ariadne's `query_parser`)."""
    return parse(data["query"], max_tokens=MAX_TOKENS)


ListSize = Callable[[str, Mapping[str, Any]], int]


def cost_rule(variables: Any, list_size: ListSize | None = None) -> type[QueryCostRule]:
    """`QueryCostRule` for a request whose `variables` are these (any JSON, as sent).

    `list_size(field, arguments)` is how many items a root list field that takes no
    page size returns for those arguments (their values as sent); without it, none
    are counted.
    """
    values = variables if isinstance(variables, Mapping) else {}
    attributes: dict[str, Any] = {"variables": values}
    if list_size is not None:
        attributes["list_size"] = staticmethod(list_size)
    return type("RequestCostRule", (QueryCostRule,), attributes)


@dataclass(frozen=True)
class _Roots:
    """What the root selections of an operation add up to, fragments expanded."""

    fields: int = 0
    unfiltered: int = 0  # root lists without a page size whose arguments are all null
    listed: int = 0  # the items of the root lists without a page size
    largest: int = 0  # the largest of those lists

    def __add__(self, other: _Roots) -> _Roots:
        return _Roots(
            self.fields + other.fields,
            self.unfiltered + other.unfiltered,
            self.listed + other.listed,
            max(self.largest, other.largest),
        )


class QueryCostRule(ValidationRule):
    """Refuses an operation with too many root fields or too high an estimated cost.

    `variables` are the request's, to tell a list filtered by a variable from one
    that is not (`cost_rule` makes the rule for a request); without them a
    variable counts as null.
    """

    variables: Mapping[str, Any] = {}

    @staticmethod
    def list_size(field: str, arguments: Mapping[str, Any]) -> int:
        return 0

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._roots: dict[str, _Roots] = {}
        self._costs: dict[tuple[str, int, bool], int] = {}

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        root = self.context.schema.get_root_type(node.operation)
        if root is None:
            return  # another rule reports the missing root type
        counted = self._count_roots(node.selection_set, root, set())
        roots, unfiltered = counted.fields, counted.unfiltered
        if roots > MAX_ROOT_FIELDS:
            self.report_error(
                GraphQLError(
                    f"The operation asks for {roots} root fields (aliases included); "
                    f"at most {MAX_ROOT_FIELDS} are allowed in one request.",
                    node,
                )
            )
            return
        if unfiltered > MAX_UNFILTERED_LISTS:
            self.report_error(
                GraphQLError(
                    f"The operation asks for {unfiltered} lists of everyone's portfolio items "
                    "(portfolioItems without a userId); at most "
                    f"{MAX_UNFILTERED_LISTS} is allowed in one request.",
                    node,
                )
            )
            return
        if counted.listed - counted.largest > MAX_LISTED:
            self.report_error(
                GraphQLError(
                    f"The operation lists {counted.listed} items in lists without a page "
                    f"size; beyond the largest list ({counted.largest}), at most {MAX_LISTED} "
                    "are allowed in one request.",
                    node,
                )
            )
            return
        cost = self._cost(node.selection_set, root, LIST_SIZE, False, set())
        if cost > MAX_COST:
            self.report_error(
                GraphQLError(
                    f"The operation is too expensive: its response could hold about {cost} "
                    f"values; at most {MAX_COST} are allowed in one request.",
                    node,
                )
            )

    def _count_roots(
        self, selection_set: SelectionSetNode, root: GraphQLObjectType, visiting: set[str]
    ) -> _Roots:
        """Root fields, and the lists among them, with fragments expanded."""
        total = _Roots()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._root_field(selection, root)
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self._count_roots(selection.selection_set, root, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in self._roots:
                    fragment = self.context.get_fragment(name)
                    if fragment is None or name in visiting:
                        continue  # unknown or cyclic: other rules report it
                    visiting.add(name)
                    self._roots[name] = self._count_roots(fragment.selection_set, root, visiting)
                    visiting.discard(name)
                inner = self._roots[name]
            else:  # pragma: no cover - no other kind of selection exists
                continue
            total += inner
            if total.fields > MAX_ROOT_FIELDS:
                break  # refused anyway: count no more lists
        return total

    def _root_field(self, field: FieldNode, root: GraphQLObjectType) -> _Roots:
        """One root field; a list without a page size also counts its items."""
        definition = root.fields.get(field.name.value)
        if definition is None or not is_list_type(get_nullable_type(definition.type)):
            return _Roots(fields=1)
        if any(argument in definition.args for argument in _PAGE_ARGUMENTS):
            return _Roots(fields=1)
        arguments = {a.name.value: self._value(a.value) for a in field.arguments or ()}
        unfiltered = all(value is None for value in arguments.values())
        size = self.list_size(field.name.value, arguments)
        return _Roots(1, int(unfiltered), size, size)

    def _value(self, value: ValueNode) -> Any:
        """An argument's value as sent: a variable's from the request, else the literal's."""
        if isinstance(value, VariableNode):
            return self.variables.get(value.name.value)
        return value_from_ast_untyped(value, dict(self.variables))

    def _cost(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType | None,
        page: int,
        meta: bool,
        visiting: set[str],
    ) -> int:
        """The values one instance of `selection_set` on `parent` can hold."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent, page, meta, visiting)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = (
                    parent
                    if condition is None
                    else self.context.schema.get_type(condition.name.value)
                )
                total += self._cost(selection.selection_set, inner, page, meta, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment_cost(selection.name.value, page, meta, visiting)
            if total > MAX_COST:
                break
        return total

    def _fragment_cost(self, name: str, page: int, meta: bool, visiting: set[str]) -> int:
        key = (name, page, meta)
        if key not in self._costs:
            fragment = self.context.get_fragment(name)
            if fragment is None or name in visiting:
                return 0  # unknown or cyclic: other rules report it
            inner = self.context.schema.get_type(fragment.type_condition.name.value)
            visiting.add(name)
            self._costs[key] = self._cost(fragment.selection_set, inner, page, meta, visiting)
            visiting.discard(name)
        return self._costs[key]

    def _field_cost(
        self,
        field: FieldNode,
        parent: GraphQLNamedType | None,
        page: int,
        meta: bool,
        visiting: set[str],
    ) -> int:
        if field.selection_set is None:
            return 1
        name = field.name.value
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        if name.startswith("__"):
            meta = True  # introspection: meta fields are not in `parent.fields`
        inner: GraphQLNamedType | None = None
        multiplier = 1
        if definition is not None:
            inner = get_named_type(definition.type)
            if is_list_type(get_nullable_type(definition.type)) and not meta:
                multiplier = page if name == "edges" else LIST_SIZE
            if any(argument in definition.args for argument in _PAGE_ARGUMENTS):
                page = _page_size(field)
        elif meta:
            inner = _meta_type(parent, name)
        children = self._cost(field.selection_set, inner, page, meta, visiting)
        return 1 + multiplier * children


def _page_size(field: FieldNode) -> int:
    """The most edges `field` can return: its literal `first`/`last`, else the page limit."""
    sizes = [LIST_SIZE]
    for argument in field.arguments:
        if argument.name.value in _PAGE_ARGUMENTS:
            value = argument.value
            if isinstance(value, IntValueNode):
                sizes.append(max(0, int(value.value)))
    return min(sizes)


def _meta_type(parent: GraphQLNamedType | None, name: str) -> GraphQLNamedType | None:
    """The type of an introspection field (`__schema`, `__type`, or one below them)."""
    if name == "__schema":
        return get_named_type(SchemaMetaFieldDef.type)
    if name == "__type":
        return get_named_type(TypeMetaFieldDef.type)
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        definition = parent.fields.get(name)
        if definition is not None:
            named: GraphQLNamedType = get_named_type(definition.type)
            return named
    return None
