"""Pagination properties that the spec leaves open: Pluvo's `count`, and the house policy."""

from __future__ import annotations

from hypothesis import strategies as st

from codegen.contract.boundaries import boundary_windows
from codegen.contract.pages import PageRequest, fetch_page, post_page, read_page
from codegen.contract.probe import Probe
from codegen.contract.properties.pagination import describe_positions
from codegen.contract.property import Document, Needs, contract_property
from codegen.contract.slices import (
    Slice,
    any_slices,
    backward_slices,
    forward_slices,
    size_range,
)
from codegen.contract.violation import Violation

__all__ = ["count_is_the_total", "cursors_stay_usable", "identical_requests_get_identical_answers"]


def _one_page(probe: Probe) -> st.SearchStrategy[Slice]:
    total, limit = len(probe.baseline.edges), probe.max_page_size
    if not probe.page.backward:
        return forward_slices(total, limit)
    return forward_slices(total, limit) | backward_slices(total, limit)


def _windows(probe: Probe) -> list[Slice]:
    """`first: 1` in each boundary window."""
    windows = boundary_windows(len(probe.baseline.edges), probe.max_page_size)
    return [Slice(first=1, after=after, before=before) for after, before in windows]


@contract_property(
    Document.PLUVO,
    "certificates: a Relay cursor connection with `count` (the total).",
    _one_page,
    Needs.CONNECTION,
    Needs.TOTAL,
    boundaries=_windows,
)
def count_is_the_total(probe: Probe, shape: Slice) -> None:
    """The total field is the number of nodes on every page, whatever the arguments."""
    baseline = probe.baseline
    total = len(baseline.edges)
    name = probe.page.total_field
    for number, counted in enumerate(baseline.counts, start=1):
        if counted != total:
            raise Violation(
                f"{name} is {counted} on page {number} of a traversal with first: "
                f"{baseline.page_size}, which yields {total} nodes."
            )
    page = fetch_page(probe.recorder, probe.page, shape.request(baseline))
    if page.count != total:
        raise Violation(
            f"{name} is {page.count}, but a traversal with first: {baseline.page_size} "
            f"yields {total} nodes."
        )


def _any_page(probe: Probe) -> st.SearchStrategy[Slice]:
    shapes = any_slices(
        len(probe.baseline.edges),
        probe.max_page_size,
        size_range(0, probe.max_page_size + 10),
    )
    if probe.page.backward:
        return shapes
    return shapes.map(lambda s: Slice(first=s.first, after=s.after, before=s.before))


@contract_property(
    Document.HOUSE,
    "Identical requests get identical answers: a cursor names a position, not a moment "
    "(the spec leaves cursors opaque).",
    _any_page,
    Needs.CONNECTION,
    boundaries=_windows,
)
def identical_requests_get_identical_answers(probe: Probe, shape: Slice) -> None:
    """Identical requests get identical answers, cursors included."""
    request = shape.request(probe.baseline)
    first = post_page(probe.recorder, probe.page, request)
    second = post_page(probe.recorder, probe.page, request)
    # Compared as a report shows them: an error's `extensions` may carry a request id.
    if first.relevant() != second.relevant():
        raise Violation("The same request, sent twice, got two different answers.")


def _reread_limit(probe: Probe) -> int:
    # Positions on the first page: one request reads a fresh cursor for them.
    return min(len(probe.baseline.edges), probe.max_page_size)


@st.composite
def _positions(draw: st.DrawFn, probe: Probe) -> tuple[int, int]:
    total = _reread_limit(probe)
    return draw(st.integers(0, total - 1)), draw(st.integers(1, probe.max_page_size))


def _position_boundaries(probe: Probe) -> list[tuple[int, int]]:
    last = _reread_limit(probe) - 1
    return sorted({(0, 1), (last, 1), (0, probe.max_page_size)})


@contract_property(
    Document.HOUSE,
    "A cursor stays usable for the whole run: after it, the same nodes as after a fresh "
    "cursor for the same node (the spec leaves cursors opaque).",
    _positions,
    Needs.CONNECTION,
    Needs.NODES,
    boundaries=_position_boundaries,
)
def cursors_stay_usable(probe: Probe, example: tuple[int, int]) -> None:
    """A cursor from earlier in the run still works: the page after it is the page after a fresh
    cursor for the same node."""
    position, size = example
    old = probe.baseline.cursors[position]
    fresh = _reread_cursor(probe, position)
    after_old = post_page(probe.recorder, probe.page, PageRequest(first=size, after=old))
    if after_old.errors or after_old.status >= 400:
        raise Violation(
            f"The cursor at position {position}, issued at the start of the run, is refused now."
        )
    got = read_page(after_old, probe.page).ids
    expected = fetch_page(probe.recorder, probe.page, PageRequest(first=size, after=fresh)).ids
    if got != expected:
        raise Violation(
            f"After the old cursor at position {position}: "
            f"{describe_positions(probe.baseline, got)}; after a fresh one: "
            f"{describe_positions(probe.baseline, expected)}."
        )


def _reread_cursor(probe: Probe, position: int) -> str:
    """The cursor at `position` (on the first page), read again now from the start."""
    page = fetch_page(probe.recorder, probe.page, PageRequest(first=position + 1))
    if len(page.edges) <= position:
        raise Violation(f"The first page no longer reaches position {position}.")
    return page.edges[position].cursor
