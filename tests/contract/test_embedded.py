"""A full run of the kit against the correct embedded reference server holds every property."""

from __future__ import annotations

from .launch import run_kit

SEED = 0


def test_the_kit_holds_every_property_of_the_embedded_reference_server() -> None:
    # Boundary cases and 10 random examples each; benchmarks/bench_contract.py runs 50.
    run = run_kit(
        "--allow-mutations", "--max-examples", "10", "--seed", str(SEED), "--format", "json"
    )
    names = {p["name"] for p in run.report["properties"]}
    assert run.names("held") == names, run.stdout + run.stderr
    assert run.names("violated") == set()
    assert run.code == 0
    assert run.report["embedded"] is True
    assert len(run.report["properties"]) == 23
