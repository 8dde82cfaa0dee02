"""Tiny schema pairs, one per kind of change, each with a sample operation.

Every case changes one thing in `BASE` and names the change it expects (type,
level, path) and whether the change breaks the case's operation. The unit tests
check our diff against these; `benchmarks/record_inspector.py` runs
graphql-inspector on the same pairs and records its answers in
`data/inspector-cases.json`, which the parity test compares with ours.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BASE", "CASES", "Case"]

BASE = '''\
"""Entry points."""
type Query {
  "One user."
  user(id: ID!, first: Int = 10, filter: Filter): User
  search(term: String, kinds: [Role!] = [ADMIN]): [Result!]!
  node(id: ID!): Node
  legacy: String @deprecated(reason: "Use user.")
}

type Mutation {
  rename(input: RenameInput!): User
}

interface Node {
  id: ID!
}

type User implements Node {
  id: ID!
  name: String
  nick: String!
  role: Role
  tags: [String!]
}

type Group {
  id: ID!
  title: String
}

union Result = User | Group

"""Who may do what."""
enum Role {
  ADMIN
  "An ordinary member."
  MEMBER
  GUEST @deprecated(reason: "Invite instead.")
}

input Filter {
  term: String
  limit: Int = 5
}

input RenameInput {
  id: ID!
  name: String!
  note: String
}

scalar Date

directive @tag(name: String, weight: Int = 1) repeatable on FIELD_DEFINITION | OBJECT | ENUM_VALUE

directive @meta(note: String) on
  | SCHEMA
  | SCALAR
  | INTERFACE
  | UNION
  | ENUM
  | INPUT_OBJECT
  | ARGUMENT_DEFINITION
  | INPUT_FIELD_DEFINITION
'''


@dataclass(frozen=True)
class Case:
    """One schema pair: the changes expected, and whether they break `operation`."""

    name: str
    old: str
    new: str
    changes: tuple[tuple[str, str, str | None], ...]  # (type, level, path)
    operation: str
    breaks: bool


def _edit(text: str, before: str, after: str) -> str:
    if text.count(before) != 1:
        raise ValueError(f"{before!r} must occur exactly once in the base schema")
    return text.replace(before, after)


def _case(
    name: str,
    before: str,
    after: str,
    changes: tuple[tuple[str, str, str | None], ...],
    operation: str,
    *,
    breaks: bool,
    reverse: bool = False,
) -> Case:
    """A case whose new schema is BASE with `before` replaced by `after` (or the reverse)."""
    edited = _edit(BASE, before, after)
    old, new = (edited, BASE) if reverse else (BASE, edited)
    return Case(name, old, new, changes, operation, breaks)


def _pair(
    name: str,
    old: tuple[str, str],
    new: tuple[str, str],
    changes: tuple[tuple[str, str, str | None], ...],
    operation: str,
    *,
    breaks: bool,
) -> Case:
    """A case whose old and new schemas are both edits of BASE."""
    return Case(name, _edit(BASE, *old), _edit(BASE, *new), changes, operation, breaks)


B, D, N = "BREAKING", "DANGEROUS", "NON_BREAKING"
USER_QUERY = "query GetUser { user(id: 1) { id name nick role tags } }"
SEARCH_QUERY = 'query Search { search(term: "a") { ... on User { id } ... on Group { id } } }'
RENAME = "mutation Rename($input: RenameInput!) { rename(input: $input) { id } }"
ENUM_QUERY = "query Kinds { search(kinds: [MEMBER]) { __typename } }"
NODE_QUERY = "query NodeName { node(id: 1) { id ... on User { name } } }"

CASES: tuple[Case, ...] = (
    # -- types ----------------------------------------------------------------
    _case(
        "type_added",
        "scalar Date\n",
        "scalar Date\n\ntype Team {\n  id: ID!\n}\n",
        (("TYPE_ADDED", N, "Team"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "type_removed",
        "scalar Date\n",
        "",
        (("TYPE_REMOVED", B, "Date"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "type_removed_used",
        "type Group {\n  id: ID!\n  title: String\n}\n\nunion Result = User | Group",
        "union Result = User",
        (("TYPE_REMOVED", B, "Group"), ("UNION_MEMBER_REMOVED", B, "Result")),
        SEARCH_QUERY,
        breaks=True,
    ),
    _case(
        "type_kind_changed",
        "scalar Date\n",
        "enum Date {\n  TODAY\n}\n",
        (("TYPE_KIND_CHANGED", B, "Date"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "type_description_added",
        "type Group {",
        '"A group of users."\ntype Group {',
        (("TYPE_DESCRIPTION_ADDED", N, "Group"),),
        SEARCH_QUERY,
        breaks=False,
    ),
    _case(
        "type_description_changed",
        '"""Who may do what."""',
        '"""Who may do which things."""',
        (("TYPE_DESCRIPTION_CHANGED", N, "Role"),),
        ENUM_QUERY,
        breaks=False,
    ),
    _case(
        "type_description_removed",
        '"""Who may do what."""\n',
        "",
        (("TYPE_DESCRIPTION_REMOVED", N, "Role"),),
        ENUM_QUERY,
        breaks=False,
    ),
    # -- fields ---------------------------------------------------------------
    _case(
        "field_added",
        "  title: String\n",
        "  title: String\n  size: Int\n",
        (("FIELD_ADDED", N, "Group.size"),),
        SEARCH_QUERY,
        breaks=False,
    ),
    _case(
        "field_removed",
        "  name: String\n",
        "",
        (("FIELD_REMOVED", B, "User.name"),),
        USER_QUERY,
        breaks=True,
    ),
    _case(
        "field_removed_unused",
        "  title: String\n",
        "",
        (("FIELD_REMOVED", B, "Group.title"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "field_type_changed",
        "  name: String\n",
        "  name: Int\n",
        (("FIELD_TYPE_CHANGED", B, "User.name"),),
        USER_QUERY,
        breaks=True,
    ),
    _case(
        "field_type_made_nullable",
        "  nick: String!\n",
        "  nick: String\n",
        (("FIELD_TYPE_CHANGED", B, "User.nick"),),
        USER_QUERY,
        breaks=True,
    ),
    _case(
        "field_type_made_non_null",
        "  name: String\n",
        "  name: String!\n",
        (("FIELD_TYPE_CHANGED", N, "User.name"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "field_list_item_made_nullable",
        "  tags: [String!]\n",
        "  tags: [String]\n",
        (("FIELD_TYPE_CHANGED", B, "User.tags"),),
        USER_QUERY,
        breaks=True,
    ),
    _case(
        "field_description_added",
        "  name: String\n",
        '  "The display name."\n  name: String\n',
        (("FIELD_DESCRIPTION_ADDED", N, "User.name"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "field_description_changed",
        '"One user."',
        '"One user, by id."',
        (("FIELD_DESCRIPTION_CHANGED", N, "Query.user"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "field_description_removed",
        '  "One user."\n',
        "",
        (("FIELD_DESCRIPTION_REMOVED", N, "Query.user"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "field_deprecation_added",
        "  name: String\n",
        '  name: String @deprecated(reason: "Use nick.")\n',
        (("FIELD_DEPRECATION_ADDED", N, "User.name.@deprecated"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "field_deprecation_removed",
        '  legacy: String @deprecated(reason: "Use user.")\n',
        "  legacy: String\n",
        (("FIELD_DEPRECATION_REMOVED", N, "Query.legacy.@deprecated"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "field_deprecation_reason_changed",
        '@deprecated(reason: "Use user.")',
        '@deprecated(reason: "Use user(id:).")',
        (("FIELD_DEPRECATION_REASON_CHANGED", N, "Query.legacy.@deprecated"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "field_deprecation_reason_added",
        '@deprecated(reason: "Use user.")',
        "@deprecated",
        (("FIELD_DEPRECATION_REASON_ADDED", N, "Query.legacy.@deprecated"),),
        USER_QUERY,
        breaks=False,
        reverse=True,
    ),
    _case(
        "field_deprecation_reason_removed",
        '@deprecated(reason: "Use user.")',
        "@deprecated",
        (
            ("DIRECTIVE_USAGE_ARGUMENT_REMOVED", D, "Query.legacy.@deprecated.reason"),
            ("FIELD_DEPRECATION_REASON_REMOVED", N, "Query.legacy"),
        ),
        USER_QUERY,
        breaks=False,
    ),
    # -- arguments ------------------------------------------------------------
    _case(
        "argument_added_optional",
        "node(id: ID!)",
        "node(id: ID!, deep: Boolean)",
        (("FIELD_ARGUMENT_ADDED", D, "Query.node.deep"),),
        NODE_QUERY,
        breaks=False,
    ),
    _case(
        "argument_added_required",
        "node(id: ID!)",
        "node(id: ID!, deep: Boolean!)",
        (("FIELD_ARGUMENT_ADDED", B, "Query.node.deep"),),
        NODE_QUERY,
        breaks=True,
    ),
    _case(
        "argument_added_required_unused_field",
        "node(id: ID!)",
        "node(id: ID!, deep: Boolean!)",
        (("FIELD_ARGUMENT_ADDED", B, "Query.node.deep"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "argument_added_with_default",
        "node(id: ID!)",
        "node(id: ID!, deep: Boolean! = false)",
        (("FIELD_ARGUMENT_ADDED", D, "Query.node.deep"),),
        NODE_QUERY,
        breaks=False,
    ),
    _case(
        "argument_removed",
        "user(id: ID!, first: Int = 10, filter: Filter)",
        "user(id: ID!, filter: Filter)",
        (("FIELD_ARGUMENT_REMOVED", B, "Query.user.first"),),
        "query First { user(id: 1, first: 2) { id } }",
        breaks=True,
    ),
    _case(
        "argument_removed_not_passed",
        "user(id: ID!, first: Int = 10, filter: Filter)",
        "user(id: ID!, filter: Filter)",
        (("FIELD_ARGUMENT_REMOVED", B, "Query.user.first"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "argument_type_changed",
        "search(term: String,",
        "search(term: Int,",
        (("FIELD_ARGUMENT_TYPE_CHANGED", B, "Query.search.term"),),
        SEARCH_QUERY,
        breaks=True,
    ),
    _case(
        "argument_made_required",
        "search(term: String,",
        "search(term: String!,",
        (("FIELD_ARGUMENT_TYPE_CHANGED", B, "Query.search.term"),),
        ENUM_QUERY,
        breaks=True,
    ),
    _case(
        "argument_made_optional",
        "node(id: ID!)",
        "node(id: ID)",
        (("FIELD_ARGUMENT_TYPE_CHANGED", N, "Query.node.id"),),
        NODE_QUERY,
        breaks=False,
    ),
    _case(
        "argument_default_changed",
        "first: Int = 10",
        "first: Int = 20",
        (("FIELD_ARGUMENT_DEFAULT_CHANGED", D, "Query.user.first"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "argument_made_non_null_with_default",
        "first: Int = 10",
        "first: Int! = 10",
        (("FIELD_ARGUMENT_TYPE_CHANGED", B, "Query.user.first"),),
        "query Page($first: Int) { user(id: 1, first: $first) { id } }",
        breaks=True,
    ),
    _pair(
        "argument_default_removed_invalidates_a_nullable_variable",
        ("first: Int = 10", "first: Int! = 10"),
        ("first: Int = 10", "first: Int!"),
        (("FIELD_ARGUMENT_DEFAULT_CHANGED", D, "Query.user.first"),),
        "query Page($first: Int) { user(id: 1, first: $first) { id } }",
        breaks=True,
    ),
    _pair(
        "argument_default_removed_with_a_non_null_variable",
        ("first: Int = 10", "first: Int! = 10"),
        ("first: Int = 10", "first: Int!"),
        (("FIELD_ARGUMENT_DEFAULT_CHANGED", D, "Query.user.first"),),
        "query Page($first: Int!) { user(id: 1, first: $first) { id } }",
        breaks=False,
    ),
    _case(
        "argument_default_equal_after_coercion",
        "kinds: [Role!] = [ADMIN]",
        "kinds: [Role!] = ADMIN",
        (),
        ENUM_QUERY,
        breaks=False,
    ),
    _case(
        "argument_description_changed",
        "node(id: ID!)",
        'node("The global id." id: ID!)',
        (("FIELD_ARGUMENT_DESCRIPTION_CHANGED", N, "Query.node.id"),),
        NODE_QUERY,
        breaks=False,
    ),
    # -- input fields ---------------------------------------------------------
    _case(
        "input_field_added_optional",
        "  note: String\n",
        "  note: String\n  reason: String\n",
        (("INPUT_FIELD_ADDED", N, "RenameInput.reason"),),
        RENAME,
        breaks=False,
    ),
    _case(
        "input_field_added_required",
        "  note: String\n",
        "  note: String\n  reason: String!\n",
        (("INPUT_FIELD_ADDED", B, "RenameInput.reason"),),
        RENAME,
        breaks=True,
    ),
    _case(
        "input_field_added_with_default",
        "  note: String\n",
        '  note: String\n  reason: String! = "none"\n',
        (("INPUT_FIELD_ADDED", D, "RenameInput.reason"),),
        RENAME,
        breaks=False,
    ),
    _case(
        "input_field_removed",
        "  note: String\n",
        "",
        (("INPUT_FIELD_REMOVED", B, "RenameInput.note"),),
        RENAME,
        breaks=True,
    ),
    _case(
        "input_field_removed_unused",
        "  note: String\n",
        "",
        (("INPUT_FIELD_REMOVED", B, "RenameInput.note"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "input_field_type_changed",
        "  term: String\n",
        "  term: [String]\n",
        (("INPUT_FIELD_TYPE_CHANGED", B, "Filter.term"),),
        'query Filtered { user(id: 1, filter: {term: "a"}) { id } }',
        breaks=True,
    ),
    _case(
        "input_field_made_optional",
        "  name: String!\n",
        "  name: String\n",
        (("INPUT_FIELD_TYPE_CHANGED", N, "RenameInput.name"),),
        RENAME,
        breaks=False,
    ),
    _case(
        "input_field_default_changed",
        "  limit: Int = 5\n",
        "  limit: Int = 50\n",
        (("INPUT_FIELD_DEFAULT_VALUE_CHANGED", D, "Filter.limit"),),
        'query Filtered { user(id: 1, filter: {term: "a"}) { id } }',
        breaks=False,
    ),
    _case(
        "input_field_description_added",
        "  limit: Int = 5\n",
        '  "At most this many."\n  limit: Int = 5\n',
        (("INPUT_FIELD_DESCRIPTION_ADDED", N, "Filter.limit"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "input_field_description_removed",
        "  limit: Int = 5\n",
        '  "At most this many."\n  limit: Int = 5\n',
        (("INPUT_FIELD_DESCRIPTION_REMOVED", N, "Filter.limit"),),
        USER_QUERY,
        breaks=False,
        reverse=True,
    ),
    _pair(
        "input_field_description_changed",
        ("  term: String\n", '  "Words to look for."\n  term: String\n'),
        ("  term: String\n", '  "Words to find."\n  term: String\n'),
        (("INPUT_FIELD_DESCRIPTION_CHANGED", N, "Filter.term"),),
        USER_QUERY,
        breaks=False,
    ),
    # -- enum values ----------------------------------------------------------
    _case(
        "enum_value_added",
        "  ADMIN\n",
        "  ADMIN\n  OWNER\n",
        (("ENUM_VALUE_ADDED", D, "Role.OWNER"),),
        ENUM_QUERY,
        breaks=False,
    ),
    _case(
        "enum_value_removed",
        '  "An ordinary member."\n  MEMBER\n',
        "",
        (("ENUM_VALUE_REMOVED", B, "Role.MEMBER"),),
        ENUM_QUERY,
        breaks=True,
    ),
    _case(
        "enum_value_removed_unused",
        "  ADMIN\n",
        "",
        (
            ("FIELD_ARGUMENT_DEFAULT_CHANGED", D, "Query.search.kinds"),
            ("ENUM_VALUE_REMOVED", B, "Role.ADMIN"),
        ),
        ENUM_QUERY,
        breaks=False,
    ),
    _case(
        "enum_value_description_changed",
        '"An ordinary member."',
        '"A member."',
        (("ENUM_VALUE_DESCRIPTION_CHANGED", N, "Role.MEMBER"),),
        ENUM_QUERY,
        breaks=False,
    ),
    _case(
        "enum_value_deprecation_added",
        "  ADMIN\n",
        '  ADMIN @deprecated(reason: "Ask an owner.")\n',
        (("ENUM_VALUE_DEPRECATION_REASON_ADDED", N, "Role.ADMIN.@deprecated"),),
        ENUM_QUERY,
        breaks=False,
    ),
    _case(
        "enum_value_deprecation_reason_changed",
        '@deprecated(reason: "Invite instead.")',
        '@deprecated(reason: "Invite them.")',
        (("ENUM_VALUE_DEPRECATION_REASON_CHANGED", N, "Role.GUEST.@deprecated"),),
        ENUM_QUERY,
        breaks=False,
    ),
    _case(
        "enum_value_deprecation_removed",
        '  GUEST @deprecated(reason: "Invite instead.")\n',
        "  GUEST\n",
        (
            ("DIRECTIVE_USAGE_ENUM_VALUE_REMOVED", N, "Role.GUEST.@deprecated"),
            ("ENUM_VALUE_DEPRECATION_REASON_REMOVED", N, "Role.GUEST"),
        ),
        ENUM_QUERY,
        breaks=False,
    ),
    # -- unions and interfaces ------------------------------------------------
    _case(
        "union_member_added",
        "  title: String\n}\n",
        "  title: String\n}\n\ntype Bot {\n  id: ID!\n}\n",
        (("TYPE_ADDED", N, "Bot"),),
        SEARCH_QUERY,
        breaks=False,
    ),
    _case(
        "union_member_added_to_union",
        "union Result = User | Group",
        "union Result = User | Group | Bot\n\ntype Bot {\n  id: ID!\n}",
        (("UNION_MEMBER_ADDED", D, "Result"), ("TYPE_ADDED", N, "Bot")),
        SEARCH_QUERY,
        breaks=False,
    ),
    _case(
        "union_member_removed",
        "union Result = User | Group",
        "union Result = User",
        (("UNION_MEMBER_REMOVED", B, "Result"),),
        SEARCH_QUERY,
        breaks=True,
    ),
    _case(
        "union_member_removed_unused",
        "union Result = User | Group",
        "union Result = User",
        (("UNION_MEMBER_REMOVED", B, "Result"),),
        "query Names { search { ... on User { name } } }",
        breaks=False,
    ),
    _case(
        "interface_added",
        "type Group {",
        "type Group implements Node {",
        (("OBJECT_TYPE_INTERFACE_ADDED", D, "Group"),),
        NODE_QUERY,
        breaks=False,
    ),
    _case(
        "interface_removed",
        "type User implements Node {",
        "type User {",
        (("OBJECT_TYPE_INTERFACE_REMOVED", B, "User"),),
        NODE_QUERY,
        breaks=True,
    ),
    # -- root types -----------------------------------------------------------
    _case(
        "mutation_type_removed",
        "type Mutation {",
        "type Mutations {",
        (
            ("TYPE_REMOVED", B, "Mutation"),
            ("SCHEMA_MUTATION_TYPE_CHANGED", B, None),
            ("TYPE_ADDED", N, "Mutations"),
        ),
        RENAME,
        breaks=True,
    ),
    _case(
        "subscription_type_added",
        "scalar Date\n",
        "scalar Date\n\ntype Subscription {\n  renamed: User\n}\n",
        (("SCHEMA_SUBSCRIPTION_TYPE_CHANGED", N, None), ("TYPE_ADDED", N, "Subscription")),
        USER_QUERY,
        breaks=False,
    ),
    # -- directive definitions ------------------------------------------------
    _case(
        "directive_added",
        "scalar Date\n",
        "scalar Date\n\ndirective @cached on FIELD_DEFINITION\n",
        (("DIRECTIVE_ADDED", N, "@cached"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_removed",
        "directive @tag(name: String, weight: Int = 1) repeatable on FIELD_DEFINITION | OBJECT | "
        "ENUM_VALUE\n",
        "",
        (("DIRECTIVE_REMOVED", B, "@tag"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_description_changed",
        "directive @tag",
        '"Labels for tooling."\ndirective @tag',
        (("DIRECTIVE_DESCRIPTION_CHANGED", N, "@tag"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_location_added",
        "| ENUM_VALUE\n",
        "| ENUM_VALUE | SCALAR\n",
        (("DIRECTIVE_LOCATION_ADDED", N, "@tag"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_location_removed",
        "| OBJECT | ENUM_VALUE\n",
        "| OBJECT\n",
        (("DIRECTIVE_LOCATION_REMOVED", B, "@tag"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_repeatable_removed",
        "weight: Int = 1) repeatable on",
        "weight: Int = 1) on",
        (("DIRECTIVE_REPEATABLE_REMOVED", D, "@tag"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_repeatable_added",
        "weight: Int = 1) repeatable on",
        "weight: Int = 1) on",
        (("DIRECTIVE_REPEATABLE_ADDED", N, "@tag"),),
        USER_QUERY,
        breaks=False,
        reverse=True,
    ),
    _case(
        "directive_argument_added",
        "weight: Int = 1)",
        "weight: Int = 1, scope: String)",
        (("DIRECTIVE_ARGUMENT_ADDED", N, "@tag"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_argument_added_required",
        "weight: Int = 1)",
        "weight: Int = 1, scope: String!)",
        (("DIRECTIVE_ARGUMENT_ADDED", B, "@tag"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_argument_removed",
        "(name: String, weight: Int = 1)",
        "(name: String)",
        (("DIRECTIVE_ARGUMENT_REMOVED", B, "@tag.weight"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_argument_type_changed",
        "(name: String, weight",
        "(name: [String], weight",
        (("DIRECTIVE_ARGUMENT_TYPE_CHANGED", B, "@tag.name"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_argument_default_changed",
        "weight: Int = 1)",
        "weight: Int = 2)",
        (("DIRECTIVE_ARGUMENT_DEFAULT_VALUE_CHANGED", D, "@tag.weight"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_argument_description_changed",
        "(name: String,",
        '("The label." name: String,',
        (("DIRECTIVE_ARGUMENT_DESCRIPTION_CHANGED", N, "@tag.name"),),
        USER_QUERY,
        breaks=False,
    ),
    # -- directives applied to definitions ------------------------------------
    _case(
        "directive_usage_object_added",
        "type Group {",
        'type Group @tag(name: "g") {',
        (("DIRECTIVE_USAGE_OBJECT_ADDED", D, "Group.@tag"),),
        SEARCH_QUERY,
        breaks=False,
    ),
    _case(
        "directive_usage_object_removed",
        "type Group {",
        'type Group @tag(name: "g") {',
        (("DIRECTIVE_USAGE_OBJECT_REMOVED", D, "Group.@tag"),),
        SEARCH_QUERY,
        breaks=False,
        reverse=True,
    ),
    _case(
        "directive_usage_field_definition_added",
        "  title: String\n",
        "  title: String @tag @tag(weight: 2)\n",
        # Both usages have the same path: the second is folded into the first.
        (("DIRECTIVE_USAGE_FIELD_DEFINITION_ADDED", D, "Group.title.@tag"),),
        SEARCH_QUERY,
        breaks=False,
    ),
    _pair(
        "directive_usage_argument_changed",
        ("  title: String\n", '  title: String @tag(name: "t")\n'),
        ("  title: String\n", '  title: String @tag(name: "u")\n'),
        (
            ("DIRECTIVE_USAGE_ARGUMENT_ADDED", N, "Group.title.@tag.name"),
            ("DIRECTIVE_USAGE_ARGUMENT_REMOVED", D, "Group.title.@tag.name"),
        ),
        SEARCH_QUERY,
        breaks=False,
    ),
    _case(
        "directive_usage_enum_value_added",
        "  ADMIN\n",
        '  ADMIN @tag(name: "top")\n',
        (("DIRECTIVE_USAGE_ENUM_VALUE_ADDED", D, "Role.ADMIN.@tag"),),
        ENUM_QUERY,
        breaks=False,
    ),
    _case(
        "directive_usage_argument_definition_deprecated",
        "filter: Filter)",
        'filter: Filter @deprecated(reason: "Use search."))',
        (("DIRECTIVE_USAGE_ARGUMENT_DEFINITION_ADDED", N, "Query.user.filter.@deprecated"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_usage_input_field_definition_deprecated",
        "  note: String\n",
        "  note: String @deprecated\n",
        (("DIRECTIVE_USAGE_INPUT_FIELD_DEFINITION_ADDED", N, "RenameInput.note.@deprecated"),),
        RENAME,
        breaks=False,
    ),
    _case(
        "directive_usage_input_object_one_of_added",
        "input Filter {",
        "input Filter @oneOf {",
        (("DIRECTIVE_USAGE_INPUT_OBJECT_ADDED", B, "Filter.@oneOf"),),
        'query Filtered { user(id: 1, filter: {term: "a"}) { id } }',
        breaks=True,
    ),
    _case(
        "directive_usage_scalar_added",
        "scalar Date\n",
        'scalar Date @specifiedBy(url: "https://tools.ietf.org/html/rfc3339")\n',
        (("DIRECTIVE_USAGE_SCALAR_ADDED", D, "Date.@specifiedBy"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_usage_field_definition_removed",
        "  title: String\n",
        "  title: String @tag\n",
        (("DIRECTIVE_USAGE_FIELD_DEFINITION_REMOVED", D, "Group.title.@tag"),),
        SEARCH_QUERY,
        breaks=False,
        reverse=True,
    ),
    _case(
        "directive_usage_argument_definition_removed",
        "node(id: ID!)",
        "node(id: ID! @meta)",
        (("DIRECTIVE_USAGE_ARGUMENT_DEFINITION_REMOVED", D, "Query.node.id.@meta"),),
        NODE_QUERY,
        breaks=False,
        reverse=True,
    ),
    _case(
        "directive_usage_input_field_definition_removed",
        "  note: String\n",
        "  note: String @meta\n",
        (("DIRECTIVE_USAGE_INPUT_FIELD_DEFINITION_REMOVED", D, "RenameInput.note.@meta"),),
        RENAME,
        breaks=False,
        reverse=True,
    ),
    _case(
        "directive_usage_input_object_removed",
        "input Filter {",
        "input Filter @meta {",
        (("DIRECTIVE_USAGE_INPUT_OBJECT_REMOVED", D, "Filter.@meta"),),
        USER_QUERY,
        breaks=False,
        reverse=True,
    ),
    _case(
        "directive_usage_enum_added",
        "enum Role {",
        'enum Role @meta(note: "roles") {',
        (("DIRECTIVE_USAGE_ENUM_ADDED", D, "Role.@meta"),),
        ENUM_QUERY,
        breaks=False,
    ),
    _case(
        "directive_usage_enum_removed",
        "enum Role {",
        'enum Role @meta(note: "roles") {',
        (("DIRECTIVE_USAGE_ENUM_REMOVED", D, "Role.@meta"),),
        ENUM_QUERY,
        breaks=False,
        reverse=True,
    ),
    _case(
        "directive_usage_interface_added",
        "interface Node {",
        "interface Node @meta {",
        (("DIRECTIVE_USAGE_INTERFACE_ADDED", D, "Node.@meta"),),
        NODE_QUERY,
        breaks=False,
    ),
    _case(
        "directive_usage_interface_removed",
        "interface Node {",
        "interface Node @meta {",
        (("DIRECTIVE_USAGE_INTERFACE_REMOVED", D, "Node.@meta"),),
        NODE_QUERY,
        breaks=False,
        reverse=True,
    ),
    _case(
        "directive_usage_union_member_added",
        "union Result = User | Group",
        "union Result @meta = User | Group",
        (("DIRECTIVE_USAGE_UNION_MEMBER_ADDED", D, "Result.@meta"),),
        SEARCH_QUERY,
        breaks=False,
    ),
    _case(
        "directive_usage_union_member_removed",
        "union Result = User | Group",
        "union Result @meta = User | Group",
        (("DIRECTIVE_USAGE_UNION_MEMBER_REMOVED", D, "Result.@meta"),),
        SEARCH_QUERY,
        breaks=False,
        reverse=True,
    ),
    _case(
        "directive_usage_scalar_removed",
        "scalar Date\n",
        "scalar Date @meta\n",
        (("DIRECTIVE_USAGE_SCALAR_REMOVED", D, "Date.@meta"),),
        USER_QUERY,
        breaks=False,
        reverse=True,
    ),
    _pair(
        "directive_usage_schema_added",
        ("scalar Date\n", "scalar Date\n\nschema {\n  query: Query\n  mutation: Mutation\n}\n"),
        (
            "scalar Date\n",
            "scalar Date\n\nschema @meta {\n  query: Query\n  mutation: Mutation\n}\n",
        ),
        (("DIRECTIVE_USAGE_SCHEMA_ADDED", D, ".@meta"),),
        USER_QUERY,
        breaks=False,
    ),
    _pair(
        "directive_usage_schema_removed",
        (
            "scalar Date\n",
            "scalar Date\n\nschema @meta {\n  query: Query\n  mutation: Mutation\n}\n",
        ),
        ("scalar Date\n", "scalar Date\n\nschema {\n  query: Query\n  mutation: Mutation\n}\n"),
        (("DIRECTIVE_USAGE_SCHEMA_REMOVED", D, ".@meta"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "query_type_changed",
        "scalar Date\n",
        "scalar Date\n\nschema {\n  query: Mutation\n  mutation: Mutation\n}\n",
        (("SCHEMA_QUERY_TYPE_CHANGED", B, None),),
        USER_QUERY,
        breaks=True,
    ),
    # -- default values, extensions and the whole base ------------------------
    _pair(
        "object_default_equal_after_coercion",
        ("filter: Filter)", 'filter: Filter = {limit: 5, term: "a"})'),
        ("filter: Filter)", 'filter: Filter = {term: "a"})'),
        (),
        USER_QUERY,
        breaks=False,
    ),
    _pair(
        "object_default_changed",
        ("filter: Filter)", 'filter: Filter = {term: "a"})'),
        ("filter: Filter)", 'filter: Filter = {term: "b"})'),
        (("FIELD_ARGUMENT_DEFAULT_CHANGED", D, "Query.user.filter"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "field_added_in_extension",
        "scalar Date\n",
        "scalar Date\n\nextend type Group {\n  size: Int\n}\n",
        (("FIELD_ADDED", N, "Group.size"),),
        SEARCH_QUERY,
        breaks=False,
    ),
    # graphql-inspector's loader merges `extend type` into the type, so a directive
    # applied there is the type's own, as one applied by `extend schema` is the schema's.
    _case(
        "directive_applied_in_a_type_extension",
        "scalar Date\n",
        'scalar Date\n\nextend type Group @tag(name: "g")\n',
        (("DIRECTIVE_USAGE_OBJECT_ADDED", D, "Group.@tag"),),
        SEARCH_QUERY,
        breaks=False,
    ),
    _case(
        "directive_applied_in_a_type_extension_with_a_field",
        "scalar Date\n",
        'scalar Date\n\nextend type Group @tag(name: "g") {\n  size: Int\n}\n',
        (("DIRECTIVE_USAGE_OBJECT_ADDED", D, "Group.@tag"), ("FIELD_ADDED", N, "Group.size")),
        SEARCH_QUERY,
        breaks=False,
    ),
    _case(
        "directive_applied_in_a_schema_extension",
        "scalar Date\n",
        'scalar Date\n\nextend schema @meta(note: "x")\n',
        (("DIRECTIVE_USAGE_SCHEMA_ADDED", D, ".@meta"),),
        USER_QUERY,
        breaks=False,
    ),
    Case("identical", BASE, BASE, (), USER_QUERY, False),
    # -- deliberate differences from graphql-inspector (see DELIBERATE) --------
    _case(
        "type_change_beside_a_new_description",
        "  name: String\n",
        '  "The display name."\n  name: Int\n',
        (("FIELD_TYPE_CHANGED", B, "User.name"), ("FIELD_DESCRIPTION_ADDED", N, "User.name")),
        USER_QUERY,
        breaks=True,
    ),
    _case(
        "field_removed_beside_a_new_interface",
        "type Group {\n  id: ID!\n  title: String\n}",
        "type Group implements Node {\n  id: ID!\n}",
        (("FIELD_REMOVED", B, "Group.title"), ("OBJECT_TYPE_INTERFACE_ADDED", D, "Group")),
        "query Titles { search { ... on Group { title } } }",
        breaks=True,
    ),
    _case(
        "directive_location_removed_beside_a_new_one",
        "| OBJECT | ENUM_VALUE\n",
        "| OBJECT | SCALAR\n",
        (("DIRECTIVE_LOCATION_REMOVED", B, "@tag"), ("DIRECTIVE_LOCATION_ADDED", N, "@tag")),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "directive_argument_added_non_null_with_default",
        "weight: Int = 1)",
        'weight: Int = 1, scope: String! = "all")',
        (("DIRECTIVE_ARGUMENT_ADDED", N, "@tag"),),
        USER_QUERY,
        breaks=False,
    ),
    _case(
        "mutation_type_left_out_of_a_new_schema_definition",
        "scalar Date\n",
        "scalar Date\n\nschema {\n  query: Query\n}\n",
        (("SCHEMA_MUTATION_TYPE_CHANGED", B, None),),
        RENAME,
        breaks=True,
    ),
    Case(
        "enum_value_deprecation_without_reason_removed",
        _edit(BASE, '  GUEST @deprecated(reason: "Invite instead.")\n', "  GUEST @deprecated\n"),
        _edit(BASE, '  GUEST @deprecated(reason: "Invite instead.")\n', "  GUEST\n"),
        (
            ("DIRECTIVE_USAGE_ENUM_VALUE_REMOVED", N, "Role.GUEST.@deprecated"),
            ("ENUM_VALUE_DEPRECATION_REASON_REMOVED", N, "Role.GUEST"),
        ),
        ENUM_QUERY,
        False,
    ),
)
