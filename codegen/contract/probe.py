"""What every property is handed: the recording client, the schema, the baselines and the users."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from graphql import GraphQLSchema

from codegen.contract.baseline import Baseline
from codegen.contract.connections import Connection
from codegen.contract.exchange_recorder import ExchangeRecorder
from codegen.contract.pages import MAX_PAGE_SIZE

__all__ = ["ISSUING_TEMPLATES", "Probe"]

# The connection whose nodes `generateCertificate` issues.
ISSUING_TEMPLATES = "certificates"


@dataclass(frozen=True)
class Probe:
    """One run's shared state; only the recorder's exchanges change between examples.

    `connection` and `baseline` are the connection a per-connection property checks
    (the first one found, for the others); `baselines` holds every connection's.
    """

    recorder: ExchangeRecorder
    schema: GraphQLSchema
    baseline: Baseline
    known_users: tuple[str, ...]
    allow_mutations: bool
    connection: Connection | None = None
    max_page_size: int = MAX_PAGE_SIZE
    baselines: Mapping[str, Baseline] = field(default_factory=dict)
    connections: tuple[Connection, ...] = ()

    def with_connection(
        self, connection: Connection, recorder: ExchangeRecorder | None = None
    ) -> Probe:
        """This probe, pointed at `connection` (and another recorder, when given)."""
        return replace(
            self,
            connection=connection,
            baseline=self.baselines.get(connection.name, Baseline(())),
            recorder=recorder or self.recorder,
        )

    @property
    def page(self) -> Connection:
        """The connection under check (a per-connection property always has one)."""
        assert self.connection is not None
        return self.connection

    @property
    def can_issue(self) -> bool:
        """True when the schema has the `generateCertificate` mutation the bulk properties use."""
        mutation = self.schema.mutation_type
        return mutation is not None and "generateCertificate" in mutation.fields

    @property
    def template_ids(self) -> list[str]:
        """The certificate templates seen in the `certificates` baseline."""
        baseline = self.baselines.get(ISSUING_TEMPLATES)
        return baseline.template_ids if baseline is not None else []
