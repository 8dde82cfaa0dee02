"""Load the schema and the operations with their file names, and validate them.

Every file is parsed as its own `graphql.Source`, named by its path relative to
the config file, so each error can say `queries/foo.graphql:3:5: message`.
Validation collects every problem in every file before it reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    Node,
    NoUnusedFragmentsRule,
    OperationDefinitionNode,
    Source,
    build_ast_schema,
    concat_ast,
    parse,
    specified_rules,
    validate,
    validate_schema,
)
from graphql.language.location import get_location
from graphql.validation.validate import validate_sdl

from codegen.config import Config
from codegen.errors import Diagnostic, DocumentError, Location, decode_utf8

__all__ = [
    "GRAPHQL_SUFFIXES",
    "Sources",
    "build_schema_from_documents",
    "find_graphql_files",
    "find_iterator_clashes",
    "find_method_clashes",
    "find_module_name_clashes",
    "load_sources",
    "locate_node",
    "operation_rules",
    "parse_file",
    "reserved_module_names",
    "schema_from_sdl",
]

GRAPHQL_SUFFIXES = (".graphql", ".graphqls", ".gql")


@dataclass(frozen=True)
class Sources:
    """A valid schema and the valid operations and fragments that use it."""

    schema: GraphQLSchema
    operations: tuple[OperationDefinitionNode, ...]
    fragments: tuple[FragmentDefinitionNode, ...]


class NamedOperationRule(ASTValidationRule):
    """Every operation needs a name: it becomes the client's method name."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.name is None:
            self.report_error(
                GraphQLError(
                    f"Anonymous {node.operation.value}: give it a name, which becomes "
                    "the client method's name.",
                    node,
                )
            )


# ariadne-codegen skips NoUnusedFragments too: a fragment file may serve many files.
OPERATION_RULES = (
    *(rule for rule in specified_rules if rule is not NoUnusedFragmentsRule),
    NamedOperationRule,
)


def operation_rules(config: Config) -> tuple[type[ASTValidationRule], ...]:
    """graphql-core's rules but those the config's `skip_validation_rules` names, and ours."""
    skipped = set(config.skip_validation_rules)
    return (
        *(rule for rule in specified_rules if rule.__name__.removesuffix("Rule") not in skipped),
        NamedOperationRule,
    )


def reserved_module_names(config: Config) -> frozenset[str]:
    """Modules of the package that are not an operation's: the client, runtime files, ..."""
    section = config.section
    names = {
        "__init__",
        "base_model",
        "exceptions",
        str(section.get("client_file_name", "client")),
        str(section.get("enums_module_name", "enums")),
        str(section.get("input_types_module_name", "input_types")),
        str(section.get("fragments_module_name", "fragments")),
    }
    for path in [*section.get("files_to_include", []), section.get("base_client_file_path", "")]:
        names.add(Path(str(path)).stem)
    for twin in config.unasync:
        names.update({Path(twin).stem, Path(twin).stem.removeprefix("async_")})
    return frozenset(n for n in names if n)


def find_module_name_clashes(
    document: DocumentNode, reserved: frozenset[str] = frozenset()
) -> list[GraphQLError]:
    """Find operations whose names give the same module (`GetItems`, `getItems`).

    ariadne-codegen writes each operation's models to `<snake_case name>.py` and
    would silently let the second overwrite the first, or a runtime module.
    """
    from ariadne_codegen.utils import str_to_snake_case

    seen: dict[str, OperationDefinitionNode] = {}
    errors = []
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode) or node.name is None:
            continue
        module = str_to_snake_case(node.name.value)
        if module in reserved:
            errors.append(
                GraphQLError(
                    f"Operation '{node.name.value}' would be written to {module}.py, "
                    "which the package needs for itself; rename the operation.",
                    node.name,
                )
            )
            continue
        first = seen.setdefault(module, node)
        if first is not node and first.name is not None and first.name.value != node.name.value:
            errors.append(
                GraphQLError(
                    f"Operation '{node.name.value}' would be written to {module}.py, "
                    f"like operation '{first.name.value}'; rename one of them.",
                    [node.name, first.name],
                )
            )
    return errors


