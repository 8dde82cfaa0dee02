"""The reference server with injected bugs, to prove that the contract kit catches them.

    python tests/contract/broken_server.py --bug NAME [serve options]
    python tests/contract/broken_server.py --bugs NAME,NAME --fixture-dir DIR [serve options]
    python tests/contract/broken_server.py --bug-paths [serve options]

The first form patches one function of `codegen.server` for the bug NAME, then
runs the normal `pluvo-codegen serve` with the remaining options. Each bug is a
mistake a real implementation could make; `BUGS` maps its name to the patch.

The second imports the server once and then forks one server per bug, each
patched for its bug, with its own database and port, writing DIR/NAME.json: the
bugs share the start-up, not their state. SIGTERM stops them all.

The third serves every bug of `PAGE_BUGS` from one process, each at
`/bug/NAME/graphql/`, next to the unpatched `/graphql/`: a path selects the bug
for the request, so that one server start covers many broken variants.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import contextvars
import json
import os
import secrets
import signal
import sys
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from codegen import cli
from codegen.server import app, resolvers
from codegen.server import run as server_run
from codegen.server.storage import Certificate, Storage, StorageIssueResult

__all__ = ["BUGS", "PAGE_BUGS", "main"]

Resolver = Callable[..., Any]
BUGS: dict[str, Callable[[], None]] = {}
ORIGINAL_PAGE = Storage.page_certificates
ORIGINAL_ISSUE = Storage.issue
ORIGINAL_CERTIFICATES: Resolver = resolvers.resolve_certificates
ORIGINAL_GENERATE: Resolver = resolvers.resolve_generate_certificate


def bug(patch: Callable[[], None]) -> Callable[[], None]:
    """Register `patch` under its name."""
    BUGS[patch.__name__] = patch
    return patch


# Pagination ------------------------------------------------------------------


def _keyset_page(*, after_op: str = ">", before_op: str = "<", key: str = "(name, id)") -> None:
    """Replace the keyset query by one with other comparisons or another sort key."""

    def page_certificates(
        self: Storage,
        after: tuple[str, str] | None,
        before: tuple[str, str] | None,
        limit: int,
        descending: bool,
    ) -> list[Certificate]:
        where: list[str] = []
        params: list[str] = []
        for bound, op in ((after, after_op), (before, before_op)):
            if bound is not None:
                where.append(f"{key} {op} {'(?, ?)' if key.startswith('(') else '?'}")
                params.extend(bound if key.startswith("(") else bound[:1])
        order = "DESC" if descending else "ASC"
        sql = (
            "SELECT id, name, title FROM certificate"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + f" ORDER BY name {order}, id {order} LIMIT ?"
        )
        rows = self.db.execute(sql, [*params, limit]).fetchall()
        return [Certificate(uuid.UUID(r["id"]), r["name"], r["title"]) for r in rows]

    Storage.page_certificates = page_certificates  # type: ignore[method-assign]


def _rewrite_page(rewrite: Callable[[dict[str, Any], dict[str, Any]], None]) -> None:
    """Post-process every `certificates` answer: rewrite(connection, arguments)."""

    def resolve(_: Any, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
        connection: dict[str, Any] = ORIGINAL_CERTIFICATES(_, info, **arguments)
        rewrite(connection, arguments)
        return connection

    resolvers.query.set_field("certificates", resolve)


@bug
def off_by_one_after_cursor() -> None:
    """`after` compares with >=, so the page starts at the cursor's own node."""
    _keyset_page(after_op=">=")


@bug
def has_next_page_true_on_a_full_last_page() -> None:
    """hasNextPage is 'the page is full', true on a last page that is exactly full."""

    def rewrite(connection: dict[str, Any], arguments: dict[str, Any]) -> None:
        first = arguments.get("first")
        if first and len(connection["edges"]) == first:
            connection["pageInfo"]["hasNextPage"] = True

    _rewrite_page(rewrite)


@bug
def backward_page_reversed() -> None:
    """A page with `last` comes back newest first: the descending query is not turned around."""

    def rewrite(connection: dict[str, Any], arguments: dict[str, Any]) -> None:
        if arguments.get("last") is not None and arguments.get("first") is None:
            edges = connection["edges"][::-1]
            connection["edges"] = edges
            if edges:
                connection["pageInfo"]["startCursor"] = edges[0]["cursor"]
                connection["pageInfo"]["endCursor"] = edges[-1]["cursor"]

    _rewrite_page(rewrite)


