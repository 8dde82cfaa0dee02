"""The pagination plugin on other Relay shapes than ours, and its private page models.

A scratch project with its own schema and operations is generated with this
repository's configuration (every plugin), and the package is imported under
another name and run against canned pages. The shapes: a root field under an
alias, an extra required variable passed through `iter_*`'s keyword arguments,
nodes spread from a fragment (with a field named like a Python keyword), a
nullable connection and a nullable `edges` list.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import json
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse
from pydantic import ValidationError

from codegen.plugins.pagination import PaginationPlugin, find_relay_connection
from conftest import REPO, Project

SCHEMA = """
scalar UUID

type Query {
  things(first: Int, after: String, kind: String!): ThingConnection!
  maybeThings(first: Int, after: String): ThingConnection
}

type ThingConnection {
  edges: [ThingEdge]
  pageInfo: PageInfo!
  total: Int
}

type ThingEdge {
  cursor: String!
  node: Thing
}

type Thing {
  id: UUID!
  label: String
  from: String
}

type PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}
"""

QUERIES = """
fragment ThingFields on Thing {
  id
  label
  from
}

query ListThings($first: Int, $after: String, $kind: String!) {
  items: things(first: $first, after: $after, kind: $kind) {
    edges {
      cursor
      node {
        ...ThingFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    total
  }
}

query GetMaybeThings($first: Int, $after: String) {
  maybeThings(first: $first, after: $after) {
    edges {
      node {
        id
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
"""

URL = "http://things.test/graphql/"


def thing(number: int) -> dict[str, Any]:
    return {"id": str(uuid.UUID(int=number)), "label": f"thing {number}", "from": "here"}


@pytest.fixture(scope="module")
def relay_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The package generated for SCHEMA and QUERIES, imported as `relay_client`."""
    project = Project(tmp_path_factory.mktemp("relay") / "project")
    shutil.copytree(REPO / "codegen/runtime", project.root / "codegen/runtime")
    shutil.copy(REPO / "pyproject.toml", project.config)
    project.write("schema/pluvo.graphql", SCHEMA)
    project.write("queries/things.graphql", QUERIES)
    assert project.run("generate") == 0
    package = project.package
    spec = importlib.util.spec_from_file_location(
        "relay_client", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["relay_client"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        for name in [
            n for n in sys.modules if n == "relay_client" or n.startswith("relay_client.")
        ]:
            del sys.modules[name]


def answering(pages: list[dict[str, Any]], sent: list[dict[str, Any]]) -> httpx.MockTransport:
    """Answer the n-th request with `pages[n]`, recording each request's JSON body."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=pages[len(sent) - 1])

    return httpx.MockTransport(handler)


def items_page(edges: list[Any] | None, end: str | None, more: bool) -> dict[str, Any]:
    page_info = {"hasNextPage": more, "endCursor": end}
    return {"data": {"items": {"edges": edges, "pageInfo": page_info, "total": 9}}}


def test_the_plugin_writes_a_private_page_model_beside_the_result_classes(
    relay_client: ModuleType,
) -> None:
    source = Path(str(relay_client.__file__)).with_name("list_things.py").read_text()
    classes = {n.name for n in ast.parse(source).body if isinstance(n, ast.ClassDef)}
    assert {"_ListThingsPage", "_ListThingsPageConnection", "_ListThingsPageEdge"} <= classes
    assert "_ListThingsPage" not in relay_client.__all__
    client = Path(str(relay_client.__file__)).with_name("client.py").read_text()
    assert "def _list_things_page(" in client and "def iter_things(" in client
    assert "def _get_maybe_things_page(" in client and "def iter_maybe_things(" in client


def test_an_aliased_root_an_extra_variable_and_fragment_nodes_are_followed(
    relay_client: ModuleType,
) -> None:
    sent: list[dict[str, Any]] = []
    pages = [
        items_page(
            [{"cursor": "a", "node": thing(1)}, None, {"cursor": "b", "node": None}], "b", True
        ),
        items_page([{"cursor": "c", "node": thing(2)}], "c", False),
    ]
    http_client = httpx.Client(transport=answering(pages, sent))
    with relay_client.Client(url=URL, http_client=http_client) as client:
        nodes = list(client.iter_things(page_size=3, kind="red"))
    assert [n.id for n in nodes] == [uuid.UUID(int=1), uuid.UUID(int=2)]
    assert [n.from_ for n in nodes] == ["here", "here"]
    assert all(type(n) is relay_client.ThingFields for n in nodes)
    assert [s["variables"] for s in sent] == [
        {"first": 3, "after": None, "kind": "red"},
        {"first": 3, "after": "b", "kind": "red"},
    ]
    assert {s["operationName"] for s in sent} == {"ListThings"}


def test_the_async_iterator_follows_the_same_pages(relay_client: ModuleType) -> None:
    sent: list[dict[str, Any]] = []
    pages = [
        items_page([{"cursor": "a", "node": thing(1)}], "a", True),
        items_page([], None, False),
    ]

    async def walk() -> list[Any]:
        http_client = httpx.AsyncClient(transport=answering(pages, sent))
        async with relay_client.AsyncClient(url=URL, http_client=http_client) as client:
            return [n async for n in client.iter_things(kind="blue")]

    assert [n.label for n in asyncio.run(walk())] == ["thing 1"]
    assert len(sent) == 2


def test_a_null_connection_and_a_null_edges_list_end_or_skip_quietly(
    relay_client: ModuleType,
) -> None:
    sent: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = [
        {
            "data": {
                "maybeThings": {"edges": None, "pageInfo": {"hasNextPage": True, "endCursor": "x"}}
            }
        },
        {"data": {"maybeThings": None}},
    ]
    http_client = httpx.Client(transport=answering(pages, sent))
    with relay_client.Client(url=URL, http_client=http_client) as client:
        assert list(client.iter_maybe_things()) == []
    assert len(sent) == 2


def test_a_node_that_does_not_validate_raises_instead_of_being_skipped(
    relay_client: ModuleType,
) -> None:
    bad = {**thing(1), "id": "not-a-uuid"}
    pages = [items_page([{"cursor": "a", "node": bad}], "a", False)]
    http_client = httpx.Client(transport=answering(pages, []))
    with (
        relay_client.Client(url=URL, http_client=http_client) as client,
        pytest.raises(ValidationError, match="id"),
    ):
        list(client.iter_things(kind="red"))


def test_a_non_null_field_sent_as_null_is_refused_like_the_full_model_refuses_it(
    relay_client: ModuleType,
) -> None:
    pages = [{"data": {"items": {"edges": [], "pageInfo": {"hasNextPage": None}, "total": 0}}}]
    http_client = httpx.Client(transport=answering(pages, []))
    with (
        relay_client.Client(url=URL, http_client=http_client) as client,
        pytest.raises(ValidationError, match="hasNextPage"),
    ):
        list(client.iter_things(kind="red"))


def test_without_the_expected_classes_the_iterator_falls_back_to_the_full_result() -> None:
    """If ariadne-codegen ever shapes the result classes otherwise, the iterator still works."""
    operation = next(
        d for d in parse(QUERIES).definitions if isinstance(d, OperationDefinitionNode)
    )
    assert find_relay_connection(operation) is not None
    plugin = PaginationPlugin(schema=None, config_dict={})  # type: ignore[arg-type]
    empty = ast.parse("from .base_model import BaseModel\n")
    assert plugin.generate_result_types_module(empty, operation) is empty
    assert len(empty.body) == 1  # nothing added: the classes it copies are not there
    method = ast.parse(
        "async def list_things(self, **kwargs):\n"
        "    response = await self.execute(query='', **kwargs)\n"
        "    return self._parse(response, ListThings)\n"
    ).body[0]
    assert isinstance(method, ast.AsyncFunctionDef)
    plugin.generate_client_method(method, operation)
    client_class = plugin.generate_client_class(ast.parse("class AsyncClient:\n    pass\n").body[0])  # type: ignore[arg-type]
    source = ast.unparse(client_class)
    assert "await self.list_things(first=pager.first(), after=after, **kwargs)" in source
    assert "pager.take_models(" in source and "_list_things_page" not in source