def find_iterator_clashes(config: Config, document: DocumentNode) -> list[GraphQLError]:
    """Two Relay operations whose `iter_<name>` methods would be one (with our plugin)."""
    if "codegen.plugins.pagination.PaginationPlugin" not in config.section.get("plugins", []):
        return []
    from codegen.plugins.pagination import find_iterator_clashes as clashes

    return clashes([d for d in document.definitions if isinstance(d, OperationDefinitionNode)])


def _base_client_methods(config: Config) -> frozenset[str]:
    """What the base client class defines: a generated method of that name would replace it."""
    import ast

    section = config.section
    path = config.root / str(section.get("base_client_file_path", ""))
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return frozenset()  # ariadne-codegen reports a missing or broken base client
    from codegen.unasync import RENAMES

    name = section.get("base_client_name")
    names = {
        item.name
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name == name
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    # The sync twin's (`aclose` is `close` there) when unasync derives it.
    if config.unasync:
        names |= {RENAMES[n] for n in names if n in RENAMES}
    return frozenset(names)


def find_method_clashes(config: Config, document: DocumentNode) -> list[GraphQLError]:
    """Operations whose client methods would replace another method of the client.

    An operation `Execute` would get `execute()`, which the base client defines and
    every generated method calls. With our plugins, an `iter_<name>()` or
    `issue_<name>()` may be a base client method too, and `issue_<name>()` another
    operation's method (`IssueCertificate`) or another bulk mutation's.
    """
    from ariadne_codegen.utils import str_to_snake_case

    plugins = config.section.get("plugins", [])
    base = _base_client_methods(config)
    base_name = config.section.get("base_client_name")
    if config.unasync:
        base_name = f"{base_name} (or its sync twin)"
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode) and d.name
    ]
    methods = {str_to_snake_case(op.name.value): op for op in reversed(operations) if op.name}
    written = [("the method", name, op) for name, op in methods.items()]
    errors: list[GraphQLError] = []
    if "codegen.plugins.pagination.PaginationPlugin" in plugins:
        from codegen.plugins.pagination import find_relay_connection

        for op in operations:
            found = find_relay_connection(op)
            if found is not None:
                written.append(("the iterator", found.iterator, op))
    if "codegen.plugins.bulk.BulkIssuePlugin" in plugins:
        from codegen.plugins.bulk import issue_method_name

        issued: dict[str, OperationDefinitionNode] = {}
        for op in operations:
            method = issue_method_name(op)
            if method is None or op.name is None:
                continue
            written.append(("the bulk method", method, op))
            other, whose = issued.setdefault(method, op), "the bulk method"
            if other is op:
                other, whose = methods.get(method, op), "the method"
            if other is not op and other.name is not None:
                errors.append(
                    GraphQLError(
                        f"Operation '{op.name.value}' would get the bulk method {method}(), "
                        f"which is also {whose} of operation '{other.name.value}'; "
                        "rename one of them.",
                        [op.name, other.name],
                    )
                )
    for kind, method, op in written:
        if method in base and op.name is not None:
            errors.append(
                GraphQLError(
                    f"Operation '{op.name.value}' would get {kind} {method}(), which the "
                    f"base client {base_name} defines and uses; rename the operation.",
                    op.name,
                )
            )
    return errors


