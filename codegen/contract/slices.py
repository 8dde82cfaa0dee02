"""Connection arguments whose cursors are positions in the baseline, and their strategies.

A `Slice` names `after: 12` rather than an opaque cursor, so that a
counterexample reads as positions, and so that the expected page follows from
the Relay algorithm applied to the baseline: ApplyCursorsToEdges keeps the
edges strictly between the cursors, EdgesToReturn takes the first `first`,
then the last `last`.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from hypothesis import strategies as st

from codegen.contract.baseline import Baseline
from codegen.contract.pages import PageRequest

__all__ = ["Slice", "any_slices", "backward_slices", "forward_slices", "size_range"]


@dataclass(frozen=True)
class Slice:
    """`first`, `last`, and the baseline positions of the `after` and `before` cursors."""

    first: int | None = None
    last: int | None = None
    after: int | None = None
    before: int | None = None

    def request(self, baseline: Baseline) -> PageRequest:
        """The page request with the baseline's cursors at those positions."""
        cursors = baseline.cursors
        return PageRequest(
            first=self.first,
            after=None if self.after is None else cursors[self.after],
            last=self.last,
            before=None if self.before is None else cursors[self.before],
        )

    def fit(self, taken: Collection[str]) -> Slice:
        """This slice without the arguments a connection does not take."""
        return Slice(
            first=self.first if "first" in taken else None,
            last=self.last if "last" in taken else None,
            after=self.after if "after" in taken else None,
            before=self.before if "before" in taken else None,
        )

    def arguments(self) -> str:
        """As GraphQL arguments: `first: 1, after: <cursor of node 0>`."""
        parts = []
        for name in ("first", "after", "last", "before"):
            value = getattr(self, name)
            if value is None:
                continue
            shown = f"<cursor of node {value}>" if name in ("after", "before") else str(value)
            parts.append(f"{name}: {shown}")
        return ", ".join(parts) or "(no arguments)"

    def window(self, total: int) -> range:
        """The positions strictly between the cursors."""
        start = 0 if self.after is None else self.after + 1
        end = total if self.before is None else self.before
        return range(start, max(start, end))

    def expected_ids(self, baseline: Baseline) -> list[str | None]:
        """The ids a page must hold, by the Relay algorithm over the baseline."""
        ids = [baseline.ids[i] for i in self.window(len(baseline.edges))]
        if self.first is not None:
            ids = ids[: self.first]
        if self.last is not None:
            ids = ids[max(0, len(ids) - self.last) :] if self.last else []
        return ids


# Strategies are built once per arguments and reused: hypothesis validates each new
# strategy object, which costs more than drawing from one it has seen.
@functools.cache
def _positions(total: int, lowest: int = 0) -> st.SearchStrategy[int]:
    return st.integers(lowest, total - 1)


@functools.cache
def size_range(low: int, high: int) -> st.SearchStrategy[int]:
    """Sizes from `low` to `high`, one strategy object per range."""
    return st.integers(low, high)


@functools.cache
def _optional(strategy: st.SearchStrategy[int], required: bool) -> st.SearchStrategy[int | None]:
    return strategy if required else st.none() | strategy


@functools.cache
def _sizes_near(width: int, limit: int) -> st.SearchStrategy[int]:
    """Any valid size, often one at the window's edge, where off-by-one bugs live."""
    edge = [size for size in (width - 1, width, width + 1) if 0 <= size <= limit]
    sizes = st.integers(0, limit)
    if not edge:
        return sizes
    exact = [width] if 0 <= width <= limit else edge
    return sizes | st.sampled_from(edge) | st.sampled_from(exact)


@functools.cache
@st.composite
def _window(
    draw: st.DrawFn, total: int, limit: int, after_required: bool, before_required: bool
) -> tuple[int | None, int | None]:
    after = draw(_optional(_positions(total), after_required)) if total else None
    lowest = 0 if after is None else after + 1
    if lowest >= total:
        return after, None
    # Often a window narrower than a page, so that sizes at its edge are valid sizes.
    narrow = st.integers(lowest, min(total - 1, lowest + limit + 1))
    before = draw(_optional(_positions(total, lowest) | narrow, before_required))
    return after, before


@functools.cache
@st.composite
def forward_slices(draw: st.DrawFn, total: int, limit: int, after_required: bool = False) -> Slice:
    """`first: n` with an optional `after` (or a required one) and an optional `before`."""
    after, before = draw(_window(total, limit, after_required, False))
    width = len(Slice(after=after, before=before).window(total))
    return Slice(first=draw(_sizes_near(width, limit)), after=after, before=before)


@functools.cache
@st.composite
def backward_slices(
    draw: st.DrawFn, total: int, limit: int, before_required: bool = False
) -> Slice:
    """`last: n` with an optional `before` (or a required one) and an optional `after`."""
    after, before = draw(_window(total, limit, False, False))
    if before_required and before is None and total:
        after, before = None, draw(_positions(total))
    width = len(Slice(after=after, before=before).window(total))
    return Slice(last=draw(_sizes_near(width, limit)), after=after, before=before)


@functools.cache
@st.composite
def any_slices(draw: st.DrawFn, total: int, limit: int, sizes: st.SearchStrategy[int]) -> Slice:
    """Any of `first` and `last` (both, one or neither) with any cursors of the baseline."""
    after, before = draw(_window(total, limit, False, False))
    first = draw(st.none() | sizes)
    last = draw(st.none() | sizes)
    return Slice(first=first, last=last, after=after, before=before)
