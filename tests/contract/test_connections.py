"""Schema-driven: the kit finds every Relay connection on Query and checks each one.

The endpoint is a small graphql-relay server (`relay_server.py`) with three
connections; only `planets` has a bug, and the kit must catch it there and
nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, print_schema

from codegen.cli import main
from codegen.contract.connections import find_connections, parse_vars
from codegen.errors import CodegenError

from .launch import REPO
from .relay_server import SCHEMA, serve_relay

CONFIG = ["--config", str(REPO / "pyproject.toml")]
QUICK = ["--max-examples", "5", "--seed", "0", "--format", "json", "--only", "relay"]


@pytest.fixture(scope="module")
def relay_url() -> Iterator[str]:
    with serve_relay() as url:
        yield url


@pytest.fixture(scope="module")
def relay_sdl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("relay") / "relay.graphql"
    path.write_text(print_schema(SCHEMA), encoding="utf-8")
    return path


def contract(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, dict[str, Any]]:
    code = main(["contract", *CONFIG, *arguments])
    out = capsys.readouterr().out
    return code, json.loads(out)


def by_connection(report: dict[str, Any], status: str) -> dict[str | None, set[str]]:
    found: dict[str | None, set[str]] = {}
    for prop in report["properties"]:
        if prop["status"] == status:
            found.setdefault(prop["connection"], set()).add(prop["name"])
    return found


def test_every_connection_on_query_is_found_with_its_total_and_directions() -> None:
    found = {c.name: c for c in find_connections(SCHEMA)}
    assert sorted(found) == ["crew", "moons", "planets", "ships"]
    assert found["ships"].total_field == "count"
    assert found["planets"].total_field == "totalCount"
    assert found["moons"].total_field is None
    assert all(c.forward for c in found.values())
    assert [name for name, c in found.items() if not c.backward] == ["moons"]
    assert found["ships"].skip_reason is None
    reason = found["crew"].skip_reason
    assert reason is not None and "shipId: ID!" in reason and "--var crew.shipId=" in reason


def test_the_pluvo_schema_has_one_connection_and_its_count() -> None:
    schema = build_schema((REPO / "schema" / "pluvo.graphql").read_text(encoding="utf-8"))
    (certificates,) = find_connections(schema)
    assert (certificates.name, certificates.total_field) == ("certificates", "count")


def test_a_forward_only_connection_and_a_plain_list_are_told_apart() -> None:
    schema = build_schema(
        """
        type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean!
                        startCursor: String endCursor: String }
        type Item { id: ID! }
        type ItemEdge { cursor: String! node: Item }
        type ItemConnection { edges: [ItemEdge] pageInfo: PageInfo! }
        type Query {
          items(first: Int, after: String): ItemConnection
          lists: [ItemConnection]
          unpaged: ItemConnection
        }
        """
    )
    (items,) = find_connections(schema)
    assert (items.name, items.forward, items.backward, items.total_field) == (
        "items",
        True,
        False,
        None,
    )
    assert "$last" not in items.document


def test_given_values_are_sent_and_an_unknown_argument_is_refused() -> None:
    given = parse_vars(['crew.shipId="ship-01"'])
    (crew,) = [c for c in find_connections(SCHEMA, given) if c.name == "crew"]
    assert crew.skip_reason is None
    assert crew.variables({"first": 2}) == {"first": 2, "v_shipId": "ship-01"}
    with pytest.raises(CodegenError, match="crew has no argument 'captain'"):
        find_connections(SCHEMA, parse_vars(["crew.captain=1"]))
    with pytest.raises(CodegenError, match=r"expected CONNECTION\.ARGUMENT=VALUE"):
        parse_vars(["crew=1"])


def test_the_bug_in_the_second_connection_is_caught_and_attributed_to_it(
    relay_url: str, relay_sdl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = contract(capsys, "--url", relay_url, "--schema", str(relay_sdl), *QUICK)
    assert code == 1
    assert [c["name"] for c in report["connections"]] == ["ships", "planets", "crew", "moons"]
    violated = by_connection(report, "violated")
    assert set(violated) == {"planets"}
    assert "before_returns_the_preceding_nodes" in violated["planets"]
    held = by_connection(report, "held")
    assert "before_returns_the_preceding_nodes" in held["ships"]
    # Forward only: what needs `last` is skipped with the reason, the rest holds.
    assert "after_returns_the_following_nodes" in held["moons"]
    moons_skipped = {
        p["name"]: p["reason"]
        for p in report["properties"]
        if p["connection"] == "moons" and p["status"] == "skipped"
    }
    assert moons_skipped["before_returns_the_preceding_nodes"] == "moons takes no `last`/`before`"
    skipped = [p for p in report["properties"] if p["connection"] == "crew"]
    assert skipped and all(p["status"] == "skipped" for p in skipped)
    assert all("--var crew.shipId=" in p["reason"] for p in skipped)
    example = next(
        p["counterexample"]
        for p in report["properties"]
        if p["name"] == "before_returns_the_preceding_nodes" and p["connection"] == "planets"
    )
    assert example["boundary"] is True
    assert "last: 0" in example["example"]


def test_a_var_lets_the_kit_check_a_connection_with_a_required_argument(
    relay_url: str, relay_sdl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = contract(
        capsys,
        *("--url", relay_url, "--schema", str(relay_sdl), *QUICK),
        *("--connection", "crew", "--var", "crew.shipId=ship-03"),
        *("--property", "has_next_page_tells_the_truth", "--property", "count_is_the_total"),
        *("--property", "first_and_last_together_follow_the_algorithm", "--only", "pluvo"),
    )
    assert code == 0
    assert {(p["name"], p["connection"], p["status"]) for p in report["properties"]} == {
        ("has_next_page_tells_the_truth", "crew", "held"),
        ("count_is_the_total", "crew", "held"),
        ("first_and_last_together_follow_the_algorithm", "crew", "held"),
    }


def test_introspection_gives_the_schema_and_connection_selects_one(
    relay_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = contract(
        capsys,
        *("--url", relay_url, "--introspect", "--connection", "planets", *QUICK),
        *(
            "--property",
            "pages_never_exceed_their_size",
            "--property",
            "traversals_yield_every_node_once",
        ),
    )
    assert code == 1
    assert by_connection(report, "violated") == {"planets": {"pages_never_exceed_their_size"}}
    assert by_connection(report, "held") == {"planets": {"traversals_yield_every_node_once"}}


def test_an_unknown_connection_is_a_json_error_with_the_known_ones(
    relay_url: str, relay_sdl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, answer = contract(
        capsys, "--url", relay_url, "--schema", str(relay_sdl), "--connection", "comets", *QUICK
    )
    assert code == 2
    message = answer["error"]["message"]
    assert "unknown connection comets" in message and "crew, moons, planets, ships" in message
    assert answer["error"]["exit_code"] == 2


def test_nothing_checked_exits_2_unless_skips_are_allowed(
    relay_url: str, relay_sdl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--url", relay_url, "--schema", str(relay_sdl), "--connection", "crew", *QUICK]
    code, answer = contract(capsys, *arguments)
    assert code == 2
    assert "nothing was checked" in answer["error"]["message"]
    assert "--allow-skips" in answer["error"]["message"]
    code, report = contract(capsys, *arguments, "--allow-skips")
    assert code == 0
    assert report["summary"]["skipped"] == len(report["properties"]) > 0


def test_a_page_over_the_house_limit_is_pluvos_rule_not_a_relay_violation(
    relay_url: str, relay_sdl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """graphql-relay has no page-size limit: `first: 11` returns 11 ships. With a limit of 10
    that breaks Pluvo's rule, reported on its own, and no Relay property."""
    code, report = contract(
        capsys,
        *("--url", relay_url, "--schema", str(relay_sdl), "--connection", "ships"),
        *("--max-page-size", "10", "--max-examples", "5", "--seed", "0", "--format", "json"),
        *("--property", "pages_never_exceed_their_size"),
        *("--property", "pages_respect_the_page_size_limit"),
    )
    assert code == 1
    outcomes = {p["name"]: (p["status"], p["document"]) for p in report["properties"]}
    assert outcomes == {
        "pages_never_exceed_their_size": ("held", "Relay Cursor Connections spec"),
        "pages_respect_the_page_size_limit": ("violated", "Pluvo's documentation"),
    }
    (violation,) = [p for p in report["properties"] if p["status"] == "violated"]
    assert "the limit is 10" in violation["counterexample"]["message"]
    assert report["max_page_size"] == 10


