"""The cost limit and lists the server does not bound: `portfolioItems` without a user
returns every item there is, so the cost estimate (50 per list) cannot stand for it. One
such list per request is allowed; more are refused before anything runs. Real HTTP to
the real server."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from graphql import parse, specified_rules, validate

from codegen.server.cost import MAX_LISTED, MAX_UNFILTERED_LISTS, cost_rule
from codegen.server.resolvers import build_schema

from .reference import HTTP_TIMEOUT, REPO, Server, graphql

ITEM = "id title user { id name }"
USER = "00000000-0000-0000-0000-0000000000aa"


def _everyone(count: int, argument: str = "") -> str:
    return (
        "{ " + " ".join(f"a{i}: portfolioItems{argument} {{ {ITEM} }}" for i in range(count)) + " }"
    )


def _per_user(count: int) -> str:
    variables = ", ".join(f"$u{i}: UUID" for i in range(count))
    fields = " ".join(f"u{i}: portfolioItems(userId: $u{i}) {{ {ITEM} }}" for i in range(count))
    return f"query Portfolios({variables}) {{ {fields} }}"


REFUSED: dict[str, tuple[str, dict[str, Any] | None, int]] = {
    "no argument": (_everyone(2), None, 2),
    "a null literal": (_everyone(2, "(userId: null)"), None, 2),
    "variables that are null": (_per_user(2), {"u0": None, "u1": None}, 2),
    "variables left out": (_per_user(2), {}, 2),
    "behind fragments": (
        "query { ...A ...B } fragment A on Query { portfolioItems { id } } "
        "fragment B on Query { x: portfolioItems { id } }",
        None,
        2,
    ),
    "many aliases": (_everyone(60), None, 60),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_more_than_one_list_of_everyones_items_is_refused_before_executing(
    shared_server: Server, case: str
) -> None:
    document, variables, count = REFUSED[case]
    response = graphql(shared_server, document, variables)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body.get("data") is None
    (error,) = body["errors"]
    assert error["message"] == (
        f"The operation asks for {count} lists of everyone's portfolio items (portfolioItems "
        f"without a userId); at most {MAX_UNFILTERED_LISTS} is allowed in one request."
    )


ALLOWED: dict[str, tuple[str, dict[str, Any] | None]] = {
    "one list of everyone's items": (_everyone(1), None),
    "one per user, as the contract kit reads them": (
        _per_user(40),
        {f"u{i}": USER for i in range(40)},
    ),
    "one unfiltered among per-user lists": (_per_user(3), {"u0": USER, "u1": None, "u2": USER}),
}


@pytest.mark.parametrize("case", sorted(ALLOWED))
def test_per_user_lists_and_a_single_unfiltered_one_are_allowed(
    shared_server: Server, case: str
) -> None:
    document, variables = ALLOWED[case]
    response = graphql(shared_server, document, variables)
    assert response.status_code == 200, response.text
    assert "errors" not in response.json()


# --- one user's list, asked for again and again -------------------------------------------------


def test_lists_are_sized_by_list_size_and_refused_beyond_the_largest_plus_the_limit() -> None:
    """The rule alone, with the sizes given (no database): `n` aliases of a list of `k` items
    read (n - 1) * k items beyond the largest list."""
    schema = build_schema(REPO / "schema" / "pluvo.graphql")
    sizes: list[tuple[str, dict[str, Any]]] = []

    def list_size(field: str, arguments: Mapping[str, Any]) -> int:
        sizes.append((field, dict(arguments)))
        return 120 if arguments.get("userId") == USER else 3

    def errors(count: int, variables: dict[str, Any]) -> list[str]:
        rule = cost_rule(variables, list_size)
        found = validate(schema, parse(_per_user(count)), [*specified_rules, rule])
        return [error.message for error in found]

    same = {f"u{i}": USER for i in range(85)}
    assert errors(85, same) == [
        "The operation lists 10200 items in lists without a page size; beyond the largest "
        f"list (120), at most {MAX_LISTED} are allowed in one request."
    ]
    assert sizes[0] == ("portfolioItems", {"userId": USER})
    assert errors(84, {f"u{i}": USER for i in range(84)}) == []  # 83 * 120 = 9960
    others = {f"u{i}": "00000000-0000-0000-0000-0000000000bb" for i in range(85)}
    assert errors(85, others) == []  # 85 * 3 items


@pytest.mark.slow
def test_the_same_users_items_listed_beyond_the_limit_are_refused_before_executing(
    fresh_server: Server,
) -> None:
    """With `k` items, `n` aliases of one user's list read (n - 1) * k items beyond the largest
    list; over `MAX_LISTED` they are refused, and at or under it they are served."""
    user = str(fresh_server.user_ids[0])
    mutation = (
        "mutation M($t: UUID!, $u: [UUID!]!) "
        "{ generateCertificate(id: $t, userIds: $u) { bulkGenerate { succeededIds } } }"
    )
    items = 120
    templates = fresh_server.certificate_ids
    with httpx.Client(headers=fresh_server.auth, timeout=HTTP_TIMEOUT) as http:
        for number in range(items):
            variables = {"t": str(templates[number % len(templates)]), "u": [user]}
            answer = http.post(fresh_server.url, json={"query": mutation, "variables": variables})
            bulk = answer.json()["data"]["generateCertificate"]["bulkGenerate"]
            assert bulk["succeededIds"] == [user]
    within = MAX_LISTED // items + 1  # (within - 1) * items <= MAX_LISTED
    over = within + 1
    assert (within - 1) * items <= MAX_LISTED < (over - 1) * items
    refused = graphql(fresh_server, _per_user(over), {f"u{i}": user for i in range(over)})
    assert refused.status_code == 400, refused.text
    (error,) = refused.json()["errors"]
    assert error["message"] == (
        f"The operation lists {over * items} items in lists without a page size; beyond the "
        f"largest list ({items}), at most {MAX_LISTED} are allowed in one request."
    )
    served = graphql(fresh_server, _per_user(within), {f"u{i}": user for i in range(within)})
    assert served.status_code == 200, served.text
    assert [len(served.json()["data"][f"u{i}"]) for i in range(within)] == [items] * within