def find_graphql_files(path: Path) -> list[Path]:
    """List the GraphQL files at `path`: the file itself, or a folder's, sorted."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in GRAPHQL_SUFFIXES and p.is_file())
    return [path]


def load_sources(config: Config) -> Sources:
    """Parse and validate the schema and the operations, or raise every problem."""
    problems: list[Diagnostic] = []
    schema_docs = _parse_files(config, config.schema_path, "schema", problems)
    schema_ok = bool(schema_docs) and not problems
    operation_docs = _parse_files(config, config.queries_path, "operations", problems)
    # Operations are still parsed when the schema is broken, so that one run
    # reports syntax errors in both.
    schema = build_schema_from_documents(schema_docs, problems) if schema_ok else None
    if schema is None:
        raise DocumentError(problems)
    operations = concat_ast(operation_docs)
    for error in validate(schema, operations, operation_rules(config)):
        problems.append(diagnose(error))
    problems.extend(
        diagnose(error)
        for error in find_module_name_clashes(operations, reserved_module_names(config))
    )
    problems.extend(diagnose(error) for error in find_iterator_clashes(config, operations))
    problems.extend(diagnose(error) for error in find_method_clashes(config, operations))
    if problems:
        raise DocumentError(problems)
    return Sources(
        schema=schema,
        operations=tuple(
            d for d in operations.definitions if isinstance(d, OperationDefinitionNode)
        ),
        fragments=tuple(d for d in operations.definitions if isinstance(d, FragmentDefinitionNode)),
    )


def _parse_files(
    config: Config, path: Path, what: str, problems: list[Diagnostic]
) -> list[DocumentNode]:
    shown = config.display(path)
    if not path.exists():
        problems.append(Diagnostic(shown, 0, 0, f"no such file or folder (the {what})"))
        return []
    files = find_graphql_files(path)
    if not files:
        problems.append(Diagnostic(shown, 0, 0, f"no {'/'.join(GRAPHQL_SUFFIXES)} files"))
    documents = []
    for file in files:
        document = parse_file(file, config.display(file), problems)
        if document is not None:
            documents.append(document)
    return documents


def parse_file(file: Path, shown: str, problems: list[Diagnostic]) -> DocumentNode | None:
    """Read and parse `file` as a Source named `shown`, or add why it cannot be to `problems`."""
    source = read_source(file, shown, problems)
    if source is None:
        return None
    try:
        return parse(source)
    except GraphQLSyntaxError as error:
        problems.append(diagnose(error))
        return None


def read_source(file: Path, shown: str, problems: list[Diagnostic]) -> Source | None:
    """Read `file` as a Source named `shown`, or add why it cannot be read to `problems`."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        problems.append(Diagnostic(shown, 0, 0, f"cannot read: {exc.strerror}"))
        return None
    try:
        return Source(decode_utf8(raw, shown), shown)
    except DocumentError as error:
        problems.extend(error.diagnostics)
        return None


def schema_from_sdl(source: Source, *, sdl_checked: bool = False) -> GraphQLSchema:
    """Build a schema from SDL exactly as `validate` does, or raise every problem found.

    `diff` builds the schema it validates operations against with this, and `pull`
    checks with it that the SDL it is about to write is a schema `validate` accepts.
    `sdl_checked` skips `validate_sdl`, for text whose SDL rules were already checked.
    """
    problems: list[Diagnostic] = []
    try:
        document = parse(source)
    except GraphQLSyntaxError as error:
        raise DocumentError([diagnose(error)]) from None
    schema = build_schema_from_documents([document], problems, sdl_checked=sdl_checked)
    if schema is None:
        raise DocumentError(problems)
    return schema


def build_schema_from_documents(
    documents: Sequence[DocumentNode], problems: list[Diagnostic], *, sdl_checked: bool = False
) -> GraphQLSchema | None:
    """graphql-core's SDL validation, build and schema validation; None after a problem."""
    document = concat_ast(documents)
    sdl_errors = [] if sdl_checked else validate_sdl(document)
    if sdl_errors:
        problems.extend(diagnose(error) for error in sdl_errors)
        return None
    schema = build_ast_schema(document, assume_valid_sdl=True)
    schema_errors = validate_schema(schema)
    if schema_errors:
        problems.extend(diagnose(error) for error in schema_errors)
        return None
    return schema


def diagnose(error: GraphQLError) -> Diagnostic:
    """Turn a graphql-core error into a Diagnostic at its first location."""
    places = list(_locate(error))
    if not places:
        return Diagnostic("<unknown>", 0, 0, error.message)
    first, *others = places
    message = error.message
    if others:
        message = f"{message} (see also {', '.join(str(place) for place in others)})"
    return Diagnostic(first.path, first.line, first.column, message)


def locate_node(node: Node) -> Location | None:
    """Where a node of a parsed file is: `path:line:col`, None when it has no location."""
    if node.loc is None:
        return None
    where = get_location(node.loc.source, node.loc.start)
    return Location(node.loc.source.name, where.line, where.column)


def _locate(error: GraphQLError) -> Iterable[Location]:
    if error.nodes:
        yield from filter(None, map(locate_node, error.nodes))
    elif error.source is not None and error.locations:
        for location in error.locations:
            yield Location(error.source.name, location.line, location.column)