def test_only_spec_runs_just_the_normative_properties(
    relay_url: str, relay_sdl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = contract(
        capsys,
        *("--url", relay_url, "--schema", str(relay_sdl), "--connection", "ships"),
        *("--only", "spec", "--max-examples", "2", "--seed", "0", "--format", "json"),
    )
    assert code == 0
    documents = {p["document"] for p in report["properties"]}
    assert documents == {
        "Relay Cursor Connections spec",
        "GraphQL specification",
        "GraphQL over HTTP",
    }


def test_the_schema_can_come_from_a_git_revision(
    relay_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--schema git:REV:path` reads the schema as committed; ours has no `ships` connection."""
    code = main(
        [
            "contract",
            *CONFIG,
            *("--url", relay_url, "--schema", "git:HEAD:schema/pluvo.graphql"),
            *("--connection", "ships", "--format", "json"),
        ]
    )
    assert code == 2
    message = json.loads(capsys.readouterr().out)["error"]["message"]
    assert "unknown connection ships" in message and "certificates" in message


def test_one_lane_and_two_lanes_give_the_same_report(
    relay_url: str, relay_sdl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--url", relay_url, "--schema", str(relay_sdl), "--connection", "planets"]
    arguments += ["--max-examples", "3", "--seed", "7", "--format", "json"]
    arguments += ["--only", "relay", "--only", "http"]  # a writing lane and a reading one
    reports = [contract(capsys, *arguments, "--jobs", jobs)[1] for jobs in ("1", "2")]
    shown = [
        [
            (p["name"], p["connection"], p["status"], p.get("counterexample", {}).get("example"))
            for p in report["properties"]
        ]
        for report in reports
    ]
    assert shown[0] == shown[1]
    assert any(status == "violated" for _, _, status, _ in shown[0])
