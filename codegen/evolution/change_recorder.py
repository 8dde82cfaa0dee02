"""`ChangeRecorder`: collects changes while a diff walks two schemas, and says where each one is."""

from __future__ import annotations

from collections.abc import Callable

from codegen.errors import Location
from codegen.evolution.changes import Change, ChangeType, Level
from codegen.evolution.model import InputValue, Schema, print_value

__all__ = ["NEW", "OLD", "ChangeRecorder", "Locate", "describe_default", "quote"]

Locate = Callable[[int], Location | None]
OLD = "old"
NEW = "new"
_MAX_QUOTED = 80


def quote(text: str | None) -> str:
    """A description or reason for a one-line message: one line, at most 80 characters."""
    flat = " ".join((text or "").split())
    if len(flat) > _MAX_QUOTED:
        flat = flat[: _MAX_QUOTED - 1] + "…"
    return f"'{flat}'"


def describe_default(value: InputValue) -> str:
    """A default value for a message: `'10'`, or `none`."""
    return "none" if value.default is None else f"'{print_value(value.default)}'"


def _nowhere(_offset: int) -> Location | None:
    return None


class ChangeRecorder:
    """The two schemas being compared, and the schema changes found so far, in order."""

    def __init__(
        self,
        old: Schema,
        new: Schema,
        locate_old: Locate | None = None,
        locate_new: Locate | None = None,
    ) -> None:
        self.old = old
        self.new = new
        self._locate = {OLD: locate_old or _nowhere, NEW: locate_new or _nowhere}
        self.changes: list[Change] = []

    def add(
        self,
        level: Level,
        type_: ChangeType,
        path: str | None,
        message: str,
        where: tuple[str, int] | None,
        subjects: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        """Record one change; `where` is (OLD or NEW, offset of the definition)."""
        location = None
        if where is not None and where[1] >= 0:
            location = self._locate[where[0]](where[1])
        self.changes.append(Change(level, type_, path, message + ".", location, subjects))
