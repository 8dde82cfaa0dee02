"""The cost limit and lists the server does not bound: `portfolioItems` without a user
returns every item there is, so the cost estimate (50 per list) cannot stand for it. One
such list per request is allowed; more are refused before anything runs. Real HTTP to
the real server."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.server.cost import MAX_UNFILTERED_LISTS

from .reference import Server, graphql

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
