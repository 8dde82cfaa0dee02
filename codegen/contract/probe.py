"""What every property is handed: the recording client, the schema, the baseline and the users."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLSchema

from codegen.contract.baseline import Baseline
from codegen.contract.recorder import Recorder

__all__ = ["Probe"]


@dataclass(frozen=True)
class Probe:
    """One run's shared state; only the recorder's exchanges change between examples."""

    recorder: Recorder
    schema: GraphQLSchema
    baseline: Baseline
    known_users: tuple[str, ...]
    allow_mutations: bool
