"""The fixed boundary cases every pagination property runs before its random examples.

A missing boundary must never depend on the seed, so these are the same on every
run: `first`/`last` at 0, 1, the window's size and one either side of it; `last`
larger than the window; `first` and `last` together; `after`/`before` at the first
and the last cursor; an empty window (adjacent cursors); `before` with `first` and
`after` with `last`. Sizes stay within the page-size limit, where every answer is
defined.
"""

from __future__ import annotations

from collections.abc import Iterable

from codegen.contract.slices import Slice

__all__ = [
    "any_boundaries",
    "backward_boundaries",
    "boundary_windows",
    "combined_boundaries",
    "edge_boundaries",
    "forward_boundaries",
]

Window = tuple[int | None, int | None]


def boundary_windows(total: int, limit: int) -> list[Window]:
    """(after, before) positions: none, at the first and the last cursor, adjacent, narrow."""
    if total == 0:
        return [(None, None)]
    last = total - 1
    narrow = min(last, max(1, min(last - 1, limit // 2)))  # `before` with nodes after it
    # Narrow windows first: they hold the off-by-one cases, so a bug fails early.
    windows: list[Window] = [(None, None), (None, narrow)]
    if total > 2:
        windows.append((last - 2, last))  # `after` with `before`: one node between
    if total > 1:
        windows.append((0, 1))  # adjacent cursors: an empty window
    windows += [
        (0, None),  # after the first cursor
        (last, None),  # after the last cursor: empty
        (None, 0),  # before the first cursor: empty
        (None, last),  # before the last cursor
    ]
    return list(dict.fromkeys(windows))


def _width(window: Window, total: int) -> int:
    after, before = window
    return len(Slice(after=after, before=before).window(total))


def _sizes(width: int, limit: int) -> list[int]:
    """0, 1, the width and one either side of it, and the limit, all within 0..limit."""
    wanted = (0, 1, width - 1, width, width + 1, limit)
    return sorted({size for size in wanted if 0 <= size <= limit})


def forward_boundaries(total: int, limit: int, *, after_required: bool = False) -> list[Slice]:
    """`first` at every boundary size, in every boundary window."""
    return [
        Slice(first=size, after=after, before=before)
        for after, before in boundary_windows(total, limit)
        if not (after_required and after is None)
        for size in _sizes(_width((after, before), total), limit)
    ]


def backward_boundaries(total: int, limit: int, *, before_required: bool = False) -> list[Slice]:
    """`last` at every boundary size (`last` larger than the window included), every window."""
    return [
        Slice(last=size, after=after, before=before)
        for after, before in boundary_windows(total, limit)
        if not (before_required and before is None)
        for size in _sizes(_width((after, before), total), limit)
    ]


def combined_boundaries(total: int, limit: int) -> list[Slice]:
    """`first` with `last`: each at a boundary size, `last` above and below `first`."""
    shapes: list[Slice] = []
    for after, before in boundary_windows(total, limit):
        width = _width((after, before), total)
        for first in _sizes(width, limit):
            # `last` above the page `first` leaves is where a negative slice wraps around.
            lasts = {0, 1, first + 1, width + 1}
            shapes += [
                Slice(first=first, last=last, after=after, before=before)
                for last in sorted(lasts)
                if 0 <= last <= limit
            ]
    return _unique(shapes)


def any_boundaries(total: int, limit: int) -> list[Slice]:
    """The forward and backward boundaries, and no size at all (combined ones have their own
    property, which compares the nodes themselves)."""
    plain = [Slice(after=after, before=before) for after, before in boundary_windows(total, limit)]
    return _unique([*plain, *forward_boundaries(total, limit), *backward_boundaries(total, limit)])


def edge_boundaries(total: int, limit: int) -> list[Slice]:
    """`first` and `last` at 1, the window's size and the limit, in every boundary window."""
    shapes = []
    for after, before in boundary_windows(total, limit):
        width = _width((after, before), total)
        for size in sorted({1, width, limit}):
            if 1 <= size <= limit:
                shapes.append(Slice(first=size, after=after, before=before))
                shapes.append(Slice(last=size, after=after, before=before))
    return _unique(shapes)


def _unique(shapes: Iterable[Slice]) -> list[Slice]:
    return list(dict.fromkeys(shapes))
