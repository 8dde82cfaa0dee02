"""The baseline: one forward traversal with the largest page, taken once per connection.

Properties that need to know which nodes lie where (what follows a cursor, how
many there are) compare against it. The traversal properties check the baseline
itself, from other page sizes and from the other direction.
"""

from __future__ import annotations

from dataclasses import dataclass

from codegen.contract.connections import Connection
from codegen.contract.exchange_recorder import Exchange, ExchangeRecorder
from codegen.contract.pages import Edge
from codegen.contract.traversal import traverse_forward
from codegen.contract.violation import Violation

__all__ = ["MAX_BASELINE_PAGES", "Baseline", "load_baseline"]

# 10,000 templates; beyond that a full traversal per example would take too long.
MAX_BASELINE_PAGES = 200


@dataclass(frozen=True)
class Baseline:
    """Every edge in forward order, or why the traversal could not finish."""

    edges: tuple[Edge, ...]
    problem: str | None = None
    truncated: bool = False
    exchanges: tuple[Exchange, ...] = ()
    # The total (`count`/`totalCount`) on each page of the traversal, None where absent.
    counts: tuple[int | None, ...] = ()
    page_size: int = 50

    @property
    def ids(self) -> list[str | None]:
        """The node ids in forward order."""
        return [edge.node_id for edge in self.edges]

    @property
    def cursors(self) -> list[str]:
        """The cursors in forward order."""
        return [edge.cursor for edge in self.edges]

    @property
    def template_ids(self) -> list[str]:
        """The ids of the templates seen, without nulls and repeats."""
        return list(dict.fromkeys(i for i in self.ids if i is not None))


def load_baseline(recorder: ExchangeRecorder, connection: Connection, page_size: int) -> Baseline:
    """Traverse forward with the largest page; keep the failing exchange if it fails."""
    recorder.clear()
    if not connection.forward:
        return Baseline((), "the connection takes no `first`/`after` to traverse it with")
    try:
        traversal = traverse_forward(recorder, connection, page_size, MAX_BASELINE_PAGES)
    except Violation as violation:
        failing = tuple(recorder.exchanges[-1:])
        recorder.clear()
        return Baseline((), str(violation), exchanges=failing, page_size=page_size)
    failing = tuple(recorder.exchanges[-1:])
    recorder.clear()
    shown = failing if traversal.problem else ()
    counts = tuple(page.count for page in traversal.pages)
    return Baseline(
        traversal.edges, traversal.problem, traversal.truncated, shown, counts, page_size
    )
