"""The schema walker: data that fits the operation and the schema passes; anything else is named."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema, parse

from codegen.contract.conformance import find_nonconformity

from .launch import REPO

SCHEMA = build_schema((REPO / "schema" / "pluvo.graphql").read_text(encoding="utf-8"))
UUID = "5aa42f99-cdba-4ef5-8e98-5c0e9b95f4b6"
PAGE = """
query {
  page: certificates(first: 1) {
    edges { cursor node { ...Names id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    count
    __typename
  }
}
fragment Names on Certificate { name title }
"""
ITEMS = "{ portfolioItems { id startDate files user { id } } }"


def page(**changes: Any) -> dict[str, Any]:
    node = {"name": "First Aid", "title": None, "id": UUID, **changes.pop("node", {})}
    connection = {
        "edges": [{"cursor": "c1", "node": node}, None],
        "pageInfo": {
            "hasNextPage": True,
            "hasPreviousPage": False,
            "startCursor": "c1",
            "endCursor": "c1",
        },
        "count": 120,
        "__typename": "CertificateConnection",
        **changes,
    }
    return {"page": connection}


def item(**changes: Any) -> dict[str, Any]:
    fields = {"id": "1", "startDate": "2024-01-01T08:00:00Z", "files": None, "user": {"id": UUID}}
    return {"portfolioItems": [{**fields, **changes}]}


def test_data_with_aliases_fragments_and_allowed_nulls_conforms() -> None:
    assert find_nonconformity(SCHEMA, parse(PAGE), page()) is None
    assert find_nonconformity(SCHEMA, parse(ITEMS), item(startDate="2023-08-05")) is None


def test_no_data_conforms_because_errors_carry_the_answer() -> None:
    assert find_nonconformity(SCHEMA, parse(PAGE), None) is None


@pytest.mark.parametrize(
    ("document", "data", "problem"),
    [
        (PAGE, page(count="120"), "data.page.count: '120' is not a Int"),
        (PAGE, page(count=2**31), "is not a Int"),
        (PAGE, page(pageInfo=None), "data.page.pageInfo: null in a non-null field"),
        (PAGE, page(edges={}), "data.page.edges: expected a list"),
        (PAGE, page(node={"id": UUID.replace("-", "")}), "is not a UUID"),
        (PAGE, page(node={"name": 3}), "data.page.edges[0].node.name: 3 is not a String"),
        (PAGE, page(__typename="Certificate"), "__typename is 'Certificate'"),
        (PAGE, page(extra=1), "the key 'extra' was not selected"),
        (ITEMS, item(startDate=1704096000), "1704096000 is not a DateTime"),
        (ITEMS, item(startDate="yesterday"), "is not a DateTime"),
        (ITEMS, item(files=["a", None]), "data.portfolioItems[0].files[1]: null in a non-null"),
        (ITEMS, {"portfolioItems": [{"id": "1"}]}, "the selected field 'startDate' is missing"),
        (ITEMS, {"portfolioItems": None}, "data.portfolioItems: null in a non-null field"),
    ],
)
def test_a_nonconforming_value_is_named_with_its_path(
    document: str, data: dict[str, Any], problem: str
) -> None:
    found = find_nonconformity(SCHEMA, parse(document), data)
    assert found is not None
    assert problem in found