@bug
def keyset_on_name_only() -> None:
    """Keyset pagination on the non-unique name: ties at a page boundary are skipped."""
    _keyset_page(key="name")


@bug
def cursors_change_between_requests() -> None:
    """Each cursor carries a random nonce, so the same request gets other cursors."""

    def encode(certificate: Certificate) -> str:
        raw = json.dumps(["v1", certificate.name, str(certificate.id), secrets.token_hex(4)])
        return base64.urlsafe_b64encode(raw.encode()).decode()

    def decode(cursor: str, argument: str) -> tuple[str, str]:
        try:
            _, name, ident, _ = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            return str(name), str(uuid.UUID(ident))
        except (ValueError, TypeError):
            raise GraphQLError(f"`{argument}` is not a cursor this server issued.") from None

    resolvers.encode_cursor = encode
    resolvers.decode_cursor = decode


@bug
def count_is_the_page_size() -> None:
    """`count` counts the edges of the page, not the connection."""

    def rewrite(connection: dict[str, Any], arguments: dict[str, Any]) -> None:
        connection["count"] = len(connection["edges"])

    _rewrite_page(rewrite)


@bug
def first_not_capped() -> None:
    """`first` over 50 is neither refused nor capped: the page holds as many as asked."""
    resolvers.MAX_PAGE_SIZE = 2**31


@bug
def negative_first_accepted() -> None:
    """A negative `first` or `last` is read as 0 and answers an empty page."""

    def resolve(_: Any, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
        for name in ("first", "last"):
            if arguments.get(name) is not None:
                arguments[name] = max(0, arguments[name])
        result: dict[str, Any] = ORIGINAL_CERTIFICATES(_, info, **arguments)
        return result

    resolvers.query.set_field("certificates", resolve)


@bug
def has_previous_page_always_false() -> None:
    """hasPreviousPage is never computed, so it is false even with `last`."""

    def rewrite(connection: dict[str, Any], arguments: dict[str, Any]) -> None:
        connection["pageInfo"]["hasPreviousPage"] = False

    _rewrite_page(rewrite)


@bug
def end_cursor_past_the_page() -> None:
    """endCursor is the cursor of the look-ahead row after the page, not of its last edge."""

    def rewrite(connection: dict[str, Any], arguments: dict[str, Any]) -> None:
        info = connection["pageInfo"]
        if arguments.get("first") is not None and info["hasNextPage"] and connection["edges"]:
            last = connection["edges"][-1]["node"]
            storage: Storage = STORAGE[0]
            ahead = storage.page_certificates((last.name, str(last.id)), None, 1, descending=False)
            info["endCursor"] = resolvers.encode_cursor(ahead[0])

    _rewrite_page(rewrite)


@bug
def before_returns_nodes_after() -> None:
    """`before` is compared the wrong way round: it returns the nodes after the cursor."""
    _keyset_page(before_op=">")


@bug
def cursor_cache_evicts_old_cursors() -> None:
    """Cursors are tokens into an in-memory cache of the last 500 issued: older ones stop
    working."""
    cache: OrderedDict[str, tuple[str, str]] = OrderedDict()
    issued: list[str] = []

    def encode(certificate: Certificate) -> str:
        cursor = base64.urlsafe_b64encode(f"cursor:{len(issued)}".encode()).decode()
        issued.append(cursor)
        cache[cursor] = (certificate.name, str(certificate.id))
        while len(cache) > 500:
            cache.popitem(last=False)
        return cursor

    def decode(cursor: str, argument: str) -> tuple[str, str]:
        if cursor not in cache:
            raise GraphQLError(f"`{argument}` is not a cursor this server knows (any more).")
        return cache[cursor]

    resolvers.encode_cursor = encode
    resolvers.decode_cursor = decode


# Pagination bugs that one server can serve side by side, each at its own path ------

PageBug = Callable[[Resolver, Any, GraphQLResolveInfo, dict[str, Any]], dict[str, Any]]
PAGE_BUGS: dict[str, PageBug] = {}
ACTIVE_BUG: contextvars.ContextVar[str | None] = contextvars.ContextVar("bug", default=None)


def page_bug(rewrite: PageBug) -> PageBug:
    """Register a resolver-level pagination bug, in `PAGE_BUGS` and as a single bug."""
    name = rewrite.__name__
    PAGE_BUGS[name] = rewrite

    def install() -> None:
        def resolve(_: Any, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
            return rewrite(ORIGINAL_CERTIFICATES, _, info, arguments)

        resolvers.query.set_field("certificates", resolve)

    install.__name__ = name
    install.__doc__ = rewrite.__doc__
    bug(install)
    return rewrite


def _set_cursors(connection: dict[str, Any]) -> None:
    edges = connection["edges"]
    connection["pageInfo"]["startCursor"] = edges[0]["cursor"] if edges else None
    connection["pageInfo"]["endCursor"] = edges[-1]["cursor"] if edges else None


@page_bug
def last_zero_returns_everything(
    original: Resolver, parent: Any, info: GraphQLResolveInfo, arguments: dict[str, Any]
) -> dict[str, Any]:
    """`last: 0` is read as "no last": the page holds the window's first 50 nodes."""
    if arguments.get("last") == 0:
        arguments = {k: v for k, v in arguments.items() if k != "last"}
    result: dict[str, Any] = original(parent, info, **arguments)
    return result


@page_bug
def has_previous_page_is_after_given(
    original: Resolver, parent: Any, info: GraphQLResolveInfo, arguments: dict[str, Any]
) -> dict[str, Any]:
    """hasPreviousPage is simply "`after` was given"."""
    connection: dict[str, Any] = original(parent, info, **arguments)
    connection["pageInfo"]["hasPreviousPage"] = arguments.get("after") is not None
    return connection


@page_bug
def has_next_page_ignores_before(
    original: Resolver, parent: Any, info: GraphQLResolveInfo, arguments: dict[str, Any]
) -> dict[str, Any]:
    """hasNextPage is computed as if `before` were not given: true when nodes follow it."""
    connection: dict[str, Any] = original(parent, info, **arguments)
    if arguments.get("first") is not None and arguments.get("before") is not None:
        unbounded = {k: v for k, v in arguments.items() if k != "before"}
        ignoring: dict[str, Any] = original(parent, info, **unbounded)
        connection["pageInfo"]["hasNextPage"] = ignoring["pageInfo"]["hasNextPage"]
    return connection


@page_bug
def first_with_last_wraps_around(
    original: Resolver, parent: Any, info: GraphQLResolveInfo, arguments: dict[str, Any]
) -> dict[str, Any]:
    """`first` with `last` slices `rows[len(rows) - last:]`: a `last` above the rows wraps
    around to a negative index and drops rows (the reference server's old bug)."""
    first, last = arguments.get("first"), arguments.get("last")
    if first is None or last is None or first < 0 or last < 0:
        result: dict[str, Any] = original(parent, info, **arguments)
        return result
    connection: dict[str, Any] = original(parent, info, **arguments)
    only_first = {k: v for k, v in arguments.items() if k != "last"}
    rows = original(parent, info, **only_first)["edges"]
    connection["edges"] = rows[len(rows) - last :] if last else []
    _set_cursors(connection)
    return connection


def _serve_page_bugs_by_path() -> None:
    """Dispatch `certificates` on the request's path: `/bug/NAME/graphql/` has bug NAME."""

    def resolve(_: Any, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
        name = ACTIVE_BUG.get()
        if name is None:
            result: dict[str, Any] = ORIGINAL_CERTIFICATES(_, info, **arguments)
            return result
        return PAGE_BUGS[name](ORIGINAL_CERTIFICATES, _, info, dict(arguments))

    resolvers.query.set_field("certificates", resolve)
    build_app = vars(server_run)["build_app"]

    class Routed:
        """The server's app behind a path prefix; anything else (its router) is the app's."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            path = scope.get("path", "") if scope.get("type") == "http" else ""
            parts = path.split("/")
            if len(parts) > 3 and parts[1] == "bug" and parts[2] in PAGE_BUGS:
                token = ACTIVE_BUG.set(parts[2])
                rest = "/" + "/".join(parts[3:])
                try:
                    await self.inner(
                        {**scope, "path": rest, "raw_path": rest.encode()}, receive, send
                    )
                finally:
                    ACTIVE_BUG.reset(token)
                return
            await self.inner(scope, receive, send)

    def build_routed_app(*args: Any, **kwargs: Any) -> Any:
        return Routed(build_app(*args, **kwargs))

    setattr(server_run, "build_app", build_routed_app)  # noqa: B010 (not re-exported)


# Bulk issuance ---------------------------------------------------------------

STORAGE: list[Storage] = []


def _wrap_issue(
    rewrite: Callable[
        [Storage, Certificate, list[uuid.UUID], StorageIssueResult], StorageIssueResult
    ],
) -> None:
    """Post-process every issue: rewrite(storage, template, requested ids, result)."""

    def issue(
        self: Storage,
        certificate: Certificate,
        user_ids: Sequence[uuid.UUID],
        title: str,
        training_id: uuid.UUID | None,
        start_date: datetime,
        now: datetime,
    ) -> StorageIssueResult:
        result = ORIGINAL_ISSUE(self, certificate, user_ids, title, training_id, start_date, now)
        return rewrite(self, certificate, list(user_ids), result)

    Storage.issue = issue  # type: ignore[method-assign]


@bug
def bulk_result_loses_an_id() -> None:
    """The last requested id is issued but reported in neither list (a loop stops one early)."""

    def rewrite(
        storage: Storage, certificate: Certificate, ids: list[uuid.UUID], result: StorageIssueResult
    ) -> StorageIssueResult:
        lost = list(dict.fromkeys(ids))[-1:] if ids else []
        return StorageIssueResult(
            [u for u in result.succeeded if u not in lost],
            [u for u in result.failed if u not in lost],
        )

    _wrap_issue(rewrite)


@bug
def unknown_user_reported_succeeded() -> None:
    """Every requested id is reported as succeeded, unknown users included."""

    def rewrite(
        storage: Storage, certificate: Certificate, ids: list[uuid.UUID], result: StorageIssueResult
    ) -> StorageIssueResult:
        return StorageIssueResult(list(dict.fromkeys(ids)), [])

    _wrap_issue(rewrite)


@bug
def issued_certificate_missing_from_portfolio() -> None:
    """Only the first known user's item is written; the others are reported but never issued."""

    def issue(
        self: Storage,
        certificate: Certificate,
        user_ids: Sequence[uuid.UUID],
        title: str,
        training_id: uuid.UUID | None,
        start_date: datetime,
        now: datetime,
    ) -> StorageIssueResult:
        distinct = list(dict.fromkeys(user_ids))
        known = self._known_users(distinct)
        first_known = [u for u in distinct if u in known][:1]
        ORIGINAL_ISSUE(self, certificate, first_known, title, training_id, start_date, now)
        return StorageIssueResult(
            [u for u in distinct if u in known], [u for u in distinct if u not in known]
        )

    Storage.issue = issue  # type: ignore[method-assign]


@bug
def duplicate_user_reported_twice() -> None:
    """Repeated ids are not collapsed in the result: a user asked for twice is listed twice."""

    def rewrite(
        storage: Storage, certificate: Certificate, ids: list[uuid.UUID], result: StorageIssueResult
    ) -> StorageIssueResult:
        succeeded = set(result.succeeded)
        return StorageIssueResult(
            [u for u in ids if u in succeeded], [u for u in ids if u not in succeeded]
        )

    _wrap_issue(rewrite)


def _wrap_generate(rewrite: Callable[[dict[str, Any]], dict[str, Any] | None]) -> None:
    """Change the arguments of generateCertificate; a returned dict is the answer instead."""

    def resolve(_: Any, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
        STORAGE[:] = [info.context["storage"]]
        answer = rewrite(arguments)
        if answer is not None:
            return answer
        result: dict[str, Any] = ORIGINAL_GENERATE(_, info, **arguments)
        return result

    resolvers.mutation.set_field("generateCertificate", resolve)


@bug
def title_ignored() -> None:
    """The `title` argument is dropped: items get the template's title."""

    def rewrite(arguments: dict[str, Any]) -> None:
        arguments.pop("title", None)

    _wrap_generate(rewrite)


@bug
def issue_date_ignored() -> None:
    """The `issueDate` argument is dropped: items start now."""

    def rewrite(arguments: dict[str, Any]) -> None:
        arguments.pop("issueDate", None)

    _wrap_generate(rewrite)


@bug
def unknown_template_reported_as_failures() -> None:
    """An unknown template is no error: every user is reported as failed instead."""

    def rewrite(arguments: dict[str, Any]) -> dict[str, Any] | None:
        if STORAGE[0].find_certificate(arguments["id"]) is not None:
            return None
        failed = list(dict.fromkeys(arguments["userIds"]))
        return {"bulkGenerate": {"succeededIds": [], "failedIds": failed}}

    _wrap_generate(rewrite)


# Any response ----------------------------------------------------------------


def _wrap_graphql(before: Callable[[Any], None], after: Callable[[dict[str, Any]], None]) -> None:
    """Run `before(request body)` and `after(result)` around every GraphQL execution."""
    original = vars(app)["graphql"]

    async def graphql(schema: Any, data: Any, **options: Any) -> tuple[bool, dict[str, Any]]:
        before(data)
        success, result = await original(schema, data, **options)
        after(result)
        return success, result

    vars(app)["graphql"] = graphql


@bug
def server_error_on_invalid_document() -> None:
    """A document that fails to parse or validate raises in the handler: HTTP 500."""

    def after(result: dict[str, Any]) -> None:
        if "data" not in result:
            raise RuntimeError("unhandled GraphQL validation failure")

    _wrap_graphql(lambda data: None, after)


@bug
def server_error_on_non_ascii() -> None:
    """The query is logged through an ASCII-only channel: any other character is an HTTP 500."""

    def before(data: Any) -> None:
        json.dumps(data, ensure_ascii=False).encode("ascii")

    _wrap_graphql(before, lambda result: None)


@bug
def uuid_without_dashes() -> None:
    """UUIDs go out as 32 hex digits without dashes, not in the schema's canonical form."""
    resolvers.uuid_scalar.set_serializer(lambda value: uuid.UUID(str(value)).hex)


@bug
def datetime_as_epoch_seconds() -> None:
    """DateTime values go out as Unix timestamps (numbers), not ISO 8601 text."""
    resolvers.datetime_scalar.set_serializer(lambda value: int(value.timestamp()))


def _remember_storage() -> None:
    """Keep the storage of every request, for bugs that need it outside a mutation."""
    original = resolvers.query._resolvers.get("certificates", ORIGINAL_CERTIFICATES)

    def resolve(_: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        STORAGE[:] = [info.context["storage"]]
        return original(_, info, **arguments)

    resolvers.query.set_field("certificates", resolve)


def _fork_bugs(names: list[str], fixture_dir: Path, serve_options: list[str]) -> int:
    """One forked server per bug; wait for them all, and pass SIGTERM on to them."""
    import uvicorn  # noqa: F401  (imported once here, shared by every fork)

    children: dict[int, str] = {}
    for name in names:
        pid = os.fork()
        if pid == 0:  # the child: patch, serve, and never return into the parent's code
            code = 1
            try:
                BUGS[name]()
                _remember_storage()
                fixture = str(fixture_dir / f"{name}.json")
                code = cli.main(["serve", *serve_options, "--fixture-out", fixture])
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        children[pid] = name

    def stop(signum: int, frame: object) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    for pid in children:
        os.waitpid(pid, 0)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Apply the bug named by `--bug`, then serve with the other options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--bug", choices=sorted(BUGS))
    which.add_argument("--bugs", help="comma-separated: fork one server per bug")
    which.add_argument("--bug-paths", action="store_true", help="serve PAGE_BUGS by path")
    parser.add_argument("--fixture-dir", type=Path, help="with --bugs: where NAME.json go")
    known, rest = parser.parse_known_args(argv)
    if known.bugs:
        names = known.bugs.split(",")
        unknown = sorted(set(names) - set(BUGS))
        if unknown or known.fixture_dir is None:
            parser.error(f"--bugs needs --fixture-dir and known bugs (unknown: {unknown})")
        return _fork_bugs(names, known.fixture_dir, rest)
    if known.bug_paths:
        _serve_page_bugs_by_path()
    else:
        BUGS[known.bug]()
        _remember_storage()
    return cli.main(["serve", *rest])


if __name__ == "__main__":
    sys.exit(main())
